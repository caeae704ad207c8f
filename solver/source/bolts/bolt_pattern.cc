#include <roofspan/bolts/bolt_pattern.h>
#include <roofspan/core/input_error.h>
#include <roofspan/materials/material_library.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void BoltPattern<dim>::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Bolts");
    prm.declare_entry("Product",
                      "",
                      Patterns::Anything(),
                      "Bolt product from the material library; empty = unsupported roof.");
    prm.declare_entry("Length", "1.8", Patterns::Double(), "Bolt length [m].");
    prm.declare_entry("Bolts per row",
                      "4",
                      Patterns::Integer(1),
                      "Bolts across the span, evenly spaced between the edge distances.");
    prm.declare_entry("Edge distance",
                      "0.5",
                      Patterns::Double(),
                      "Distance of the outermost bolts from the ribs [m].");
    prm.declare_entry("Offsets",
                      "",
                      Patterns::Anything(),
                      "Explicit across-span positions, comma-separated, measured "
                      "from the opening's centre line [m]; replaces the even "
                      "spacing when given.");
    prm.declare_entry("Row spacing",
                      "1.2",
                      Patterns::Double(),
                      "Spacing of bolt rows along the opening [m]. 2D: each row "
                      "is smeared over it (per metre of drift).");
    prm.declare_entry("First row",
                      "-1",
                      Patterns::Double(),
                      "3D: position of the first row along the drift [m]; "
                      "-1 = half a row spacing from the start of the roof.");
    prm.declare_entry("Rib bolt inclination",
                      "0",
                      Patterns::Double(0, 60),
                      "Tilt of the outermost bolt on each side from the "
                      "vertical, toward the rib [degrees].");
    prm.declare_entry("Pretension",
                      "0",
                      Patterns::Double(),
                      "End-anchored bolts: axial force applied at installation [N].");
    prm.declare_entry("Installation relaxation",
                      "0.3",
                      Patterns::Double(),
                      "Fraction of the excavation load released before the bolts "
                      "are installed (RS2/FLAC load split); the bolts take only "
                      "the deformation after it. In [0, 1).");
    prm.declare_entry("Elements per cell",
                      "2",
                      Patterns::Integer(1, 16),
                      "Bolt elements per host cell the bolt crosses.");
    prm.declare_entry("Head displacement",
                      "0",
                      Patterns::Double(),
                      "Verification (pull-out test): displacement imposed on "
                      "every collar out of the hole over the bolt stage [m]; "
                      "0 = free collar.");
    prm.leave_subsection();
  }

  template <int dim>
  void BoltPattern<dim>::parse_parameters(ParameterHandler         &prm,
                                          const std::string        &file,
                                          const MaterialLibrary    &library,
                                          const ModelGeometry<dim> &geometry)
  {
    prm.enter_subsection("Bolts");
    const std::string product_name = prm.get("Product");
    length                         = prm.get_double("Length");
    bolts_per_row                  = prm.get_integer("Bolts per row");
    edge_distance                  = prm.get_double("Edge distance");
    const std::string offsets_text = prm.get("Offsets");
    row_spacing                    = prm.get_double("Row spacing");
    double first_row               = prm.get_double("First row");
    rib_inclination                = prm.get_double("Rib bolt inclination");
    pretension                     = prm.get_double("Pretension");
    installation_relaxation        = prm.get_double("Installation relaxation");
    elements_per_cell              = prm.get_integer("Elements per cell");
    head_displacement              = prm.get_double("Head displacement");
    prm.leave_subsection();
    lines.clear();
    if (product_name.empty())
      return;

    const auto p        = [](const std::string &key) { return "Bolts/" + key; };
    product             = library.bolt_product(product_name, file, p("Product"));
    const auto &surface = geometry.bolt_surface;
    require(surface.present,
            file,
            p("Product"),
            "this model has no bolt surface (built-in shapes only; Gmsh models "
            "cannot be bolted yet)");
    require(length > 0, file, p("Length"), "expected a length > 0 m, got " + format_number(length));
    require(row_spacing > 0,
            file,
            p("Row spacing"),
            "expected a row spacing > 0 m, got " + format_number(row_spacing));
    require(installation_relaxation >= 0 && installation_relaxation < 1,
            file,
            p("Installation relaxation"),
            "expected a fraction in [0, 1), got " + format_number(installation_relaxation));
    require(pretension >= 0,
            file,
            p("Pretension"),
            "expected a pretension >= 0 N, got " + format_number(pretension));
    require(pretension == 0 || product.type == BoltProduct::Type::end_anchored,
            file,
            p("Pretension"),
            "only end-anchored bolts are pretensioned; '" + product.name + "' is " +
                product.type_name());
    require(pretension <= product.yield_force,
            file,
            p("Pretension"),
            "pretension " + format_number(pretension) + " N exceeds the yield force " +
                format_number(product.yield_force) + " N");
    require(product.type != BoltProduct::Type::end_anchored ||
                pretension < product.bond_strength * product.anchor_length,
            file,
            p("Pretension"),
            "pretension " + format_number(pretension) + " N exceeds what the anchor holds (bond " +
                "strength x anchor length = " +
                format_number(product.bond_strength * product.anchor_length) + " N)");
    require(product.type != BoltProduct::Type::end_anchored || product.anchor_length < length,
            file,
            p("Length"),
            "an end-anchored bolt must be longer than its anchor (" +
                format_number(product.anchor_length) + " m)");

    // Across-span positions, from the centre line.
    std::vector<double> offsets;
    const double        half = surface.span / 2;
    if (!offsets_text.empty())
      {
        for (const auto &word : Utilities::split_string_list(offsets_text, ','))
          {
            const double value = parse_number(word, file, p("Offsets"));
            require(std::abs(value) <= half + 1e-12,
                    file,
                    p("Offsets"),
                    "offset " + format_number(value) + " m lies outside the span (+-" +
                        format_number(half) + " m from the centre line)");
            offsets.push_back(value);
          }
      }
    else
      {
        require(edge_distance >= 0 && (bolts_per_row == 1 || edge_distance < half),
                file,
                p("Edge distance"),
                "expected 0 <= edge distance < half the span (" + format_number(half) +
                    " m), got " + format_number(edge_distance));
        // Before any allocation: evenly spaced holes closer than the bar
        // diameter (2e9 bolts per row) are refused without a list of them.
        if (bolts_per_row > 1)
          require((surface.span - 2 * edge_distance) / (bolts_per_row - 1) >= product.diameter,
                  file,
                  p("Bolts per row"),
                  "the spacing of bolts in a row " +
                      format_number((surface.span - 2 * edge_distance) / (bolts_per_row - 1)) +
                      " m is less than the bar diameter (" + format_number(product.diameter) +
                      " m): the holes would overlap");
        if (bolts_per_row == 1)
          offsets.push_back(0);
        else
          for (unsigned int i = 0; i < bolts_per_row; ++i)
            offsets.push_back(-half + edge_distance +
                              i * (surface.span - 2 * edge_distance) / (bolts_per_row - 1));
      }
    const double lo = *std::min_element(offsets.begin(), offsets.end());
    const double hi = *std::max_element(offsets.begin(), offsets.end());

    // Bolts closer than their diameter cannot be drilled; closer than a few
    // diameters they share the rock between them, which the model (each
    // bolt bonded to undisturbed rock) does not represent.
    {
      std::vector<double> sorted = offsets;
      std::sort(sorted.begin(), sorted.end());
      double gap = std::numeric_limits<double>::infinity();
      for (unsigned int i = 1; i < sorted.size(); ++i)
        if (sorted[i] - sorted[i - 1] > 1e-9) // a bolt given twice is one bolt
          gap = std::min(gap, sorted[i] - sorted[i - 1]);
      const double d = product.diameter;
      const auto   check =
          [&](const std::string &parameter, const double spacing, const std::string &what) {
            require(spacing >= d,
                    file,
                    parameter,
                    what + " " + format_number(spacing) + " m is less than the bar diameter (" +
                        format_number(d) + " m): the holes would overlap");
            if (spacing < crowding_diameters * d)
              warnings.push_back("bolts crowded: " + what + " " + format_number(spacing) +
                                 " m is less than " + format_number(crowding_diameters) +
                                 " bar diameters (" + format_number(crowding_diameters * d) +
                                 " m); the bolts share the rock between them, which the model "
                                 "does not represent (" +
                                 parameter + ")");
          };
      if (std::isfinite(gap))
        check(offsets_text.empty() ? p("Bolts per row") : p("Offsets"),
              gap,
              "the spacing of bolts in a row");
      check(p("Row spacing"), row_spacing, "the row spacing");
    }

    // Rows (3D): along the drift from the start of the roof.
    std::vector<double> rows{0.};
    if (dim == 3)
      {
        rows.clear();
        if (first_row < 0)
          first_row = surface.row_begin + row_spacing / 2;
        for (double y = first_row; y <= surface.row_end + 1e-9; y += row_spacing)
          rows.push_back(y);
        require(!rows.empty(),
                file,
                p("First row"),
                "no row lies on the roof (" + format_number(surface.row_begin) + " to " +
                    format_number(surface.row_end) + " m)");
      }

    const double tilt = rib_inclination * M_PI / 180.;
    // across = axis across the span; along = axis of the rows.
    const auto add = [&](const double offset, const double row, const unsigned int across) {
      BoltLine<dim> b;
      b.offset          = offset;
      b.row             = row;
      b.length          = length;
      b.collar[dim - 1] = surface.elevation;
      b.collar[across]  = (across == 0 ? surface.centre : 0) + offset;
      if (dim == 3)
        b.collar[1 - across] = row;
      double side = 0; // outermost bolts lean toward their rib
      if (offsets.size() > 1 && (offset == lo || offset == hi))
        side = offset < 0 ? -1 : 1;
      b.direction[dim - 1] = std::cos(tilt * std::abs(side));
      b.direction[across]  = std::sin(tilt * std::abs(side)) * side;
      // Only the part of the model in the domain counts.
      for (const auto &plane : surface.mirror_planes)
        {
          const double beyond = plane.side * (plane.value - b.collar[plane.axis]);
          if (std::abs(beyond) < 1e-9 && std::abs(b.direction[plane.axis]) < 1e-12)
            b.weight *= 0.5;
          else if (beyond > 1e-9)
            return; // mirrored half, modelled by its image
        }
      for (const auto &other : lines)
        if (other.collar.distance(b.collar) < 1e-9)
          return;
      lines.push_back(b);
    };
    for (const double row : rows)
      for (const double offset : offsets)
        add(offset, row, 0);
    if (dim == 3 && surface.crossing)
      for (const double row : rows)
        if (row > half + 1e-9) // the crossing room, beyond the intersection
          for (const double offset : offsets)
            add(offset, row, 1);
    // A bolt collared on the mirror side was dropped above: the model keeps
    // one representative of each symmetric pair.
    require(!lines.empty(), file, p("Offsets"), "no bolt lies inside the model");

    std::ostringstream d;
    d << (offsets_text.empty() ? std::to_string(bolts_per_row) : std::to_string(offsets.size()))
      << " x " << format_number(length) << " m " << product.name << " per row, rows "
      << format_number(row_spacing) << " m apart";
    description = d.str();
  }

  template class BoltPattern<2>;
  template class BoltPattern<3>;
} // namespace roofspan
