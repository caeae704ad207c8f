#pragma once

#include <roofspan/solvers/linear_solver.h>
#include <roofspan/solvers/system_numbering.h>

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/types.h>
#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace dealii
{
  template <int dim, int spacedim>
  class DoFHandler;
  template <int dim, int spacedim>
  class Mapping;
  template <typename number>
  class AffineConstraints;
} // namespace dealii

namespace roofspan
{
  /**
   * The linear-elastic rock's stiffness without a matrix: CG on deal.II's
   * MatrixFree operator (sum factorisation, Lame constants per cell), with a
   * two-level hybrid multigrid preconditioner:
   *
   *  - the Q2 level: Chebyshev smoothing on the operator's diagonal;
   *  - p-transfer to Q1 on the same mesh (MGTwoLevelTransfer);
   *  - the Q1 level: two V-cycles of hypre BoomerAMG (systems AMG, node
   *    blocks) on the assembled Q1 matrix, an eighth of the Q2 unknowns with
   *    a quarter of the entries per row.
   *
   * The Q2 matrix, most of the memory and the AMG setup time of the assembled
   * path, is never formed. The preconditioner is linear (fixed smoother and
   * V-cycle), so plain CG applies; convergence is judged on the true
   * residual. The operator is built once per mesh (setup) and serves every
   * solve: linear elasticity has one stiffness.
   *
   * Plastic rock: with use_point_tangents() the operator applies the
   * consistent tangent stored at each quadrature point (the Newton
   * Jacobian) instead of the Lame constants, and the multigrid follows each
   * new tangent: the Chebyshev smoother's diagonal from the tangent at the
   * points, the Q1 matrix from the tangent averaged per cell. A non-symmetric tangent
   * (non-associated flow) is solved by GMRES with right preconditioning,
   * which judges convergence on the true residual as CG does.
   *
   * Bolts (setup with extra unknowns): the linear system is [rock, bolt
   * unknowns] in SystemNumbering's layout, and the bolts' part of the
   * Jacobian comes as an assembled sparse matrix B (rows of both). Then
   * solve_coupled() runs PETSc's Krylov on a shell operator, K_rock x (matrix-
   * free) + B x, preconditioned by PETSc's two-level PCMG on the coupled
   * system: Chebyshev/Jacobi on the fine operator (the diagonal of both
   * parts), a coarse level [Q1 rock, bolt unknowns] = the Q1 rock matrix
   * (as above) + P^T B P (P: Q1 -> Q2 interpolation, the identity on the
   * bolt unknowns), two BoomerAMG V-cycles on it. Bolts are stiff beside
   * clay: a rock-only multigrid would not see what they hold together.
   *
   * Degree 2 only (Simulator decides).
   */
  template <int dim>
  class MatrixFreeElasticity
  {
  public:
    /// Lame constants {lambda, mu} of a material id.
    using LameConstants = std::function<std::pair<double, double>(dealii::types::material_id)>;
    /// Fills the homogeneous constraints (hanging nodes, boundary conditions)
    /// of a DoFHandler on the model's mesh, initialised with its locally
    /// relevant DoFs.
    using MakeConstraints = std::function<void(const dealii::DoFHandler<dim, dim> &,
                                               dealii::AffineConstraints<double> &)>;

    MatrixFreeElasticity();
    ~MatrixFreeElasticity();

    /// Builds the operators, the transfer, and the Q1 AMG for `dof_handler`
    /// (FESystem(FE_Q(2), dim), deal.II's numbering), with Chebyshev
    /// smoothing of `smoothing_degree` on the Q2 level. Collective.
    /// With `system` (bolts; every rank passes one or none): the linear
    /// system's numbering, rock DoFs and each rank's extra unknowns after
    /// them; solves then go through solve_coupled().
    void setup(const dealii::DoFHandler<dim, dim> &dof_handler,
               const dealii::Mapping<dim, dim>    &mapping,
               const MakeConstraints              &make_constraints,
               const LameConstants                &lame,
               unsigned int                        smoothing_degree,
               const SystemNumbering              *system = nullptr);

    /// Whether setup() had extra unknowns (solve_coupled() then).
    bool is_coupled() const;

    /// Solves [K_rock + B] x = b to `relative_tolerance` (true residual),
    /// with x and b in the system layout (each rank: its rock DoFs, then its
    /// extra unknowns). `coupling` is B over the system's rows (the bolts'
    /// tangent, assembled with the system's constraints); a `generation`
    /// other than the last call's means new values of B or of the rock
    /// tangent: the coarse level and the smoother are built again. b must be
    /// zero on constrained rows. `prescribed` as in solve(), its lines in
    /// system numbering (only the rock's coupling K g is taken off here: the
    /// bolts' is in b from their assembly). Throws LinearSolverFailure.
    LinearSolver::Statistics solve_coupled(dealii::PETScWrappers::MPI::Vector             &x,
                                           const dealii::PETScWrappers::MPI::Vector       &b,
                                           const dealii::PETScWrappers::MPI::SparseMatrix &coupling,
                                           std::uint64_t generation,
                                           double        relative_tolerance,
                                           unsigned int  max_iterations,
                                           const dealii::AffineConstraints<double> *prescribed);

    /// Solves K x = b to `relative_tolerance` (true residual); x and b are
    /// laid out as the DoFHandler's locally owned DoFs. x is zero on
    /// constrained DoFs. With `prescribed`, the inhomogeneities of its lines
    /// are values on constrained DoFs whose coupling (K g) is taken off the
    /// free rows of b, as the assembled path's distribute_local_to_global
    /// does; the caller then distributes them into x. Throws
    /// LinearSolverFailure when CG does not converge.
    LinearSolver::Statistics solve(dealii::PETScWrappers::MPI::Vector       &x,
                                   const dealii::PETScWrappers::MPI::Vector &b,
                                   double                                    relative_tolerance,
                                   unsigned int                              max_iterations,
                                   const dealii::AffineConstraints<double>  *prescribed = nullptr);

    /// From now on the operator is the tangent in `tangents`, indexed
    /// [active cell index * (degree + 1)^dim + q] with q lexicographic in
    /// the points of QGauss(degree + 1) (the assembly's order); in 2D the
    /// plane-strain part of it. The array is read at each application, not
    /// copied: the caller refills it with each Jacobian and keeps it alive.
    /// `symmetric` false selects GMRES. nullptr returns to the Lame
    /// constants. A `generation` other than the last call's means new
    /// values: the smoother's diagonal and the Q1 matrix (from the tangent
    /// averaged per cell) are rebuilt, and BoomerAMG set up again.
    void use_point_tangents(const std::vector<dealii::SymmetricTensor<4, 3>> *tangents,
                            bool                                              symmetric,
                            std::uint64_t                                     generation);

    /// y = K x (homogeneous constraints: identity rows on constrained DoFs).
    void vmult(dealii::PETScWrappers::MPI::Vector       &y,
               const dealii::PETScWrappers::MPI::Vector &x) const;

    bool is_set_up() const;
    /// DoFs of the Q1 level (the AMG problem).
    dealii::types::global_dof_index n_coarse_dofs() const;
    /// Seconds spent in setup (MatrixFree, diagonal, transfer, Q1 matrix, AMG).
    double setup_seconds() const;

  private:
    struct Implementation;
    std::unique_ptr<Implementation> impl;
  };
} // namespace roofspan
