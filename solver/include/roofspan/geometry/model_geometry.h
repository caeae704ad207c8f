#pragma once

#include <roofspan/geometry/stratigraphy.h>

#include <deal.II/base/point.h>
#include <deal.II/base/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
  template <int dim, int spacedim>
  class Triangulation;
} // namespace dealii

namespace roofspan
{
  class MaterialLibrary;
  template <int dim>
  struct CoarseCellList;

  /**
   * What every model shape provides to the simulator: the coarse mesh (with
   * manifolds), named boundaries, and which rock unit each material id is.
   * Built-in shapes (RoomAndPillar, LayeredBlock, CircularOpening) and Gmsh
   * meshes (GmshModel) derive from it. The vertical axis is the last
   * coordinate (y in 2D, z in 3D); in 3D, y runs along the drift.
   */
  template <int dim>
  class ModelGeometry
  {
  public:
    virtual ~ModelGeometry() = default;

    /// Declares the `Geometry` subsection and the subsections of all shapes.
    static void declare_parameters(dealii::ParameterHandler &prm);

    /// Reads `Geometry/Model` and returns the shape it names, parsed and
    /// checked against the library and the stratigraphy.
    static std::unique_ptr<ModelGeometry<dim>> create(dealii::ParameterHandler &prm,
                                                      const std::string        &file,
                                                      const MaterialLibrary    &library,
                                                      const Stratigraphy       &stratigraphy);

    /// Builds the coarse mesh into `tria` (material and boundary ids set).
    virtual void create_coarse_mesh(dealii::Triangulation<dim, dim> &tria) const = 0;

    /// The number of coarse cells the mesh will have, from the parameters
    /// alone (before anything is built, so that a model too large for the
    /// memory is refused before it exhausts it); 0 if unknown here.
    virtual double estimated_coarse_cells() const
    {
      return 0;
    }

    /// Fills `list` with the coarse mesh as plain lists (vertices, cells,
    /// tagged faces), without building a Triangulation, and returns true; a
    /// distributed run then builds each rank's part from it directly. False
    /// if this shape or this file cannot: the caller uses
    /// create_coarse_mesh().
    virtual bool read_cell_list(CoarseCellList<dim> &list) const
    {
      (void)list;
      return false;
    }

    /// Attaches the manifolds of curved boundaries to `tria`, for a
    /// distributed copy of the mesh: before its cells are created (they are
    /// refined on the manifolds), with the manifold ids create_coarse_mesh()
    /// set. Straight-sided shapes have none.
    virtual void attach_manifolds(dealii::Triangulation<dim, dim> &) const
    {
    }

    /// True if boundaries are curved (the simulator then uses a mapping of
    /// the element's degree).
    virtual bool has_curved_boundaries() const
    {
      return false;
    }

    /// A region of the mesh (one material id).
    struct Region
    {
      std::string label;           ///< e.g. "layer 3 (breccia)"
      std::string unit;            ///< rock unit name
      bool        in_roof = false; ///< lies above the roof line
    };

    /// Where roof results are taken (only for shapes with an opening roof).
    struct Roof
    {
      bool                       present   = false;
      double                     elevation = 0; ///< roof line elevation [m]
      dealii::Point<dim>         mid_span;      ///< centre of the opening's roof
      dealii::types::boundary_id boundary = 0;  ///< id of the opening surface
    };

    /// Where bolt patterns are laid out: the horizontal surface bolts are
    /// collared in, and bolted upward from. Built-in shapes set it (the
    /// opening's roof; the base of a layered block); Gmsh models do not.
    struct BoltSurface
    {
      bool   present   = false;
      double elevation = 0;              ///< collar elevation [m]
      double centre    = 0;              ///< x of the opening's centre line [m]
      double span      = 0;              ///< full span, rib to rib [m]
      double row_begin = 0, row_end = 0; ///< 3D: y extent of the roof along the drift [m]
      bool   crossing = false;           ///< 3D: a second room runs along x (intersection)
      /// A symmetry plane of the model: a bolt lying in it is cut in half by
      /// it and counts with weight 1/2; one beyond it is a mirror image.
      struct MirrorPlane
      {
        unsigned int axis  = 0;
        double       value = 0;
        int          side  = +1; ///< the model lies at +1: coordinate >= value; -1: <= value
      };
      std::vector<MirrorPlane> mirror_planes;
    };

    std::map<dealii::types::boundary_id, std::string> boundary_names;
    std::map<dealii::types::material_id, Region>      regions;
    Roof                                              roof;
    BoltSurface                                       bolt_surface;
    std::string                                       description;
  };
} // namespace roofspan
