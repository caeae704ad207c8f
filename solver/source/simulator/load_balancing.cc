#include <roofspan/core/input_error.h>
#include <roofspan/simulator/load_balancing.h>

#include <deal.II/base/parameter_handler.h>

#include <cmath>

namespace roofspan
{
  using namespace dealii;

  void LoadBalancing::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Load balancing");
    prm.declare_entry("Repartition at support installation",
                      "false",
                      Patterns::Bool(),
                      "Repartition the mesh between the pre-support relaxation and the "
                      "installation of the bolts, weighting cells by their cost (below). "
                      "The quadrature-point history (plastic strain, yield mode), the "
                      "displacement and the bolts' state move with their cells.");
    prm.declare_entry("Cost of a nonlinear cell",
                      "3",
                      Patterns::Double(1),
                      "Cost of a cell of a plastic rock unit relative to a linear elastic "
                      "cell (whose stiffness matrix is cached).");
    prm.declare_entry("Cost of yielding",
                      "1",
                      Patterns::Double(0),
                      "Cost added to a cell with at least one yielded quadrature point "
                      "(the return mapping iterates there).");
    prm.leave_subsection();
  }

  void LoadBalancing::parse_parameters(ParameterHandler &prm, const std::string &)
  {
    prm.enter_subsection("Load balancing");
    repartition_at_installation = prm.get_bool("Repartition at support installation");
    nonlinear_cell_cost         = prm.get_double("Cost of a nonlinear cell");
    yielded_cell_cost           = prm.get_double("Cost of yielding");
    prm.leave_subsection();
  }

  unsigned int LoadBalancing::weight(const bool nonlinear, const bool yielded) const
  {
    const double cost = (nonlinear ? nonlinear_cell_cost : 1.) + (yielded ? yielded_cell_cost : 0.);
    return static_cast<unsigned int>(std::lround(100 * cost));
  }
} // namespace roofspan
