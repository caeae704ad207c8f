#include <roofspan/solvers/system_numbering.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  SystemNumbering::SystemNumbering(const IndexSet &rock_owned,
                                   const index     n_extra_owned,
                                   MPI_Comm        comm)
      : my_rank(Utilities::MPI::this_mpi_process(comm))
  {
    if (!rock_owned.is_contiguous())
      throw std::runtime_error("internal error: a rank's rock DoFs are not contiguous");
    const index        begin   = rock_owned.n_elements() > 0 ? rock_owned.nth_index_in_set(0) : 0;
    const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(comm);
    const unsigned long long mine[3] = {begin, begin + rock_owned.n_elements(), n_extra_owned};
    std::vector<std::array<unsigned long long, 3>> ranks(n_ranks);
    MPI_Allgather(mine, 3, MPI_UNSIGNED_LONG_LONG, ranks.data(), 3, MPI_UNSIGNED_LONG_LONG, comm);
    rock_begin.resize(n_ranks);
    rock_end.resize(n_ranks);
    shift.assign(n_ranks + 1, 0);
    index expected = 0;
    for (unsigned int p = 0; p < n_ranks; ++p)
      {
        const bool empty = ranks[p][1] == ranks[p][0];
        rock_begin[p]    = empty ? expected : ranks[p][0];
        rock_end[p]      = empty ? expected : ranks[p][1];
        if (rock_begin[p] != expected)
          throw std::runtime_error("internal error: rock DoFs are not numbered by rank");
        expected     = rock_end[p];
        shift[p + 1] = shift[p] + ranks[p][2];
      }
    if (expected != rock_owned.size())
      throw std::runtime_error("internal error: the ranks' rock DoFs do not add up");
    n_total = expected + shift[n_ranks];
  }

  unsigned int SystemNumbering::owner_of_rock(const index rock_dof) const
  {
    // The first rank whose range ends after the DoF (empty ranks end where
    // the previous one does, so they are skipped).
    const auto it = std::upper_bound(rock_end.begin(), rock_end.end(), rock_dof);
    if (it == rock_end.end())
      throw std::runtime_error("internal error: rock DoF beyond the last rank's range");
    return it - rock_end.begin();
  }

  void SystemNumbering::of_rock(std::vector<index> &indices) const
  {
    for (index &i : indices)
      i = of_rock(i);
  }

  IndexSet SystemNumbering::of_rock(const IndexSet &rock_dofs) const
  {
    // The shift is constant on each rank's range: map whole intervals, cut
    // at range ends.
    IndexSet set(n_total);
    for (auto range = rock_dofs.begin_intervals(); range != rock_dofs.end_intervals(); ++range)
      {
        index       lo  = *range->begin();
        const index end = range->last() + 1;
        while (lo < end)
          {
            const unsigned int p  = owner_of_rock(lo);
            const index        hi = std::min(end, rock_end[p]);
            set.add_range(lo + shift[p], hi + shift[p]);
            lo = hi;
          }
      }
    set.compress();
    return set;
  }

  IndexSet SystemNumbering::owned() const
  {
    IndexSet set(n_total);
    set.add_range(rock_begin[my_rank] + shift[my_rank], first_extra(my_rank) + n_extra(my_rank));
    return set;
  }

  IndexSet SystemNumbering::all_extra() const
  {
    IndexSet set(n_total);
    for (unsigned int p = 0; p + 1 < shift.size(); ++p)
      set.add_range(first_extra(p), first_extra(p) + n_extra(p));
    set.compress();
    return set;
  }
} // namespace roofspan
