#pragma once

#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/vector.h>

#include <string>

namespace roofspan
{
  /**
   * The mechanism at a factor of safety's limit, for ParaView: the last
   * stable increment's displacement (the mechanism forming) and the yield
   * state there. The continuation fills it; mechanism_<name>_00.pvtu shows
   * it, mechanism.pvd orders the limits by F.
   */
  template <int dim>
  struct MechanismFields
  {
    std::string                        name; ///< "bolted" or "unbolted"
    double                             factor = 0;
    dealii::PETScWrappers::MPI::Vector last_increment; ///< rock DoFs, ghosted
    dealii::Vector<float>              yield_state;    ///< per active cell
  };
} // namespace roofspan
