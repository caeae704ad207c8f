#include <roofspan/materials/linear_elastic.h>
#include <roofspan/materials/rock_unit.h>

namespace roofspan
{
  using namespace dealii;

  LinearElastic::LinearElastic(const double lambda, const double mu)
      : stiffness(tangent(lambda, mu))
  {
  }

  SymmetricTensor<4, 3> LinearElastic::tangent(const double lambda, const double mu)
  {
    return lambda * outer_product(unit_symmetric_tensor<3>(), unit_symmetric_tensor<3>()) +
           2 * mu * identity_tensor<3>();
  }

  StressUpdate LinearElastic::update(const SymmetricTensor<2, 3> &strain,
                                     const SymmetricTensor<2, 3> &initial_stress,
                                     const MaterialState         &old_state,
                                     const StrengthFactor &,
                                     const TimeIncrement &) const
  {
    StressUpdate r;
    r.stress  = initial_stress + stiffness * strain;
    r.tangent = stiffness;
    r.state   = old_state;
    return r;
  }

  ROOFSPAN_REGISTER_ROCK_MODEL(
      linear_elastic,
      (RockModelRegistry::Entry{"linear elastic",
                                "isotropic linear elasticity (Young's modulus and Poisson's "
                                "ratio only).",
                                nullptr,
                                [](dealii::ParameterHandler &, RockUnit &unit) -> RockModelMaker {
                                  const double lambda = unit.lame_lambda(),
                                               mu     = unit.shear_modulus();
                                  return [=](unsigned int) {
                                    return std::make_unique<LinearElastic>(lambda, mu);
                                  };
                                }}))
} // namespace roofspan
