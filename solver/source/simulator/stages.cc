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
  double Simulator<dim>::prescribed_value(const AnalysisState<dim> &state,
                                          const double              value,
                                          const bool                bolt_stage,
                                          const double              load) const
  {
    // Displacement boundaries follow the excavation load; an imposed
    // pull-out follows the bolt stage (zero at installation).
    if (!bolt_stage)
      return load * value;
    if (!bolts || !state.bolts.installed)
      return 0;
    const double alpha = bolt_pattern.installation_relaxation;
    return std::max(0., (load - alpha) / (1 - alpha)) * value;
  }

  template <int dim>
  void Simulator<dim>::prepare_step(AnalysisState<dim> &state, const double load)
  {
    state.solution                  = state.committed_solution;
    state.locally_relevant_solution = state.solution;
    step_constraints.copy_from(constraints);
    for (const PrescribedValue &p : prescribed_values)
      step_constraints.set_inhomogeneity(
          p.index,
          prescribed_value(state, p.value, p.bolt_stage, load) -
              prescribed_value(state, p.value, p.bolt_stage, state.committed_load));
    state.first_newton_iteration = true;
  }

  template <int dim>
  AnalysisState<dim> Simulator<dim>::make_state(const StrengthFactor &strength,
                                                const bool            support_installed) const
  {
    AnalysisState<dim> state;
    state.strength          = strength;
    state.support_installed = support_installed;
    state.solution.reinit(locally_owned_dofs, mpi_communicator);
    state.committed_solution.reinit(locally_owned_dofs, mpi_communicator);
    state.last_correction.reinit(locally_owned_dofs, mpi_communicator);
    state.before_correction.reinit(locally_owned_dofs, mpi_communicator);
    state.locally_relevant_solution.reinit(locally_owned_dofs,
                                           locally_relevant_dofs,
                                           mpi_communicator);
    if (plastic)
      {
        state.committed_states.assign(mesh->n_active_cells() * n_q_points, MaterialState());
        state.trial_states = state.committed_states;
      }
    if (bolts)
      state.bolts = bolts->initial_state(strength.factor);
    return state;
  }

  template <int dim>
  NonlinearSolver::Problem Simulator<dim>::nonlinear_problem(AnalysisState<dim> &state,
                                                             ProblemScratch     &scratch)
  {
    // The lambdas outlive this call: they hold the state and the scratch
    // (owned by the caller) by reference, nothing local.
    NonlinearSolver::Problem problem;
    problem.prepare_step     = [this, &s = state](const double load) { prepare_step(s, load); };
    problem.after_correction = [this, &s = state, &c = scratch]() {
      if (jacobian_check_enabled)
        check_jacobian(s, c.trial_load);
    };
    problem.solve_and_update = [this, &s = state]() { return solve(s); };
    problem.evaluate         = [this, &s = state, &c = scratch](const double load,
                                                        const bool   with_tangent) {
      c.trial_load = load;
      return assemble_system(s, load, with_tangent);
    };
    problem.displacement = [this, &s = state]() { return max_displacement(s); };
    problem.save_iterate = [&s = state, &c = scratch]() {
      c.watchdog_iterate = s.before_correction;
    };
    problem.restore_iterate = [&s = state, &c = scratch]() {
      s.solution                  = c.watchdog_iterate;
      s.locally_relevant_solution = s.solution;
    };
    problem.non_finite_place = [this]() {
      // The first rank that saw a failed point update names it.
      for (const std::string &place :
           Utilities::MPI::all_gather(mpi_communicator, local_failure_place))
        if (!place.empty())
          return place;
      return std::string();
    };
    problem.commit = [this, &s = state, &c = scratch]() {
      s.committed_solution = s.solution;
      s.committed_load     = c.trial_load;
      if (plastic)
        s.committed_states = s.trial_states;
      if (bolts)
        {
          bolts->commit_state(s.bolts);
          if (s.bolts.installed)
            c.collar_forces.push_back(bolts->collar_forces(s.bolts));
        }
    };
    problem.set_step_length = [&s = state](const double alpha) {
      s.solution = s.before_correction;
      s.solution.add(alpha, s.last_correction);
      s.locally_relevant_solution = s.solution;
    };
    problem.revert = [this, &s = state]() {
      s.solution                  = s.committed_solution;
      s.locally_relevant_solution = s.solution;
      if (bolts)
        bolts->revert_state(s.bolts);
    };
    // For PETSc SNES (Nonlinear solver/Method): the same residual, tangent
    // and linear solver, reached through PETSc handles.
    problem.solution_vector  = [&s = state]() -> Vec { return s.solution; };
    problem.solution_changed = [&s = state]() { s.locally_relevant_solution = s.solution; };
    problem.residual_vector  = [this]() -> Vec { return system_rhs; };
    problem.apply_tangent    = [this](Vec x, Vec y) {
      if (!use_matrix_free)
        MatMult(system_matrix, x, y);
      else
        {
          PETScWrappers::MPI::Vector in(locally_owned_dofs, mpi_communicator), out(in);
          VecCopy(x, in);
          matrix_free_elasticity->vmult(out, in); // the rock rows
          if (bolts)
            MatMultAdd(system_matrix, in, out, out); // the bolts' part (assembly.cc)
          VecCopy(out, y);
        }
    };
    problem.solve_correction = [this, &s = state](Vec rhs, Vec correction) {
      PETScWrappers::MPI::Vector b(locally_owned_dofs, mpi_communicator), x(b);
      VecCopy(rhs, b);
      const unsigned int iterations = solve_correction(s, b, x);
      VecCopy(x, correction);
      return iterations;
    };
    return problem;
  }

  template <int dim>
  void Simulator<dim>::run_stages(AnalysisState<dim> &s, const bool may_repartition)
  {
    ProblemScratch                    scratch;
    NonlinearSolver::Problem          problem       = nonlinear_problem(s, scratch);
    std::vector<std::vector<double>> &collar_forces = scratch.collar_forces;
    const auto                        log = [&](const std::string &line) { pcout << line << '\n'; };

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
          s.stages.push_back({name, from, to, steps, collar_forces, roof_sag_now(s)});
          if (&s == &analysis && !series_load_steps)
            record_field_step(s, "end of stage '" + name + "'");
        };
    if (&s == &analysis && series_load_steps)
      {
        // Every converged load step of the analysis (not of its trials).
        const auto commit = problem.commit;
        problem.commit    = [this, &s, commit]() {
          commit();
          std::ostringstream label;
          label << "load factor " << s.committed_load;
          record_field_step(s, label.str());
        };
      }

    if (!bolts || !s.support_installed)
      run_stage("excavation", 0, 1, !plastic);
    else
      {
        const double alpha = bolt_pattern.installation_relaxation;
        if (alpha > 0)
          run_stage("excavation before support", 0, alpha, !plastic);
        if (load_balancing.repartition_at_installation && may_repartition)
          repartition(s);
        bolts->install(s.bolts, s.locally_relevant_solution);
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
                bolts->scale_pretension(s.bolts, factor);
              }
            record.roof_sag = roof_sag_now(s);
            s.stages.push_back(record);
          }
        run_stage("relaxation after support", alpha, 1, false);
      }
  }

  template <int dim>
  double Simulator<dim>::max_displacement(const AnalysisState<dim> &state) const
  {
    // Node values of the rock unknowns: dim consecutive entries per node.
    const PetscScalar *u;
    VecGetArrayRead(state.solution, &u);
    double             largest = 0;
    const unsigned int n       = rock_owned_dofs.n_elements();
    for (unsigned int i = 0; i + dim <= n; i += dim)
      {
        double sq = 0;
        for (unsigned int d = 0; d < dim; ++d)
          sq += u[i + d] * u[i + d];
        largest = std::max(largest, std::sqrt(sq));
      }
    VecRestoreArrayRead(state.solution, &u);
    return Utilities::MPI::max(largest, mpi_communicator);
  }

  template <int dim>
  double Simulator<dim>::roof_sag_now(const AnalysisState<dim> &state) const
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
              const types::global_dof_index index =
                  numbering.of_rock(cell->vertex_dof_index(v, dim - 1));
              std::vector<types::global_dof_index> one{index};
              std::vector<double>                  value(1);
              state.locally_relevant_solution.extract_subvector_to(one, value);
              sag   = -value[0];
              found = 1;
              break;
            }
    const double n_found = Utilities::MPI::sum(found, mpi_communicator);
    return n_found > 0 ? Utilities::MPI::sum(sag, mpi_communicator) / n_found : 0.;
  }

  template <int dim>
  StrengthReduction::Trial Simulator<dim>::analyse_reduced(const StrengthFactor &strength,
                                                           const bool            support_installed,
                                                           AnalysisState<dim>   *final_state)
  {
    StrengthReduction::Trial trial;
    AnalysisState<dim>       state      = make_state(strength, support_installed);
    const bool               was_active = pcout.is_active();
    pcout.set_condition(was_active && strength_reduction.log_trials);
    try
      {
        run_stages(state, false);
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
        throw;
      }
    pcout.set_condition(was_active);
    trial.max_displacement = max_displacement(state);
    if (final_state)
      *final_state = std::move(state);
    return trial;
  }

  template StrengthReduction::Trial
  Simulator<2>::analyse_reduced(const StrengthFactor &, bool, AnalysisState<2> *);
  template StrengthReduction::Trial
                  Simulator<3>::analyse_reduced(const StrengthFactor &, bool, AnalysisState<3> *);
  template double Simulator<2>::max_displacement(const AnalysisState<2> &) const;
  template double Simulator<3>::max_displacement(const AnalysisState<3> &) const;
  template double Simulator<2>::roof_sag_now(const AnalysisState<2> &) const;
  template double Simulator<3>::roof_sag_now(const AnalysisState<3> &) const;
  template void   Simulator<2>::prepare_step(AnalysisState<2> &, double);
  template void   Simulator<3>::prepare_step(AnalysisState<3> &, double);
  template AnalysisState<2> Simulator<2>::make_state(const StrengthFactor &, bool) const;
  template AnalysisState<3> Simulator<3>::make_state(const StrengthFactor &, bool) const;
  template void             Simulator<2>::run_stages(AnalysisState<2> &, bool);
  template void             Simulator<3>::run_stages(AnalysisState<3> &, bool);
} // namespace roofspan
