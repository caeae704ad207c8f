#pragma once

#include <roofspan/materials/constitutive_model.h>

#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  struct RockUnit;

  /**
   * Mohr-Coulomb with a tension cut-off and non-associated flow (dilation
   * angle psi <= phi), perfectly plastic. Return mapping in principal stress
   * space (sigma_1 >= sigma_2 >= sigma_3, tension positive) onto the active
   * set of six planes: the Mohr-Coulomb plane of the sextant and its two
   * neighbours (which meet it at the triaxial edges and, all three, at the
   * apex) and the three tension cut-off planes sigma_i = T. The active set is
   * found by the usual add/drop iteration (a plane with a negative
   * multiplier is dropped, a violated one added); since every plane is linear
   * in principal space, the return on a given set is a small linear solve and
   * the consistent tangent is exact. The tangent adds the rotation of the
   * principal directions (isotropic-function derivative).
   *
   * Library files: `subsection Mohr-Coulomb` inside `Rock unit`. Strength
   * reduction: StrengthFactor::reduce (c/F, tan(phi)/F, T/F, psi <= phi_F).
   */
  class MohrCoulomb : public ConstitutiveModel
  {
  public:
    MohrCoulomb(double lambda,
                double mu,
                double cohesion,
                double friction_angle_degrees,
                double dilation_angle_degrees,
                double tensile_strength);

    /// The branches update() reports.
    enum Branch : unsigned int
    {
      elastic = 0,
      shear_face,   ///< one shear plane
      shear_edge,   ///< two shear planes (triaxial compression/extension edge)
      tension_face, ///< one tension cut-off plane
      tension_edge, ///< two or three tension planes (edge, apex)
      shear_tension ///< shear and tension planes together (corner)
    };

    std::string name() const override
    {
      return "mohr coulomb";
    }

    bool has_symmetric_tangent() const override
    {
      return psi == phi;
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

    /// The yield function values of the six planes at a stress (for tests):
    /// max over planes, <= 0 inside.
    double yield_function(const dealii::SymmetricTensor<2, 3> &stress,
                          const StrengthFactor                &strength_factor = 1) const;

    /// Mohr-Coulomb strength values as a library file gives them.
    struct Strength
    {
      double cohesion = 0, friction_angle = 0, dilation_angle = 0, tensile_strength = 0;
    };

    /// Declares Cohesion, Friction angle, Dilation angle and Tensile strength
    /// in the current subsection (also the bedding plane's).
    static void declare_strength(dealii::ParameterHandler &prm);

    /// Reads and checks them; `path` names the subsection in errors.
    static Strength
    parse_strength(dealii::ParameterHandler &prm, const std::string &file, const std::string &path);

    /// A unit's rock: its elastic constants and the strength of its library
    /// file's `subsection Mohr-Coulomb` (also the rock between the bedding
    /// planes of the ubiquitous-joint model).
    static MohrCoulomb parse_rock(dealii::ParameterHandler &prm, const RockUnit &unit);

  private:
    double lambda, mu, cohesion, phi, psi, tensile;
  };
} // namespace roofspan
