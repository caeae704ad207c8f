#pragma once

#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * When and how the mesh is repartitioned during a run (`Load balancing`
   * subsection). The cost of a cell is not uniform: a linear elastic cell
   * reuses a cached stiffness matrix, a plastic cell runs a return mapping at
   * every quadrature point in every Newton iteration, and more so where the
   * rock has yielded. Repartitioning with these weights moves cells (and
   * their quadrature-point history) between ranks.
   */
  class LoadBalancing
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &file);

    /// Repartition once the pre-support relaxation is done (the yielded
    /// zone is known), before the bolts are installed.
    bool repartition_at_installation = false;

    /// Relative cost of a cell: 1 for a linear elastic one.
    double nonlinear_cell_cost = 3;
    double yielded_cell_cost   = 1; ///< added for a cell with a yielded point

    /// Integer weight of a cell for p4est (100 per unit of cost).
    unsigned int weight(bool nonlinear, bool yielded) const;
  };
} // namespace roofspan
