// Return-mapping tests of HoekBrown: a drained triaxial test on one point
// (lateral stress held, axial strain driven to the plateau) against the
// criterion for several confining stresses, with and without strength
// reduction; the returned stress on the surface and the consistent tangent
// against central differences on every branch (face, both triaxial edges,
// apex); m_b, s, a and the Hoek-Diederichs modulus against the published
// equations. Prints every error; exit 1 on failure.
#include <roofspan/materials/hoek_brown.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "unit_checks.h"

using namespace dealii;
using roofspan::HoekBrown;
using roofspan::MaterialState;
using roofspan::StrengthFactor;
using roofspan::YieldMode;
using unit_checks::check;
using unit_checks::failures;
using unit_checks::random_tensor;

namespace
{
  /// Peak axial compressive stress of a triaxial test at confining stress
  /// `confining` (compression positive): lateral stresses held by Newton
  /// on the lateral strain, axial strain driven in steps.
  double triaxial_peak(const HoekBrown &model, const double confining, const StrengthFactor &F)
  {
    const SymmetricTensor<2, 3> sigma0 = -confining * unit_symmetric_tensor<3>();
    MaterialState               state;
    double                      lateral = 0, peak = 0;
    for (unsigned int step = 1; step <= 400; ++step)
      {
        const double           axial = -2e-5 * step;
        roofspan::StressUpdate r;
        for (unsigned int k = 0; k < 50; ++k)
          {
            SymmetricTensor<2, 3> strain;
            strain[0][0] = strain[1][1] = lateral;
            strain[2][2]                = axial;
            r                           = model.update(strain, sigma0, state, F);
            const double residual       = r.stress[0][0] + confining;
            if (std::abs(residual) < 1e-9 * (confining + 1e6))
              break;
            // d sigma_xx / d eps_lateral (both lateral strains move).
            const double slope = r.tangent[0][0][0][0] + r.tangent[0][0][1][1];
            lateral -= residual / slope;
          }
        state = r.state;
        peak  = std::max(peak, -r.stress[2][2]);
      }
    return peak;
  }
} // namespace

