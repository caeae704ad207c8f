#include <roofspan/simulator/simulator.h>

#include <deal.II/distributed/cell_data_transfer.templates.h>
#include <deal.II/distributed/cell_weights.h>
#include <deal.II/distributed/solution_transfer.h>

#include <petscvec.h>

#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    // A material state as numbers: stress (6 components), yield mode, then
    // the model's history (as many as the point's model keeps).
    constexpr unsigned int fixed_width = 7;

    void pack(const MaterialState &s, std::vector<double> &to)
    {
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = i; j < 3; ++j)
          to.push_back(s.stress[i][j]);
      to.push_back(static_cast<double>(s.mode));
      to.insert(to.end(), s.history.begin(), s.history.end());
    }

    MaterialState unpack(const double *from, const unsigned int history_size)
    {
      MaterialState s;
      unsigned int  k = 0;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = i; j < 3; ++j)
          s.stress[i][j] = from[k++];
      s.mode = static_cast<YieldMode>(static_cast<int>(from[k++]));
      s.history.assign(from + k, from + k + history_size);
      return s;
    }
  } // namespace

  template <int dim>
  void Simulator<dim>::repartition(AnalysisState<dim> &state)
  {
    const unsigned int n_ranks              = Utilities::MPI::n_mpi_processes(mpi_communicator);
    const auto         owned_cells_per_rank = [&]() {
      return Utilities::MPI::all_gather(mpi_communicator,
                                        p4est_mesh.n_locally_owned_active_cells());
    };
    RepartitionRecord record;
    record.cells_before = owned_cells_per_rank();

    // 1. What moves with the cells: the committed displacement (rock part,
    //    ghosted for the transfer), the bolt unknowns (every rank sees them),
    //    and the committed history of each owned cell's quadrature points.
    PETScWrappers::MPI::Vector ghosted(locally_owned_dofs, locally_relevant_dofs, mpi_communicator);
    ghosted = state.committed_solution;
    PETScWrappers::MPI::Vector rock(rock_owned_dofs, rock_relevant_dofs, mpi_communicator);
    {
      PETScWrappers::MPI::Vector owned_rock(rock_owned_dofs, mpi_communicator);
      copy_leading_owned(state.committed_solution, owned_rock, rock_owned_dofs.n_elements());
      rock = owned_rock;
    }
    const std::vector<double> bolt_values = bolts ? bolts->values(ghosted) : std::vector<double>();

    std::vector<std::vector<double>> history(p4est_mesh.n_active_cells());
    unsigned int                     n_yielded_cells = 0;
    for (const auto &cell : p4est_mesh.active_cell_iterators())
      if (cell->is_locally_owned() && plastic)
        {
          auto &packed  = history[cell->active_cell_index()];
          bool  yielded = false;
          for (unsigned int q = 0; q < n_q_points; ++q)
            {
              const MaterialState &history =
                  state.committed_states[cell->active_cell_index() * n_q_points + q];
              pack(history, packed);
              yielded = yielded || history.mode != YieldMode::elastic;
            }
          n_yielded_cells += yielded ? 1 : 0;
        }

    // 2. Weights: what a cell costs in the Newton iterations to come.
    const auto weight = [&](const typename DoFHandler<dim>::cell_iterator &cell,
                            const FiniteElement<dim> &) -> unsigned int {
      if (!cell->is_active())
        return 0;
      const bool nonlinear = !models.at(cell->material_id())->is_linear();
      bool       yielded   = false;
      if (plastic && cell->is_locally_owned())
        for (unsigned int q = 0; q < n_q_points && !yielded; ++q)
          yielded = state.committed_states[cell->active_cell_index() * n_q_points + q].mode !=
                    YieldMode::elastic;
      return load_balancing.weight(nonlinear, yielded);
    };
    {
      parallel::CellWeights<dim> cell_weights(dof_handler, weight);

      parallel::distributed::SolutionTransfer<dim, PETScWrappers::MPI::Vector> displacement(
          dof_handler);
      displacement.prepare_for_coarsening_and_refinement(rock);
      parallel::distributed::CellDataTransfer<dim, dim, std::vector<std::vector<double>>> states(
          p4est_mesh, /*variable size*/ true);
      if (plastic)
        states.prepare_for_coarsening_and_refinement(history);

      p4est_mesh.repartition();

      // 3. Unpack on the new partition and rebuild the system on it.
      if (plastic)
        {
          std::vector<std::vector<double>> moved(p4est_mesh.n_active_cells());
          states.unpack(moved);
          state.committed_states.assign(p4est_mesh.n_active_cells() * n_q_points, MaterialState());
          for (const auto &cell : p4est_mesh.active_cell_iterators())
            if (cell->is_locally_owned())
              {
                const auto        &packed = moved[cell->active_cell_index()];
                const unsigned int width =
                    fixed_width + models.at(cell->material_id())->history_size();
                if (packed.size() != n_q_points * width)
                  throw std::runtime_error("internal error: a cell lost its history in "
                                           "repartitioning");
                for (unsigned int q = 0; q < n_q_points; ++q)
                  state.committed_states[cell->active_cell_index() * n_q_points + q] =
                      unpack(&packed[q * width], width - fixed_width);
              }
          state.trial_states = state.committed_states;
        }

      // The DoFs follow the new partition: setup_system() renumbers them;
      // the state's vectors are laid out anew.
      // After setup_system() the old BoltSet still points at `numbering`,
      // which now numbers the new partition: use only its elements and
      // states (transferred_state), never its unknowns' indices (bolt values
      // were read above, before the renumbering).
      std::unique_ptr<BoltSet<dim>> old_bolts = std::move(bolts);
      setup_system();
      if (old_bolts)
        state.bolts = bolts->transferred_state(*old_bolts, state.bolts);
      PETScWrappers::MPI::Vector moved_rock(rock_owned_dofs, mpi_communicator);
      displacement.interpolate(moved_rock);

      for (auto *v : {&state.solution,
                      &state.committed_solution,
                      &state.last_correction,
                      &state.before_correction})
        v->reinit(locally_owned_dofs, mpi_communicator);
      state.locally_relevant_solution.reinit(locally_owned_dofs,
                                             locally_relevant_dofs,
                                             mpi_communicator);
      // The bolts are the same (bolt, node) on the new partition; their
      // owners may change.
      copy_leading_owned(moved_rock, state.committed_solution, rock_owned_dofs.n_elements());
      if (bolts)
        bolts->set_owned_values(bolt_values, state.committed_solution);
    }
    state.solution                  = state.committed_solution;
    state.locally_relevant_solution = state.solution;

    record.cells_after   = owned_cells_per_rank();
    record.yielded_cells = Utilities::MPI::sum(n_yielded_cells, mpi_communicator);
    repartitions.push_back(record);
    pcout << "  repartitioned by cost (" << record.yielded_cells
          << " yielded cells): cells per rank";
    for (unsigned int r = 0; r < n_ranks; ++r)
      pcout << ' ' << record.cells_before[r] << " -> " << record.cells_after[r];
    pcout << '\n';
  }

  template void Simulator<2>::repartition(AnalysisState<2> &);
  template void Simulator<3>::repartition(AnalysisState<3> &);
} // namespace roofspan
