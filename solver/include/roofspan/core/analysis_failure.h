#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace roofspan
{
  /**
   * How a run that was not bad input can end without a result. Each class has
   * its own exit code (main.cc, README "Exit codes"), so that a caller (the
   * design search, a sweep, a batch script) can tell the physical verdict
   * from a numerical or internal failure:
   *  - NoEquilibrium: the rock and bolts have no equilibrium at the load
   *    asked for; the only outcome that says something about the roof;
   *  - NewtonStalled: Newton's method did not converge although the load-
   *    displacement path shows no sign of collapse (numerical);
   *  - LinearSolverFailure: the linear solver failed (numerical);
   *  - NonFiniteValues: NaN or infinity appeared (numerical, with the place).
   * Anything else is an internal error.
   */
  enum ExitCode : int
  {
    exit_success               = 0,
    exit_internal_error        = 1,
    exit_input_error           = 2,
    exit_no_equilibrium        = 3,
    exit_newton_stalled        = 4,
    exit_linear_solver_failure = 5,
    exit_non_finite_values     = 6
  };

  /// Base of the classified failures: a message and the exit code of its class.
  class AnalysisFailure : public std::runtime_error
  {
  public:
    AnalysisFailure(const std::string &message, ExitCode code, const std::string &remedy)
        : std::runtime_error(message)
        , exit_code(code)
        , remedy(remedy)
    {
    }

    /// Short name of the class, as written in summary.json and logs.
    virtual std::string kind() const = 0;

    const ExitCode    exit_code;
    const std::string remedy; ///< what the user can do, one sentence
  };

  /**
   * An exception that one rank met inside a phase every rank goes through
   * together (assembly), made known to all ranks before the next collective
   * call, so that all of them end the same way (an internal error) instead
   * of the others waiting forever. Not a verdict on the roof.
   */
  class RankFailure : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  /// The results could not be written (full disk, no permission): the
  /// analysis ran, its output did not land; exit code 1, its own message.
  class OutputFailure : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  /// One converged point of a load path: load factor and largest displacement.
  struct LoadPathPoint
  {
    double load         = 0;
    double displacement = 0; ///< largest displacement magnitude [m]
  };

  /// What the load path showed when Newton's method gave up on a load step.
  struct FailureEvidence
  {
    double                     load_reached   = 0; ///< last converged load factor
    double                     load_attempted = 0; ///< the load it could not reach
    double                     increment      = 0; ///< smallest increment tried
    std::vector<LoadPathPoint> path;               ///< the stage's converged points
    /// Incremental compliance (displacement per load) of the last converged
    /// step over that of the stage's first step: large near a limit load.
    double softening = 0;
    /// The load factor at which the path's stiffness vanishes, its square
    /// extrapolated linearly from the last two increments (infinity if not
    /// softening).
    double      limit_estimate = 0;
    std::string newton; ///< how Newton failed on the smallest increment
  };

  class NoEquilibrium : public AnalysisFailure
  {
  public:
    NoEquilibrium(const std::string &message, const FailureEvidence &evidence)
        : AnalysisFailure(message,
                          exit_no_equilibrium,
                          "the roof (rock and bolts) cannot carry this load: "
                          "strengthen the support or review the rock parameters")
        , evidence(evidence)
    {
    }
    std::string kind() const override
    {
      return "no equilibrium";
    }
    const FailureEvidence evidence;
  };

  class NewtonStalled : public AnalysisFailure
  {
  public:
    NewtonStalled(const std::string &message, const FailureEvidence &evidence)
        : AnalysisFailure(message,
                          exit_newton_stalled,
                          "the path shows no collapse, so this is the solver's failure, "
                          "not the roof's: raise 'Nonlinear solver/Maximum iterations' or "
                          "lower 'Smallest load increment', or report the case")
        , evidence(evidence)
    {
    }
    std::string kind() const override
    {
      return "Newton stalled";
    }
    const FailureEvidence evidence;
  };

  class LinearSolverFailure : public AnalysisFailure
  {
  public:
    explicit LinearSolverFailure(const std::string &message,
                                 const std::string &remedy =
                                     "use 'Linear solver/Preconditioner = direct' (small models) "
                                     "or raise 'Linear solver/Maximum iterations'")
        : AnalysisFailure(message, exit_linear_solver_failure, remedy)
    {
    }
    std::string kind() const override
    {
      return "linear solver failure";
    }
  };

  class NonFiniteValues : public AnalysisFailure
  {
  public:
    explicit NonFiniteValues(const std::string &message)
        : AnalysisFailure(message,
                          exit_non_finite_values,
                          "check the material and bolt parameters for extreme values; "
                          "if they are sound, report the case")
    {
    }
    std::string kind() const override
    {
      return "non-finite values";
    }
  };
} // namespace roofspan
