#include <roofspan/materials/linear_elastic.h>

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
                                     const StrengthFactor &) const
  {
    StressUpdate r;
    r.stress  = initial_stress + stiffness * strain;
    r.tangent = stiffness;
    r.state   = old_state;
    return r;
  }
} // namespace roofspan