int main()
{
  // 1. The constants of the generalised criterion (Hoek et al. 2002,
  //    eqs. 3-5) at GSI 50, mi 10, D 0 and GSI 40, mi 10, D 0.5.
  {
    const auto k = HoekBrown::constants(50, 10, 0);
    check("m_b at GSI 50, mi 10, D 0 vs 10 exp(-50/28)",
          std::abs(k.m_b / (10 * std::exp(-50. / 28)) - 1),
          1e-14);
    check("s vs exp(-50/9)", std::abs(k.s / std::exp(-50. / 9) - 1), 1e-14);
    check("a vs 1/2 + (exp(-50/15) - exp(-20/3)) / 6",
          std::abs(k.a - (0.5 + (std::exp(-50. / 15) - std::exp(-20. / 3)) / 6)),
          1e-14);
    const auto d = HoekBrown::constants(40, 10, 0.5);
    check("m_b at D 0.5 vs 10 exp(-60/21)",
          std::abs(d.m_b / (10 * std::exp(-60. / 21)) - 1),
          1e-14);
    check("s at D 0.5 vs exp(-60/7.5)", std::abs(d.s / std::exp(-60. / 7.5) - 1), 1e-14);
    // Hoek & Diederichs (2006): E_rm / E_i = 0.52 at GSI 60, D 0.
    check("Hoek-Diederichs E_rm / E_i at GSI 60, D 0 vs 0.52",
          std::abs(HoekBrown::hoek_diederichs_modulus(1, 60, 0) - 0.52),
          1e-14);
  }

  const double E = 4e9, nu = 0.3;
  const double lambda = E * nu / ((1 + nu) * (1 - 2 * nu)), mu = E / (2 * (1 + nu));
  const double sigma_ci = 20e6;
  const auto   k        = HoekBrown::constants(50, 10, 0);

  // 2. Triaxial tests: the plateau of the axial stress is the criterion's
  //    strength sigma_3 + sigma_ci (m_b sigma_3 / sigma_ci + s)^a.
  for (const double psi : {0., 10.})
    {
      const HoekBrown model(lambda, mu, sigma_ci, k.m_b, k.s, k.a, psi);
      for (const double F : {1., 1.5})
        for (const double confining : {0., 0.5e6, 2e6, 5e6, 10e6})
          {
            const double peak     = triaxial_peak(model, confining, F);
            const double expected = model.strength(confining, F);
            char         what[128];
            std::snprintf(what,
                          sizeof what,
                          "triaxial psi %2.0f F %.1f sigma_3 %4.1f MPa: %7.3f vs %7.3f MPa",
                          psi,
                          F,
                          confining / 1e6,
                          peak / 1e6,
                          expected / 1e6);
            check(what, std::abs(peak / expected - 1), 1e-6);
          }
    }
  // Under reduction the tensile strength is s sigma_ci / (m_b F).
  {
    const HoekBrown model(lambda, mu, sigma_ci, k.m_b, k.s, k.a, 5);
    for (const double F : {1., 2.})
      {
        const auto   r = model.update(0.05 * unit_symmetric_tensor<3>(),
                                    SymmetricTensor<2, 3>(),
                                    MaterialState(),
                                    F);
        const double T = k.s * sigma_ci / (k.m_b * F);
        check(F == 1 ? "apex: |sigma - s sigma_ci / m_b I| / T" :
                       "apex at F = 2: |sigma - s sigma_ci / (2 m_b) I| / T",
              (r.stress - T * unit_symmetric_tensor<3>()).norm() / T,
              1e-10);
      }
  }

  // 3. Random and constructed states: on the surface, tangent against
  //    central differences, every branch reached.
  for (const double psi : {0., 15.})
    {
      const HoekBrown                    model(lambda, mu, sigma_ci, k.m_b, k.s, k.a, psi);
      const SymmetricTensor<2, 3>        sigma0 = -5e6 * unit_symmetric_tensor<3>();
      std::mt19937                       gen(7);
      std::vector<SymmetricTensor<2, 3>> strains;
      for (unsigned int i = 0; i < 600; ++i)
        strains.push_back(random_tensor(gen, 0.004));
      // Axisymmetric trials: both triaxial edges; hydrostatic extension:
      // the apex.
      for (const double t : {0.001, 0.002, 0.004})
        {
          SymmetricTensor<2, 3> compression, extension;
          compression[0][0] = compression[1][1] = 0.2 * t;
          compression[2][2]                     = -t;
          extension[0][0] = extension[1][1] = -0.5 * t;
          extension[2][2]                   = 0.5 * t;
          strains.push_back(compression);
          strains.push_back(extension);
          strains.push_back(t * unit_symmetric_tensor<3>());
        }
      std::set<unsigned int>               branches;
      std::map<unsigned int, unsigned int> compared; // tangent columns compared per branch
      double       worst_inside = 0, worst_consistency = 0, worst_tangent = 0;
      unsigned int n_plastic = 0, n_failed = 0;
      for (const auto &strain : strains)
        {
          const auto r = model.update(strain, sigma0, MaterialState(), 1.0);
          if (!r.ok)
            {
              ++n_failed;
              continue;
            }
          branches.insert(r.branch);
          const double scale = r.stress.norm() + sigma_ci * std::pow(k.s, k.a);
          const double f     = model.yield_function(r.stress);
          if (r.branch != HoekBrown::apex)
            worst_inside = std::max(worst_inside, f / scale);
          if (r.state.mode == YieldMode::elastic)
            continue;
          ++n_plastic;
          if (r.branch != HoekBrown::apex)
            worst_consistency = std::max(worst_consistency, std::abs(f) / scale);
          const double h = 1e-8;
          for (unsigned int a = 0; a < 3; ++a)
            for (unsigned int b = a; b < 3; ++b)
              {
                SymmetricTensor<2, 3> d;
                d[a][b]          = h;
                const auto plus  = model.update(strain + d, sigma0, MaterialState(), 1.0);
                const auto minus = model.update(strain - d, sigma0, MaterialState(), 1.0);
                // Skip differences across a branch change (a kink).
                if (plus.branch != r.branch || minus.branch != r.branch)
                  continue;
                ++compared[r.branch];
                const auto            column = (plus.stress - minus.stress) / (2 * h);
                SymmetricTensor<2, 3> unit;
                unit[a][b]                        = 1;
                const SymmetricTensor<2, 3> exact = r.tangent * unit;
                worst_tangent = std::max(worst_tangent, (exact - column).norm() / (2 * mu));
              }
        }
      std::printf("psi %2.0f: %zu trial states, %u plastic, branches reached:",
                  psi,
                  strains.size(),
                  n_plastic);
      const auto names = model.branch_names();
      for (const unsigned int b : branches)
        std::printf(" '%s'", names[b].c_str());
      std::printf("\n");
      check("  failed local updates", n_failed, 0);
      check("  returned stress inside or on the surface, max f / |sigma|", worst_inside, 1e-10);
      check("  consistency |f(returned)| / |sigma| (plastic points)", worst_consistency, 1e-10);
      check("  tangent vs central difference, max |error| / 2G", worst_tangent, 1e-5);
      check("  branches not reached (of face, two edges, apex)", 5. - branches.size(), 0);
      check("  plastic branches whose tangent was never compared",
            double(!compared[HoekBrown::face] + !compared[HoekBrown::edge_major] +
                   !compared[HoekBrown::edge_minor]),
            0);
      // A strain that is not finite is a failed update, never a stress.
      SymmetricTensor<2, 3> not_finite;
      not_finite[0][0] = std::nan("");
      check("  non-finite strain not reported as a failed update",
            model.update(not_finite, sigma0, MaterialState(), 1.0).ok ? 1 : 0,
            0);
    }

  std::printf(failures ? "FAILED: %d checks\n" : "all checks passed\n", failures);
  return failures ? 1 : 0;
}
