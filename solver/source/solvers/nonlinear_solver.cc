#include <roofspan/core/input_error.h>
#include <roofspan/solvers/nonlinear_solver.h>

#include <deal.II/base/parameter_handler.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    /// Sufficient-decrease constant of the Armijo test on ||R||^2 / 2.
    constexpr double armijo = 1e-4;
    /// Iterations a watchdog step has to undercut the residual before it.
    constexpr unsigned int watchdog_iterations = 5;
    /// Below this length a line search makes too little progress to be worth
    /// it: the watchdog's full step is tried first.
    constexpr double short_step = 0.05;

    std::string format_short(const double value)
    {
      std::ostringstream s;
      s.precision(3);
      s << value;
      return s.str();
    }
  } // namespace

  void NonlinearSolver::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Nonlinear solver");
    prm.declare_entry("Tolerance",
                      "1e-6",
                      Patterns::Double(1e-14, 1),
                      "Newton converges when the residual is below this "
                      "fraction of the larger of the external and internal "
                      "force norms.");
    prm.declare_entry("Maximum iterations",
                      "60",
                      Patterns::Integer(1),
                      "Newton iterations per load step before the step is cut. "
                      "A step whose residual falls by less than 10 % in five "
                      "iterations is cut earlier (stagnation), so this is a cap "
                      "for slow but steady progress near a limit load, not the "
                      "usual cost (roofspan's Newton; the PETSc SNES path has no "
                      "stagnation test and runs this many). The last attempt of a "
                      "step (its smallest increment, no cut left) is not cut for "
                      "stagnation: near a limit load Newton crawls for many "
                      "iterations and then converges.");
    prm.declare_entry("Load steps",
                      "8",
                      Patterns::Integer(1),
                      "Equal load steps per nonlinear stage (cut automatically "
                      "when Newton does not converge).");
    prm.declare_entry("Path tolerance",
                      "0",
                      Patterns::Double(0, 1),
                      "Local error allowed per load step of a plastic path, as a "
                      "fraction of the stresses (root mean square over the "
                      "integration points): after a "
                      "step converges, its stresses are compared with their "
                      "extrapolation along the previous step (the error of the "
                      "backward-Euler return mapping is proportional to that "
                      "difference); a step above the tolerance is undone and "
                      "retried shorter, and the next increment follows the "
                      "estimate; 'Load steps' then sets the largest increment "
                      "(the first is a quarter of it). Applies to the excavation "
                      "stages and the strength-reduction path (in F). 0 (the "
                      "default): off, increments from Newton's iteration counts "
                      "alone. Experimental: its tolerance is not yet calibrated "
                      "against the converged path (doc/limitations.md).");
    prm.declare_entry("Smallest load increment",
                      "1e-3",
                      Patterns::Double(1e-9, 1),
                      "A failed load step is retried with half the increment it "
                      "attempted while that is above this fraction of the "
                      "excavation's load (the first halving of the stage's "
                      "initial increment at or below it is the last attempt); a "
                      "step that fails there ends the stage (no equilibrium or "
                      "Newton stalled, decided by the load-displacement path). "
                      "An absolute bound, not a number of cuts: whether a stage "
                      "near its limit reaches its load must not depend on "
                      "'Load steps' (with 5 cuts counted from the starting "
                      "increment, the default room's unbolted replays were cut "
                      "down to 0.0039 from 8 load steps and to 0.00098 from 32, "
                      "and 8 steps gave a factor of safety 4 % lower on 0.3 m "
                      "cells; doc/validation.md).");
    prm.declare_entry("Minimum step length",
                      "1e-4",
                      Patterns::Double(1e-12, 1),
                      "The line search backtracks along a Newton correction "
                      "down to this fraction of its length; below it the "
                      "iteration has failed and the load step is cut.");
    prm.declare_entry("Softening ratio",
                      "5",
                      Patterns::Double(1),
                      "When a load step cannot be completed, the analysis ends "
                      "with 'no equilibrium' (the physical verdict) only if the "
                      "load-displacement path softened towards it: the "
                      "displacement per unit load of the last converged "
                      "increment is at least this multiple of the stage's first. "
                      "Otherwise it ends as 'Newton stalled' (a numerical "
                      "failure, exit code 4).");
    prm.declare_entry("Method",
                      "PETSc SNES",
                      Patterns::Selection("Newton|PETSc SNES"),
                      "The iteration of a load step: PETSc's SNES (newtonls, "
                      "line search below) or roofspan's own Newton (monotone "
                      "Armijo line search on the residual norm with a watchdog). "
                      "Both use the same residual, consistent tangent, linear "
                      "solver, load stepping and failure classes. Measured "
                      "(bench/nonlinear_methods.py): SNES with the l2 line search "
                      "completes every hard case; the monotone searches end the "
                      "unbolted room and the zero-tension clay short of an "
                      "equilibrium that exists.");
    prm.declare_entry("SNES line search",
                      "l2",
                      Patterns::Selection("l2|bt|basic|cp"),
                      "PETSc SNES only: l2 (secant minimisation of ||R||^2 along "
                      "the Newton direction; the measured choice), bt "
                      "(backtracking with sufficient decrease), basic (full "
                      "steps), cp (critical point).");
    prm.declare_entry("Log iterations",
                      "false",
                      Patterns::Bool(),
                      "Write every Newton iteration (residual, step length, "
                      "linear iterations) to the log, not only every load step.");
    prm.leave_subsection();
  }

  void NonlinearSolver::parse_parameters(ParameterHandler &prm, const std::string &)
  {
    prm.enter_subsection("Nonlinear solver");
    tolerance           = prm.get_double("Tolerance");
    max_iterations      = prm.get_integer("Maximum iterations");
    load_steps          = prm.get_integer("Load steps");
    smallest_increment  = prm.get_double("Smallest load increment");
    minimum_step_length = prm.get_double("Minimum step length");
    softening_ratio     = prm.get_double("Softening ratio");
    path_tolerance      = prm.get_double("Path tolerance");
    verbose             = prm.get_bool("Log iterations");
    method              = prm.get("Method") == "PETSc SNES" ? Method::petsc_snes : Method::newton;
    snes_line_search    = prm.get("SNES line search");
    prm.leave_subsection();
  }

  nlohmann::json NonlinearSolver::summary_entry() const
  {
    return {{"method",
             method == Method::petsc_snes ?
                 "PETSc SNES newtonls, consistent tangent, line search " + snes_line_search :
                 std::string("Newton, consistent tangent, backtracking line search (Armijo, "
                             "quadratic interpolation), watchdog")},
            {"tolerance", tolerance},
            {"minimum_step_length", minimum_step_length},
            {"softening_ratio", softening_ratio},
            {"path_tolerance", path_tolerance},
            {"initial_load_steps", load_steps},
            {"smallest_load_increment", smallest_increment},
            {"maximum_iterations", max_iterations}};
  }

  nlohmann::json NonlinearSolver::summary_entry(const Step &step)
  {
    nlohmann::json newton = nlohmann::json::array();
    for (const auto &it : step.iterations)
      newton.push_back({it.residual, it.step_length, it.linear_iterations});
    return {{"load_factor", step.load},
            {"increment", step.increment},
            {"cuts", step.cuts},
            {"watchdog_steps", step.watchdog_steps},
            {"error_rejections", step.error_rejections},
            {"path_error", step.path_error},
            {"newton_iterations", step.newton_iterations},
            {"linear_iterations", step.linear_iterations},
            {"relative_residual", step.residual},
            {"max_displacement", step.displacement},
            {"newton", newton}};
  }

  NonlinearSolver::Step
  NonlinearSolver::equilibrate(NonlinearProblem                               &problem,
                               const double                                    load,
                               const std::function<void(const std::string &)> &log) const
  {
    NonlinearSolver single    = *this;
    single.load_steps         = 1;
    single.max_cuts           = 0;
    single.smallest_increment = 0;
    single.max_iterations     = std::max(max_iterations, 50u);
    single.force_one_step     = true;
    return single.advance(problem, load, load, log).back();
  }

  std::string NonlinearSolver::newton(NonlinearProblem &problem,
                                      const double      target,
                                      Step             &s,
                                      LinearFailure    &linear_failure,
                                      const std::function<void(const std::string &)> &log) const
  {
    problem.prepare_step(target);
    auto [residual, reference] = problem.residual_and_jacobian(target);
    // Watchdog (Chamberlain et al. 1982): where many points sit on kinks of
    // the return mapping (edges, apex, tension corners), ||R|| need not fall
    // along the Newton direction except for tiny lengths, although the full
    // step leads on to convergence (measured on the clamped roof beam). When
    // the line search would go below `short_step`, the full step is taken; the
    // next `watchdog_iterations` must bring the residual below the value
    // before it, or the iteration returns to the point before the full step
    // and goes on with the line search alone. A converged state is never one
    // whose residual rose.
    double       watchdog_reference = -1;
    unsigned int watchdog_left      = 0;
    bool         watchdog_allowed   = problem.can_restore_iterate();
    if (residual >= 0 && !std::isfinite(residual))
      {
        // At the committed state nothing can be backtracked: the values
        // themselves are broken.
        const std::string place = problem.non_finite_place();
        throw NonFiniteValues("the residual at the start of the load step to " +
                              format_number(target) + " is not finite" +
                              (place.empty() ? "" : " (" + place + ")"));
      }
    for (unsigned int it = 0;; ++it)
      {
        const bool   measurable = residual >= 0;
        const double relative   = reference > 0 ? residual / reference : residual;
        if (measurable)
          s.residual = relative;
        if (measurable && (it > 0 || reference > 0) && relative <= tolerance)
          return "";
        if (it == max_iterations)
          return "no convergence in " + std::to_string(max_iterations) + " iterations";
        if (method == Method::petsc_snes && measurable && !problem.is_linear())
          return snes(problem, target, relative, reference, s, linear_failure, log);
        if (watchdog_left > 0 && measurable)
          {
            if (residual < (1 - 2 * armijo) * watchdog_reference)
              watchdog_left = 0; // the full step paid off
            else if (--watchdog_left == 0)
              {
                // Back to where the full step was taken; from there the line
                // search alone, for the rest of this attempt.
                problem.restore_iterate();
                std::tie(residual, reference) = problem.residual_and_jacobian(target);
                watchdog_allowed              = false;
                continue;
              }
          }
        // Stagnation: less than 10 % progress over the last five iterations
        // is not going to reach the tolerance within the budget; cut now.
        constexpr unsigned int window = stagnation_window;
        if (cut_on_stagnation && measurable && watchdog_left == 0 &&
            s.iterations.size() >= window &&
            s.iterations[s.iterations.size() - window].residual > 0 &&
            relative > 0.9 * s.iterations[s.iterations.size() - window].residual)
          return "stagnated at relative residual " + format_short(relative) +
                 " (less than 10 % "
                 "decrease in " +
                 std::to_string(window) + " iterations)";

        Iteration iteration;
        iteration.residual = measurable ? relative : -1;
        try
          {
            iteration.linear_iterations = problem.solve_and_update();
            if (!problem.is_linear())
              problem.after_correction();
          }
        catch (const LinearSolverFailure &e)
          {
            // Only the tangent of the last equilibrium (the step's first
            // solve) makes it the linear solver's failure; later, Newton's
            // path went where the tangent is singular (see snes()).
            if (s.iterations.empty())
              {
                linear_failure.failed = true;
                linear_failure.remedy = e.remedy;
                return std::string("linear solver: ") + e.what();
              }
            return "the linear solver failed on the tangent at Newton iterate " +
                   std::to_string(it) + ", away from the last equilibrium: " + e.what();
          }
        s.linear_iterations += iteration.linear_iterations;
        ++s.newton_iterations;
        if (problem.is_linear())
          {
            s.residual = 0;
            s.iterations.push_back(iteration);
            return "";
          }

        // Full correction first, with the tangent (accepted most of the time).
        auto [trial, trial_reference] = problem.residual_and_jacobian(target);
        if (measurable)
          {
            const double phi0  = residual * residual;
            double       alpha = 1, value = trial;
            const auto   sufficient = [&](const double a, const double r) {
              return std::isfinite(r) && r >= 0 && r * r <= (1 - 2 * armijo * a) * phi0;
            };
            bool backtracked = false;
            while (!sufficient(alpha, value))
              {
                // phi(a) ~ phi0 - phi0 a + (phi(alpha) - phi0 + phi0 alpha) (a/alpha)^2
                double next = 0.5 * alpha;
                if (std::isfinite(value))
                  {
                    const double curvature = value * value - phi0 + phi0 * alpha;
                    if (curvature > 0)
                      next = phi0 * alpha * alpha / (2 * curvature);
                    next = std::clamp(next, 0.1 * alpha, 0.5 * alpha);
                  }
                else
                  next = 0.1 * alpha;
                if (next < short_step && watchdog_allowed && watchdog_left == 0 &&
                    std::isfinite(trial))
                  {
                    // Take the full step under the watchdog.
                    problem.save_iterate();
                    alpha = 1;
                    problem.set_step_length(1);
                    watchdog_reference = residual;
                    watchdog_left      = watchdog_iterations + 1;
                    ++s.watchdog_steps;
                    backtracked = true;
                    break;
                  }
                if (next < minimum_step_length)
                  {
                    problem.set_step_length(0); // back to the last accepted iterate
                    s.iterations.push_back(iteration);
                    return "line search found no decrease of the residual " +
                           format_short(relative) + " down to step length " + format_short(alpha);
                  }
                alpha = next;
                problem.set_step_length(alpha);
                value = problem.residual(target).first;
                ++iteration.residual_evaluations;
                backtracked = true;
              }
            iteration.step_length = alpha;
            if (backtracked)
              std::tie(trial, trial_reference) = problem.residual_and_jacobian(target);
          }
        residual  = trial;
        reference = trial_reference;
        s.iterations.push_back(iteration);
        if (verbose)
          {
            std::ostringstream line;
            line.precision(3);
            line << "      iteration " << it + 1 << ": residual "
                 << (measurable ? relative : std::nan("")) << " -> "
                 << (reference > 0 ? residual / reference : residual) << ", step length "
                 << iteration.step_length << ", " << iteration.linear_iterations
                 << " linear iterations";
            log(line.str());
          }
        if (!std::isfinite(residual))
          return "the residual is not finite after a full correction";
      }
  }

  std::vector<NonlinearSolver::Step>
  NonlinearSolver::advance(NonlinearProblem                               &problem,
                           const double                                    from,
                           const double                                    to,
                           const std::function<void(const std::string &)> &log) const
  {
    std::vector<Step> steps;
    const double      full_step     = (to - from) / load_steps;
    double            increment     = full_step;
    double            load          = from;
    unsigned int      cuts          = 0; // of the step under way
    bool              force         = force_one_step;
    const double      end_tolerance = 1e-12 * std::max(std::abs(to - from), 1.);
    // The smallest increment a cut may leave: the initial one / 2^cuts, with
    // as many cuts as reach the absolute bound if one is set.
    const unsigned int cuts_allowed =
        smallest_increment > 0 ?
            static_cast<unsigned int>(
                std::max(0.,
                         std::ceil(std::log2(std::abs(full_step) / smallest_increment) - 1e-9))) :
            max_cuts;
    const double smallest = full_step / std::pow(2., cuts_allowed);
    // Path error control: the first increment is a quarter of the largest
    // (its error cannot be estimated: no earlier step), then the estimate
    // sets them. The previous converged increment of this path (0: none).
    const bool controlled = path_tolerance > 0 && !problem.is_linear();
    if (controlled)
      increment = std::max(full_step / 4, smallest);
    double          previous_increment = 0;
    unsigned int    rejections         = 0; // of the step under way
    FailureEvidence evidence;
    evidence.path = earlier_path;
    evidence.path.push_back({from, problem.displacement()});
    while (force || load < to - end_tolerance)
      {
        force = false;
        // The increment attempted now; a cut halves exactly this.
        const double attempt = std::min(increment, to - load);
        const double target  = (to - load - attempt <= end_tolerance) ? to : load + attempt;
        Step         s;
        s.load             = target;
        s.increment        = attempt;
        s.cuts             = cuts;
        s.error_rejections = rejections;
        LinearFailure linear_failure;
        // The last attempt (no cut left after it) runs on a copy of this
        // solver: a larger budget if one is set, and no stagnation cut.
        const bool last_attempt       = attempt / 2 < smallest * (1 - 1e-9) || cuts == cuts_allowed;
        const NonlinearSolver *solver = this;
        NonlinearSolver        patient;
        if (last_attempt)
          {
            patient = *this;
            if (last_attempt_iterations > max_iterations)
              patient.max_iterations = last_attempt_iterations;
            patient.cut_on_stagnation = false;
            solver                    = &patient;
          }
        const std::string  failure = solver->newton(problem, target, s, linear_failure, log);
        std::ostringstream line;
        line.precision(3);
        line << "    " << problem.parameter_name() << ' ' << target << ": ";
        double error_growth = 2; // what the path error allows the next increment
        if (failure.empty() && controlled && previous_increment > 0)
          {
            s.path_error = problem.step_error(previous_increment, attempt);
            if (s.path_error > 0)
              error_growth = std::clamp(0.9 * path_tolerance / s.path_error, 0.25, 2.);
            if (s.path_error > path_tolerance && attempt > smallest * (1 + 1e-9))
              {
                // Converged, but too long for the path's curvature.
                problem.revert();
                line << "path error " << format_short(s.path_error) << " > "
                     << format_short(path_tolerance) << " at increment " << attempt
                     << ": undone, retried shorter";
                log(line.str());
                ++rejections;
                increment = std::max(error_growth * attempt, smallest);
                continue;
              }
          }
        if (failure.empty())
          {
            problem.commit();
            s.displacement = problem.displacement();
            evidence.path.push_back({target, s.displacement});
            load = target;
            line << s.newton_iterations << " Newton iterations, " << s.linear_iterations
                 << " linear iterations, relative residual " << s.residual;
            if (s.path_error >= 0)
              line << ", path error " << s.path_error;
            if (!s.iterations.empty() && s.iterations.size() >= 3)
              {
                // The closing convergence ratios r_{k+1} / r_k show Newton's
                // local rate (quadratic: the ratios fall fast).
                line << "; last ratios";
                const auto &its = s.iterations;
                for (std::size_t k = std::max<std::size_t>(its.size(), 3) - 3; k < its.size(); ++k)
                  {
                    const double next = k + 1 < its.size() ? its[k + 1].residual : s.residual;
                    if (its[k].residual > 0)
                      line << ' ' << next / its[k].residual;
                  }
              }
            log(line.str());
            steps.push_back(s);
            if (problem.path_ended())
              return steps;
            cuts               = 0;
            rejections         = 0;
            previous_increment = attempt;
            // The next increment follows how hard this one was: doubled after
            // an easy step, kept after a moderate one, halved after a hard
            // one (near a limit load), and at most what the path error
            // allows; never below the smallest increment.
            const unsigned int n      = s.newton_iterations;
            const double       growth = n <= easy_iterations ? 2. : n <= hard_iterations ? 1. : 0.5;
            increment = std::clamp(std::min(growth, error_growth) * attempt, smallest, full_step);
            continue;
          }
        problem.revert();
        line << "not converged (" << failure << "), increment " << attempt;
        log(line.str());
        if (last_attempt)
          {
            evidence.load_reached   = load;
            evidence.load_attempted = target;
            evidence.increment      = attempt;
            evidence.newton         = failure;
            if (linear_failure.failed)
              {
                if (linear_failure.remedy.empty())
                  throw LinearSolverFailure("the linear solver failed on the load step from " +
                                            format_number(load) + " to " + format_number(target) +
                                            " after " + std::to_string(cuts) +
                                            " step cuts: " + failure);
                throw LinearSolverFailure("the linear solver failed on the load step from " +
                                              format_number(load) + " to " + format_number(target) +
                                              " after " + std::to_string(cuts) +
                                              " step cuts: " + failure,
                                          linear_failure.remedy);
              }
            // Softening: compliance of the last converged increment against
            // the first of the stage (needs two converged increments).
            const auto  &path             = evidence.path;
            const double first_compliance = path.size() >= 2 ?
                                                (path[1].displacement - path[0].displacement) /
                                                    std::max(path[1].load - path[0].load, 1e-300) :
                                                0.;
            const double last_compliance =
                path.size() >= 3 ?
                    (path.back().displacement - path[path.size() - 2].displacement) /
                        std::max(path.back().load - path[path.size() - 2].load, 1e-300) :
                    0.;
            evidence.softening = first_compliance > 0 ? last_compliance / first_compliance : 0.;
            // Where the path's stiffness k (load per displacement) vanishes:
            // the limit load the path is heading for. Near a smooth limit
            // point the load is quadratic in the displacement, so k^2 falls
            // linearly in the load; extrapolated from the last two increments.
            evidence.limit_estimate = std::numeric_limits<double>::infinity();
            if (path.size() >= 3)
              {
                const auto stiffness = [&](const std::size_t i) {
                  const double du = path[i + 1].displacement - path[i].displacement;
                  return du > 0 ? (path[i + 1].load - path[i].load) / du :
                                  std::numeric_limits<double>::infinity();
                };
                const std::size_t n      = path.size();
                const double      k_prev = stiffness(n - 3), k_last = stiffness(n - 2);
                const double      at_prev = 0.5 * (path[n - 3].load + path[n - 2].load);
                const double      at_last = 0.5 * (path[n - 2].load + path[n - 1].load);
                if (std::isfinite(k_prev) && k_last < k_prev)
                  evidence.limit_estimate = at_last + k_last * k_last * (at_last - at_prev) /
                                                          (k_prev * k_prev - k_last * k_last);
              }
            std::ostringstream history;
            history.precision(4);
            for (const LoadPathPoint &p : path)
              history << " (" << p.load << ", " << p.displacement << " m)";
            const std::string where =
                "from load factor " + format_number(load) + " to " + format_number(target) +
                " (increment " + format_short(attempt) + " after " + std::to_string(cuts) +
                " cuts; " + failure +
                "); load path (load factor, largest displacement):" + history.str() +
                "; the last increment's displacement per unit load is " +
                format_short(evidence.softening) +
                " times the first's, and the path's "
                "stiffness, extrapolated, vanishes at load factor " +
                (std::isfinite(evidence.limit_estimate) ? format_short(evidence.limit_estimate) :
                                                          std::string("(never: not softening)"));
            // The verdict needs both: a path that has softened, and one whose
            // stiffness runs out by the load that could not be reached (within
            // 5 %: a two-point extrapolation of a plastic path is no better).
            if (evidence.softening >= softening_ratio &&
                evidence.limit_estimate <= target + 0.05 * std::abs(target))
              throw NoEquilibrium("no equilibrium " + where, evidence);
            throw NewtonStalled("Newton's method stalled " + where +
                                    ", so the path does not show a collapse before this load",
                                evidence);
          }
        ++cuts;
        increment = std::max(attempt / 2, smallest);
      }
    return steps;
  }
} // namespace roofspan
