#pragma once

#include <roofspan/geometry/model_geometry.h>

namespace roofspan
{
  /**
   * A box of horizontal layers with no opening, base at elevation 0: the
   * benchmark block and the clamped roof-beam verification. Boundaries:
   * x_min, x_max, (3D: y_min, y_max,) bottom, top. Layers are those of the
   * stratigraphy above the floor.
   */
  template <int dim>
  class LayeredBlock : public ModelGeometry<dim>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);

    LayeredBlock(dealii::ParameterHandler &prm,
                 const std::string        &file,
                 const Stratigraphy       &stratigraphy);

    void create_coarse_mesh(dealii::Triangulation<dim, dim> &tria) const override;

  private:
    const Stratigraphy stratigraphy;
    double             width, length, cell_size;
  };
} // namespace roofspan
