#include <roofspan/core/analysis_failure.h>
#include <roofspan/solvers/nonlinear_solver.h>

#include <petscsnes.h>

#include <cmath>
#include <sstream>
#include <string>

namespace roofspan
{
  namespace
  {
    /// What the SNES callbacks share. PETSc calls C functions: no exception
    /// may cross them, so a failure is kept here and reported after
    /// SNESSolve.
    struct SnesContext
    {
      NonlinearProblem      *problem        = nullptr;
      double                 load           = 0;
      double                 reference      = 0; ///< of the last evaluation
      double                 tolerance      = 0;
      unsigned int           max_iterations = 0;
      NonlinearSolver::Step *step           = nullptr;
      unsigned int           linear_its     = 0;     ///< of the current correction
      std::string            linear_failure;         ///< at the step's first iterate
      std::string            iterate_linear_failure; ///< at a later one
      std::string            solver_remedy;          ///< the failed solve's remedy
      SNES                   snes = nullptr;
      std::string            non_finite;
      bool                   cycling = false; ///< the iterates repeat two states
      std::string            rank_failure;    ///< RankFailure met in a callback (all ranks)
    };

    /// Makes X the problem's trial solution.
    void take_iterate(SnesContext &c, Vec x)
    {
      Vec u = c.problem->solution_vector();
      if (x != u)
        VecCopy(x, u);
      c.problem->solution_changed();
    }

    /// F(x) = -R(x) = f_int - load f_ext: SNES solves J dx = F with J = dF/dx,
    /// the tangent stiffness, and steps x - lambda dx.
    PetscErrorCode snes_residual(SNES snes, Vec x, Vec f, void *context)
    {
      auto &c = *static_cast<SnesContext *>(context);
      try
        {
          take_iterate(c, x);
          const auto [norm, reference] = c.problem->residual(c.load);
          c.reference                  = reference;
          if (!std::isfinite(norm))
            {
              SNESSetFunctionDomainError(snes);
              return 0;
            }
          VecCopy(c.problem->residual_vector(), f);
          VecScale(f, -1.);
        }
      catch (const RankFailure &e)
        {
          // Raised on every rank: SNES stops, solve() rethrows it.
          c.rank_failure = e.what();
          SNESSetFunctionDomainError(snes);
        }
      catch (const std::exception &e)
        {
          c.non_finite = e.what();
          SNESSetFunctionDomainError(snes);
        }
      return 0;
    }

    PetscErrorCode snes_jacobian(SNES snes, Vec x, Mat, Mat, void *context)
    {
      auto &c = *static_cast<SnesContext *>(context);
      try
        {
          take_iterate(c, x);
          PetscInt iteration = 0;
          SNESGetIterationNumber(snes, &iteration);
          // The same points as roofspan's Newton checks: every iterate a
          // correction reached (not the step's start, the last equilibrium).
          if (iteration > 0)
            c.problem->after_correction();
          c.problem->jacobian(c.load);
        }
      catch (const RankFailure &e)
        {
          c.rank_failure = e.what();
          return PETSC_ERR_LIB;
        }
      catch (const std::exception &e)
        {
          c.non_finite = e.what();
          return PETSC_ERR_LIB;
        }
      return 0;
    }

    PetscErrorCode tangent_times(Mat J, Vec x, Vec y)
    {
      void *context;
      MatShellGetContext(J, &context);
      static_cast<SnesContext *>(context)->problem->apply_tangent(x, y);
      return 0;
    }

    /// The preconditioner is the whole linear solve (KSPPREONLY): roofspan's
    /// linear solver with the last tangent.
    PetscErrorCode linear_solve(PC pc, Vec rhs, Vec correction)
    {
      void *context;
      PCShellGetContext(pc, &context);
      auto &c = *static_cast<SnesContext *>(context);
      try
        {
          c.linear_its += c.problem->solve_correction(rhs, correction);
        }
      catch (const std::exception &e)
        {
          // At the step's first iterate the tangent is that of the last
          // equilibrium: its solve failing is the linear solver's failure.
          // At a later iterate it is the Newton path that went where the
          // tangent is singular or too hard (strength-reduction trials far
          // above the limit): a failure of the iteration, judged like one.
          PetscInt iteration = 0;
          SNESGetIterationNumber(c.snes, &iteration);
          if (const auto *failure = dynamic_cast<const LinearSolverFailure *>(&e);
              failure != nullptr && iteration == 0)
            c.solver_remedy = failure->remedy;
          (iteration == 0 ? c.linear_failure : c.iterate_linear_failure) =
              e.what() + std::string(" (at Newton iterate ") + std::to_string(iteration) + ")";
          VecSet(correction, 0.);
          return PETSC_ERR_NOT_CONVERGED;
        }
      return 0;
    }

