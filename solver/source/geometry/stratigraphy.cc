#include <roofspan/core/input_error.h>
#include <roofspan/geometry/stratigraphy.h>
#include <roofspan/materials/material_library.h>
#include <roofspan/materials/rock_unit.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    // "unit: thickness, unit: thickness" -> pairs, with errors that name the
    // parameter and the offending entry.
    std::vector<std::pair<std::string, double>>
    parse_layer_list(const std::string &text, const std::string &file, const std::string &parameter)
    {
      std::vector<std::pair<std::string, double>> result;
      for (const std::string &entry : Utilities::split_string_list(text, ','))
        {
          const auto parts = Utilities::split_string_list(entry, ':');
          require(parts.size() == 2,
                  file,
                  parameter,
                  "expected 'unit name: thickness' entries separated by "
                  "commas, got '" +
                      entry + "'");
          const double thickness = parse_number(parts[1], file, parameter);
          require(std::isfinite(thickness) && thickness < 1e5,
                  file,
                  parameter,
                  "layer '" + parts[0] + "' has thickness " + parts[1] +
                      " m; expected a finite thickness below 100 km");
          require(thickness > 0,
                  file,
                  parameter,
                  "layer '" + parts[0] + "' has thickness " + parts[1] +
                      " m; thicknesses must be positive");
          result.emplace_back(parts[0], thickness);
        }
      return result;
    }
  } // namespace

  void Stratigraphy::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Stratigraphy");
    prm.declare_entry("Depth of floor",
                      "200",
                      Patterns::Double(0, 1e4),
                      "Depth below surface of the opening's floor [m] (at most 10 km).");
    prm.declare_entry("Layers above floor",
                      "",
                      Patterns::Anything(),
                      "Layers from the opening floor upward, as 'unit: "
                      "thickness [m]' separated by commas. The first layers "
                      "hold the opening; the ones above the roof line form "
                      "the immediate roof.");
    prm.declare_entry("Layers below floor",
                      "",
                      Patterns::Anything(),
                      "Layers from the opening floor downward, as 'unit: "
                      "thickness [m]' separated by commas (may be empty).");
    prm.declare_entry("Contacts",
                      "",
                      Patterns::Anything(),
                      "Bedding contacts that can open and slide, as 'elevation "
                      "[m]: contact unit' separated by commas (elevation from the "
                      "opening floor, as the layers). A contact unit is one whose "
                      "Constitutive model is a contact model ('coulomb contact'); "
                      "'bonded' keeps the beds glued (no contact). An elevation "
                      "at a layer boundary puts the contact between the two "
                      "layers; one inside a layer splits it (a thinly bedded "
                      "unit). The contact is a thin layer of cells of the "
                      "contact unit's Layer thickness whose top is the given "
                      "elevation, taken from the bed below it.");
    prm.declare_entry("Overburden unit weight",
                      "23000",
                      Patterns::Double(0, 1e5),
                      "Mean unit weight of the rock above the model top "
                      "[N/m^3]; sets the vertical stress there (at most 1e5: rock is "
                      "about 2.7e4).");
    prm.leave_subsection();
  }

  void Stratigraphy::parse_parameters(ParameterHandler &prm, const std::string &case_file)
  {
    file = case_file;
    prm.enter_subsection("Stratigraphy");
    floor_depth            = prm.get_double("Depth of floor");
    overburden_unit_weight = prm.get_double("Overburden unit weight");
    const auto above =
        parse_layer_list(prm.get("Layers above floor"), file, "Stratigraphy/Layers above floor");
    const auto below =
        parse_layer_list(prm.get("Layers below floor"), file, "Stratigraphy/Layers below floor");
    const std::string contacts = prm.get("Contacts");
    prm.leave_subsection();

    contact_list.clear();
    for (const std::string &entry : Utilities::split_string_list(contacts, ','))
      {
        const std::string parameter = "Stratigraphy/Contacts";
        const auto        parts     = Utilities::split_string_list(entry, ':');
        require(parts.size() == 2,
                file,
                parameter,
                "expected 'elevation: contact unit' entries separated by commas, got '" + entry +
                    "'");
        const double elevation = parse_number(parts[0], file, parameter);
        if (parts[1] != "bonded")
          contact_list.emplace_back(elevation, parts[1]);
      }
    std::sort(contact_list.begin(), contact_list.end());

    layer_list.clear();
    double z = 0;
    for (const auto &[unit, t] : below)
      z -= t;
    for (auto it = below.rbegin(); it != below.rend(); ++it)
      {
        layer_list.push_back({it->first, z, z + it->second, 0, "Stratigraphy/Layers below floor"});
        z += it->second;
      }
    for (const auto &[unit, t] : above)
      {
        layer_list.push_back({unit, z, z + t, 0, "Stratigraphy/Layers above floor"});
        z += t;
      }
  }

  void Stratigraphy::resolve(const MaterialLibrary &library)
  {
    for (const auto &layer : layer_list)
      require(library.unit(layer.unit, file, layer.parameter).contact_thickness == 0,
              file,
              layer.parameter,
              "'" + layer.unit +
                  "' is a contact unit: name it in Stratigraphy/Contacts at the "
                  "elevation of the contact, not as a layer");
    double previous_top = -std::numeric_limits<double>::infinity();
    for (const auto &[elevation, unit_name] : contact_list)
      {
        const std::string parameter = "Stratigraphy/Contacts";
        const RockUnit   &unit      = library.unit(unit_name, file, parameter);
        require(unit.contact_thickness > 0,
                file,
                parameter,
                "'" + unit_name + "' is a rock unit (Constitutive model = " + unit.model +
                    "), not a contact unit (e.g. 'coulomb contact')");
        const double t      = unit.contact_thickness;
        const double bottom = elevation - t;
        const double tol    = 1e-9 * std::max(1., std::abs(elevation));
        require(bottom > base_elevation() + tol && elevation < top_elevation() - tol,
                file,
                parameter,
                "contact '" + unit_name + "' at " + format_number(elevation) +
                    " m: expected it inside the model, its layer of " + format_number(t) +
                    " m above the base (" + format_number(base_elevation()) +
                    " m) and its top below the model top (" + format_number(top_elevation()) +
                    " m)");
        require(bottom >= previous_top - tol,
                file,
                parameter,
                "contact '" + unit_name + "' at " + format_number(elevation) +
                    " m overlaps the contact below it (each is a layer of its unit's Layer "
                    "thickness under its elevation)");
        previous_top = elevation;
        // The layer holding the contact's layer: the one its middle is in.
        const unsigned int i    = layer_at(elevation - t / 2);
        Layer              host = layer_list[i];
        require(!host.contact && bottom > host.bottom + tol && elevation <= host.top + tol,
                file,
                parameter,
                "contact '" + unit_name + "' at " + format_number(elevation) + " m: its layer [" +
                    format_number(bottom) + ", " + format_number(elevation) +
                    "] m must lie inside one bed, with bed left below it ('" + host.unit +
                    "' spans [" + format_number(host.bottom) + ", " + format_number(host.top) +
                    "] m)");
        std::vector<Layer> replacement;
        replacement.push_back(host);
        replacement.back().top = bottom;
        replacement.push_back({unit_name, bottom, elevation, 0, parameter, true});
        if (elevation < host.top - tol)
          {
            replacement.push_back(host);
            replacement.back().bottom = elevation;
          }
        else
          replacement.back().top = host.top; // exactly the bed boundary
        layer_list.erase(layer_list.begin() + i);
        layer_list.insert(layer_list.begin() + i, replacement.begin(), replacement.end());
      }
    contact_list.clear(); // inserted: a second resolve() must not insert them again
    for (auto &layer : layer_list)
      layer.unit_weight = library.unit(layer.unit, file, layer.parameter).unit_weight;
    require(top_elevation() <= floor_depth,
            file,
            "Stratigraphy/Depth of floor",
            "the model top lies above the ground surface (depth of floor " +
                format_number(floor_depth) + " m < " + format_number(top_elevation()) +
                " m of layers above it)");
  }

  const std::vector<Stratigraphy::Layer> &Stratigraphy::layers() const
  {
    return layer_list;
  }

  double Stratigraphy::base_elevation() const
  {
    return layer_list.empty() ? 0. : layer_list.front().bottom;
  }

  double Stratigraphy::top_elevation() const
  {
    return layer_list.empty() ? 0. : layer_list.back().top;
  }

  double Stratigraphy::depth_of_floor() const
  {
    return floor_depth;
  }

  unsigned int Stratigraphy::layer_at(const double z) const
  {
    for (unsigned int i = 0; i < layer_list.size(); ++i)
      if (z < layer_list[i].top)
        return i;
    return layer_list.size() - 1;
  }

  double Stratigraphy::vertical_stress(const double z) const
  {
    const double top = top_elevation();
    double       sv  = overburden_unit_weight * (floor_depth - top);
    for (const auto &layer : layer_list)
      {
        const double lo = std::max(layer.bottom, z);
        if (layer.top > lo)
          sv += layer.unit_weight * (layer.top - lo);
      }
    return -sv;
  }

  std::vector<double> Stratigraphy::interfaces() const
  {
    std::vector<double> z;
    for (const auto &layer : layer_list)
      z.push_back(layer.bottom);
    if (!layer_list.empty())
      z.push_back(top_elevation());
    return z;
  }
} // namespace roofspan
