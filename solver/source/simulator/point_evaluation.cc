#include <roofspan/simulator/point_evaluation.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <utility>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  std::optional<std::vector<double>> evaluate_at_point(const Simulator<dim>      &model,
                                                       const Point<dim>          &point,
                                                       const PointEvaluator<dim> &evaluate)
  {
    const auto smaller = [](const Point<dim> &a, const Point<dim> &b) {
      return std::lexicographical_compare(&a[0], &a[0] + dim, &b[0], &b[0] + dim);
    };
    std::vector<double> values;
    Point<dim>          best_centre;
    bool                found = false;
    for (const auto &cell : model.dof_handler.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        const Point<dim> centre = cell->center();
        if (found && !smaller(centre, best_centre))
          continue;
        const auto unit = model.unit_point_in(cell, point);
        if (!unit)
          continue;
        values      = evaluate(cell, *unit);
        best_centre = centre;
        found       = true;
      }
    const auto candidates =
        Utilities::MPI::all_gather(model.mpi_communicator, std::make_pair(found, best_centre));
    unsigned int owner = numbers::invalid_unsigned_int;
    for (unsigned int r = 0; r < candidates.size(); ++r)
      if (candidates[r].first && (owner == numbers::invalid_unsigned_int ||
                                  smaller(candidates[r].second, candidates[owner].second)))
        owner = r;
    if (owner == numbers::invalid_unsigned_int)
      return std::nullopt;
    return Utilities::MPI::broadcast(model.mpi_communicator, values, owner);
  }

  template std::optional<std::vector<double>>
  evaluate_at_point<2>(const Simulator<2> &, const Point<2> &, const PointEvaluator<2> &);
  template std::optional<std::vector<double>>
  evaluate_at_point<3>(const Simulator<3> &, const Point<3> &, const PointEvaluator<3> &);
} // namespace roofspan
