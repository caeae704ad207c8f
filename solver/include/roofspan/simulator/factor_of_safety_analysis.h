#pragma once

#include <roofspan/analysis/strength_reduction.h>
#include <roofspan/simulator/analysis_state.h>
#include <roofspan/simulator/mechanism_fields.h>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace roofspan
{
  class OutputDirectory;
  template <int dim>
  class Simulator;
  template <int dim>
  class FieldSeriesRecorder;

  /**
   * The factor of safety of the analysed roof by shear strength reduction,
   * F being the path parameter: continuation from the analysis' stable
   * state at F = 1 where there is one, bisection of trials (each replaying
   * the excavation at its F) where there is none (a factor below 1). Runs
   * after the excavation analysis: the design check at one F (Strength
   * reduction/Check factor), the bolted roof's factor, the unbolted roof's
   * beside it; adds "strength_check", "factor_of_safety" and
   * "factor_of_safety_unbolted" to the summary and writes the mechanisms at
   * the limits (mechanism.pvd).
   */
  template <int dim>
  class FactorOfSafetyAnalysis
  {
  public:
    /// `field_series` records the continuation paths' steps.
    FactorOfSafetyAnalysis(Simulator<dim> &model, FieldSeriesRecorder<dim> &field_series);

    void run(OutputDirectory &out, nlohmann::json &summary);

  private:
    /// Continuation (strength_continuation.cc): from `state`, converged at
    /// full excavation and F = 1, raises F in adaptive increments (each from
    /// the last stable state, the load held at 1) up to `to`; stops at the
    /// first F without equilibrium or past the displacement jump (relative
    /// to `reference`). Returns the result with its curve (F, largest
    /// displacement, roof sag); the field series sees every point, and
    /// `last_limit` receives the mechanism at the limit.
    StrengthReduction::Result continuation(AnalysisState<dim> state, double to, double reference);

    /// The factor of the roof with or without its support, up to `to`.
    StrengthReduction::Result factor(bool with_support, double to, double reference);

    /// Keeps the fields of the factor's limit state (when its continuation
    /// found one) under `name` and names their file in the summary entry.
    void keep_mechanism(const StrengthReduction::Result &result,
                        const std::string               &name,
                        nlohmann::json                  &entry);

    /// Writes mechanism.pvd with one pvtu per kept limit (nothing when
    /// no continuation reached one).
    void write_mechanisms(OutputDirectory &out) const;

    Simulator<dim>                   &model;
    FieldSeriesRecorder<dim>         &field_series;
    const StrengthReduction          &method;
    MechanismFields<dim>              last_limit; ///< of the last continuation that found one
    std::vector<MechanismFields<dim>> mechanisms; ///< kept, to write
  };
} // namespace roofspan
