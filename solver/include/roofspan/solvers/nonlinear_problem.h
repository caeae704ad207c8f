#pragma once

#include <string>
#include <utility>

// PETSc's vector handle (Vec), opaque here.
struct _p_Vec;

namespace roofspan
{
  /**
   * What NonlinearSolver needs of a problem R(u, p) = 0 along a path
   * parameter p (the excavation's load factor, or the strength-reduction
   * factor F): the residual and the tangent at a trial state as separate
   * calls, the linear solve, and commit / revert of the trial state. It knows
   * nothing of meshes; a problem owns (or refers to) the state it iterates on,
   * so that each trial of an analysis can have its own.
   */
  class NonlinearProblem
  {
  public:
    virtual ~NonlinearProblem() = default;

    /// Starts a step at parameter `p` from the committed state (imposes the
    /// prescribed values at that parameter, may predict the solution).
    virtual void prepare_step(double p) = 0;

    /// The residual at the current trial state and `p`; updates the trial
    /// state's histories. Returns {||R_free||, reference force norm};
    /// ||R_free|| < 0 when it cannot be judged yet (the first correction of
    /// a step still carries prescribed values), NaN when a point's update
    /// failed.
    virtual std::pair<double, double> residual(double p) = 0;

    /// The consistent tangent at the current trial state and `p`, for the
    /// next solve.
    virtual void jacobian(double p) = 0;

    /// Both at once, where a problem can evaluate them in one pass (the
    /// default calls one then the other).
    virtual std::pair<double, double> residual_and_jacobian(double p)
    {
      const auto norms = residual(p);
      jacobian(p);
      return norms;
    }

    /// Solves for the correction with the last tangent and adds it to the
    /// trial solution; returns the linear iterations. Throws
    /// LinearSolverFailure.
    virtual unsigned int solve_and_update() = 0;

    /// Moves the last correction to a fraction of its length (1 = as solved).
    virtual void set_step_length(double alpha) = 0;

    /// Accepts / drops the trial state.
    virtual void commit() = 0;
    virtual void revert() = 0;

    /// After a commit: the path ends here by a criterion of the problem's
    /// own (the strength path's displacement jump); the solver returns the
    /// steps so far.
    virtual bool path_ended() const
    {
      return false;
    }

    /// The line search's watchdog: keep the iterate before the last
    /// correction and go back to it. Without it (the default) no watchdog.
    virtual bool can_restore_iterate() const
    {
      return false;
    }
    virtual void save_iterate()
    {
    }
    virtual void restore_iterate()
    {
    }

    /// A linear problem converges in one solve: no residual check.
    virtual bool is_linear() const
    {
      return false;
    }

    /// The path parameter's name in the log's step lines ("load 0.5: ...").
    virtual std::string parameter_name() const
    {
      return "load";
    }

    /**
     * The local error of the converged trial step (before its commit) as
     * a fraction of the step's own change of state: the trial state against
     * the committed one extrapolated along the previous increment (the
     * Milne device of predictor-corrector integrators; see
     * NonlinearSolver's path tolerance). `previous_increment` and
     * `increment` are the path parameter's; the previous step is the one
     * committed last. Negative: not estimable (a linear problem, no history).
     */
    virtual double step_error(double /*previous_increment*/, double /*increment*/) const
    {
      return -1;
    }

    /// Largest displacement of the trial state (the load path's measure).
    virtual double displacement() const
    {
      return 0;
    }

    /// Where a non-finite value was met, if the problem knows.
    virtual std::string non_finite_place() const
    {
      return "";
    }

    /// Called at every iterate a correction reached, before its tangent is
    /// evaluated (the Jacobian check).
    virtual void after_correction()
    {
    }

    /// For PETSc SNES: the trial solution's owned vector (SNES iterates on
    /// it), a call after SNES changed it, the last evaluated residual R, the
    /// last tangent times a vector, and a solve with the last tangent (rhs ->
    /// correction, constraints applied; returns linear iterations, throws
    /// LinearSolverFailure).
    virtual _p_Vec      *solution_vector()                             = 0;
    virtual void         solution_changed()                            = 0;
    virtual _p_Vec      *residual_vector()                             = 0;
    virtual void         apply_tangent(_p_Vec *x, _p_Vec *y)           = 0;
    virtual unsigned int solve_correction(_p_Vec *rhs, _p_Vec *result) = 0;
  };
} // namespace roofspan
