#pragma once

#include <roofspan/geometry/stratigraphy.h>

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>

#include <string>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * The stress before excavation (tension positive, Pa), as a full 3x3
   * tensor in model axes: index dim-1 is vertical, index 0 the in-plane
   * horizontal direction (across the opening), and the remaining index the
   * out-of-plane horizontal direction (along the drift; z in 2D plane
   * strain, y in 3D). Vertical stress is the weight of the overburden and the
   * stratigraphy above the point (then it is in equilibrium with gravity
   * exactly), or uniform; horizontal = K0 x vertical, with separate K0 in
   * plane and out of plane.
   */
  template <int dim>
  class InSituStress
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm,
                                 const std::string        &file,
                                 const Stratigraphy       &stratigraphy,
                                 bool                      gravity);

    dealii::SymmetricTensor<2, 3> stress(const dealii::Point<dim> &p) const;

    const std::string &model_name() const
    {
      return model;
    }

  private:
    std::string  model = "overburden";
    Stratigraphy stratigraphy;
    double       uniform_vertical = 0;
    double       k0_in_plane = 1, k0_out_of_plane = 1;
  };

  /// Index of the out-of-plane horizontal direction in 3x3 model tensors.
  template <int dim>
  constexpr unsigned int out_of_plane_index = (dim == 2 ? 2 : 1);
} // namespace roofspan
