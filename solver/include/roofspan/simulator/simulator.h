#pragma once

#include <roofspan/geometry/model_geometry.h>
#include <roofspan/loads/boundary_conditions.h>
#include <roofspan/loads/in_situ_stress.h>
#include <roofspan/materials/material_library.h>
#include <roofspan/solvers/linear_solver.h>
#include <roofspan/solvers/system_matrix.h>

#include <deal.II/base/conditional_ostream.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/mapping.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace roofspan
{
  class OutputDirectory;

  /**
   * One analysis of one case: the layered rock model, its in-situ stress, the
   * excavation of the opening, and the results. The displacement unknown is
   * the displacement caused by the excavation (the in-situ state is the
   * reference); the stress reported is the total stress, in-situ + change.
   *
   * The class is split over files by phase, as named at each declaration:
   * simulator.cc (parameters, run), setup.cc, assembly.cc, solve.cc,
   * output.cc.
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

    /// Runs the whole analysis and writes the output directory. (simulator.cc)
    void run();

    /// Total stress (in-situ + change) at a point of a cell with material
    /// `material`, from the displacement gradient. Full 3x3 tensor: in 2D the
    /// out-of-plane stress follows from plane strain. (output.cc)
    dealii::SymmetricTensor<2, 3> total_stress(dealii::types::material_id                 material,
                                               const std::vector<dealii::Tensor<1, dim>> &gradient,
                                               const dealii::Point<dim> &point) const;

  private:
    /// Distributes DoFs, builds constraints, the matrix and vectors. (setup.cc)
    void setup_system();

    /// Assembles stiffness and excavation load. (assembly.cc)
    void assemble_system();

    /// Solves with CG + AMG and distributes constraints. (solve.cc)
    void solve();

    /// Node coordinates of the locally owned rows, checking that DoFs come in
    /// node blocks of dim. (solve.cc)
    std::vector<double> node_coordinates_of_owned_rows() const;

    /// Writes pvd/pvtu, HDF5/XDMF. (output.cc)
    void write_fields(OutputDirectory &out) const;

    /// Fills the results part of the summary. (output.cc)
    void evaluate_results(nlohmann::json &summary) const;

    MPI_Comm                             mpi_communicator;
    dealii::ConditionalOStream           pcout;
    std::unique_ptr<dealii::TimerOutput> computing_timer; ///< created by run()

    // Case description (simulator.cc).
    std::string  case_file;
    std::string  output_directory;
    unsigned int degree             = 2;
    unsigned int global_refinements = 0;
    bool         gravity            = true;
    bool         write_vtu = true, write_hdf5 = true;
    bool         compare_with_displacement_function = false;
    std::vector<std::pair<std::string, dealii::Point<dim>>> probes;

    MaterialLibrary                     library;
    Stratigraphy                        stratigraphy;
    std::unique_ptr<ModelGeometry<dim>> geometry;
    InSituStress<dim>                   in_situ;
    BoundaryConditions<dim>             boundary_conditions;
    LinearSolver                        linear_solver;

    /// Lame constants and unit weight per material id.
    struct ElasticConstants
    {
      double lambda = 0, mu = 0, unit_weight = 0;
    };
    std::map<dealii::types::material_id, ElasticConstants> elastic;

    // Discretisation (setup.cc).
    dealii::parallel::distributed::Triangulation<dim> triangulation;
    std::unique_ptr<dealii::Mapping<dim>>             mapping;
    std::unique_ptr<dealii::FESystem<dim>>            fe;
    dealii::DoFHandler<dim>                           dof_handler;
    dealii::IndexSet                                  locally_owned_dofs;
    dealii::IndexSet                                  locally_relevant_dofs;
    dealii::AffineConstraints<double>                 constraints;
    SystemMatrix                                      system_matrix;
    dealii::PETScWrappers::MPI::Vector                system_rhs;
    dealii::PETScWrappers::MPI::Vector                locally_relevant_solution;

    // Measurements for the summary.
    LinearSolver::Statistics solver_statistics;
    double       mesh_seconds = 0, setup_seconds = 0, assembly_seconds = 0, output_seconds = 0;
    unsigned int n_cached_cell_matrices = 0;
  };
} // namespace roofspan
