#pragma once

#include <vector>

namespace roofspan
{
  /**
   * Cell sizes along one axis that honour every breakpoint exactly (layer
   * interfaces, roof line, rib line) and grow geometrically with distance
   * from the feature coordinates, from `fine_size` up to `max_size`.
   * Returned sizes sum to breakpoints.back() - breakpoints.front().
   */
  std::vector<double> graded_spacing(const std::vector<double> &breakpoints,
                                     const std::vector<double> &features,
                                     double                     fine_size,
                                     double                     growth_ratio,
                                     double                     max_size);
} // namespace roofspan
