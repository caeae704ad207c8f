#pragma once

#include <mpi.h>

#include <iosfwd>
#include <string>
#include <vector>

namespace roofspan
{
  /**
   * Sub-phase profile printed when the environment variable
   * ROOFSPAN_PROFILE_SETUP is set: wall time since the previous lap and the
   * largest resident and peak memory over the ranks, so that a benchmark can
   * tell which phase sets the memory high-water mark. Collective when active
   * or recording; free otherwise.
   */
  class PhaseProfile
  {
  public:
    /// One phase: wall time, and resident and peak memory at its end
    /// (largest over the ranks, bytes).
    struct Lap
    {
      std::string what;
      double      seconds           = 0;
      double      rss_max_rank      = 0;
      double      peak_rss_max_rank = 0;
    };

    /// With `record`, every lap is measured and appended to it (for the
    /// summary), printed or not.
    PhaseProfile(MPI_Comm           comm,
                 std::ostream      &out,
                 const std::string &area,
                 std::vector<Lap>  *record = nullptr);

    /// Collective (when active or recording): print `area/what` with the
    /// time since the previous lap, then restart the clock.
    void lap(const std::string &what);

    static bool active();

  private:
    MPI_Comm          comm;
    std::ostream     &out;
    std::string       area;
    std::vector<Lap> *record;
    double            start;
  };
} // namespace roofspan
