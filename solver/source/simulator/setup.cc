#include <roofspan/core/phase_profile.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/timer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping_q.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <iostream>
#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void Simulator<dim>::make_mesh()
  {
    if (triangulation.n_cells() > 0)
      return;
    PhaseProfile profile(mpi_communicator, std::cout, "mesh");
    geometry->create_coarse_mesh(triangulation);
    profile.lap("coarse (" + std::to_string(triangulation.n_cells()) + " cells)");
    triangulation.refine_global(global_refinements);
    profile.lap("refine");

    // Curved boundaries need the geometry at the element's order; straight
    // ones are exact with Q1 geometry (and allow cached cell matrices).
    if (geometry->has_curved_boundaries())
      mapping = std::make_unique<MappingQ<dim>>(degree);
    else
      mapping = std::make_unique<MappingQ1<dim>>();
  }

  template <int dim>
  void Simulator<dim>::validate()
  {
    make_mesh();
    if (!bolt_pattern.present())
      return;
    fe = std::make_unique<FESystem<dim>>(FE_Q<dim>(degree), dim);
    dof_handler.distribute_dofs(*fe);
    BoltSet<dim>(bolt_pattern, case_file, mpi_communicator)
        .locate(dof_handler, *mapping, dof_handler.n_dofs());
  }

  template <int dim>
  void Simulator<dim>::setup_system()
  {
    TimerOutput::Scope t(*computing_timer, "setup");
    Timer              timer(mpi_communicator, true);

    PhaseProfile profile(mpi_communicator, std::cout, "setup");
    const auto   lap = [&](const char *what) { profile.lap(what); };
    fe               = std::make_unique<FESystem<dim>>(FE_Q<dim>(degree), dim);
    dof_handler.distribute_dofs(*fe);
    // No renumbering: deal.II numbers the dim components of each node
    // consecutively, which the AMG block size relies on (checked in solve.cc).
    lap("distribute dofs");
    rock_owned_dofs = dof_handler.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_handler, rock_relevant_dofs);

    // Bolt unknowns follow the rock's: owned by the last rank (contiguous
    // PETSc ownership), ghosts everywhere else.
    const types::global_dof_index n_rock  = dof_handler.n_dofs();
    types::global_dof_index       n_total = n_rock;
    if (bolt_pattern.present())
      {
        bolts = std::make_unique<BoltSet<dim>>(bolt_pattern, case_file, mpi_communicator);
        bolts->locate(dof_handler, *mapping, n_rock);
        n_total += bolts->n_dofs();
        lap("bolts");
      }
    const auto extend = [&](const IndexSet &rock, const bool owned) {
      IndexSet set(n_total);
      set.add_indices(rock);
      const bool last_rank = Utilities::MPI::this_mpi_process(mpi_communicator) + 1 ==
                             Utilities::MPI::n_mpi_processes(mpi_communicator);
      if (bolts && (!owned || last_rank))
        set.add_indices(bolts->dof_index_set(n_total));
      set.compress();
      return set;
    };
    locally_owned_dofs    = extend(rock_owned_dofs, true);
    locally_relevant_dofs = extend(rock_relevant_dofs, false);

    // Newton corrections satisfy homogeneous constraints; the prescribed
    // values (scaled by the load factor) are kept apart, see impose_values().
    {
      AffineConstraints<double> full(locally_relevant_dofs);
      DoFTools::make_hanging_node_constraints(dof_handler, full);
      boundary_conditions.apply(dof_handler, *mapping, full);
      full.close();
      constraints.clear();
      constraints.reinit(locally_relevant_dofs);
      prescribed_values.clear();
      for (const auto &line : full.get_lines())
        {
          constraints.add_line(line.index);
          constraints.add_entries(line.index, line.entries);
          if (line.inhomogeneity != 0)
            {
              if (!line.entries.empty())
                throw std::runtime_error("internal error: inhomogeneous constraint with entries");
              prescribed_values.push_back({line.index, line.inhomogeneity, false});
            }
        }
      if (bolts)
        for (const auto &[index, value] : bolts->imposed_collar_values())
          {
            constraints.add_line(index);
            prescribed_values.push_back({index, value, true});
          }
      constraints.close();
    }
    lap("constraints");

    {
      // Scoped: the dynamic pattern is freed once the matrix exists.
      DynamicSparsityPattern               dsp(locally_relevant_dofs);
      std::vector<types::global_dof_index> dof_indices(fe->n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            cell->get_dof_indices(dof_indices);
            constraints.add_entries_local_to_global(dof_indices, dsp, false);
          }
      if (bolts)
        bolts->add_sparsity(dsp, constraints);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 locally_owned_dofs,
                                                 mpi_communicator,
                                                 locally_relevant_dofs);
      lap("sparsity pattern");
      system_matrix.keep_pattern(bolts != nullptr || plastic);
      bool symmetric = true;
      for (const auto &[id, model] : models)
        symmetric = symmetric && model->has_symmetric_tangent();
      system_matrix.set_symmetric(symmetric);
      system_matrix.create(locally_owned_dofs,
                           dsp,
                           linear_solver.block_size(dim),
                           mpi_communicator);
    }
    lap("matrix");
    system_rhs.reinit(locally_owned_dofs, mpi_communicator);
    internal_force.reinit(locally_owned_dofs, mpi_communicator);
    external_force.reinit(locally_owned_dofs, mpi_communicator);
    solution.reinit(locally_owned_dofs, mpi_communicator);
    committed_solution.reinit(locally_owned_dofs, mpi_communicator);
    last_correction.reinit(locally_owned_dofs, mpi_communicator);
    before_correction.reinit(locally_owned_dofs, mpi_communicator);
    locally_relevant_solution.reinit(locally_owned_dofs, locally_relevant_dofs, mpi_communicator);
    rock_solution.reinit(rock_owned_dofs, rock_relevant_dofs, mpi_communicator);

    timer.stop();
    setup_seconds += timer.last_wall_time(); // again after each repartitioning
    pcout << "  mesh: " << triangulation.n_global_active_cells() << " cells, "
          << dof_handler.n_dofs() << " DoFs"
          << (bolts ? " + " + std::to_string(bolts->n_dofs()) + " bolt unknowns (" +
                          std::to_string(bolts->n_elements()) + " bolt elements)" :
                      std::string())
          << "; setup " << timer.last_wall_time() << " s\n";
  }

  template void Simulator<2>::validate();
  template void Simulator<3>::validate();
  template void Simulator<2>::make_mesh();
  template void Simulator<3>::make_mesh();
  template void Simulator<2>::setup_system();
  template void Simulator<3>::setup_system();
} // namespace roofspan
