#include <roofspan/core/output_directory.h>
#include <roofspan/output/bolt_writer.h>
#include <roofspan/simulator/bolt_postprocessor.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  BoltPostprocessor<dim>::BoltPostprocessor(const Simulator<dim> &model)
      : model(model)
  {
  }

  template <int dim>
  void BoltPostprocessor<dim>::execute(const AnalysisState<dim> &state,
                                       OutputDirectory          &out,
                                       nlohmann::json           &summary)
  {
    if (!model.bolts)
      return;
    std::vector<typename BoltSet<dim>::BoltResult>    results;
    std::vector<typename BoltSet<dim>::ElementResult> elements;
    model.bolts->gather_results(state.bolts, state.locally_relevant_solution, results, elements);
    if (Utilities::MPI::this_mpi_process(model.mpi_communicator) != 0)
      return;

    const BoltProduct &product = model.bolt_pattern.product;
    if (model.write_vtu)
      BoltWriter<dim>::write_vtp(out.staging_path("bolts.vtp"),
                                 results,
                                 elements,
                                 product.yield_force);

    const auto point = [](const auto &x) {
      std::vector<double> p(dim);
      for (unsigned int d = 0; d < dim; ++d)
        p[d] = x[d];
      return p;
    };
    const auto close = [](std::ofstream &f, const std::string &name) {
      f.close();
      if (!f)
        throw std::runtime_error("cannot write " + name);
    };

    // One line per bolt: where it is, its peak force and the state it is in.
    {
      std::ofstream f(out.staging_path("bolts.csv"));
      f.precision(8);
      f << "bolt,offset_m,row_m,weight,collar_x,collar_" << (dim == 3 ? "y,collar_z" : "y")
        << ",peak_axial_force_N,peak_at_m,peak_x," << (dim == 3 ? "peak_y,peak_z" : "peak_y")
        << ",collar_force_N,utilisation,yielded,pulled_out,ruptured\n";
      for (unsigned int b = 0; b < results.size(); ++b)
        {
          const auto &r = results[b];
          f << b << ',' << r.offset << ',' << r.row << ',' << r.weight;
          for (unsigned int d = 0; d < dim; ++d)
            f << ',' << r.collar[d];
          f << ',' << r.peak_force << ',' << r.peak_s;
          for (unsigned int d = 0; d < dim; ++d)
            f << ',' << r.collar[d] + r.peak_s * r.direction[d];
          f << ',' << r.head_force << ',' << r.utilisation << ',' << int(r.yielded) << ','
            << int(r.pulled_out) << ',' << int(r.ruptured) << '\n';
        }
      close(f, "bolts.csv");
    }
    // One line per bolt element: the profiles along the bolts.
    {
      std::ofstream f(out.staging_path("bolt_profiles.csv"));
      f.precision(10);
      f << "bolt,element,s0_m,s1_m,axial_force_N,axial_strain,slip_m,bond_shear_flow_N_per_m,"
           "bonded,bond_slipping,steel_yield\n";
      for (const auto &e : elements)
        f << e.bolt << ',' << e.first_node << ',' << e.s0 << ',' << e.s1 << ',' << e.axial_force
          << ',' << e.axial_strain << ',' << e.slip << ',' << e.shear_flow << ',' << int(e.bonded)
          << ',' << int(e.bond_slipping) << ',' << int(e.steel_yield) << '\n';
      close(f, "bolt_profiles.csv");
    }

    double       max_force = 0, max_utilisation = 0;
    unsigned int n_yielded = 0, n_pulled_out = 0, n_ruptured = 0;
    auto         list = nlohmann::json::array();
    for (unsigned int b = 0; b < results.size(); ++b)
      {
        const auto &r   = results[b];
        max_force       = std::max(max_force, std::abs(r.peak_force));
        max_utilisation = std::max(max_utilisation, r.utilisation);
        n_yielded += r.yielded;
        n_pulled_out += r.pulled_out;
        n_ruptured += r.ruptured;
        list.push_back({{"bolt", b},
                        {"offset", r.offset},
                        {"row", r.row},
                        {"weight", r.weight},
                        {"collar", point(r.collar)},
                        {"peak_axial_force", r.peak_force},
                        {"peak_at", r.peak_s},
                        {"collar_force", r.head_force},
                        {"utilisation", r.utilisation},
                        {"yielded", r.yielded},
                        {"pulled_out", r.pulled_out},
                        {"ruptured", r.ruptured},
                        {"ranks", r.ranks.size()}});
      }
    summary["bolts"] = {{"product", product.name},
                        {"type", product.type_name()},
                        {"pattern", model.bolt_pattern.description},
                        {"length", model.bolt_pattern.length},
                        {"row_spacing", model.bolt_pattern.row_spacing},
                        {"installation_relaxation", model.bolt_pattern.installation_relaxation},
                        {"pretension", model.bolt_pattern.pretension},
                        {"smeared_out_of_plane", dim == 2},
                        {"yield_force", product.yield_force},
                        {"count", results.size()},
                        {"elements", model.bolts->n_elements()},
                        {"unknowns_per_rank", model.bolt_unknowns_per_rank()},
                        {"max_axial_force", max_force},
                        {"max_utilisation", max_utilisation},
                        {"yielded", n_yielded},
                        {"pulled_out", n_pulled_out},
                        {"ruptured", n_ruptured},
                        {"list", list}};
  }

  template class BoltPostprocessor<2>;
  template class BoltPostprocessor<3>;
} // namespace roofspan
