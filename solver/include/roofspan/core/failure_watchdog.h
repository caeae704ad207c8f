#pragma once

#include <exception>

namespace roofspan
{
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
