#pragma once

#include <roofspan/materials/constitutive_model.h>

namespace roofspan
{
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

    std::string name() const override
    {
      return "mohr coulomb";
    }

    bool has_symmetric_tangent() const override
    {
      return psi == phi;
    }

    StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                        const dealii::SymmetricTensor<2, 3> &initial_stress,
                        const MaterialState                 &old_state,
                        const StrengthFactor                &strength_factor) const override;

    /// The yield function values of the six planes at a stress (for tests):
    /// max over planes, <= 0 inside.
    double yield_function(const dealii::SymmetricTensor<2, 3> &stress,
                          const StrengthFactor                &strength_factor = 1) const;

  private:
    double lambda, mu, cohesion, phi, psi, tensile;
  };
} // namespace roofspan
