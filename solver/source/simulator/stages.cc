#include <roofspan/simulator/simulator.h>

#include <deal.II/base/timer.h>

namespace roofspan
{
  using namespace dealii;

  template <int dim>
  double Simulator<dim>::prescribed_value(const double value,
                                          const bool   bolt_stage,
                                          const double load) const
  {
    // Displacement boundaries follow the excavation load; an imposed
    // pull-out follows the bolt stage (zero at installation).
    if (!bolt_stage)
      return load * value;
    if (!bolts || !bolts->installed())
      return 0;
    const double alpha = bolt_pattern.installation_relaxation;
    return std::max(0., (load - alpha) / (1 - alpha)) * value;
  }

  template <int dim>
  void Simulator<dim>::prepare_step(const double load)
  {
    solution                  = committed_solution;
    locally_relevant_solution = solution;
    step_constraints.copy_from(constraints);
    for (const PrescribedValue &p : prescribed_values)
      step_constraints.set_inhomogeneity(p.index,
                                         prescribed_value(p.value, p.bolt_stage, load) -
                                             prescribed_value(p.value,
                                                              p.bolt_stage,
                                                              committed_load));
    first_newton_iteration = true;
  }

  template <int dim>
  void Simulator<dim>::run_stages()
  {
    committed_solution        = 0;
    solution                  = 0;
    locally_relevant_solution = solution;
    committed_load            = 0;

    NonlinearSolver::Problem problem;
    problem.prepare_step     = [&](const double load) { prepare_step(load); };
    problem.solve_and_update = [&]() { return solve(); };
    std::vector<std::vector<double>> collar_forces;
    double                           trial_load = 0;
    problem.assemble                            = [&](const double load) {
      trial_load = load;
      return assemble_system(load, true);
    };
    problem.commit = [&]() {
      committed_solution = solution;
      committed_load     = trial_load;
      if (bolts)
        {
          bolts->commit_state();
          if (bolts->installed())
            collar_forces.push_back(bolts->collar_forces());
        }
    };
    problem.revert = [&]() {
      solution                  = committed_solution;
      locally_relevant_solution = solution;
      if (bolts)
        bolts->revert_state();
    };
    const auto log = [&](const std::string &line) { pcout << line << '\n'; };

    const auto run_stage =
        [&](const std::string &name, const double from, const double to, const bool linear) {
          problem.linear = linear;
          pcout << "  stage '" << name << "': load factor " << from << " -> " << to
                << (linear ? " (linear)" : "") << '\n';
          NonlinearSolver one_step = nonlinear_solver;
          if (linear)
            one_step.load_steps = 1;
          collar_forces.clear();
          auto steps = one_step.advance(problem, from, to, log);
          stages.push_back({name, from, to, steps, collar_forces});
        };

    if (!bolts)
      run_stage("excavation", 0, 1, true);
    else
      {
        const double alpha = bolt_pattern.installation_relaxation;
        if (alpha > 0)
          run_stage("excavation before support", 0, alpha, true);
        bolts->install(locally_relevant_solution);
        pcout << "  bolts installed at load factor " << alpha << ": " << bolt_pattern.description
              << '\n';
        if (bolt_pattern.pretension > 0)
          {
            // Tension each bolt until its locked-in collar force is the
            // pretension (elastic: exact after one correction).
            pcout << "  stage 'bolt tensioning': " << bolt_pattern.pretension << " N per bolt\n";
            StageRecord record{"bolt tensioning", alpha, alpha, {}, {}};
            for (unsigned int round = 0; round < 8; ++round)
              {
                collar_forces.clear();
                record.steps.push_back(nonlinear_solver.equilibrate(problem, alpha, log));
                record.collar_forces.push_back(collar_forces.back());
                std::vector<double> factor;
                double              worst = 0;
                for (const double f : collar_forces.back())
                  {
                    factor.push_back(f > 0 ? bolt_pattern.pretension / f : 1.);
                    worst = std::max(worst, std::abs(f / bolt_pattern.pretension - 1));
                  }
                pcout << "      locked-in collar force of bolt 0: " << collar_forces.back()[0]
                      << " N\n";
                if (worst < 1e-6)
                  break;
                if (round == 7)
                  throw NonConvergence("bolt tensioning: the locked-in force stays " +
                                       std::to_string(100 * worst) +
                                       " % off the pretension (anchor slipping?)");
                bolts->scale_pretension(factor);
              }
            stages.push_back(record);
          }
        run_stage("relaxation after support", alpha, 1, false);
      }
    update_rock_solution();
  }

  template void Simulator<2>::prepare_step(double);
  template void Simulator<3>::prepare_step(double);
  template void Simulator<2>::run_stages();
  template void Simulator<3>::run_stages();
} // namespace roofspan
