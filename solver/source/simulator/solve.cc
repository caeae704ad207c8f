#include <roofspan/simulator/simulator.h>

#include <deal.II/base/quadrature.h>
#include <deal.II/base/timer.h>
#include <deal.II/fe/fe_values.h>

#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  std::vector<double> Simulator<dim>::node_coordinates_of_owned_rows() const
  {
    const unsigned int      n_owned = locally_owned_dofs.n_elements();
    std::vector<double>     coordinate(n_owned, 0.);
    std::vector<int>        comp(n_owned, -1);
    std::vector<Point<dim>> where(n_owned);

    const Quadrature<dim> support(fe->get_unit_support_points());
    FEValues<dim>         fe_values(*mapping, *fe, support, update_quadrature_points);
    std::vector<types::global_dof_index> dof_indices(fe->n_dofs_per_cell());
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          cell->get_dof_indices(dof_indices);
          for (unsigned int i = 0; i < dof_indices.size(); ++i)
            if (locally_owned_dofs.is_element(dof_indices[i]))
              {
                const unsigned int row = locally_owned_dofs.index_within_set(dof_indices[i]);
                const unsigned int c   = fe->system_to_component_index(i).first;
                comp[row]              = c;
                where[row]             = fe_values.quadrature_point(i);
                coordinate[row]        = where[row][c];
              }
        }
    // Every owned DoF lies on an owned cell; check the node-block layout.
    bool ok = n_owned % dim == 0;
    for (unsigned int row = 0; ok && row < n_owned; ++row)
      ok = comp[row] == int(row % dim) &&
           where[row].distance(where[row - row % dim]) < 1e-12 * (1 + where[row].norm());
    if (!ok)
      throw std::runtime_error("internal error: DoFs are not numbered in node blocks "
                               "of dim; the AMG block size would be wrong");
    return coordinate;
  }

  template <int dim>
  void Simulator<dim>::solve()
  {
    TimerOutput::Scope         t(*computing_timer, "solve");
    PETScWrappers::MPI::Vector solution(locally_owned_dofs, mpi_communicator);
    solver_statistics = linear_solver.solve(
        system_matrix, solution, system_rhs, dim, node_coordinates_of_owned_rows());
    constraints.distribute(solution);
    locally_relevant_solution = solution;
    pcout << "  CG + " << linear_solver.preconditioner_name() << ": "
          << solver_statistics.iterations << " iterations, true relative residual "
          << solver_statistics.relative_residual << "; AMG setup "
          << solver_statistics.setup_seconds << " s, CG " << solver_statistics.solve_seconds
          << " s\n";
  }

  template void                Simulator<2>::solve();
  template void                Simulator<3>::solve();
  template std::vector<double> Simulator<2>::node_coordinates_of_owned_rows() const;
  template std::vector<double> Simulator<3>::node_coordinates_of_owned_rows() const;
} // namespace roofspan
