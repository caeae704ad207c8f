#include <roofspan/simulator/simulator.h>

#include <deal.II/base/timer.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/mapping_q.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/sparsity_tools.h>

#include <cstdlib>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void Simulator<dim>::make_mesh()
  {
    if (triangulation.n_cells() > 0)
      return;
    Timer timer(mpi_communicator, true);
    geometry->create_coarse_mesh(triangulation);
    timer.stop();
    if (std::getenv("ROOFSPAN_PROFILE_SETUP"))
      pcout << "    mesh/coarse (" << triangulation.n_cells()
            << " cells): " << timer.last_wall_time() << " s\n";
    timer.restart();
    triangulation.refine_global(global_refinements);
    timer.stop();
    if (std::getenv("ROOFSPAN_PROFILE_SETUP"))
      pcout << "    mesh/refine: " << timer.last_wall_time() << " s\n";

    // Curved boundaries need the geometry at the element's order; straight
    // ones are exact with Q1 geometry (and allow cached cell matrices).
    if (geometry->has_curved_boundaries())
      mapping = std::make_unique<MappingQ<dim>>(degree);
    else
      mapping = std::make_unique<MappingQ1<dim>>();
  }

  template <int dim>
  void Simulator<dim>::setup_system()
  {
    TimerOutput::Scope t(*computing_timer, "setup");
    Timer              timer(mpi_communicator, true);

    Timer      step(mpi_communicator, true);
    const auto lap = [&](const char *what) {
      step.stop();
      if (std::getenv("ROOFSPAN_PROFILE_SETUP"))
        pcout << "    setup/" << what << ": " << step.last_wall_time() << " s\n";
      step.restart();
    };
    fe = std::make_unique<FESystem<dim>>(FE_Q<dim>(degree), dim);
    dof_handler.distribute_dofs(*fe);
    // No renumbering: deal.II numbers the dim components of each node
    // consecutively, which the AMG block size relies on (checked in solve.cc).
    lap("distribute dofs");
    locally_owned_dofs = dof_handler.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_handler, locally_relevant_dofs);

    constraints.clear();
    constraints.reinit(locally_relevant_dofs);
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    boundary_conditions.apply(dof_handler, *mapping, constraints);
    constraints.close();
    lap("constraints");

    {
      // Scoped: the dynamic pattern is freed once the matrix exists.
      DynamicSparsityPattern dsp(locally_relevant_dofs);
      DoFTools::make_sparsity_pattern(dof_handler, dsp, constraints, false);
      SparsityTools::distribute_sparsity_pattern(dsp,
                                                 locally_owned_dofs,
                                                 mpi_communicator,
                                                 locally_relevant_dofs);
      lap("sparsity pattern");
      system_matrix.create(locally_owned_dofs,
                           dsp,
                           linear_solver.block_size(dim),
                           mpi_communicator);
    }
    lap("matrix");
    system_rhs.reinit(locally_owned_dofs, mpi_communicator);
    locally_relevant_solution.reinit(locally_owned_dofs, locally_relevant_dofs, mpi_communicator);

    timer.stop();
    setup_seconds = timer.last_wall_time();
    pcout << "  mesh: " << triangulation.n_global_active_cells() << " cells, "
          << dof_handler.n_dofs() << " DoFs; setup " << setup_seconds << " s\n";
  }

  template void Simulator<2>::make_mesh();
  template void Simulator<3>::make_mesh();
  template void Simulator<2>::setup_system();
  template void Simulator<3>::setup_system();
} // namespace roofspan
