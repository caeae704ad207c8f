// Return-mapping unit tests of MohrCoulomb: the returned stress lies on the
// yield surface (consistency), the consistent tangent agrees with a central
// finite difference of the stress update, and the apex and the two triaxial
// edges return where the theory says. Prints every error; exit 1 on failure.
#include <roofspan/materials/mohr_coulomb.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "unit_checks.h"

using namespace dealii;
using roofspan::MaterialState;
using roofspan::MohrCoulomb;
using roofspan::YieldMode;
using unit_checks::check;
using unit_checks::failures;
using unit_checks::random_tensor;

int main()
{
  const double                E = 1e9, nu = 0.25;
  const double                lambda = E * nu / ((1 + nu) * (1 - 2 * nu)), mu = E / (2 * (1 + nu));
  const double                c = 1e6, phi = 30, psi = 10, T = 0.5e6;
  const MohrCoulomb           model(lambda, mu, c, phi, psi, T);
  const SymmetricTensor<2, 3> sigma0 = -5e6 * unit_symmetric_tensor<3>();

  // 1. Random plastic states: consistency and tangent.
  std::mt19937 gen(42);
  double       worst_consistency = 0, worst_tangent = 0, worst_inside = 0;
  unsigned int n_plastic = 0, n_tension = 0;
  for (unsigned int trial = 0; trial < 400; ++trial)
    {
      const SymmetricTensor<2, 3> strain = random_tensor(gen, 0.02);
      MaterialState               old;
      const auto                  r = model.update(strain, sigma0, old, 1.0);
      if (!r.ok)
        {
          std::printf("update failed: %s\n", r.failure.c_str());
          ++failures;
          continue;
        }
      const double scale = r.stress.norm() + c;
      const double f     = model.yield_function(r.stress);
      worst_inside       = std::max(worst_inside, f / scale);
      if (r.state.mode == YieldMode::elastic)
        continue;
      ++n_plastic;
      n_tension += r.state.mode == YieldMode::tension;
      worst_consistency = std::max(worst_consistency, std::abs(f) / scale);

      // Tangent against central differences, component by component.
      const double          h = 1e-7;
      SymmetricTensor<4, 3> fd;
      for (unsigned int k = 0; k < 3; ++k)
        for (unsigned int l = k; l < 3; ++l)
          {
            SymmetricTensor<2, 3> d;
            d[k][l]           = h;
            const auto plus   = model.update(strain + d, sigma0, old, 1.0).stress;
            const auto minus  = model.update(strain - d, sigma0, old, 1.0).stress;
            const auto column = (plus - minus) / (2 * h);
            for (unsigned int i = 0; i < 3; ++i)
              for (unsigned int j = i; j < 3; ++j)
                {
                  // d sigma_ij / d eps_kl with eps_kl = eps_lk both moved.
                  SymmetricTensor<2, 3> unit;
                  unit[k][l]            = 1;
                  const double analytic = (r.tangent * unit)[i][j];
                  fd[i][j][k][l]        = column[i][j];
                  worst_tangent =
                      std::max(worst_tangent, std::abs(analytic - column[i][j]) / (2 * mu));
                }
          }
    }
  std::printf("%u random trial states, %u plastic (%u in tension)\n", 400u, n_plastic, n_tension);
  check("returned stress inside or on the surface, max f / |sigma|", worst_inside, 1e-10);
  check("consistency: |f(returned)| / |sigma| (plastic points)", worst_consistency, 1e-10);
  check("tangent vs central difference, max |error| / 2G", worst_tangent, 1e-4);

  // 2. Apex: a large hydrostatic extension returns to the tension corner
  //    (T, T, T); without a cut-off (T = apex) to the MC apex c cot(phi).
  {
    const auto r = model.update(0.1 * unit_symmetric_tensor<3>(), sigma0, MaterialState(), 1.0);
    check("apex with cut-off: |sigma - T I| / T",
          (r.stress - T * unit_symmetric_tensor<3>()).norm() / T,
          1e-10);
    const double      apex = c / std::tan(phi * M_PI / 180);
    const MohrCoulomb no_cutoff(lambda, mu, c, phi, phi, apex);
    const auto        r2 =
        no_cutoff.update(0.1 * unit_symmetric_tensor<3>(), sigma0, MaterialState(), 1.0);
    check("MC apex (no cut-off): |sigma - c cot(phi) I| / apex",
          (r2.stress - apex * unit_symmetric_tensor<3>()).norm() / apex,
          1e-10);
    // Under strength reduction the apex c/F cot(phi_F) stays put: a cut-off
    // drops to T/F, "no cut-off" (T at the apex) must not become one.
    const auto r3 = model.update(0.1 * unit_symmetric_tensor<3>(), sigma0, MaterialState(), 2.0);
    check("F = 2, apex with cut-off: |sigma - T/2 I| / T",
          (r3.stress - 0.5 * T * unit_symmetric_tensor<3>()).norm() / T,
          1e-10);
    const auto r4 =
        no_cutoff.update(0.1 * unit_symmetric_tensor<3>(), sigma0, MaterialState(), 2.0);
    check("F = 2, no cut-off: still the MC apex, |sigma - c cot(phi) I| / apex",
          (r4.stress - apex * unit_symmetric_tensor<3>()).norm() / apex,
          1e-10);
  }
  // 3. Edges: triaxial compression (sigma_2 = sigma_1) and extension
  //    (sigma_2 = sigma_3) trial states stay on their edge.
  for (const double sign : {1.0, -1.0})
    {
      SymmetricTensor<2, 3> strain;
      strain[0][0] = strain[1][1] = sign > 0 ? 0.004 : -0.002;
      strain[2][2]                = sign > 0 ? -0.02 : 0.01;
      const auto   r              = model.update(strain, sigma0, MaterialState(), 1.0);
      const auto   s              = eigenvalues(r.stress);
      const double gap            = sign > 0 ? std::abs(s[0] - s[1]) : std::abs(s[1] - s[2]);
      check(sign > 0 ? "edge sigma_1 = sigma_2: |s1 - s2| / |sigma|" :
                       "edge sigma_2 = sigma_3: |s2 - s3| / |sigma|",
            gap / r.stress.norm(),
            1e-10);
      check("  and on the surface: |f| / |sigma|",
            std::abs(model.yield_function(r.stress)) / r.stress.norm(),
            1e-10);
    }
  // 4. Strength reduction: at F = 2 the return lands on the reduced
  //    surface, strictly inside the unreduced one.
  {
    SymmetricTensor<2, 3> strain;
    strain[0][0]  = 0.01;
    strain[2][2]  = -0.05;
    const auto r2 = model.update(strain, sigma0, MaterialState(), 2.0);
    check("reduced strength: |f_F=2(returned)| / |sigma|",
          std::abs(model.yield_function(r2.stress, 2.0)) / r2.stress.norm(),
          1e-10);
    check("reduced-strength stress inside the F = 1 surface: f_F=1 / |sigma| (<0)",
          model.yield_function(r2.stress, 1.0) / r2.stress.norm(),
          -1e-3);
  }
  // 5. Davis' procedure: at F = 1.5 the material behaves as an associated
  //    Mohr-Coulomb with c' = beta c/F, tan(phi') = beta tan(phi)/F,
  //    beta = cos(phi_F) cos(psi) / (1 - sin(phi_F) sin(psi)); an associated
  //    material is left as it is (beta = 1).
  {
    const double F     = 1.5;
    const double phi_F = std::atan(std::tan(phi * M_PI / 180) / F), psi_r = psi * M_PI / 180;
    const double beta = std::cos(phi_F) * std::cos(psi_r) / (1 - std::sin(phi_F) * std::sin(psi_r));
    const double phi_davis = std::atan(beta * std::tan(phi_F)) * 180 / M_PI;
    const MohrCoulomb equivalent(lambda, mu, beta * c / F, phi_davis, phi_davis, T / F);
    const roofspan::StrengthFactor davis(F, 1);
    double                         worst_stress = 0, worst_tangent = 0;
    for (unsigned int trial = 0; trial < 200; ++trial)
      {
        const SymmetricTensor<2, 3> strain = random_tensor(gen, 0.02);
        const auto                  a      = model.update(strain, sigma0, MaterialState(), davis);
        const auto                  b = equivalent.update(strain, sigma0, MaterialState(), 1.0);
        worst_stress  = std::max(worst_stress, (a.stress - b.stress).norm() / b.stress.norm());
        worst_tangent = std::max(worst_tangent, (a.tangent - b.tangent).norm() / (2 * mu));
      }
    std::printf("Davis: beta = %.4f at F = %.2f (phi = %g, psi = %g)\n", beta, F, phi, psi);
    check("Davis vs the associated equivalent: stress, max rel. error", worst_stress, 1e-12);
    check("Davis vs the associated equivalent: tangent, max error / 2G", worst_tangent, 1e-10);
    const MohrCoulomb associated(lambda, mu, c, phi, phi, T);
    double            worst_associated = 0;
    for (unsigned int trial = 0; trial < 50; ++trial)
      {
        const SymmetricTensor<2, 3> strain = random_tensor(gen, 0.02);
        worst_associated =
            std::max(worst_associated,
                     (associated.update(strain, sigma0, MaterialState(), davis).stress -
                      associated.update(strain, sigma0, MaterialState(), F).stress)
                             .norm() /
                         associated.update(strain, sigma0, MaterialState(), F).stress.norm());
      }
    check("Davis leaves an associated material as it is", worst_associated, 1e-12);
  }
  std::printf(failures ? "FAILED return-mapping tests\n" : "PASSED return-mapping tests\n");
  return failures ? 1 : 0;
}
