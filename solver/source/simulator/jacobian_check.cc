#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>

#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  void Simulator<dim>::check_jacobian(AnalysisState<dim> &state,
                                      AssemblyWorkspace  &ws,
                                      const double        load)
  {
    // The tangent at the current trial state, and the branch of every
    // quadrature point and bolt element there.
    assemble_system(state, ws, load, true);
    const std::vector<std::uint64_t> branches_here = ws.cell_branches;
    const std::vector<std::uint64_t> sequence_here = ws.cell_branch_sequence;
    const auto                       points_here   = ws.branch_points;
    std::map<std::string, std::vector<types::global_dof_index>> bolt_state_dofs;
    if (bolts)
      bolts->element_state_dofs(state.bolts, bolt_state_dofs);

    // One mask per branch (the same list on every rank: compress is
    // collective): 1 on the unknowns of cells / bolt elements in it.
    std::vector<std::string>       names       = branches.names();
    const std::vector<std::string> bolt_states = {"bond elastic",
                                                  "bond slipping",
                                                  "steel elastic",
                                                  "steel yielding"};
    names.insert(names.end(), bolt_states.begin(), bolt_states.end());
    std::vector<PETScWrappers::MPI::Vector> masks(names.size(),
                                                  PETScWrappers::MPI::Vector(locally_owned_dofs,
                                                                             mpi_communicator));
    std::vector<double>                     counts(names.size(), 0.);
    for (unsigned int b = 0; b < branches.size(); ++b)
      counts[b] = points_here[b];
    std::vector<types::global_dof_index> dof_indices(fe->n_dofs_per_cell());
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          system_dof_indices(cell, dof_indices);
          const std::vector<double> ones(dof_indices.size(), 1.);
          for (unsigned int b = 0; b < branches.size(); ++b)
            if (branches_here[cell->active_cell_index()] & (std::uint64_t(1) << b))
              masks[b].add(dof_indices, ones);
        }
    for (unsigned int k = 0; k < bolt_states.size(); ++k)
      {
        const auto it = bolt_state_dofs.find(bolt_states[k]);
        if (it == bolt_state_dofs.end())
          continue;
        const unsigned int index = branches.size() + k;
        masks[index].add(it->second, std::vector<double>(it->second.size(), 1.));
        counts[index] += it->second.size() / (fe->n_dofs_per_cell() + 2);
      }
    for (auto &m : masks)
      m.compress(VectorOperation::add);
    MPI_Allreduce(
        MPI_IN_PLACE, counts.data(), counts.size(), MPI_DOUBLE, MPI_SUM, mpi_communicator);

    // The perturbed residuals are evaluated on a copy of the state: the
    // state's own trial histories stay those of its current iterate.
    AnalysisState<dim>                     probe = state;
    const PETScWrappers::MPI::Vector      &base  = state.solution;
    const double                           size  = std::max(base.linfty_norm(), 1e-12);
    std::mt19937                           random(1234 + jacobian_record.checks +
                        Utilities::MPI::this_mpi_process(mpi_communicator));
    std::uniform_real_distribution<double> uniform(-1, 1);

    // Rows of constrained unknowns (boundary values, the interior nodes of
    // contact layers) are not equations: the condensed matrix keeps a
    // diagonal there, the condensed residual is zero. Left out.
    std::vector<bool> constrained_row(locally_owned_dofs.n_elements());
    for (unsigned int i = 0; i < constrained_row.size(); ++i)
      constrained_row[i] = constraints.is_constrained(locally_owned_dofs.nth_index_in_set(i));

    std::vector<double> worst(names.size(), 0.);
    constexpr double    settled_difference = 1e-8;
    for (unsigned int direction = 0; direction < 2; ++direction)
      {
        // A random direction that satisfies the homogeneous constraints and
        // leaves the idle bolt unknowns alone (they only carry a diagonal).
        PETScWrappers::MPI::Vector v(locally_owned_dofs, mpi_communicator);
        for (const auto i : locally_owned_dofs)
          v(i) = uniform(random);
        v.compress(VectorOperation::insert);
        if (bolts)
          {
            for (const auto i : bolts->idle_dofs(state.bolts))
              if (locally_owned_dofs.is_element(i))
                v(i) = 0;
            v.compress(VectorOperation::insert);
          }
        constraints.distribute(v);
        PETScWrappers::MPI::Vector Jv(v);
        ws.system_matrix.vmult(Jv, v);

        std::vector<double> best(names.size(), std::numeric_limits<double>::infinity());
        for (const double h : {1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9})
          {
            const double               step = h * size;
            PETScWrappers::MPI::Vector residual_plus(v), fd(v);
            // Cells where a point changes branch between the three states
            // (any point: cell_branch_sequence)
            // straddle a kink: a difference quotient says nothing about the
            // tangent there, so their unknowns are left out at this h.
            PETScWrappers::MPI::Vector straddling(locally_owned_dofs, mpi_communicator);
            for (const double sign : {1., -1.})
              {
                probe.solution = base;
                probe.solution.add(sign * step, v);
                probe.locally_relevant_solution = probe.solution;
                assemble_system(probe, ws, load, false);
                if (sign > 0)
                  residual_plus = ws.system_rhs;
                for (const auto &cell : dof_handler.active_cell_iterators())
                  if (cell->is_locally_owned() &&
                      ws.cell_branch_sequence[cell->active_cell_index()] !=
                          sequence_here[cell->active_cell_index()])
                    {
                      system_dof_indices(cell, dof_indices);
                      straddling.add(dof_indices, std::vector<double>(dof_indices.size(), 1.));
                    }
              }
            straddling.compress(VectorOperation::add);
            // R = f_ext - f_int: the tangent is -dR/du.
            fd = ws.system_rhs;
            fd -= residual_plus;
            fd /= 2 * step;
            PETScWrappers::MPI::Vector difference(Jv);
            difference -= fd;

            const PetscScalar *d, *j, *x;
            VecGetArrayRead(difference, &d);
            VecGetArrayRead(Jv, &j);
            VecGetArrayRead(straddling, &x);
            std::vector<double> sums(2 * names.size(), 0.);
            for (unsigned int b = 0; b < names.size(); ++b)
              {
                const PetscScalar *m;
                VecGetArrayRead(masks[b], &m);
                for (unsigned int i = 0; i < locally_owned_dofs.n_elements(); ++i)
                  if (m[i] > 0 && x[i] == 0 && !constrained_row[i])
                    {
                      sums[2 * b] += d[i] * d[i];
                      sums[2 * b + 1] += j[i] * j[i];
                    }
                VecRestoreArrayRead(masks[b], &m);
              }
            VecRestoreArrayRead(difference, &d);
            VecRestoreArrayRead(Jv, &j);
            VecRestoreArrayRead(straddling, &x);
            MPI_Allreduce(
                MPI_IN_PLACE, sums.data(), sums.size(), MPI_DOUBLE, MPI_SUM, mpi_communicator);
            for (unsigned int b = 0; b < names.size(); ++b)
              if (sums[2 * b + 1] > 0)
                best[b] = std::min(best[b], std::sqrt(sums[2 * b] / sums[2 * b + 1]));
            // Every branch present already agrees far below any tolerance a
            // test sets: smaller steps would only add round-off.
            bool settled = true;
            for (unsigned int b = 0; b < names.size(); ++b)
              if (counts[b] > 0 && !(best[b] <= settled_difference))
                settled = false;
            if (settled)
              break;
          }
        for (unsigned int b = 0; b < names.size(); ++b)
          if (counts[b] > 0 && std::isfinite(best[b]))
            worst[b] = std::max(worst[b], best[b]);
      }
    ++jacobian_record.checks;
    for (unsigned int b = 0; b < names.size(); ++b)
      if (counts[b] > 0 && worst[b] > 1e-6)
        pcout << "      jacobian check " << jacobian_record.checks << ": " << names[b] << " ("
              << counts[b] << "): relative difference " << worst[b] << '\n';
    for (unsigned int b = 0; b < names.size(); ++b)
      if (counts[b] > 0)
        {
          auto &entry = jacobian_record.branches[names[b]];
          entry.first += static_cast<unsigned long>(counts[b]);
          entry.second = std::max(entry.second, worst[b]);
        }
  }

  template void Simulator<2>::check_jacobian(AnalysisState<2> &, AssemblyWorkspace &, double);
  template void Simulator<3>::check_jacobian(AnalysisState<3> &, AssemblyWorkspace &, double);
} // namespace roofspan
