#include <roofspan/solvers/system_matrix.h>

#include <deal.II/lac/affine_constraints.templates.h>

#include <algorithm>
#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    void check(const PetscErrorCode code, const char *what)
    {
      if (code != 0)
        throw std::runtime_error(std::string("PETSc failed to ") + what);
    }
  } // namespace

  void SystemMatrix::create(const IndexSet               &locally_owned,
                            const DynamicSparsityPattern &pattern,
                            const unsigned int            block_size,
                            MPI_Comm                      comm)
  {
    if (!locally_owned.is_contiguous())
      throw std::runtime_error("internal error: PETSc needs contiguous row ownership");

    // deal.II's own reinit with an empty pattern sets the communicator and
    // sizes cheaply; compress() replaces the PETSc object.
    DynamicSparsityPattern empty(locally_owned.size(), locally_owned.size(), locally_owned);
    reinit(locally_owned, locally_owned, empty, comm);

    block                   = block_size;
    first_row               = locally_owned.n_elements() ? locally_owned.nth_index_in_set(0) : 0;
    end_row                 = first_row + locally_owned.n_elements();
    const size_type n_local = end_row - first_row;

    // Each row's columns are sorted: the owned (diagonal-block) columns are
    // one contiguous range [lo, hi) of it, found by bisection.
    const auto split = [&](const size_type row) {
      const size_type length = pattern.row_length(row);
      const auto      bound  = [&](const size_type value) {
        size_type a = 0, b = length;
        while (a < b)
          {
            const size_type mid = (a + b) / 2;
            if (pattern.column_number(row, mid) < value)
              a = mid + 1;
            else
              b = mid;
          }
        return a;
      };
      return std::make_tuple(length, bound(first_row), bound(end_row));
    };

    diagonal_start.assign(n_local + 1, 0);
    off_start.assign(n_local + 1, 0);
    for (size_type i = 0; i < n_local; ++i)
      {
        const auto [length, lo, hi] = split(first_row + i);
        diagonal_start[i + 1]       = diagonal_start[i] + (hi - lo);
        off_start[i + 1]            = off_start[i] + (length - (hi - lo));
      }
    diagonal_columns.resize(diagonal_start.back());
    off_columns.resize(off_start.back());
    diagonal_values.assign(diagonal_start.back(), 0.);
    off_values.assign(off_start.back(), 0.);
    for (size_type i = 0; i < n_local; ++i)
      {
        const size_type row         = first_row + i;
        const auto [length, lo, hi] = split(row);
        PetscInt *d                 = diagonal_columns.data() + diagonal_start[i];
        PetscInt *o                 = off_columns.data() + off_start[i];
        for (size_type k = 0; k < lo; ++k)
          *o++ = pattern.column_number(row, k); // global numbering
        for (size_type k = lo; k < hi; ++k)
          *d++ = pattern.column_number(row, k) - first_row; // local numbering
        for (size_type k = hi; k < length; ++k)
          *o++ = pattern.column_number(row, k);
      }
    off_rank_entries.clear();
  }

  void
  SystemMatrix::add_to_owned_row(const size_type row, const size_type column, const double value)
  {
    const size_type i = row - first_row;
    if (column >= first_row && column < end_row)
      {
        const auto begin = diagonal_columns.begin() + diagonal_start[i];
        const auto end   = diagonal_columns.begin() + diagonal_start[i + 1];
        const auto it    = std::lower_bound(begin, end, PetscInt(column - first_row));
        if (it == end || *it != PetscInt(column - first_row))
          throw std::runtime_error("internal error: matrix entry (" + std::to_string(row) + ", " +
                                   std::to_string(column) + ") outside the sparsity pattern");
        diagonal_values[it - diagonal_columns.begin()] += value;
      }
    else
      {
        const auto begin = off_columns.begin() + off_start[i];
        const auto end   = off_columns.begin() + off_start[i + 1];
        const auto it    = std::lower_bound(begin, end, PetscInt(column));
        if (it == end || *it != PetscInt(column))
          throw std::runtime_error("internal error: matrix entry (" + std::to_string(row) + ", " +
                                   std::to_string(column) + ") outside the sparsity pattern");
        off_values[it - off_columns.begin()] += value;
      }
  }

  void SystemMatrix::add(const size_type  row,
                         const size_type  n_cols,
                         const size_type *columns,
                         const double    *values,
                         const bool       elide_zero_values,
                         const bool /*col_indices_are_sorted*/)
  {
    if (row >= first_row && row < end_row)
      for (size_type k = 0; k < n_cols; ++k)
        {
          if (elide_zero_values && values[k] == 0.)
            continue;
          add_to_owned_row(row, columns[k], values[k]);
        }
    else
      for (size_type k = 0; k < n_cols; ++k)
        off_rank_entries.emplace_back(row, columns[k], values[k]);
  }

  void SystemMatrix::add(const size_type row, const size_type column, const double value)
  {
    add(row, 1, &column, &value, false, true);
  }

  void SystemMatrix::compress(VectorOperation::values)
  {
    const MPI_Comm comm    = get_mpi_communicator();
    const PetscInt n_local = end_row - first_row;
    const PetscInt n       = m();
    check(MatDestroy(&matrix), "destroy the initial empty matrix");
    // PETSc uses the arrays in place (they live as long as this object).
    PetscInt *off_cols = off_columns.data();
    if (keep_arrays)
      {
        off_columns_for_petsc = off_columns;
        off_cols              = off_columns_for_petsc.data();
      }
    check(MatCreateMPIAIJWithSplitArrays(comm,
                                         n_local,
                                         n_local,
                                         n,
                                         n,
                                         diagonal_start.data(),
                                         diagonal_columns.data(),
                                         diagonal_values.data(),
                                         off_start.data(),
                                         off_cols,
                                         off_values.data(),
                                         &matrix),
          "create the system matrix from its arrays");
    check(MatSetBlockSize(matrix, block), "set the block size");
    check(MatSetOption(matrix, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE), "set options");
    check(MatSetOption(matrix, MAT_SYMMETRIC, symmetric ? PETSC_TRUE : PETSC_FALSE), "set options");
    for (const auto &[row, column, value] : off_rank_entries)
      check(MatSetValues(matrix, 1, &row, 1, &column, &value, ADD_VALUES),
            "add contributions to rows of other ranks");
    off_rank_entries.clear();
    off_rank_entries.shrink_to_fit();
    check(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), "assemble");
    check(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), "assemble");
  }

  void SystemMatrix::reset()
  {
    if (diagonal_start.empty() && end_row > first_row)
      throw std::runtime_error("internal error: the matrix pattern was freed; "
                               "call keep_pattern(true) before assembling twice");
    std::fill(diagonal_values.begin(), diagonal_values.end(), 0.);
    std::fill(off_values.begin(), off_values.end(), 0.);
    off_rank_entries.clear();
  }

  void SystemMatrix::convert_to_hypre()
  {
    // The conversion drops the block size, which hypre needs for systems AMG.
    PetscInt block_size = 1;
    check(MatGetBlockSize(matrix, &block_size), "read the block size");
    check(MatConvert(matrix, MATHYPRE, MAT_INPLACE_MATRIX, &matrix), "convert to MATHYPRE");
    check(MatSetBlockSize(matrix, block_size), "set the block size");
    // hypre holds its own copy now: free the CSR arrays.
    if (keep_arrays)
      return;
    for (auto *v : {&diagonal_start, &diagonal_columns, &off_start, &off_columns})
      std::vector<PetscInt>().swap(*v);
    std::vector<PetscScalar>().swap(diagonal_values);
    std::vector<PetscScalar>().swap(off_values);
  }
} // namespace roofspan

// AffineConstraints writes straight into SystemMatrix.
template void
dealii::AffineConstraints<double>::distribute_local_to_global<roofspan::SystemMatrix,
                                                              dealii::PETScWrappers::MPI::Vector>(
    const FullMatrix<double> &,
    const Vector<double> &,
    const std::vector<types::global_dof_index> &,
    roofspan::SystemMatrix &,
    dealii::PETScWrappers::MPI::Vector &,
    bool,
    std::integral_constant<bool, false>) const;
