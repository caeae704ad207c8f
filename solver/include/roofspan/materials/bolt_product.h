#pragma once

#include <string>

namespace roofspan
{
  /**
   * A named rock-bolt product of the material library (SI units): the steel
   * bar and the bond it develops with the roof in a borehole. Loaded from a
   * `subsection Bolt product` file beside the rock units; every value is
   * validated on load (MaterialLibrary).
   */
  struct BoltProduct
  {
    enum class Type
    {
      fully_grouted, ///< bonded along its whole length
      end_anchored   ///< plate + anchor only, pretensioned
    };

    std::string name;
    std::string file;   ///< library file it came from (for error messages)
    std::string source; ///< citation or "assumption: ..."
    Type        type = Type::fully_grouted;

    double diameter        = 0; ///< bar diameter [m]
    double area            = 0; ///< steel cross-section [m^2]
    double youngs_modulus  = 0; ///< steel E [Pa]
    double yield_force     = 0; ///< [N]
    double ultimate_force  = 0; ///< [N]
    double ultimate_strain = 0; ///< total axial strain at rupture [-]
    double bond_stiffness  = 0; ///< shear stiffness per unit length [N/m/m]
    double bond_strength   = 0; ///< shear strength per unit length [N/m]
    double anchor_length   = 0; ///< end-anchored: bonded length at the far end [m]
    double plate_stiffness = 0; ///< bearing plate spring [N/m]; 0 = no plate

    /// Axial stiffness E A [N].
    /// Hardening of the steel past yield, force per unit plastic strain:
    /// linear from (yield strain, yield force) to (ultimate strain, ultimate
    /// force) [N].
    double hardening_modulus() const
    {
      const double yield_strain = yield_force / axial_stiffness();
      return (ultimate_force - yield_force) / (ultimate_strain - yield_strain);
    }

    double axial_stiffness() const
    {
      return youngs_modulus * area;
    }

    const char *type_name() const
    {
      return type == Type::fully_grouted ? "fully grouted" : "end anchored";
    }
  };
} // namespace roofspan
