#pragma once

#include <roofspan/materials/constitutive_model.h>

#include <deal.II/base/tensor.h>

namespace roofspan
{
  /// Isotropic linear elasticity: sigma = sigma_0 + C : eps.
  class LinearElastic : public ConstitutiveModel
  {
  public:
    LinearElastic(double lambda, double mu);

    std::string name() const override
    {
      return "linear elastic";
    }

    bool is_linear() const override
    {
      return true;
    }

    StressUpdate update(const dealii::SymmetricTensor<2, 3> &strain,
                        const dealii::SymmetricTensor<2, 3> &initial_stress,
                        const MaterialState                 &old_state,
                        const StrengthFactor                &strength_factor,
                        const TimeIncrement                 &time = TimeIncrement()) const override;

    /// The stiffness form's integrand a(phi_i, phi_j) = lambda div phi_i
    /// div phi_j + 2 mu eps(phi_i) : eps(phi_j) for vector shape functions
    /// with one nonzero component each (c_i, c_j; g the gradient of that
    /// component). The one place the assembled matrix, the matrix-free
    /// operator's Q1 level and its diagonal take it from.
    template <int dim>
    static double form(const double                  lambda,
                       const double                  mu,
                       const dealii::Tensor<1, dim> &g_i,
                       const unsigned int            c_i,
                       const dealii::Tensor<1, dim> &g_j,
                       const unsigned int            c_j)
    {
      double k = lambda * g_i[c_i] * g_j[c_j] + mu * g_i[c_j] * g_j[c_i];
      if (c_i == c_j)
        k += mu * (g_i * g_j);
      return k;
    }

    /// C = lambda 1 (x) 1 + 2 mu I: the elastic tangent, wherever one is
    /// needed (this model, linear units among plastic ones, the
    /// matrix-free multigrid's Q1 level).
    static dealii::SymmetricTensor<4, 3> tangent(double lambda, double mu);

  private:
    dealii::SymmetricTensor<4, 3> stiffness;
  };
} // namespace roofspan
