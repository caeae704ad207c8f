#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * Factor of safety by shear strength reduction, as RS2, FLAC and PLAXIS
   * compute it: cohesion, tan(phi), tensile strength (and the bolts' bond
   * strength) are divided by a common factor F; the critical F is bracketed
   * (growing F from 1 until failure, or shrinking it if F = 1 fails) and then
   * bisected to a tolerance. A trial fails when Newton does not converge
   * (non-convergence criterion) or when its largest displacement exceeds a
   * given multiple of the F = 1 displacement (displacement-jump criterion);
   * which one decided is reported. It drives the simulator through a callback
   * and never reaches into its assembly.
   */
  class StrengthReduction
  {
  public:
    struct Trial
    {
      bool   converged        = false;
      double max_displacement = 0;
      double load_reached     = 1; ///< excavation load factor reached (1 when stable)
      /// Why a trial that did not converge failed: empty for "no equilibrium"
      /// (the physical verdict); "Newton stalled" when the solver, not a
      /// collapse, stopped it (the factor is then bounded by the solver, and
      /// the summary's failure_criterion says so).
      std::string failure;
      std::string note;
    };

    struct Result
    {
      bool        computed = false;
      double      factor   = 0;         ///< largest F that did not fail (conservative)
      double      lower = 0, upper = 0; ///< bracket: converged / failed
      bool        bounded = true;       ///< false: no failure up to the maximum factor
      std::string criterion;            ///< what made the upper trial fail
      std::vector<std::pair<double, Trial>> trials;
      /// "continuation" or "bisection": where the factor comes from.
      std::string method = "bisection";
      /// Continuation: the path of stable states (F, largest displacement,
      /// roof sag at mid-span), F = 1 first.
      struct CurvePoint
      {
        double factor = 1, max_displacement = 0, roof_sag = 0;
      };
      std::vector<CurvePoint> curve;
      /// Continuation: failures stepped past, as (F reached, F converged by a
      /// longer increment from there).
      std::vector<std::pair<double, double>> failures_passed;
      /// Continuation: the last stable state, at the limit. Points yielded
      /// and how high above the roof they reach (-1 without a roof), the
      /// largest displacement change of the last stable increment, bolts
      /// whose steel yielded or that pulled out.
      struct Mechanism
      {
        bool                      present = false;
        double                    factor = 0, yielded_zone_height = -1, last_increment = 0;
        unsigned int              yielded_points = 0;
        std::vector<unsigned int> bolts_yielded, bolts_pulled_out;
      };
      Mechanism mechanism;
    };

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &file);

    bool enabled() const
    {
      return compute;
    }

    /// The factor a design check runs at (0: no check).
    double check_factor() const
    {
      return check_at;
    }

    /**
     * One trial at `factor`: the factor of safety is at least `factor` when
     * it is stable. A design search needs only this yes/no per candidate,
     * which costs one analysis instead of a bracket and a bisection.
     */
    Result check(const std::function<Trial(double)>             &analyse,
                 double                                          factor,
                 double                                          reference,
                 const std::function<void(const std::string &)> &log) const;

    /// Whether the bolted run also finds the factor of the unbolted roof.
    bool include_unbolted = true;

    /// Whether the trials' load steps go to the log.
    bool log_trials = false;

    /// `reference`: the largest displacement at F = 1.
    Result run(const std::function<Trial(double)>             &analyse,
               double                                          reference,
               const std::function<void(const std::string &)> &log) const;

    /// A result as summary.json holds it ("factor_of_safety", ...):
    /// value, bracket, criterion, curve, trials, mechanism, this method's
    /// tolerance and jump ratio.
    nlohmann::json summary_entry(const Result &result, bool bolted) const;

    /// The log's lines for a result: the factor, its bracket and criterion,
    /// and the mechanism at the limit.
    static std::string describe(const Result &result, bool bolted);

    double tolerance = 0.01, maximum_factor = 5, jump_ratio = 10;
    /// Continuation (raise F from the converged F = 1 state) rather than
    /// bisection (each trial replays the excavation at its F).
    bool continuation = true;
    /// Trials reduce strengths by Davis' procedure (associated flow, c and
    /// tan(phi) scaled by beta) rather than with the units' own flow rule.
    bool davis = false;
    /// Continuation: the largest increment of F (cut near the limit down to
    /// the tolerance).
    double initial_increment = 0.025;
    /// Continuation: Newton starts each increment from the path extrapolated
    /// along its last increment (secant) rather than from the last stable
    /// state.
    bool secant_predictor = true;

  private:
    /// Runs a trial at F, records it in `result`, returns the failure
    /// criterion that decided it (empty when stable).
    std::string judge(const std::function<Trial(double)>             &analyse,
                      double                                          F,
                      double                                          reference,
                      const std::function<void(const std::string &)> &log,
                      Result                                         &result) const;

    bool   compute  = false;
    double check_at = 0;
  };
} // namespace roofspan
