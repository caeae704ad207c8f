#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/failure_watchdog.h>
#include <roofspan/core/input_error.h>

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <new>
#include <string>
#include <system_error>
#include <thread>

namespace roofspan
{
  FailureReport describe_failure(std::exception_ptr error)
  {
    FailureReport report;
    try
      {
        if (error)
          std::rethrow_exception(error);
        report.message = "roofspan: internal error (unknown)\n";
      }
    catch (const InputError &e)
      {
        report.exit_code = input_error_exit_code;
        report.message   = "roofspan: " + std::string(e.what()) + "\n";
      }
    catch (const AnalysisFailure &e)
      {
        report.exit_code = e.exit_code;
        report.message =
            "roofspan: " + e.kind() + ": " + e.what() + "\nroofspan: remedy: " + e.remedy + "\n";
      }
    catch (const OutputFailure &e)
      {
        report.message = "roofspan: output error: " + std::string(e.what()) + "\n";
      }
    catch (const std::bad_alloc &)
      {
        report.message = "roofspan: out of memory (the model is too large for this machine's "
                         "memory: use more nodes or a coarser mesh)\n";
      }
    catch (const std::exception &e)
      {
        report.message = "roofspan: internal error: " + library_message(e) + "\n";
      }
    catch (...)
      {
        report.message = "roofspan: internal error (unknown)\n";
      }
    return report;
  }

  namespace
  {
    /// A detached thread that aborts the job after `seconds`.
    void start_watchdog(const int code, const std::string message, const double seconds)
    {
      std::thread([code, message, seconds]() {
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        int rank = 0;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank);
        std::cerr << message << "roofspan: rank " << rank
                  << " could not end together with the other ranks within " << seconds
                  << " s; ending all ranks\n"
                  << std::flush;
        MPI_Abort(MPI_COMM_WORLD, code);
      }).detach();
    }
  } // namespace

  double failure_grace_seconds()
  {
    const char *setting = std::getenv("ROOFSPAN_FAILURE_GRACE");
    if (setting == nullptr || *setting == '\0')
      return 10;
    char        *end   = nullptr;
    const double value = std::strtod(setting, &end);
    return end != setting && *end == '\0' && value > 0 ? value : 10;
  }

  void arm_failure_watchdog(std::exception_ptr error, const double seconds)
  {
    const FailureReport report  = describe_failure(error);
    const int           code    = report.exit_code;
    const std::string   message = report.message;
    // Without memory for a thread (the failure may be that very shortage),
    // the run ends as it would without the watchdog: keep the error.
    try
      {
        start_watchdog(code, message, seconds);
      }
    catch (const std::system_error &)
      {
      }
  }

} // namespace roofspan
