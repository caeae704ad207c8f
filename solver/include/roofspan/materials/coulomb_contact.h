#pragma once

#include <roofspan/materials/constitutive_model.h>

#include <deal.II/base/tensor.h>

namespace roofspan
{
  /**
   * A bedding contact as a thin layer of cells (Desai's thin-layer
   * element): a layer of thickness t between two beds whose traction on the
   * contact plane follows a Coulomb joint law. With e_n the layer's normal
   * strain and g its engineering shear strain on the plane, the relative
   * displacements of the two beds are t e_n (opening) and t g (slip), so the
   * joint's normal and shear stiffnesses k_n, k_s [Pa/m] act as the moduli
   * k_n t and k_s t. The traction (sigma_n tension positive, tau) is limited
   * by
   *   tau + sigma_n tan(phi) <= c     (slip, dilation psi),
   *   sigma_n <= T                    (opening: no tension beyond T),
   * perfectly plastic, returned exactly in the traction space with the
   * consistent tangent (including the turning of the slip direction in
   * 3D). The stresses in the plane of the layer carry no stiffness of the
   * contact: a contact has none. A small isotropic stiffness in parallel,
   * `regularisation` x k_n t on every component, keeps the interior nodes of
   * an open or slipping layer determined (Q2 cells have nodes inside the
   * layer); it changes the traction by that fraction of k_n t times the
   * strain, below the solver's tolerance at the default 1e-8.
   *
   * Strength reduction: c, tan(phi) and T as StrengthFactor::reduce does for
   * the rock. History: the plastic strain (PlasticStrain) and the contact's
   * opening and slip [m] at the last update.
   */
  class CoulombContact : public ConstitutiveModel
  {
  public:
    struct Parameters
    {
      double normal_stiffness = 0; ///< k_n [Pa/m]
      double shear_stiffness  = 0; ///< k_s [Pa/m]
      double cohesion         = 0; ///< [Pa]
      double friction_angle   = 0; ///< [degrees]
      double dilation_angle   = 0; ///< [degrees]
      double tensile_strength = 0; ///< [Pa]
      double thickness        = 0; ///< of the layer of cells [m]
      double regularisation   = 1e-8;
    };

    enum Branch : unsigned int
    {
      elastic = 0,
      slip,    ///< on the Coulomb line, closed
      opening, ///< at the tension limit, not slipping
      open,    ///< at the tension limit and slipping (the corner)
    };

    /// `normal`: unit normal of the contact plane.
    CoulombContact(const Parameters &parameters, const dealii::Tensor<1, 3> &normal);

    std::string name() const override
    {
      return "coulomb contact";
    }

    bool has_symmetric_tangent() const override
    {
      return false;
    }

    unsigned int history_size() const override
    {
      return PlasticStrain::size + 2;
    }

    dealii::SymmetricTensor<2, 3> plastic_strain(const MaterialState &state) const override
    {
      return PlasticStrain::get(state);
    }

    ContactDisplacement contact_displacement(const MaterialState &state) const override;

    std::vector<std::string> branch_names() const override;

    StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                        const dealii::SymmetricTensor<2, 3> &initial_stress,
                        const MaterialState                 &old_state,
                        const StrengthFactor                &strength_factor,
                        const TimeIncrement                 &time = TimeIncrement()) const override;

    const Parameters &parameters() const
    {
      return p;
    }

  private:
    Parameters           p;
    dealii::Tensor<1, 3> n;
    double               kn, ks, k_parallel; ///< moduli [Pa]
  };
} // namespace roofspan
