#include <roofspan/core/output_directory.h>

#include <deal.II/base/mpi.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>

namespace roofspan
{
  namespace fs = std::filesystem;

  OutputDirectory::OutputDirectory(const std::string &dir, MPI_Comm comm)
      : directory(dir)
      , comm(comm)
  {
    // One name for all ranks: rank 0 picks it, everyone else receives it.
    long long stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    stamp           = dealii::Utilities::MPI::broadcast(comm, stamp, 0);
    staging         = (fs::path(directory) / (".incoming-" + std::to_string(stamp))).string();
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      fs::create_directories(staging);
    MPI_Barrier(comm);
  }

  const std::string &OutputDirectory::final_directory() const
  {
    return directory;
  }

  std::string OutputDirectory::staging_path(const std::string &name) const
  {
    return (fs::path(staging) / name).string();
  }

  void OutputDirectory::commit()
  {
    MPI_Barrier(comm);
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        // rename() is atomic per file on one file system; the summary goes
        // last so that a reader seeing it sees a complete set of files.
        fs::path summary;
        for (const auto &entry : fs::directory_iterator(staging))
          {
            if (entry.path().filename() == "summary.json")
              {
                summary = entry.path();
                continue;
              }
            const fs::path target = fs::path(directory) / entry.path().filename();
            if (fs::is_directory(target) && !fs::is_directory(entry.path()))
              fs::remove_all(target);
            if (fs::is_directory(entry.path()) && fs::exists(target))
              fs::remove_all(target);
            fs::rename(entry.path(), target);
          }
        if (!summary.empty())
          fs::rename(summary, fs::path(directory) / "summary.json");
        fs::remove_all(staging);
      }
    committed = true;
    MPI_Barrier(comm);
  }

  void OutputDirectory::abandon()
  {
    if (!committed && dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        std::error_code ignored;
        fs::remove_all(staging, ignored);
      }
  }
} // namespace roofspan
