// The Coulomb contact law on its own (CoulombContact): in direct shear the
// shear traction follows k_s times the slip until it reaches the Coulomb
// limit c + p tan(phi) and stays there (exact to round-off); the tension
// limit holds; the strength reduction divides c and tan(phi); the returned
// traction is admissible on random states; and the consistent tangent
// agrees with central differences of the update on every branch (stick,
// slip, opening, open and slipping), in 2D (plane strain) and in 3D, where
// the slip direction turns. Prints every error; exit 1 on failure.
#include <roofspan/materials/coulomb_contact.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "unit_checks.h"

using namespace dealii;
using roofspan::CoulombContact;
using roofspan::MaterialState;
using unit_checks::check;
using unit_checks::failures;

namespace
{
  SymmetricTensor<2, 3> sym_outer(const Tensor<1, 3> &a, const Tensor<1, 3> &b)
  {
    return symmetrize(outer_product(a, b));
  }
} // namespace

int main()
{
  CoulombContact::Parameters p;
  p.normal_stiffness = 5e9; // Pa/m
  p.shear_stiffness  = 5e8;
  p.cohesion         = 20e3;
  p.friction_angle   = 20;
  p.dilation_angle   = 5;
  p.tensile_strength = 10e3;
  p.thickness        = 0.01;
  p.regularisation   = 0; // the law itself; the FE runs add 1e-8
  Tensor<1, 3> n;
  n[1] = 1;
  const CoulombContact contact(p, n);
  const double         t = p.thickness, tan_phi = std::tan(p.friction_angle * M_PI / 180);

  // 1. Direct shear under p = 100 kPa of normal compression, no dilation.
  {
    CoulombContact::Parameters q = p;
    q.dilation_angle             = 0;
    const CoulombContact        no_dilation(q, n);
    const double                pressure = 100e3;
    const SymmetricTensor<2, 3> sigma0   = -pressure * sym_outer(n, n);
    const double                limit    = p.cohesion + pressure * tan_phi;
    Tensor<1, 3>                s;
    s[0]                      = 1;
    double        worst_stick = 0, worst_slip = 0;
    MaterialState state;
    state.history.resize(no_dilation.history_size());
    for (unsigned int step = 1; step <= 40; ++step)
      {
        const double slip    = 2e-5 * step * step; // m, up to 32 mm
        const auto   strain  = sym_outer(s, n) * (slip / t);
        const auto   r       = no_dilation.update(strain, sigma0, state, 1.0);
        const double tau     = r.stress[0][1];
        const double elastic = p.shear_stiffness * slip;
        if (elastic < limit)
          worst_stick = std::max(worst_stick, std::abs(tau - elastic) / limit);
        else
          worst_slip = std::max(worst_slip, std::abs(tau - limit) / limit);
        state = r.state;
        if (step == 40)
          {
            check("direct shear: reported slip vs imposed [m] (relative)",
                  std::abs(no_dilation.contact_displacement(r.state).slip - slip) / slip,
                  1e-12);
            check("direct shear: normal stress unchanged without dilation (relative)",
                  std::abs(r.stress[1][1] + pressure) / pressure,
                  1e-12);
          }
      }
    check("direct shear: stick, tau = k_s slip (relative to the limit)", worst_stick, 1e-12);
    check("direct shear: slip, tau = c + p tan(phi) (relative)", worst_slip, 1e-12);

    // Strength reduction F = 2: c / 2 + p tan(phi) / 2.
    const auto r = no_dilation.update(sym_outer(s, n) * (0.02 / t), sigma0, MaterialState(), 2.0);
    check("direct shear at F = 2: tau = (c + p tan(phi)) / 2 (relative)",
          std::abs(r.stress[0][1] - limit / 2) / (limit / 2),
          1e-12);

    // Pulled apart: sigma_n stops at T, then the contact opens.
    const auto pulled =
        no_dilation.update(sym_outer(n, n) * (0.01 / t), sigma0, MaterialState(), 1.0);
    check("pulled open: sigma_n = T (relative)",
          std::abs(pulled.stress[1][1] - p.tensile_strength) / p.tensile_strength,
          1e-12);
    check("pulled open: reported opening = imposed 10 mm [m]",
          std::abs(no_dilation.contact_displacement(pulled.state).opening - 0.01),
          1e-15);
  }

  // 2. Random states: admissible traction and the tangent on each branch.
  for (const unsigned int dim : {2u, 3u})
    {
      std::mt19937                           gen(7 + dim);
      std::uniform_real_distribution<double> u(-1, 1);
      double                                 worst_tangent[4] = {0, 0, 0, 0}, worst_inside = 0;
      unsigned int                           count[4] = {0, 0, 0, 0};
      const SymmetricTensor<2, 3>            sigma0 =
          -50e3 * sym_outer(n, n) - 30e3 * unit_symmetric_tensor<3>();
      for (unsigned int trial = 0; trial < 2000; ++trial)
        {
          // Relative displacements up to 0.1 mm normal and 0.3 mm shear.
          SymmetricTensor<2, 3> strain;
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = i; j < 3; ++j)
              if (i < dim && j < dim)
                strain[i][j] = 1e-3 * u(gen);
          strain[1][1] = 1e-2 * u(gen);
          strain[0][1] = 3e-2 * u(gen);
          if (dim == 3)
            strain[1][2] = 3e-2 * u(gen);
          MaterialState old;
          old.history.assign(contact.history_size(), 0.);
          const auto r = contact.update(strain, sigma0, old, 1.0);
          count[r.branch]++;
          const Tensor<1, 3> traction = r.stress * n;
          const double       sn       = traction * n;
          const double       tau      = (traction - sn * n).norm();
          worst_inside                = std::max({worst_inside,
                                                  (sn - p.tensile_strength) / p.cohesion,
                                                  (tau + sn * tan_phi - p.cohesion) / p.cohesion});

          const double h = 1e-9;
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int l = k; l < 3; ++l)
              {
                if (k >= dim || l >= dim)
                  continue;
                SymmetricTensor<2, 3> d;
                d[k][l]          = h;
                const auto plus  = contact.update(strain + d, sigma0, old, 1.0);
                const auto minus = contact.update(strain - d, sigma0, old, 1.0);
                if (plus.branch != r.branch || minus.branch != r.branch)
                  continue; // a kink, not the tangent
                const auto            column = (plus.stress - minus.stress) / (2 * h);
                SymmetricTensor<2, 3> unit;
                unit[k][l]          = 1;
                const auto analytic = r.tangent * unit;
                worst_tangent[r.branch] =
                    std::max(worst_tangent[r.branch],
                             (analytic - column).norm() / (p.normal_stiffness * t));
              }
        }
      std::printf("%uD: %u random states: %u stick, %u slip, %u opening, %u open and slipping\n",
                  dim,
                  2000u,
                  count[0],
                  count[1],
                  count[2],
                  count[3]);
      const char *names[] = {"stick", "slip", "opening", "open and slipping"};
      for (unsigned int b = 0; b < 4; ++b)
        {
          char what[120];
          std::snprintf(
              what, sizeof(what), "%uD tangent vs central difference, %s, / k_n t", dim, names[b]);
          check(what, worst_tangent[b], 1e-6);
          if (count[b] == 0)
            {
              std::printf("  branch %s never met: FAIL\n", names[b]);
              ++failures;
            }
        }
      check("traction inside the limits, max f / c", std::max(worst_inside, 0.), 1e-10);
    }
  std::printf(failures ? "FAILED\n" : "all passed\n");
  return failures ? 1 : 0;
}
