#include <roofspan/simulator/contact_results_postprocessor.h>
#include <roofspan/simulator/located_extreme.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>

#include <nlohmann/json.hpp>

#include <map>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  ContactResultsPostprocessor<dim>::ContactResultsPostprocessor(const Simulator<dim> &model)
      : model(model)
  {
  }

  template <int dim>
  void ContactResultsPostprocessor<dim>::execute(const AnalysisState<dim> &state,
                                                 OutputDirectory &,
                                                 nlohmann::json &summary)
  {
    struct ContactResult
    {
      LocatedExtreme<dim> opening, slip;
      unsigned int        points = 0, open = 0, slipping = 0;
    };
    std::map<types::material_id, ContactResult> contacts;
    for (const auto &[id, rock] : model.models)
      if (rock->contact_displacement(MaterialState()).is_contact)
        contacts[id];
    if (contacts.empty() || !model.plastic || state.committed_states.empty())
      return;

    const QGauss<dim> quadrature(model.degree + 1);
    FEValues<dim>     fe_values(*model.mapping, *model.fe, quadrature, update_quadrature_points);
    for (const auto &cell : model.dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && contacts.count(cell->material_id()))
        {
          ContactResult           &result = contacts[cell->material_id()];
          const ConstitutiveModel &rock   = *model.models.at(cell->material_id());
          fe_values.reinit(cell);
          for (unsigned int q = 0; q < quadrature.size(); ++q)
            {
              const MaterialState &point =
                  state.committed_states[cell->active_cell_index() * quadrature.size() + q];
              const ContactDisplacement d = rock.contact_displacement(point);
              result.opening.offer(d.opening, fe_values.quadrature_point(q));
              result.slip.offer(d.slip, fe_values.quadrature_point(q));
              ++result.points;
              result.open += point.mode == YieldMode::tension;
              result.slipping += point.mode == YieldMode::shear;
            }
        }

    const auto located = [](const LocatedExtreme<dim> &e) {
      return nlohmann::json{{"value", e.value},
                            {"at", std::vector<double>(&e.where[0], &e.where[0] + dim)}};
    };
    nlohmann::json list = nlohmann::json::array();
    for (auto &[id, result] : contacts)
      {
        const MPI_Comm comm   = model.mpi_communicator;
        const auto    &region = model.geometry->regions.at(id);
        list.push_back({{"region", region.label},
                        {"unit", region.unit},
                        {"material_id", int(id)},
                        {"points", Utilities::MPI::sum(result.points, comm)},
                        {"open_points", Utilities::MPI::sum(result.open, comm)},
                        {"slipping_points", Utilities::MPI::sum(result.slipping, comm)},
                        {"max_opening", located(result.opening.reduce(comm))},
                        {"max_slip", located(result.slip.reduce(comm))}});
      }
    summary["contacts"] = list;
  }

  template class ContactResultsPostprocessor<2>;
  template class ContactResultsPostprocessor<3>;
} // namespace roofspan
