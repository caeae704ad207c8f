#include <roofspan/core/model_size.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include <unistd.h>

namespace roofspan
{
  namespace
  {
    constexpr double gib = 1024. * 1024. * 1024.;

    bool parse_gib(const std::string &setting, double &value)
    {
      char *end = nullptr;
      value     = std::strtod(setting.c_str(), &end);
      while (end != nullptr && *end == ' ')
        ++end;
      return end != setting.c_str() && end != nullptr && *end == '\0' && std::isfinite(value) &&
             value > 0;
    }
  } // namespace

  ModelSize ModelSize::estimate(const double       coarse_cells,
                                const unsigned int refinements,
                                const unsigned int dim,
                                const unsigned int degree,
                                const unsigned int ranks)
  {
    ModelSize size;
    size.cells            = coarse_cells * std::pow(2., double(dim * refinements));
    size.dofs             = size.cells * dim * std::pow(double(degree), double(dim));
    const double per_dof  = dim == 2 ? 2.5e3 : 3.4e3;
    const double per_rank = 150e6;
    size.bytes            = ranks * per_rank + size.dofs * per_dof;
    return size;
  }

  std::string ModelSize::describe() const
  {
    std::ostringstream s;
    s.precision(2);
    s << cells << " cells, " << dofs << " DoFs, about ";
    s.precision(3);
    s << bytes / gib << " GiB";
    return s.str();
  }

  bool valid_memory_limit(const std::string &setting)
  {
    double value = 0;
    return setting == "auto" || setting == "none" || parse_gib(setting, value);
  }

  double memory_limit_bytes(const std::string &setting, MPI_Comm comm)
  {
    double value = 0;
    if (setting == "none")
      return std::numeric_limits<double>::infinity();
    if (parse_gib(setting, value))
      return value * gib;
    // "auto": one rank per node adds its node's physical memory.
    MPI_Comm node;
    MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    int node_rank = 0;
    MPI_Comm_rank(node, &node_rank);
    MPI_Comm_free(&node);
    const double mine =
        node_rank == 0 ? double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE)) : 0.;
    double total = 0;
    MPI_Allreduce(&mine, &total, 1, MPI_DOUBLE, MPI_SUM, comm);
    return total > 0 ? total : std::numeric_limits<double>::infinity();
  }
} // namespace roofspan
