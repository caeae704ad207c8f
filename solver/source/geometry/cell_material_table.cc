#include <roofspan/geometry/cell_material_table.h>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  Table<dim, types::material_id>
  cell_material_table(const std::vector<std::vector<double>>                      &spacing,
                      const Point<dim>                                            &origin,
                      const std::function<types::material_id(const Point<dim> &)> &material_at)
  {
    TableIndices<dim>                sizes;
    std::vector<std::vector<double>> centres(dim);
    for (unsigned int d = 0; d < dim; ++d)
      {
        sizes[d] = spacing[d].size();
        double x = origin[d];
        for (const double h : spacing[d])
          {
            centres[d].push_back(x + h / 2);
            x += h;
          }
      }
    Table<dim, types::material_id> material;
    material.reinit(sizes);
    for (unsigned int flat = 0; flat < material.n_elements(); ++flat)
      {
        TableIndices<dim> index;
        Point<dim>        centre;
        unsigned int      rest = flat;
        for (unsigned int d = 0; d < dim; ++d)
          {
            index[d]  = rest % sizes[d];
            centre[d] = centres[d][index[d]];
            rest /= sizes[d];
          }
        material(index) = material_at(centre);
      }
    return material;
  }

  template Table<2, types::material_id>
  cell_material_table<2>(const std::vector<std::vector<double>> &,
                         const Point<2> &,
                         const std::function<types::material_id(const Point<2> &)> &);
  template Table<3, types::material_id>
  cell_material_table<3>(const std::vector<std::vector<double>> &,
                         const Point<3> &,
                         const std::function<types::material_id(const Point<3> &)> &);
} // namespace roofspan
