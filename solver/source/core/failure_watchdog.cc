#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/failure_watchdog.h>
#include <roofspan/core/input_error.h>

#include <mpi.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>

namespace roofspan
{
  void arm_failure_watchdog(std::exception_ptr error, const double seconds)
  {
    int         code    = exit_internal_error;
    std::string message = "internal error (unknown)";
    try
      {
        if (error)
          std::rethrow_exception(error);
      }
    catch (const InputError &e)
      {
        code    = input_error_exit_code;
        message = e.what();
      }
    catch (const AnalysisFailure &e)
      {
        code    = e.exit_code;
        message = e.kind() + ": " + e.what();
      }
    catch (const OutputFailure &e)
      {
        message = std::string("output error: ") + e.what();
      }
    catch (const std::exception &e)
      {
        message = std::string("internal error: ") + e.what();
      }
    catch (...)
      {
      }
    std::thread([code, message, seconds]() {
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
      int rank = 0;
      MPI_Comm_rank(MPI_COMM_WORLD, &rank);
      std::cerr << "roofspan: " << message << "\nroofspan: rank " << rank
                << " could not end together with the other ranks within " << seconds
                << " s; ending all ranks\n"
                << std::flush;
      MPI_Abort(MPI_COMM_WORLD, code);
    }).detach();
  }
} // namespace roofspan
