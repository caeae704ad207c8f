#pragma once

#include <deal.II/base/point.h>
#include <deal.II/base/types.h>
#include <deal.II/grid/tria_description.h>

#include <mpi.h>

#include <vector>

namespace roofspan
{
  /**
   * A coarse mesh as plain lists (vertices, cells with material ids, tagged
   * boundary faces), without a Triangulation. A distributed run builds its
   * own part straight from it: partition() cuts the cells into parts,
   * describe_part() gives one rank its cells and their ghost layer. No rank
   * ever builds, partitions or stores the whole mesh as a Triangulation,
   * which is what made reading a large Gmsh mesh slow (every rank built it).
   *
   * Cells hold their vertices in deal.II's order (lexicographic) and must be
   * consistently ordered (GridTools::consistently_order_cells): every rank
   * must see a shared cell with the same vertex order, or the DoFs of ghost
   * cells would not match.
   */
  template <int dim>
  struct CoarseCellList
  {
    std::vector<dealii::Point<dim>>    vertices;
    std::vector<dealii::CellData<dim>> cells;
    /// Faces carrying a boundary id (vertices in any order; the ids of faces
    /// not listed are 0). Listed faces inside the mesh are ignored.
    std::vector<dealii::CellData<dim - 1>> boundary_faces;

    /// Owner of each cell among `n_parts` parts: recursive coordinate
    /// bisection of the cell centres, each cut across the longest extent of
    /// the cells being split, in proportion to the parts on either side.
    /// Deterministic: every rank computes the same partition.
    std::vector<unsigned int> partition(unsigned int n_parts) const;

    /**
     * The description of one rank's part for a fully distributed mesh: the
     * cells it owns plus every cell sharing a vertex with them (the ghost
     * layer), in the order of the list, with the coarse cell id = index in
     * the list. Faces at the mesh boundary get their boundary id + 1 (0
     * marks the faces where the ghost layer ends; the caller shifts the ids
     * back, as for a description made from a serial mesh).
     */
    dealii::TriangulationDescription::Description<dim, dim>
    describe_part(const std::vector<unsigned int> &owner, unsigned int rank, MPI_Comm comm) const;
  };
} // namespace roofspan
