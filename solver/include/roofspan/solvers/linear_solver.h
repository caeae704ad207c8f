#pragma once

#include <roofspan/solvers/system_matrix.h>

#include <deal.II/lac/petsc_sparse_matrix.h>
#include <deal.II/lac/petsc_vector.h>

#include <memory>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * Conjugate gradients (GMRES for unsymmetric tangents) with algebraic multigrid for elasticity,
   * driven through PETSc's own KSP so that the traps in shared/solver-notes are handled where they
   * arise:
   *  - convergence is judged on the true (unpreconditioned) residual;
   *  - the matrix has block size dim (SystemMatrix; the node-block DoF layout
   *    is checked, not assumed, by the caller that passes the node
   *    coordinates), which turns on hypre's systems AMG and is required by
   *    GAMG;
   *  - GAMG gets the rigid-body near-nullspace from the node coordinates;
   *  - BoomerAMG gets tuned coarsening/interpolation instead of its defaults.
   * Further PETSc options can be given per case (`Extra PETSc options`).
   */
  class LinearSolver
  {
  public:
    struct Statistics
    {
      unsigned int iterations        = 0;
      double       relative_residual = 0; ///< ||b - A x|| / ||b||, recomputed
      double       setup_seconds     = 0; ///< preconditioner setup
      double       solve_seconds     = 0; ///< the Krylov iterations or the triangular solves
      std::string  method;                ///< the Krylov method (or direct) that ran
      unsigned int fallbacks      = 0;    ///< systems the direct solver took over
      unsigned int factorisations = 0;    ///< LU factorisations (Preconditioner = direct)
    };

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &file);

    /// Sets roofspan's tuned BoomerAMG options (HMIS coarsening, ext+i
    /// interpolation, aggressive coarsening in 3D, Chebyshev relaxation) as
    /// PETSc options under `prefix`, for every KSP that uses that prefix:
    /// the assembled system's and the matrix-free multigrid's Q1 level.
    static void set_boomeramg_defaults(const std::string &prefix, unsigned int dim);

    /// PETSc's errors are not printed (its error stack would bury our one
    /// line); the innermost message of the latest error is kept for ours
    /// (last_petsc_error()). Called once after PETSc is initialised.
    static void keep_petsc_errors_quiet();

    /// The message PETSc gave for its latest error ("" if none).
    static std::string last_petsc_error();

    /// Block size the system matrix must be created with (setup.cc).
    unsigned int block_size(unsigned int dim) const;

    /// Solves A x = b. With BoomerAMG, A is first moved into hypre's storage
    /// (SystemMatrix::convert_to_hypre; counted in the setup time). `coordinates` holds, for each
    /// locally owned row, the coordinate of its node in the row's component direction (length =
    /// locally owned rows); rows must come in node blocks of `dim`.
    Statistics solve(SystemMatrix                             &A,
                     dealii::PETScWrappers::MPI::Vector       &x,
                     const dealii::PETScWrappers::MPI::Vector &b,
                     unsigned int                              dim,
                     const std::vector<double>                &coordinates) const;

    const std::string &preconditioner_name() const
    {
      return preconditioner;
    }

    double tolerance() const
    {
      return relative_tolerance;
    }

    unsigned int maximum_iterations() const
    {
      return max_iterations;
    }

    /// Chebyshev degree on the Q2 level of the matrix-free multigrid.
    unsigned int smoothing_degree() const
    {
      return smoothing;
    }

    /// Linear solver/Operator: "auto", "assembled" or "matrix-free".
    const std::string &operator_type() const
    {
      return operator_choice;
    }

  private:
    /// Preconditioner = direct with `Factorisation reuse` > 0: GMRES on A
    /// preconditioned by the kept LU factors of an earlier tangent; a new
    /// factorisation of A when there are none yet or GMRES needs more than
    /// the reuse limit.
    Statistics solve_with_kept_factors(SystemMatrix                             &A,
                                       dealii::PETScWrappers::MPI::Vector       &x,
                                       const dealii::PETScWrappers::MPI::Vector &b) const;

    /// Direct solve (MUMPS LU) of an AIJ matrix: the fallback.
    Statistics solve_aij(Mat                                       mat,
                         dealii::PETScWrappers::MPI::Vector       &x,
                         const dealii::PETScWrappers::MPI::Vector &b) const;

    std::string  preconditioner     = "boomeramg";
    std::string  operator_choice    = "auto";
    unsigned int smoothing          = 2;
    unsigned int direct_fallback    = 200000;
    double       relative_tolerance = 1e-8;
    unsigned int max_iterations     = 1000;
    std::string  extra_options;
    bool         node_blocks         = true;
    unsigned int factorisation_reuse = 0; ///< GMRES iterations allowed on kept factors

    /// The direct solver's KSP, kept between solves of the same matrix
    /// object: PETSc then redoes only MUMPS's numeric factorisation while
    /// the sparsity pattern is unchanged (SystemMatrix assembles in place).
    struct DirectFactorisation;
    mutable std::shared_ptr<DirectFactorisation> direct_factorisation;
  };
} // namespace roofspan
