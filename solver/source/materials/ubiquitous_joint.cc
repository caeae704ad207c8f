#include <roofspan/core/input_error.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/materials/rock_unit.h>
#include <roofspan/materials/ubiquitous_joint.h>

#include <deal.II/base/parameter_handler.h>

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
      , C(LinearElastic::tangent(lambda, mu))
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

  double UbiquitousJoint::yield_function(const SymmetricTensor<2, 3> &stress,
                                         const StrengthFactor        &F) const
  {
    const auto   plane   = F.reduce(cohesion, phi, psi, tensile);
    const double tan_phi = std::tan(plane.friction);
    const auto   t       = traction(stress, n);
    double       f       = rock.yield_function(stress, F);
    f                    = std::max(f, t.shear + t.normal * tan_phi - plane.cohesion);
    f                    = std::max(f, t.normal - plane.tensile);
    return f;
  }

  namespace
  {
    /// G : X = sym((Q X n) (x) n) with Q = 1 - n n - s s: how sym(s (x) n)
    /// turns when the shear traction of X changes (times |tau|).
    SymmetricTensor<4, 3> slip_turning(const Tensor<1, 3> &s, const Tensor<1, 3> &n)
    {
      Tensor<2, 3> Q = unit_symmetric_tensor<3>();
      Q -= outer_product(n, n);
      Q -= outer_product(s, s);
      SymmetricTensor<4, 3> G;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int l = i; l < 3; ++l)
          for (unsigned int j = 0; j < 3; ++j)
            for (unsigned int k = j; k < 3; ++k)
              {
                // (Q X n)_a = Q_aj X_jk n_k; symmetrise in (i,l) and (j,k).
                const auto raw = [&](unsigned a, unsigned b, unsigned c, unsigned d) {
                  return 0.5 * (Q[a][c] * n[d] * n[b] + n[a] * Q[b][c] * n[d]);
                };
                G[i][l][j][k] = 0.5 * (raw(i, l, j, k) + raw(i, l, k, j));
              }
      return G;
    }
  } // namespace

  StressUpdate UbiquitousJoint::update(const SymmetricTensor<2, 3> &strain,
                                       const SymmetricTensor<2, 3> &initial_stress,
                                       const MaterialState         &old_state,
                                       const StrengthFactor        &F,
                                       const TimeIncrement         &time) const
  {
    // Sequential (FLAC-style) update: the rock's own return first, then the
    // plane's from the rock's stress sigma_r. The tangent is the exact
    // derivative of this composition: d sigma = P : d sigma_r with the
    // plane's projection P, and d sigma_r = D_r : d epsilon the rock's
    // consistent tangent (elastic or elasto-plastic).
    StressUpdate r = rock.update(strain, initial_stress, old_state, F, time);
    if (!r.ok)
      return r;
    const auto   plane   = F.reduce(cohesion, phi, psi, tensile);
    const double tan_phi = std::tan(plane.friction);
    const double tan_psi = std::tan(plane.dilation);
    const double c_F = plane.cohesion, T_F = plane.tensile;
    const double scale        = r.stress.norm() + c_F + 1.0;
    const bool   rock_yielded = r.branch != MohrCoulomb::elastic;

    const SymmetricTensor<4, 3> I       = identity_tensor<3>();
    const SymmetricTensor<2, 3> N       = sym_outer(n, n);
    bool                        tension = false, shear = false;
    auto                        t = traction(r.stress, n);
    if (t.normal - T_F > 1e-12 * scale)
      {
        // Open in tension: sigma = sigma_r - (N:sigma_r - T) / (N:C:N) C:N.
        const SymmetricTensor<2, 3> CN    = C * N;
        const double                denom = N * CN;
        r.stress -= ((t.normal - T_F) / denom) * CN;
        r.tangent = (I - outer_product(CN, N) / denom) * r.tangent;
        tension   = true;
      }
    t                    = traction(r.stress, n);
    const double f_shear = t.shear + t.normal * tan_phi - c_F;
    if (f_shear > 1e-12 * scale && t.shear > 0)
      {
        // M = sym(s n) turns with the slip direction s of the shear traction:
        // dM = G : d sigma / |tau|.
        const SymmetricTensor<2, 3> M = sym_outer(t.slip, n);
        const SymmetricTensor<4, 3> G = slip_turning(t.slip, n);
        if (t.normal >= T_F - 1e-12 * scale)
          {
            // At the tension corner: the shear traction drops to what the
            // plane holds there, the normal traction stays at T.
            const double target = std::max(0., c_F - T_F * tan_phi);
            const double excess = t.shear - target;
            r.stress -= 2 * excess * M;
            r.tangent = (I - 2 * outer_product(M, M) - (2 * excess / t.shear) * G) * r.tangent;
          }
        else
          {
            // Slip: a = df/dsigma = M + tan(phi) N, flow b = M + tan(psi) N;
            // a:C:b = mu + tan(phi) tan(psi) (lambda + 2 mu) does not depend
            // on s, C:b does.
            const SymmetricTensor<2, 3> a     = M + tan_phi * N;
            const SymmetricTensor<2, 3> b     = M + tan_psi * N;
            const SymmetricTensor<2, 3> Cb    = C * b;
            const double                denom = a * Cb;
            const double                dl    = f_shear / denom;
            r.stress -= dl * Cb;
            r.tangent = (I - outer_product(Cb, a) / denom - (dl / t.shear) * (C * G)) * r.tangent;
          }
        shear = true;
      }
    if (tension || shear)
      {
        PlasticStrain::set(r.state, strain - invert(C) * (r.stress - initial_stress));
        r.state.mode = YieldMode::bedding;
        r.branch     = rock_yielded     ? bedding_and_rock :
                       tension && shear ? bedding_corner :
                       tension          ? bedding_tension :
                                          bedding_slip;
      }
    return r;
  }

  std::vector<std::string> UbiquitousJoint::branch_names() const
  {
    std::vector<std::string> names = rock.branch_names();
    names.insert(names.end(),
                 {"bedding plane slip",
                  "bedding plane tension",
                  "bedding plane tension corner",
                  "bedding plane and rock yielding"});
    return names;
  }

  namespace
  {
    RockModelMaker parse_ubiquitous_joint(dealii::ParameterHandler &prm, RockUnit &unit)
    {
      const MohrCoulomb rock_model = MohrCoulomb::parse_rock(prm, unit);
      prm.enter_subsection("Bedding plane");
      const double dip = prm.get_double("Dip");
      require(dip >= 0 && dip <= 90,
              unit.file,
              "Rock unit/Bedding plane/Dip",
              "expected 0 <= dip <= 90 degrees, got " + format_number(dip));
      const auto plane = MohrCoulomb::parse_strength(prm, unit.file, "Rock unit/Bedding plane");
      prm.leave_subsection();
      const double lambda = unit.lame_lambda(), mu = unit.shear_modulus();
      return [=](const unsigned int dim) -> std::unique_ptr<ConstitutiveModel> {
        const double angle = dip * M_PI / 180;
        Tensor<1, 3> normal;
        normal[0]       = -std::sin(angle);
        normal[dim - 1] = std::cos(angle);
        return std::make_unique<UbiquitousJoint>(rock_model,
                                                 lambda,
                                                 mu,
                                                 normal,
                                                 plane.cohesion,
                                                 plane.friction_angle,
                                                 plane.dilation_angle,
                                                 plane.tensile_strength);
      };
    }
  } // namespace

  ROOFSPAN_REGISTER_ROCK_MODEL(
      ubiquitous_joint,
      (RockModelRegistry::Entry{
          "ubiquitous joint",
          "the Mohr-Coulomb rock (subsection Mohr-Coulomb) plus a weak bedding plane "
          "everywhere (subsection Bedding plane).",
          [](dealii::ParameterHandler &prm) {
            prm.enter_subsection("Bedding plane");
            prm.declare_entry("Dip",
                              "0",
                              dealii::Patterns::Double(),
                              "Dip of the bedding plane from the horizontal, toward +x "
                              "[degrees], in [0, 90].");
            MohrCoulomb::declare_strength(prm);
            prm.leave_subsection();
          },
          parse_ubiquitous_joint}))
} // namespace roofspan
