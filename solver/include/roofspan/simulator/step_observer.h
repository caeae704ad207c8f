#pragma once

#include <roofspan/simulator/analysis_state.h>

#include <string>

namespace roofspan
{
  /**
   * Watches an analysis' converged states: what the output records between
   * the steps of a path (the field series). The analysis of the case passes
   * one; its trials and the unbolted roof's path pass none, so nothing asks
   * which state it is looking at.
   */
  template <int dim>
  class StepObserver
  {
  public:
    virtual ~StepObserver() = default;

    /// A load step of an excavation stage converged (committed state).
    virtual void load_step(const AnalysisState<dim> &)
    {
    }

    /// An excavation stage ended.
    virtual void stage_end(const AnalysisState<dim> &, const std::string & /*stage*/)
    {
    }

    /// A point of a strength-reduction path converged (F is the state's
    /// strength factor); `first` for the path's starting point (F = 1).
    virtual void strength_step(const AnalysisState<dim> &, bool /*first*/)
    {
    }

    /// The last point reported is not counted as stable after all (`why`:
    /// beyond the displacement-jump limit).
    virtual void strength_step_rejected(const AnalysisState<dim> &, const std::string & /*why*/)
    {
    }
  };
} // namespace roofspan
