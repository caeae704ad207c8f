#include <roofspan/simulator/mechanics_problem.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/array_view.h>
#include <deal.II/base/mpi.h>

#include <petscmat.h>
#include <petscvec.h>

#include <cmath>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  MechanicsProblem<dim>::MechanicsProblem(Simulator<dim> &model, AnalysisState<dim> &state)
      : MechanicsProblem(model, state, *model.workspace)
  {
  }

  template <int dim>
  MechanicsProblem<dim>::MechanicsProblem(Simulator<dim>     &model,
                                          AnalysisState<dim> &state,
                                          AssemblyWorkspace  &workspace)
      : model(model)
      , state(state)
      , workspace(workspace)
  {
  }

  template <int dim>
  void MechanicsProblem<dim>::prepare_step(const double load)
  {
    model.prepare_step(state, workspace, load);
  }

  template <int dim>
  std::pair<double, double> MechanicsProblem<dim>::residual(const double load)
  {
    last_load = load;
    return model.assemble_system(state, workspace, load, false);
  }

  template <int dim>
  void MechanicsProblem<dim>::jacobian(const double load)
  {
    // The tangent's assembly updates the points again: the same trial
    // state, and the residual comes out unchanged.
    last_load = load;
    model.assemble_system(state, workspace, load, true);
  }

  template <int dim>
  std::pair<double, double> MechanicsProblem<dim>::residual_and_jacobian(const double load)
  {
    last_load = load;
    return model.assemble_system(state, workspace, load, true);
  }

  template <int dim>
  unsigned int MechanicsProblem<dim>::solve_and_update()
  {
    return model.solve(state, workspace);
  }

  template <int dim>
  void MechanicsProblem<dim>::set_step_length(const double alpha)
  {
    state.solution = state.before_correction;
    state.solution.add(alpha, state.last_correction);
    state.locally_relevant_solution = state.solution;
  }

  template <int dim>
  void MechanicsProblem<dim>::commit()
  {
    state.committed_solution = state.solution;
    state.committed_load     = last_load;
    if (model.plastic)
      {
        stresses_before_last.resize(state.committed_states.size());
        for (std::size_t q = 0; q < state.committed_states.size(); ++q)
          stresses_before_last[q] = state.committed_states[q].stress;
        state.committed_states = state.trial_states;
      }
    if (model.bolts)
      {
        model.bolts->commit_state(state.bolts);
        if (state.bolts.installed)
          collar_forces.push_back(model.bolts->collar_forces(state.bolts));
      }
  }

  template <int dim>
  void MechanicsProblem<dim>::revert()
  {
    state.solution                  = state.committed_solution;
    state.locally_relevant_solution = state.solution;
    if (model.bolts)
      model.bolts->revert_state(state.bolts);
  }

  template <int dim>
  void MechanicsProblem<dim>::save_iterate()
  {
    watchdog_iterate = state.before_correction;
  }

  template <int dim>
  void MechanicsProblem<dim>::restore_iterate()
  {
    state.solution                  = watchdog_iterate;
    state.locally_relevant_solution = state.solution;
  }

  template <int dim>
  bool MechanicsProblem<dim>::is_linear() const
  {
    return linear_stage;
  }

  template <int dim>
  double MechanicsProblem<dim>::step_error(const double previous_increment,
                                           const double increment) const
  {
    if (!model.plastic || linear_stage || previous_increment <= 0 || increment <= 0 ||
        stresses_before_last.size() != state.committed_states.size() ||
        state.trial_states.size() != state.committed_states.size())
      return -1;
    // Backward Euler's local error is (increment / (increment + previous))
    // times the distance between its result and the linear extrapolation of
    // the last two states (both are second order in the path's curvature).
    // Measured against the stresses themselves (root mean square over the
    // points): against the step's own change it stays constant as steps
    // shrink where points change branch (a kink makes the error first
    // order), and the increments fell to 1e-3 of the load (measured).
    const double ratio    = increment / previous_increment;
    double       local[3] = {0, 0, 0};
    for (std::size_t q = 0; q < state.trial_states.size(); ++q)
      {
        const SymmetricTensor<2, 3> &now       = state.trial_states[q].stress;
        const SymmetricTensor<2, 3> &last      = state.committed_states[q].stress;
        const SymmetricTensor<2, 3>  predicted = last + ratio * (last - stresses_before_last[q]);
        local[0] += scalar_product(now - predicted, now - predicted);
        local[1] += scalar_product(now, now);
        local[2] += scalar_product(stresses_before_last[q], stresses_before_last[q]);
      }
    double global[3];
    Utilities::MPI::sum(ArrayView<const double>(local, 3),
                        model.mpi_communicator,
                        ArrayView<double>(global, 3));
    // No stresses before the last state: the points were never updated
    // (the in-situ state before a path's first step), no extrapolation.
    if (global[2] <= 0)
      return -1;
    if (global[1] <= 0)
      return 0;
    return increment / (increment + previous_increment) * std::sqrt(global[0] / global[1]);
  }

  template <int dim>
  double MechanicsProblem<dim>::displacement() const
  {
    return model.max_displacement(state);
  }

  template <int dim>
  std::string MechanicsProblem<dim>::non_finite_place() const
  {
    // The first rank that saw a failed point update names it.
    for (const std::string &place :
         Utilities::MPI::all_gather(model.mpi_communicator, workspace.local_failure_place))
      if (!place.empty())
        return place;
    return std::string();
  }

  template <int dim>
  void MechanicsProblem<dim>::after_correction()
  {
    if (model.jacobian_check_enabled)
      model.check_jacobian(state, workspace, last_load);
  }

  template <int dim>
  Vec MechanicsProblem<dim>::solution_vector()
  {
    return state.solution;
  }

  template <int dim>
  void MechanicsProblem<dim>::solution_changed()
  {
    state.locally_relevant_solution = state.solution;
  }

  template <int dim>
  Vec MechanicsProblem<dim>::residual_vector()
  {
    return workspace.system_rhs;
  }

  template <int dim>
  void MechanicsProblem<dim>::apply_tangent(Vec x, Vec y)
  {
    if (!model.use_matrix_free)
      {
        MatMult(workspace.system_matrix, x, y);
        return;
      }
    PETScWrappers::MPI::Vector in(model.locally_owned_dofs, model.mpi_communicator), out(in);
    VecCopy(x, in);
    model.matrix_free_elasticity->vmult(out, in); // the rock rows
    if (model.bolts)
      MatMultAdd(workspace.system_matrix, in, out, out); // the bolts' part (assembly.cc)
    VecCopy(out, y);
  }

  template <int dim>
  unsigned int MechanicsProblem<dim>::solve_correction(Vec rhs, Vec result)
  {
    PETScWrappers::MPI::Vector b(model.locally_owned_dofs, model.mpi_communicator), x(b);
    VecCopy(rhs, b);
    const unsigned int iterations = model.solve_correction(state, workspace, b, x);
    VecCopy(x, result);
    return iterations;
  }

  template class MechanicsProblem<2>;
  template class MechanicsProblem<3>;
} // namespace roofspan
