#pragma once

#include <deal.II/base/index_set.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>

#include <petscmat.h>

#include <tuple>
#include <vector>

namespace roofspan
{
  /**
   * The system matrix: a PETSc MPIAIJ matrix assembled without PETSc's
   * insertion machinery. create() lays out the owned rows as CSR (diagonal
   * and off-diagonal blocks, sorted) from the sparsity pattern; assembly adds
   * into those arrays (AffineConstraints::distribute_local_to_global works
   * with this class directly); compress() hands the arrays to PETSc without
   * copying (MatCreateMPIAIJWithSplitArrays) and adds the few contributions
   * to rows owned by other ranks. At 1.4 M Q2 DoFs this replaced about 7 s
   * of MatSetValues insertion. The block size (node blocks for AMG) is set
   * on the PETSc matrix. Everything else is deal.II's
   * PETScWrappers::MPI::SparseMatrix.
   */
  class SystemMatrix : public dealii::PETScWrappers::MPI::SparseMatrix
  {
  public:
    using size_type = dealii::types::global_dof_index;

    /// `pattern` holds at least the locally owned rows (as built by
    /// DoFTools::make_sparsity_pattern + distribute_sparsity_pattern).
    void create(const dealii::IndexSet               &locally_owned,
                const dealii::DynamicSparsityPattern &pattern,
                unsigned int                          block_size,
                MPI_Comm                              comm);

    /// Adds values of one row (the interface that
    /// AffineConstraints::distribute_local_to_global uses).
    void add(size_type        row,
             size_type        n_cols,
             const size_type *columns,
             const double    *values,
             bool             elide_zero_values,
             bool             col_indices_are_sorted);

    /// Adds one value.
    void add(size_type row, size_type column, double value);

    /// Builds the PETSc matrix from the assembled arrays (collective).
    void compress(dealii::VectorOperation::values operation);

    /// After assembly: hand the matrix to hypre's own ParCSR storage in
    /// place (MATHYPRE) and free the CSR arrays. BoomerAMG then builds its
    /// hierarchy without converting a second copy, and CG multiplies with
    /// the same ParCSR matrix.
    void convert_to_hypre();

    /// Keep the CSR arrays after convert_to_hypre() so the matrix can be
    /// assembled again (Newton iterations); costs a second copy in memory.
    void keep_pattern(bool keep)
    {
      keep_arrays = keep;
    }

    /// Whether the assembled matrix is symmetric (non-associated plasticity
    /// makes the tangent unsymmetric); told to PETSc in compress().
    void set_symmetric(bool value)
    {
      symmetric = value;
    }

    bool is_symmetric() const
    {
      return symmetric;
    }

    /// Zeroes the values for a new assembly into the same pattern.
    void reset();

  private:
    void add_to_owned_row(size_type row, size_type column, double value);

    size_type                first_row = 0, end_row = 0;
    PetscInt                 block       = 1;
    bool                     keep_arrays = false;
    bool                     symmetric   = true;
    std::vector<PetscInt>    diagonal_start, diagonal_columns, off_start, off_columns;
    std::vector<PetscScalar> diagonal_values, off_values;
    /// PETSc renumbers the off-diagonal column indices it is given in place
    /// (to its compressed local numbering); with keep_pattern, it gets this
    /// copy and off_columns stays in global numbering for the next assembly.
    std::vector<PetscInt>                               off_columns_for_petsc;
    std::vector<std::tuple<PetscInt, PetscInt, double>> off_rank_entries;
  };
} // namespace roofspan
