#pragma once

#include <deal.II/base/point.h>
#include <deal.II/dofs/dof_handler.h>

#include <functional>
#include <optional>
#include <vector>

namespace roofspan
{
  template <int dim>
  class Simulator;

  /// What is evaluated at a point: values from the cell and the point's
  /// coordinates in its reference cell.
  template <int dim>
  using PointEvaluator = std::function<
      std::vector<double>(const typename dealii::DoFHandler<dim>::active_cell_iterator &cell,
                          const dealii::Point<dim> &unit_point)>;

  /**
   * `evaluate` in one cell that contains `point`, the same on every rank
   * count: a point on a cell boundary (a rib corner, an interface) lies in
   * several cells, and stress jumps there; of all cells that contain it the
   * one with the lexicographically smallest centre evaluates, whichever rank
   * owns it, and its values are broadcast. Collective; nullopt on every rank
   * if no cell contains the point.
   */
  template <int dim>
  std::optional<std::vector<double>> evaluate_at_point(const Simulator<dim>      &model,
                                                       const dealii::Point<dim>  &point,
                                                       const PointEvaluator<dim> &evaluate);
} // namespace roofspan
