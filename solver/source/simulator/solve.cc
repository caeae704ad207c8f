#include <roofspan/core/analysis_failure.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/quadrature.h>
#include <deal.II/base/timer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_values.h>

#include <cmath>
#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  std::vector<double> Simulator<dim>::node_coordinates_of_owned_rows() const
  {
    const unsigned int      n_owned = rock_owned_dofs.n_elements();
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
            if (rock_owned_dofs.is_element(dof_indices[i]))
              {
                const unsigned int row = rock_owned_dofs.index_within_set(dof_indices[i]);
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
    // Bolt unknowns (after each rank's rock rows) have no node position;
    // GAMG is not used with them.
    coordinate.resize(locally_owned_dofs.n_elements(), 0.);
    return coordinate;
  }

  template <int dim>
  unsigned int Simulator<dim>::solve(AnalysisState<dim> &state, AssemblyWorkspace &ws)
  {
    PETScWrappers::MPI::Vector delta(locally_owned_dofs, mpi_communicator);
    const unsigned int         iterations = solve_correction(state, ws, ws.system_rhs, delta);
    state.first_newton_iteration          = false;
    state.before_correction               = state.solution;
    state.last_correction                 = delta;
    state.solution += delta;
    state.locally_relevant_solution = state.solution;
    return iterations;
  }

  template <int dim>
  unsigned int Simulator<dim>::solve_correction(const AnalysisState<dim>         &state,
                                                AssemblyWorkspace                &ws,
                                                const PETScWrappers::MPI::Vector &rhs,
                                                PETScWrappers::MPI::Vector       &delta)
  {
    TimerOutput::Scope       t(*computing_timer, "solve");
    LinearSolver::Statistics stats;
    if (use_matrix_free)
      {
        // Built at the first solve, so that its setup is counted as the
        // preconditioner's; one stiffness for every solve of the mesh.
        if (!matrix_free_elasticity)
          {
            matrix_free_elasticity = std::make_unique<MatrixFreeElasticity<dim>>();
            matrix_free_elasticity->setup(
                dof_handler,
                *mapping,
                [this](const DoFHandler<dim> &dofs, AffineConstraints<double> &c) {
                  DoFTools::make_hanging_node_constraints(dofs, c);
                  boundary_conditions.apply(dofs, *mapping, c);
                },
                [this](const types::material_id id) {
                  const ElasticConstants &m = elastic.at(id);
                  return std::make_pair(m.lambda, m.mu);
                },
                linear_solver.smoothing_degree(),
                bolts ? &numbering : nullptr);
            pcout << "  matrix-free operator: " << dof_handler.n_dofs() << " DoFs (Q2), "
                  << matrix_free_elasticity->n_coarse_dofs() << " on the Q1 level (AMG)\n";
          }
        if (plastic)
          matrix_free_elasticity->use_point_tangents(&ws.point_tangents,
                                                     symmetric_tangent,
                                                     ws.tangent_generation);
        const AffineConstraints<double> *prescribed =
            state.first_newton_iteration ? &ws.step_constraints : nullptr;
        if (matrix_free_elasticity->is_coupled())
          {
            // The bolts' part of the Jacobian is system_matrix (assembly.cc).
            // Their constrained rows (imposed collar values) start at zero
            // as the rock's do: distribute() below sets them.
            PETScWrappers::MPI::Vector bolted_rhs(rhs);
            const auto                 range = bolted_rhs.local_range();
            for (const auto &line : constraints.get_lines())
              if (line.index >= range.first && line.index < range.second)
                bolted_rhs(line.index) = 0.;
            bolted_rhs.compress(VectorOperation::insert);
            stats = matrix_free_elasticity->solve_coupled(delta,
                                                          bolted_rhs,
                                                          ws.system_matrix,
                                                          ws.tangent_generation,
                                                          linear_solver.tolerance(),
                                                          linear_solver.maximum_iterations(),
                                                          prescribed);
          }
        else
          stats = matrix_free_elasticity->solve(delta,
                                                rhs,
                                                linear_solver.tolerance(),
                                                linear_solver.maximum_iterations(),
                                                prescribed);
      }
    else
      stats =
          linear_solver.solve(ws.system_matrix, delta, rhs, dim, node_coordinates_of_owned_rows());
    if (!std::isfinite(delta.l2_norm()))
      {
        // Broken data is not the solver's failure.
        if (!std::isfinite(rhs.l2_norm()))
          throw NonFiniteValues("the residual handed to the linear solver is not finite");
        throw LinearSolverFailure(
            "the linear solver (" + stats.method + ") returned a correction that is not finite",
            linear_solver.preconditioner_name() == "direct" ?
                "the direct solver found the tangent singular: check that the boundary "
                "conditions hold the model and that no material is without stiffness" :
                "use 'Linear solver/Preconditioner = direct' (small models) or raise "
                "'Linear solver/Maximum iterations'");
      }
    (state.first_newton_iteration ? ws.step_constraints : constraints).distribute(delta);

    ++n_linear_solves;
    solver_statistics.iterations += stats.iterations;
    solver_statistics.setup_seconds += stats.setup_seconds;
    solver_statistics.solve_seconds += stats.solve_seconds;
    solver_statistics.relative_residual =
        std::max(solver_statistics.relative_residual, stats.relative_residual);
    solver_statistics.fallbacks += stats.fallbacks;
    solver_statistics.factorisations += stats.factorisations;
    if (solver_statistics.method.find(stats.method) == std::string::npos)
      solver_statistics.method += (solver_statistics.method.empty() ? "" : "; ") + stats.method;
    if (n_linear_solves == 1)
      pcout << "  " << stats.method << " + " << preconditioner_description() << ": "
            << stats.iterations << " iterations, true relative residual " << stats.relative_residual
            << "; preconditioner setup " << stats.setup_seconds << " s, solve "
            << stats.solve_seconds << " s\n";
    return stats.iterations;
  }

  void copy_leading_owned(const PETScWrappers::MPI::Vector &from,
                          PETScWrappers::MPI::Vector       &to,
                          const unsigned int                n)
  {
    PetscScalar       *out;
    const PetscScalar *in;
    VecGetArray(to, &out);
    VecGetArrayRead(from, &in);
    std::copy(in, in + n, out);
    VecRestoreArrayRead(from, &in);
    VecRestoreArray(to, &out);
  }

  template <int dim>
  PETScWrappers::MPI::Vector
  Simulator<dim>::rock_part(const PETScWrappers::MPI::Vector &system_vector) const
  {
    PETScWrappers::MPI::Vector owned(rock_owned_dofs, mpi_communicator);
    copy_leading_owned(system_vector, owned, rock_owned_dofs.n_elements());
    PETScWrappers::MPI::Vector rock(rock_owned_dofs, rock_relevant_dofs, mpi_communicator);
    rock = owned;
    return rock;
  }

  template PETScWrappers::MPI::Vector
  Simulator<2>::rock_part(const PETScWrappers::MPI::Vector &) const;
  template PETScWrappers::MPI::Vector
                               Simulator<3>::rock_part(const PETScWrappers::MPI::Vector &) const;
  template unsigned int        Simulator<2>::solve(AnalysisState<2> &, AssemblyWorkspace &);
  template unsigned int        Simulator<2>::solve_correction(const AnalysisState<2> &,
                                                       AssemblyWorkspace &,
                                                       const PETScWrappers::MPI::Vector &,
                                                       PETScWrappers::MPI::Vector &);
  template unsigned int        Simulator<3>::solve_correction(const AnalysisState<3> &,
                                                       AssemblyWorkspace &,
                                                       const PETScWrappers::MPI::Vector &,
                                                       PETScWrappers::MPI::Vector &);
  template unsigned int        Simulator<3>::solve(AnalysisState<3> &, AssemblyWorkspace &);
  template std::vector<double> Simulator<2>::node_coordinates_of_owned_rows() const;
  template std::vector<double> Simulator<3>::node_coordinates_of_owned_rows() const;
} // namespace roofspan
