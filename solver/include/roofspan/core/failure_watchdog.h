#pragma once

#include <exception>
#include <string>

namespace roofspan
{
  /// How an error ends the run: the exit code of its class (README, "Exit
  /// codes") and the lines to print, each starting with "roofspan: ".
  struct FailureReport
  {
    int         exit_code = 1;
    std::string message;
  };

  /// The report for an exception: input error (2), an analysis failure
  /// (its class's code, with the remedy), an output error, out of memory or
  /// an internal error (1). deal.II messages are cut to their information.
  FailureReport describe_failure(std::exception_ptr error);

  /// How long a rank that failed waits for the others to fail too before it
  /// ends the job alone: ROOFSPAN_FAILURE_GRACE (seconds, > 0) if set, else
  /// 10 s. The tests shorten it, as ROOFSPAN_LIVENESS_TIMEOUT.
  double failure_grace_seconds();

  /**
   * The last line of defence against a hang after an error on one rank: the
   * objects destroyed while an exception travels to main (PETSc matrices,
   * the MUMPS factorisation, the distributed mesh) may call collective
   * operations that the other ranks, still inside the analysis, never join.
   * arm() starts a detached thread that, if the process is still alive after
   * `seconds` (1.5 times the grace of main's agreement), prints the exception's message and aborts
   * the whole MPI job with the exit code of its class (main.cc). When every rank fails together the
   * process has ended long before.
   */
  void arm_failure_watchdog(std::exception_ptr error,
                            double             seconds = 1.5 * failure_grace_seconds());
} // namespace roofspan