    /// The iterates alternate between two states: where a few points sit on
    /// a kink of their return (loading / unloading) the l2 line search can
    /// step from one to the other and back for ever. Measured on the bolted
    /// room near its limit (16 load steps, F = 1.353): relative residuals
    /// 7.45e-5 and 6.74e-4, step lengths 0.078 and 0.982, 25 times over,
    /// eleven points at the rib switching between elastic and shear. Going on
    /// from there with the bt line search (steps of 1e-3 to 1e-5, no progress
    /// in 50 iterations), with full steps (cycles again) or from the midpoint
    /// of the two states (l2 falls back into the cycle) did not help: the
    /// step ends at once, to be cut, instead of spending its whole budget.
    bool cycles(const std::vector<NonlinearSolver::Iteration> &its, const double now)
    {
      const std::size_t n = its.size();
      if (n < 4)
        return false;
      const auto same = [](const double a, const double b) {
        return std::abs(a - b) <= 1e-3 * std::max(a, b);
      };
      return same(now, its[n - 2].residual) && same(its[n - 1].residual, its[n - 3].residual) &&
             same(its[n - 2].residual, its[n - 4].residual) && !same(now, its[n - 1].residual);
    }

    PetscErrorCode converged(SNES     snes,
                             PetscInt iteration,
                             PetscReal,
                             PetscReal,
                             PetscReal            fnorm,
                             SNESConvergedReason *reason,
                             void                *context)
    {
      auto        &c        = *static_cast<SnesContext *>(context);
      const double relative = c.reference > 0 ? fnorm / c.reference : fnorm;
      if (iteration > 0)
        {
          // The iteration that brought the residual here.
          NonlinearSolver::Iteration record;
          record.residual          = c.step->residual;
          record.linear_iterations = c.linear_its;
          SNESLineSearch line_search;
          SNESGetLineSearch(snes, &line_search);
          PetscReal lambda = 1;
          SNESLineSearchGetLambda(line_search, &lambda);
          record.step_length = lambda;
          c.step->iterations.push_back(record);
          c.step->linear_iterations += c.linear_its;
          ++c.step->newton_iterations;
          c.linear_its = 0;
        }
      c.step->residual = relative;
      *reason          = SNES_CONVERGED_ITERATING;
      if (!std::isfinite(fnorm))
        *reason = SNES_DIVERGED_FNORM_NAN;
      else if (relative <= c.tolerance)
        *reason = SNES_CONVERGED_FNORM_ABS;
      else if (c.step->iterations.size() >= c.max_iterations)
        *reason = SNES_DIVERGED_MAX_IT;
      else if (cycles(c.step->iterations, relative))
        {
          c.cycling = true;
          *reason   = SNES_DIVERGED_LINE_SEARCH;
        }
      return 0;
    }

    /// PETSc calls that cannot fail in normal use: an error is an internal one.
    void check(const PetscErrorCode code, const char *what)
    {
      if (code != 0)
        throw std::runtime_error(std::string("internal error: PETSc ") + what + " failed (" +
                                 std::to_string(code) + ")");
    }
  } // namespace

