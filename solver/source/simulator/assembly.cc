#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/fault_injection.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>

#include <cmath>
#include <limits>
#include <map>
#include <sstream>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    // Cells that are translated copies of each other (same material, same
    // vertex offsets) have the same stiffness matrix. Layered and graded
    // meshes are built of few distinct cell shapes, so caching the matrices
    // removes most of the assembly work. Only valid with a Q1 mapping.
    template <int dim, typename CellIterator>
    std::vector<std::int64_t> congruence_key(const CellIterator &cell)
    {
      std::vector<std::int64_t> key;
      key.reserve(1 + dim * GeometryInfo<dim>::vertices_per_cell);
      key.push_back(cell->material_id());
      const Point<dim> origin = cell->vertex(0);
      const double     unit   = 1e-9 * origin.distance(cell->vertex(1));
      for (const unsigned int v : cell->vertex_indices())
        for (unsigned int d = 0; d < dim; ++d)
          key.push_back(std::llround((cell->vertex(v)[d] - origin[d]) / unit));
      return key;
    }
  } // namespace

  template <int dim>
  std::pair<double, double> Simulator<dim>::assemble_system(AnalysisState<dim> &state,
                                                            AssemblyWorkspace  &ws,
                                                            const double        load,
                                                            const bool          with_matrix)
  {
    TimerOutput::Scope t(*computing_timer, "assembly");
    Timer              timer(mpi_communicator, true);

    const QGauss<dim>     quadrature(degree + 1);
    const QGauss<dim - 1> face_quadrature(degree + 1);
    FEValues<dim>         fe_values(*mapping,
                            *fe,
                            quadrature,
                            update_values | update_gradients | update_quadrature_points |
                                update_JxW_values);
    FEFaceValues<dim>     fe_face_values(*mapping,
                                     *fe,
                                     face_quadrature,
                                     update_values | update_quadrature_points |
                                         update_normal_vectors | update_JxW_values);

    const unsigned int dofs_per_cell = fe->n_dofs_per_cell();
    const unsigned int n_q           = quadrature.size();
    // The load factor is the stages' pseudo-time (ConstitutiveModel).
    const TimeIncrement                  time{load, load - state.committed_load};
    FullMatrix<double>                   cell_matrix(dofs_per_cell, dofs_per_cell);
    Vector<double>                       cell_rhs(dofs_per_cell);
    std::vector<types::global_dof_index> dof_indices(dofs_per_cell);

    // Each shape function of FESystem(FE_Q, dim) has one nonzero component.
    std::vector<unsigned int> component(dofs_per_cell);
    for (unsigned int i = 0; i < dofs_per_cell; ++i)
      component[i] = fe->system_to_component_index(i).first;
    std::vector<Tensor<1, dim>>        grad(dofs_per_cell);
    std::vector<double>                cell_u(dofs_per_cell);
    std::vector<SymmetricTensor<2, 3>> B(dofs_per_cell);
    bool                               local_failure = false;
    Vector<double>                     cell_internal(dofs_per_cell), cell_external(dofs_per_cell);

    const bool   use_cache       = !geometry->has_curved_boundaries();
    const size_t max_cache_bytes = size_t(128) << 20;
    std::map<std::vector<std::int64_t>, FullMatrix<double>> cache;
    const size_t bytes_per_matrix = sizeof(double) * dofs_per_cell * dofs_per_cell;

    // The matrix lives in SystemMatrix's own arrays: reset() zeroes them
    // (PETSc cannot zero a matrix before its first assembly).
    // Matrix-free (setup.cc): residuals only; CG applies the stiffness itself.
    const bool assemble_matrix = with_matrix && !use_matrix_free;
    // Matrix-free with bolts: system_matrix holds the bolts' part only.
    const bool assemble_bolt_matrix = with_matrix && use_matrix_free && bolts;
    if ((assemble_matrix || assemble_bolt_matrix) && n_assemblies > 0)
      ws.system_matrix.reset();
    const AffineConstraints<double> &active =
        state.first_newton_iteration ? ws.step_constraints : constraints;
    ws.cell_branches.assign(mesh->n_active_cells(), 0);
    ws.cell_branch_sequence.assign(mesh->n_active_cells(), 0);
    ws.branch_points.assign(branches.size(), 0);
    ws.local_failure_place.clear();
    ws.system_rhs     = 0;
    ws.internal_force = 0;
    ws.external_force = 0;
    // The first assembly on this mesh fills the fixed-load cache; later ones
    // read it (the same numbers, computed once).
    const bool fill_fixed_load = !fixed_load.ready;
    if (fill_fixed_load)
      {
        fixed_load.cell_load.assign(size_t(mesh->n_active_cells()) * dofs_per_cell, 0.);
        fixed_load.in_situ.assign(size_t(mesh->n_active_cells()) * n_q, SymmetricTensor<2, 3>());
      }
    // An exception on one rank must not leave the others in compress():
    // it is caught here and raised on every rank below.
    std::string rank_failure;
    try
      {
        fault_point("assembly");
        if (with_matrix && use_matrix_free)
          {
            if (plastic)
              ws.point_tangents.resize(size_t(mesh->n_active_cells()) * n_q);
            // A new Jacobian (rock tangent and bolts' matrix), numbered
            // uniquely over all workspaces: the operator rebuilds what
            // depends on it when the number changes.
            static std::uint64_t jacobians = 0;
            ws.tangent_generation          = ++jacobians;
          }
        for (const auto &cell : dof_handler.active_cell_iterators())
          {
            if (!cell->is_locally_owned())
              continue;
            fe_values.reinit(cell);
            const ElasticConstants &m = elastic.at(cell->material_id());

            const ConstitutiveModel &model     = *models.at(cell->material_id());
            const bool               nonlinear = !model.is_linear();
            system_dof_indices(cell, dof_indices);
            state.locally_relevant_solution.extract_subvector_to(dof_indices, cell_u);

            const FullMatrix<double> *cached = nullptr;
            std::vector<std::int64_t> key;
            if (nonlinear)
              {
                // Stress from the constitutive model at each point: internal
                // force int B^T (sigma - sigma_0), tangent int B^T C_alg B.
                cell_matrix   = 0;
                cell_internal = 0;
                for (unsigned int q = 0; q < n_q; ++q)
                  {
                    const double JxW = fe_values.JxW(q);
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      {
                        const Tensor<1, dim> g = fe_values.shape_grad_component(i, q, component[i]);
                        SymmetricTensor<2, 3> b;
                        for (unsigned int d = 0; d < dim; ++d)
                          b[component[i]][d] += (d == component[i] ? 1. : 0.5) * g[d];
                        B[i] = b;
                      }
                    SymmetricTensor<2, 3> strain;
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      strain += cell_u[i] * B[i];
                    const unsigned int index = cell->active_cell_index() * n_q + q;
                    if (fill_fixed_load)
                      fixed_load.in_situ[index] = in_situ.stress(fe_values.quadrature_point(q));
                    const SymmetricTensor<2, 3> &sigma0 = fixed_load.in_situ[index];
                    const StressUpdate           update = model.update(
                        strain, sigma0, state.committed_states[index], state.strength, time);
                    if (!update.ok && !local_failure)
                      {
                        std::ostringstream where;
                        where << update.failure << " at (" << fe_values.quadrature_point(q)
                              << "), material id " << int(cell->material_id());
                        ws.local_failure_place = where.str();
                      }
                    if (!update.ok)
                      local_failure = true;
                    const unsigned int branch = branches.index(cell->material_id(), update.branch);
                    ws.cell_branches[cell->active_cell_index()] |= std::uint64_t(1) << branch;
                    ++ws.branch_points[branch];
                    auto &sequence            = ws.cell_branch_sequence[cell->active_cell_index()];
                    sequence                  = sequence * 31 + branch + 1;
                    state.trial_states[index] = update.state;
                    state.trial_states[index].stress   = update.stress;
                    const SymmetricTensor<2, 3> dsigma = update.stress - sigma0;
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      cell_internal(i) += (dsigma * B[i]) * JxW;
                    // Residual-only evaluations (line searches) skip the tangent:
                    // B^T C B is most of a plastic cell's work. Matrix-free,
                    // the tangent is kept at the point for the operator.
                    if (with_matrix && use_matrix_free)
                      ws.point_tangents[index] = update.tangent;
                    else if (with_matrix)
                      for (unsigned int i = 0; i < dofs_per_cell; ++i)
                        {
                          const SymmetricTensor<2, 3> CB = update.tangent * B[i];
                          for (unsigned int j = 0; j < dofs_per_cell; ++j)
                            cell_matrix(j, i) += (B[j] * CB) * JxW;
                        }
                  }
              }
            else if (use_matrix_free)
              {
                // Internal force from the stress at the points, sigma =
                // lambda tr(eps) I + 2 mu eps: no cell matrix is needed.
                // Among plastic units the operator reads tangents at every
                // point: the elastic one here.
                if (with_matrix && plastic)
                  {
                    std::fill_n(ws.point_tangents.begin() + size_t(cell->active_cell_index()) * n_q,
                                n_q,
                                LinearElastic::tangent(m.lambda, m.mu));
                  }
                cell_internal = 0;
                for (unsigned int q = 0; q < n_q; ++q)
                  {
                    Tensor<2, dim> gradient;
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      {
                        grad[i] = fe_values.shape_grad_component(i, q, component[i]);
                        gradient[component[i]] += cell_u[i] * grad[i];
                      }
                    Tensor<2, dim> stress = m.mu * (gradient + transpose(gradient));
                    const double   volume = m.lambda * trace(gradient);
                    for (unsigned int d = 0; d < dim; ++d)
                      stress[d][d] += volume;
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      cell_internal(i) += (stress[component[i]] * grad[i]) * fe_values.JxW(q);
                  }
              }
            else if (use_cache)
              {
                key           = congruence_key<dim>(cell);
                const auto it = cache.find(key);
                if (it != cache.end())
                  cached = &it->second;
              }
            if (nonlinear || use_matrix_free)
              ;
            else if (cached == nullptr)
              {
                cell_matrix = 0;
                for (unsigned int q = 0; q < n_q; ++q)
                  {
                    const double JxW = fe_values.JxW(q);
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      grad[i] = fe_values.shape_grad_component(i, q, component[i]);
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      for (unsigned int j = 0; j <= i; ++j)
                        cell_matrix(i, j) +=
                            LinearElastic::form(
                                m.lambda, m.mu, grad[i], component[i], grad[j], component[j]) *
                            JxW;
                  }
                for (unsigned int i = 0; i < dofs_per_cell; ++i)
                  for (unsigned int j = 0; j < i; ++j)
                    cell_matrix(j, i) = cell_matrix(i, j);
                if (use_cache && (cache.size() + 1) * bytes_per_matrix <= max_cache_bytes)
                  cache.emplace(std::move(key), cell_matrix);
              }
            else
              cell_matrix = *cached;

            // Excavation load: gravity minus the divergence of the in-situ
            // stress over the remaining rock. With the in-situ stress in
            // equilibrium, this equals the traction released on the opening.
            double *const fixed_cell_load =
                &fixed_load.cell_load[size_t(cell->active_cell_index()) * dofs_per_cell];
            cell_rhs = 0;
            if (!fill_fixed_load)
              std::copy(fixed_cell_load, fixed_cell_load + dofs_per_cell, cell_rhs.begin());
            else
              {
                for (unsigned int q = 0; q < n_q; ++q)
                  {
                    const double                JxW = fe_values.JxW(q);
                    const SymmetricTensor<2, 3> sigma0 =
                        in_situ.stress(fe_values.quadrature_point(q));
                    const double weight = gravity ? -m.unit_weight : 0.; // body force, vertical
                    for (unsigned int i = 0; i < dofs_per_cell; ++i)
                      {
                        const unsigned int   ci = component[i];
                        const Tensor<1, dim> g  = fe_values.shape_grad_component(i, q, ci);
                        double               v  = 0;
                        for (unsigned int d = 0; d < dim; ++d)
                          v -= sigma0[ci][d] * g[d];
                        if (ci == dim - 1)
                          v += weight * fe_values.shape_value_component(i, q, ci);
                        cell_rhs(i) += v * JxW;
                      }
                  }

                for (const unsigned int f : cell->face_indices())
                  {
                    if (!cell->face(f)->at_boundary())
                      continue;
                    const types::boundary_id id = cell->face(f)->boundary_id();
                    const Tensor<1, dim>    *t  = boundary_conditions.traction(id);
                    const bool in_situ_t        = boundary_conditions.has_in_situ_traction(id);
                    if (t == nullptr && !in_situ_t)
                      continue;
                    fe_face_values.reinit(cell, f);
                    for (unsigned int q = 0; q < face_quadrature.size(); ++q)
                      {
                        Tensor<1, dim> traction;
                        if (t != nullptr)
                          traction = *t;
                        else
                          {
                            const SymmetricTensor<2, 3> s =
                                in_situ.stress(fe_face_values.quadrature_point(q));
                            const Tensor<1, dim> n = fe_face_values.normal_vector(q);
                            for (unsigned int a = 0; a < dim; ++a)
                              for (unsigned int b = 0; b < dim; ++b)
                                traction[a] += s[a][b] * n[b];
                          }
                        for (unsigned int i = 0; i < dofs_per_cell; ++i)
                          cell_rhs(i) += traction[component[i]] *
                                         fe_face_values.shape_value_component(i, q, component[i]) *
                                         fe_face_values.JxW(q);
                      }
                  }
                std::copy(cell_rhs.begin(), cell_rhs.end(), fixed_cell_load);
              }

            // Residual = load * f_ext - f_int; f_int = K u for linear rock.
            for (unsigned int i = 0; i < dofs_per_cell; ++i)
              {
                if (!nonlinear && !use_matrix_free)
                  {
                    double k_u = 0;
                    for (unsigned int j = 0; j < dofs_per_cell; ++j)
                      k_u += cell_matrix(i, j) * cell_u[j];
                    cell_internal(i) = k_u;
                  }
                cell_external(i) = load * cell_rhs(i);
                cell_rhs(i)      = cell_external(i) - cell_internal(i);
              }
            if (assemble_matrix)
              active.distribute_local_to_global(
                  cell_matrix, cell_rhs, dof_indices, ws.system_matrix, ws.system_rhs);
            else
              active.distribute_local_to_global(cell_rhs, dof_indices, ws.system_rhs);
            ws.internal_force.add(dof_indices, cell_internal);
            ws.external_force.add(dof_indices, cell_external);
          }
        if (bolts)
          bolts->assemble(state.bolts,
                          state.locally_relevant_solution,
                          active,
                          with_matrix ? &ws.system_matrix : nullptr,
                          ws.system_rhs,
                          ws.internal_force);
      }
    catch (const std::exception &e)
      {
        rank_failure = e.what();
        if (rank_failure.empty())
          rank_failure = "unknown exception";
      }
    {
      const unsigned int n_ranks = Utilities::MPI::n_mpi_processes(mpi_communicator);
      const unsigned int first =
          Utilities::MPI::min(rank_failure.empty() ?
                                  n_ranks :
                                  Utilities::MPI::this_mpi_process(mpi_communicator),
                              mpi_communicator);
      if (first < n_ranks)
        throw RankFailure("during assembly on rank " + std::to_string(first) + ": " +
                          Utilities::MPI::broadcast(mpi_communicator, rank_failure, first));
    }
    if (assemble_matrix || assemble_bolt_matrix)
      ws.system_matrix.compress(VectorOperation::add);
    ws.system_rhs.compress(VectorOperation::add);
    ws.internal_force.compress(VectorOperation::add);
    ws.external_force.compress(VectorOperation::add);
    ++n_assemblies;
    fixed_load.ready = true;

    n_cached_cell_matrices = cache.size();
    timer.stop();
    assembly_seconds += timer.last_wall_time();
    if (n_assemblies == 1)
      pcout << "  assembly " << assembly_seconds << " s (" << n_cached_cell_matrices
            << " distinct cell matrices on rank 0)\n";
    // The first iteration's right-hand side carries the prescribed
    // increments; the equilibrium residual is measured without them.
    double residual = ws.system_rhs.l2_norm();
    if (Utilities::MPI::logical_or(local_failure, mpi_communicator))
      residual = std::numeric_limits<double>::quiet_NaN(); // a point's update failed: cut
    // (Collective: prescribed_values holds only this rank's relevant ones,
    // and every rank must take the same branch in the Newton iteration.)
    if (state.first_newton_iteration &&
        Utilities::MPI::logical_or(!prescribed_values.empty(), mpi_communicator))
      residual = -1; // not a residual yet: NonlinearSolver iterates
    return {residual, std::max(ws.external_force.l2_norm(), ws.internal_force.l2_norm())};
  }

  template std::pair<double, double>
  Simulator<2>::assemble_system(AnalysisState<2> &, AssemblyWorkspace &, double, bool);
  template std::pair<double, double>
  Simulator<3>::assemble_system(AnalysisState<3> &, AssemblyWorkspace &, double, bool);
} // namespace roofspan
