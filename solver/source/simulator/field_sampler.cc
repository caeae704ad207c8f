#include <roofspan/materials/linear_elastic.h>
#include <roofspan/simulator/field_sampler.h>
#include <roofspan/simulator/point_evaluation.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <limits>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  FieldSampler<dim>::FieldSampler(const Simulator<dim> &model)
      : model(model)
  {
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
  SymmetricTensor<2, 3> FieldSampler<dim>::stress_in(const AnalysisState<dim>          &state,
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
    if (model.plastic && !model.models.at(material)->is_linear() && !state.committed_states.empty())
      {
        const MaterialState &nearest =
            state.committed_states[cell_index * model.n_q_points +
                                   nearest_gauss_point(model.degree + 1, unit_point)];
        if (nearest.stress.norm() > 0 ||
            model.models.at(material)->plastic_strain(nearest).norm() > 0)
          return nearest.stress;
      }
    // Elastic (and plastic units before their first update, still
    // elastic): Hooke's law at the point. Plane strain: eps_zz = 0, so the
    // same 3x3 law gives sigma_zz.
    const typename Simulator<dim>::ElasticConstants &m = model.elastic.at(material);
    SymmetricTensor<2, 3>                            strain;
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = 0; b <= a; ++b)
        strain[a][b] = 0.5 * (gradient[a][b] + gradient[b][a]);
    return LinearElastic::tangent(m.lambda, m.mu) * strain + model.in_situ.stress(point);
  }

  template <int dim>
  std::pair<unsigned int, double>
  FieldSampler<dim>::yielded_extent(const AnalysisState<dim> &state) const
  {
    const QGauss<dim>  quadrature(model.degree + 1);
    FEValues<dim>      fe_values(*model.mapping, *model.fe, quadrature, update_quadrature_points);
    const unsigned int n_q   = quadrature.size();
    double             top   = -std::numeric_limits<double>::max();
    unsigned int       count = 0;
    if (model.plastic)
      for (const auto &cell : model.dof_handler.active_cell_iterators())
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
    return {Utilities::MPI::sum(count, model.mpi_communicator),
            Utilities::MPI::max(top, model.mpi_communicator)};
  }

  template <int dim>
  Vector<float> FieldSampler<dim>::yield_state(const AnalysisState<dim> &state) const
  {
    Vector<float> yield_state(model.mesh->n_active_cells());
    if (model.plastic)
      for (const auto &cell : model.dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            const unsigned int c = cell->active_cell_index();
            for (unsigned int q = 0; q < model.n_q_points; ++q)
              {
                const YieldMode mode = state.committed_states[c * model.n_q_points + q].mode;
                // Shear wins over tension in the cell's label if both occur.
                if (mode != YieldMode::elastic && (yield_state(c) == 0 || mode == YieldMode::shear))
                  yield_state(c) = float(static_cast<int>(mode));
              }
          }
    return yield_state;
  }

  template <int dim>
  Vector<float> FieldSampler<dim>::plastic_strain(const AnalysisState<dim> &state) const
  {
    Vector<float> magnitude(model.mesh->n_active_cells());
    if (model.plastic)
      for (const auto &cell : model.dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            const unsigned int       c    = cell->active_cell_index();
            const ConstitutiveModel &rock = *model.models.at(cell->material_id());
            for (unsigned int q = 0; q < model.n_q_points; ++q)
              magnitude(c) = std::max<float>(
                  magnitude(c),
                  rock.plastic_strain(state.committed_states[c * model.n_q_points + q]).norm());
          }
    return magnitude;
  }

  template <int dim>
  std::optional<Tensor<1, dim>>
  FieldSampler<dim>::displacement_at(const PETScWrappers::MPI::Vector &vector,
                                     const Point<dim>                 &point) const
  {
    const auto values =
        evaluate_at_point<dim>(model, point, [&](const auto &cell, const Point<dim> &unit) {
          FEValues<dim> one(*model.mapping,
                            *model.fe,
                            Quadrature<dim>(std::vector<Point<dim>>{unit}),
                            update_values);
          one.reinit(cell);
          std::vector<Tensor<1, dim>> v(1);
          one[FEValuesExtractors::Vector(0)].get_function_values(vector, v);
          std::vector<double> components(dim);
          for (unsigned int d = 0; d < dim; ++d)
            components[d] = v[0][d];
          return components;
        });
    if (!values)
      return std::nullopt;
    Tensor<1, dim> value;
    for (unsigned int d = 0; d < dim; ++d)
      value[d] = (*values)[d];
    return value;
  }

  template <int dim>
  bool FieldSampler<dim>::has_contacts() const
  {
    for (const auto &[id, rock] : model.models)
      if (rock->contact_displacement(MaterialState()).is_contact)
        return true;
    return false;
  }

  template <int dim>
  std::pair<Vector<float>, Vector<float>>
  FieldSampler<dim>::contact_displacement(const AnalysisState<dim> &state) const
  {
    Vector<float> opening(model.mesh->n_active_cells()), slip(model.mesh->n_active_cells());
    if (model.plastic && !state.committed_states.empty())
      for (const auto &cell : model.dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            const unsigned int       c    = cell->active_cell_index();
            const ConstitutiveModel &rock = *model.models.at(cell->material_id());
            for (unsigned int q = 0; q < model.n_q_points; ++q)
              {
                const ContactDisplacement d =
                    rock.contact_displacement(state.committed_states[c * model.n_q_points + q]);
                opening(c) = std::max<float>(opening(c), d.opening);
                slip(c)    = std::max<float>(slip(c), d.slip);
              }
          }
    return {opening, slip};
  }

  template <int dim>
  VtuPiece FieldSampler<dim>::sample(const PETScWrappers::MPI::Vector &vector,
                                     const std::string                &vector_name,
                                     const AnalysisState<dim>         *state,
                                     const Vector<float>              *yield_state,
                                     const Vector<float>              *plastic_strain) const
  {
    // Points per cell: degree + 1 per direction, x fastest, so that a cell
    // of degree p shows as p^dim linear sub-cells following its curvature.
    const unsigned int      n = model.degree + 1;
    std::vector<Point<dim>> unit_points;
    for (unsigned int k = 0; k < (dim == 3 ? n : 1); ++k)
      for (unsigned int j = 0; j < n; ++j)
        for (unsigned int i = 0; i < n; ++i)
          {
            Point<dim> p;
            p[0] = double(i) / model.degree;
            p[1] = double(j) / model.degree;
            if (dim == 3)
              p[dim - 1] = double(k) / model.degree;
            unit_points.push_back(p);
          }
    const Quadrature<dim>            sampling(unit_points);
    FEValues<dim>                    fe_values(*model.mapping,
                            *model.fe,
                            sampling,
                            update_values | update_gradients | update_quadrature_points);
    const FEValuesExtractors::Vector u(0);
    std::vector<Tensor<1, dim>>      values(sampling.size());
    std::vector<Tensor<2, dim>>      gradients(sampling.size());

    VtuPiece piece;
    piece.dim          = dim;
    piece.subdivisions = model.degree;
    VtuPiece::Array                         displacement{vector_name, 3, "m", false, {}};
    VtuPiece::Array                         stress{"stress", 9, "Pa", false, {}};
    std::array<VtuPiece::Array, 3>          principal{{{"sigma_1", 1, "Pa", false, {}},
                                                       {"sigma_2", 1, "Pa", false, {}},
                                                       {"sigma_3", 1, "Pa", false, {}}}};
    VtuPiece::Array                         stress_zz{"stress_zz", 1, "Pa", false, {}};
    VtuPiece::Array                         material{"material_id", 1, "", true, {}};
    VtuPiece::Array                         rank{"mpi_rank", 1, "", true, {}};
    VtuPiece::Array                         yielded{"yield_state", 1, "", true, {}};
    VtuPiece::Array                         plastic_norm{"plastic_strain", 1, "", false, {}};
    VtuPiece::Array                         opening{"contact_opening", 1, "m", false, {}};
    VtuPiece::Array                         slip{"contact_slip", 1, "m", false, {}};
    const bool                              contacts = state && has_contacts();
    std::pair<Vector<float>, Vector<float>> contact;
    if (contacts)
      contact = contact_displacement(*state);
    const unsigned int sub_cells = Utilities::pow(model.degree, dim);
    for (const auto &cell : model.dof_handler.active_cell_iterators())
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
          for (unsigned int k = 0; k < (dim == 3 ? model.degree : 1); ++k)
            for (unsigned int j = 0; j < model.degree; ++j)
              for (unsigned int i = 0; i < model.degree; ++i)
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
              rank.values.push_back(model.mesh->locally_owned_subdomain());
              if (yield_state)
                yielded.values.push_back((*yield_state)(c));
              if (plastic_strain)
                plastic_norm.values.push_back((*plastic_strain)(c));
              if (contacts)
                {
                  opening.values.push_back(contact.first(c));
                  slip.values.push_back(contact.second(c));
                }
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
    if (contacts)
      {
        piece.cell_data.push_back(std::move(opening));
        piece.cell_data.push_back(std::move(slip));
      }
    return piece;
  }


  template class FieldSampler<2>;
  template class FieldSampler<3>;
} // namespace roofspan
