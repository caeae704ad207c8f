#pragma once

#include <roofspan/geometry/model_geometry.h>

namespace roofspan
{
  /**
   * Any other shape, from a Gmsh mesh (`.msh`, format 2 or 4, quadrilaterals
   * or hexahedra: use `Recombine`). Physical groups of dimension `dim` name
   * the regions and are mapped to rock units by `Materials`; physical groups
   * of dimension `dim - 1` name the boundaries used in `Boundary conditions`.
   */
  template <int dim>
  class GmshModel : public ModelGeometry<dim>
  {
  public:
    static void declare_parameters(dealii::ParameterHandler &prm);

    GmshModel(dealii::ParameterHandler &prm,
              const std::string        &file,
              const MaterialLibrary    &library);

    void create_coarse_mesh(dealii::Triangulation<dim, dim> &tria) const override;

    /// Reads ASCII meshes (format 2 or 4.1) of quadrilaterals (2D) or
    /// hexahedra (3D) directly; anything else (binary, format 4.0,
    /// parametric nodes, other cell types, an entity in two physical
    /// groups, a damaged file) returns false and goes through GridIn, whose
    /// checks and messages then apply.
    bool read_cell_list(CoarseCellList<dim> &list) const override;

  private:
    /// read_cell_list() without clearing `list` on failure.
    bool parse_cell_list(CoarseCellList<dim> &list) const;

    std::string mesh_file;
  };
} // namespace roofspan
