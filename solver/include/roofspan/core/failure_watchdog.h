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

  /**
   * The last line of defence against a hang after an error on one rank: the
   * objects destroyed while an exception travels to main (PETSc matrices,
   * the MUMPS factorisation, the distributed mesh) may call collective
   * operations that the other ranks, still inside the analysis, never join.
   * arm() starts a detached thread that, if the process is still alive after
   * `seconds`, prints the exception's message and aborts the whole MPI job
   * with the exit code of its class (main.cc). When every rank fails
   * together the process has ended long before.
   */
  void arm_failure_watchdog(std::exception_ptr error, double seconds = 15);
} // namespace roofspan
