#pragma once

#include <mpi.h>

#include <iosfwd>
#include <string>

namespace roofspan
{
  /**
   * Sub-phase profile printed when the environment variable
   * ROOFSPAN_PROFILE_SETUP is set: wall time since the previous lap and the
   * largest resident and peak memory over the ranks, so that a benchmark can
   * tell which phase sets the memory high-water mark. Collective when active;
   * free otherwise.
   */
  class PhaseProfile
  {
  public:
    PhaseProfile(MPI_Comm comm, std::ostream &out, const std::string &area);

    /// Collective (when active): print `area/what` with the time since the
    /// previous lap, then restart the clock.
    void lap(const std::string &what);

    static bool active();

  private:
    MPI_Comm      comm;
    std::ostream &out;
    std::string   area;
    double        start;
  };
} // namespace roofspan
