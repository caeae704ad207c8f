#pragma once

namespace roofspan
{
  /**
   * How a constitutive model's strength is reduced in a strength-reduction
   * analysis: the factor F (cohesion, tan(phi) and tensile strength divided
   * by F, psi capped at the reduced phi; a tensile strength at the apex
   * c cot(phi), i.e. no cut-off, stays there) and, optionally, Davis' procedure
   * for non-associated materials (Davis 1968; as compared by Tschuchnigg,
   * Schweiger & Sloan 2015, "Davis B"): the reduced c and tan(phi) are
   * scaled by
   *   beta = cos(phi_F) cos(psi_F) / (1 - sin(phi_F) sin(psi_F))
   * and the flow made associated. The scaled, associated material has a
   * unique solution for each increment and reaches its limit load where a
   * non-associated one may cycle or bifurcate, so the factor of safety no
   * longer depends on how the solver gets there; beta <= 1 keeps it on the
   * safe side of the non-associated limit. `davis` between 0 and 1 blends
   * the material's own parameters into Davis' (the switch at F = 1 is taken
   * as a path, not a jump).
   */
  struct StrengthFactor
  {
    /// Implicit on purpose: a plain F means the material's own flow rule.
    StrengthFactor(double factor = 1, double davis = 0)
        : factor(factor)
        , davis(davis)
    {
    }

    double factor = 1; ///< F
    double davis  = 0; ///< 0: the material's flow rule; 1: Davis' associated equivalent

    /// Shear strength parameters after the reduction (angles in radians).
    struct Shear
    {
      double cohesion = 0, friction = 0, dilation = 0, tensile = 0;
    };

    /// Reduced parameters of a material with cohesion `c`, friction and
    /// dilation angles `phi`, `psi` [rad] and tensile strength `tensile`.
    Shear reduce(double c, double phi, double psi, double tensile) const;
  };
} // namespace roofspan
