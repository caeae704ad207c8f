#pragma once

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>

#include <array>
#include <utility>

namespace roofspan
{
  /**
   * Stress and consistent tangent of an isotropic return made in principal
   * stress space: from the trial stress's eigenpairs, the returned principal
   * stresses `returned` and their 3x3 derivative `principal_tangent` with
   * respect to the trial principal strains (times the elastic matrix: the
   * principal algorithmic tangent D_ep), the tensor stress and the tangent
   * including the rotation of the principal directions (the
   * isotropic-function derivative; coefficient 2 mu (s_a - s_b) /
   * (s_tr_a - s_tr_b); for equal trial eigenvalues its limit
   * mu (G_aa - G_ab + G_bb - G_ba), G = D_ep D^-1 the derivative of the
   * returned principal stresses by the trial ones).
   * Every principal-space rock model (Mohr-Coulomb, Hoek-Brown) ends here.
   */
  void spectral_stress_and_tangent(
      const std::array<std::pair<double, dealii::Tensor<1, 3>>, 3> &trial_eigenpairs,
      const std::array<double, 3>                                  &returned,
      const std::array<std::array<double, 3>, 3>                   &principal_tangent,
      double                                                        lame_lambda,
      double                                                        shear_modulus,
      double                                                        scale,
      dealii::SymmetricTensor<2, 3>                                &stress,
      dealii::SymmetricTensor<4, 3>                                &tangent);
} // namespace roofspan
