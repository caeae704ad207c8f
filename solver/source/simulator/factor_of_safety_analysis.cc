#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/output_directory.h>
#include <roofspan/simulator/factor_of_safety_analysis.h>
#include <roofspan/simulator/field_sampler.h>
#include <roofspan/simulator/field_series_recorder.h>
#include <roofspan/simulator/simulator.h>

#include <deal.II/base/data_out_base.h>
#include <deal.II/base/timer.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  FactorOfSafetyAnalysis<dim>::FactorOfSafetyAnalysis(Simulator<dim>           &model,
                                                      FieldSeriesRecorder<dim> &field_series)
      : model(model)
      , field_series(field_series)
      , method(model.strength_reduction)
  {
  }

  template <int dim>
  StrengthReduction::Result FactorOfSafetyAnalysis<dim>::factor(const bool   with_support,
                                                                const double to,
                                                                const double reference)
  {
    field_series.set_context(with_support && model.bolts ? "bolted" : "unbolted");
    // Continuation needs a stable state at F = 1 to start from: the
    // analysis itself, or the unbolted roof's own excavation. Without one
    // (factor below 1, for the units' own parameters or for Davis') the
    // bisection searches downward.
    if (method.continuation)
      {
        const auto below_one = [](const StrengthReduction::Result &r) {
          return r.bounded && r.upper <= 1;
        };
        if (with_support || !model.bolts)
          {
            auto r = continuation(model.analysis, to, reference);
            if (!below_one(r))
              return r;
          }
        else
          {
            AnalysisState<dim> unsupported;
            if (model.analyse_reduced(1., false, &unsupported).converged)
              {
                auto r = continuation(std::move(unsupported), to, reference);
                if (!below_one(r))
                  return r;
              }
          }
      }
    // A trial at F: Davis' parameters (or the units' own) all along the
    // replayed excavation.
    return method.run(
        [&](const double F) {
          return model.analyse_reduced(StrengthFactor(F, method.davis ? 1 : 0), with_support);
        },
        reference,
        [&](const std::string &line) { model.pcout << line << '\n'; });
  }

  template <int dim>
  void FactorOfSafetyAnalysis<dim>::keep_mechanism(const StrengthReduction::Result &r,
                                                   const std::string               &name,
                                                   nlohmann::json                  &entry)
  {
    if (r.mechanism.present && r.method == "continuation" &&
        last_limit.factor == r.mechanism.factor && model.write_vtu)
      {
        mechanisms.push_back(std::move(last_limit));
        mechanisms.back().name       = name;
        entry["mechanism"]["fields"] = "mechanism_" + name + "_00.pvtu";
      }
    last_limit = MechanismFields<dim>();
  }

  template <int dim>
  void FactorOfSafetyAnalysis<dim>::run(OutputDirectory &out, nlohmann::json &summary)
  {
    if (!method.enabled() && method.check_factor() <= 0)
      return;
    TimerOutput::Scope t(*model.computing_timer, "strength reduction");
    const double       reference = model.max_displacement(model.analysis);
    const bool         bolted    = model.bolts != nullptr;
    const auto         entry     = [&](const StrengthReduction::Result &r, const bool with_bolts) {
      model.pcout << StrengthReduction::describe(r, with_bolts);
      return method.summary_entry(r, with_bolts);
    };
    if (method.check_factor() > 0)
      {
        // The design check: is the roof stable at F?
        const double F = method.check_factor();
        field_series.set_context("check");
        auto check =
            method.continuation ?
                continuation(model.analysis, F, reference) :
                method.check(
                    [&](const double f) {
                      return model.analyse_reduced(StrengthFactor(f, method.davis ? 1 : 0), true);
                    },
                    F,
                    reference,
                    [&](const std::string &line) { model.pcout << line << '\n'; });
        if (method.continuation)
          {
            // Stable at F when the path reached it.
            if (!check.bounded)
              check.criterion.clear();
            check.factor = F;
          }
        const auto &last = check.trials.back().second;
        model.pcout << "  strength check at F = " << check.factor << ": "
                    << (check.criterion.empty() ? "stable" : "fails (" + check.criterion + ")")
                    << '\n';
        summary["strength_check"] = {{"factor", check.factor},
                                     {"method", check.method},
                                     {"stable", check.criterion.empty()},
                                     {"failure_criterion", check.criterion},
                                     {"bolted", bolted},
                                     {"max_displacement", last.max_displacement},
                                     {"note", last.note}};
      }
    if (method.enabled())
      {
        const auto r                = factor(true, method.maximum_factor, reference);
        summary["factor_of_safety"] = entry(r, bolted);
        keep_mechanism(r, bolted ? "bolted" : "unbolted", summary["factor_of_safety"]);
      }
    if (bolted && method.enabled() && method.include_unbolted)
      {
        // The same roof without its bolts (they stay idle).
        const auto r                         = factor(false, method.maximum_factor, reference);
        summary["factor_of_safety_unbolted"] = entry(r, false);
        keep_mechanism(r, "unbolted", summary["factor_of_safety_unbolted"]);
      }
    // The limit states, beside the solution (mechanism.pvd).
    try
      {
        write_mechanisms(out);
      }
    catch (const std::exception &e)
      {
        throw OutputFailure(out.write_failure(e.what()));
      }
  }

  template <int dim>
  void FactorOfSafetyAnalysis<dim>::write_mechanisms(OutputDirectory &out) const
  {
    if (mechanisms.empty() || !model.write_vtu)
      return;
    const unsigned int      rank = Utilities::MPI::this_mpi_process(model.mpi_communicator);
    const FieldSampler<dim> sampler(model);
    std::vector<std::pair<double, std::string>> records;
    for (const auto &m : mechanisms)
      {
        VtuPiece piece =
            sampler.sample(m.last_increment, "last_increment", nullptr, &m.yield_state, nullptr);
        piece.field_values     = {{"strength_reduction_factor", m.factor}};
        piece.field_labels     = {{"label", "mechanism at the limit (" + m.name + ")"}};
        const std::string stem = "mechanism_" + m.name + "_00";
        piece.write_parallel(out.staging_folder(), stem, model.mpi_communicator);
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


  template class FactorOfSafetyAnalysis<2>;
  template class FactorOfSafetyAnalysis<3>;
} // namespace roofspan
