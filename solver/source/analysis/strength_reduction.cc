#include <roofspan/analysis/strength_reduction.h>
#include <roofspan/core/input_error.h>

#include <deal.II/base/parameter_handler.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  void StrengthReduction::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Strength reduction");
    prm.declare_entry("Compute factor of safety",
                      "false",
                      Patterns::Bool(),
                      "After the analysis, find the factor of safety by shear "
                      "strength reduction (needs plastic rock units).");
    prm.declare_entry("Method",
                      "continuation",
                      Patterns::Selection("continuation|bisection"),
                      "continuation: from the converged state at F = 1 (full "
                      "excavation, support installed), raise F in adaptive "
                      "increments, each from the last stable state, until "
                      "there is no equilibrium; the factor is the last stable "
                      "F and the curve F - displacement is reported. "
                      "bisection: every trial replays the staged excavation "
                      "from the in-situ state at its F; bracket and bisect. "
                      "When the F = 1 analysis has no equilibrium (factor "
                      "below 1), bisection is used.");
    prm.declare_entry("Flow rule",
                      "as given",
                      Patterns::Selection("Davis|as given"),
                      "Davis: the trials reduce each unit's strength by Davis' "
                      "procedure (reduced c and tan(phi) scaled by beta = "
                      "cos(phi) cos(psi) / (1 - sin(phi) sin(psi)), flow "
                      "associated; Tschuchnigg, Schweiger & Sloan 2015): each "
                      "increment has one solution (a convex problem), on the "
                      "safe side of the non-associated factor; the continuation "
                      "switches from the units' own parameters to Davis' at "
                      "F = 1 as a path, and its Newton uses backtracking. "
                      "Measured on the default room: bolted 1.24 (displacement "
                      "jump), unbolted stalled at 1.0 (README). "
                      "as given: the units' own (non-associated) flow rule; "
                      "near the limit Newton can cycle between two states. "
                      "The analysis at F = 1 always uses the units' own flow "
                      "rule.");
    prm.declare_entry("Tolerance",
                      "0.01",
                      Patterns::Double(1e-4, 1),
                      "Width of the bracket as a fraction of F: bisection stops "
                      "below it; continuation cuts its increments of F down to "
                      "it.");
    prm.declare_entry("Initial increment",
                      "0.025",
                      Patterns::Double(1e-4, 10),
                      "Continuation: the first (and largest) increment of F. Plastic "
                      "flow is path-dependent: increments of 0.1 left the default "
                      "room's bolted roof (3 bolts per row at 1.5 m) in a state at "
                      "F = 1.35 from which no increment converged, where increments of "
                      "0.025 reached 1.575 (measured).");
    prm.declare_entry("Predictor",
                      "secant",
                      Patterns::Selection("secant|none"),
                      "Continuation: where Newton starts an increment of F. "
                      "'secant': the last stable state plus the last increment's "
                      "displacement change scaled to the new increment (the path "
                      "extrapolated); 'none': the last stable state.");
    prm.declare_entry("Maximum factor",
                      "5",
                      Patterns::Double(1, 1000),
                      "Stop searching upward here (the result is then a lower bound).");
    prm.declare_entry("Displacement jump ratio",
                      "10",
                      Patterns::Double(1.1),
                      "A converged trial whose largest displacement exceeds this "
                      "multiple of the F = 1 displacement counts as failed.");
    prm.declare_entry("Check factor",
                      "0",
                      Patterns::Double(0, 1000),
                      "If > 0: one extra analysis with the strengths divided by "
                      "this factor, reported as stable or failed (the factor of "
                      "safety is at least this factor when stable). The design "
                      "search uses it instead of a full bisection. 0 = off.");
    prm.declare_entry("Log trials",
                      "false",
                      Patterns::Bool(),
                      "Write every load step of the strength-reduction trials to "
                      "the log (otherwise one line per trial).");
    prm.declare_entry("Include unbolted",
                      "true",
                      Patterns::Bool(),
                      "With bolts: also find the factor of safety of the same "
                      "roof without them.");
    prm.leave_subsection();
  }

  void StrengthReduction::parse_parameters(ParameterHandler &prm, const std::string &)
  {
    prm.enter_subsection("Strength reduction");
    compute           = prm.get_bool("Compute factor of safety");
    tolerance         = prm.get_double("Tolerance");
    continuation      = prm.get("Method") == "continuation";
    davis             = prm.get("Flow rule") == "Davis";
    initial_increment = prm.get_double("Initial increment");
    maximum_factor    = prm.get_double("Maximum factor");
    secant_predictor  = prm.get("Predictor") == "secant";
    jump_ratio        = prm.get_double("Displacement jump ratio");
    check_at          = prm.get_double("Check factor");
    include_unbolted  = prm.get_bool("Include unbolted");
    log_trials        = prm.get_bool("Log trials");
    prm.leave_subsection();
  }

  std::string StrengthReduction::judge(const std::function<Trial(double)>             &analyse,
                                       const double                                    F,
                                       const double                                    reference,
                                       const std::function<void(const std::string &)> &log,
                                       Result                                         &result) const
  {
    Trial       t = analyse(F);
    std::string why;
    if (!t.converged)
      why = t.failure.empty() ? "no equilibrium" : t.failure;
    else if (t.max_displacement > jump_ratio * reference)
      {
        why    = "displacement jump";
        t.note = "largest displacement " + format_number(t.max_displacement) + " m > " +
                 format_number(jump_ratio) + " x " + format_number(reference) + " m";
      }
    std::ostringstream line;
    line << "  strength reduction F = " << F << ": "
         << (why.empty() ? "stable" : "fails (" + why + ")") << ", largest displacement "
         << t.max_displacement << " m";
    log(line.str());
    result.trials.emplace_back(F, t);
    return why;
  }

  StrengthReduction::Result
  StrengthReduction::check(const std::function<Trial(double)>             &analyse,
                           const double                                    factor,
                           const double                                    reference,
                           const std::function<void(const std::string &)> &log) const
  {
    Result result;
    result.criterion = judge(analyse, factor, reference, log, result);
    result.computed  = true;
    result.factor    = factor;
    if (result.criterion.empty())
      result.lower = factor; // F >= factor; the upper end is unknown
    else
      result.upper = factor;
    return result;
  }

  StrengthReduction::Result
  StrengthReduction::run(const std::function<Trial(double)>             &analyse,
                         const double                                    reference,
                         const std::function<void(const std::string &)> &log) const
  {
    Result result;
    result.method     = "bisection";
    const auto failed = [&](const double F, std::string &why) {
      why = judge(analyse, F, reference, log, result);
      return !why.empty();
    };

    std::string why, upper_why;
    double      lo = 1, hi = 0;
    if (failed(1.0, why))
      {
        // F < 1: shrink until stable.
        hi        = 1;
        upper_why = why;
        lo        = 0;
        for (double F = 0.8; F > 0.05; F *= 0.8)
          if (!failed(F, why))
            {
              lo = F;
              break;
            }
          else
            {
              hi        = F;
              upper_why = why;
            }
      }
    else
      {
        for (double F = 1.5; hi == 0; F = std::min(F * 1.5, maximum_factor))
          {
            if (failed(F, why))
              {
                hi        = F;
                upper_why = why;
              }
            else
              {
                lo = F;
                if (F >= maximum_factor)
                  break;
              }
          }
      }
    result.computed = true;
    if (hi == 0)
      {
        result.bounded = false;
        result.factor = result.lower = result.upper = lo;
        result.criterion                            = "none: stable up to the maximum factor";
        return result;
      }
    while (lo > 0 && hi - lo > tolerance * lo)
      {
        const double mid = (lo + hi) / 2;
        if (failed(mid, why))
          {
            hi        = mid;
            upper_why = why;
          }
        else
          lo = mid;
      }
    result.factor    = lo;
    result.lower     = lo;
    result.upper     = hi;
    result.criterion = upper_why;
    return result;
  }
  nlohmann::json StrengthReduction::summary_entry(const Result &r, const bool bolted) const
  {
    nlohmann::json trials = nlohmann::json::array();
    for (const auto &[F, trial] : r.trials)
      trials.push_back({{"factor", F},
                        {"converged", trial.converged},
                        {"max_displacement", trial.max_displacement},
                        {"load_reached", trial.load_reached},
                        {"note", trial.note}});
    nlohmann::json curve = nlohmann::json::array();
    for (const auto &p : r.curve)
      curve.push_back({{"factor", p.factor},
                       {"max_displacement", p.max_displacement},
                       {"roof_sag", p.roof_sag}});
    nlohmann::json failures_passed = nlohmann::json::array();
    for (const auto &[reached, passed] : r.failures_passed)
      failures_passed.push_back({{"failed_after", reached}, {"converged_at", passed}});
    nlohmann::json mechanism;
    if (r.mechanism.present)
      {
        const auto &m = r.mechanism;
        mechanism     = {{"factor", m.factor},
                         {"yielded_points", m.yielded_points},
                         {"last_increment_max_displacement", m.last_increment},
                         {"bolts_yielded", m.bolts_yielded},
                         {"bolts_pulled_out", m.bolts_pulled_out}};
        if (m.yielded_zone_height >= 0)
          mechanism["yielded_zone_height_above_roof"] = m.yielded_zone_height;
      }
    return nlohmann::json{{"value", r.factor},
                          {"mechanism", mechanism},
                          {"bracket", {r.lower, r.upper}},
                          {"tolerance", tolerance},
                          {"bounded", r.bounded},
                          {"failure_criterion", r.criterion},
                          {"displacement_jump_ratio", jump_ratio},
                          {"bolted", bolted},
                          {"method", r.method},
                          {"curve", curve},
                          {"failures_passed", failures_passed},
                          {"trials", trials}};
  }

  std::string StrengthReduction::describe(const Result &r, const bool bolted)
  {
    std::ostringstream out;
    out << "  factor of safety" << (bolted ? " (bolted) " : " (unbolted) ") << r.factor
        << " (bracket " << r.lower << " - " << r.upper << ", " << r.criterion << ")\n";
    if (r.mechanism.present)
      {
        const auto &m = r.mechanism;
        out << "    at the limit (F = " << m.factor << "): " << m.yielded_points
            << " yielded points";
        if (m.yielded_zone_height >= 0)
          out << " reaching " << m.yielded_zone_height << " m above the roof";
        out << "; last increment moved up to " << m.last_increment << " m";
        if (bolted)
          out << "; bolts yielded " << m.bolts_yielded.size() << ", pulled out "
              << m.bolts_pulled_out.size();
        out << '\n';
      }
    return out.str();
  }
} // namespace roofspan
