#pragma once

#include <roofspan/analysis/strength_reduction.h>
#include <roofspan/bolts/bolt_pattern.h>
#include <roofspan/bolts/bolt_set.h>
#include <roofspan/core/phase_profile.h>
#include <roofspan/geometry/model_geometry.h>
#include <roofspan/loads/boundary_conditions.h>
#include <roofspan/loads/in_situ_stress.h>
#include <roofspan/materials/branch_table.h>
#include <roofspan/materials/constitutive_model.h>
#include <roofspan/materials/material_library.h>
#include <roofspan/simulator/analysis_state.h>
#include <roofspan/simulator/assembly_workspace.h>
#include <roofspan/simulator/field_series_recorder.h>
#include <roofspan/simulator/load_balancing.h>
#include <roofspan/simulator/point_evaluation.h>
#include <roofspan/simulator/telltale_settings.h>
#include <roofspan/solvers/linear_solver.h>
#include <roofspan/solvers/matrix_free_elasticity.h>
#include <roofspan/solvers/nonlinear_solver.h>
#include <roofspan/solvers/system_matrix.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/data_out_base.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/fully_distributed_tria.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>
#include <deal.II/lac/vector.h>

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace roofspan
{
  class OutputDirectory;
  template <int dim>
  class MechanicsProblem;
  template <int dim>
  class StepObserver;
  template <int dim>
  class FactorOfSafetyAnalysis;
  template <int dim>
  class BoltPostprocessor;
  template <int dim>
  class StagedExcavation;
  template <int dim>
  class RockResultsPostprocessor;
  template <int dim>
  class ContactResultsPostprocessor;
  template <int dim>
  class TelltalePostprocessor;
  template <int dim>
  class FieldSampler;
  template <int dim>
  class RunRecordPostprocessor;

  /// Copies the first n locally owned entries of `from` into `to`: the rock
  /// unknowns come first in every rank's owned range, bolt unknowns after
  /// them. (solve.cc)
  void copy_leading_owned(const dealii::PETScWrappers::MPI::Vector &from,
                          dealii::PETScWrappers::MPI::Vector       &to,
                          unsigned int                              n);

  /**
   * One analysis of one case: the layered rock model, its in-situ stress, the
   * excavation of the opening, its support by bolts, and the results. The
   * displacement unknown is the displacement caused by the excavation (the
   * in-situ state is the reference); the stress reported is the total stress,
   * in-situ + change.
   *
   * The simulator is the model (mesh, DoFs, constraints, materials, bolt
   * layout, the assembly workspace); what an analysis changes lives in an
   * AnalysisState: `analysis` for the case at F = 1, one of its own for
   * each strength-reduction trial.
   *
   * Unknowns: the rock's FE displacements (deal.II's numbering) followed by
   * the bolts' axial displacements (BoltSet), all in one PETSc system. The
   * excavation load is applied by a load factor 0 -> 1; bolts are installed
   * at the installation relaxation; NonlinearSolver takes every stage.
   *
   * The class is split over files by phase, as named at each declaration:
   * simulator.cc (parameters, run), setup.cc, assembly.cc, solve.cc,
   * stages.cc, repartition.cc,
   * jacobian_check.cc. Around it, in files of their own: MechanicsProblem
   * (the nonlinear problem of a state), the analyses (StagedExcavation,
   * FactorOfSafetyAnalysis),
   * FieldSeriesRecorder (a StepObserver of the analysis) and the
   * postprocessors (RockResultsPostprocessor, BoltPostprocessor).
   */
  template <int dim>
  class Simulator
  {
  public:
    /// Declares every parameter a case file may set. (simulator.cc)
    static void declare_parameters(dealii::ParameterHandler &prm);

    /// Reads and checks a parsed case: throws InputError for bad input
    /// before anything is computed or written. (simulator.cc)
    Simulator(dealii::ParameterHandler &prm,
              const std::string        &case_file,
              const std::string        &output_directory,
              MPI_Comm                  comm);
    ~Simulator();

    /// Builds the mesh and checks it (for --validate). (setup.cc)
    void make_mesh();

    /// Where `point` lies in the reference cell of `cell`, if the cell
    /// contains it (to 1e-8; projected onto the cell). (setup.cc)
    std::optional<dealii::Point<dim>>
    unit_point_in(const typename dealii::Triangulation<dim>::cell_iterator &cell,
                  const dealii::Point<dim>                                 &point) const;

    /// After make_mesh: probe points must lie in the rock (InputError);
    /// a roof mesh too coarse for the opening is a warning. (setup.cc)
    void check_mesh();

    /// --validate: builds the mesh and places the bolts in it (a bolt that
    /// leaves the mesh is an InputError). Returns the warnings. (setup.cc)
    std::vector<std::string> validate();

    /// Runs the whole analysis and writes the output directory. (simulator.cc)
    void run();

    /// Checks the assembled tangent against central differences of the
    /// assembled residual after every Newton correction, per branch of the
    /// return mappings and bolt laws; results in summary.json
    /// ("jacobian_check"). For tests (roofspan --check-jacobian).
    void enable_jacobian_check()
    {
      jacobian_check_enabled = true;
    }

  private:
    /// The mechanics on a state reads the model and its workspace.
    friend class MechanicsProblem<dim>;
    friend class FieldSeriesRecorder<dim>;
    friend class FactorOfSafetyAnalysis<dim>;
    friend class BoltPostprocessor<dim>;
    friend class StagedExcavation<dim>;
    friend class RockResultsPostprocessor<dim>;
    friend class ContactResultsPostprocessor<dim>;
    friend class TelltalePostprocessor<dim>;
    friend class FieldSampler<dim>;
    friend class RunRecordPostprocessor<dim>;
    friend std::optional<std::vector<double>> evaluate_at_point<>(const Simulator<dim> &,
                                                                  const dealii::Point<dim> &,
                                                                  const PointEvaluator<dim> &);

    /// Distributes DoFs, builds constraints, the matrix and vectors. (setup.cc)
    void setup_system();

    /// Lays out a workspace for the current mesh and DoFs: the matrix (none
    /// for the matrix-free operator without bolts), vectors, and an empty
    /// record of branches. (setup.cc)
    void make_workspace(AssemblyWorkspace &ws) const;

    /// Lays out a system matrix: the sparsity pattern between nodes (dim x
    /// dim blocks), or between DoFs when a constraint couples nodes. (setup.cc)
    void make_matrix(SystemMatrix &matrix) const;

    /// Bolt unknowns (padding included) owned by each rank. (setup.cc)
    std::vector<dealii::types::global_dof_index> bolt_unknowns_per_rank() const;

    /// The system indices (SystemNumbering) of a cell's DoFs. (setup.cc)
    void system_dof_indices(const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                            std::vector<dealii::types::global_dof_index> &indices) const;

    /// The in-situ state (nothing excavated, bolts not installed) with
    /// strengths reduced by `strength` (F, and Davis' procedure or not),
    /// laid out on the current partition. (stages.cc)
    AnalysisState<dim> make_state(const StrengthFactor &strength, bool support_installed) const;

    /// Evaluates `state` at `load` into `ws`: the residual R = load * f_ext -
    /// f_int, and the tangent if `with_matrix`; updates the state's trial
    /// histories. Returns {||R_free||, max(||load f_ext||, ||f_int||)}.
    /// (assembly.cc)
    std::pair<double, double> assemble_system(AnalysisState<dim> &state,
                                              AssemblyWorkspace  &ws,
                                              double              load,
                                              bool                with_matrix = true);

    /// At the current trial state: the assembled tangent times two random
    /// directions against central differences of the assembled residual
    /// (steps of 1e-4 down to 1e-9 of the solution, the best kept, stopping
    /// once every branch agrees to 1e-8), the relative difference per branch
    /// over the unknowns of the cells / bolt elements on it, accumulated in
    /// jacobian_record. Leaves the trial solution as it was.
    /// (jacobian_check.cc)
    void check_jacobian(AnalysisState<dim> &state, AssemblyWorkspace &ws, double load);

    /// Solves for the Newton correction of the last assembly and adds it to
    /// the state's solution; returns the linear iterations. (solve.cc)
    unsigned int solve(AnalysisState<dim> &state, AssemblyWorkspace &ws);

    /// Solves the last tangent for `rhs` into `delta` with the state's
    /// constraints applied (the linear solve of solve(), and PETSc SNES's).
    /// (solve.cc)
    unsigned int solve_correction(const AnalysisState<dim>                 &state,
                                  AssemblyWorkspace                        &ws,
                                  const dealii::PETScWrappers::MPI::Vector &rhs,
                                  dealii::PETScWrappers::MPI::Vector       &delta);

    /// Repartitions the mesh by cell cost (LoadBalancing) and moves the
    /// committed state with the cells: quadrature-point history, displacement,
    /// bolt unknowns and bolt element states; rebuilds the system on the new
    /// partition. Call between load steps (committed state). (repartition.cc)
    void repartition(AnalysisState<dim> &state);

    /// One strength-reduction trial, in a state of its own: the stages from
    /// the in-situ state at factor F, with or without the support; returns
    /// whether it converged and the largest displacement, and the state in
    /// `final_state` if given. (stages.cc)
    StrengthReduction::Trial analyse_reduced(const StrengthFactor &strength,
                                             bool                  support_installed,
                                             AnalysisState<dim>   *final_state = nullptr);

    /// Largest displacement magnitude at the rock's nodes of the state's
    /// trial solution (collective). (stages.cc)
    double max_displacement(const AnalysisState<dim> &state) const;

    /// Roof sag at mid-span of the state's trial solution, or 0 without a
    /// roof (collective). (stages.cc)
    double roof_sag_now(const AnalysisState<dim> &state) const;

    /// Starts a load step to `load` from the committed state: the first
    /// Newton correction carries the increments of the prescribed values
    /// (displacement boundaries, pull-out) as inhomogeneous constraints, so
    /// they are spread by the tangent instead of being lifted into one layer
    /// of elements. (stages.cc)
    void prepare_step(AnalysisState<dim> &state, AssemblyWorkspace &ws, double load);

    /// A prescribed value at a load factor, for a state (the pull-out
    /// follows its bolts' installation). (stages.cc)
    double prescribed_value(const AnalysisState<dim> &state,
                            double                    value_at_end,
                            bool                      bolt_stage,
                            double                    load) const;

    /// Why the matrix-free operator cannot solve this case, or "" when it
    /// can (Linear solver/Operator). (simulator.cc)
    std::string matrix_free_obstacle() const;

    /// The preconditioner that runs, for the log and summary. (simulator.cc)
    std::string preconditioner_description() const;

    /// The rock unknowns (FE displacements) of a system vector, with their
    /// ghosts: what the outputs sample. (solve.cc)
    dealii::PETScWrappers::MPI::Vector
    rock_part(const dealii::PETScWrappers::MPI::Vector &system_vector) const;

    /// Node coordinates of the locally owned rows, checking that DoFs come in
    /// node blocks of dim. (solve.cc)
    std::vector<double> node_coordinates_of_owned_rows() const;

    MPI_Comm                             mpi_communicator;
    dealii::ConditionalOStream           pcout;
    std::unique_ptr<dealii::TimerOutput> computing_timer; ///< created by run()

    // Case description (simulator.cc).
    std::string case_file;
    std::string output_directory;
    /// Inputs the output folder must not hold (case file, library, mesh).
    std::vector<std::pair<std::string, std::string>> protected_inputs;
    std::string  effective_parameters; ///< every parameter after --set, written as parameters.prm
    unsigned int degree             = 2;
    unsigned int global_refinements = 0;
    std::string  memory_limit       = "auto"; ///< Discretization/Memory limit
    /// Warnings for the log and summary.json (a mesh too coarse for the
    /// opening, bolts crowded together): the run goes on.
    std::vector<std::string> warnings;
    bool                     gravity   = true;
    bool                     write_vtu = true, write_hdf5 = true;
    /// The field series' settings (Output/Time series, ...).
    typename FieldSeriesRecorder<dim>::Settings field_series;
    bool                                        compare_with_displacement_function = false;
    std::vector<std::pair<std::string, dealii::Point<dim>>> probes;

    MaterialLibrary                     library;
    Stratigraphy                        stratigraphy;
    std::unique_ptr<ModelGeometry<dim>> geometry;
    InSituStress<dim>                   in_situ;
    BoundaryConditions<dim>             boundary_conditions;
    LinearSolver                        linear_solver;
    /// Linear solver/Operator resolved for the current mesh (setup.cc): CG on
    /// the matrix-free operator instead of the assembled matrix, which is
    /// then never created. The operator and its multigrid are built at the
    /// first solve (solve.cc) and kept until the mesh changes.
    bool                                       use_matrix_free = false;
    std::unique_ptr<MatrixFreeElasticity<dim>> matrix_free_elasticity;
    NonlinearSolver                            nonlinear_solver;
    LoadBalancing                              load_balancing;
    BoltPattern<dim>                           bolt_pattern;
    std::unique_ptr<BoltSet<dim>>              bolts; ///< null when the roof is unsupported

    /// Lame constants and unit weight per material id.
    struct ElasticConstants
    {
      double lambda = 0, mu = 0, unit_weight = 0;
    };
    std::map<dealii::types::material_id, ElasticConstants> elastic;

    /// Constitutive model per material id; `plastic` if any is nonlinear;
    /// `symmetric_tangent` if every one's tangent is symmetric (CG, else
    /// GMRES, on either operator).
    std::map<dealii::types::material_id, std::unique_ptr<ConstitutiveModel>> models;
    /// Materials whose model is a contact (thin layers, one cell thick).
    std::set<dealii::types::material_id> contact_materials;
    bool                                 plastic           = false;
    bool                                 symmetric_tangent = true;
    StrengthReduction                    strength_reduction;
    TelltaleSettings                     telltale_settings;
    /// The case's return branches (the workspace records which the points
    /// took).
    BranchTable branches;
    bool        jacobian_check_enabled = false;
    struct JacobianRecord
    {
      unsigned int checks = 0;
      /// per branch: points (or bolt elements) checked, worst relative difference
      std::map<std::string, std::pair<unsigned long, double>> branches;
    } jacobian_record;
    unsigned int n_q_points = 0; ///< per cell, of the material histories

    // Discretisation (setup.cc).
    /// The mesh is either fully distributed (each rank builds the serial mesh,
    /// keeps its cells and a ghost layer: the fastest to build) or a p4est
    /// forest, which can repartition during the run (Load balancing). `mesh`
    /// points to the one in use.
    dealii::parallel::distributed::Triangulation<dim>      p4est_mesh;
    dealii::parallel::fullydistributed::Triangulation<dim> fully_distributed_mesh;
    dealii::parallel::DistributedTriangulationBase<dim>   *mesh = nullptr;
    std::unique_ptr<dealii::Mapping<dim>>                  mapping;
    std::unique_ptr<dealii::FESystem<dim>>                 fe;
    dealii::DoFHandler<dim>                                dof_handler;
    /// FE unknowns, as deal.II numbers them (output).
    dealii::IndexSet rock_owned_dofs, rock_relevant_dofs;
    /// The linear system's unknowns: each rank's rock rows, then its bolts'.
    SystemNumbering  numbering;
    dealii::IndexSet locally_owned_dofs, locally_relevant_dofs; ///< FE + bolt unknowns (system)
    /// Homogeneous constraints (Newton corrections); prescribed values are
    /// imposed on the solution by impose_values().
    dealii::AffineConstraints<double> constraints;
    struct PrescribedValue
    {
      dealii::types::global_dof_index index = 0;
      double                          value = 0; ///< at the end of its stage
      bool bolt_stage = false; ///< follows the bolt stage (pull-out), else the excavation
    };
    std::vector<PrescribedValue> prescribed_values; ///< locally relevant
    /// The workspace the problems evaluate into unless given their own:
    /// laid out by setup_system() for the current mesh and DoFs.
    std::unique_ptr<AssemblyWorkspace> workspace;
    /// The analysis of the case at F = 1: what the output shows.
    AnalysisState<dim> analysis;

    // Measurements for the summary.
    LinearSolver::Statistics solver_statistics; ///< summed over all solves
    unsigned int             n_linear_solves = 0;
    struct RepartitionRecord
    {
      std::vector<unsigned int> cells_before, cells_after; ///< owned cells per rank
      unsigned int              yielded_cells = 0;
    };
    std::vector<RepartitionRecord> repartitions; ///< of the run at F = 1
    /// How the mesh was read and distributed, and its phases (make_mesh(),
    /// setup.cc), for the summary.
    std::string                    mesh_reader;
    std::vector<PhaseProfile::Lap> mesh_phases;
    double       mesh_seconds = 0, setup_seconds = 0, assembly_seconds = 0, output_seconds = 0;
    unsigned int n_cached_cell_matrices = 0;
    unsigned int n_assemblies           = 0;

    /// What every assembly needs and no iteration changes, per owned cell of
    /// the current mesh and DoFs: the unscaled excavation load (gravity, the
    /// in-situ stress's divergence, boundary tractions) and the in-situ stress
    /// at each quadrature point. Filled by the first assembly after
    /// setup_system, which invalidates it. (assembly.cc)
    struct FixedLoadCache
    {
      bool                                       ready = false;
      std::vector<double>                        cell_load; ///< dofs_per_cell per cell
      std::vector<dealii::SymmetricTensor<2, 3>> in_situ;   ///< n_q per cell
    } fixed_load;
  };
} // namespace roofspan
