#pragma once

#include <roofspan/core/analysis_failure.h>
#include <roofspan/solvers/nonlinear_problem.h>

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
   * Newton's method with a backtracking line search, load stepping and step
   * cutting, for any problem that can evaluate its residual (and, separately,
   * its consistent tangent) at a trial state. It knows nothing of meshes: the
   * problem is reached through NonlinearProblem.
   *
   * Globalisation: the merit function is phi = ||R||^2 / 2. A Newton
   * correction is accepted at the largest length alpha that decreases phi
   * sufficiently (Armijo, phi(alpha) <= (1 - 2 c alpha) phi(0), c = 1e-4);
   * shorter lengths come from quadratic interpolation of phi (safeguarded to
   * [alpha/10, alpha/2]) down to `minimum step length`; only residuals are
   * evaluated while backtracking, the tangent once at the accepted point. A
   * non-finite residual at a trial length counts as no decrease. Where only
   * lengths below 0.05 would decrease the residual (points on kinks of the
   * return mappings), a watchdog takes the full step: within five iterations
   * the residual must fall below its value before that step, or the
   * iteration returns to that point and continues with the line search
   * alone; a converged state is never one whose residual rose.
   *
   * Load stepping: a stage starts with increments of 1/`load steps` of its
   * load (the largest it takes; with a path tolerance the first is a
   * quarter of that). A step that fails (iterations exhausted, stagnation: less than 10 %
   * progress in five iterations on roofspan's Newton, line search failed,
   * linear solver failed)
   * is undone and retried with half the increment it attempted, down to the
   * smallest increment, the initial one / 2^`maximum step cuts` (so at most
   * that many cuts per step). After a converged step the next increment is
   * doubled (at most 6 Newton iterations), kept (at most 15) or halved
   * (more), between the smallest and the initial one.
   *
   * Path error control (`path tolerance` > 0): plastic flow depends on the
   * path, and backward Euler integrates it with a local error per step
   * second order in the increment. After a step converges its error is
   * estimated from the state (NonlinearProblem::step_error: the stresses
   * against their extrapolation along the previous increment); a step whose
   * error exceeds the tolerance is undone and retried shorter (by tolerance
   * / error, at least a quarter, down to the smallest increment, where it
   * is accepted and its error recorded), and the next increment is scaled by
   * 0.9 tolerance / error (at most doubled). Off by default: at 2e-3 it
   * narrowed the default room's factor of safety across starting steps but
   * not to 1 % for the unbolted factor, at more solves (doc/performance.md).
   *
   * When a step cannot be completed, the stage's load-displacement path
   * decides the class of failure (analysis_failure.h): NoEquilibrium when the
   * path softens towards the failing load (the compliance of the last
   * converged increment is at least `softening ratio` times the first's, and
   * the path's stiffness k vanishes within 5 % of the failing load, k^2
   * extrapolated linearly in the load from the last two increments, as near
   * a smooth limit point),
   * NewtonStalled otherwise. Linear-solver failures on the smallest increment
   * raise LinearSolverFailure, a non-finite residual at a converged state
   * NonFiniteValues.
   *
   * Convergence: ||R_free|| <= tolerance * max(||f_ext||, ||f_int||).
   *
   * `Method = PETSc SNES` (the default) replaces the Newton iteration of a
   * load step (not the load stepping or the failure classes) by PETSc's
   * SNES newtonls with the `SNES line search` (l2 by default), on the same
   * residual, tangent and linear solver (nonlinear_solver_snes.cc). Chosen
   * by measurement (bench/nonlinear_methods.py): with l2 every hard case
   * completes, while the monotone line searches (this class's own, PETSc's
   * bt) stop the unbolted room and the zero-tension clay at load
   * 0.996-0.997, short of an equilibrium that l2 finds.
   *
   * A linear solve that fails on the tangent of the last equilibrium (a
   * step's first) is the linear solver's failure; one that fails at a later
   * iterate fails that Newton iteration (the path went where the tangent is
   * singular, as in strength-reduction trials far above the limit).
   */
  class NonlinearSolver
  {
  public:
    enum class Method
    {
      newton,    ///< this class's own monotone line-search Newton with the watchdog
      petsc_snes ///< PETSc SNES newtonls (the default)
    };

    /// One Newton iteration: residual before the correction, then the
    /// accepted step length and the linear iterations of its solve.
    struct Iteration
    {
      double       residual             = 0; ///< relative, before the correction
      double       step_length          = 1;
      unsigned int linear_iterations    = 0;
      unsigned int residual_evaluations = 1; ///< line-search trials
    };

    struct Step
    {
      double       load              = 0;
      double       increment         = 0;
      unsigned int newton_iterations = 0;
      unsigned int linear_iterations = 0;
      unsigned int cuts              = 0; ///< failed attempts before this step
      unsigned int watchdog_steps    = 0; ///< full steps taken without decrease
      /// Converged attempts before this step rejected by the path tolerance.
      unsigned int error_rejections = 0;
      /// The step's local path error (NonlinearProblem::step_error; < 0: not
      /// estimated).
      double                 path_error   = -1;
      double                 residual     = 0; ///< relative, at convergence
      double                 displacement = 0; ///< largest, at convergence
      std::vector<Iteration> iterations;
    };

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &file);

    /// The method and its settings as summary.json holds them.
    nlohmann::json summary_entry() const;

    /// A converged load step as summary.json holds it: its load, increment,
    /// cuts, iterations, residual, displacement and per Newton iteration
    /// [relative residual before it, step length, linear iterations] (-1:
    /// not yet measurable).
    static nlohmann::json summary_entry(const Step &step);

    /// Takes the problem from load factor `from` to `to` in `load_steps`
    /// equal steps (cut as needed), or until the problem ends its path. `log` receives one line per
    /// step (and per Newton iteration when `verbose`). Throws an AnalysisFailure.
    std::vector<Step> advance(NonlinearProblem                               &problem,
                              double                                          from,
                              double                                          to,
                              const std::function<void(const std::string &)> &log) const;

    /// Brings the problem into equilibrium at a fixed load factor (after a
    /// change that is not a load step, e.g. tensioning bolts): one step, no
    /// cuts.
    Step equilibrate(NonlinearProblem                               &problem,
                     double                                          load,
                     const std::function<void(const std::string &)> &log) const;

    double       tolerance      = 1e-6;
    unsigned int max_iterations = 60;
    unsigned int load_steps     = 8;
    /// Cuts of a failed step's increment (halvings of the initial one);
    /// used when `smallest_increment` is 0.
    unsigned int max_cuts = 5;
    /// Absolute bound on the increments cuts may leave (0: `max_cuts`
    /// counts them instead): the cuts run to the first halving of the initial
    /// increment at or below it, whatever the number of load steps.
    double smallest_increment  = 1e-3;
    double minimum_step_length = 1e-4;
    double softening_ratio     = 5;
    /// Local path error allowed per step (0: off), see advance().
    double      path_tolerance   = 0;
    bool        verbose          = false;
    Method      method           = Method::petsc_snes;
    std::string snes_line_search = "l2"; ///< PETSc's SNESLineSearchType name
    /// Newton iterations allowed on the smallest increment, the last attempt
    /// before the path's failure is classified (0: `max_iterations`). The
    /// strength-reduction path raises it: near its limit every increment
    /// changes the branch of hundreds of points (measured 20-78 iterations).
    unsigned int last_attempt_iterations = 0;
    /// Stagnation (roofspan's Newton; the SNES path has none): an attempt
    /// whose relative residual fell by less than 10 % over this many
    /// iterations is cut (it would not reach the tolerance within its
    /// budget), unless it is the step's last attempt (smallest increment),
    /// which keeps its whole budget.
    static constexpr unsigned int stagnation_window = 5;

    /// Newton iterations of a step after which the next increment is doubled
    /// (at most easy_iterations), kept (at most hard_iterations) or halved.
    unsigned int easy_iterations = 6, hard_iterations = 15;

  private:
    /// A linear solve that failed on the tangent of the last equilibrium
    /// (the step's first solve): the step's verdict is then the linear
    /// solver's, with the remedy its path gave (matrix-free has no direct
    /// solver). Handed to the caller, not kept in the solver: a step's last
    /// attempt runs on a copy of it.
    struct LinearFailure
    {
      bool        failed = false;
      std::string remedy;
    };

    /// Newton on one step to `target`; returns an empty string on success,
    /// else how it failed. A linear solver failure on the step's first solve
    /// is reported through `linear_failure` for the caller.
    std::string newton(NonlinearProblem                               &problem,
                       double                                          target,
                       Step                                           &step,
                       LinearFailure                                  &linear_failure,
                       const std::function<void(const std::string &)> &log) const;

    /// The same with PETSc SNES from the current trial state, whose residual
    /// (relative `residual`, reference force `reference`) was just
    /// evaluated with its tangent. (nonlinear_solver_snes.cc)
    std::string snes(NonlinearProblem                               &problem,
                     double                                          target,
                     double                                          residual,
                     double                                          reference,
                     Step                                           &step,
                     LinearFailure                                  &linear_failure,
                     const std::function<void(const std::string &)> &log) const;

    bool force_one_step = false; ///< equilibrate(): one step even if from == to
    /// Stagnation ends an attempt of roofspan's Newton (not on the last
    /// attempt of a step).
    bool cut_on_stagnation = true;

  public:
    /// Converged points before `from` on the same path (e.g. a path resumed
    /// after a step past a stall): the failure classification then sees the
    /// whole path, not only the part since the resumption.
    std::vector<LoadPathPoint> earlier_path;
  };
} // namespace roofspan
