// Bedding-plane (ubiquitous-joint) model against Jaeger's single plane of
// weakness: triaxial strength against the angle beta between sigma_1 and the
// plane's normal (Jaeger 1960; Jaeger, Cook & Zimmerman, Fundamentals of
// Rock Mechanics, 4th ed., sec. 10.4): with S_3 the confinement,
//   S_1 = S_3 + 2 (c_j + mu_j S_3) / ((1 - mu_j cot beta) sin 2 beta)
// on the plane (phi_j < beta < 90 deg), else the intact rock's
// Mohr-Coulomb strength K_p S_3 + sigma_c; the smaller governs. Then the
// return onto the plane. Prints every error; exit 1 on failure.
#include <roofspan/materials/ubiquitous_joint.h>

#include <cmath>
#include <cstdio>

using namespace dealii;
using namespace roofspan;

int main()
{
  const double      E = 10e9, nu = 0.25;
  const double      lambda = E * nu / ((1 + nu) * (1 - 2 * nu)), mu = E / (2 * (1 + nu));
  const double      c = 10e6, phi = 30, cj = 1e6, phij = 25, Tj = 0.5e6;
  const MohrCoulomb rock(lambda, mu, c, phi, 0, 5e6);
  Tensor<1, 3>      normal;
  normal[1] = 1;
  const UbiquitousJoint model(rock, lambda, mu, normal, cj, phij, 0, Tj);

  const double S3       = 5e6; // confinement, compression positive
  const double muj      = std::tan(phij * M_PI / 180);
  const double Kp       = (1 + std::sin(phi * M_PI / 180)) / (1 - std::sin(phi * M_PI / 180));
  const double sc       = 2 * c * std::cos(phi * M_PI / 180) / (1 - std::sin(phi * M_PI / 180));
  int          failures = 0;
  std::printf("%6s %14s %14s %10s\n", "beta", "S1 model [MPa]", "Jaeger [MPa]", "error");
  double worst = 0;
  for (double beta = 5; beta < 89; beta += 5)
    {
      const double b = beta * M_PI / 180;
      Tensor<1, 3> d;
      d[0]              = std::sin(b);
      d[1]              = std::cos(b);
      const auto stress = [&](const double S1) {
        return -S3 * unit_symmetric_tensor<3>() - (S1 - S3) * symmetrize(outer_product(d, d));
      };
      // Bisect the axial stress at which the model first yields.
      double lo = S3, hi = 1e10;
      for (int it = 0; it < 200; ++it)
        {
          const double mid                                  = (lo + hi) / 2;
          (model.yield_function(stress(mid)) > 0 ? hi : lo) = mid;
        }
      double       expected    = Kp * S3 + sc;
      const double denominator = (1 - muj / std::tan(b)) * std::sin(2 * b);
      if (denominator > 0)
        expected = std::min(expected, S3 + 2 * (cj + muj * S3) / denominator);
      const double error = std::abs(lo - expected) / expected;
      worst              = std::max(worst, error);
      std::printf("%6.1f %14.4f %14.4f %10.2e\n", beta, lo / 1e6, expected / 1e6, error);
    }
  std::printf("strength vs Jaeger, max relative error %.2e (limit 1e-9) %s\n",
              worst,
              worst < 1e-9 ? "ok" : "FAIL");
  failures += worst >= 1e-9;

  // Return onto the plane: compress at 60 degrees to the normal.
  {
    const double b = 60 * M_PI / 180;
    Tensor<1, 3> d;
    d[0] = std::sin(b);
    d[1] = std::cos(b);
    Tensor<1, 3> e; // in plane, normal to d
    e[0]            = std::cos(b);
    e[1]            = -std::sin(b);
    const auto   r  = model.update(-0.002 * symmetrize(outer_product(d, d)) +
                                    0.0008 * symmetrize(outer_product(e, e)),
                                -S3 * unit_symmetric_tensor<3>(),
                                MaterialState(),
                                1.0);
    const double f  = model.yield_function(r.stress) / r.stress.norm();
    const bool   ok = r.state.mode == YieldMode::bedding && std::abs(f) < 1e-10;
    std::printf("return onto the plane: mode %d, f / |sigma| = %.2e (limit 1e-10) %s\n",
                int(r.state.mode),
                f,
                ok ? "ok" : "FAIL");
    failures += !ok;
    // Opening: pull across the plane.
    const auto   open = model.update(0.01 * symmetrize(outer_product(normal, normal)),
                                   -S3 * unit_symmetric_tensor<3>(),
                                   MaterialState(),
                                   1.0);
    const double sn   = (open.stress * normal) * normal;
    const bool   ok2  = std::abs(sn - Tj) < 1e-6 * Tj && open.state.mode == YieldMode::bedding;
    std::printf("tension across the plane: sigma_n = %.6g Pa (T_j = %g) %s\n",
                sn,
                Tj,
                ok2 ? "ok" : "FAIL");
    failures += !ok2;
  }
  std::printf(failures ? "FAILED bedding-plane tests\n" : "PASSED bedding-plane tests\n");
  return failures ? 1 : 0;
}
