#pragma once

#include <roofspan/simulator/postprocessor.h>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * The rock's results of the final state, for the summary: the largest
   * displacement and where; the roof's sag (largest and at mid-span) and the
   * largest principal stress of each roof layer; the probes' displacement
   * and total stress; the error against a displacement function (when asked
   * for); the regions; the yielded points and the yielded zone's height.
   * Extremes are reduced so that the answer (value and place) does not
   * depend on the partition.
   */
  template <int dim>
  class RockResultsPostprocessor : public Postprocessor<dim>
  {
  public:
    explicit RockResultsPostprocessor(const Simulator<dim> &model);

    void execute(const AnalysisState<dim> &state,
                 OutputDirectory          &out,
                 nlohmann::json           &summary) override;

  private:
    const Simulator<dim> &model;
  };
} // namespace roofspan
