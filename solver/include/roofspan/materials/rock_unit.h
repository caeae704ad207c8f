#pragma once

#include <string>

namespace roofspan
{
  /**
   * A named rock unit of the material library (rock-mass values, SI units).
   * The elastic solver uses unit weight, E and nu; the strength values are
   * read and validated now so that a library file is complete and checked
   * before the plastic models use it.
   */
  struct RockUnit
  {
    std::string name;
    std::string file;                     ///< library file it came from (for error messages)
    std::string source;                   ///< citation or "assumption: ..."
    std::string model = "linear elastic"; ///< constitutive model name

    double unit_weight      = 0; ///< N/m^3
    double youngs_modulus   = 0; ///< Pa
    double poissons_ratio   = 0; ///< -
    double cohesion         = 0; ///< Pa
    double friction_angle   = 0; ///< degrees
    double dilation_angle   = 0; ///< degrees
    double tensile_strength = 0; ///< Pa
    // Bedding plane (model "ubiquitous joint").
    double bedding_dip              = 0; ///< degrees from horizontal, dipping toward +x
    double bedding_cohesion         = 0; ///< Pa
    double bedding_friction_angle   = 0; ///< degrees
    double bedding_dilation_angle   = 0; ///< degrees
    double bedding_tensile_strength = 0; ///< Pa

    double lame_lambda() const;
    double shear_modulus() const;
  };
} // namespace roofspan
