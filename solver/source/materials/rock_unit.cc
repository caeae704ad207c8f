#include <roofspan/materials/rock_unit.h>

namespace roofspan
{
  double RockUnit::lame_lambda() const
  {
    return youngs_modulus * poissons_ratio / ((1. + poissons_ratio) * (1. - 2. * poissons_ratio));
  }

  double RockUnit::shear_modulus() const
  {
    return youngs_modulus / (2. * (1. + poissons_ratio));
  }
} // namespace roofspan
