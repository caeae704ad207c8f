#include <roofspan/core/input_error.h>
#include <roofspan/materials/coulomb_contact.h>
#include <roofspan/materials/mohr_coulomb.h>
#include <roofspan/materials/rock_unit.h>

#include <deal.II/base/parameter_handler.h>

#include <array>
#include <cmath>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    constexpr unsigned int opening_slot = PlasticStrain::size, slip_slot = PlasticStrain::size + 1;

    SymmetricTensor<2, 3> sym_outer(const Tensor<1, 3> &a, const Tensor<1, 3> &b)
    {
      return symmetrize(outer_product(a, b));
    }

    /// The contact's strain measures: normal strain e_n and the engineering
    /// shear strain g (in the plane) of a strain tensor.
    struct PlaneStrain
    {
      double       normal = 0;
      Tensor<1, 3> shear;
    };

    PlaneStrain plane_strain(const SymmetricTensor<2, 3> &e, const Tensor<1, 3> &n)
    {
      const Tensor<1, 3> en = e * n;
      PlaneStrain        s;
      s.normal = en * n;
      s.shear  = 2 * (en - s.normal * n);
      return s;
    }

    /// The traction's linear response: d sigma_n and d tau from d e_n and
    /// d g, one branch's derivative.
    struct TractionTangent
    {
      double       dn_den = 0; ///< d sigma_n / d e_n
      Tensor<1, 3> dn_dg;      ///< d sigma_n / d g
      Tensor<1, 3> dt_den;     ///< d tau / d e_n
      Tensor<2, 3> dt_dg;      ///< d tau / d g
    };
  } // namespace

  CoulombContact::CoulombContact(const Parameters &parameters, const Tensor<1, 3> &normal)
      : p(parameters)
      , n(normal / normal.norm())
      , kn(parameters.normal_stiffness * parameters.thickness)
      , ks(parameters.shear_stiffness * parameters.thickness)
      , k_parallel(parameters.regularisation * kn)
  {
  }

  ContactDisplacement CoulombContact::contact_displacement(const MaterialState &state) const
  {
    ContactDisplacement d;
    d.is_contact = true;
    if (state.history.size() > slip_slot)
      {
        d.opening = state.history[opening_slot];
        d.slip    = state.history[slip_slot];
      }
    return d;
  }

  std::vector<std::string> CoulombContact::branch_names() const
  {
    return {"elastic", "contact slip", "contact opening", "contact open and slipping"};
  }

  StressUpdate CoulombContact::update(const SymmetricTensor<2, 3> &strain,
                                      const SymmetricTensor<2, 3> &initial_stress,
                                      const MaterialState         &old_state,
                                      const StrengthFactor        &strength_factor,
                                      const TimeIncrement &) const
  {
    const SymmetricTensor<2, 3> old_plastic = PlasticStrain::get(old_state);
    const PlaneStrain           e           = plane_strain(strain - old_plastic, n);

    // In-situ traction on the plane and the trial traction.
    const Tensor<1, 3> t0        = initial_stress * n;
    const double       sn0       = t0 * n;
    const Tensor<1, 3> tau0      = t0 - sn0 * n;
    const double       sn_trial  = sn0 + kn * e.normal;
    const Tensor<1, 3> tau_trial = tau0 + ks * e.shear;
    const double       tt        = tau_trial.norm();

    const StrengthFactor::Shear s       = strength_factor.reduce(p.cohesion,
                                                           p.friction_angle * M_PI / 180,
                                                           p.dilation_angle * M_PI / 180,
                                                           p.tensile_strength);
    const double                tan_phi = std::tan(s.friction), tan_psi = std::tan(s.dilation);
    const double                c = s.cohesion, T = s.tensile;

    const Tensor<2, 3> I = unit_symmetric_tensor<3>();
    Tensor<1, 3>       m; // slip direction
    if (tt > 0)
      m = tau_trial / tt;
    const Tensor<2, 3> Pm = I - outer_product(m, m) - outer_product(n, n); // in plane, across m

    StressUpdate    r;
    double          sn  = sn_trial;
    Tensor<1, 3>    tau = tau_trial;
    TractionTangent d;
    d.dn_den = kn;
    d.dt_dg  = ks * (I - outer_product(n, n));
    r.branch = elastic;

    const double f_shear   = tt + sn_trial * tan_phi - c;
    const double f_tension = sn_trial - T;
    bool         done      = f_shear <= 0 && f_tension <= 0;
    if (!done && f_shear > 0)
      {
        // Return onto the Coulomb line with non-associated dilation.
        const double H       = ks + kn * tan_phi * tan_psi;
        const double dl      = f_shear / H;
        const double sn_slip = sn_trial - kn * tan_psi * dl;
        if (sn_slip <= T && dl * ks <= tt)
          {
            sn                     = sn_slip;
            const double magnitude = tt - ks * dl;
            tau                    = magnitude * m;
            // d(dl) = (ks m.dg + kn tan_phi de_n) / H
            const Tensor<1, 3> ddl_dg  = ks * m / H;
            const double       ddl_den = kn * tan_phi / H;
            d.dn_den                   = kn - kn * tan_psi * ddl_den;
            d.dn_dg                    = -kn * tan_psi * ddl_dg;
            d.dt_den                   = -ks * ddl_den * m;
            d.dt_dg  = outer_product(m, ks * m - ks * ddl_dg) + (magnitude / tt) * ks * Pm;
            r.branch = slip;
            done     = true;
          }
      }
    if (!done)
      {
        // At the tension limit: the contact opens; it slips as well if the
        // shear left exceeds the strength at sigma_n = T.
        sn               = T;
        d.dn_den         = 0;
        const double cap = std::max(c - T * tan_phi, 0.);
        if (tt <= cap)
          r.branch = opening;
        else
          {
            tau      = cap * m;
            d.dt_dg  = tt > 0 ? (cap / tt) * ks * Pm : Tensor<2, 3>();
            r.branch = open;
          }
      }

    // Stress: the in-situ stress in the plane of the layer, the contact's
    // traction on it and the small parallel stiffness.
    const Tensor<1, 3> traction = sn * n + tau;
    r.stress = initial_stress - sym_outer(n, t0) * 2 + (n * t0) * sym_outer(n, n) +
               2 * sym_outer(n, traction) - sn * sym_outer(n, n) + k_parallel * strain;

    // Tangent, column by column: the response to each unit strain.
    for (unsigned int k = 0; k < 3; ++k)
      for (unsigned int l = k; l < 3; ++l)
        {
          SymmetricTensor<2, 3> de;
          de[k][l]                    = 1; // both (k,l) and (l,k) when k != l
          const PlaneStrain     dp    = plane_strain(de, n);
          const double          dsn   = d.dn_den * dp.normal + d.dn_dg * dp.shear;
          const Tensor<1, 3>    dtau  = d.dt_den * dp.normal + d.dt_dg * dp.shear;
          const Tensor<1, 3>    dtrac = dsn * n + dtau;
          SymmetricTensor<2, 3> ds    = 2 * sym_outer(n, dtrac) - dsn * sym_outer(n, n);
          const double          scale = k == l ? 1. : 0.5;
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = i; j < 3; ++j)
              r.tangent[i][j][k][l] = scale * ds[i][j];
        }
    r.tangent += k_parallel * identity_tensor<3>();

    r.state = old_state;
    r.state.history.resize(history_size());
    r.state.mode = r.branch == elastic ? YieldMode::elastic :
                   r.branch == slip    ? YieldMode::shear :
                                         YieldMode::tension;
    if (r.branch != elastic)
      {
        const double       den_p = (sn_trial - sn) / kn;
        const Tensor<1, 3> dg_p  = (tau_trial - tau) / ks;
        PlasticStrain::set(r.state, old_plastic + den_p * sym_outer(n, n) + sym_outer(dg_p, n));
      }
    const PlaneStrain total       = plane_strain(strain, n);
    r.state.history[opening_slot] = std::max(total.normal, 0.) * p.thickness;
    r.state.history[slip_slot]    = total.shear.norm() * p.thickness;
    return r;
  }

  namespace
  {
    RockModelMaker parse_coulomb_contact(dealii::ParameterHandler &prm, RockUnit &unit)
    {
      const std::string path = "Rock unit/Coulomb contact";
      prm.enter_subsection("Coulomb contact");
      CoulombContact::Parameters p;
      p.normal_stiffness    = prm.get_double("Normal stiffness");
      p.shear_stiffness     = prm.get_double("Shear stiffness");
      p.thickness           = prm.get_double("Layer thickness");
      const double dip      = prm.get_double("Dip");
      const auto   strength = MohrCoulomb::parse_strength(prm, unit.file, path);
      prm.leave_subsection();
      p.cohesion         = strength.cohesion;
      p.friction_angle   = strength.friction_angle;
      p.dilation_angle   = strength.dilation_angle;
      p.tensile_strength = strength.tensile_strength;
      require(p.normal_stiffness > 0 && p.normal_stiffness < 1e15,
              unit.file,
              path + "/Normal stiffness",
              "expected 0 < k_n < 1e15 Pa/m, got " + format_number(p.normal_stiffness));
      require(p.shear_stiffness > 0 && p.shear_stiffness < 1e15,
              unit.file,
              path + "/Shear stiffness",
              "expected 0 < k_s < 1e15 Pa/m, got " + format_number(p.shear_stiffness));
      require(p.thickness > 0 && p.thickness <= 1,
              unit.file,
              path + "/Layer thickness",
              "expected 0 < thickness <= 1 m, got " + format_number(p.thickness));
      require(dip >= 0 && dip <= 90,
              unit.file,
              path + "/Dip",
              "expected 0 <= dip <= 90 degrees, got " + format_number(dip));
      // What the unit's isotropic constants stand for where they are used
      // (an elastic run, the matrix-free preconditioner): the normal modulus.
      unit.youngs_modulus    = p.normal_stiffness * p.thickness;
      unit.poissons_ratio    = 0;
      unit.contact_thickness = p.thickness;
      return [=](const unsigned int dim) -> std::unique_ptr<ConstitutiveModel> {
        const double angle = dip * M_PI / 180;
        Tensor<1, 3> normal;
        normal[0]       = -std::sin(angle);
        normal[dim - 1] = std::cos(angle);
        return std::make_unique<CoulombContact>(p, normal);
      };
    }
  } // namespace

  ROOFSPAN_REGISTER_ROCK_MODEL(
      coulomb_contact,
      (RockModelRegistry::Entry{
          "coulomb contact",
          "a bedding contact that opens and slides (subsection Coulomb contact): a thin layer "
          "of cells named in Stratigraphy/Contacts, with the normal and shear stiffness of "
          "the contact, Coulomb slip and a tension limit. Its Young's modulus and Poisson's "
          "ratio are derived (k_n t, 0); Unit weight is the layer's.",
          [](dealii::ParameterHandler &prm) {
            prm.enter_subsection("Coulomb contact");
            prm.declare_entry("Normal stiffness",
                              "0",
                              dealii::Patterns::Double(),
                              "Normal stiffness k_n of the contact [Pa/m] (clay-coated "
                              "bedding: 1e9-1e10).");
            prm.declare_entry("Shear stiffness",
                              "0",
                              dealii::Patterns::Double(),
                              "Shear stiffness k_s of the contact [Pa/m] (clay-coated "
                              "bedding: 1e8-1e9).");
            prm.declare_entry("Layer thickness",
                              "0.01",
                              dealii::Patterns::Double(),
                              "Thickness t of the layer of cells that represents the "
                              "contact in a built-in mesh [m], taken from the unit below "
                              "the contact. The stiffnesses act as moduli k t; the beds "
                              "stay within t of their true heights.");
            prm.declare_entry("Dip",
                              "0",
                              dealii::Patterns::Double(),
                              "Dip of the contact plane from the horizontal, toward +x "
                              "[degrees], in [0, 90] (built-in stratigraphy: 0).");
            MohrCoulomb::declare_strength(prm);
            prm.leave_subsection();
          },
          parse_coulomb_contact}))
} // namespace roofspan
