#include <roofspan/solvers/system_matrix.h>

#include <deal.II/base/mpi.h>
#include <deal.II/lac/affine_constraints.templates.h>

#include <petscmathypre.h>

#include <algorithm>
#include <stdexcept>

#include <_hypre_parcsr_mv.h>

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

    // PETSc and hypre share the index type here (32-bit, Debian's builds).
    static_assert(sizeof(PetscInt) == sizeof(HYPRE_Int) && sizeof(HYPRE_BigInt) == sizeof(PetscInt),
                  "PETSc and hypre must use the same integer size");
  } // namespace

  SystemMatrix::~SystemMatrix()
  {
    release_hypre();
  }

  void SystemMatrix::release_hypre()
  {
    // Before the MATHYPRE wrapper exists, the ParCSR matrix is ours.
    if (parcsr != nullptr && !hypre_wrapped)
      hypre_ParCSRMatrixDestroy(parcsr);
    parcsr        = nullptr;
    hypre_wrapped = false;
  }

  void SystemMatrix::set_layout(const Layout l)
  {
    layout = l;
  }

  void SystemMatrix::create(const IndexSet               &locally_owned,
                            const DynamicSparsityPattern &pattern,
                            const unsigned int            block_size,
                            MPI_Comm                      comm)
  {
    create(
        locally_owned,
        [&](const size_type row, std::vector<size_type> &columns) {
          columns.clear();
          for (auto it = pattern.begin(row); it != pattern.end(row); ++it)
            columns.push_back(it->column());
        },
        block_size,
        comm);
  }

  void SystemMatrix::create(const IndexSet    &locally_owned,
                            const RowPattern  &row_pattern,
                            const unsigned int block_size,
                            MPI_Comm           comm)
  {
    if (!locally_owned.is_contiguous())
      throw std::runtime_error("internal error: the matrix needs contiguous row ownership");

    // deal.II's own reinit with an empty pattern sets the communicator and
    // sizes cheaply; compress() replaces the PETSc object.
    release_hypre();
    DynamicSparsityPattern empty(locally_owned.size(), locally_owned.size(), locally_owned);
    reinit(locally_owned, locally_owned, empty, comm);

    communicator            = comm;
    block                   = block_size;
    arrays_freed            = false;
    aij_current             = false;
    first_row               = locally_owned.n_elements() ? locally_owned.nth_index_in_set(0) : 0;
    end_row                 = first_row + locally_owned.n_elements();
    const size_type n_local = end_row - first_row;
    row_starts              = Utilities::MPI::all_gather(comm, first_row);
    row_starts.push_back(locally_owned.size());
    // Ranks without rows report 0: give them the next rank's start.
    for (std::size_t r = row_starts.size() - 1; r-- > 0;)
      if (r > 0 && row_starts[r] < row_starts[r - 1])
        row_starts[r] = row_starts[r + 1];
    const bool hypre = layout == Layout::hypre_parcsr;

    // 1. Row lengths of both blocks, and the off-diagonal columns.
    std::vector<size_type> columns;
    std::vector<int>       d_start(n_local + 1, 0), o_start(n_local + 1, 0);
    off_columns.clear();
    for (size_type i = 0; i < n_local; ++i)
      {
        row_pattern(first_row + i, columns);
        const auto lo  = std::lower_bound(columns.begin(), columns.end(), first_row);
        const auto hi  = std::lower_bound(lo, columns.end(), end_row);
        d_start[i + 1] = d_start[i] + (hi - lo);
        o_start[i + 1] = o_start[i] + (columns.size() - (hi - lo));
        off_columns.insert(off_columns.end(), columns.begin(), lo);
        off_columns.insert(off_columns.end(), hi, columns.end());
      }
    n_diag = d_start.back();
    n_off  = o_start.back();

    // 2. Storage.
    if (hypre)
      {
        std::vector<PetscInt> col_map(off_columns.begin(), off_columns.end());
        std::sort(col_map.begin(), col_map.end());
        col_map.erase(std::unique(col_map.begin(), col_map.end()), col_map.end());
        HYPRE_BigInt starts[2] = {HYPRE_BigInt(first_row), HYPRE_BigInt(end_row)};
        parcsr                 = hypre_ParCSRMatrixCreate(comm,
                                          locally_owned.size(),
                                          locally_owned.size(),
                                          starts,
                                          starts,
                                          col_map.size(),
                                          n_diag,
                                          n_off);
        hypre_ParCSRMatrixInitialize_v2(parcsr, HYPRE_MEMORY_HOST);
        hypre_CSRMatrix *diag = hypre_ParCSRMatrixDiag(parcsr);
        hypre_CSRMatrix *offd = hypre_ParCSRMatrixOffd(parcsr);
        std::copy(col_map.begin(), col_map.end(), hypre_ParCSRMatrixColMapOffd(parcsr));
        diag_start   = hypre_CSRMatrixI(diag);
        diag_columns = hypre_CSRMatrixJ(diag);
        diag_data    = hypre_CSRMatrixData(diag);
        off_start    = hypre_CSRMatrixI(offd);
        off_data     = hypre_CSRMatrixData(offd);
        std::copy(d_start.begin(), d_start.end(), diag_start);
        std::copy(o_start.begin(), o_start.end(), off_start);
        // hypre's off-diagonal columns: positions in the column map.
        HYPRE_Int *offd_j = hypre_CSRMatrixJ(offd);
        for (std::size_t k = 0; k < n_off; ++k)
          offd_j[k] =
              std::lower_bound(col_map.begin(), col_map.end(), off_columns[k]) - col_map.begin();
      }
    else
      {
        aij_diag_start.assign(d_start.begin(), d_start.end());
        aij_off_start.assign(o_start.begin(), o_start.end());
        aij_diag_columns.resize(n_diag);
        aij_diag_values.assign(n_diag, 0.);
        aij_off_values.assign(n_off, 0.);
        diag_start   = aij_diag_start.data();
        diag_columns = aij_diag_columns.data();
        diag_data    = aij_diag_values.data();
        off_start    = aij_off_start.data();
        off_data     = aij_off_values.data();
      }
    std::fill(diag_data, diag_data + n_diag, 0.);
    std::fill(off_data, off_data + n_off, 0.);

    // 3. Diagonal-block columns, local numbering; hypre wants the diagonal
    //    entry first, the rest stays sorted.
    for (size_type i = 0; i < n_local; ++i)
      {
        row_pattern(first_row + i, columns);
        const auto lo = std::lower_bound(columns.begin(), columns.end(), first_row);
        const auto hi = std::lower_bound(lo, columns.end(), end_row);
        int       *d  = diag_columns + diag_start[i];
        if (hypre)
          {
            if (!std::binary_search(lo, hi, first_row + i))
              throw std::runtime_error("internal error: matrix row " +
                                       std::to_string(first_row + i) + " has no diagonal entry");
            *d++ = i;
          }
        for (auto c = lo; c != hi; ++c)
          if (!hypre || *c != first_row + i)
            *d++ = *c - first_row;
      }
    off_rank_entries.clear();
  }

  void
  SystemMatrix::add_to_owned_row(const size_type row, const size_type column, const double value)
  {
    const size_type i = row - first_row;
    if (column >= first_row && column < end_row)
      {
        const int local = column - first_row;
        int       begin = diag_start[i];
        if (layout == Layout::hypre_parcsr)
          {
            if (local == int(i))
              {
                diag_data[begin] += value;
                return;
              }
            ++begin;
          }
        const int *first = diag_columns + begin;
        const int *end   = diag_columns + diag_start[i + 1];
        const int *it    = std::lower_bound(first, end, local);
        if (it == end || *it != local)
          throw std::runtime_error("internal error: matrix entry (" + std::to_string(row) + ", " +
                                   std::to_string(column) + ") outside the sparsity pattern");
        diag_data[it - diag_columns] += value;
      }
    else
      {
        const auto begin = off_columns.begin() + off_start[i];
        const auto end   = off_columns.begin() + off_start[i + 1];
        const auto it    = std::lower_bound(begin, end, PetscInt(column));
        if (it == end || *it != PetscInt(column))
          throw std::runtime_error("internal error: matrix entry (" + std::to_string(row) + ", " +
                                   std::to_string(column) + ") outside the sparsity pattern");
        off_data[it - off_columns.begin()] += value;
      }
  }

  void SystemMatrix::add(const size_type  row,
                         const size_type  n_cols,
                         const size_type *columns,
                         const double    *values,
                         const bool       elide_zero_values,
                         const bool       col_indices_are_sorted)
  {
    if (row < first_row || row >= end_row)
      {
        for (size_type k = 0; k < n_cols; ++k)
          off_rank_entries.push_back({row, columns[k], values[k]});
        return;
      }
    if (!col_indices_are_sorted)
      {
        for (size_type k = 0; k < n_cols; ++k)
          if (!elide_zero_values || values[k] != 0.)
            add_to_owned_row(row, columns[k], values[k]);
        return;
      }
    // Sorted columns (what AffineConstraints passes): walk along the row
    // instead of searching it for every entry.
    const size_type i       = row - first_row;
    const bool      hypre   = layout == Layout::hypre_parcsr;
    int             d       = diag_start[i] + (hypre ? 1 : 0);
    const int       d_end   = diag_start[i + 1];
    int             o       = off_start[i];
    const int       o_end   = off_start[i + 1];
    const auto      outside = [&](const size_type column) {
      throw std::runtime_error("internal error: matrix entry (" + std::to_string(row) + ", " +
                               std::to_string(column) + ") outside the sparsity pattern");
    };
    for (size_type k = 0; k < n_cols; ++k)
      {
        const double value = values[k];
        if (elide_zero_values && value == 0.)
          continue;
        const size_type column = columns[k];
        if (column >= first_row && column < end_row)
          {
            const int local = column - first_row;
            if (hypre && local == int(i))
              {
                diag_data[diag_start[i]] += value;
                continue;
              }
            while (d < d_end && diag_columns[d] < local)
              ++d;
            if (d == d_end || diag_columns[d] != local)
              outside(column);
            diag_data[d] += value;
          }
        else
          {
            while (o < o_end && off_columns[o] < PetscInt(column))
              ++o;
            if (o == o_end || off_columns[o] != PetscInt(column))
              outside(column);
            off_data[o] += value;
          }
      }
  }

  void SystemMatrix::add(const size_type row, const size_type column, const double value)
  {
    add(row, 1, &column, &value, false, true);
  }

  void SystemMatrix::exchange_off_rank_entries()
  {
    // Contributions of owned cells to rows of neighbouring ranks: bucket by
    // owner, one all-to-all of counts, one of entries.
    const int n_ranks = row_starts.size() - 1;
    std::sort(off_rank_entries.begin(),
              off_rank_entries.end(),
              [](const OffRankEntry &a, const OffRankEntry &b) { return a.row < b.row; });
    std::vector<int> send_counts(n_ranks, 0), receive_counts(n_ranks, 0);
    for (const OffRankEntry &e : off_rank_entries)
      {
        const int owner = std::upper_bound(row_starts.begin(), row_starts.end() - 1, e.row) -
                          row_starts.begin() - 1;
        send_counts[owner] += sizeof(OffRankEntry);
      }
    MPI_Alltoall(send_counts.data(), 1, MPI_INT, receive_counts.data(), 1, MPI_INT, communicator);
    std::vector<int> send_offsets(n_ranks, 0), receive_offsets(n_ranks, 0);
    for (int r = 1; r < n_ranks; ++r)
      {
        send_offsets[r]    = send_offsets[r - 1] + send_counts[r - 1];
        receive_offsets[r] = receive_offsets[r - 1] + receive_counts[r - 1];
      }
    std::vector<OffRankEntry> received((receive_offsets.back() + receive_counts.back()) /
                                       sizeof(OffRankEntry));
    MPI_Alltoallv(off_rank_entries.data(),
                  send_counts.data(),
                  send_offsets.data(),
                  MPI_BYTE,
                  received.data(),
                  receive_counts.data(),
                  receive_offsets.data(),
                  MPI_BYTE,
                  communicator);
    off_rank_entries.clear();
    off_rank_entries.shrink_to_fit();
    for (const OffRankEntry &e : received)
      add_to_owned_row(e.row, e.column, e.value);
  }

  void SystemMatrix::compress(VectorOperation::values)
  {
    exchange_off_rank_entries();
    const MPI_Comm comm = get_mpi_communicator();
    if (layout == Layout::hypre_parcsr)
      {
        if (!hypre_wrapped)
          {
            hypre_ParCSRMatrixSetNumNonzeros(parcsr);
            hypre_ParCSRMatrixSetDNumNonzeros(parcsr);
            check(MatDestroy(&matrix), "destroy the initial empty matrix");
            check(MatCreateFromParCSR(parcsr, MATHYPRE, PETSC_OWN_POINTER, &matrix),
                  "wrap the hypre matrix");
            hypre_wrapped = true;
            check(MatSetBlockSize(matrix, block), "set the block size");
          }
        // Later assemblies change the values in place; every solve sets up
        // a new preconditioner from them.
        check(MatSetOption(matrix, MAT_SYMMETRIC, symmetric ? PETSC_TRUE : PETSC_FALSE),
              "set options");
        return;
      }

    if (aij_current)
      {
        // The same PETSc matrix reads the arrays just reassembled in place:
        // a new assembly of the same nonzero pattern (a kept direct
        // factorisation then redoes only its numeric phase).
        check(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), "assemble");
        check(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), "assemble");
        return;
      }
    const PetscInt n_local = end_row - first_row;
    const PetscInt n       = m();
    check(MatDestroy(&matrix), "destroy the previous matrix");
    // PETSc uses the arrays in place (they live as long as this object) and
    // renumbers the off-diagonal columns it is given.
    off_columns_for_petsc = off_columns;
    check(MatCreateMPIAIJWithSplitArrays(comm,
                                         n_local,
                                         n_local,
                                         n,
                                         n,
                                         aij_diag_start.data(),
                                         aij_diag_columns.data(),
                                         aij_diag_values.data(),
                                         aij_off_start.data(),
                                         off_columns_for_petsc.data(),
                                         aij_off_values.data(),
                                         &matrix),
          "create the system matrix from its arrays");
    check(MatSetBlockSize(matrix, block), "set the block size");
    check(MatSetOption(matrix, MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE), "set options");
    check(MatSetOption(matrix, MAT_SYMMETRIC, symmetric ? PETSC_TRUE : PETSC_FALSE), "set options");
    check(MatAssemblyBegin(matrix, MAT_FINAL_ASSEMBLY), "assemble");
    check(MatAssemblyEnd(matrix, MAT_FINAL_ASSEMBLY), "assemble");
    aij_current = true;
  }

  void SystemMatrix::reset()
  {
    if (arrays_freed)
      throw std::runtime_error("internal error: the matrix pattern was freed; "
                               "call keep_pattern(true) before assembling twice");
    std::fill(diag_data, diag_data + n_diag, 0.);
    std::fill(off_data, off_data + n_off, 0.);
    off_rank_entries.clear();
  }

  void SystemMatrix::convert_to_hypre()
  {
    if (layout == Layout::hypre_parcsr)
      return;
    // The conversion drops the block size, which hypre needs for systems AMG.
    PetscInt block_size = 1;
    check(MatGetBlockSize(matrix, &block_size), "read the block size");
    check(MatConvert(matrix, MATHYPRE, MAT_INPLACE_MATRIX, &matrix), "convert to MATHYPRE");
    aij_current = false; // the next compress() makes a new AIJ matrix
    check(MatSetBlockSize(matrix, block_size), "set the block size");
    if (keep_arrays)
      return;
    for (auto *v : {&aij_diag_start, &aij_diag_columns, &aij_off_start})
      std::vector<PetscInt>().swap(*v);
    std::vector<PetscInt>().swap(off_columns);
    std::vector<PetscInt>().swap(off_columns_for_petsc);
    std::vector<PetscScalar>().swap(aij_diag_values);
    std::vector<PetscScalar>().swap(aij_off_values);
    arrays_freed = true;
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
// The matrix alone (the dummy vector of the three-argument form).
template void dealii::AffineConstraints<double>::distribute_local_to_global<roofspan::SystemMatrix,
                                                                            dealii::Vector<double>>(
    const FullMatrix<double> &,
    const Vector<double> &,
    const std::vector<types::global_dof_index> &,
    roofspan::SystemMatrix &,
    dealii::Vector<double> &,
    bool,
    std::integral_constant<bool, false>) const;
