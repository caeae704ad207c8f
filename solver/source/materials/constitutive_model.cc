#include <roofspan/materials/constitutive_model.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/materials/mohr_coulomb.h>
#include <roofspan/materials/rock_unit.h>
#include <roofspan/materials/ubiquitous_joint.h>

#include <cmath>
#include <stdexcept>

namespace roofspan
{
  const char *branch_name(const StressBranch branch)
  {
    switch (branch)
      {
        case StressBranch::elastic:
          return "elastic";
        case StressBranch::shear_face:
          return "Mohr-Coulomb shear face";
        case StressBranch::shear_edge:
          return "Mohr-Coulomb shear edge";
        case StressBranch::tension_face:
          return "tension cut-off face";
        case StressBranch::tension_edge:
          return "tension cut-off edge/apex";
        case StressBranch::shear_tension:
          return "shear + tension corner";
        case StressBranch::bedding_slip:
          return "bedding plane slip";
        case StressBranch::bedding_tension:
          return "bedding plane tension";
        case StressBranch::bedding_corner:
          return "bedding plane tension corner";
        case StressBranch::bedding_and_rock:
          return "bedding plane and rock yielding";
        default:
          return "unknown";
      }
  }

  std::unique_ptr<ConstitutiveModel> ConstitutiveModel::create(const RockUnit    &u,
                                                               const unsigned int dim)
  {
    if (u.model == "ubiquitous joint")
      {
        const MohrCoulomb    rock(u.lame_lambda(),
                               u.shear_modulus(),
                               u.cohesion,
                               u.friction_angle,
                               u.dilation_angle,
                               u.tensile_strength);
        const double         dip = u.bedding_dip * M_PI / 180;
        dealii::Tensor<1, 3> normal;
        normal[0]       = -std::sin(dip);
        normal[dim - 1] = std::cos(dip);
        return std::make_unique<UbiquitousJoint>(rock,
                                                 u.lame_lambda(),
                                                 u.shear_modulus(),
                                                 normal,
                                                 u.bedding_cohesion,
                                                 u.bedding_friction_angle,
                                                 u.bedding_dilation_angle,
                                                 u.bedding_tensile_strength);
      }
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
