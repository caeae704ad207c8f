#pragma once
// What the constitutive-model unit tests share: a printed check against its
// limit (counted in `failures`) and random symmetric tensors.
#include <deal.II/base/symmetric_tensor.h>

#include <cstdio>
#include <random>

namespace unit_checks
{
  inline int failures = 0;

  inline void check(const char *what, const double value, const double limit)
  {
    const bool ok = value <= limit;
    std::printf("%-62s %12.3e  (limit %8.1e) %s\n", what, value, limit, ok ? "ok" : "FAIL");
    failures += !ok;
  }

  /// Components uniform in [-size, size].
  inline dealii::SymmetricTensor<2, 3> random_tensor(std::mt19937 &gen, const double size)
  {
    std::uniform_real_distribution<double> u(-1, 1);
    dealii::SymmetricTensor<2, 3>          t;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = i; j < 3; ++j)
        t[i][j] = size * u(gen);
    return t;
  }
} // namespace unit_checks
