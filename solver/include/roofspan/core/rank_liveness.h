#pragma once

#include <mpi.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace roofspan
{
  /**
   * Ends the run when a rank stops answering (stopped with SIGSTOP, its node
   * frozen or gone): the other ranks would otherwise wait in their next
   * collective call forever. Each rank's thread writes a counter into its
   * own file in `folder` (inside the run's staging folder, which every rank
   * sees: the ranks write their output there) every few seconds; rank 0
   * watches every rank, the other ranks watch rank 0. A rank whose counter
   * has not changed for the timeout is declared lost: the watcher prints
   * which rank and since when, removes the staging folder (the previous
   * result stays) and aborts the MPI job (exit code 1). A rank is watched
   * from its first beat the watcher saw (ranks that do not share the folder
   * are never declared lost), and a watcher that was itself held (the job
   * suspended, the file system stalled) starts counting again.
   *
   * The thread runs beside the analysis and needs no MPI call, so a rank
   * that is busy (a long factorisation) or waiting in a collective call
   * still answers; only a process that no longer runs goes silent. The
   * timeout is ROOFSPAN_LIVENESS_TIMEOUT seconds (default 30; 0 turns the
   * check off), files are opened and closed for every beat so that NFS's
   * close-to-open consistency shows each beat to the other nodes.
   */
  class RankLiveness
  {
  public:
    /// Starts the beats (not collective: each rank starts its own).
    RankLiveness(const std::string &folder, const std::string &staging, MPI_Comm comm);
    ~RankLiveness();

    RankLiveness(const RankLiveness &)            = delete;
    RankLiveness &operator=(const RankLiveness &) = delete;

    /// Stops this rank's thread (before the commit, which removes the folder).
    void stop();

    /// The timeout in seconds (0: off), from the environment.
    static double timeout_seconds();

  private:
    void beat_and_watch();

    std::string             folder;
    std::string             staging;
    int                     rank    = 0;
    int                     n_ranks = 1;
    double                  timeout = 0;
    std::atomic<bool>       running{false};
    std::mutex              mutex;
    std::condition_variable wake;
    std::thread             thread;
  };
} // namespace roofspan
