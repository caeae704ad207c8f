#pragma once

#include <mpi.h>

#include <string>

namespace dealii
{
  template <int dim, int spacedim>
  class DoFHandler;
  template <int dim, int spacedim>
  class Mapping;
  template <typename number>
  class AffineConstraints;
  class IndexSet;
} // namespace dealii

namespace roofspan
{
  /**
   * Which rigid-body motions the boundary conditions leave free ("" if
   * none), e.g. "translation in x, rotation about z". Collective.
   *
   * Each constraint line u_i = sum_j a_ij u_j + b_i (fixed, roller,
   * symmetry, prescribed displacement, hanging nodes) is evaluated on the
   * rigid-body modes m (translations, rotations about the model's centre,
   * lengths scaled by its size): r_m = phi_m(i) - sum_j a_ij phi_m(j). The
   * motions are held exactly when G = sum r r^T is positive definite; a
   * mode with a zero eigenvalue of G moves the model without any
   * constraint noticing, and the stiffness matrix is singular. `constraints`
   * in the DoF handler's numbering, over the locally relevant DoFs.
   */
  template <int dim>
  std::string free_rigid_motions(const dealii::DoFHandler<dim, dim>      &dof_handler,
                                 const dealii::Mapping<dim, dim>         &mapping,
                                 const dealii::AffineConstraints<double> &constraints,
                                 const dealii::IndexSet                  &owned,
                                 const dealii::IndexSet                  &relevant,
                                 MPI_Comm                                 comm);
} // namespace roofspan
