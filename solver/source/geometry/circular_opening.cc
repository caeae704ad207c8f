#include <roofspan/core/input_error.h>
#include <roofspan/geometry/circular_opening.h>
#include <roofspan/materials/material_library.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/manifold_lib.h>
#include <deal.II/grid/tria.h>

#include <cmath>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void CircularOpening<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Circular opening");
    prm.declare_entry("Radius", "1", Patterns::Double(), "Opening radius a [m].");
    prm.declare_entry("Outer radius", "10", Patterns::Double(), "Outer radius R of the model [m].");
    prm.declare_entry("Radial cells",
                      "8",
                      Patterns::Integer(1),
                      "Coarse cells from wall to outer boundary.");
    prm.declare_entry("Angular cells",
                      "8",
                      Patterns::Integer(1),
                      "Coarse cells over the quarter circle.");
    prm.declare_entry("Material", "", Patterns::Anything(), "Rock unit of the whole block.");
    prm.leave_subsection();
  }

  template <int dim>
  CircularOpening<dim>::CircularOpening(ParameterHandler      &prm,
                                        const std::string     &file,
                                        const MaterialLibrary &library)
  {
    const std::string s = "Geometry/Circular opening/";
    require(dim == 2, file, "Dimension", "model 'circular opening' is 2D only");
    prm.enter_subsection("Geometry");
    prm.enter_subsection("Circular opening");
    radius          = prm.get_double("Radius");
    outer_radius    = prm.get_double("Outer radius");
    radial_cells    = prm.get_integer("Radial cells");
    angular_cells   = prm.get_integer("Angular cells");
    const auto unit = prm.get("Material");
    prm.leave_subsection();
    prm.leave_subsection();
    require(radius > 0, file, s + "Radius", "expected a radius > 0 m");
    require(outer_radius > radius,
            file,
            s + "Outer radius",
            "the opening is wider than the model: outer radius must exceed the radius");
    library.unit(unit, file, s + "Material");

    this->description    = "circular opening, radius " + format_number(radius) + " m";
    this->boundary_names = {{0, "wall"}, {1, "outer"}, {2, "x_axis"}, {3, "y_axis"}};
    this->regions[0]     = {"block (" + unit + ")", unit, false};
  }

  template <int dim>
  void CircularOpening<dim>::attach_manifolds(Triangulation<dim, dim> &tria) const
  {
    if constexpr (dim == 2)
      tria.set_manifold(0, PolarManifold<2>(Point<2>()));
  }

  template <int dim>
  void CircularOpening<dim>::create_coarse_mesh(Triangulation<dim, dim> &tria) const
  {
    if constexpr (dim == 2)
      {
        // Mesh the (t, theta) rectangle and map it to polar coordinates,
        // r = a (R/a)^t: geometric radial grading, cells nearly square.
        GridGenerator::subdivided_hyper_rectangle(tria,
                                                  {radial_cells, angular_cells},
                                                  Point<2>(0, 0),
                                                  Point<2>(1, M_PI / 2));
        const double a = radius, R = outer_radius;
        GridTools::transform(
            [a, R](const Point<2> &p) {
              const double r = a * std::pow(R / a, p[0]);
              return Point<2>(r * std::cos(p[1]), r * std::sin(p[1]));
            },
            tria);
        tria.set_all_manifold_ids(0);
        attach_manifolds(tria);
        for (const auto &cell : tria.active_cell_iterators())
          {
            cell->set_material_id(0);
            for (const auto &face : cell->face_iterators())
              if (face->at_boundary())
                {
                  const Point<2> c = face->center();
                  const double   r = c.norm();
                  if (std::abs(c[1]) < 1e-10 * R)
                    face->set_boundary_id(2);
                  else if (std::abs(c[0]) < 1e-10 * R)
                    face->set_boundary_id(3);
                  else
                    face->set_boundary_id(r < std::sqrt(a * R) ? 0 : 1);
                }
          }
      }
  }

  template class CircularOpening<2>;
  template class CircularOpening<3>;
} // namespace roofspan
