#pragma once

#include <roofspan/simulator/analysis_state.h>
#include <roofspan/simulator/assembly_workspace.h>
#include <roofspan/solvers/nonlinear_problem.h>

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/lac/petsc_vector.h>

#include <vector>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /**
   * The mechanics of the model on one AnalysisState, as NonlinearSolver sees
   * it: the path parameter is the excavation's load factor, the residual is
   * load * f_ext - f_int (rock and bolts), the tangent the consistent one of
   * the rock models and bolt laws. The state is the caller's and must
   * outlive the problem; the model (mesh, DoFs, constraints, materials,
   * bolts) is the simulator's; what an evaluation writes goes into an
   * AssemblyWorkspace.
   *
   * An analysis that moves along another parameter (the strength-reduction
   * factor) or watches the converged steps (the field series) derives from
   * it and overrides what it changes.
   */
  template <int dim>
  class MechanicsProblem : public NonlinearProblem
  {
  public:
    /// Evaluates into the model's workspace.
    MechanicsProblem(Simulator<dim> &model, AnalysisState<dim> &state);
    /// Evaluates into `workspace` (laid out by Simulator::make_workspace),
    /// which must outlive the problem.
    MechanicsProblem(Simulator<dim>     &model,
                     AnalysisState<dim> &state,
                     AssemblyWorkspace  &workspace);

    void                      prepare_step(double load) override;
    std::pair<double, double> residual(double load) override;
    void                      jacobian(double load) override;
    /// One assembly pass: the tangent is most of a plastic point's work,
    /// the residual comes with it.
    std::pair<double, double> residual_and_jacobian(double load) override;
    unsigned int              solve_and_update() override;
    void                      set_step_length(double alpha) override;
    /// Also keeps the bolts' collar forces of the committed state.
    void commit() override;
    void revert() override;
    bool can_restore_iterate() const override
    {
      return true;
    }
    void save_iterate() override;
    void restore_iterate() override;
    bool is_linear() const override;
    /// From the stresses at the points: the state committed before the
    /// last one is kept at every commit for it.
    double      step_error(double previous_increment, double increment) const override;
    double      displacement() const override;
    std::string non_finite_place() const override;
    void        after_correction() override;

    _p_Vec      *solution_vector() override;
    void         solution_changed() override;
    _p_Vec      *residual_vector() override;
    void         apply_tangent(_p_Vec *x, _p_Vec *y) override;
    unsigned int solve_correction(_p_Vec *rhs, _p_Vec *result) override;

    /// A stage the model takes as linear (elastic rock, no bolts yet).
    void set_linear(bool linear)
    {
      linear_stage = linear;
    }

    /// The bolts' collar forces at each commit since the last clear().
    std::vector<std::vector<double>> collar_forces;

    /// The parameter of the last evaluation.
    double trial_load() const
    {
      return last_load;
    }

  protected:
    Simulator<dim>     &model;
    AnalysisState<dim> &state;
    AssemblyWorkspace  &workspace;

  private:
    double                             last_load    = 0;
    bool                               linear_stage = false;
    dealii::PETScWrappers::MPI::Vector watchdog_iterate;
    /// The points' stresses in the state committed before the last commit.
    std::vector<dealii::SymmetricTensor<2, 3>> stresses_before_last;
  };
} // namespace roofspan
