#include <roofspan/core/input_error.h>
#include <roofspan/simulator/telltale_settings.h>

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>

namespace roofspan
{
  using namespace dealii;

  void TelltaleSettings::declare_parameters(ParameterHandler &prm)
  {
    prm.enter_subsection("Telltales");
    prm.declare_entry("Points",
                      "",
                      Patterns::Anything(),
                      "Virtual telltales on the roof of the opening, as 'name: x' "
                      "(2D) or 'name: x y' (3D) separated by commas: the horizontal "
                      "place of each; the telltale runs up from the roof line there. "
                      "Empty: one at the roof's mid-span. Shapes without an opening "
                      "roof have none.");
    prm.declare_entry("Anchor heights",
                      "",
                      Patterns::Anything(),
                      "Heights of the telltale anchors above the roof line [m], "
                      "ascending, separated by commas. A dual-height telltale has "
                      "two: the top of the bolted height and one above it. Empty: "
                      "the bolt length and twice it (no telltales without bolts).");
    prm.leave_subsection();
  }

  void TelltaleSettings::parse_parameters(ParameterHandler  &prm,
                                          const std::string &file,
                                          const unsigned int dim)
  {
    prm.enter_subsection("Telltales");
    const std::string point_list  = prm.get("Points");
    const std::string height_list = prm.get("Anchor heights");
    prm.leave_subsection();
    points.clear();
    anchor_heights.clear();
    const std::string points_key = "Telltales/Points", heights_key = "Telltales/Anchor heights";
    for (const auto &entry : Utilities::split_string_list(point_list, ','))
      {
        const auto parts = Utilities::split_string_list(entry, ':');
        require(parts.size() == 2 && !parts[0].empty(),
                file,
                points_key,
                "expected 'name: x" + std::string(dim == 3 ? " y" : "") + "', got '" + entry + "'");
        const auto coords = Utilities::split_string_list(parts[1], ' ');
        require(coords.size() == dim - 1,
                file,
                points_key,
                "telltale '" + parts[0] + "' needs " + std::to_string(dim - 1) +
                    " horizontal coordinate(s), got '" + parts[1] + "'");
        std::vector<double> x;
        for (const auto &c : coords)
          x.push_back(parse_number(c, file, points_key));
        points.emplace_back(parts[0], x);
      }
    for (const auto &entry : Utilities::split_string_list(height_list, ','))
      {
        const double h = parse_number(entry, file, heights_key);
        require(h > 0,
                file,
                heights_key,
                "anchor heights must be above the roof line, got " + entry);
        require(anchor_heights.empty() || h > anchor_heights.back(),
                file,
                heights_key,
                "anchor heights must be ascending, got " + height_list);
        anchor_heights.push_back(h);
      }
  }
} // namespace roofspan
