#pragma once

#include <roofspan/geometry/model_geometry.h>
#include <roofspan/materials/bolt_product.h>

#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>

#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  class MaterialLibrary;

  /// One bolt of a pattern: a straight line from its collar into the rock.
  template <int dim>
  struct BoltLine
  {
    dealii::Point<dim>     collar;
    dealii::Tensor<1, dim> direction; ///< unit vector, into the rock
    double                 length = 0;
    /// Share of the bolt inside the model: 1/2 for a bolt in a symmetry
    /// plane (1/4 on two).
    double weight = 1;
    double offset = 0; ///< across-span position from the centre line [m]
    double row    = 0; ///< 3D: position along the drift [m]
  };

  /**
   * The `Bolts` subsection of a case: the bolt product, the pattern (bolts
   * per row evenly spaced between edge distances from the ribs, or explicit
   * offsets; row spacing; length; rib-bolt inclination), the pretension of
   * end-anchored bolts, and when the bolts are installed. Lays the pattern out
   * on the model's bolt surface (ModelGeometry::BoltSurface).
   *
   * In 2D plane strain a row of bolts is smeared along the drift: stiffness,
   * strength and pretension are divided by the row spacing (per metre of
   * drift), and forces are reported per bolt. In 3D rows are explicit.
   */
  template <int dim>
  class BoltPattern
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);

    /// Reads and checks the subsection; `present()` is false when no product
    /// is named.
    void parse_parameters(dealii::ParameterHandler &prm,
                          const std::string        &file,
                          const MaterialLibrary    &library,
                          const ModelGeometry<dim> &geometry);

    bool present() const
    {
      return !lines.empty();
    }

    BoltProduct                product;
    std::vector<BoltLine<dim>> lines;
    double                     length = 0, row_spacing = 1, pretension = 0;
    double       installation_relaxation = 0; ///< fraction released before installation
    unsigned int elements_per_cell       = 2;
    double       head_displacement       = 0; ///< verification: pull-out at the collar
    unsigned int bolts_per_row           = 0;
    double       edge_distance = 0, rib_inclination = 0;
    std::string  description; ///< e.g. "4 x 1.8 m resin rebar 19mm at 1.2 m rows"
    /// Bolts closer than this many bar diameters draw a warning.
    static constexpr double  crowding_diameters = 5;
    std::vector<std::string> warnings; ///< for the log and summary.json

    /// Factor on every stiffness, strength and pretension of the model:
    /// 1 / row spacing in 2D (smeared rows), 1 in 3D.
    double smearing() const
    {
      return dim == 2 ? 1. / row_spacing : 1.;
    }
  };
} // namespace roofspan
