#pragma once

#include <roofspan/simulator/postprocessor.h>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * Virtual telltales (TelltaleSettings) read in the final state, for the
   * summary (`telltales`): per telltale, the separation between the roof
   * surface and each anchor (the anchor's vertical displacement minus the
   * roof's, positive when the roof has moved down away from it), and as a
   * dual-height telltale reads them the movement within the bolted height
   * (roof to the first anchor) and above it (first anchor to the last).
   * Telltales start on the opening's roof; in a shape without one (a
   * layered block) on the surface its bolts are collared in. Collective;
   * the displacement at a point is the one FieldSampler gives.
   */
  template <int dim>
  class TelltalePostprocessor : public Postprocessor<dim>
  {
  public:
    explicit TelltalePostprocessor(const Simulator<dim> &model);

    void execute(const AnalysisState<dim> &state,
                 OutputDirectory          &out,
                 nlohmann::json           &summary) override;

  private:
    const Simulator<dim> &model;
  };
} // namespace roofspan
