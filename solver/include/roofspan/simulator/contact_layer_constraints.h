#pragma once

#include <deal.II/base/types.h>

#include <map>
#include <set>

namespace dealii
{
  template <int dim, int spacedim>
  class DoFHandler;
  template <int dim, int spacedim>
  class Triangulation;
  template <typename number>
  class AffineConstraints;
} // namespace dealii

namespace roofspan
{
  /**
   * Makes the displacement of every contact layer cell (material in
   * `contact_materials`) linear across its thickness: each node inside the
   * thickness (the middle row of a Q2 cell) is constrained to the
   * interpolation between the nodes on the layer's two faces at the same
   * place along it. A thin-layer contact then has one opening and one slip
   * through its thickness, as a zero-thickness interface element has.
   * Without it the interior nodes of an open or slipping Q2 layer would let
   * the opening shift between its quadrature rows at no cost (measured: the
   * default room's Newton cycled at load 0.5).
   *
   * The thickness direction of a cell is its shortest edge direction.
   * Lines already constrained (boundary values) are kept. Cells owned or
   * ghost; a face node shared by two cells gets the same constraint from
   * either. Degree 1 has no interior nodes (nothing to do).
   */
  /**
   * The largest relative difference, over the locally owned cells of each
   * contact material, between the cell's thickness (its shortest edge) and
   * the contact unit's Layer thickness (`thickness` by material): a contact
   * layer's stiffness is k t over the cell's thickness, so a layer of another
   * thickness (a Gmsh region meshed too thick, or two cells thick) would
   * have another stiffness. Local to this rank; 0 without contact cells.
   */
  template <int dim>
  double
  contact_layer_thickness_mismatch(const dealii::Triangulation<dim, dim>              &mesh,
                                   const std::map<dealii::types::material_id, double> &thickness);

  template <int dim>
  void add_contact_layer_constraints(const dealii::DoFHandler<dim, dim>         &dof_handler,
                                     const std::set<dealii::types::material_id> &contact_materials,
                                     dealii::AffineConstraints<double>          &constraints);
} // namespace roofspan
