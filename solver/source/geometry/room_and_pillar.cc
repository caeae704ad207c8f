#include <roofspan/core/input_error.h>
#include <roofspan/geometry/cell_material_table.h>
#include <roofspan/geometry/graded_spacing.h>
#include <roofspan/geometry/room_and_pillar.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/table.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/tria.h>

#include <algorithm>
#include <cmath>

namespace roofspan
{
  using namespace dealii;

  namespace boundary
  {
    // Boundary ids of the built-in room-and-pillar shapes.
    constexpr types::boundary_id room_centre = 0, far_side = 1, bottom = 2, top = 3, opening = 4,
                                 front = 5, back = 6;
  } // namespace boundary

  template <int dim>
  void RoomAndPillar<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Room and pillar");
    prm.declare_entry("Room span",
                      "4.5",
                      Patterns::Double(),
                      "Full span of the room (rib to rib) [m].");
    prm.declare_entry("Room height",
                      "2.5",
                      Patterns::Double(),
                      "Height of the opening above its floor [m]; the roof line.");
    prm.declare_entry("Layout",
                      "room and pillar",
                      Patterns::Selection("room and pillar|single opening"),
                      "'room and pillar': the far side is a pillar centre "
                      "line (symmetry). 'single opening': an isolated opening, "
                      "the far side a distant boundary at the model half-width.");
    prm.declare_entry("Pillar width", "6", Patterns::Double(), "Pillar width (rib to rib) [m].");
    prm.declare_entry("Model half-width",
                      "30",
                      Patterns::Double(),
                      "Distance from the room centre line to the far boundary "
                      "for layout 'single opening' [m].");
    prm.declare_entry("Drift length",
                      "12",
                      Patterns::Double(),
                      "3D drift: open length from the symmetry plane y = 0 to "
                      "the face [m].");
    prm.declare_entry("Solid ahead of face",
                      "12",
                      Patterns::Double(),
                      "3D drift: rock modelled beyond the face [m]; 0 = no face: "
                      "the drift runs through the model and its back end (y = "
                      "drift length) is a second symmetry plane, i.e. a drift "
                      "infinitely far from its face (with bolt rows repeating by "
                      "mirror images; compare with the 2D roof section).");
    prm.declare_entry("Cell size at opening",
                      "0.25",
                      Patterns::Double(),
                      "Cell size at the roof line, ribs and layer interfaces [m].");
    prm.declare_entry("Growth ratio",
                      "1.3",
                      Patterns::Double(),
                      "Geometric growth of cell size away from the opening (>= 1).");
    prm.declare_entry("Maximum cell size", "2", Patterns::Double(), "Largest cell size [m].");
    prm.leave_subsection();
  }

  template <int dim>
  RoomAndPillar<dim>::RoomAndPillar(const Shape         shape,
                                    ParameterHandler   &prm,
                                    const std::string  &file,
                                    const Stratigraphy &stratigraphy)
      : shape(shape)
      , stratigraphy(stratigraphy)
  {
    prm.enter_subsection("Geometry");
    prm.enter_subsection("Room and pillar");
    span           = prm.get_double("Room span");
    height         = prm.get_double("Room height");
    single_opening = prm.get("Layout") == "single opening";
    pillar_width   = prm.get_double("Pillar width");
    half_width     = prm.get_double("Model half-width");
    drift_length   = prm.get_double("Drift length");
    solid_ahead    = prm.get_double("Solid ahead of face");
    fine_size      = prm.get_double("Cell size at opening");
    growth_ratio   = prm.get_double("Growth ratio");
    max_size       = prm.get_double("Maximum cell size");
    prm.leave_subsection();
    prm.leave_subsection();

    const std::string s = "Geometry/Room and pillar/";
    // Beyond 10 km no mine opening or its surroundings: such numbers are
    // typing errors, and they make meshes whose coordinates lose all
    // precision (1e308 m hung the symmetry constraints).
    for (const auto &[name, value] : {std::make_pair("Room span", span),
                                      std::make_pair("Room height", height),
                                      std::make_pair("Pillar width", pillar_width),
                                      std::make_pair("Model half-width", half_width),
                                      std::make_pair("Drift length", drift_length),
                                      std::make_pair("Solid ahead of face", solid_ahead),
                                      std::make_pair("Maximum cell size", max_size)})
      require(std::abs(value) <= 1e4,
              file,
              s + name,
              "expected at most 10,000 m, got " + format_number(value) + " m");
    require(growth_ratio <= 10, file, s + "Growth ratio", "expected at most 10");
    require(span > 0, file, s + "Room span", "expected a span > 0 m, got " + format_number(span));
    require(height > 0,
            file,
            s + "Room height",
            "expected a height > 0 m, got " + format_number(height));
    require(stratigraphy.base_elevation() < 0,
            file,
            "Stratigraphy/Layers below floor",
            "room models need at least one layer below the floor");
    require(height < stratigraphy.top_elevation(),
            file,
            s + "Room height",
            "the opening (" + format_number(height) +
                " m) is as tall as or taller than the layers above the floor (" +
                format_number(stratigraphy.top_elevation()) + " m)");
    if (single_opening)
      {
        require(half_width > span / 2,
                file,
                s + "Model half-width",
                "the opening is wider than the model: half-span " + format_number(span / 2) +
                    " m >= model half-width " + format_number(half_width) + " m");
      }
    else
      {
        require(pillar_width > 0,
                file,
                s + "Pillar width",
                "expected a pillar width > 0 m, got " + format_number(pillar_width));
        half_width = (span + pillar_width) / 2;
      }
    if (shape == Shape::drift)
      {
        require(drift_length > 0, file, s + "Drift length", "expected > 0 m");
        require(solid_ahead >= 0, file, s + "Solid ahead of face", "expected >= 0 m");
      }
    require(fine_size > 0 && fine_size <= max_size,
            file,
            s + "Cell size at opening",
            "expected 0 < cell size at opening <= maximum cell size");
    require(growth_ratio >= 1, file, s + "Growth ratio", "expected >= 1");

    const char *names[] = {"roof section", "drift", "intersection"};
    this->description =
        std::string(names[static_cast<int>(shape)]) + ", span " + format_number(span) + " m";
    this->boundary_names = {{boundary::room_centre, "room_centre"},
                            {boundary::far_side, single_opening ? "far_side" : "pillar_centre"},
                            {boundary::bottom, "bottom"},
                            {boundary::top, "top"},
                            {boundary::opening, "opening"}};
    if (dim == 3)
      {
        this->boundary_names[boundary::front] = "front";
        this->boundary_names[boundary::back]  = "back";
      }
    const auto &layers = stratigraphy.layers();
    for (unsigned int i = 0; i < layers.size(); ++i)
      this->regions[i] = {"layer " + format_number(i) + " (" + layers[i].unit + ")",
                          layers[i].unit,
                          layers[i].top > height + 1e-9};
    this->roof.present           = true;
    this->roof.elevation         = height;
    this->roof.boundary          = boundary::opening;
    this->roof.mid_span          = Point<dim>();
    this->roof.mid_span[dim - 1] = height;

    auto &b     = this->bolt_surface;
    b.present   = true;
    b.elevation = height;
    b.centre    = 0;
    b.span      = span;
    b.mirror_planes.push_back({0, 0., +1}); // room centre line
    if (dim == 3)
      {
        b.row_begin = 0;
        b.row_end   = shape == Shape::drift ? drift_length : half_width;
        b.crossing  = shape == Shape::intersection;
        b.mirror_planes.push_back({1, 0., +1});
        if (shape == Shape::drift && solid_ahead == 0)
          b.mirror_planes.push_back({1, drift_length, -1}); // no face: back end mirrors
      }
  }

  template <int dim>
  std::vector<std::pair<std::vector<double>, std::vector<double>>>
  RoomAndPillar<dim>::axis_breaks() const
  {
    const double half_span = span / 2;

    std::vector<double> z_breaks = stratigraphy.interfaces();
    z_breaks.push_back(0.);
    z_breaks.push_back(height);
    std::sort(z_breaks.begin(), z_breaks.end());
    z_breaks.erase(std::unique(z_breaks.begin(),
                               z_breaks.end(),
                               [](double a, double b) { return std::abs(a - b) < 1e-9; }),
                   z_breaks.end());

    // (breakpoints, features) per axis.
    std::vector<std::pair<std::vector<double>, std::vector<double>>> axes(dim);
    axes[0] = {{0., half_span, half_width}, {0., half_span}};
    if (dim == 3)
      {
        if (shape == Shape::drift)
          {
            const double y_extent = drift_length + solid_ahead;
            axes[1]               = solid_ahead > 0 ?
                                        std::make_pair(std::vector<double>{0., drift_length, y_extent},
                                         std::vector<double>{drift_length}) :
                                        std::make_pair(std::vector<double>{0., drift_length},
                                         std::vector<double>{0., drift_length});
          }
        else
          axes[1] = {{0., half_span, half_width}, {0., half_span}};
      }
    axes[dim - 1] = {z_breaks, z_breaks};
    return axes;
  }

  template <int dim>
  std::vector<std::vector<double>> RoomAndPillar<dim>::coarse_spacing() const
  {
    std::vector<std::vector<double>> spacing;
    for (const auto &[breaks, features] : axis_breaks())
      spacing.push_back(graded_spacing(breaks, features, fine_size, growth_ratio, max_size));
    return spacing;
  }

  template <int dim>
  double RoomAndPillar<dim>::estimated_coarse_cells() const
  {
    // Exact where an axis is short enough to grade here; beyond that a
    // lower bound (no cell is larger than the maximum size).
    double cells = 1;
    for (const auto &[breaks, features] : axis_breaks())
      {
        const double extent = breaks.back() - breaks.front();
        cells *=
            extent / fine_size <= 1e7 ?
                double(graded_spacing(breaks, features, fine_size, growth_ratio, max_size).size()) :
                std::ceil(extent / max_size);
      }
    return cells;
  }

  template <int dim>
  void RoomAndPillar<dim>::create_coarse_mesh(Triangulation<dim, dim> &tria) const
  {
    const double                           half_span = span / 2;
    const std::vector<std::vector<double>> spacing   = coarse_spacing();
    const double                           y_extent = dim == 3 ? axis_breaks()[1].first.back() : 0.;

    // Material id per cell from its centre: the layer, or "removed" inside
    // the opening.
    Point<dim> origin;
    origin[dim - 1]     = stratigraphy.base_elevation();
    const auto material = cell_material_table<dim>(spacing, origin, [&](const Point<dim> &c) {
      const double x          = c[0];
      const double z          = c[dim - 1];
      bool         in_opening = x < half_span && z > 0 && z < height;
      if (dim == 3)
        {
          const double y = c[1];
          if (shape == Shape::drift)
            in_opening = in_opening && y < drift_length;
          else
            in_opening = (x < half_span || y < half_span) && z > 0 && z < height;
        }
      return in_opening ? numbers::invalid_material_id :
                          types::material_id(stratigraphy.layer_at(z));
    });
    GridGenerator::subdivided_hyper_rectangle(tria, spacing, origin, material, false);

    const double top  = stratigraphy.top_elevation();
    const double base = stratigraphy.base_elevation();
    const double tol  = 1e-6 * fine_size;
    for (const auto &cell : tria.active_cell_iterators())
      for (const auto &face : cell->face_iterators())
        if (face->at_boundary())
          {
            const Point<dim>   c  = face->center();
            types::boundary_id id = boundary::opening;
            if (std::abs(c[0]) < tol)
              id = boundary::room_centre;
            else if (std::abs(c[0] - half_width) < tol)
              id = boundary::far_side;
            else if (std::abs(c[dim - 1] - base) < tol)
              id = boundary::bottom;
            else if (std::abs(c[dim - 1] - top) < tol)
              id = boundary::top;
            else if (dim == 3 && std::abs(c[1]) < tol)
              id = boundary::front;
            else if (dim == 3 && std::abs(c[1] - y_extent) < tol)
              id = boundary::back;
            face->set_boundary_id(id);
          }
  }

  template class RoomAndPillar<2>;
  template class RoomAndPillar<3>;
} // namespace roofspan
