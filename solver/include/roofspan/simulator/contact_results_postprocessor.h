#pragma once

#include <roofspan/simulator/postprocessor.h>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * The bedding contacts' results of the final state, for the summary
   * (`contacts`): per contact region, its largest opening and slip [m] and
   * where, and how many of its points are open (at the tension limit) and
   * slipping (on the Coulomb line). Nothing when the model has no contact.
   * Extremes are reduced so that the answer does not depend on the
   * partition.
   */
  template <int dim>
  class ContactResultsPostprocessor : public Postprocessor<dim>
  {
  public:
    explicit ContactResultsPostprocessor(const Simulator<dim> &model);

    void execute(const AnalysisState<dim> &state,
                 OutputDirectory          &out,
                 nlohmann::json           &summary) override;

  private:
    const Simulator<dim> &model;
  };
} // namespace roofspan
