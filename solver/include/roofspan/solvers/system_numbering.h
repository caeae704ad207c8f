#pragma once

#include <deal.II/base/index_set.h>
#include <deal.II/base/types.h>

#include <mpi.h>

#include <vector>

namespace roofspan
{
  /**
   * Numbering of the linear system's unknowns: the rock's finite-element
   * DoFs and the unknowns a rank adds after its own rock rows (the bolts it
   * owns).
   *
   * PETSc and hypre own contiguous row ranges in rank order, and deal.II
   * numbers the rock's DoFs that way too. Rank p's rows are therefore its
   * rock DoFs, shifted by the extra unknowns of ranks before it, followed by
   * its own extra unknowns:
   *
   *   system(d) = d + sum_{q < p} extra_q   for a rock DoF d owned by p.
   *
   * So every rank keeps its rock rows together with the bolt rows of the
   * bolts in its part of the rock, and bolt rows are not all on one rank.
   * The shift keeps node blocks intact when every rank's extra count is a
   * multiple of dim (BoltSet pads it).
   */
  class SystemNumbering
  {
  public:
    using index = dealii::types::global_dof_index;

    SystemNumbering() = default;

    /// `rock_owned`: this rank's rock DoFs (contiguous, ranks in order, as
    /// deal.II numbers them); `n_extra_owned`: the unknowns this rank adds
    /// after them. Collective.
    SystemNumbering(const dealii::IndexSet &rock_owned, index n_extra_owned, MPI_Comm comm);

    /// All unknowns.
    index n_dofs() const
    {
      return n_total;
    }

    /// The system index of rock DoF `rock_dof`.
    index of_rock(const index rock_dof) const
    {
      if (rock_dof >= rock_begin[my_rank] && rock_dof < rock_end[my_rank])
        return rock_dof + shift[my_rank];
      return rock_dof + shift[owner_of_rock(rock_dof)];
    }

    /// In place: rock DoF indices to system indices.
    void of_rock(std::vector<index> &indices) const;

    /// A set of rock DoFs as system indices.
    dealii::IndexSet of_rock(const dealii::IndexSet &rock_dofs) const;

    /// The first extra unknown of rank `rank`, and how many it owns.
    index first_extra(const unsigned int rank) const
    {
      return rock_end[rank] + shift[rank];
    }
    index n_extra(const unsigned int rank) const
    {
      return shift[rank + 1] - shift[rank];
    }

    /// The rows this rank owns.
    dealii::IndexSet owned() const;

    /// Every rank's extra unknowns.
    dealii::IndexSet all_extra() const;

  private:
    unsigned int owner_of_rock(index rock_dof) const;

    unsigned int       my_rank = 0;
    index              n_total = 0;
    std::vector<index> rock_begin, rock_end; ///< per rank, rock numbering
    std::vector<index> shift;                ///< per rank + 1: extras of the ranks before
  };
} // namespace roofspan
