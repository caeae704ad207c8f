#include <roofspan/core/fault_injection.h>
#include <roofspan/core/input_error.h>
#include <roofspan/core/output_directory.h>

#include <deal.II/base/mpi.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

namespace roofspan
{
  namespace fs = std::filesystem;

  namespace
  {
    // The staging folder the signal handler removes (set before the handler
    // is installed; a plain buffer, read in the handler).
    char staging_to_remove[4096] = {0};

    extern "C" void remove_staging_and_exit(const int signal)
    {
      // Only async-signal-safe calls: fork, execv, waitpid, _exit, signal,
      // raise.
      if (staging_to_remove[0] != 0)
        {
          const pid_t child = fork();
          if (child == 0)
            {
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
  } // namespace

  OutputDirectory::OutputDirectory(const std::string &dir, MPI_Comm comm)
      : directory(dir)
      , comm(comm)
  {
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        fs::path folder = fs::path(dir).lexically_normal();
        if (folder.filename().empty())
          folder = folder.parent_path(); // "out/" -> "out"
        if (folder.filename().empty() || folder.filename() == "." || folder.filename() == "..")
          folder = fs::absolute(folder).lexically_normal();
        if (folder.parent_path().empty())
          folder = fs::path(".") / folder;
        try
          {
            std::error_code ec;
            fs::create_directories(folder.parent_path(), ec);
            if (ec)
              throw std::runtime_error("cannot create the folder " + folder.parent_path().string() +
                                       ": " + ec.message());
            if (fs::exists(folder) && !fs::is_directory(folder))
              throw std::runtime_error(folder.string() + " exists and is not a folder");

            // The lock: a second run into this folder stops here.
            const fs::path lock = beside(folder, "lock");
            lock_fd             = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
            if (lock_fd < 0)
              throw std::runtime_error("cannot create " + lock.string() + ": " + os_reason(errno));
            if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0)
              {
                char        owner[32] = {0};
                const auto  n         = pread(lock_fd, owner, sizeof(owner) - 1, 0);
                std::string who       = n > 0 ? std::string(owner, n) : "";
                while (!who.empty() && (who.back() == '\n' || who.back() == ' '))
                  who.pop_back();
                close(lock_fd);
                lock_fd = -1;
                throw std::runtime_error("another run is writing to this folder" +
                                         (who.empty() ? std::string() : " (process " + who + ")") +
                                         "; wait for it to end or choose another --output-dir");
              }
            const std::string pid = std::to_string(getpid()) + "\n";
            if (ftruncate(lock_fd, 0) != 0 ||
                pwrite(lock_fd, pid.data(), pid.size(), 0) != ssize_t(pid.size()))
              throw std::runtime_error("cannot write " + lock.string() + ": " + os_reason(errno));

            // Holding the lock, no other live run owns a staging folder of
            // this one: what is there was left by dead runs.
            const std::string prefix = "." + folder.filename().string() + ".incoming-";
            for (const auto &entry : fs::directory_iterator(folder.parent_path()))
              if (entry.path().filename().string().rfind(prefix, 0) == 0)
                fs::remove_all(entry.path());
            if (fs::is_directory(folder)) // the layout before the swap
              for (const auto &entry : fs::directory_iterator(folder))
                if (entry.path().filename().string().rfind(".incoming-", 0) == 0)
                  fs::remove_all(entry.path());

            staging = (folder.parent_path() / (prefix + std::to_string(getpid()))).string();
            if (!fs::create_directory(staging, ec) || ec)
              throw std::runtime_error("cannot create the staging folder " + staging + ": " +
                                       (ec ? ec.message() : "it exists"));
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
    std::string error;
    if (dealii::Utilities::MPI::this_mpi_process(comm) == 0)
      {
        try
          {
            const fs::path folder(directory);
            fault_point("commit");
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
                std::error_code ignored;
                fs::remove_all(staging, ignored);
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
                  {
                    std::error_code ignored;
                    fs::remove_all(old, ignored);
                  }
              }
            else
              error = "cannot replace " + directory + " by " + staging + ": " + os_reason(errno);
          }
        catch (const std::exception &e)
          {
            error = e.what();
          }
        if (error.empty())
          {
            staging_to_remove[0] = 0; // nothing of ours to remove any more
            committed            = true;
          }
      }
    error = agree(error, comm);
    if (!error.empty())
      throw std::runtime_error(error);
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
