#pragma once

#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

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
   * What may be replaced: a folder that does not exist, an empty one, or a
   * result roofspan wrote (it holds the marker `.roofspan-result`, which
   * lists every file of the result; the figures and ParaView state that
   * roofspan's postprocessing writes into a run folder are allowed beside
   * them). Refused, with an input error before any work (refusal()): any
   * other folder (a file in it that roofspan did not write is named), `/`,
   * a mount point, the current folder or one that holds it, a folder that
   * holds the case file, the material library or the mesh file, a dangling
   * symbolic link, and any folder inside a folder another run is writing.
   * The path is resolved (symbolic links followed) before the lock is
   * taken, so two paths to one folder share one lock. The contents are
   * checked again just before the swap.
   *
   * Errors (a path through a file, no permission, a full disk) are decided
   * on rank 0 and raised on every rank, naming the path and the OS reason.
   */
  class OutputDirectory
  {
  public:
    /// The marker file of a roofspan result: its first line, then the
    /// result's files and folders (relative paths, folders ending in '/').
    static constexpr const char *marker_name = ".roofspan-result";

    /// Inputs the result folder must not contain: what they are ("the case
    /// file", "the material library") and their paths.
    using ProtectedPaths = std::vector<std::pair<std::string, std::string>>;

    /// Collective: lock, clean up, create the staging folder. Throws
    /// InputError if the folder is refused (see refusal()).
    OutputDirectory(const std::string    &directory,
                    MPI_Comm              comm,
                    const ProtectedPaths &protected_paths = {});

    /// Why `directory` may not become a result folder ("" if it may), on
    /// this process (not collective): see the class description.
    static std::string refusal(const std::string &directory, const ProtectedPaths &protected_paths);

    /// Collective: throws InputError (rank 0 decides) if refusal() is not
    /// empty. For --validate and the checks before any work.
    static void
    check(const std::string &directory, const ProtectedPaths &protected_paths, MPI_Comm comm);
    ~OutputDirectory();

    OutputDirectory(const OutputDirectory &)            = delete;
    OutputDirectory &operator=(const OutputDirectory &) = delete;

    /// The folder the results finally appear in.
    const std::string &final_directory() const;

    /// Where to write `name` now (inside the staging folder).
    std::string staging_path(const std::string &name) const;

    /// The staging folder itself (removed whole if the run fails).
    const std::string &staging_folder() const;

    /// Where the ranks' liveness beats go (RankLiveness): inside the staging
    /// folder, never part of the result.
    std::string liveness_folder() const;

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
