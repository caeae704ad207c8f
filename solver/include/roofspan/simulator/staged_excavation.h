#pragma once

#include <roofspan/simulator/analysis_state.h>
#include <roofspan/simulator/step_observer.h>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * The excavation of the opening and its support, as stages of the load
   * factor 0 -> 1 taken by the nonlinear solver on one state: excavation up
   * to the installation relaxation, installation of the bolts (after
   * repartitioning the mesh by cell cost, Load balancing), their tensioning
   * to the pretension, relaxation after support; without bolts (or for the
   * unsupported roof) one stage. Linear stages (elastic rock, no bolts yet)
   * take one step.
   */
  template <int dim>
  class StagedExcavation
  {
  public:
    explicit StagedExcavation(Simulator<dim> &model);

    /// Runs the stages on `state` from where it stands (the in-situ state
    /// of Simulator::make_state). `may_repartition`: the analysis that owns
    /// the partition repartitions at installation; a trial leaves the model
    /// as it is. `observer` (if any) sees every converged load step and
    /// each stage's end.
    void run(AnalysisState<dim> &state,
             bool                may_repartition,
             StepObserver<dim>  *observer = nullptr) const;

  private:
    Simulator<dim> &model;
  };
} // namespace roofspan
