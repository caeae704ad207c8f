#pragma once

#include <deal.II/base/index_set.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>

namespace roofspan
{
  /**
   * The PETSc system matrix, created the way PETSc wants it: block size
   * `dim` set before preallocation (so hypre and GAMG see node blocks) and
   * exact per-row preallocation counts from the sparsity pattern, without
   * inserting the pattern itself (deal.II 9.4's reinit() and PETSc's CSR
   * preallocation both took seconds for that at 1e6 DoFs). Everything else is
   * deal.II's PETScWrappers::MPI::SparseMatrix.
   */
  class SystemMatrix : public dealii::PETScWrappers::MPI::SparseMatrix
  {
  public:
    /// `pattern` holds at least the locally owned rows (as built by
    /// DoFTools::make_sparsity_pattern + distribute_sparsity_pattern).
    void create(const dealii::IndexSet               &locally_owned,
                const dealii::DynamicSparsityPattern &pattern,
                unsigned int                          block_size,
                MPI_Comm                              comm);

    /// After assembly: hand the matrix to hypre's own ParCSR storage in
    /// place (MATHYPRE), freeing the PETSc copy. BoomerAMG then builds its
    /// hierarchy without converting a second copy, and CG multiplies with
    /// the same ParCSR matrix.
    void convert_to_hypre();
  };
} // namespace roofspan
