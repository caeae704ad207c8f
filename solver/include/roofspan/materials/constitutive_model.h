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
    dealii::SymmetricTensor<2, 3> stress; ///< total stress [Pa] (zero until first updated)
    YieldMode                     mode = YieldMode::elastic;
    /// The model's own history variables, as many as its history_size()
    /// (the plastic models keep their plastic strain here: PlasticStrain).
    /// Sized by the analysis when it lays out a state, moved with the
    /// cells when the mesh is repartitioned.
    std::vector<double> history;
  };

  /// When an update happens: the end of the increment and its length. The
  /// analyses are quasi-static, so this is the path's pseudo-time: the load
  /// factor of the stages (the strength-reduction path holds it, step 0).
  /// Rate-independent models ignore it; a time-dependent one (creep) gets
  /// it where it needs it.
  struct TimeIncrement
  {
    double time = 0, step = 0;
  };

  /// The plastic strain kept in MaterialState::history by the plastic
  /// models (its 6 components first; an empty history reads as zero).
  struct PlasticStrain
  {
    static constexpr unsigned int        size = 6;
    static dealii::SymmetricTensor<2, 3> get(const MaterialState &state);
    static void set(MaterialState &state, const dealii::SymmetricTensor<2, 3> &plastic_strain);
  };

  /// What a contact model reports of its point: the relative displacement
  /// of the two sides across the contact since the in-situ state [m].
  struct ContactDisplacement
  {
    bool   is_contact = false; ///< false for a rock model
    double opening    = 0;     ///< normal separation (0 while closed or compressed)
    double slip       = 0;     ///< tangential displacement, magnitude
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
   * and says how in its documentation. A model chooses the size of its
   * points' history (history_size) and receives the time of each update.
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

    /// How many history variables each of its points keeps
    /// (MaterialState::history).
    virtual unsigned int history_size() const
    {
      return 0;
    }

    /// The plastic strain a point's history holds (zero for a model without
    /// one): the output field `plastic_strain`.
    virtual dealii::SymmetricTensor<2, 3> plastic_strain(const MaterialState &) const
    {
      return {};
    }

    /// The opening and slip a contact model's point reports (output fields
    /// `contact_opening`, `contact_slip`); rock models are no contact.
    virtual ContactDisplacement contact_displacement(const MaterialState &) const
    {
      return {};
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
                                const StrengthFactor                &strength_factor,
                                const TimeIncrement &time = TimeIncrement()) const = 0;
  };
} // namespace roofspan
