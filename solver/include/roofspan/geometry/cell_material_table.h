#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/table.h>
#include <deal.II/base/types.h>

#include <functional>
#include <vector>

namespace roofspan
{
  /**
   * The material id of every cell of a tensor-product grid (cell sizes
   * `spacing[d]` from `origin`), chosen from the cell centre: the table that
   * GridGenerator::subdivided_hyper_rectangle takes. numbers::invalid_material_id
   * removes the cell (an opening).
   */
  template <int dim>
  dealii::Table<dim, dealii::types::material_id> cell_material_table(
      const std::vector<std::vector<double>>                                      &spacing,
      const dealii::Point<dim>                                                    &origin,
      const std::function<dealii::types::material_id(const dealii::Point<dim> &)> &material_at);
} // namespace roofspan
