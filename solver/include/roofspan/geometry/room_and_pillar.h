#pragma once

#include <roofspan/geometry/model_geometry.h>

namespace roofspan
{
  /**
   * The built-in room-and-pillar shapes, cut by symmetry planes so that only
   * the repeating part is meshed:
   *  - `roof section` (2D plane strain): half room + half pillar, x from the
   *    room centre line to the pillar centre line;
   *  - `drift` (3D): the same section extruded along y, the drift open from
   *    the symmetry plane y = 0 to its face at y = drift length, solid rock
   *    ahead of the face;
   *  - `intersection` (3D): a quarter of a four-way intersection of a panel of
   *    square pillars, symmetry planes through the intersection centre and
   *    through the pillar centres.
   * With layout `single opening` the far side is a distant boundary instead of
   * a pillar centre line. Layer interfaces, the roof line, the floor and the
   * rib lines fall on cell faces; cells grow away from the opening.
   */
  template <int dim>
  class RoomAndPillar : public ModelGeometry<dim>
  {
  public:
    enum class Shape
    {
      roof_section,
      drift,
      intersection
    };

    static void declare_parameters(dealii::ParameterHandler &prm);

    RoomAndPillar(Shape                     shape,
                  dealii::ParameterHandler &prm,
                  const std::string        &file,
                  const Stratigraphy       &stratigraphy);

    void create_coarse_mesh(dealii::Triangulation<dim, dim> &tria) const override;

    double estimated_coarse_cells() const override;

  private:
    /// Cell sizes along each axis (x, [y,] z) and the layer breaks in z.
    std::vector<std::vector<double>> coarse_spacing() const;
    /// The extent of each axis and the breaks it honours, for the spacing.
    std::vector<std::pair<std::vector<double>, std::vector<double>>> axis_breaks() const;

    Shape              shape;
    const Stratigraphy stratigraphy;
    double             span, height, pillar_width, half_width;
    bool               single_opening;
    double             drift_length, solid_ahead;
    double             fine_size, growth_ratio, max_size;
  };
} // namespace roofspan
