#pragma once

#include <mpi.h>
#include <nlohmann/json.hpp>

#include <string>

namespace roofspan
{
  /**
   * Where a result came from: roofspan's version and git revision, the
   * versions of deal.II, PETSc, hypre, MUMPS and the MPI library it runs
   * with, the host and the start time. For `--version` and summary.json.
   */
  struct Provenance
  {
    /// Collects the versions (and, for a run, host and start time).
    static nlohmann::json collect();

    /// Multi-line text for --version.
    static std::string describe();
  };
} // namespace roofspan
