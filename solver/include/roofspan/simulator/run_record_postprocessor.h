#pragma once

#include <roofspan/simulator/postprocessor.h>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * What the summary records of the run itself: provenance, the case and
   * model (dimension, degree, ranks, cells, DoFs, mesh distribution), the
   * boundary conditions, warnings, the linear and nonlinear solvers and
   * their counts, the stages with their load steps, load balancing, the
   * Jacobian check (when on), the times and the memory.
   */
  template <int dim>
  class RunRecordPostprocessor : public Postprocessor<dim>
  {
  public:
    /// `total_seconds`: the run's wall time so far.
    RunRecordPostprocessor(const Simulator<dim> &model, double total_seconds);

    void execute(const AnalysisState<dim> &state,
                 OutputDirectory          &out,
                 nlohmann::json           &summary) override;

  private:
    const Simulator<dim> &model;
    const double          total_seconds;
  };
} // namespace roofspan
