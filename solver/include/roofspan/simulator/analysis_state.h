#pragma once

#include <roofspan/bolts/bolt_set.h>
#include <roofspan/materials/constitutive_model.h>
#include <roofspan/solvers/nonlinear_solver.h>

#include <deal.II/lac/petsc_vector.h>

#include <string>
#include <vector>

namespace roofspan
{
  /// The record of one stage of an analysis (for the summary).
  struct StageRecord
  {
    std::string                        name;
    double                             from = 0, to = 0;
    std::vector<NonlinearSolver::Step> steps;
    std::vector<std::vector<double>>   collar_forces; ///< per step, per bolt [N]
    double                             roof_sag = 0;  ///< at mid-span, end of the stage
  };

  /**
   * What one analysis changes, apart from the model it runs on (Simulator:
   * mesh, DoFs, constraints, materials, bolt layout, and the assembly
   * workspace). The analysis at F = 1, each strength-reduction trial (and
   * later each sample of a probabilistic run) owns one; residual and tangent
   * are evaluated for a given state, so a trial never touches the state of
   * the analysis it was started beside.
   *
   * Vectors and histories are laid out on the model's current partition;
   * Simulator::make_state() builds the in-situ state (nothing excavated).
   */
  template <int dim>
  struct AnalysisState
  {
    StrengthFactor strength;                 ///< F (shear strengths divided by F), Davis or not
    bool           support_installed = true; ///< false: bolts stay idle (unbolted FoS)

    /// Load factor of the last converged (committed) state.
    double committed_load = 0;

    dealii::PETScWrappers::MPI::Vector solution;                  ///< owned, trial
    dealii::PETScWrappers::MPI::Vector committed_solution;        ///< owned
    dealii::PETScWrappers::MPI::Vector locally_relevant_solution; ///< ghosted trial

    /// Newton's current correction and the iterate it started from (the
    /// line search moves along it).
    dealii::PETScWrappers::MPI::Vector last_correction, before_correction;
    /// The first correction of a load step carries the increments of the
    /// prescribed values.
    bool first_newton_iteration = true;

    /// Material history per quadrature point of the locally owned cells
    /// (active cell index x points per cell): committed and trial.
    std::vector<MaterialState> committed_states, trial_states;

    typename BoltSet<dim>::State bolts; ///< empty without bolts

    std::vector<StageRecord> stages;
  };
} // namespace roofspan