  std::string NonlinearSolver::snes(NonlinearProblem                               &problem,
                                    const double                                    target,
                                    const double                                    residual,
                                    const double                                    reference,
                                    Step                                           &s,
                                    LinearFailure                                  &linear_failure,
                                    const std::function<void(const std::string &)> &log) const
  {
    SnesContext c;
    c.problem        = &problem;
    c.load           = target;
    c.reference      = reference;
    c.tolerance      = tolerance;
    c.max_iterations = max_iterations;
    c.step           = &s;
    s.residual       = residual;

    Vec      u = problem.solution_vector();
    MPI_Comm comm;
    PetscObjectGetComm(reinterpret_cast<PetscObject>(u), &comm);
    PetscInt n_local, n_global;
    VecGetLocalSize(u, &n_local);
    VecGetSize(u, &n_global);
    Vec f;
    check(VecDuplicate(u, &f), "VecDuplicate");
    Mat J;
    check(MatCreateShell(comm, n_local, n_local, n_global, n_global, &c, &J), "MatCreateShell");
    MatShellSetOperation(J, MATOP_MULT, reinterpret_cast<void (*)(void)>(tangent_times));

    SNES solver;
    check(SNESCreate(comm, &solver), "SNESCreate");
    c.snes = solver;
    SNESSetType(solver, SNESNEWTONLS);
    SNESSetFunction(solver, f, snes_residual, &c);
    SNESSetJacobian(solver, J, J, snes_jacobian, &c);
    SNESSetConvergenceTest(solver, converged, &c, nullptr);
    SNESSetTolerances(solver, 0, 0, 0, max_iterations + 1, 100 * (max_iterations + 1));
    KSP ksp;
    SNESGetKSP(solver, &ksp);
    KSPSetType(ksp, KSPPREONLY);
    PC pc;
    KSPGetPC(ksp, &pc);
    PCSetType(pc, PCSHELL);
    PCShellSetContext(pc, &c);
    PCShellSetApply(pc, linear_solve);
    SNESLineSearch line_search;
    SNESGetLineSearch(solver, &line_search);
    SNESLineSearchSetType(line_search, snes_line_search.c_str());
    SNESSetFromOptions(solver);  // PETSc options may still refine it
    KSPSetType(ksp, KSPPREONLY); // the linear solver is roofspan's, whatever the options say
    PCSetType(pc, PCSHELL);

    // SNES iterates on a copy: its line searches evaluate trial points
    // (which become the problem's trial solution) and then step from the
    // iterate they started at. The first evaluation repeats the one just
    // made (SNES computes its own F at the initial iterate).
    Vec x;
    check(VecDuplicate(u, &x), "VecDuplicate");
    VecCopy(u, x);
    const PetscErrorCode code = SNESSolve(solver, nullptr, x);
    SNESConvergedReason  reason;
    SNESGetConvergedReason(solver, &reason);
    SNESDestroy(&solver);
    MatDestroy(&J);
    VecDestroy(&f);
    // The problem's trial state (histories) must be that of the final iterate.
    VecCopy(x, u);
    VecDestroy(&x);
    if (!c.rank_failure.empty())
      throw RankFailure(c.rank_failure);
    problem.solution_changed();
    if (code == 0 && reason > 0)
      problem.residual(target);

    if (verbose)
      for (std::size_t k = 0; k < s.iterations.size(); ++k)
        {
          std::ostringstream line;
          line.precision(3);
          const double after =
              k + 1 < s.iterations.size() ? s.iterations[k + 1].residual : s.residual;
          line << "      SNES iteration " << k + 1 << ": residual " << s.iterations[k].residual
               << " -> " << after << ", step length " << s.iterations[k].step_length << ", "
               << s.iterations[k].linear_iterations << " linear iterations";
          log(line.str());
        }
    if (!c.linear_failure.empty())
      {
        linear_failure.failed = true;
        linear_failure.remedy = c.solver_remedy;
        return "linear solver: " + c.linear_failure;
      }
    if (code == 0 && reason > 0)
      return "";
    std::ostringstream why;
    why << "PETSc SNES: " << SNESConvergedReasons[reason] << " at relative residual " << s.residual;
    if (c.cycling)
      why << " (the iterates cycle between two states)";
    if (!c.iterate_linear_failure.empty())
      why << "; the linear solver failed on the tangent away from the last equilibrium: "
          << c.iterate_linear_failure;
    if (!c.non_finite.empty())
      why << " (" << c.non_finite << ")";
    return why.str();
  }
} // namespace roofspan
