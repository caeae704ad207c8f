#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/fault_injection.h>
#include <roofspan/core/output_directory.h>
#include <roofspan/output/bolt_writer.h>
#include <roofspan/output/sampled_patches.h>
#include <roofspan/simulator/field_sampler.h>
#include <roofspan/simulator/field_series_recorder.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/timer.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void FieldSeriesRecorder<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Output");
    prm.declare_entry("Time series",
                      "stage ends",
                      Patterns::Selection("stage ends|load steps"),
                      "Steps of solution.pvd (and solution.xdmf): the fields at each "
                      "stage end of the analysis (before support, after support), or at "
                      "each converged load step. Time = step number; each step's label, "
                      "load factor and strength reduction factor are in its field data "
                      "and in summary.json ('fields').");
    prm.declare_entry("Strength reduction steps",
                      "true",
                      Patterns::Bool(),
                      "Add steps to the series from the strength-reduction "
                      "continuations (F raised, bolted and unbolted), to watch the "
                      "mechanism form: the first converged step (F = 1) and then each "
                      "one at least 'Strength reduction step spacing' past the last "
                      "one written.");
    prm.declare_entry("Strength reduction step spacing",
                      "0.1",
                      Patterns::Double(0),
                      "Smallest increase of F between two strength-reduction steps of "
                      "the series (0: every converged continuation step; a 2D default "
                      "case has about 90, 2 MB each).");
    prm.leave_subsection();
  }

  template <int dim>
  typename FieldSeriesRecorder<dim>::Settings
  FieldSeriesRecorder<dim>::parse_settings(ParameterHandler &prm)
  {
    Settings settings;
    prm.enter_subsection("Output");
    settings.load_steps         = prm.get("Time series") == "load steps";
    settings.strength_reduction = prm.get_bool("Strength reduction steps");
    settings.strength_spacing   = prm.get_double("Strength reduction step spacing");
    prm.leave_subsection();
    return settings;
  }

  template <int dim>
  FieldSeriesRecorder<dim>::FieldSeriesRecorder(Simulator<dim>  &model,
                                                OutputDirectory &out,
                                                const Settings  &settings)
      : model(model)
      , out(out)
      , settings(settings)
  {
  }

  template <int dim>
  void FieldSeriesRecorder<dim>::load_step(const AnalysisState<dim> &state)
  {
    if (!settings.load_steps)
      return;
    std::ostringstream label;
    label << "load factor " << state.committed_load;
    record(state, label.str(), true);
  }

  template <int dim>
  void FieldSeriesRecorder<dim>::stage_end(const AnalysisState<dim> &state,
                                           const std::string        &stage)
  {
    if (!settings.load_steps)
      record(state, "end of stage '" + stage + "'", true);
  }

  template <int dim>
  void FieldSeriesRecorder<dim>::strength_step(const AnalysisState<dim> &state, const bool first)
  {
    const double F = state.strength.factor;
    if (!settings.strength_reduction ||
        (!first && F < last_recorded_factor + settings.strength_spacing - 1e-12))
      return;
    last_recorded_factor = F;
    std::ostringstream label;
    label << "strength reduction (" << context << "), F = " << F;
    // Not announced: the continuation logs its own steps.
    record(state, label.str(), false);
  }

  template <int dim>
  void FieldSeriesRecorder<dim>::strength_step_rejected(const AnalysisState<dim> &state,
                                                        const std::string        &why)
  {
    if (!steps.empty() && steps.back().strength_factor == state.strength.factor)
      steps.back().note = why;
  }

  template <int dim>
  void FieldSeriesRecorder<dim>::record(const AnalysisState<dim> &state,
                                        const std::string        &label,
                                        const bool                announce)
  {
    if (!model.write_vtu && !model.write_hdf5)
      return;
    Timer timer(model.mpi_communicator, true);
    Step  step;
    try
      {
        const unsigned int index = steps.size();
        const unsigned int rank  = Utilities::MPI::this_mpi_process(model.mpi_communicator);
        const auto         name  = [index](const std::string &stem, const std::string &ext) {
          std::string number = std::to_string(index);
          return stem + "_" + std::string(number.size() < 3 ? 3 - number.size() : 0, '0') + number +
                 ext;
        };
        step.label           = label;
        step.load_factor     = state.committed_load;
        step.strength_factor = state.strength.factor;

        const PETScWrappers::MPI::Vector rock = model.rock_part(state.committed_solution);
        const FieldSampler<dim>          sampler(model);
        const Vector<float>              yield_state    = sampler.yield_state(state);
        const Vector<float>              plastic_strain = sampler.plastic_strain(state);

        fault_point("output");
        // One sample of the fields for both formats.
        VtuPiece piece     = sampler.sample(rock,
                                        "displacement",
                                        &state,
                                        model.plastic ? &yield_state : nullptr,
                                        model.plastic ? &plastic_strain : nullptr);
        piece.field_values = {{"step", index},
                              {"load_factor", step.load_factor},
                              {"strength_reduction_factor", step.strength_factor}};
        piece.field_labels = {{"label", label}};
        if (model.write_vtu)
          {
            step.rock_file         = name("solution", ".pvtu");
            const std::string stem = step.rock_file.substr(0, step.rock_file.size() - 5);
            piece.write_parallel(out.staging_folder(), stem, model.mpi_communicator);
            if (model.bolts && state.bolts.installed)
              {
                std::vector<typename BoltSet<dim>::BoltResult>    results;
                std::vector<typename BoltSet<dim>::ElementResult> elements;
                model.bolts->gather_results(state.bolts,
                                            state.locally_relevant_solution,
                                            results,
                                            elements);
                step.bolts_file = name("bolts", ".vtp");
                if (rank == 0)
                  BoltWriter<dim>::write_vtp(out.staging_path(step.bolts_file),
                                             results,
                                             elements,
                                             model.bolt_pattern.product.yield_force);
              }
          }
        if (model.write_hdf5)
          {
            // deal.II's HDF5/XDMF writer on the same sample (the stress
            // tensor as its components, cell quantities as values at the
            // cell's points).
            const SampledPatches<dim>  patches(piece);
            DataOutBase::DataOutFilter filter(DataOutBase::DataOutFilterFlags(false, true));
            patches.write_filtered_data(filter);
            step.hdf5_file = name("solution", ".h5");
            patches.write_hdf5_parallel(filter,
                                        out.staging_path(step.hdf5_file),
                                        model.mpi_communicator);
            xdmf_entries.push_back(patches.create_xdmf_entry(
                filter, step.hdf5_file, double(index), model.mpi_communicator));
            // Rewritten at each step (deal.II's writer needs patches): the
            // last holds the whole series.
            patches.write_xdmf_file(xdmf_entries,
                                    out.staging_path("solution.xdmf"),
                                    model.mpi_communicator);
          }
      }
    catch (const std::exception &e)
      {
        throw OutputFailure(out.write_failure(e.what()));
      }
    steps.push_back(step);
    timer.stop();
    model.output_seconds += timer.last_wall_time();
    if (announce)
      model.pcout << "    fields written: step " << steps.size() - 1 << " (" << label << ")\n";
  }

  template <int dim>
  void FieldSeriesRecorder<dim>::write(nlohmann::json &summary) const
  {
    nlohmann::json series = nlohmann::json::array();
    for (unsigned int i = 0; i < steps.size(); ++i)
      {
        const Step &s = steps[i];
        series.push_back({{"step", i},
                          {"label", s.label},
                          {"load_factor", s.load_factor},
                          {"strength_reduction_factor", s.strength_factor},
                          {"rock", s.rock_file},
                          {"hdf5", s.hdf5_file},
                          {"bolts", s.bolts_file},
                          {"note", s.note}});
      }
    // The analysis' own result: its last stage end, before any strength
    // reduction step.
    unsigned int final_step = 0;
    for (unsigned int i = 0; i < steps.size(); ++i)
      if (steps[i].label.rfind("strength reduction", 0) != 0)
        final_step = i;
    summary["fields"] = {{"series", series},
                         {"final_step", final_step},
                         {"strength_reduction_steps", settings.strength_reduction},
                         {"strength_reduction_step_spacing", settings.strength_spacing},
                         {"pvd", model.write_vtu ? "solution.pvd" : ""},
                         {"xdmf", model.write_hdf5 ? "solution.xdmf" : ""}};
    if (Utilities::MPI::this_mpi_process(model.mpi_communicator) != 0)
      return;
    if (model.write_vtu)
      {
        // Rock and model.bolts as two parts of each step: ParaView opens both and
        // steps through the series with its time control (time = step).
        std::ofstream pvd(out.staging_path("solution.pvd"));
        pvd << "<?xml version=\"1.0\"?>\n"
            << "<VTKFile type=\"Collection\" version=\"0.1\">\n  <Collection>\n";
        for (unsigned int i = 0; i < steps.size(); ++i)
          {
            pvd << "    <DataSet timestep=\"" << i << "\" part=\"0\" file=\"" << steps[i].rock_file
                << "\" name=\"rock\"/>\n";
            if (!steps[i].bolts_file.empty())
              pvd << "    <DataSet timestep=\"" << i << "\" part=\"1\" file=\""
                  << steps[i].bolts_file << "\" name=\"bolts\"/>\n";
          }
        pvd << "  </Collection>\n</VTKFile>\n";
        pvd.close();
        if (!pvd)
          throw std::runtime_error("cannot write solution.pvd");
        // Each part as a series of its own too: ParaView's Python (pvpython)
        // reads only the first part of a multi-part pvd
        // (postprocess/paraview/open_run.py opens these).
        for (const std::string part : {"rock", "bolts"})
          {
            std::vector<std::pair<double, std::string>> records;
            for (unsigned int i = 0; i < steps.size(); ++i)
              {
                const std::string &file = part == "rock" ? steps[i].rock_file : steps[i].bolts_file;
                if (!file.empty())
                  records.emplace_back(i, file);
              }
            if (records.empty())
              continue;
            std::ofstream f(out.staging_path(part + ".pvd"));
            DataOutBase::write_pvd_record(f, records);
            f.close();
            if (!f)
              throw std::runtime_error("cannot write " + part + ".pvd");
          }
      }
  }


  template class FieldSeriesRecorder<2>;
  template class FieldSeriesRecorder<3>;
} // namespace roofspan
