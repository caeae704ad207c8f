// SystemNumbering against its definition: rank p's rows are its rock DoFs
// shifted by the extra (bolt) unknowns of ranks before it, then its own
// extras. Uneven ranks, one without rock DoFs and one without extras
// (run on 1 and 3 ranks). Checked: every rank's rows are one range, the
// ranges tile [0, n) in rank order, rock and extra indices are disjoint,
// and the map is one-to-one and keeps the rock order. Exit 1 on failure.
#include <roofspan/solvers/system_numbering.h>

#include <deal.II/base/mpi.h>

#include <cstdio>
#include <set>

using namespace dealii;
using namespace roofspan;
using Index = SystemNumbering::index;

int main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  const MPI_Comm                   comm    = MPI_COMM_WORLD;
  const unsigned int               rank    = Utilities::MPI::this_mpi_process(comm);
  const unsigned int               n_ranks = Utilities::MPI::n_mpi_processes(comm);

  // Rank p owns 6 (p + 1) rock DoFs (none on rank 1) and 3 p extras.
  const auto n_rock_of = [](const unsigned int p) -> Index { return p == 1 ? 0 : 6 * (p + 1); };
  Index      n_rock = 0, first = 0;
  for (unsigned int p = 0; p < n_ranks; ++p)
    {
      if (p == rank)
        first = n_rock;
      n_rock += n_rock_of(p);
    }
  IndexSet rock_owned(n_rock);
  rock_owned.add_range(first, first + n_rock_of(rank));
  const SystemNumbering numbering(rock_owned, 3 * rank, comm);

  int        failures = 0;
  const auto check    = [&](const bool ok, const char *what) {
    if (!ok)
      {
        std::printf("rank %u: FAILED %s\n", rank, what);
        ++failures;
      }
  };
  Index n_extra = 0;
  for (unsigned int p = 0; p < n_ranks; ++p)
    n_extra += 3 * p;
  check(numbering.n_dofs() == n_rock + n_extra, "total = rock + extras");

  // Ranges tile [0, n) in rank order: rank p starts where rank p - 1 ends.
  const IndexSet owned = numbering.owned();
  check(owned.is_contiguous() && owned.n_elements() == n_rock_of(rank) + 3 * rank,
        "owned rows: one range of rock + extras");
  const std::vector<Index> starts =
      Utilities::MPI::all_gather(comm, owned.n_elements() ? owned.nth_index_in_set(0) : Index(0));
  const std::vector<Index> sizes    = Utilities::MPI::all_gather(comm, Index(owned.n_elements()));
  Index                    expected = 0;
  for (unsigned int p = 0; p < n_ranks; ++p)
    {
      check(sizes[p] == 0 || starts[p] == expected, "ranges follow each other by rank");
      expected += sizes[p];
    }
  check(expected == numbering.n_dofs(), "ranges cover every row");

  // The map: one-to-one, order kept, owned rock first on its owner, no
  // overlap with the extras; the IndexSet version agrees.
  const IndexSet  extras = numbering.all_extra();
  std::set<Index> images;
  IndexSet        all_rock(n_rock), mapped_each(numbering.n_dofs());
  Index           previous = 0;
  all_rock.add_range(0, n_rock);
  for (Index d = 0; d < n_rock; ++d)
    {
      const Index s = numbering.of_rock(d);
      check(d == 0 || s > previous, "order kept");
      check(!extras.is_element(s), "rock and extras disjoint");
      images.insert(s);
      mapped_each.add_index(s);
      previous = s;
    }
  check(images.size() == n_rock, "one-to-one");
  check(extras.n_elements() == n_extra, "extras: every rank's");
  mapped_each.compress();
  check(numbering.of_rock(all_rock) == mapped_each, "IndexSet map = element map");
  for (Index d = first; d < first + n_rock_of(rank); ++d)
    check(owned.index_within_set(numbering.of_rock(d)) == d - first, "own rock rows come first");
  check(numbering.first_extra(rank) ==
                (owned.n_elements() ? owned.nth_index_in_set(0) : 0) + n_rock_of(rank) ||
            owned.n_elements() == 0,
        "own extras after own rock rows");

  failures = Utilities::MPI::sum(failures, comm);
  if (rank == 0)
    std::printf("SystemNumbering on %u rank(s): %s (%llu rock DoFs, %llu extras)\n",
                n_ranks,
                failures ? "FAILED" : "PASSED",
                (unsigned long long)n_rock,
                (unsigned long long)n_extra);
  return failures ? 1 : 0;
}
