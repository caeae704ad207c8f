#include <roofspan/core/rank_liveness.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace roofspan
{
  namespace fs = std::filesystem;

  namespace
  {
    /// The text of a small file, "" if it cannot be read (not yet written).
    std::string read_beat(const std::string &path)
    {
      const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0)
        return "";
      char       buffer[64];
      const auto n = read(fd, buffer, sizeof(buffer));
      close(fd);
      return n > 0 ? std::string(buffer, n) : "";
    }

    /// Created by the first beat only: once the staging folder is being
    /// removed (the run failed), a beat must not create files in it again.
    void write_beat(const std::string &path, const unsigned long count)
    {
      const std::string text = std::to_string(count) + "\n";
      const int         fd   = open(path.c_str(),
                          O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | (count == 1 ? O_CREAT : 0),
                          0644);
      if (fd < 0)
        return; // the folder is gone: the run is ending
      [[maybe_unused]] const auto written = write(fd, text.data(), text.size());
      close(fd);
    }
  } // namespace

  double RankLiveness::timeout_seconds()
  {
    const char *setting = std::getenv("ROOFSPAN_LIVENESS_TIMEOUT");
    if (setting == nullptr || *setting == '\0')
      return 30;
    char        *end   = nullptr;
    const double value = std::strtod(setting, &end);
    return end != setting && *end == '\0' && value >= 0 ? value : 30;
  }

  RankLiveness::RankLiveness(const std::string &folder, const std::string &staging, MPI_Comm comm)
      : folder(folder)
      , staging(staging)
      , timeout(timeout_seconds())
  {
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &n_ranks);
    if (timeout <= 0 || n_ranks == 1)
      return;
    std::error_code ec;
    fs::create_directories(folder, ec); // every rank may: the first makes it
    running = true;
    try
      {
        thread = std::thread([this]() { beat_and_watch(); });
      }
    catch (const std::system_error &)
      {
        // No memory for a thread: the run goes on unwatched (it may still
        // fit), as before this check existed.
        running = false;
      }
  }

  RankLiveness::~RankLiveness()
  {
    stop();
  }

  void RankLiveness::stop()
  {
    if (!thread.joinable())
      return;
    {
      std::lock_guard<std::mutex> lock(mutex);
      running = false;
    }
    wake.notify_all();
    thread.join();
  }

  void RankLiveness::beat_and_watch()
  {
    using clock          = std::chrono::steady_clock;
    const double period  = std::min(2.0, timeout / 5);
    const auto   started = clock::now();
    // Watched ranks: what their file said last, and when it changed.
    std::map<int, std::pair<std::string, clock::time_point>> watched;
    if (rank == 0)
      for (int r = 1; r < n_ranks; ++r)
        watched[r] = {"", started};
    else
      watched[0] = {"", started};
    const std::string own           = folder + "/" + std::to_string(rank);
    unsigned long     count         = 0;
    auto              previous_loop = started;
    while (running)
      {
        write_beat(own, ++count);
        const auto now = clock::now();
        // This thread itself was held (the job suspended, the file system
        // stalled): the others' silence since then says nothing.
        if (std::chrono::duration<double>(now - previous_loop).count() > 3 * period)
          for (auto &[r, last] : watched)
            last.second = now;
        previous_loop = now;
        for (auto &[r, last] : watched)
          {
            const std::string beat = read_beat(folder + "/" + std::to_string(r));
            if (!beat.empty() && beat != last.first)
              last = {beat, now};
            // A rank is watched from its first beat seen here: where the
            // ranks do not share the folder, nothing is concluded.
            const double silent = std::chrono::duration<double>(now - last.second).count();
            if (!last.first.empty() && silent > timeout && running)
              {
                std::cerr << "roofspan: rank " << r << " of " << n_ranks << " has not answered for "
                          << int(silent)
                          << " s (stopped, or its node is gone); ending all ranks; the previous "
                             "result stays (ROOFSPAN_LIVENESS_TIMEOUT = "
                          << timeout << " s)\n"
                          << std::flush;
                std::error_code ignored;
                fs::remove_all(staging, ignored);
                MPI_Abort(MPI_COMM_WORLD, 1);
              }
          }
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait_for(lock, std::chrono::duration<double>(period), [this]() { return !running; });
      }
  }
} // namespace roofspan
