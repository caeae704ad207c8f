#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/input_error.h>
#include <roofspan/simulator/simulator.h>

#include <algorithm>
#include <cmath>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    /// A stable state whose largest displacement exceeds the jump ratio.
    struct DisplacementJump
    {
    };
  } // namespace

  template <int dim>
  StrengthReduction::Result Simulator<dim>::continue_strength_reduction(AnalysisState<dim> s,
                                                                        const double       to,
                                                                        const double reference)
  {
    using Result = StrengthReduction::Result;
    Result result;
    result.computed      = true;
    result.method        = "continuation";
    const auto add_point = [&]() {
      result.curve.push_back({s.strength.factor, max_displacement(s), roof_sag_now(s)});
    };

    // The same problem as the stages, with F as the path parameter and the
    // load held at full excavation: each increment of F starts from the
    // last stable state (its solution and histories), so the excavation is
    // not replayed and the curve is continuous.
    ProblemScratch           scratch;
    NonlinearSolver::Problem problem = nonlinear_problem(s, scratch);
    problem.linear                   = false;
    const auto evaluate              = problem.evaluate;
    // The path parameter: F, or during the switch to Davis' parameters at
    // F = 1 their weight (0: the units' own, 1: Davis').
    bool switching   = strength_reduction.davis;
    problem.evaluate = [this, &s, &switching, evaluate](const double p, const bool with_tangent) {
      if (switching)
        s.strength = StrengthFactor(1, p);
      else
        s.strength = StrengthFactor(p, strength_reduction.davis ? 1 : 0);
      if (bolts)
        s.bolts.bond_factor = s.strength.factor;
      return evaluate(1., with_tangent);
    };
    problem.prepare_step = [this, &s](double) { prepare_step(s, 1.); };
    const auto commit    = problem.commit;
    // The stable state before the last one: the last increment's
    // displacement field is the mechanism forming.
    PETScWrappers::MPI::Vector before_last = s.committed_solution;
    problem.commit                         = [&, commit]() {
      before_last = s.committed_solution;
      commit();
      if (switching)
        return;
      add_point();
      if (result.curve.back().max_displacement > strength_reduction.jump_ratio * reference)
        throw DisplacementJump();
    };

    // Increments of F: at most the initial one, cut near the limit down to
    // a quarter of the tolerance (and of the initial increment): the failed
    // increment, the bracket's width, is then below tolerance x F (F >= 1),
    // and a step that stalls far from the limit has cuts left to recover.
    NonlinearSolver path = nonlinear_solver;
    path.load_steps      = std::max(1., std::ceil((to - 1) / strength_reduction.initial_increment));
    const double largest = (to - 1) / path.load_steps;
    const double smallest = 0.25 * std::min(strength_reduction.tolerance, largest);
    path.max_cuts         = std::ceil(std::log2(largest / smallest) - 1e-9);
    // With most of the roof plastic every increment of F needs 15-30 Newton
    // iterations however small it is (points change branch); the load
    // stepping's thresholds (6, 15) would shrink the increments to the
    // smallest long before the limit.
    path.easy_iterations = 15;
    path.hard_iterations = 30;
    // Davis' associated material: measured on the default room, the l2 and
    // cp line searches stall from F = 1.04 on, backtracking reaches 1.24
    // (see the README, "Where the factor comes from").
    if (strength_reduction.davis && path.method == NonlinearSolver::Method::petsc_snes)
      path.snes_line_search = "bt";
    const bool was_active = pcout.is_active();
    pcout.set_condition(was_active && strength_reduction.log_trials);
    // The solver's step lines name the path parameter "load": say which.
    const auto log_as = [&](const std::string &parameter) {
      return [&, parameter](const std::string &line) {
        std::string l  = line;
        const auto  at = l.find("load ");
        if (at != std::string::npos && at < 8)
          l.replace(at, 5, parameter);
        pcout << l << '\n';
      };
    };
    const auto log = log_as("F = ");

    std::string note;
    if (switching)
      {
        // Davis' material is weaker than the units' own (beta < 1): the
        // stable state at F = 1 is found again for it, along a path from one
        // to the other. Without equilibrium there the factor is below 1.
        NonlinearSolver to_davis = path;
        to_davis.load_steps      = 2;
        const auto  log_switch   = log_as("weight of Davis' parameters ");
        std::string failure;
        try
          {
            to_davis.advance(problem, 0., 1., log_switch);
          }
        catch (const NoEquilibrium &e)
          {
            failure = "no equilibrium";
            note    = e.what();
          }
        catch (const NewtonStalled &e)
          {
            failure = "Newton stalled";
            note    = e.what();
          }
        catch (...)
          {
            pcout.set_condition(was_active);
            throw;
          }
        if (!failure.empty())
          {
            pcout.set_condition(was_active);
            result.lower     = 0;
            result.upper     = 1;
            result.factor    = 0;
            result.criterion = failure;
            StrengthReduction::Trial t;
            t.converged = false;
            t.failure   = failure == "no equilibrium" ? "" : failure;
            t.note      = "at F = 1 with Davis' parameters: " + note;
            result.trials.emplace_back(1., t);
            return result;
          }
        switching   = false;
        before_last = s.committed_solution;
      }
    add_point();
    try
      {
        path.advance(problem, 1., to, log);
        result.bounded   = false;
        result.lower     = to;
        result.upper     = to;
        result.criterion = "none: stable up to the maximum factor";
      }
    catch (const NoEquilibrium &e)
      {
        result.lower     = e.evidence.load_reached;
        result.upper     = e.evidence.load_attempted;
        result.criterion = "no equilibrium";
        note             = e.what();
      }
    catch (const NewtonStalled &e)
      {
        result.lower     = e.evidence.load_reached;
        result.upper     = e.evidence.load_attempted;
        result.criterion = "Newton stalled";
        note             = e.what();
      }
    catch (const DisplacementJump &)
      {
        const auto &c    = result.curve;
        result.upper     = c.back().factor;
        result.lower     = c.size() >= 2 ? c[c.size() - 2].factor : 1.;
        result.criterion = "displacement jump";
        note = "largest displacement " + format_number(c.back().max_displacement) + " m > " +
               format_number(strength_reduction.jump_ratio) + " x " + format_number(reference) +
               " m at F = " + format_number(c.back().factor);
        result.curve.pop_back(); // not counted as stable
      }
    catch (...)
      {
        pcout.set_condition(was_active);
        throw;
      }
    pcout.set_condition(was_active);
    result.factor = result.lower;

    // The mechanism at the limit: the last stable state (the failed trial is
    // reverted), evaluated again at its own F for the bolts' forces.
    auto &m           = result.mechanism;
    m.present         = true;
    m.factor          = result.curve.back().factor;
    s.strength.factor = m.factor;
    if (bolts)
      s.bolts.bond_factor = m.factor;
    s.solution                  = s.committed_solution;
    s.locally_relevant_solution = s.solution;
    assemble_system(s, 1., false);
    const auto [n_yielded, top] = yielded_extent(s);
    m.yielded_points            = n_yielded;
    if (geometry->roof.present)
      m.yielded_zone_height = n_yielded > 0 ? std::max(0., top - geometry->roof.elevation) : 0.;
    PETScWrappers::MPI::Vector increment = s.committed_solution;
    increment -= before_last;
    {
      // The rock's part: what mechanism_*.pvtu shows.
      PETScWrappers::MPI::Vector rock(rock_owned_dofs, mpi_communicator);
      copy_leading_owned(increment, rock, rock_owned_dofs.n_elements());
      m.last_increment    = rock.linfty_norm();
      limit_fields.factor = m.factor;
      limit_fields.last_increment.reinit(rock_owned_dofs, rock_relevant_dofs, mpi_communicator);
      limit_fields.last_increment = rock;
      limit_fields.yield_state    = yield_state_of(s);
    }
    if (bolts)
      {
        std::vector<typename BoltSet<dim>::BoltResult>    list;
        std::vector<typename BoltSet<dim>::ElementResult> elements;
        bolts->gather_results(s.bolts, s.locally_relevant_solution, list, elements);
        for (unsigned int b = 0; b < list.size(); ++b)
          {
            if (list[b].yielded)
              m.bolts_yielded.push_back(b);
            if (list[b].pulled_out)
              m.bolts_pulled_out.push_back(b);
          }
      }
    // The stable states as trials, then the one that failed.
    for (const auto &p : result.curve)
      {
        StrengthReduction::Trial t;
        t.converged        = true;
        t.max_displacement = p.max_displacement;
        result.trials.emplace_back(p.factor, t);
      }
    if (result.bounded)
      {
        StrengthReduction::Trial t;
        t.converged        = false;
        t.failure          = result.criterion == "no equilibrium" ? "" : result.criterion;
        t.note             = note;
        t.load_reached     = 1;
        t.max_displacement = result.curve.back().max_displacement;
        result.trials.emplace_back(result.upper, t);
      }
    return result;
  }

  template StrengthReduction::Result
  Simulator<2>::continue_strength_reduction(AnalysisState<2>, double, double);
  template StrengthReduction::Result
  Simulator<3>::continue_strength_reduction(AnalysisState<3>, double, double);
} // namespace roofspan
