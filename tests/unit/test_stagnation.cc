// A stalled increment is cut within the stagnation window on roofspan's own
// Newton, steady progress is not, and a step's last attempt keeps its whole
// budget. (The PETSc SNES path has no stagnation test: doc/limitations.md.)
// Counted: the linear solves (one per Newton iteration). Exit 1 on failure.
// 1. One unknown u, residual R = p - u (external force p, internal force u),
//    solved with a tangent k times too stiff, so that each full Newton
//    correction removes 1/k of the residual. k = 50: 2 % per iteration,
//    9.6 % in five, a stall the window must catch (cut after
//    NonlinearSolver::stagnation_window iterations, not the 60 allowed);
//    k = 2: half per iteration, converges in about 20 and must not be cut.
// 2. No equilibrium: internal force atan(u) bounded by pi / 2 under p = 2,
//    the true tangent: the residual falls towards p - pi / 2 ever more
//    slowly. Cut (as stagnated, or on no sufficient decrease) within the
//    window of the first iteration whose residual is within 10 % of the
//    bound, far inside the 60 allowed.
#include <roofspan/core/analysis_failure.h>
#include <roofspan/solvers/nonlinear_solver.h>

#include <deal.II/base/mpi.h>

#include <petscvec.h>

#include <cmath>
#include <cstdio>
#include <string>

using namespace roofspan;

namespace
{
  class SlowProblem : public NonlinearProblem
  {
  public:
    /// k > 0: R = p - u with tangent k; k = 0: R = p - atan(u), true tangent.
    explicit SlowProblem(const double stiffness_factor)
        : k(stiffness_factor)
    {
      for (Vec *v : {&u, &committed, &r, &before, &correction})
        VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, 1, v);
      for (Vec v : {u, committed, r, before, correction})
        VecSet(v, 0.);
    }
    ~SlowProblem() override
    {
      for (Vec *v : {&u, &committed, &r, &before, &correction})
        VecDestroy(v);
    }
    void prepare_step(double) override
    {
      VecCopy(committed, u);
    }
    std::pair<double, double> residual(const double p) override
    {
      double value;
      VecSum(u, &value);
      const double internal = k > 0 ? value : std::atan(value);
      VecSet(r, p - internal);
      slope = k > 0 ? k : 1 / (1 + value * value);
      if (k == 0 && !near_bound && std::abs(p - internal) <= 1.1 * (p - M_PI / 2))
        {
          near_bound      = true;
          solves_to_bound = solves;
        }
      return {std::abs(p - internal), std::max(std::abs(p), std::abs(internal))};
    }
    void jacobian(double) override
    {
    }
    unsigned int solve_and_update() override
    {
      VecCopy(u, before);
      solve_correction(r, correction);
      VecAXPY(u, 1., correction);
      return 1;
    }
    void set_step_length(const double alpha) override
    {
      VecCopy(before, u);
      VecAXPY(u, alpha, correction);
    }
    void commit() override
    {
      VecCopy(u, committed);
    }
    void revert() override
    {
      VecCopy(committed, u);
    }
    Vec solution_vector() override
    {
      return u;
    }
    void solution_changed() override
    {
    }
    Vec residual_vector() override
    {
      return r;
    }
    void apply_tangent(Vec x, Vec y) override
    {
      VecCopy(x, y);
      VecScale(y, slope);
    }
    unsigned int solve_correction(Vec rhs, Vec result) override
    {
      ++solves;
      VecCopy(rhs, result);
      VecScale(result, 1. / slope);
      return 1;
    }

    unsigned int solves = 0;
    /// atan: the solves done when the residual first came within 10 % of
    /// its bound.
    unsigned int solves_to_bound = 0;
    bool         near_bound      = false;

  private:
    double k, slope = 1;
    Vec    u, committed, r, before, correction;
  };

  int failures = 0;

  void run(const double k, const bool should_converge)
  {
    NonlinearSolver solver;
    solver.method             = NonlinearSolver::Method::newton;
    solver.load_steps         = 1;
    solver.max_cuts           = 1; // the first attempt has a cut left
    solver.smallest_increment = 0; // (counted, not bounded)
    solver.max_iterations     = 60;
    SlowProblem problem(k);
    // The first attempt: how it ended and the iterations it took.
    std::string  outcome = "converged";
    std::string  last_line;
    unsigned int first_attempt = 0;
    const double p             = k > 0 ? 1. : 2.;
    try
      {
        solver.advance(problem, 0., p, [&](const std::string &line) {
          last_line = line;
          if (first_attempt == 0 && line.find("not converged") != std::string::npos)
            {
              first_attempt = problem.solves;
              outcome       = line;
            }
        });
      }
    catch (const AnalysisFailure &)
      {
      }
    // The last attempt (half the increment, no cut left) keeps its whole
    // budget: near a limit load Newton crawls and then converges.
    const unsigned int last_attempt = outcome == "converged" ? 0 : problem.solves - first_attempt;
    if (outcome == "converged")
      first_attempt = problem.solves;
    // Where the stall begins: k > 0 at once; atan: the first iterate within
    // 10 % of the bound p - pi / 2 (then no window can show 10 % progress).
    unsigned int stall_begins = 0;
    if (k == 0)
      stall_begins = problem.solves_to_bound;
    bool ok;
    if (should_converge)
      ok = outcome == "converged";
    else
      // Cut as stagnated; on the atan problem roofspan's own line search
      // may see no sufficient decrease first, also a cut within the window.
      ok = outcome != "converged" &&
           (outcome.find("stagnat") != std::string::npos ||
            (k == 0 && outcome.find("line search found no decrease") != std::string::npos)) &&
           first_attempt <= stall_begins + NonlinearSolver::stagnation_window &&
           (k == 0 || last_attempt == solver.max_iterations);
    std::printf("%-28s first attempt %2u iterations: %-16s expected %s; last attempt %2u "
                "iterations %s\n",
                k > 0 ? ("tangent " + std::to_string(int(k)) + " x too stiff").c_str() :
                        "no equilibrium (atan)",
                first_attempt,
                outcome == "converged"                           ? "converged" :
                outcome.find("stagnat") != std::string::npos     ? "cut as stagnated" :
                outcome.find("line search") != std::string::npos ? "cut: no decrease" :
                                                                   "other failure",
                should_converge ?
                    "converged" :
                    ("cut by iteration " +
                     std::to_string(stall_begins + NonlinearSolver::stagnation_window))
                        .c_str(),
                last_attempt,
                ok ? "ok" : "FAIL");
    if (!ok)
      std::printf("  last log line: %s\n  outcome: %s\n", last_line.c_str(), outcome.c_str());
    failures += !ok;
  }
} // namespace

int main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  run(50., false);
  run(2., true);
  run(0., false);
  return failures == 0 ? 0 : 1;
}
