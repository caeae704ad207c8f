#pragma once

#include <roofspan/simulator/step_observer.h>

#include <deal.II/base/data_out_base.h>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  class OutputDirectory;
  template <int dim>
  class Simulator;

  /**
   * The field series of a run (solution.pvd, rock.pvd, bolts.pvd,
   * solution.xdmf): watches the analysis and writes the fields of its
   * converged states through the model's sampler, at the end of each
   * excavation stage or at every load step (Output/Time series), and along
   * each strength-reduction path at F = 1 and then at least `Strength
   * reduction step spacing` apart.
   */
  template <int dim>
  class FieldSeriesRecorder : public StepObserver<dim>
  {
  public:
    /// Output/Time series, Strength reduction steps and their spacing.
    struct Settings
    {
      bool   load_steps = false, strength_reduction = true;
      double strength_spacing = 0.1; ///< smallest F increase between two recorded steps
    };
    static void     declare_parameters(dealii::ParameterHandler &prm);
    static Settings parse_settings(dealii::ParameterHandler &prm);

    FieldSeriesRecorder(Simulator<dim> &model, OutputDirectory &out, const Settings &settings);

    void load_step(const AnalysisState<dim> &state) override;
    void stage_end(const AnalysisState<dim> &state, const std::string &stage) override;
    void strength_step(const AnalysisState<dim> &state, bool first) override;
    /// Notes it on the step written for that state, if one was.
    void strength_step_rejected(const AnalysisState<dim> &state, const std::string &why) override;

    /// Which strength reduction runs ("bolted", "unbolted", "check"): its
    /// steps' labels say so.
    void set_context(const std::string &name)
    {
      context = name;
    }

    /// Writes the pvd and xdmf collections over the recorded steps (time =
    /// step number) and the summary's "fields".
    void write(nlohmann::json &summary) const;

  private:
    /// One step: the rock fields of `state` (its committed solution and
    /// histories, at its strength factor) as solution_NNN.pvtu and in the
    /// HDF5 file, its bolts (once installed) as bolts_NNN.vtp. Collective.
    void record(const AnalysisState<dim> &state, const std::string &label, bool announce);

    /// One recorded step.
    struct Step
    {
      std::string label, rock_file, hdf5_file, bolts_file;
      std::string note;
      double      load_factor = 0, strength_factor = 1;
    };

    Simulator<dim>                &model;
    OutputDirectory               &out;
    const Settings                 settings;
    double                         last_recorded_factor = 0;
    std::string                    context;
    std::vector<Step>              steps;
    std::vector<dealii::XDMFEntry> xdmf_entries;
  };
} // namespace roofspan
