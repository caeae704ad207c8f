#pragma once

#include <roofspan/solvers/system_matrix.h>

#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/petsc_vector.h>

#include <cstdint>
#include <string>
#include <vector>

namespace roofspan
{
  /**
   * What one evaluation of a state writes and the next linear solve reads:
   * the tangent and residual, the force norms, the branches the points took,
   * the matrix-free operator's point tangents, and the first Newton
   * correction's constraints. A MechanicsProblem evaluates into the
   * workspace it was given; the model lays it out
   * (Simulator::make_workspace) for its current mesh and DoFs, and lays it
   * out again after repartitioning.
   *
   * Problems run one after another, so by default they share the model's
   * one workspace: the matrix is most of a run's memory, and the direct
   * solver keeps its factors for the matrix it factorised.
   */
  struct AssemblyWorkspace
  {
    SystemMatrix                       system_matrix;
    dealii::PETScWrappers::MPI::Vector system_rhs;     ///< Newton residual
    dealii::PETScWrappers::MPI::Vector internal_force; ///< unconstrained, for norms
    dealii::PETScWrappers::MPI::Vector external_force; ///< unconstrained, for norms

    /// Matrix-free with plastic units: the consistent tangent at each point
    /// [active cell index * n_q + q] from the last assembly with the
    /// Jacobian, which the operator applies; `tangent_generation` is unique
    /// to each refill (the operator rebuilds what depends on it).
    std::vector<dealii::SymmetricTensor<4, 3>> point_tangents;
    std::uint64_t                              tangent_generation = 0;

    /// The branches (a bit per branch of the model's BranchTable) taken by
    /// the points of each active cell in the last assembly, the branch of
    /// each point of a cell in order, hashed (a point moving between two
    /// branches its cell already has changes it), and the points per branch.
    std::vector<std::uint64_t> cell_branches;
    std::vector<std::uint64_t> cell_branch_sequence;
    std::vector<unsigned long> branch_points;
    /// Where a point's stress update last failed (empty if none).
    std::string local_failure_place;

    /// The first Newton correction of a step: increments of the prescribed
    /// values as inhomogeneous constraints.
    dealii::AffineConstraints<double> step_constraints;
  };
} // namespace roofspan
