#pragma once

#include <mpi.h>

#include <string>

namespace roofspan
{
  /**
   * The output folder of one run, replaced as one unit. Every file is
   * written into a staging folder beside it, `<parent>/.<name>.incoming-<id>`,
   * and commit() swaps the staging folder with the final one in one atomic
   * rename (Linux renameat2 RENAME_EXCHANGE; where the file system lacks it,
   * two renames, so that a reader sees the old folder, no folder, then the
   * new one, never a mix). Nothing of the previous run survives a commit,
   * and nothing of this run is visible before it.
   *
   * A run holds a lock on its folder (`<parent>/.<name>.lock`, flock, freed by
   * the kernel when the process dies); a second run into the same folder
   * stops at once with an input error. Holding the lock, the run removes the
   * staging folders that dead runs left behind. SIGTERM and SIGINT remove
   * this run's own staging folder before the process ends.
   *
   * Errors (a path through a file, no permission, a full disk) are decided
   * on rank 0 and raised on every rank, naming the path and the OS reason.
   */
  class OutputDirectory
  {
  public:
    /// Collective: lock, clean up, create the staging folder.
    OutputDirectory(const std::string &directory, MPI_Comm comm);
    ~OutputDirectory();

    OutputDirectory(const OutputDirectory &)            = delete;
    OutputDirectory &operator=(const OutputDirectory &) = delete;

    /// The folder the results finally appear in.
    const std::string &final_directory() const;

    /// Where to write `name` now (inside the staging folder).
    std::string staging_path(const std::string &name) const;

    /// Why writing into the staging folder failed, as a user can act on it:
    /// the folders, the operating system's reason (found by writing a probe
    /// file: "No space left on device", "Permission denied", ...) and the
    /// free space. `what`: the writer's own message (shortened).
    std::string write_failure(const std::string &what) const;

    /// Collective: replace the final folder by the staged one.
    void commit();

    /// Collective: drop the staged files, leave the final folder alone.
    void abandon();

  private:
    std::string directory;
    std::string staging;
    MPI_Comm    comm;
    int         lock_fd   = -1;
    bool        committed = false;
  };
} // namespace roofspan
