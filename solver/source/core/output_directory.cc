#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/fault_injection.h>
#include <roofspan/core/input_error.h>
#include <roofspan/core/output_directory.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <linux/stat.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace roofspan
{
  namespace fs = std::filesystem;

  namespace
  {
    // The staging folder the signal handler removes (set before the handler
    // is installed; a plain buffer, read in the handler).
    char staging_to_remove[4096] = {0};
    // On the other ranks: the staging folder whose removal the handler
    // awaits before the rank ends.
    char staging_to_await[4096] = {0};

    // The other ranks' handler: a stop signal reaches every rank at once
    // (Ctrl-C, a launcher's SIGTERM to the job); a rank that ended at once
    // would make mpirun kill the job, rank 0 and its removal with it. So
    // these wait (at most 3 s) until rank 0 has removed the folder.
    extern "C" void await_staging_removal_and_exit(const int signal)
    {
      struct stat     info;
      struct timespec pause = {0, 50000000};
      for (int i = 0; i < 60 && staging_to_await[0] != 0 && stat(staging_to_await, &info) == 0; ++i)
        nanosleep(&pause, nullptr);
      std::signal(signal, SIG_DFL);
      std::raise(signal);
    }

    extern "C" void remove_staging_and_exit(const int signal)
    {
      // Only async-signal-safe calls: fork, setpgid, signal, execv, waitpid,
      // _exit, raise.
      if (staging_to_remove[0] != 0)
        {
          const pid_t child = fork();
          if (child == 0)
            {
              // The removal runs in a process group of its own and ignores
              // the stop signals: mpirun, told to stop, kills its ranks'
              // group (this rank, and a removal forked from it, half done)
              // as soon as another rank has ended. Outside that group the
              // removal finishes even if this rank is killed meanwhile.
              setpgid(0, 0);
              std::signal(SIGTERM, SIG_IGN);
              std::signal(SIGINT, SIG_IGN);
              std::signal(SIGHUP, SIG_IGN);
              char *const argv[] = {const_cast<char *>("rm"),
                                    const_cast<char *>("-rf"),
                                    staging_to_remove,
                                    nullptr};
              execv("/bin/rm", argv);
              _exit(127);
            }
          if (child > 0)
            waitpid(child, nullptr, 0);
        }
      std::signal(signal, SIG_DFL);
      std::raise(signal);
    }

    std::string os_reason(const int error)
    {
      return std::generic_category().message(error);
    }

    /// Rank 0 decides; every rank gets the same error text (empty: none).
    std::string agree(const std::string &error, MPI_Comm comm)
    {
      return dealii::Utilities::MPI::broadcast(comm, error, 0);
    }

    /// "<parent>/.<name>.<what>"
    fs::path beside(const fs::path &folder, const std::string &what)
    {
      return folder.parent_path() / ("." + folder.filename().string() + "." + what);
    }

    constexpr const char *marker_header  = "roofspan result";
    constexpr const char *staging_marker = ".roofspan-staging";
    constexpr const char *liveness_name  = ".roofspan-alive";

    /// What roofspan's own postprocessing writes into a run folder
    /// (render_section.py, paraview/open_run.py): kept from the rule that a
    /// result holds only what the solver listed.
    const std::set<std::string> &postprocess_outputs()
    {
      static const std::set<std::string> names = {"roofspan.pvsm",
                                                  "figures/",
                                                  "figures/section_deformation.png",
                                                  "figures/yielded_zone.png",
                                                  "figures/bolt_forces.png"};
      return names;
    }

    /// Is `inner` the folder `outer` or inside it? (Both absolute, resolved.)
    bool within(const fs::path &inner, const fs::path &outer)
    {
      auto i = inner.begin();
      for (auto o = outer.begin(); o != outer.end(); ++o, ++i)
        {
          if (o->empty() && std::next(o) == outer.end())
            break; // "a/b/" ends in an empty element
          if (i == inner.end() || *i != *o)
            return false;
        }
      return true;
    }

    /// The folder a path names: absolute, symbolic links resolved, no
    /// trailing separator. Throws with the reason (a dangling link).
    fs::path resolve(const std::string &dir)
    {
      const fs::path absolute = fs::absolute(fs::path(dir)).lexically_normal();
      fs::path       prefix;
      for (const auto &part : absolute)
        {
          prefix /= part;
          std::error_code ec;
          if (fs::is_symlink(prefix, ec) && !fs::exists(prefix, ec))
            throw std::runtime_error(prefix.string() + " is a symbolic link to a missing target (" +
                                     fs::read_symlink(prefix, ec).string() + ")");
        }
      fs::path folder = fs::weakly_canonical(absolute);
      if (folder.filename().empty() && folder.has_parent_path() && folder != folder.root_path())
        folder = folder.parent_path();
      return folder;
    }

    /// A mount point, bind mounts on the same device included (statx's
    /// mount-root attribute; the device number where the kernel lacks it).
    bool is_mount_point(const fs::path &folder)
    {
      struct statx info;
      if (statx(AT_FDCWD, folder.c_str(), 0, STATX_BASIC_STATS, &info) == 0 &&
          (info.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0)
        return (info.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
      struct stat here, above;
      return stat(folder.c_str(), &here) == 0 && stat(folder.parent_path().c_str(), &above) == 0 &&
             here.st_dev != above.st_dev;
    }

    /// The process ID a lock file holds (written by its owner), "?" if none.
    std::string recorded_holder(const int fd)
    {
      char        owner[32] = {0};
      const auto  n         = pread(fd, owner, sizeof(owner) - 1, 0);
      std::string holder    = n > 0 ? std::string(owner, n) : "";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
        holder.pop_back();
      return holder.empty() ? "?" : holder;
    }

    /// The process holding the lock file `lock` exclusively, or "" if none.
    std::string lock_holder(const fs::path &lock)
    {
      std::error_code ec;
      if (!fs::is_regular_file(fs::symlink_status(lock, ec)))
        return "";
      const int fd = open(lock.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0)
        return "";
      std::string holder;
      if (flock(fd, LOCK_SH | LOCK_NB) != 0)
        holder = recorded_holder(fd);
      else
        flock(fd, LOCK_UN);
      close(fd);
      return holder;
    }

    /// The entries of a folder as relative paths (folders end in '/'), not
    /// following links; stops after `limit` entries.
    std::vector<std::string> entries(const fs::path &folder, const std::size_t limit)
    {
      std::vector<std::string> list;
      for (auto it = fs::recursive_directory_iterator(folder);
           it != fs::recursive_directory_iterator() && list.size() < limit;
           ++it)
        {
          std::string name = it->path().lexically_relative(folder).generic_string();
          if (it->is_directory() && !it->is_symlink())
            name += "/";
          list.push_back(name);
        }
      std::sort(list.begin(), list.end());
      return list;
    }

    /// The entries a result's marker lists; false if `folder` holds no
    /// marker of roofspan's.
    bool read_marker(const fs::path &folder, std::set<std::string> &listed)
    {
      const fs::path  marker = folder / OutputDirectory::marker_name;
      std::error_code ec;
      std::ifstream   in(marker);
      std::string     header;
      if (!fs::is_regular_file(fs::symlink_status(marker, ec)) || !std::getline(in, header) ||
          header != marker_header)
        return false;
      for (std::string line; std::getline(in, line);)
        if (!line.empty())
          listed.insert(line);
      return true;
    }

    /// Why an existing folder's contents may not be replaced ("" if they
    /// may): it is empty, or a roofspan result holding only what it lists.
    std::string contents_refusal(const fs::path &folder)
    {
      std::error_code ec;
      if (!fs::exists(folder, ec))
        return "";
      if (!fs::is_directory(folder, ec))
        return "it exists and is not a folder";
      if (fs::is_empty(folder, ec))
        return "";
      std::set<std::string> listed;
      if (!read_marker(folder, listed))
        {
          const auto first = entries(folder, 1);
          return "it is a folder that is not a roofspan result (no " +
                 std::string(OutputDirectory::marker_name) + " file) and it is not empty (" +
                 (first.empty() ? std::string("it cannot be listed") : "'" + first.front() + "'") +
                 " and maybe more); roofspan writes only into a new or empty folder or over a "
                 "result of its own: choose another --output-dir";
        }
      for (const auto &name : entries(folder, 1000000))
        if (name != OutputDirectory::marker_name && listed.count(name) == 0 &&
            postprocess_outputs().count(name) == 0)
          return "it is a roofspan result, but it also holds '" + name +
                 "', which roofspan did not write there: move it out or choose another "
                 "--output-dir";
      return "";
    }

    /// The staged result's entries as this process sees them (a rank on
    /// another node may see its own pieces before rank 0 does).
    std::vector<std::string> staged_entries(const fs::path &staging)
    {
      std::vector<std::string> list;
      try
        {
          for (const auto &name : entries(staging, std::size_t(-1)))
            if (name != OutputDirectory::marker_name && name != staging_marker &&
                name.rfind(std::string(liveness_name) + "/", 0) != 0)
              list.push_back(name);
        }
      catch (const std::exception &)
        {
          // Not visible from here: rank 0's listing stands.
        }
      return list;
    }

    /// Writes the marker listing the result's files (`names`).
    void write_marker(const fs::path &staging, const std::set<std::string> &names)
    {
      fs::remove(staging / staging_marker);
      fs::remove_all(staging / liveness_name);
      std::ofstream out(staging / OutputDirectory::marker_name);
      out << marker_header << "\n";
      for (const auto &name : names)
        out << name << "\n";
      out.close();
      if (!out)
        throw std::runtime_error("cannot write " +
                                 (staging / OutputDirectory::marker_name).string() + ": " +
                                 os_reason(errno));
    }

    /**
     * Removes a folder of roofspan's: a staging folder that was never
     * committed (all of it is this program's), or a result, of which only
     * the files its marker lists (and roofspan's postprocessing outputs) are
     * removed. Anything else (a file that appeared in the previous result
     * while a run worked) stays: the folder is then renamed to the visible
     * `<final>.kept-<pid>`, whose path is returned; "" if all is gone. A
     * folder without either marker is left alone.
     */
    std::string remove_roofspan_folder(const fs::path &folder, const fs::path &final)
    {
      std::error_code ec;
      if (fs::exists(folder / staging_marker, ec))
        {
          fs::remove_all(folder, ec);
          return "";
        }
      std::set<std::string> marked;
      if (!read_marker(folder, marked))
        return "";
      // Deepest first ("a/b" sorts after "a/"): files before their folders.
      std::set<std::string, std::greater<>> listed(postprocess_outputs().begin(),
                                                   postprocess_outputs().end());
      for (const auto &line : marked)
        if (line.find("..") == std::string::npos && line[0] != '/')
          listed.insert(line);
      for (const auto &name : listed)
        {
          const fs::path path = folder / name;
          if (name.back() == '/')
            fs::remove(path.parent_path(), ec); // only if empty
          else if (!fs::is_directory(fs::symlink_status(path, ec)))
            fs::remove(path, ec);
        }
      fs::remove(folder / OutputDirectory::marker_name, ec);
      if (fs::remove(folder, ec) || !fs::exists(folder, ec))
        return "";
      const fs::path kept = final.string() + ".kept-" + std::to_string(getpid());
      if (std::rename(folder.c_str(), kept.c_str()) == 0)
        return kept.string();
      return folder.string();
    }
  } // namespace

  std::string OutputDirectory::refusal(const std::string    &dir,
                                       const ProtectedPaths &protected_paths)
  {
    try
      {
        if (dir.empty())
          return "it is empty; name a folder";
        const fs::path  folder = resolve(dir);
        std::error_code ec;
        if (folder == folder.root_path())
          return "it is the root folder " + folder.string();
        const fs::path cwd = fs::current_path(ec);
        if (!ec && within(cwd, folder))
          return cwd == folder ? "it is the current folder (" + folder.string() + ")" :
                                 "it holds the current folder (" + cwd.string() + ")";
        for (const auto &[what, path] : protected_paths)
          if (!path.empty() && within(fs::weakly_canonical(fs::absolute(path)), folder))
            return "it holds " + what + " (" + path + ")";
        if (fs::exists(folder, ec) && is_mount_point(folder))
          return folder.string() + " is a mount point (a whole file system cannot be "
                                   "replaced); name a folder inside it";
        for (fs::path outer = folder.parent_path(); outer != outer.root_path();
             outer          = outer.parent_path())
          {
                     const std::string holder = lock_holder(beside(outer, "lock"));
                     if (!holder.empty())
              return "it is inside " + outer.string() + ", which another run (process " + holder +
                     ") is writing; its result would replace this one";
          }
        const std::string contents = contents_refusal(folder);
        if (!contents.empty())
          return (folder.string() == dir ? "" : folder.string() + ": ") + contents;
        return "";
      }
    catch (const std::exception &e)
      {
        return e.what();
      }
  }

  void OutputDirectory::check(const std::string    &dir,
                              const ProtectedPaths &protected_paths,
                              MPI_Comm              comm)
  {
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      error = refusal(dir, protected_paths);
    error = agree(error, comm);
    if (!error.empty())
      throw InputError("", "Output directory (or --output-dir)", "'" + dir + "': " + error);
  }

  OutputDirectory::OutputDirectory(const std::string    &dir,
                                   MPI_Comm              comm,
                                   const ProtectedPaths &protected_paths)
      : directory(dir)
      , comm(comm)
  {
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        try
          {
            error = refusal(dir, protected_paths);
            if (!error.empty())
              throw std::runtime_error(error);
            const fs::path  folder = resolve(dir);
            std::error_code ec;
            fs::create_directories(folder.parent_path(), ec);
            if (ec)
              throw std::runtime_error("cannot create the folder " + folder.parent_path().string() +
                                       ": " + ec.message());

            // The lock: a second run into this folder stops here.
            const fs::path lock = beside(folder, "lock");
            lock_fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (lock_fd < 0)
              throw std::runtime_error("cannot create " + lock.string() + ": " + os_reason(errno));
            // Another run's probe (refusal()) may hold a shared lock for an
            // instant: a few tries before the folder counts as in use.
            bool locked = false;
            for (int attempt = 0; attempt < 5 && !locked; ++attempt)
              {
                locked = flock(lock_fd, LOCK_EX | LOCK_NB) == 0;
                if (!locked)
                  usleep(20000);
              }
            if (!locked)
              {
                const std::string who = recorded_holder(lock_fd);
                close(lock_fd);
                lock_fd = -1;
                throw std::runtime_error("another run is writing to this folder" +
                                         (who == "?" ? std::string() : " (process " + who + ")") +
                                         "; wait for it to end or choose another --output-dir");
              }
            const std::string pid = std::to_string(getpid()) + "\n";
            if (ftruncate(lock_fd, 0) != 0 ||
                pwrite(lock_fd, pid.data(), pid.size(), 0) != ssize_t(pid.size()))
              throw std::runtime_error("cannot write " + lock.string() + ": " + os_reason(errno));

            // Holding the lock, no other live run owns a staging folder of
            // this one: what is there (with the staging marker) was left by
            // dead runs.
            const std::string prefix   = "." + folder.filename().string() + ".incoming-";
            const std::string previous = "." + folder.filename().string() + ".previous-";
            for (const auto &entry : fs::directory_iterator(folder.parent_path()))
              {
                const std::string name = entry.path().filename().string();
                if ((name.rfind(prefix, 0) == 0 || name.rfind(previous, 0) == 0) &&
                    entry.is_directory() && !entry.is_symlink())
                  remove_roofspan_folder(entry.path(), folder);
              }

            staging = (folder.parent_path() / (prefix + std::to_string(getpid()))).string();
            if (!fs::create_directory(staging, ec) || ec)
              throw std::runtime_error("cannot create the staging folder " + staging + ": " +
                                       (ec ? ec.message() : "it exists"));
            std::ofstream(fs::path(staging) / staging_marker) << "roofspan staging folder\n";
            std::strncpy(staging_to_remove, staging.c_str(), sizeof(staging_to_remove) - 1);
            std::signal(SIGTERM, remove_staging_and_exit);
            std::signal(SIGINT, remove_staging_and_exit);
            directory = folder.string();
          }
        catch (const std::exception &e)
          {
            error = e.what();
            if (error.empty())
              error = "unusable";
          }
      }
    error = agree(error, comm);
    if (!error.empty())
      throw InputError("", "Output directory (or --output-dir)", "'" + dir + "': " + error);
    staging   = dealii::Utilities::MPI::broadcast(comm, staging, 0);
    directory = dealii::Utilities::MPI::broadcast(comm, directory, 0);
    if (dealii::Utilities::MPI::this_mpi_process(comm) != 0)
      {
        std::strncpy(staging_to_await, staging.c_str(), sizeof(staging_to_await) - 1);
        std::signal(SIGTERM, await_staging_removal_and_exit);
        std::signal(SIGINT, await_staging_removal_and_exit);
      }
  }

  OutputDirectory::~OutputDirectory()
  {
    if (lock_fd >= 0)
      close(lock_fd); // frees the lock
  }

  const std::string &OutputDirectory::final_directory() const
  {
    return directory;
  }

  std::string OutputDirectory::staging_path(const std::string &name) const
  {
    return (fs::path(staging) / name).string();
  }

  const std::string &OutputDirectory::staging_folder() const
  {
    return staging;
  }

  std::string OutputDirectory::liveness_folder() const
  {
    return staging_path(liveness_name);
  }

  std::string OutputDirectory::write_failure(const std::string &what) const
  {
    std::string reason;
    {
      const std::string probe = staging_path(".write-probe-" + std::to_string(getpid()));
      const int         fd    = open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0)
        reason = os_reason(errno);
      else
        {
          const std::string block(1 << 16, '\0');
          for (int i = 0; i < 16 && reason.empty(); ++i)
            if (write(fd, block.data(), block.size()) != ssize_t(block.size()))
              reason = os_reason(errno);
          if (reason.empty() && fsync(fd) != 0)
            reason = os_reason(errno);
          close(fd);
          unlink(probe.c_str());
        }
    }
    std::error_code ec;
    const auto      space = fs::space(staging, ec);
    std::string     free_space;
    if (!ec)
      free_space =
          "; " + std::to_string(space.available / (1024 * 1024)) + " MiB free on that file system";
    // deal.II's input/output message is a page long: its first sentence.
    std::string writer = what;
    const auto  end    = writer.find(". ");
    if (writer.find("An input/output error has occurred") != std::string::npos &&
        end != std::string::npos)
      writer =
          writer.substr(writer.find("An input/output"), end + 1 - writer.find("An input/output"));
    if (writer.size() > 300)
      writer = writer.substr(0, 300) + "...";
    return "cannot write the results into '" + directory + "' (staged in " + staging +
           "): " + (reason.empty() ? "the writer failed (" + writer + ")" : reason) + free_space +
           "; the previous result there is untouched";
  }

  void OutputDirectory::commit()
  {
    MPI_Barrier(comm);
    // Every rank's view of what was staged (on a shared file system a
    // rank's own pieces may not yet show in rank 0's listing).
    std::set<std::string> names;
    for (const auto &list : dealii::Utilities::MPI::gather(comm, staged_entries(staging), 0))
      names.insert(list.begin(), list.end());
    std::string error, kept;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        try
          {
            const fs::path folder(directory);
            write_marker(staging, names);
            // Whatever appeared in the folder while this run worked (a run
            // into a folder inside it, a user's file) is not replaced.
            const std::string changed = contents_refusal(folder);
            if (!changed.empty())
              throw std::runtime_error("the folder " + directory +
                                       " changed while this run was working, so the result "
                                       "was not written there: " +
                                       changed);
            fault_point("commit");
            // From here the staging path may hold the previous result: the
            // signal handler must not remove it whole (a dead run's leftovers
            // are removed by the next run, file by file).
            staging_to_remove[0] = 0;
            if (!fs::exists(folder))
              {
                if (std::rename(staging.c_str(), directory.c_str()) != 0)
                  error = "cannot move " + staging + " to " + directory + ": " + os_reason(errno);
              }
            else if (renameat2(
                         AT_FDCWD, staging.c_str(), AT_FDCWD, directory.c_str(), RENAME_EXCHANGE) ==
                     0)
              {
                // The staging path now holds the previous result.
                kept = remove_roofspan_folder(staging, folder);
              }
            else if (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)
              {
                // No atomic exchange here: old folder aside, new one in place.
                const std::string old = beside(folder, "previous-" + std::to_string(getpid()));
                if (std::rename(directory.c_str(), old.c_str()) != 0)
                  error = "cannot move the previous result " + directory +
                          " aside: " + os_reason(errno);
                else if (std::rename(staging.c_str(), directory.c_str()) != 0)
                  {
                    error = "cannot move " + staging + " to " + directory + ": " + os_reason(errno);
                    std::rename(old.c_str(), directory.c_str());
                  }
                else
                  kept = remove_roofspan_folder(old, folder);
              }
            else
              error = "cannot replace " + directory + " by " + staging + ": " + os_reason(errno);
          }
        catch (const std::exception &e)
          {
            error = e.what();
          }
        if (error.empty())
          committed = true;
        if (!kept.empty())
          std::cout << "roofspan: warning: files that appeared in the previous result while "
                       "this run worked were not removed; they are in "
                    << kept << "\n";
      }
    error = agree(error, comm);
    if (!error.empty())
      throw OutputFailure(error);
    committed = true;
  }

  void OutputDirectory::abandon()
  {
    if (!committed && dealii::Utilities::MPI::this_mpi_process(comm) == 0 && !staging.empty())
      {
        std::error_code ignored;
        fs::remove_all(staging, ignored);
        staging_to_remove[0] = 0;
      }
  }
} // namespace roofspan
