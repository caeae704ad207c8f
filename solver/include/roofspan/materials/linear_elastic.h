#pragma once

#include <roofspan/materials/constitutive_model.h>

namespace roofspan
{
  /// Isotropic linear elasticity: sigma = sigma_0 + C : eps.
  class LinearElastic : public ConstitutiveModel
  {
  public:
    LinearElastic(double lambda, double mu);

    std::string name() const override
    {
      return "linear elastic";
    }

    bool is_linear() const override
    {
      return true;
    }

    StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                        const dealii::SymmetricTensor<2, 3> &initial_stress,
                        const MaterialState                 &old_state,
                        const StrengthFactor                &strength_factor) const override;

  private:
    dealii::SymmetricTensor<4, 3> stiffness;
  };
} // namespace roofspan
