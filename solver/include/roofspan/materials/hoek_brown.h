#pragma once

#include <roofspan/materials/constitutive_model.h>

#include <string>
#include <vector>

namespace roofspan
{
  /**
   * Generalised Hoek-Brown rock mass (Hoek, Carranza-Torres & Corkum 2002),
   * perfectly plastic. With sigma_1 >= sigma_2 >= sigma_3 (tension positive)
   * the yield function is
   *   f = sigma_1 - sigma_3 - sigma_ci (s - m_b sigma_1 / sigma_ci)^a,
   * i.e. sigma_1' = sigma_3' + sigma_ci (m_b sigma_3' / sigma_ci + s)^a in
   * compression-positive major and minor stresses, with m_b, s and a from
   * GSI, m_i and the disturbance factor D. The plastic potential is of
   * Mohr-Coulomb type with a dilation angle psi, g = K_psi sigma_1 - sigma_3,
   * K_psi = (1 + sin psi) / (1 - sin psi): the flow rule of Carranza-Torres's
   * (2004) closed form for the circular opening.
   *
   * Return mapping in principal space: since the flow direction is constant,
   * the return onto the face, onto either triaxial edge (sigma_1 = sigma_2 or
   * sigma_2 = sigma_3) and onto the apex (hydrostatic tension s sigma_ci /
   * m_b) each reduces to one monotone scalar equation, solved by Newton's
   * method inside a bracket; the consistent tangent is exact (no curvature
   * term: the potential is linear) and adds the rotation of the principal
   * directions.
   *
   * Strength reduction: sigma_ci / F (m_b, s, a unchanged), so that the
   * rock mass's uniaxial compressive strength sigma_ci s^a and its tensile
   * strength s sigma_ci / m_b both fall by F; F is then sigma_ci over the
   * sigma_ci at collapse, the definition of Li, Merifield & Lyamin's (2008)
   * stability charts. At high confinement the shear strength falls by less
   * than F (by about F^(1-a)), so this F is not the factor by which
   * Mohr-Coulomb units' c and tan(phi) are divided. Davis' procedure does not
   * apply: the flow rule stays the unit's own.
   *
   * Library files: `subsection Hoek-Brown` inside `Rock unit`.
   */
  class HoekBrown : public ConstitutiveModel
  {
  public:
    /// Angles in degrees, stresses in Pa.
    HoekBrown(double lambda,
              double mu,
              double sigma_ci,
              double m_b,
              double s,
              double a,
              double dilation_angle_degrees);

    /// m_b, s and a of the generalised criterion (Hoek et al. 2002).
    struct Constants
    {
      double m_b = 0, s = 0, a = 0;
    };
    static Constants constants(double gsi, double m_i, double disturbance);

    /// Rock-mass modulus from the intact modulus (Hoek & Diederichs 2006,
    /// generalised equation).
    static double hoek_diederichs_modulus(double intact_modulus, double gsi, double disturbance);

    enum Branch : unsigned int
    {
      elastic = 0,
      face,       ///< sigma_1 > sigma_2 > sigma_3 on the surface
      edge_major, ///< sigma_1 = sigma_2 (triaxial compression: the two least compressive equal)
      edge_minor, ///< sigma_2 = sigma_3 (triaxial extension)
      apex        ///< hydrostatic tension at the tensile strength
    };

    std::string name() const override
    {
      return "hoek brown";
    }

    bool has_symmetric_tangent() const override
    {
      return false;
    }

    unsigned int history_size() const override
    {
      return PlasticStrain::size;
    }

    dealii::SymmetricTensor<2, 3> plastic_strain(const MaterialState &state) const override
    {
      return PlasticStrain::get(state);
    }

    std::vector<std::string> branch_names() const override;

    StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                        const dealii::SymmetricTensor<2, 3> &initial_stress,
                        const MaterialState                 &old_state,
                        const StrengthFactor                &strength_factor,
                        const TimeIncrement                 &time = TimeIncrement()) const override;

    /// f at a stress (for tests); <= 0 inside, +infinity beyond the apex.
    double yield_function(const dealii::SymmetricTensor<2, 3> &stress,
                          const StrengthFactor                &strength_factor = 1) const;

    /// Major compressive stress at failure for a minor compressive stress
    /// `sigma_3` (compression positive): the criterion itself, for tests.
    double strength(double sigma_3, const StrengthFactor &strength_factor = 1) const;

  private:
    double                        lambda, mu, sigma_ci, m_b, s, a, psi;
    dealii::SymmetricTensor<4, 3> C;
  };
} // namespace roofspan
