#pragma once

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/numerics/data_postprocessor.h>

#include <functional>

namespace roofspan
{
  /**
   * Derived output fields at every output point, from the displacement
   * gradient of the cell the point belongs to (so stress jumps at layer
   * interfaces stay visible): the total stress tensor (in-plane block; in 2D
   * also the out-of-plane stress_zz) and the principal stresses, sigma_1 the
   * most tensile. Tension positive, Pa.
   */
  template <int dim>
  class StressPostprocessor : public dealii::DataPostprocessor<dim>
  {
  public:
    /// The total stress at a point of a cell from the displacement gradient there.
    using StressFunction = std::function<
        dealii::SymmetricTensor<2, 3>(const typename dealii::DoFHandler<dim>::cell_iterator &,
                                      const std::vector<dealii::Tensor<1, dim>> &,
                                      const dealii::Point<dim> &)>;

    /// With `tensor_as_scalars` the stress components are written as
    /// scalars stress_xx, stress_xy, ... (for HDF5/XDMF, which stores
    /// vectors of at most 3 components but no tensors).
    StressPostprocessor(StressFunction stress, bool tensor_as_scalars = false);

    void evaluate_vector_field(const dealii::DataPostprocessorInputs::Vector<dim> &inputs,
                               std::vector<dealii::Vector<double>> &computed) const override;

    std::vector<std::string> get_names() const override;

    std::vector<dealii::DataComponentInterpretation::DataComponentInterpretation>
    get_data_component_interpretation() const override;

    dealii::UpdateFlags get_needed_update_flags() const override;

  private:
    StressFunction stress;
    bool           tensor_as_scalars;
  };
} // namespace roofspan
