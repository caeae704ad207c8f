#include <roofspan/core/fault_injection.h>

#include <mpi.h>

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace roofspan
{
  void fault_point(const char *place)
  {
    const char *setting = std::getenv("ROOFSPAN_FAULT");
    if (setting == nullptr)
      return;
    const std::string s     = setting;
    const std::string where = s.substr(0, s.find(':'));
    if (where != place)
      return;
    const auto rest = s.find(':') == std::string::npos ? std::string() : s.substr(s.find(':') + 1);
    const int  rank = rest.empty() ? 0 : std::atoi(rest.c_str());
    const bool kill = rest.find(":kill") != std::string::npos;
    int        mine = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &mine);
    if (mine != rank)
      return;
    if (kill)
      std::raise(SIGKILL);
    throw std::runtime_error(std::string("injected fault at ") + place + " on rank " +
                             std::to_string(rank));
  }
} // namespace roofspan
