#pragma once

#include <roofspan/geometry/model_geometry.h>

namespace roofspan
{
  /**
   * A quarter of a circular opening of radius a in a circular block of outer
   * radius R (2D plane strain), with symmetry planes on the x and y axes:
   * the Kirsch and Salencon verification geometry, and a circular tunnel.
   * Radial cell sizes grow geometrically from the wall; the wall and the
   * outer boundary are exact circles (polar manifold). Boundaries: wall,
   * outer, x_axis (y = 0), y_axis (x = 0).
   */
  template <int dim>
  class CircularOpening : public ModelGeometry<dim>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);

    CircularOpening(dealii::ParameterHandler &prm,
                    const std::string        &file,
                    const MaterialLibrary    &library);

    void create_coarse_mesh(dealii::Triangulation<dim, dim> &tria) const override;
    void attach_manifolds(dealii::Triangulation<dim, dim> &tria) const override;

    bool has_curved_boundaries() const override
    {
      return true;
    }

  private:
    double       radius, outer_radius;
    unsigned int radial_cells, angular_cells;
  };
} // namespace roofspan
