#include <roofspan/materials/ubiquitous_joint.h>

#include <cmath>

namespace roofspan
{
  using namespace dealii;

  UbiquitousJoint::UbiquitousJoint(const MohrCoulomb  &rock,
                                   const double        lambda,
                                   const double        mu,
                                   const Tensor<1, 3> &normal,
                                   const double        cohesion,
                                   const double        friction_angle_degrees,
                                   const double        dilation_angle_degrees,
                                   const double        tensile_strength)
      : rock(rock)
      , C(lambda * outer_product(unit_symmetric_tensor<3>(), unit_symmetric_tensor<3>()) +
          2 * mu * identity_tensor<3>())
      , n(normal / normal.norm())
      , cohesion(cohesion)
      , phi(friction_angle_degrees * M_PI / 180)
      , psi(dilation_angle_degrees * M_PI / 180)
      , tensile(tensile_strength)
  {
  }

  namespace
  {
    struct PlaneTraction
    {
      double       normal = 0, shear = 0;
      Tensor<1, 3> slip; ///< unit shear direction (zero if no shear)
    };

    PlaneTraction traction(const SymmetricTensor<2, 3> &s, const Tensor<1, 3> &n)
    {
      PlaneTraction      t;
      const Tensor<1, 3> v   = s * n;
      t.normal               = v * n;
      const Tensor<1, 3> tau = v - t.normal * n;
      t.shear                = tau.norm();
      if (t.shear > 0)
        t.slip = tau / t.shear;
      return t;
    }

    SymmetricTensor<2, 3> sym_outer(const Tensor<1, 3> &a, const Tensor<1, 3> &b)
    {
      return symmetrize(outer_product(a, b));
    }
  } // namespace

  double UbiquitousJoint::yield_function(const SymmetricTensor<2, 3> &stress, const double F) const
  {
    const double tan_phi = std::tan(phi) / F;
    const auto   t       = traction(stress, n);
    double       f       = rock.yield_function(stress, F);
    f                    = std::max(f, t.shear + t.normal * tan_phi - cohesion / F);
    f                    = std::max(f, t.normal - tensile / F);
    return f;
  }

  StressUpdate UbiquitousJoint::update(const SymmetricTensor<2, 3> &strain,
                                       const SymmetricTensor<2, 3> &initial_stress,
                                       const MaterialState         &old_state,
                                       const double                 F) const
  {
    StressUpdate r = rock.update(strain, initial_stress, old_state, F);
    if (!r.ok)
      return r;
    const double tan_phi = std::tan(phi) / F;
    const double tan_psi = std::min(std::tan(psi), tan_phi);
    const double c_F = cohesion / F, T_F = tensile / F;
    const double scale = r.stress.norm() + c_F + 1.0;

    bool joint = false;
    // Return onto one plane (a : sigma = rhs, flow b) from the rock's
    // stress with the elastic stiffness, as a sequential (FLAC-style)
    // ubiquitous-joint update; the rank-one correction of the tangent uses
    // the same stiffness.
    const auto return_onto =
        [&](const SymmetricTensor<2, 3> &a, const SymmetricTensor<2, 3> &b, const double f) {
          const SymmetricTensor<2, 3> Cb    = C * b;
          const SymmetricTensor<2, 3> aC    = a * C;
          const double                denom = a * Cb;
          r.stress -= (f / denom) * Cb;
          r.tangent -= outer_product(Cb, aC) / denom;
          joint = true;
        };

    const SymmetricTensor<2, 3> N = sym_outer(n, n);
    auto                        t = traction(r.stress, n);
    if (t.normal - T_F > 1e-12 * scale)
      return_onto(N, N, t.normal - T_F); // open in tension first
    t                    = traction(r.stress, n);
    const double f_shear = t.shear + t.normal * tan_phi - c_F;
    if (f_shear > 1e-12 * scale && t.shear > 0)
      {
        const SymmetricTensor<2, 3> M = sym_outer(t.slip, n);
        if (t.normal >= T_F - 1e-12 * scale)
          {
            // At the tension corner: the shear stress drops to what the
            // plane holds there, the normal stress stays at T.
            const double target = std::max(0., c_F - T_F * tan_phi);
            r.stress -= 2 * (t.shear - target) * M;
            joint = true;
          }
        else
          return_onto(M + tan_phi * N, M + tan_psi * N, f_shear);
      }
    if (joint)
      {
        r.state.plastic_strain = strain - invert(C) * (r.stress - initial_stress);
        r.state.mode           = YieldMode::bedding;
      }
    return r;
  }
} // namespace roofspan
