#pragma once

#include <roofspan/materials/strength_factor.h>

#include <deal.II/base/symmetric_tensor.h>

#include <string>
#include <vector>

namespace roofspan
{
  /// What a material point is doing (output field `yield_state`).
  enum class YieldMode : unsigned char
  {
    elastic = 0,
    shear   = 1,
    tension = 2,
    bedding = 3
  };

  /// History of one material point, and the stress its model returned for
  /// it (outputs sample this stress; they never run the model again).
  struct MaterialState
  {
    dealii::SymmetricTensor<2, 3> plastic_strain;
    dealii::SymmetricTensor<2, 3> stress; ///< total stress [Pa] (zero until first updated)
    YieldMode                     mode = YieldMode::elastic;
  };

  /// Result of a stress update.
  struct StressUpdate
  {
    dealii::SymmetricTensor<2, 3> stress;  ///< total stress [Pa], tension positive
    dealii::SymmetricTensor<4, 3> tangent; ///< consistent (algorithmic) tangent
    MaterialState                 state;
    /// Which branch of its return the point took: an index into the
    /// model's branch_names() (0 is "elastic"). The Jacobian test
    /// (tests/nonlinear) checks the tangent on every branch that occurs.
    unsigned int branch = 0;
    bool         ok     = true; ///< false: the local update failed
    std::string  failure;       ///< why, when !ok
  };

  /**
   * The one interface every rock model sits behind: from the strain change
   * since the in-situ state, the in-situ stress and the point's history, the
   * total stress, the consistent tangent and the new history, or a report
   * that the local update failed. Knows nothing of meshes. Chosen by name
   * per rock unit (`Rock unit/Constitutive model`) from RockModelRegistry,
   * where each model registers itself with its own parameters. Each model
   * reduces its own strength for the factor of safety (`strength_factor`)
   * and says how in its documentation.
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

    /// Names of the branches update() reports (index 0: "elastic"), as the
    /// Jacobian test prints them.
    virtual std::vector<std::string> branch_names() const
    {
      return {"elastic"};
    }

    virtual StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                                const dealii::SymmetricTensor<2, 3> &initial_stress,
                                const MaterialState                 &old_state,
                                const StrengthFactor                &strength_factor) const = 0;
  };
} // namespace roofspan
