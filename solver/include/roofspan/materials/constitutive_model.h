#pragma once

#include <roofspan/materials/strength_factor.h>

#include <deal.II/base/symmetric_tensor.h>

#include <memory>
#include <string>

namespace roofspan
{
  struct RockUnit;

  /// What a material point is doing (output field `yield_state`).
  enum class YieldMode : unsigned char
  {
    elastic = 0,
    shear   = 1,
    tension = 2,
    bedding = 3
  };

  /// History of one material point.
  struct MaterialState
  {
    dealii::SymmetricTensor<2, 3> plastic_strain;
    YieldMode                     mode = YieldMode::elastic;
  };

  /// Which branch of its return a material point took: the Jacobian test
  /// (tests/nonlinear) checks the tangent on every one.
  enum class StressBranch : unsigned char
  {
    elastic = 0,
    shear_face,       ///< Mohr-Coulomb: one shear plane
    shear_edge,       ///< two shear planes (triaxial compression/extension edge)
    tension_face,     ///< one tension cut-off plane
    tension_edge,     ///< two or three tension planes (edge, apex)
    shear_tension,    ///< shear and tension planes together (corner)
    bedding_slip,     ///< bedding plane slipping (rock elastic)
    bedding_tension,  ///< bedding plane open in tension
    bedding_corner,   ///< bedding plane at its tension corner (open and slipping)
    bedding_and_rock, ///< rock and bedding plane yielding together
    n_branches
  };

  /// Name of a branch, as the Jacobian test prints it.
  const char *branch_name(StressBranch branch);

  /// Result of a stress update.
  struct StressUpdate
  {
    dealii::SymmetricTensor<2, 3> stress;  ///< total stress [Pa], tension positive
    dealii::SymmetricTensor<4, 3> tangent; ///< consistent (algorithmic) tangent
    MaterialState                 state;
    StressBranch                  branch = StressBranch::elastic;
    bool                          ok     = true; ///< false: the local update failed
    std::string                   failure;       ///< why, when !ok
  };

  /**
   * The one interface every rock model sits behind: from the strain change
   * since the in-situ state, the in-situ stress and the point's history, the
   * total stress, the consistent tangent and the new history, or a report
   * that the local update failed. Knows nothing of meshes. Chosen by name
   * per rock unit (`Rock unit/Constitutive model`). Strength parameters are
   * divided by `strength_factor` (shear strength reduction: c/F, tan(phi)/F,
   * tensile strength/F, psi <= reduced phi).
   */
  class ConstitutiveModel
  {
  public:
    virtual ~ConstitutiveModel() = default;

    virtual std::string name() const = 0;

    /// True if stress is linear in strain (no history).
    virtual bool is_linear() const
    {
      return false;
    }

    /// True if the consistent tangent is symmetric (associated flow).
    virtual bool has_symmetric_tangent() const
    {
      return true;
    }

    virtual StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                                const dealii::SymmetricTensor<2, 3> &initial_stress,
                                const MaterialState                 &old_state,
                                const StrengthFactor                &strength_factor) const = 0;

    /// The model a rock unit names, for a model of dimension `dim` (the
    /// vertical axis is the last one; bedding dips toward +x).
    static std::unique_ptr<ConstitutiveModel> create(const RockUnit &unit, unsigned int dim);
  };
} // namespace roofspan
