#include <roofspan/simulator/contact_layer_constraints.h>

#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/affine_constraints.h>

#include <array>
#include <cmath>
#include <vector>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    /// A cell's thickness direction and thickness: its shortest edge.
    template <typename CellIterator>
    std::pair<unsigned int, double> thinnest_direction(const CellIterator &cell,
                                                       const unsigned int  dim)
    {
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
      return {axis, length};
    }
  } // namespace

  template <int dim>
  double contact_layer_thickness_mismatch(const Triangulation<dim, dim>              &mesh,
                                          const std::map<types::material_id, double> &thickness)
  {
    double worst = 0;
    for (const auto &cell : mesh.active_cell_iterators())
      {
        if (!cell->is_locally_owned())
          continue;
        const auto it = thickness.find(cell->material_id());
        if (it == thickness.end())
          continue;
        const double t = thinnest_direction(cell, dim).second;
        worst          = std::max(worst, std::abs(t - it->second) / it->second);
      }
    return worst;
  }

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
        const unsigned int axis = thinnest_direction(cell, dim).first;
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

  template double contact_layer_thickness_mismatch<2>(const Triangulation<2, 2> &,
                                                      const std::map<types::material_id, double> &);
  template double contact_layer_thickness_mismatch<3>(const Triangulation<3, 3> &,
                                                      const std::map<types::material_id, double> &);
  template void   add_contact_layer_constraints<2>(const DoFHandler<2, 2> &,
                                                 const std::set<types::material_id> &,
                                                 AffineConstraints<double> &);
  template void   add_contact_layer_constraints<3>(const DoFHandler<3, 3> &,
                                                 const std::set<types::material_id> &,
                                                 AffineConstraints<double> &);
} // namespace roofspan
