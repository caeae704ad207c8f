#include <roofspan/materials/spectral_tangent.h>

#include <cmath>

namespace roofspan
{
  using namespace dealii;

  void spectral_stress_and_tangent(const std::array<std::pair<double, Tensor<1, 3>>, 3> &eig,
                                   const std::array<double, 3>                          &s,
                                   const std::array<std::array<double, 3>, 3>           &Dep,
                                   const double                                          lambda,
                                   const double                                          mu,
                                   const double                                          scale,
                                   SymmetricTensor<2, 3>                                &stress,
                                   SymmetricTensor<4, 3>                                &tangent)
  {
    std::array<SymmetricTensor<2, 3>, 3> E;
    for (unsigned int a = 0; a < 3; ++a)
      E[a] = symmetrize(outer_product(eig[a].second, eig[a].second));
    stress = s[0] * E[0] + s[1] * E[1] + s[2] * E[2];
    SymmetricTensor<4, 3> T;
    for (unsigned int a = 0; a < 3; ++a)
      for (unsigned int b = 0; b < 3; ++b)
        T += Dep[a][b] * outer_product(E[a], E[b]);
    // G = D_ep D^-1, D^-1 = (1 - lambda / (3 lambda + 2 mu) 1 1^T) / (2 mu).
    std::array<std::array<double, 3>, 3> G;
    const double                         k = lambda / (3 * lambda + 2 * mu);
    for (unsigned int a = 0; a < 3; ++a)
      {
        const double row_sum = Dep[a][0] + Dep[a][1] + Dep[a][2];
        for (unsigned int b = 0; b < 3; ++b)
          G[a][b] = (Dep[a][b] - k * row_sum) / (2 * mu);
      }
    for (unsigned int a = 0; a < 3; ++a)
      for (unsigned int b = a + 1; b < 3; ++b)
        {
          const double                d_trial     = eig[a].first - eig[b].first;
          const double                coefficient = std::abs(d_trial) > 1e-10 * scale ?
                                                        2 * mu * (s[a] - s[b]) / d_trial :
                                                        mu * (G[a][a] - G[a][b] + G[b][b] - G[b][a]);
          const SymmetricTensor<2, 3> Mab =
              symmetrize(outer_product(eig[a].second, eig[b].second)) * 2.;
          T += 0.5 * coefficient * outer_product(Mab, Mab);
        }
    tangent = T;
  }
} // namespace roofspan
