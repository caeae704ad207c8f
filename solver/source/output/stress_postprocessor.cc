#include <roofspan/output/stress_postprocessor.h>

#include <deal.II/dofs/dof_handler.h>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  StressPostprocessor<dim>::StressPostprocessor(StressFunction stress, const bool tensor_as_scalars)
      : stress(std::move(stress))
      , tensor_as_scalars(tensor_as_scalars)
  {
  }

  template <int dim>
  std::vector<std::string> StressPostprocessor<dim>::get_names() const
  {
    std::vector<std::string> names(dim * dim, "stress");
    if (tensor_as_scalars)
      for (unsigned int a = 0; a < dim; ++a)
        for (unsigned int b = 0; b < dim; ++b)
          names[a * dim + b] = std::string("stress_") + "xyz"[a] + "xyz"[b];
    if (dim == 2)
      names.emplace_back("stress_zz");
    for (const char *n : {"sigma_1", "sigma_2", "sigma_3"})
      names.emplace_back(n);
    return names;
  }

  template <int dim>
  std::vector<DataComponentInterpretation::DataComponentInterpretation>
  StressPostprocessor<dim>::get_data_component_interpretation() const
  {
    std::vector<DataComponentInterpretation::DataComponentInterpretation> i(
        dim * dim,
        tensor_as_scalars ? DataComponentInterpretation::component_is_scalar :
                            DataComponentInterpretation::component_is_part_of_tensor);
    i.resize(get_names().size(), DataComponentInterpretation::component_is_scalar);
    return i;
  }

  template <int dim>
  UpdateFlags StressPostprocessor<dim>::get_needed_update_flags() const
  {
    return update_gradients | update_quadrature_points;
  }

  template <int dim>
  void StressPostprocessor<dim>::evaluate_vector_field(
      const DataPostprocessorInputs::Vector<dim> &inputs,
      std::vector<Vector<double>>                &computed) const
  {
    const auto cell = inputs.template get_cell<dim>();
    for (unsigned int q = 0; q < computed.size(); ++q)
      {
        const SymmetricTensor<2, 3> s =
            stress(cell, inputs.solution_gradients[q], inputs.evaluation_points[q]);
        unsigned int k = 0;
        for (unsigned int a = 0; a < dim; ++a)
          for (unsigned int b = 0; b < dim; ++b)
            computed[q](k++) = s[a][b];
        if (dim == 2)
          computed[q](k++) = s[2][2];
        for (const double e : eigenvalues(s))
          computed[q](k++) = e;
      }
  }

  template class StressPostprocessor<2>;
  template class StressPostprocessor<3>;
} // namespace roofspan
