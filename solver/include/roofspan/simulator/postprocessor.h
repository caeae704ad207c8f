#pragma once

#include <roofspan/simulator/analysis_state.h>

#include <nlohmann/json_fwd.hpp>

namespace roofspan
{
  class OutputDirectory;

  /**
   * An output of a run: reads the model and the analysis' final state, adds
   * its part to the summary and writes its files into the staged output
   * folder. Collective. A new output arrives as a new postprocessor, not as
   * new members of the simulator.
   */
  template <int dim>
  class Postprocessor
  {
  public:
    virtual ~Postprocessor() = default;

    virtual void
    execute(const AnalysisState<dim> &state, OutputDirectory &out, nlohmann::json &summary) = 0;
  };
} // namespace roofspan
