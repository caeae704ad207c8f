#pragma once

#include <deal.II/base/index_set.h>
#include <deal.II/lac/dynamic_sparsity_pattern.h>
#include <deal.II/lac/petsc_sparse_matrix.h>

#include <petscmat.h>

#include <functional>
#include <vector>

// hypre's matrix type, opaque here (system_matrix.cc includes hypre).
struct hypre_ParCSRMatrix_struct;

namespace roofspan
{
  /**
   * The system matrix, assembled without PETSc's or hypre's insertion
   * machinery: create() lays out the owned rows as CSR (diagonal and
   * off-diagonal blocks) from a row pattern, assembly adds into those arrays
   * (AffineConstraints::distribute_local_to_global works with this class
   * directly), and compress() exchanges the contributions to rows of other
   * ranks and hands the arrays over without copying. Two storage layouts:
   *
   *  - Layout::petsc_aij: PETSc MPIAIJ (MatCreateMPIAIJWithSplitArrays), for
   *    GAMG and the direct solver;
   *  - Layout::hypre_parcsr: hypre's own ParCSR arrays (diagonal entry first
   *    in each row, as hypre's smoothers expect), wrapped as a PETSc MATHYPRE
   *    matrix. BoomerAMG and CG then work on the one copy: no conversion, no
   *    second copy in memory, and Newton iterations reassemble in place.
   *
   * At 1.4 M DoFs the AIJ arrays replaced about 7 s of MatSetValues, and the
   * ParCSR layout about 3.5 s and 0.6 GB per rank of AIJ-to-hypre conversion.
   * The block size (node blocks for AMG) is set on the PETSc matrix.
   */
  class SystemMatrix : public dealii::PETScWrappers::MPI::SparseMatrix
  {
  public:
    using size_type = dealii::types::global_dof_index;

    enum class Layout
    {
      petsc_aij,
      hypre_parcsr
    };

    SystemMatrix() = default;
    ~SystemMatrix() override;

    /// Storage for the next create().
    void set_layout(Layout layout);

    /// The columns of one locally owned row, sorted, in global numbering;
    /// must contain the diagonal. Called twice per row by create().
    using RowPattern = std::function<void(size_type row, std::vector<size_type> &columns)>;

    /// Lays out the locally owned rows (contiguous) from `row_pattern`.
    /// Collective.
    void create(const dealii::IndexSet &locally_owned,
                const RowPattern       &row_pattern,
                unsigned int            block_size,
                MPI_Comm                comm);

    /// The same from a DynamicSparsityPattern holding the owned rows.
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

    /// Sends the contributions to other ranks' rows to their owners and
    /// builds (first time) or updates the PETSc matrix (collective).
    void compress(dealii::VectorOperation::values operation);

    /// Before BoomerAMG: nothing left to do with Layout::hypre_parcsr; an
    /// AIJ matrix is converted to MATHYPRE in place (its arrays are then
    /// freed unless keep_pattern()).
    void convert_to_hypre();

    /// Layout::petsc_aij: keep the CSR arrays after convert_to_hypre() so
    /// the matrix can be assembled again.
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
    void exchange_off_rank_entries();
    void release_hypre();

    Layout                 layout    = Layout::petsc_aij;
    size_type              first_row = 0, end_row = 0;
    MPI_Comm               communicator = MPI_COMM_NULL;
    std::vector<size_type> row_starts; ///< first row of every rank, and the total
    PetscInt               block        = 1;
    bool                   keep_arrays  = false;
    bool                   symmetric    = true;
    bool                   arrays_freed = false;
    /// Layout::petsc_aij: the PETSc matrix wraps the current arrays (made
    /// by the last compress() since create(), not converted since).
    bool aij_current = false;

    // Where assembly writes (into the vectors below, or into hypre's arrays).
    // Diagonal block: local column numbers; off-diagonal: global numbers in
    // off_columns (sorted per row), values in off_data.
    int                  *diag_start = nullptr, *diag_columns = nullptr;
    double               *diag_data = nullptr;
    int                  *off_start = nullptr;
    double               *off_data  = nullptr;
    std::size_t           n_diag = 0, n_off = 0;
    std::vector<PetscInt> off_columns;

    // Layout::petsc_aij storage.
    std::vector<PetscInt>    aij_diag_start, aij_diag_columns, aij_off_start;
    std::vector<PetscScalar> aij_diag_values, aij_off_values;
    /// PETSc renumbers the off-diagonal column indices it is given in place;
    /// it gets this copy so that off_columns stays global for reassembly.
    std::vector<PetscInt> off_columns_for_petsc;

    // Layout::hypre_parcsr storage: owned by the MATHYPRE matrix once
    // wrapped (hypre_wrapped), by this object before.
    hypre_ParCSRMatrix_struct *parcsr        = nullptr;
    bool                       hypre_wrapped = false;

    struct OffRankEntry
    {
      size_type row, column;
      double    value;
    };
    std::vector<OffRankEntry> off_rank_entries;
  };
} // namespace roofspan
