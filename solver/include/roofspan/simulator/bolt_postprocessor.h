#pragma once

#include <roofspan/simulator/postprocessor.h>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * The bolts of the final state: bolts.vtp (line cells with their axial
   * forces, for ParaView), bolts.csv (one line per bolt: position, peak
   * force, collar force, utilisation, state), bolt_profiles.csv (one line
   * per bolt element) and the summary's "bolts". Nothing without bolts.
   */
  template <int dim>
  class BoltPostprocessor : public Postprocessor<dim>
  {
  public:
    explicit BoltPostprocessor(const Simulator<dim> &model);

    void execute(const AnalysisState<dim> &state,
                 OutputDirectory          &out,
                 nlohmann::json           &summary) override;

  private:
    const Simulator<dim> &model;
  };
} // namespace roofspan
