#include <roofspan/core/phase_profile.h>

#include <deal.II/base/utilities.h>

#include <cstdlib>
#include <iomanip>
#include <ostream>

namespace roofspan
{
  PhaseProfile::PhaseProfile(MPI_Comm           comm,
                             std::ostream      &out,
                             const std::string &area,
                             std::vector<Lap>  *record)
      : comm(comm)
      , out(out)
      , area(area)
      , record(record)
      , start(MPI_Wtime())
  {
    if (active() || record != nullptr)
      MPI_Barrier(comm);
    start = MPI_Wtime();
  }

  bool PhaseProfile::active()
  {
    static const bool on = std::getenv("ROOFSPAN_PROFILE_SETUP") != nullptr;
    return on;
  }

  void PhaseProfile::lap(const std::string &what)
  {
    if (!active() && record == nullptr)
      return;
    MPI_Barrier(comm);
    const double                           now = MPI_Wtime();
    dealii::Utilities::System::MemoryStats stats;
    dealii::Utilities::System::get_memory_stats(stats);
    double local[2] = {double(stats.VmRSS), double(stats.VmHWM)}, global[2];
    MPI_Allreduce(local, global, 2, MPI_DOUBLE, MPI_MAX, comm);
    if (record != nullptr)
      record->push_back({what, now - start, 1024. * global[0], 1024. * global[1]});
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (active() && rank == 0)
      out << "    " << area << "/" << what << ": " << std::fixed << std::setprecision(3)
          << now - start << " s, rss " << std::setprecision(2) << global[0] / 1048576.
          << " GB, peak " << global[1] / 1048576. << " GB (max rank)" << std::defaultfloat
          << std::endl;
    start = MPI_Wtime();
  }
} // namespace roofspan
