#pragma once

#include <deal.II/base/function.h>
#include <deal.II/base/tensor.h>
#include <deal.II/base/types.h>

#include <map>
#include <memory>
#include <set>
#include <string>

namespace dealii
{
  class ParameterHandler;
  template <int dim, int spacedim>
  class DoFHandler;
  template <int dim, int spacedim>
  class Mapping;
  template <typename number>
  class AffineConstraints;
  namespace Functions
  {
    template <int dim>
    class ParsedFunction;
  }
} // namespace dealii

namespace roofspan
{
  /**
   * Boundary conditions per named boundary, all on the displacement caused
   * by the excavation (the in-situ state is the reference):
   *  - free: traction-free (the default for boundaries not listed);
   *  - fixed: zero displacement;
   *  - roller / symmetry: zero normal displacement, free tangentially;
   *  - traction: a constant traction vector [Pa] (from `Tractions`);
   *  - in-situ traction: the in-situ stress times the outward normal, i.e.
   *    the far field keeps pushing as before (the model top under cover);
   *  - displacement: the `Displacement function` (e.g. a closed form).
   */
  template <int dim>
  class BoundaryConditions
  {
  public:
    BoundaryConditions();
    ~BoundaryConditions();

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler                                &prm,
                                 const std::string                                       &file,
                                 const std::map<dealii::types::boundary_id, std::string> &names);

    /// Adds fixed, roller and displacement constraints.
    void apply(const dealii::DoFHandler<dim, dim> &dof_handler,
               const dealii::Mapping<dim, dim>    &mapping,
               dealii::AffineConstraints<double>  &constraints) const;

    /// Constant traction on boundary `id`, if that boundary has one.
    const dealii::Tensor<1, dim> *traction(dealii::types::boundary_id id) const;

    bool has_in_situ_traction(dealii::types::boundary_id id) const;

    /// The `Displacement function` (also a reference solution for errors).
    const dealii::Function<dim> &displacement_function() const;

    /// Readable description, e.g. "top: in-situ traction, bottom: roller".
    std::string describe() const;

  private:
    std::map<dealii::types::boundary_id, std::string>            names;
    std::map<dealii::types::boundary_id, std::string>            kind;
    std::map<dealii::types::boundary_id, dealii::Tensor<1, dim>> tractions;
    std::unique_ptr<dealii::Functions::ParsedFunction<dim>>      displacement;
  };
} // namespace roofspan
