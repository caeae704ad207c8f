#include <roofspan/core/analysis_failure.h>
#include <roofspan/simulator/mechanics_problem.h>
#include <roofspan/simulator/simulator.h>
#include <roofspan/simulator/staged_excavation.h>
#include <roofspan/simulator/step_observer.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  StagedExcavation<dim>::StagedExcavation(Simulator<dim> &model)
      : model(model)
  {
  }

  template <int dim>
  void StagedExcavation<dim>::run(AnalysisState<dim> &s,
                                  const bool          may_repartition,
                                  StepObserver<dim>  *observer) const
  {
    // The observer sees every converged load step: the commit is where a
    // step ends.
    struct ObservedProblem : MechanicsProblem<dim>
    {
      ObservedProblem(Simulator<dim> &model, AnalysisState<dim> &state, StepObserver<dim> &observer)
          : MechanicsProblem<dim>(model, state)
          , observer(observer)
      {
      }
      void commit() override
      {
        MechanicsProblem<dim>::commit();
        observer.load_step(this->state);
      }
      StepObserver<dim> &observer;
    };
    std::unique_ptr<MechanicsProblem<dim>> owned =
        observer ? std::make_unique<ObservedProblem>(model, s, *observer) :
                   std::make_unique<MechanicsProblem<dim>>(model, s);
    MechanicsProblem<dim>            &problem       = *owned;
    std::vector<std::vector<double>> &collar_forces = problem.collar_forces;
    const auto log = [&](const std::string &line) { model.pcout << line << '\n'; };

    const auto run_stage =
        [&](const std::string &name, const double from, const double to, const bool linear) {
          problem.set_linear(linear);
          model.pcout << "  stage '" << name << "': load factor " << from << " -> " << to
                      << (linear ? " (linear)" : "") << '\n';
          NonlinearSolver one_step = model.nonlinear_solver;
          if (linear)
            one_step.load_steps = 1;
          collar_forces.clear();
          auto steps = one_step.advance(problem, from, to, log);
          s.stages.push_back({name, from, to, steps, collar_forces, model.roof_sag_now(s)});
          if (observer)
            observer->stage_end(s, name);
        };

    if (!model.bolts || !s.support_installed)
      run_stage("excavation", 0, 1, !model.plastic);
    else
      {
        const double alpha = model.bolt_pattern.installation_relaxation;
        if (alpha > 0)
          run_stage("excavation before support", 0, alpha, !model.plastic);
        if (model.load_balancing.repartition_at_installation && may_repartition)
          model.repartition(s);
        model.bolts->install(s.bolts, s.locally_relevant_solution);
        model.pcout << "  bolts installed at load factor " << alpha << ": "
                    << model.bolt_pattern.description << '\n';
        if (model.bolt_pattern.pretension > 0)
          {
            // Tension each bolt until its locked-in collar force is the
            // pretension (elastic: exact after one correction).
            model.pcout << "  stage 'bolt tensioning': " << model.bolt_pattern.pretension
                        << " N per bolt\n";
            StageRecord record{"bolt tensioning", alpha, alpha, {}, {}};
            for (unsigned int round = 0; round < 8; ++round)
              {
                collar_forces.clear();
                record.steps.push_back(model.nonlinear_solver.equilibrate(problem, alpha, log));
                record.collar_forces.push_back(collar_forces.back());
                std::vector<double> factor;
                double              worst = 0;
                for (const double f : collar_forces.back())
                  {
                    factor.push_back(f > 0 ? model.bolt_pattern.pretension / f : 1.);
                    worst = std::max(worst, std::abs(f / model.bolt_pattern.pretension - 1));
                  }
                model.pcout << "      locked-in collar force of bolt 0: " << collar_forces.back()[0]
                            << " N\n";
                if (worst < 1e-6)
                  break;
                if (round == 7)
                  {
                    FailureEvidence evidence;
                    evidence.load_reached = evidence.load_attempted = alpha;
                    throw NoEquilibrium("bolt tensioning: the locked-in force stays " +
                                            std::to_string(100 * worst) +
                                            " % off the pretension (the anchor slips)",
                                        evidence);
                  }
                model.bolts->scale_pretension(s.bolts, factor);
              }
            record.roof_sag = model.roof_sag_now(s);
            s.stages.push_back(record);
          }
        run_stage("relaxation after support", alpha, 1, false);
      }
  }

  template class StagedExcavation<2>;
  template class StagedExcavation<3>;
} // namespace roofspan
