#include <roofspan/materials/constitutive_model.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/materials/mohr_coulomb.h>
#include <roofspan/materials/rock_unit.h>

#include <stdexcept>

namespace roofspan
{
  std::unique_ptr<ConstitutiveModel> ConstitutiveModel::create(const RockUnit &u)
  {
    if (u.model == "linear elastic")
      return std::make_unique<LinearElastic>(u.lame_lambda(), u.shear_modulus());
    if (u.model == "mohr coulomb")
      return std::make_unique<MohrCoulomb>(u.lame_lambda(),
                                           u.shear_modulus(),
                                           u.cohesion,
                                           u.friction_angle,
                                           u.dilation_angle,
                                           u.tensile_strength);
    throw std::logic_error("unknown constitutive model '" + u.model + "'");
  }
} // namespace roofspan
