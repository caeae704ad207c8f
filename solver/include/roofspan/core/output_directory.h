#pragma once

#include <mpi.h>

#include <string>
#include <vector>

namespace roofspan
{
  /**
   * The output directory of one run, written atomically: every file is first
   * written under a staging directory `<dir>/.incoming-<id>/` and moved into
   * `<dir>` by commit() only once the whole run has succeeded. A run that
   * crashes or is stopped leaves the previous result in `<dir>` untouched.
   * summary.json is moved last, so its presence marks a complete result.
   */
  class OutputDirectory
  {
  public:
    OutputDirectory(const std::string &directory, MPI_Comm comm);

    /// The directory files are finally placed in.
    const std::string &final_directory() const;

    /// Where to write `name` now (inside the staging directory).
    std::string staging_path(const std::string &name) const;

    /// Collective: move all staged files into place (summary.json last) and
    /// remove the staging directory.
    void commit();

    /// Collective: drop the staged files, leave the final directory alone.
    void abandon();

  private:
    std::string directory;
    std::string staging;
    MPI_Comm    comm;
    bool        committed = false;
  };
} // namespace roofspan
