#pragma once

#include <deal.II/base/mpi.h>
#include <deal.II/base/point.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace roofspan
{
  /**
   * A value and where it occurs, reduced over all ranks (largest value
   * wins; on equal values the smallest coordinates, so the answer does not
   * depend on the partition).
   */
  template <int dim>
  struct LocatedExtreme
  {
    double             value = -std::numeric_limits<double>::infinity();
    dealii::Point<dim> where;

    void offer(const double v, const dealii::Point<dim> &p)
    {
      if (!std::isfinite(v))
        return;
      // Values within 1e-6 (the solver tolerance between rank counts) are
      // ties, broken by position: points on a tension cut-off all carry
      // the tensile strength, and the location must not depend on ranks.
      if (!std::isfinite(value) || v > value + 1e-6 * std::abs(value) ||
          (std::abs(v - value) <= 1e-6 * std::abs(value) &&
           std::lexicographical_compare(&p[0], &p[0] + dim, &where[0], &where[0] + dim)))
        {
          value = v;
          where = p;
        }
    }

    LocatedExtreme reduce(MPI_Comm comm) const
    {
      LocatedExtreme best;
      for (const auto &e : dealii::Utilities::MPI::all_gather(comm, std::make_pair(value, where)))
        best.offer(e.first, e.second);
      return best;
    }
  };
} // namespace roofspan
