#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/fault_injection.h>
#include <roofspan/core/output_directory.h>
#include <roofspan/materials/linear_elastic.h>
#include <roofspan/output/bolt_writer.h>
#include <roofspan/output/stress_postprocessor.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/numerics/data_out.h>
#include <deal.II/numerics/vector_tools.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <limits>
#include <tuple>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    // A value and where it occurs, reduced over all ranks (largest value
    // wins; on equal values the smallest coordinates, so the answer does not
    // depend on the partition).
    template <int dim>
    struct Extreme
    {
      double     value = -std::numeric_limits<double>::infinity();
      Point<dim> where;

      void offer(const double v, const Point<dim> &p)
      {
        if (!std::isfinite(v))
          return;
        // Values within 1e-6 (the solver tolerance between rank counts) are
        // ties, broken by position: points on a tension cut-off all carry
        // the tensile strength, and the location must not depend on ranks.
        if (!std::isfinite(value) || v > value + 1e-6 * std::abs(value) ||
            (std::abs(v - value) <= 1e-6 * std::abs(value) &&
             std::lexicographical_compare(&p[0], &p[0] + dim, &where[0], &where[0] + dim)))
          {
            value = v;
            where = p;
          }
      }

      Extreme reduce(MPI_Comm comm) const
      {
        Extreme best;
        for (const auto &e : Utilities::MPI::all_gather(comm, std::make_pair(value, where)))
          best.offer(e.first, e.second);
        return best;
      }
    };

    // This rank's part as <stem>.<rank>.vtu and, on rank 0, <stem>.pvtu
    // naming every rank's part.
    void write_parallel(const OutputDirectory &out,
                        const VtuPiece        &piece,
                        const std::string     &stem,
                        MPI_Comm               comm)
    {
      piece.write(out.staging_path(
          stem + "." + std::to_string(Utilities::MPI::this_mpi_process(comm)) + ".vtu"));
      if (Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      std::vector<std::string> pieces;
      for (unsigned int r = 0; r < Utilities::MPI::n_mpi_processes(comm); ++r)
        pieces.push_back(stem + "." + std::to_string(r) + ".vtu");
      piece.write_pvtu(out.staging_path(stem + ".pvtu"), pieces);
    }

    template <int dim>
    nlohmann::json to_json(const Point<dim> &p)
    {
      std::vector<double> v(&p[0], &p[0] + dim);
      return v;
    }

    nlohmann::json to_json(const SymmetricTensor<2, 3> &s)
    {
      return {{"xx", s[0][0]},
              {"yy", s[1][1]},
              {"zz", s[2][2]},
              {"xy", s[0][1]},
              {"xz", s[0][2]},
              {"yz", s[1][2]}};
    }
  } // namespace

  template <int dim>
  SymmetricTensor<2, 3> Simulator<dim>::total_stress(const types::material_id           material,
                                                     const unsigned int                 cell_index,
                                                     const Point<dim>                  &unit_point,
                                                     const std::vector<Tensor<1, dim>> &gradient,
                                                     const Point<dim>                  &point) const
  {
    return stress_in(analysis, material, cell_index, unit_point, gradient, point);
  }

  namespace
  {
    /// The Gauss point (QGauss(n), x fastest) of a cell nearest to
    /// `unit_point` in the reference cell.
    template <int dim>
    unsigned int nearest_gauss_point(const unsigned int n, const Point<dim> &unit_point)
    {
      const QGauss<1> gauss(n);
      unsigned int    index = 0, stride = 1;
      for (unsigned int d = 0; d < dim; ++d, stride *= n)
        {
          unsigned int best = 0;
          for (unsigned int i = 1; i < n; ++i)
            if (std::abs(gauss.point(i)[0] - unit_point[d]) <
                std::abs(gauss.point(best)[0] - unit_point[d]))
              best = i;
          index += best * stride;
        }
      return index;
    }
  } // namespace

  template <int dim>
  SymmetricTensor<2, 3> Simulator<dim>::stress_in(const AnalysisState<dim>          &state,
                                                  const types::material_id           material,
                                                  const unsigned int                 cell_index,
                                                  const Point<dim>                  &unit_point,
                                                  const std::vector<Tensor<1, dim>> &gradient,
                                                  const Point<dim>                  &point) const
  {
    // A plastic unit: the stress its model returned at the cell's
    // quadrature point nearest to the point. Not the model run again at the
    // point's strain with that point's history (a state the model never
    // reached: next to a crack it gave section forces five times the
    // thrust), nor an interpolation through the points (past the outer
    // points it extrapolates: 0.69 MPa of tension in a clay whose tensile
    // strength is 10 kPa).
    if (plastic && !models.at(material)->is_linear() && !state.committed_states.empty())
      {
        const MaterialState &nearest =
            state.committed_states[cell_index * n_q_points +
                                   nearest_gauss_point(degree + 1, unit_point)];
        if (nearest.stress.norm() > 0 || nearest.plastic_strain.norm() > 0)
          return nearest.stress;
      }
    // Elastic (and plastic units before their first update, still
    // elastic): Hooke's law at the point. Plane strain: eps_zz = 0, so the
    // same 3x3 law gives sigma_zz.
    const ElasticConstants &m = elastic.at(material);
    SymmetricTensor<2, 3>   strain;
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = 0; b <= a; ++b)
        strain[a][b] = 0.5 * (gradient[a][b] + gradient[b][a]);
    return LinearElastic::tangent(m.lambda, m.mu) * strain + in_situ.stress(point);
  }

  template <int dim>
  std::pair<unsigned int, double>
  Simulator<dim>::yielded_extent(const AnalysisState<dim> &state) const
  {
    const QGauss<dim>  quadrature(degree + 1);
    FEValues<dim>      fe_values(*mapping, *fe, quadrature, update_quadrature_points);
    const unsigned int n_q   = quadrature.size();
    double             top   = -std::numeric_limits<double>::max();
    unsigned int       count = 0;
    if (plastic)
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            for (unsigned int q = 0; q < n_q; ++q)
              if (state.committed_states[cell->active_cell_index() * n_q + q].mode !=
                  YieldMode::elastic)
                {
                  ++count;
                  top = std::max(top, fe_values.quadrature_point(q)[dim - 1]);
                }
          }
    return {Utilities::MPI::sum(count, mpi_communicator),
            Utilities::MPI::max(top, mpi_communicator)};
  }

  template <int dim>
  Vector<float> Simulator<dim>::yield_state_of(const AnalysisState<dim> &state) const
  {
    Vector<float> yield_state(mesh->n_active_cells());
    if (plastic)
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            const unsigned int c = cell->active_cell_index();
            for (unsigned int q = 0; q < n_q_points; ++q)
              {
                const YieldMode mode = state.committed_states[c * n_q_points + q].mode;
                // Shear wins over tension in the cell's label if both occur.
                if (mode != YieldMode::elastic && (yield_state(c) == 0 || mode == YieldMode::shear))
                  yield_state(c) = float(static_cast<int>(mode));
              }
          }
    return yield_state;
  }

  template <int dim>
  Vector<float> Simulator<dim>::plastic_strain_of(const AnalysisState<dim> &state) const
  {
    Vector<float> magnitude(mesh->n_active_cells());
    if (plastic)
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            const unsigned int c = cell->active_cell_index();
            for (unsigned int q = 0; q < n_q_points; ++q)
              magnitude(c) =
                  std::max<float>(magnitude(c),
                                  state.committed_states[c * n_q_points + q].plastic_strain.norm());
          }
    return magnitude;
  }

  template <int dim>
  void Simulator<dim>::collect_plastic_fields()
  {
    if (!plastic)
      return;
    std::tie(n_yielded_points, yielded_zone_top) = yielded_extent(analysis);
  }

  template <int dim>
  VtuPiece Simulator<dim>::sample_fields(const PETScWrappers::MPI::Vector &vector,
                                         const std::string                &vector_name,
                                         const AnalysisState<dim>         *state,
                                         const Vector<float>              *yield_state,
                                         const Vector<float>              *plastic_strain) const
  {
    // Points per cell: degree + 1 per direction, x fastest, so that a cell
    // of degree p shows as p^dim linear sub-cells following its curvature.
    const unsigned int      n = degree + 1;
    std::vector<Point<dim>> unit_points;
    for (unsigned int k = 0; k < (dim == 3 ? n : 1); ++k)
      for (unsigned int j = 0; j < n; ++j)
        for (unsigned int i = 0; i < n; ++i)
          {
            Point<dim> p;
            p[0] = double(i) / degree;
            p[1] = double(j) / degree;
            if (dim == 3)
              p[dim - 1] = double(k) / degree;
            unit_points.push_back(p);
          }
    const Quadrature<dim>            sampling(unit_points);
    FEValues<dim>                    fe_values(*mapping,
                            *fe,
                            sampling,
                            update_values | update_gradients | update_quadrature_points);
    const FEValuesExtractors::Vector u(0);
    std::vector<Tensor<1, dim>>      values(sampling.size());
    std::vector<Tensor<2, dim>>      gradients(sampling.size());

    VtuPiece piece;
    piece.dim = dim;
    VtuPiece::Array                displacement{vector_name, 3, "m", false, {}};
    VtuPiece::Array                stress{"stress", 9, "Pa", false, {}};
    std::array<VtuPiece::Array, 3> principal{{{"sigma_1", 1, "Pa", false, {}},
                                              {"sigma_2", 1, "Pa", false, {}},
                                              {"sigma_3", 1, "Pa", false, {}}}};
    VtuPiece::Array                stress_zz{"stress_zz", 1, "Pa", false, {}};
    VtuPiece::Array                material{"material_id", 1, "", true, {}};
    VtuPiece::Array                rank{"mpi_rank", 1, "", true, {}};
    VtuPiece::Array                yielded{"yield_state", 1, "", true, {}};
    VtuPiece::Array                plastic_norm{"plastic_strain", 1, "", false, {}};
    const unsigned int             sub_cells = Utilities::pow(degree, dim);
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values[u].get_function_values(vector, values);
          const long long first = piece.points.size() / 3;
          for (unsigned int q = 0; q < sampling.size(); ++q)
            {
              const Point<dim> &x = fe_values.quadrature_point(q);
              for (unsigned int d = 0; d < 3; ++d)
                {
                  piece.points.push_back(d < dim ? x[d] : 0.);
                  displacement.values.push_back(d < dim ? values[q][d] : 0.);
                }
            }
          if (state)
            {
              fe_values[u].get_function_gradients(vector, gradients);
              const unsigned int c = cell->active_cell_index();
              for (unsigned int q = 0; q < sampling.size(); ++q)
                {
                  std::vector<Tensor<1, dim>> g(dim);
                  for (unsigned int a = 0; a < dim; ++a)
                    g[a] = gradients[q][a];
                  const SymmetricTensor<2, 3> s = stress_in(*state,
                                                            cell->material_id(),
                                                            c,
                                                            sampling.point(q),
                                                            g,
                                                            fe_values.quadrature_point(q));
                  for (unsigned int a = 0; a < 3; ++a)
                    for (unsigned int b = 0; b < 3; ++b)
                      stress.values.push_back(s[a][b]);
                  stress_zz.values.push_back(s[2][2]);
                  const auto e = eigenvalues(s);
                  for (unsigned int k = 0; k < 3; ++k)
                    principal[k].values.push_back(e[k]);
                }
            }
          // Sub-cells in VTK's corner order (counter-clockwise; in 3D the
          // bottom face, then the top).
          for (unsigned int k = 0; k < (dim == 3 ? degree : 1); ++k)
            for (unsigned int j = 0; j < degree; ++j)
              for (unsigned int i = 0; i < degree; ++i)
                for (unsigned int layer = 0; layer < (dim == 3 ? 2 : 1); ++layer)
                  {
                    const long long base = first + (k + layer) * n * n;
                    for (const auto &[di, dj] :
                         {std::pair<unsigned int, unsigned int>{0, 0}, {1, 0}, {1, 1}, {0, 1}})
                      piece.cells.push_back(base + (i + di) + (j + dj) * n);
                  }
          const unsigned int c = cell->active_cell_index();
          for (unsigned int k = 0; k < sub_cells; ++k)
            {
              material.values.push_back(cell->material_id());
              rank.values.push_back(mesh->locally_owned_subdomain());
              if (yield_state)
                yielded.values.push_back((*yield_state)(c));
              if (plastic_strain)
                plastic_norm.values.push_back((*plastic_strain)(c));
            }
        }
    piece.point_data.push_back(std::move(displacement));
    if (state)
      {
        piece.point_data.push_back(std::move(stress));
        for (auto &p : principal)
          piece.point_data.push_back(std::move(p));
        if (dim == 2)
          piece.point_data.push_back(std::move(stress_zz));
      }
    piece.cell_data.push_back(std::move(material));
    piece.cell_data.push_back(std::move(rank));
    if (yield_state)
      piece.cell_data.push_back(std::move(yielded));
    if (plastic_strain)
      piece.cell_data.push_back(std::move(plastic_norm));
    return piece;
  }

  template <int dim>
  void Simulator<dim>::record_field_step(const AnalysisState<dim> &state, const std::string &label)
  {
    if (series_directory == nullptr || (!write_vtu && !write_hdf5))
      return;
    Timer            timer(mpi_communicator, true);
    OutputDirectory &out = *series_directory;
    FieldStep        step;
    try
      {
        const unsigned int index = field_steps.size();
        const unsigned int rank  = Utilities::MPI::this_mpi_process(mpi_communicator);
        const auto         name  = [index](const std::string &stem, const std::string &ext) {
          std::string number = std::to_string(index);
          return stem + "_" + std::string(number.size() < 3 ? 3 - number.size() : 0, '0') + number +
                 ext;
        };
        step.label           = label;
        step.load_factor     = state.committed_load;
        step.strength_factor = state.strength.factor;

        PETScWrappers::MPI::Vector owned(rock_owned_dofs, mpi_communicator);
        copy_leading_owned(state.committed_solution, owned, rock_owned_dofs.n_elements());
        PETScWrappers::MPI::Vector rock(rock_owned_dofs, rock_relevant_dofs, mpi_communicator);
        rock                               = owned;
        const Vector<float> yield_state    = yield_state_of(state);
        const Vector<float> plastic_strain = plastic_strain_of(state);

        fault_point("output");
        if (write_vtu)
          {
            VtuPiece piece         = sample_fields(rock,
                                           "displacement",
                                           &state,
                                           plastic ? &yield_state : nullptr,
                                           plastic ? &plastic_strain : nullptr);
            piece.field_values     = {{"step", index},
                                      {"load_factor", step.load_factor},
                                      {"strength_reduction_factor", step.strength_factor}};
            piece.field_labels     = {{"label", label}};
            step.rock_file         = name("solution", ".pvtu");
            const std::string stem = step.rock_file.substr(0, step.rock_file.size() - 5);
            write_parallel(out, piece, stem, mpi_communicator);
            if (bolts && state.bolts.installed)
              {
                std::vector<typename BoltSet<dim>::BoltResult>    results;
                std::vector<typename BoltSet<dim>::ElementResult> elements;
                bolts->gather_results(state.bolts,
                                      state.locally_relevant_solution,
                                      results,
                                      elements);
                step.bolts_file = name("bolts", ".vtp");
                if (rank == 0)
                  BoltWriter<dim>::write_vtp(out.staging_path(step.bolts_file),
                                             results,
                                             elements,
                                             bolt_pattern.product.yield_force);
              }
          }
        if (write_hdf5)
          {
            // deal.II's writer: the same point fields (the stress tensor as its
            // components), cell quantities as values at the cell's points.
            const auto stress_function = [&](const typename DoFHandler<dim>::cell_iterator &cell,
                                             const std::vector<Tensor<1, dim>>             &g,
                                             const Point<dim>                              &p) {
              // The reference point only where the quadrature points' stress is
              // sampled (plastic units): inverting the mapping costs a Newton
              // solve per point.
              const bool sampled = plastic && !models.at(cell->material_id())->is_linear();
              return stress_in(state,
                               cell->material_id(),
                               cell->active_cell_index(),
                               sampled ? mapping->transform_real_to_unit_cell(cell, p) :
                                         Point<dim>(),
                               g,
                               p);
            };
            Vector<float> material(mesh->n_active_cells());
            for (const auto &cell : mesh->active_cell_iterators())
              if (cell->is_locally_owned())
                material(cell->active_cell_index()) = cell->material_id();
            DataOut<dim> data_out;
            data_out.attach_dof_handler(dof_handler);
            data_out.add_data_vector(
                rock,
                std::vector<std::string>(dim, "displacement"),
                DataOut<dim>::type_dof_data,
                std::vector<DataComponentInterpretation::DataComponentInterpretation>(
                    dim, DataComponentInterpretation::component_is_part_of_vector));
            StressPostprocessor<dim> stress(stress_function, true);
            data_out.add_data_vector(rock, stress);
            data_out.add_data_vector(material, "material_id");
            if (plastic)
              {
                data_out.add_data_vector(yield_state, "yield_state");
                data_out.add_data_vector(plastic_strain, "plastic_strain");
              }
            data_out.build_patches(*mapping, degree, DataOut<dim>::curved_inner_cells);
            DataOutBase::DataOutFilter filter(DataOutBase::DataOutFilterFlags(false, true));
            data_out.write_filtered_data(filter);
            step.hdf5_file = name("solution", ".h5");
            data_out.write_hdf5_parallel(filter,
                                         out.staging_path(step.hdf5_file),
                                         mpi_communicator);
            xdmf_entries.push_back(data_out.create_xdmf_entry(
                filter, step.hdf5_file, double(index), mpi_communicator));
            // Rewritten at each step (deal.II's writer needs a DataOut with
            // patches): the last holds the whole series.
            data_out.write_xdmf_file(xdmf_entries,
                                     out.staging_path("solution.xdmf"),
                                     mpi_communicator);
          }
      }
    catch (const std::exception &e)
      {
        throw OutputFailure(out.write_failure(e.what()));
      }
    field_steps.push_back(step);
    timer.stop();
    output_seconds += timer.last_wall_time();
    if (series_context.empty()) // the continuation logs its own steps
      pcout << "    fields written: step " << field_steps.size() - 1 << " (" << label << ")\n";
  }

  template <int dim>
  void Simulator<dim>::write_field_series(OutputDirectory &out, nlohmann::json &summary) const
  {
    nlohmann::json series = nlohmann::json::array();
    for (unsigned int i = 0; i < field_steps.size(); ++i)
      {
        const FieldStep &s = field_steps[i];
        series.push_back({{"step", i},
                          {"label", s.label},
                          {"load_factor", s.load_factor},
                          {"strength_reduction_factor", s.strength_factor},
                          {"rock", s.rock_file},
                          {"hdf5", s.hdf5_file},
                          {"bolts", s.bolts_file},
                          {"note", s.note}});
      }
    // The analysis' own result: its last stage end, before any strength
    // reduction step.
    unsigned int final_step = 0;
    for (unsigned int i = 0; i < field_steps.size(); ++i)
      if (field_steps[i].label.rfind("strength reduction", 0) != 0)
        final_step = i;
    summary["fields"] = {{"series", series},
                         {"final_step", final_step},
                         {"strength_reduction_steps", series_strength_reduction},
                         {"strength_reduction_step_spacing", series_strength_spacing},
                         {"pvd", write_vtu ? "solution.pvd" : ""},
                         {"xdmf", write_hdf5 ? "solution.xdmf" : ""}};
    if (Utilities::MPI::this_mpi_process(mpi_communicator) != 0)
      return;
    if (write_vtu)
      {
        // Rock and bolts as two parts of each step: ParaView opens both and
        // steps through the series with its time control (time = step).
        std::ofstream pvd(out.staging_path("solution.pvd"));
        pvd << "<?xml version=\"1.0\"?>\n"
            << "<VTKFile type=\"Collection\" version=\"0.1\">\n  <Collection>\n";
        for (unsigned int i = 0; i < field_steps.size(); ++i)
          {
            pvd << "    <DataSet timestep=\"" << i << "\" part=\"0\" file=\""
                << field_steps[i].rock_file << "\" name=\"rock\"/>\n";
            if (!field_steps[i].bolts_file.empty())
              pvd << "    <DataSet timestep=\"" << i << "\" part=\"1\" file=\""
                  << field_steps[i].bolts_file << "\" name=\"bolts\"/>\n";
          }
        pvd << "  </Collection>\n</VTKFile>\n";
        pvd.close();
        if (!pvd)
          throw std::runtime_error("cannot write solution.pvd");
        // Each part as a series of its own too: ParaView's Python (pvpython)
        // reads only the first part of a multi-part pvd
        // (postprocess/paraview/open_run.py opens these).
        for (const std::string part : {"rock", "bolts"})
          {
            std::vector<std::pair<double, std::string>> records;
            for (unsigned int i = 0; i < field_steps.size(); ++i)
              {
                const std::string &file =
                    part == "rock" ? field_steps[i].rock_file : field_steps[i].bolts_file;
                if (!file.empty())
                  records.emplace_back(i, file);
              }
            if (records.empty())
              continue;
            std::ofstream f(out.staging_path(part + ".pvd"));
            DataOutBase::write_pvd_record(f, records);
            f.close();
            if (!f)
              throw std::runtime_error("cannot write " + part + ".pvd");
          }
      }
  }

  template <int dim>
  void Simulator<dim>::write_mechanisms(OutputDirectory &out) const
  {
    if (mechanisms.empty() || !write_vtu)
      return;
    const unsigned int rank = Utilities::MPI::this_mpi_process(mpi_communicator);
    std::vector<std::pair<double, std::string>> records;
    for (const auto &m : mechanisms)
      {
        VtuPiece piece =
            sample_fields(m.last_increment, "last_increment", nullptr, &m.yield_state, nullptr);
        piece.field_values     = {{"strength_reduction_factor", m.factor}};
        piece.field_labels     = {{"label", "mechanism at the limit (" + m.name + ")"}};
        const std::string stem = "mechanism_" + m.name + "_00";
        write_parallel(out, piece, stem, mpi_communicator);
        records.emplace_back(m.factor, stem + ".pvtu");
      }
    if (rank == 0)
      {
        // Time = the factor of safety at each limit: ParaView's time control
        // steps from one analysis' mechanism to the other.
        std::sort(records.begin(), records.end());
        std::ofstream pvd(out.staging_path("mechanism.pvd"));
        DataOutBase::write_pvd_record(pvd, records);
      }
  }

  template <int dim>
  void Simulator<dim>::evaluate_results(nlohmann::json &summary) const
  {
    const unsigned int               n_points = degree + 1;
    const QGaussLobatto<dim>         lobatto(n_points);
    FEValues<dim>                    fe_values(*mapping,
                            *fe,
                            lobatto,
                            update_values | update_gradients | update_quadrature_points);
    const FEValuesExtractors::Vector u(0);
    std::vector<Tensor<1, dim>>      displacement(lobatto.size());
    std::vector<Tensor<2, dim>>      gradient(lobatto.size());

    Extreme<dim>                               max_displacement;
    std::map<types::material_id, Extreme<dim>> max_principal;
    const auto                                &roof = geometry->roof;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values[u].get_function_values(rock_solution, displacement);
          fe_values[u].get_function_gradients(rock_solution, gradient);
          const bool above_roof = roof.present &&
                                  geometry->regions.at(cell->material_id()).in_roof &&
                                  cell->center()[dim - 1] > roof.elevation;
          for (unsigned int q = 0; q < lobatto.size(); ++q)
            {
              const Point<dim> &p = fe_values.quadrature_point(q);
              max_displacement.offer(displacement[q].norm(), p);
              if (above_roof)
                {
                  std::vector<Tensor<1, dim>> g(dim);
                  for (unsigned int a = 0; a < dim; ++a)
                    g[a] = gradient[q][a];
                  max_principal[cell->material_id()].offer(
                      eigenvalues(total_stress(cell->material_id(),
                                               cell->active_cell_index(),
                                               lobatto.point(q),
                                               g,
                                               p))[0],
                      p);
                }
            }
        }
    const auto md           = max_displacement.reduce(mpi_communicator);
    summary["displacement"] = {{"max_magnitude", md.value}, {"max_location", to_json(md.where)}};

    if (roof.present)
      {
        // Sag = downward displacement of the roof surface.
        const QGaussLobatto<dim - 1> face_points(n_points);
        FEFaceValues<dim>            face_values(*mapping,
                                      *fe,
                                      face_points,
                                      update_values | update_quadrature_points |
                                          update_normal_vectors);
        std::vector<Tensor<1, dim>>  face_u(face_points.size());
        Extreme<dim>                 sag;
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
            for (const unsigned int f : cell->face_indices())
              if (cell->face(f)->at_boundary() && cell->face(f)->boundary_id() == roof.boundary &&
                  std::abs(cell->face(f)->center()[dim - 1] - roof.elevation) < 1e-9)
                {
                  face_values.reinit(cell, f);
                  face_values[u].get_function_values(rock_solution, face_u);
                  for (unsigned int q = 0; q < face_points.size(); ++q)
                    sag.offer(-face_u[q][dim - 1], face_values.quadrature_point(q));
                }
        const auto s    = sag.reduce(mpi_communicator);
        summary["roof"] = {{"elevation", roof.elevation},
                           {"sag_max", s.value},
                           {"sag_max_location", to_json(s.where)}};

        nlohmann::json layers = nlohmann::json::array();
        for (const auto &[id, region] : geometry->regions)
          if (region.in_roof)
            {
              const auto e = max_principal[id].reduce(mpi_communicator);
              if (std::isfinite(e.value))
                layers.push_back({{"region", region.label},
                                  {"unit", region.unit},
                                  {"max_principal_stress", e.value},
                                  {"location", to_json(e.where)}});
            }
        summary["roof_layers"] = layers;
      }

    // Probes: a point on a cell boundary (a rib corner, an interface) lies
    // in several cells, and stress jumps there. Of all cells that contain
    // the point, the one with the lexicographically smallest centre
    // evaluates, whichever rank owns it: the answer does not depend on the
    // partition.
    nlohmann::json probe_results = nlohmann::json::array();
    for (const auto &[name, point] : probes)
      {
        std::vector<double> values(dim + 6, 0.);
        Point<dim>          best_centre;
        bool                found = false;
        for (const auto &cell : dof_handler.active_cell_iterators())
          {
            if (!cell->is_locally_owned())
              continue;
            const Point<dim> centre = cell->center();
            if (found && !std::lexicographical_compare(
                             &centre[0], &centre[0] + dim, &best_centre[0], &best_centre[0] + dim))
              continue;
            const auto unit = unit_point_in(cell, point);
            if (!unit)
              continue;
            FEValues<dim> one(*mapping,
                              *fe,
                              Quadrature<dim>(std::vector<Point<dim>>{*unit}),
                              update_values | update_gradients | update_quadrature_points);
            one.reinit(cell);
            std::vector<Tensor<1, dim>> v(1);
            std::vector<Tensor<2, dim>> g(1);
            one[u].get_function_values(rock_solution, v);
            one[u].get_function_gradients(rock_solution, g);
            std::vector<Tensor<1, dim>> rows(dim);
            for (unsigned int a = 0; a < dim; ++a)
              rows[a] = g[0][a];
            const auto s =
                total_stress(cell->material_id(), cell->active_cell_index(), *unit, rows, point);
            for (unsigned int d = 0; d < dim; ++d)
              values[d] = v[0][d];
            const double comps[6] = {s[0][0], s[1][1], s[2][2], s[0][1], s[0][2], s[1][2]};
            std::copy(comps, comps + 6, values.begin() + dim);
            best_centre = centre;
            found       = true;
          }
        const auto candidates =
            Utilities::MPI::all_gather(mpi_communicator, std::make_pair(found, best_centre));
        unsigned int owner = numbers::invalid_unsigned_int;
        for (unsigned int r = 0; r < candidates.size(); ++r)
          if (candidates[r].first &&
              (owner == numbers::invalid_unsigned_int ||
               std::lexicographical_compare(&candidates[r].second[0],
                                            &candidates[r].second[0] + dim,
                                            &candidates[owner].second[0],
                                            &candidates[owner].second[0] + dim)))
            owner = r;
        nlohmann::json result = {{"name", name}, {"point", to_json(point)}};
        if (owner == numbers::invalid_unsigned_int)
          result["error"] = "point outside the mesh";
        else
          {
            values                 = Utilities::MPI::broadcast(mpi_communicator, values, owner);
            result["displacement"] = std::vector<double>(values.begin(), values.begin() + dim);
            SymmetricTensor<2, 3> s;
            s[0][0]          = values[dim];
            s[1][1]          = values[dim + 1];
            s[2][2]          = values[dim + 2];
            s[0][1]          = values[dim + 3];
            s[0][2]          = values[dim + 4];
            s[1][2]          = values[dim + 5];
            result["stress"] = to_json(s);
            if (name == "roof_mid_span")
              summary["roof"]["sag_mid_span"] = -values[dim - 1];
          }
        probe_results.push_back(result);
      }
    summary["probes"] = probe_results;

    if (compare_with_displacement_function)
      {
        const auto       &exact = boundary_conditions.displacement_function();
        const QGauss<dim> quadrature(degree + 3);
        Vector<float>     cellwise(mesh->n_active_cells());
        const auto        norm = [&](const VectorTools::NormType type) {
          VectorTools::integrate_difference(
              *mapping, dof_handler, rock_solution, exact, cellwise, quadrature, type);
          return VectorTools::compute_global_error(*mesh, cellwise, type);
        };
        Vector<float> reference(mesh->n_active_cells());
        VectorTools::integrate_difference(*mapping,
                                          dof_handler,
                                          PETScWrappers::MPI::Vector(rock_owned_dofs,
                                                                     rock_relevant_dofs,
                                                                     mpi_communicator),
                                          exact,
                                          reference,
                                          quadrature,
                                          VectorTools::L2_norm);
        const double exact_l2 =
            VectorTools::compute_global_error(*mesh, reference, VectorTools::L2_norm);
        const double l2  = norm(VectorTools::L2_norm);
        summary["error"] = {{"l2", l2},
                            {"l2_relative", l2 / exact_l2},
                            {"h1_seminorm", norm(VectorTools::H1_seminorm)},
                            {"h_min", GridTools::minimal_cell_diameter(*mesh, *mapping)},
                            {"h_max", GridTools::maximal_cell_diameter(*mesh, *mapping)}};
      }

    nlohmann::json regions = nlohmann::json::object();
    for (const auto &[id, region] : geometry->regions)
      regions[std::to_string(id)] = {{"label", region.label}, {"unit", region.unit}};
    summary["regions"] = regions;

    if (plastic)
      {
        nlohmann::json models_used = nlohmann::json::object();
        for (const auto &[id, model] : models)
          models_used[geometry->regions.at(id).unit] = model->name();
        summary["plasticity"] = {{"models", models_used}, {"yielded_points", n_yielded_points}};
        if (geometry->roof.present)
          summary["plasticity"]["yielded_zone_height_above_roof"] =
              n_yielded_points > 0 ? std::max(0., yielded_zone_top - geometry->roof.elevation) : 0.;
      }
  }

  template SymmetricTensor<2, 3> Simulator<2>::total_stress(types::material_id,
                                                            unsigned int,
                                                            const Point<2> &,
                                                            const std::vector<Tensor<1, 2>> &,
                                                            const Point<2> &) const;
  template SymmetricTensor<2, 3> Simulator<3>::total_stress(types::material_id,
                                                            unsigned int,
                                                            const Point<3> &,
                                                            const std::vector<Tensor<1, 3>> &,
                                                            const Point<3> &) const;
  template std::pair<unsigned int, double>
  Simulator<2>::yielded_extent(const AnalysisState<2> &) const;
  template std::pair<unsigned int, double>
                         Simulator<3>::yielded_extent(const AnalysisState<3> &) const;
  template void          Simulator<2>::collect_plastic_fields();
  template void          Simulator<3>::collect_plastic_fields();
  template void          Simulator<2>::write_mechanisms(OutputDirectory &) const;
  template void          Simulator<3>::write_mechanisms(OutputDirectory &) const;
  template Vector<float> Simulator<2>::yield_state_of(const AnalysisState<2> &) const;
  template Vector<float> Simulator<3>::yield_state_of(const AnalysisState<3> &) const;
  template void          Simulator<2>::evaluate_results(nlohmann::json &) const;
  template void          Simulator<3>::evaluate_results(nlohmann::json &) const;
  template void Simulator<2>::record_field_step(const AnalysisState<2> &, const std::string &);
  template void Simulator<2>::write_field_series(OutputDirectory &, nlohmann::json &) const;
  template Vector<float>         Simulator<2>::plastic_strain_of(const AnalysisState<2> &) const;
  template SymmetricTensor<2, 3> Simulator<2>::stress_in(const AnalysisState<2> &,
                                                         types::material_id,
                                                         unsigned int,
                                                         const Point<2> &,
                                                         const std::vector<Tensor<1, 2>> &,
                                                         const Point<2> &) const;
  template void Simulator<3>::record_field_step(const AnalysisState<3> &, const std::string &);
  template void Simulator<3>::write_field_series(OutputDirectory &, nlohmann::json &) const;
  template Vector<float>         Simulator<3>::plastic_strain_of(const AnalysisState<3> &) const;
  template SymmetricTensor<2, 3> Simulator<3>::stress_in(const AnalysisState<3> &,
                                                         types::material_id,
                                                         unsigned int,
                                                         const Point<3> &,
                                                         const std::vector<Tensor<1, 3>> &,
                                                         const Point<3> &) const;
} // namespace roofspan
