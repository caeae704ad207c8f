#include <roofspan/geometry/graded_spacing.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace roofspan
{
  std::vector<double> graded_spacing(const std::vector<double> &breakpoints,
                                     const std::vector<double> &features,
                                     const double               fine_size,
                                     const double               growth_ratio,
                                     const double               max_size)
  {
    // Target size h(x) = fine + (ratio - 1) * distance to nearest feature:
    // the continuous form of geometric growth by `ratio` per cell.
    const auto target = [&](const double x) {
      double d = std::numeric_limits<double>::max();
      for (const double f : features)
        d = std::min(d, std::abs(x - f));
      if (features.empty())
        d = 0;
      return std::min(max_size, fine_size + (growth_ratio - 1.) * d);
    };

    std::vector<double> sizes;
    for (unsigned int i = 0; i + 1 < breakpoints.size(); ++i)
      {
        const double a = breakpoints[i], b = breakpoints[i + 1];
        if (b - a <= 0)
          continue;
        // Cell count from the integral of 1/h, then positions that split
        // that integral evenly.
        const unsigned int  n_sample = 400;
        std::vector<double> cumulative(n_sample + 1, 0.);
        for (unsigned int k = 0; k < n_sample; ++k)
          {
            const double x    = a + (b - a) * (k + 0.5) / n_sample;
            cumulative[k + 1] = cumulative[k] + (b - a) / n_sample / target(x);
          }
        const unsigned int n = std::max<unsigned int>(1, std::ceil(cumulative.back() - 1e-9));
        double             previous = a;
        for (unsigned int c = 1; c <= n; ++c)
          {
            double x = b;
            if (c < n)
              {
                const double level = cumulative.back() * c / n;
                const auto   it    = std::lower_bound(cumulative.begin(), cumulative.end(), level);
                const unsigned int k = it - cumulative.begin();
                const double t = (level - cumulative[k - 1]) / (cumulative[k] - cumulative[k - 1]);
                x              = a + (b - a) * (k - 1 + t) / n_sample;
              }
            sizes.push_back(x - previous);
            previous = x;
          }
      }
    return sizes;
  }
} // namespace roofspan
