#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * Where the virtual telltales are (subsection `Telltales`): points on the
   * roof, given by their horizontal coordinates, and the heights of their
   * anchors above the roof line. A telltale reads the separation between
   * the roof surface and each anchor, as a dual-height telltale does: the
   * first anchor at the top of the bolted height, the second above it.
   */
  struct TelltaleSettings
  {
    static void declare_parameters(dealii::ParameterHandler &prm);
    /// Reads and checks the subsection; `dim` - 1 horizontal coordinates per
    /// point.
    void parse_parameters(dealii::ParameterHandler &prm, const std::string &file, unsigned int dim);

    /// Named points (horizontal coordinates); empty: the roof's mid-span.
    std::vector<std::pair<std::string, std::vector<double>>> points;
    /// Anchor heights above the roof line [m], ascending; empty: the bolt
    /// length and twice it.
    std::vector<double> anchor_heights;
  };
} // namespace roofspan
