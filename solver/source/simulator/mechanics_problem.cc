#include <roofspan/simulator/mechanics_problem.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>

#include <petscmat.h>
#include <petscvec.h>

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
      state.committed_states = state.trial_states;
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
