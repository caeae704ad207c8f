#include <roofspan/core/input_error.h>
#include <roofspan/solvers/nonlinear_solver.h>

#include <deal.II/base/parameter_handler.h>

#include <cmath>
#include <sstream>
#include <tuple>

namespace roofspan
{
  using namespace dealii;

  void NonlinearSolver::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Nonlinear solver");
    prm.declare_entry("Tolerance",
                      "1e-6",
                      Patterns::Double(0, 1),
                      "Newton converges when the residual is below this "
                      "fraction of the larger of the external and internal "
                      "force norms.");
    prm.declare_entry("Maximum iterations",
                      "25",
                      Patterns::Integer(1),
                      "Newton iterations per load step before the step is cut.");
    prm.declare_entry("Load steps",
                      "4",
                      Patterns::Integer(1),
                      "Equal load steps per nonlinear stage (cut automatically "
                      "when Newton does not converge).");
    prm.declare_entry("Maximum step cuts",
                      "8",
                      Patterns::Integer(0),
                      "How often a load step may be halved before the analysis "
                      "stops with a non-convergence message.");
    prm.leave_subsection();
  }

  void NonlinearSolver::parse_parameters(ParameterHandler &prm, const std::string &)
  {
    prm.enter_subsection("Nonlinear solver");
    tolerance      = prm.get_double("Tolerance");
    max_iterations = prm.get_integer("Maximum iterations");
    load_steps     = prm.get_integer("Load steps");
    max_cuts       = prm.get_integer("Maximum step cuts");
    prm.leave_subsection();
  }

  NonlinearSolver::Step
  NonlinearSolver::equilibrate(const Problem                                  &problem,
                               const double                                    load,
                               const std::function<void(const std::string &)> &log) const
  {
    NonlinearSolver single = *this;
    single.load_steps      = 1;
    single.max_cuts        = 0;
    single.max_iterations  = std::max(max_iterations, 50u);
    single.force_one_step  = true;
    return single.advance(problem, load, load, log).back();
  }

  std::vector<NonlinearSolver::Step>
  NonlinearSolver::advance(const Problem                                  &problem,
                           const double                                    from,
                           const double                                    to,
                           const std::function<void(const std::string &)> &log) const
  {
    std::vector<Step> steps;
    const double      full_step = (to - from) / load_steps;
    double            step      = full_step;
    double            load      = from;
    unsigned int      cuts      = 0;
    bool              force     = force_one_step;
    while (force || load < to - 1e-12 * std::abs(to - from))
      {
        force               = false;
        const double target = std::min(load + step, to);
        Step         s;
        s.load         = target;
        bool        ok = false;
        std::string failure;
        problem.prepare_step(target);
        double previous = -1; // last measurable residual (absolute)
        for (unsigned int it = 0; it <= max_iterations; ++it)
          {
            auto [residual, reference] = problem.assemble(target);
            // Backtracking line search: if the full correction raised the
            // residual, try a half, a quarter, ... of it.
            if (problem.set_step_length && previous > 0 && residual > previous &&
                std::isfinite(residual))
              {
                double best_residual = residual, best_alpha = 1;
                for (double alpha = 0.5; alpha > 0.03; alpha /= 2)
                  {
                    problem.set_step_length(alpha);
                    const auto trial = problem.assemble(target);
                    if (std::isfinite(trial.first) && trial.first < best_residual)
                      {
                        best_residual = trial.first;
                        best_alpha    = alpha;
                      }
                    if (trial.first < previous)
                      break;
                  }
                if (best_alpha != 1)
                  {
                    problem.set_step_length(best_alpha);
                    std::tie(residual, reference) = problem.assemble(target);
                  }
                else
                  {
                    problem.set_step_length(1);
                    std::tie(residual, reference) = problem.assemble(target);
                  }
              }
            if (residual >= 0)
              previous = residual;
            const bool   measurable = residual >= 0;
            const double relative   = reference > 0 ? residual / reference : residual;
            if (measurable)
              {
                s.residual_history.push_back(relative);
                s.residual = relative;
              }
            if (!std::isfinite(relative))
              {
                failure = "the residual is not finite";
                break;
              }
            if (measurable && (it > 0 || reference > 0) && relative <= tolerance)
              {
                ok = true;
                break;
              }
            if (it == max_iterations)
              {
                failure = "no convergence in " + std::to_string(max_iterations) + " iterations";
                break;
              }
            try
              {
                s.linear_iterations += problem.solve_and_update();
              }
            catch (const std::runtime_error &e)
              {
                failure = e.what();
                break;
              }
            ++s.newton_iterations;
            if (problem.linear)
              {
                ok         = true;
                s.residual = 0;
                break;
              }
          }
        std::ostringstream line;
        line.precision(3);
        line << "    load " << target << ": ";
        if (ok)
          {
            problem.commit();
            load = target;
            line << s.newton_iterations << " Newton iterations, " << s.linear_iterations
                 << " CG iterations, relative residual " << s.residual;
            log(line.str());
            steps.push_back(s);
            step = std::min(full_step, 2 * step); // grow back after cuts
            continue;
          }
        problem.revert();
        std::ostringstream history;
        history.precision(3);
        for (const double r : s.residual_history)
          history << ' ' << r;
        line << "not converged (" << failure << "; residuals" << history.str() << ")";
        log(line.str());
        if (cuts == max_cuts)
          throw NonConvergence("Newton's method failed to reach load factor " +
                               format_number(target) + " from " + format_number(load) + " (" +
                               failure + ") after " + std::to_string(cuts) +
                               " step cuts; relative residuals" + history.str() +
                               ". The structure may have no equilibrium at this load "
                               "(bolts pulled out or yielded throughout), or the steps are "
                               "too large: raise 'Nonlinear solver/Load steps'.");
        ++cuts;
        step /= 2;
      }
    return steps;
  }
} // namespace roofspan
