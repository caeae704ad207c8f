#include <roofspan/simulator/contact_layer_constraints.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe.h>
#include <deal.II/lac/affine_constraints.h>

#include <array>
#include <cmath>
#include <vector>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void add_contact_layer_constraints(const DoFHandler<dim, dim>         &dof_handler,
                                     const std::set<types::material_id> &contact_materials,
                                     AffineConstraints<double>          &constraints)
  {
    if (contact_materials.empty())
      return;
    const FiniteElement<dim> &fe     = dof_handler.get_fe();
    const auto               &points = fe.get_unit_support_points();
    const double              tol    = 1e-10;

    // Per thickness axis: (interior DoF, DoF on the face at 0, DoF on the
    // face at 1, weight of the face at 1), in the cell's local numbering.
    struct Interpolation
    {
      unsigned int inner, lower, upper;
      double       weight;
    };
    std::array<std::vector<Interpolation>, dim> rules;
    for (unsigned int axis = 0; axis < dim; ++axis)
      for (unsigned int i = 0; i < fe.dofs_per_cell; ++i)
        {
          const double s = points[i][axis];
          if (s < tol || s > 1 - tol)
            continue;
          const unsigned int component = fe.system_to_component_index(i).first;
          int                lower = -1, upper = -1;
          for (unsigned int j = 0; j < fe.dofs_per_cell; ++j)
            {
              if (fe.system_to_component_index(j).first != component)
                continue;
              bool same_place = true;
              for (unsigned int d = 0; d < dim; ++d)
                if (d != axis && std::abs(points[j][d] - points[i][d]) > tol)
                  same_place = false;
              if (!same_place)
                continue;
              if (points[j][axis] < tol)
                lower = j;
              else if (points[j][axis] > 1 - tol)
                upper = j;
            }
          if (lower < 0 || upper < 0)
            throw std::logic_error("contact layer constraints: no face nodes for an interior node");
          rules[axis].push_back({i, unsigned(lower), unsigned(upper), s});
        }

    std::vector<types::global_dof_index> dofs(fe.dofs_per_cell);
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        if (cell->is_artificial() || contact_materials.count(cell->material_id()) == 0)
          continue;
        // The thickness: the shortest of the cell's edge directions.
        unsigned int axis   = 0;
        double       length = std::numeric_limits<double>::max();
        for (unsigned int d = 0; d < dim; ++d)
          {
            const double l = cell->vertex(0).distance(cell->vertex(1u << d));
            if (l < length)
              {
                length = l;
                axis   = d;
              }
          }
        cell->get_dof_indices(dofs);
        for (const Interpolation &r : rules[axis])
          {
            const types::global_dof_index inner = dofs[r.inner];
            if (!constraints.can_store_line(inner) || constraints.is_constrained(inner))
              continue;
            constraints.add_line(inner);
            constraints.add_entry(inner, dofs[r.lower], 1 - r.weight);
            constraints.add_entry(inner, dofs[r.upper], r.weight);
          }
      }
  }

  template void add_contact_layer_constraints<2>(const DoFHandler<2, 2> &,
                                                 const std::set<types::material_id> &,
                                                 AffineConstraints<double> &);
  template void add_contact_layer_constraints<3>(const DoFHandler<3, 3> &,
                                                 const std::set<types::material_id> &,
                                                 AffineConstraints<double> &);
} // namespace roofspan
