#include <roofspan/simulator/field_sampler.h>
#include <roofspan/simulator/located_extreme.h>
#include <roofspan/simulator/point_evaluation.h>
#include <roofspan/simulator/rock_results_postprocessor.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/numerics/vector_tools.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    template <int dim>
    using Extreme = LocatedExtreme<dim>;

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
  RockResultsPostprocessor<dim>::RockResultsPostprocessor(const Simulator<dim> &model)
      : model(model)
  {
  }

  template <int dim>
  void RockResultsPostprocessor<dim>::execute(const AnalysisState<dim> &state,
                                              OutputDirectory &,
                                              nlohmann::json &summary)
  {
    const PETScWrappers::MPI::Vector rock_solution = model.rock_part(state.solution);
    const FieldSampler<dim>          sampler(model);
    const auto                       total_stress = [&](const types::material_id           material,
                                  const unsigned int                 cell_index,
                                  const Point<dim>                  &unit_point,
                                  const std::vector<Tensor<1, dim>> &gradient,
                                  const Point<dim>                  &point) {
      return sampler.stress_in(state, material, cell_index, unit_point, gradient, point);
    };
    unsigned int n_yielded_points = 0;
    double       yielded_zone_top = 0;
    if (model.plastic)
      std::tie(n_yielded_points, yielded_zone_top) = sampler.yielded_extent(state);

    const unsigned int               n_points = model.degree + 1;
    const QGaussLobatto<dim>         lobatto(n_points);
    FEValues<dim>                    fe_values(*model.mapping,
                            *model.fe,
                            lobatto,
                            update_values | update_gradients | update_quadrature_points);
    const FEValuesExtractors::Vector u(0);
    std::vector<Tensor<1, dim>>      displacement(lobatto.size());
    std::vector<Tensor<2, dim>>      gradient(lobatto.size());

    Extreme<dim>                               max_displacement;
    std::map<types::material_id, Extreme<dim>> max_principal;
    const auto                                &roof = model.geometry->roof;
    for (const auto &cell : model.dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values[u].get_function_values(rock_solution, displacement);
          fe_values[u].get_function_gradients(rock_solution, gradient);
          const bool above_roof = roof.present &&
                                  model.geometry->regions.at(cell->material_id()).in_roof &&
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
    const auto md           = max_displacement.reduce(model.mpi_communicator);
    summary["displacement"] = {{"max_magnitude", md.value}, {"max_location", to_json(md.where)}};

    if (roof.present)
      {
        // Sag = downward displacement of the roof surface.
        const QGaussLobatto<dim - 1> face_points(n_points);
        FEFaceValues<dim>            face_values(*model.mapping,
                                      *model.fe,
                                      face_points,
                                      update_values | update_quadrature_points |
                                          update_normal_vectors);
        std::vector<Tensor<1, dim>>  face_u(face_points.size());
        Extreme<dim>                 sag;
        for (const auto &cell : model.dof_handler.active_cell_iterators())
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
        const auto s    = sag.reduce(model.mpi_communicator);
        summary["roof"] = {{"elevation", roof.elevation},
                           {"sag_max", s.value},
                           {"sag_max_location", to_json(s.where)}};

        nlohmann::json layers = nlohmann::json::array();
        for (const auto &[id, region] : model.geometry->regions)
          if (region.in_roof)
            {
              const auto e = max_principal[id].reduce(model.mpi_communicator);
              if (std::isfinite(e.value))
                layers.push_back({{"region", region.label},
                                  {"unit", region.unit},
                                  {"max_principal_stress", e.value},
                                  {"location", to_json(e.where)}});
            }
        summary["roof_layers"] = layers;
      }

    // Probes: displacement and stress in one cell that contains the point,
    // the same on every rank count (evaluate_at_point).
    nlohmann::json probe_results = nlohmann::json::array();
    for (const auto &[name, point] : model.probes)
      {
        const auto values = evaluate_at_point<dim>(
            model, point, [&, point = point](const auto &cell, const Point<dim> &unit) {
              FEValues<dim> one(*model.mapping,
                                *model.fe,
                                Quadrature<dim>(std::vector<Point<dim>>{unit}),
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
                  total_stress(cell->material_id(), cell->active_cell_index(), unit, rows, point);
              std::vector<double> result(dim + 6);
              for (unsigned int d = 0; d < dim; ++d)
                result[d] = v[0][d];
              const double comps[6] = {s[0][0], s[1][1], s[2][2], s[0][1], s[0][2], s[1][2]};
              std::copy(comps, comps + 6, result.begin() + dim);
              return result;
            });
        nlohmann::json result = {{"name", name}, {"point", to_json(point)}};
        if (!values)
          result["error"] = "point outside the mesh";
        else
          {
            const std::vector<double> &w = *values;
            result["displacement"]       = std::vector<double>(w.begin(), w.begin() + dim);
            SymmetricTensor<2, 3> s;
            s[0][0]          = w[dim];
            s[1][1]          = w[dim + 1];
            s[2][2]          = w[dim + 2];
            s[0][1]          = w[dim + 3];
            s[0][2]          = w[dim + 4];
            s[1][2]          = w[dim + 5];
            result["stress"] = to_json(s);
            if (name == "roof_mid_span")
              summary["roof"]["sag_mid_span"] = -w[dim - 1];
          }
        probe_results.push_back(result);
      }
    summary["probes"] = probe_results;

    if (model.compare_with_displacement_function)
      {
        const auto       &exact = model.boundary_conditions.displacement_function();
        const QGauss<dim> quadrature(model.degree + 3);
        Vector<float>     cellwise(model.mesh->n_active_cells());
        const auto        norm = [&](const VectorTools::NormType type) {
          VectorTools::integrate_difference(
              *model.mapping, model.dof_handler, rock_solution, exact, cellwise, quadrature, type);
          return VectorTools::compute_global_error(*model.mesh, cellwise, type);
        };
        Vector<float> reference(model.mesh->n_active_cells());
        VectorTools::integrate_difference(*model.mapping,
                                          model.dof_handler,
                                          PETScWrappers::MPI::Vector(model.rock_owned_dofs,
                                                                     model.rock_relevant_dofs,
                                                                     model.mpi_communicator),
                                          exact,
                                          reference,
                                          quadrature,
                                          VectorTools::L2_norm);
        const double exact_l2 =
            VectorTools::compute_global_error(*model.mesh, reference, VectorTools::L2_norm);
        const double l2  = norm(VectorTools::L2_norm);
        summary["error"] = {
            {"l2", l2},
            {"l2_relative", l2 / exact_l2},
            {"h1_seminorm", norm(VectorTools::H1_seminorm)},
            {"h_min", GridTools::minimal_cell_diameter(*model.mesh, *model.mapping)},
            {"h_max", GridTools::maximal_cell_diameter(*model.mesh, *model.mapping)}};
      }

    nlohmann::json regions = nlohmann::json::object();
    for (const auto &[id, region] : model.geometry->regions)
      regions[std::to_string(id)] = {{"label", region.label}, {"unit", region.unit}};
    summary["regions"] = regions;

    if (model.plastic)
      {
        nlohmann::json models_used = nlohmann::json::object();
        for (const auto &[id, rock_model] : model.models)
          models_used[model.geometry->regions.at(id).unit] = rock_model->name();
        summary["plasticity"] = {{"models", models_used}, {"yielded_points", n_yielded_points}};
        if (model.geometry->roof.present)
          summary["plasticity"]["yielded_zone_height_above_roof"] =
              n_yielded_points > 0 ?
                  std::max(0., yielded_zone_top - model.geometry->roof.elevation) :
                  0.;
      }
  }


  template class RockResultsPostprocessor<2>;
  template class RockResultsPostprocessor<3>;
} // namespace roofspan
