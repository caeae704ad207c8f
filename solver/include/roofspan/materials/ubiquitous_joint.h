#pragma once

#include <roofspan/materials/mohr_coulomb.h>

#include <deal.II/base/tensor.h>

namespace roofspan
{
  /**
   * Bedding-plane (ubiquitous-joint) model: the rock's own Mohr-Coulomb
   * strength (MohrCoulomb) plus a weak plane of given dip everywhere, with
   * its own cohesion, friction, dilation and tensile strength. Layered roofs
   * fail along bedding. The update returns onto the rock's surface first and
   * then, if the traction on the plane violates its strength, onto the
   * plane's shear line tau + sigma_n tan(phi_j) = c_j or its tension cut-off
   * sigma_n = T_j (tension positive), as FLAC's ubiquitous-joint model does.
   * The tangent on the plane is the continuum tangent of the active plane
   * (the turning of the slip direction is neglected), so Newton converges
   * linearly there.
   *
   * Library files: the rock in `subsection Mohr-Coulomb`, the plane in
   * `subsection Bedding plane`. Strength reduction: both by
   * StrengthFactor::reduce.
   */
  class UbiquitousJoint : public ConstitutiveModel
  {
  public:
    /// `normal`: unit normal of the bedding plane.
    UbiquitousJoint(const MohrCoulomb          &rock,
                    double                      lambda,
                    double                      mu,
                    const dealii::Tensor<1, 3> &normal,
                    double                      cohesion,
                    double                      friction_angle_degrees,
                    double                      dilation_angle_degrees,
                    double                      tensile_strength);

    /// Branches after the rock's own (MohrCoulomb::Branch).
    enum Branch : unsigned int
    {
      bedding_slip = MohrCoulomb::shear_tension + 1, ///< bedding plane slipping (rock elastic)
      bedding_tension,                               ///< bedding plane open in tension
      bedding_corner,   ///< bedding plane at its tension corner (open and slipping)
      bedding_and_rock, ///< rock and bedding plane yielding together
    };

    std::string name() const override
    {
      return "ubiquitous joint";
    }

    unsigned int history_size() const override
    {
      return PlasticStrain::size;
    }

    dealii::SymmetricTensor<2, 3> plastic_strain(const MaterialState &state) const override
    {
      return PlasticStrain::get(state);
    }

    std::vector<std::string> branch_names() const override;

    bool has_symmetric_tangent() const override
    {
      return false;
    }

    StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                        const dealii::SymmetricTensor<2, 3> &initial_stress,
                        const MaterialState                 &old_state,
                        const StrengthFactor                &strength_factor,
                        const TimeIncrement                 &time = TimeIncrement()) const override;

    /// max(rock, plane shear, plane tension) yield function; <= 0 inside.
    double yield_function(const dealii::SymmetricTensor<2, 3> &stress,
                          const StrengthFactor                &strength_factor = 1) const;

  private:
    MohrCoulomb                   rock;
    dealii::SymmetricTensor<4, 3> C;
    dealii::Tensor<1, 3>          n;
    double                        cohesion, phi, psi, tensile;
  };
} // namespace roofspan
