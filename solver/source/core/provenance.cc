#include <roofspan/core/provenance.h>

#include <deal.II/base/config.h>

#include <petscversion.h>

#include <chrono>
#include <ctime>
#include <sstream>

#include <roofspan_revision.h>
#include <unistd.h>

#if __has_include(<HYPRE_config.h>)
#  include <HYPRE_config.h>
#endif
#if __has_include(<dmumps_c.h>)
#  include <dmumps_c.h>
#endif

namespace roofspan
{
  namespace
  {
    std::string mpi_library()
    {
      char text[MPI_MAX_LIBRARY_VERSION_STRING];
      int  length = 0;
      MPI_Get_library_version(text, &length);
      std::string s(text, length);
      const auto  end = s.find_first_of(",\n");
      return end == std::string::npos ? s : s.substr(0, end);
    }
  } // namespace

  nlohmann::json Provenance::collect()
  {
    nlohmann::json p;
    p["roofspan"]     = ROOFSPAN_VERSION;
    p["git_revision"] = ROOFSPAN_GIT_REVISION;
    p["deal.II"]      = DEAL_II_PACKAGE_VERSION;
    p["PETSc"] = std::to_string(PETSC_VERSION_MAJOR) + "." + std::to_string(PETSC_VERSION_MINOR) +
                 "." + std::to_string(PETSC_VERSION_SUBMINOR);
#ifdef HYPRE_RELEASE_VERSION
    p["hypre"] = HYPRE_RELEASE_VERSION;
#endif
#ifdef MUMPS_VERSION
    p["MUMPS"] = MUMPS_VERSION;
#endif
    p["MPI"]       = mpi_library();
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) == 0)
      p["host"] = host;
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char              stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    p["started"] = stamp;
    return p;
  }

  std::string Provenance::describe()
  {
    const auto         p = collect();
    std::ostringstream s;
    s << "roofspan " << p["roofspan"].get<std::string>() << " (git "
      << p["git_revision"].get<std::string>() << ")\n";
    for (const char *key : {"deal.II", "PETSc", "hypre", "MUMPS", "MPI"})
      if (p.contains(key))
        s << "  " << key << ' ' << p[key].get<std::string>() << '\n';
    return s.str();
  }
} // namespace roofspan
