#include <roofspan/simulator/simulator.h>
#include <roofspan/simulator/staged_excavation.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>

#include <petscvec.h>

#include <cmath>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  double Simulator<dim>::prescribed_value(const AnalysisState<dim> &state,
                                          const double              value,
                                          const bool                bolt_stage,
                                          const double              load) const
  {
    // Displacement boundaries follow the excavation load; an imposed
    // pull-out follows the bolt stage (zero at installation).
    if (!bolt_stage)
      return load * value;
    if (!bolts || !state.bolts.installed)
      return 0;
    const double alpha = bolt_pattern.installation_relaxation;
    return std::max(0., (load - alpha) / (1 - alpha)) * value;
  }

  template <int dim>
  void
  Simulator<dim>::prepare_step(AnalysisState<dim> &state, AssemblyWorkspace &ws, const double load)
  {
    state.solution                  = state.committed_solution;
    state.locally_relevant_solution = state.solution;
    ws.step_constraints.copy_from(constraints);
    for (const PrescribedValue &p : prescribed_values)
      ws.step_constraints.set_inhomogeneity(
          p.index,
          prescribed_value(state, p.value, p.bolt_stage, load) -
              prescribed_value(state, p.value, p.bolt_stage, state.committed_load));
    state.first_newton_iteration = true;
  }

  template <int dim>
  AnalysisState<dim> Simulator<dim>::make_state(const StrengthFactor &strength,
                                                const bool            support_installed) const
  {
    AnalysisState<dim> state;
    state.strength          = strength;
    state.support_installed = support_installed;
    state.solution.reinit(locally_owned_dofs, mpi_communicator);
    state.committed_solution.reinit(locally_owned_dofs, mpi_communicator);
    state.last_correction.reinit(locally_owned_dofs, mpi_communicator);
    state.before_correction.reinit(locally_owned_dofs, mpi_communicator);
    state.locally_relevant_solution.reinit(locally_owned_dofs,
                                           locally_relevant_dofs,
                                           mpi_communicator);
    if (plastic)
      {
        // Each point's history as its model sizes it.
        state.committed_states.assign(mesh->n_active_cells() * n_q_points, MaterialState());
        for (const auto &cell : mesh->active_cell_iterators())
          if (cell->is_locally_owned())
            for (unsigned int q = 0; q < n_q_points; ++q)
              state.committed_states[cell->active_cell_index() * n_q_points + q].history.assign(
                  models.at(cell->material_id())->history_size(), 0.);
        state.trial_states = state.committed_states;
      }
    if (bolts)
      state.bolts = bolts->initial_state(strength.factor);
    return state;
  }

  template <int dim>
  double Simulator<dim>::max_displacement(const AnalysisState<dim> &state) const
  {
    // Node values of the rock unknowns: dim consecutive entries per node.
    const PetscScalar *u;
    VecGetArrayRead(state.solution, &u);
    double             largest = 0;
    const unsigned int n       = rock_owned_dofs.n_elements();
    for (unsigned int i = 0; i + dim <= n; i += dim)
      {
        double sq = 0;
        for (unsigned int d = 0; d < dim; ++d)
          sq += u[i + d] * u[i + d];
        largest = std::max(largest, std::sqrt(sq));
      }
    VecRestoreArrayRead(state.solution, &u);
    return Utilities::MPI::max(largest, mpi_communicator);
  }

  template <int dim>
  double Simulator<dim>::roof_sag_now(const AnalysisState<dim> &state) const
  {
    if (!geometry->roof.present)
      return 0;
    // The vertical displacement at the mid-span roof point, from the owner
    // of a cell that has it as a vertex (the built-in meshes put one there).
    const Point<dim>                    &p   = geometry->roof.mid_span;
    double                               sag = 0, found = 0;
    std::vector<types::global_dof_index> indices(fe->n_dofs_per_cell());
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && found == 0)
        for (const unsigned int v : cell->vertex_indices())
          if (cell->vertex(v).distance(p) < 1e-9 * (1 + p.norm()))
            {
              const types::global_dof_index index =
                  numbering.of_rock(cell->vertex_dof_index(v, dim - 1));
              std::vector<types::global_dof_index> one{index};
              std::vector<double>                  value(1);
              state.locally_relevant_solution.extract_subvector_to(one, value);
              sag   = -value[0];
              found = 1;
              break;
            }
    const double n_found = Utilities::MPI::sum(found, mpi_communicator);
    return n_found > 0 ? Utilities::MPI::sum(sag, mpi_communicator) / n_found : 0.;
  }

  template <int dim>
  StrengthReduction::Trial Simulator<dim>::analyse_reduced(const StrengthFactor &strength,
                                                           const bool            support_installed,
                                                           AnalysisState<dim>   *final_state)
  {
    StrengthReduction::Trial trial;
    AnalysisState<dim>       state      = make_state(strength, support_installed);
    const bool               was_active = pcout.is_active();
    pcout.set_condition(was_active && strength_reduction.log_trials);
    try
      {
        StagedExcavation<dim>(*this).run(state, false);
        trial.converged = true;
      }
    catch (const NoEquilibrium &e)
      {
        // The physical verdict. A stalled Newton is recorded apart (below);
        // every other failure (linear solver, non-finite values) ends the run.
        trial.converged    = false;
        trial.note         = e.what();
        trial.load_reached = e.evidence.load_reached;
      }
    catch (const NewtonStalled &e)
      {
        // Not a verdict on the roof: recorded as such, so that a factor of
        // safety bounded by a stalled trial says so (failure_criterion).
        trial.converged    = false;
        trial.failure      = "Newton stalled";
        trial.note         = e.what();
        trial.load_reached = e.evidence.load_reached;
      }
    catch (...)
      {
        pcout.set_condition(was_active);
        throw;
      }
    pcout.set_condition(was_active);
    trial.max_displacement = max_displacement(state);
    if (final_state)
      *final_state = std::move(state);
    return trial;
  }

  template StrengthReduction::Trial
  Simulator<2>::analyse_reduced(const StrengthFactor &, bool, AnalysisState<2> *);
  template StrengthReduction::Trial
                  Simulator<3>::analyse_reduced(const StrengthFactor &, bool, AnalysisState<3> *);
  template double Simulator<2>::max_displacement(const AnalysisState<2> &) const;
  template double Simulator<3>::max_displacement(const AnalysisState<3> &) const;
  template double Simulator<2>::roof_sag_now(const AnalysisState<2> &) const;
  template double Simulator<3>::roof_sag_now(const AnalysisState<3> &) const;
  template void   Simulator<2>::prepare_step(AnalysisState<2> &, AssemblyWorkspace &, double);
  template void   Simulator<3>::prepare_step(AnalysisState<3> &, AssemblyWorkspace &, double);
  template AnalysisState<2> Simulator<2>::make_state(const StrengthFactor &, bool) const;
  template AnalysisState<3> Simulator<3>::make_state(const StrengthFactor &, bool) const;
} // namespace roofspan
