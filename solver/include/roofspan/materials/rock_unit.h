#pragma once

#include <roofspan/materials/rock_model_registry.h>

#include <string>

namespace roofspan
{
  /**
   * A named rock unit of the material library (rock-mass values, SI units):
   * what every unit has (unit weight and elastic constants) and the rock
   * model it names, parsed by that model (RockModelRegistry).
   */
  struct RockUnit
  {
    std::string name;
    std::string file;                     ///< library file it came from (for error messages)
    std::string source;                   ///< citation or "assumption: ..."
    std::string model = "linear elastic"; ///< constitutive model name

    double unit_weight    = 0; ///< N/m^3
    double youngs_modulus = 0; ///< Pa
    double poissons_ratio = 0; ///< -
    /// A contact model's unit is a thin layer of cells between two beds:
    /// its thickness [m] (0: a rock unit). Set by the model's parse.
    double contact_thickness = 0;

    /// The unit's rock model for a model of dimension `dim`.
    RockModelMaker make_model;

    double lame_lambda() const;
    double shear_modulus() const;
  };
} // namespace roofspan
