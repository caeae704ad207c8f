#include <roofspan/core/input_error.h>
#include <roofspan/geometry/cell_material_table.h>
#include <roofspan/geometry/layered_block.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/table.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>

#include <cmath>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void LayeredBlock<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Layered block");
    prm.declare_entry("Width", "9", Patterns::Double(), "Extent in x [m].");
    prm.declare_entry("Length", "3", Patterns::Double(), "Extent in y (3D only) [m].");
    prm.declare_entry("Cell size",
                      "0.5",
                      Patterns::Double(),
                      "Target cell size of the coarse mesh [m]; each extent "
                      "and each layer gets a whole number of cells.");
    prm.leave_subsection();
  }

  template <int dim>
  LayeredBlock<dim>::LayeredBlock(ParameterHandler   &prm,
                                  const std::string  &file,
                                  const Stratigraphy &stratigraphy)
      : stratigraphy(stratigraphy)
  {
    prm.enter_subsection("Geometry");
    prm.enter_subsection("Layered block");
    width     = prm.get_double("Width");
    length    = prm.get_double("Length");
    cell_size = prm.get_double("Cell size");
    prm.leave_subsection();
    prm.leave_subsection();
    const std::string s = "Geometry/Layered block/";
    require(width > 0, file, s + "Width", "expected > 0 m");
    require(dim == 2 || length > 0, file, s + "Length", "expected > 0 m");
    require(cell_size > 0, file, s + "Cell size", "expected > 0 m");
    require(stratigraphy.base_elevation() == 0,
            file,
            "Stratigraphy/Layers below floor",
            "a layered block has no floor layers; list all layers above floor");

    this->description = "layered block";
    // Bolts go in from the base, as into the roof of an opening.
    this->bolt_surface.present   = true;
    this->bolt_surface.elevation = 0;
    this->bolt_surface.centre    = width / 2;
    this->bolt_surface.span      = width;
    this->bolt_surface.row_begin = 0;
    this->bolt_surface.row_end   = length;
    if (dim == 2)
      this->boundary_names = {{0, "x_min"}, {1, "x_max"}, {2, "bottom"}, {3, "top"}};
    else
      this->boundary_names = {
          {0, "x_min"}, {1, "x_max"}, {2, "y_min"}, {3, "y_max"}, {4, "bottom"}, {5, "top"}};
    const auto &layers = stratigraphy.layers();
    for (unsigned int i = 0; i < layers.size(); ++i)
      this->regions[i] = {"layer " + format_number(i) + " (" + layers[i].unit + ")",
                          layers[i].unit,
                          false};
  }

  template <int dim>
  void LayeredBlock<dim>::create_coarse_mesh(Triangulation<dim, dim> &tria) const
  {
    const auto uniform = [&](const double extent) {
      const unsigned int n = std::max(1., std::round(extent / cell_size));
      return std::vector<double>(n, extent / n);
    };
    std::vector<std::vector<double>> spacing(dim);
    spacing[0] = uniform(width);
    if (dim == 3)
      spacing[1] = uniform(length);
    for (const auto &layer : stratigraphy.layers())
      for (const double h : uniform(layer.top - layer.bottom))
        spacing[dim - 1].push_back(h);

    const auto material = cell_material_table<dim>(spacing, Point<dim>(), [&](const Point<dim> &c) {
      return types::material_id(stratigraphy.layer_at(c[dim - 1]));
    });
    // colorize = true numbers the faces x_min=0, x_max=1, ... as named above.
    GridGenerator::subdivided_hyper_rectangle(tria, spacing, Point<dim>(), material, true);
  }

  template class LayeredBlock<2>;
  template class LayeredBlock<3>;
} // namespace roofspan
