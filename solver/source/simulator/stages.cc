#include <roofspan/simulator/simulator.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/timer.h>
#include <deal.II/base/utilities.h>

#include <petscvec.h>

#include <cmath>
#include <sstream>

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
    stages.clear();
    if (plastic)
      {
        n_q_points = Utilities::fixed_power<dim>(degree + 1);
        committed_states.assign(mesh->n_active_cells() * n_q_points, MaterialState());
        trial_states = committed_states;
      }
    if (bolts)
      bolts->reset(strength_factor);

    NonlinearSolver::Problem         problem;
    std::vector<std::vector<double>> collar_forces;
    double                           trial_load = 0;
    problem.prepare_step                        = [&](const double load) { prepare_step(load); };
    problem.solve_and_update                    = [&]() {
      const unsigned int iterations = solve();
      if (jacobian_check_enabled && !problem.linear)
        check_jacobian(trial_load);
      return iterations;
    };
    problem.evaluate = [&](const double load, const bool with_tangent) {
      trial_load = load;
      return assemble_system(load, with_tangent);
    };
    problem.displacement = [&]() { return max_displacement(); };
    PETScWrappers::MPI::Vector watchdog_iterate;
    problem.save_iterate    = [&]() { watchdog_iterate = before_correction; };
    problem.restore_iterate = [&]() {
      solution                  = watchdog_iterate;
      locally_relevant_solution = solution;
    };
    problem.non_finite_place = [&]() {
      // The first rank that saw a failed point update names it.
      for (const std::string &place :
           Utilities::MPI::all_gather(mpi_communicator, local_failure_place))
        if (!place.empty())
          return place;
      return std::string();
    };
    problem.commit = [&]() {
      committed_solution = solution;
      committed_load     = trial_load;
      if (plastic)
        committed_states = trial_states;
      if (bolts)
        {
          bolts->commit_state();
          if (bolts->installed())
            collar_forces.push_back(bolts->collar_forces());
        }
    };
    problem.set_step_length = [&](const double alpha) {
      solution = before_correction;
      solution.add(alpha, last_correction);
      locally_relevant_solution = solution;
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
          stages.push_back({name, from, to, steps, collar_forces, roof_sag_now()});
        };

    if (!bolts || !support_installed)
      run_stage("excavation", 0, 1, !plastic);
    else
      {
        const double alpha = bolt_pattern.installation_relaxation;
        if (alpha > 0)
          run_stage("excavation before support", 0, alpha, !plastic);
        if (load_balancing.repartition_at_installation)
          {
            repartition();
            if (in_trial)
              repartitions.pop_back(); // the summary reports the analysis, not its trials
          }
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
                  {
                    FailureEvidence evidence;
                    evidence.load_reached = evidence.load_attempted = alpha;
                    throw NoEquilibrium("bolt tensioning: the locked-in force stays " +
                                            std::to_string(100 * worst) +
                                            " % off the pretension (the anchor slips)",
                                        evidence);
                  }
                bolts->scale_pretension(factor);
              }
            record.roof_sag = roof_sag_now();
            stages.push_back(record);
          }
        run_stage("relaxation after support", alpha, 1, false);
      }
    update_rock_solution();
  }

  template <int dim>
  double Simulator<dim>::max_displacement() const
  {
    // Node values of the rock unknowns: dim consecutive entries per node.
    const PetscScalar *u;
    VecGetArrayRead(solution, &u);
    double             largest = 0;
    const unsigned int n       = rock_owned_dofs.n_elements();
    for (unsigned int i = 0; i + dim <= n; i += dim)
      {
        double sq = 0;
        for (unsigned int d = 0; d < dim; ++d)
          sq += u[i + d] * u[i + d];
        largest = std::max(largest, std::sqrt(sq));
      }
    VecRestoreArrayRead(solution, &u);
    return Utilities::MPI::max(largest, mpi_communicator);
  }

  template <int dim>
  double Simulator<dim>::roof_sag_now() const
  {
    if (!geometry->roof.present)
      return 0;
    // The vertical displacement at the mid-span roof point, from the owner
    // of a cell that has it as a vertex (the built-in meshes put one there).
    const Point<dim>                    &p   = geometry->roof.mid_span;
    double                               sag = 0, found = 0;
    std::vector<types::global_dof_index> indices(fe->n_dofs_per_cell());
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned() && found == 0)
        for (const unsigned int v : cell->vertex_indices())
          if (cell->vertex(v).distance(p) < 1e-9 * (1 + p.norm()))
            {
              const types::global_dof_index        index = cell->vertex_dof_index(v, dim - 1);
              std::vector<types::global_dof_index> one{index};
              std::vector<double>                  value(1);
              locally_relevant_solution.extract_subvector_to(one, value);
              sag   = -value[0];
              found = 1;
              break;
            }
    const double n_found = Utilities::MPI::sum(found, mpi_communicator);
    return n_found > 0 ? Utilities::MPI::sum(sag, mpi_communicator) / n_found : 0.;
  }

  template <int dim>
  StrengthReduction::Trial Simulator<dim>::analyse_reduced(const double factor)
  {
    StrengthReduction::Trial trial;
    strength_factor       = factor;
    in_trial              = true;
    const bool was_active = pcout.is_active();
    pcout.set_condition(was_active && strength_reduction.log_trials);
    try
      {
        run_stages();
        trial.converged = true;
      }
    catch (const NoEquilibrium &e)
      {
        // The physical verdict. A stalled Newton is recorded apart (below);
        // every other failure (linear solver, non-finite values) ends the run.
        trial.converged    = false;
        trial.note         = e.what();
        trial.load_reached = e.evidence.load_reached;
      }
    catch (const NewtonStalled &e)
      {
        // Not a verdict on the roof: recorded as such, so that a factor of
        // safety bounded by a stalled trial says so (failure_criterion).
        trial.converged    = false;
        trial.failure      = "Newton stalled";
        trial.note         = e.what();
        trial.load_reached = e.evidence.load_reached;
      }
    catch (...)
      {
        pcout.set_condition(was_active);
        strength_factor = 1;
        in_trial        = false;
        throw;
      }
    pcout.set_condition(was_active);
    trial.max_displacement = max_displacement();
    strength_factor        = 1;
    in_trial               = false;
    return trial;
  }

  template StrengthReduction::Trial Simulator<2>::analyse_reduced(double);
  template StrengthReduction::Trial Simulator<3>::analyse_reduced(double);
  template double                   Simulator<2>::max_displacement() const;
  template double                   Simulator<3>::max_displacement() const;
  template double                   Simulator<2>::roof_sag_now() const;
  template double                   Simulator<3>::roof_sag_now() const;
  template void                     Simulator<2>::prepare_step(double);
  template void                     Simulator<3>::prepare_step(double);
  template void                     Simulator<2>::run_stages();
  template void                     Simulator<3>::run_stages();
} // namespace roofspan
