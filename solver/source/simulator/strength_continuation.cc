#include <roofspan/core/analysis_failure.h>
#include <roofspan/core/input_error.h>
#include <roofspan/simulator/factor_of_safety_analysis.h>
#include <roofspan/simulator/field_sampler.h>
#include <roofspan/simulator/field_series_recorder.h>
#include <roofspan/simulator/mechanics_problem.h>
#include <roofspan/simulator/simulator.h>
#include <roofspan/simulator/step_observer.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace roofspan
{
  using namespace dealii;

  namespace
  {
    /**
     * Raises F along the path from the curve's last point to `to`. Where
     * Newton fails on the smallest increment, the failure may belong to that
     * increment, not to the roof (the iterates cycle between two states
     * while points near the ribs switch between elastic and plastic, see
     * the README): longer increments from the same stable state (2, 4, 8,
     * ... times the failed one, up to the path's largest) are tried once
     * each, and if one converges the path goes on from there, since an
     * equilibrium at a higher F proves the limit was not reached. Measured
     * (default room, bolted, 2 % tolerance): the path failed from 1.46875 to
     * 1.47188 with 300 Newton iterations, where with another budget one
     * increment from 1.4 to 1.5 converged and the path went on to 1.59. This
     * holds for a failure classified as "no equilibrium" too: that class is
     * read from the path's softening, which a roof close to (not at) its
     * limit shows as well. With PETSc SNES the other line search (l2 or bt)
     * tries the failed increment and up to 4 times it as well; if only it
     * goes on, the rest of the path uses it. Only when all of them fail
     * does the failure end the path (rethrown).
     */
    void advance_past_failures(NonlinearSolver                                 path,
                               const double                                    largest_increment,
                               NonlinearProblem                               &problem,
                               const double                                    to,
                               const std::function<void(const std::string &)> &log,
                               StrengthReduction::Result                      &result)
    {
      // Bounded so that a path stalling at every step still ends.
      constexpr unsigned int max_passes  = 10;
      const auto             path_so_far = [&]() {
        std::vector<LoadPathPoint> points;
        for (std::size_t i = 0; i + 1 < result.curve.size(); ++i)
          points.push_back({result.curve[i].factor, result.curve[i].max_displacement});
        return points;
      };
      for (unsigned int passes = 0;; ++passes)
        {
          path.earlier_path = path_so_far();
          const double from = result.curve.back().factor;
          try
            {
              path.advance(problem, from, to, log);
              return;
            }
          catch (const AnalysisFailure &failure)
            {
              const auto *stalled = dynamic_cast<const NewtonStalled *>(&failure);
              const auto *limit   = dynamic_cast<const NoEquilibrium *>(&failure);
              if ((!stalled && !limit) || passes == max_passes)
                throw;
              const FailureEvidence &evidence = stalled ? stalled->evidence : limit->evidence;
              const double           reached  = evidence.load_reached;
              bool                   passed   = false;
              // The same increments with the other line search too (SNES:
              // l2 and bt). Measured on the 3D intersection (2 x 2.4 m bolts
              // at 2 m, bolts pulling out): the path stalled at F = 1.228
              // with l2 and at 1.271 with bt, each at relative residuals of
              // 1e-3 to 1e-2 with no sign of a limit. An equilibrium found
              // by either is an equilibrium, so the verdict may not hinge on
              // which of them the input chose.
              // The attempts: the path's own search at 2, 4, ... 32 times
              // the failed increment; with SNES the other one (bt for l2,
              // l2 for bt) at 1, 2 and 4 times it (at a true limit every
              // attempt fails, at its full budget).
              std::vector<std::pair<std::string, double>> attempts;
              for (const double k : {2., 4., 8., 16., 32.})
                attempts.emplace_back(path.snes_line_search, k);
              if (path.method == NonlinearSolver::Method::petsc_snes)
                for (const double k : {1., 2., 4.})
                  attempts.emplace_back(path.snes_line_search == "bt" ? "l2" : "bt", k);
              for (const auto &[line_search, k] : attempts)
                {
                  const double target = reached + k * evidence.increment;
                  if (target > to || k * evidence.increment > largest_increment * (1 + 1e-9))
                    continue;
                  const bool other = line_search != path.snes_line_search;
                  // One attempt each, with the path's budget for an
                  // increment with cuts left: cheap, and a cycle is not
                  // broken by more iterations anyway.
                  NonlinearSolver single         = path;
                  single.load_steps              = 1;
                  single.max_cuts                = 0;
                  single.smallest_increment      = 0;
                  single.last_attempt_iterations = 0;
                  single.snes_line_search        = line_search;
                  single.earlier_path.clear();
                  log("    stepping past the failure: F = " + format_number(reached) + " -> " +
                      format_number(target) +
                      (other ? " (SNES line search " + line_search + ")" : ""));
                  try
                    {
                      single.advance(problem, reached, target, log);
                      if (problem.path_ended())
                        return;
                      passed = true;
                    }
                  catch (const NewtonStalled &)
                    {
                    }
                  catch (const NoEquilibrium &)
                    {
                    }
                  if (passed)
                    {
                      result.failures_passed.emplace_back(reached, target);
                      // Where only the other search went on, the path goes
                      // on with it.
                      if (other)
                        path.snes_line_search = line_search;
                      break;
                    }
                }
              if (!passed)
                throw;
            }
        }
    }
  } // namespace

  template <int dim>
  StrengthReduction::Result FactorOfSafetyAnalysis<dim>::continuation(AnalysisState<dim> s,
                                                                      const double       to,
                                                                      const double       reference)
  {
    StepObserver<dim>    *observer = &field_series;
    MechanismFields<dim> *limit    = &last_limit;
    using Result                   = StrengthReduction::Result;
    Result result;
    result.computed                       = true;
    result.method                         = "continuation";
    const std::function<void()> add_point = [&]() {
      result.curve.push_back({s.strength.factor, model.max_displacement(s), model.roof_sag_now(s)});
      if (observer)
        observer->strength_step(s, result.curve.size() == 1);
    };

    // The path parameter p: F, or during the switch to Davis' parameters at
    // F = 1 their weight (0: the units' own, 1: Davis').
    struct StrengthPath : MechanicsProblem<dim>
    {
      StrengthPath(Simulator<dim>                  &model,
                   AnalysisState<dim>              &state,
                   const StrengthReduction::Result &result,
                   const std::function<void()>     &add_point,
                   const double                     jump_limit)
          : MechanicsProblem<dim>(model, state)
          , result(result)
          , add_point(add_point)
          , jump_limit(jump_limit)
          , switching(model.strength_reduction.davis)
          , before_last(state.committed_solution)
      {
      }

      /// The strength at p, the load held at full excavation.
      void reduce_strength(const double p)
      {
        const bool davis     = this->model.strength_reduction.davis;
        this->state.strength = switching ? StrengthFactor(1, p) : StrengthFactor(p, davis ? 1 : 0);
        if (this->model.bolts)
          this->state.bolts.bond_factor = this->state.strength.factor;
      }
      std::pair<double, double> residual(const double p) override
      {
        reduce_strength(p);
        return MechanicsProblem<dim>::residual(1.);
      }
      void jacobian(const double p) override
      {
        reduce_strength(p);
        MechanicsProblem<dim>::jacobian(1.);
      }
      std::pair<double, double> residual_and_jacobian(const double p) override
      {
        reduce_strength(p);
        return MechanicsProblem<dim>::residual_and_jacobian(1.);
      }

      // Secant predictor: Newton starts an increment of F from the path
      // extrapolated along its last increment, u_n + (dF / dF_n)(u_n -
      // u_n-1). Near the limit the displacement per unit F grows fast, and
      // starting from u_n leaves Newton to find the new plastic zone in 15-30
      // damped iterations (measured). Both states satisfy the same
      // constraints, so the extrapolation does too; the histories stay those
      // of u_n.
      void prepare_step(const double F) override
      {
        MechanicsProblem<dim>::prepare_step(1.);
        const auto &c = result.curve;
        if (!this->model.strength_reduction.secant_predictor || switching || c.size() < 2)
          return;
        const double last_increment = c.back().factor - c[c.size() - 2].factor;
        if (last_increment <= 0)
          return;
        const double ratio = (F - c.back().factor) / last_increment;
        this->state.solution.add(ratio, this->state.committed_solution, -ratio, before_last);
        this->state.locally_relevant_solution = this->state.solution;
      }

      std::string parameter_name() const override
      {
        return switching ? "weight of Davis' parameters" : "F =";
      }

      /// A point of the curve; a jump of the largest displacement beyond
      /// the limit ends the path.
      void commit() override
      {
        before_last = this->state.committed_solution;
        MechanicsProblem<dim>::commit();
        if (switching)
          return;
        add_point();
        jumped = result.curve.back().max_displacement > jump_limit;
      }
      bool path_ended() const override
      {
        return jumped;
      }

      const StrengthReduction::Result &result;
      const std::function<void()>      add_point;
      const double                     jump_limit;
      bool                             switching;
      bool                             jumped = false;
      /// The stable state before the last one: the last increment's
      /// displacement field is the mechanism forming.
      PETScWrappers::MPI::Vector before_last;
    };
    StrengthPath problem(
        model, s, result, add_point, model.strength_reduction.jump_ratio * reference);
    bool                       &switching   = problem.switching;
    PETScWrappers::MPI::Vector &before_last = problem.before_last;

    // Increments of F: at most the initial one, cut near the limit down to
    // the first halving at or below a quarter of the tolerance: the failed
    // increment, the bracket's width, is then below tolerance x F (F >= 1),
    // and a step that stalls far from the limit has cuts left to recover.
    // The bound is absolute, so a smaller initial increment does not resolve
    // the limit more finely.
    NonlinearSolver path = model.nonlinear_solver;
    path.load_steps =
        std::max(1., std::ceil((to - 1) / model.strength_reduction.initial_increment));
    path.smallest_increment = 0.25 * model.strength_reduction.tolerance;
    const double largest    = (to - 1) / path.load_steps;
    // Newton budgets along the path (measured on the default room, 2 ranks,
    // with the secant predictor): a converging increment takes 4-9
    // iterations, one that is too long drifts for its whole budget (60
    // iterations to relative residuals of 0.01-0.5), so an attempt with cuts
    // left gets a third of the stage's budget and is cut sooner. The
    // smallest increment, the last attempt before the failure is
    // classified, gets 5 x the budget: near the limit hundreds of points
    // change branch in one increment; with 60 iterations the unbolted room
    // stalled at F = 1.30 (relative residual 2.3e-4 at 1.3125), with 300 it
    // went on to 1.375 and ended on "no equilibrium" (displacement 297 mm
    // against 163 mm at 1.30). Doubling the stage's budget doubles both.
    path.last_attempt_iterations = 5 * path.max_iterations;
    path.max_iterations          = std::max(10u, path.max_iterations / 3);
    // Davis' associated material: measured on the default room, the l2 and
    // cp line searches stall from F = 1.04 on, backtracking reaches 1.24
    // (see the README, "Where the factor comes from").
    if (model.strength_reduction.davis && path.method == NonlinearSolver::Method::petsc_snes)
      path.snes_line_search = "bt";
    const bool was_active = model.pcout.is_active();
    model.pcout.set_condition(was_active && model.strength_reduction.log_trials);
    const auto log = [&](const std::string &line) { model.pcout << line << '\n'; };

    std::string note;
    if (switching)
      {
        // Davis' material is weaker than the units' own (beta < 1): the
        // stable state at F = 1 is found again for it, along a path from one
        // to the other. Without equilibrium there the factor is below 1.
        NonlinearSolver to_davis = path;
        to_davis.load_steps      = 2;
        std::string failure;
        try
          {
            to_davis.advance(problem, 0., 1., log);
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
            model.pcout.set_condition(was_active);
            throw;
          }
        if (!failure.empty())
          {
            model.pcout.set_condition(was_active);
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
        advance_past_failures(path, largest, problem, to, log, result);
        if (problem.jumped)
          {
            const auto &c    = result.curve;
            result.upper     = c.back().factor;
            result.lower     = c.size() >= 2 ? c[c.size() - 2].factor : 1.;
            result.criterion = "displacement jump";
            note = "largest displacement " + format_number(c.back().max_displacement) + " m > " +
                   format_number(model.strength_reduction.jump_ratio) + " x " +
                   format_number(reference) + " m at F = " + format_number(c.back().factor);
            result.curve.pop_back(); // not counted as stable
            if (observer)
              observer->strength_step_rejected(
                  s, "beyond the displacement-jump limit: not counted as stable");
          }
        else
          {
            result.bounded   = false;
            result.lower     = to;
            result.upper     = to;
            result.criterion = "none: stable up to the maximum factor";
          }
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
    catch (...)
      {
        model.pcout.set_condition(was_active);
        throw;
      }
    model.pcout.set_condition(was_active);
    result.factor = result.lower;

    // The mechanism at the limit: the last stable state (the failed trial is
    // reverted), evaluated again at its own F for the model.bolts' forces.
    auto &m           = result.mechanism;
    m.present         = true;
    m.factor          = result.curve.back().factor;
    s.strength.factor = m.factor;
    if (model.bolts)
      s.bolts.bond_factor = m.factor;
    s.solution                  = s.committed_solution;
    s.locally_relevant_solution = s.solution;
    model.assemble_system(s, *model.workspace, 1., false);
    const auto [n_yielded, top] = FieldSampler<dim>(model).yielded_extent(s);
    m.yielded_points            = n_yielded;
    if (model.geometry->roof.present)
      m.yielded_zone_height =
          n_yielded > 0 ? std::max(0., top - model.geometry->roof.elevation) : 0.;
    PETScWrappers::MPI::Vector increment = s.committed_solution;
    increment -= before_last;
    {
      // The rock's part: what mechanism_*.pvtu shows.
      const PETScWrappers::MPI::Vector rock = model.rock_part(increment);
      m.last_increment                      = rock.linfty_norm();
      if (limit)
        {
          limit->factor = m.factor;
          limit->last_increment.reinit(model.rock_owned_dofs,
                                       model.rock_relevant_dofs,
                                       model.mpi_communicator);
          limit->last_increment = rock;
          limit->yield_state    = FieldSampler<dim>(model).yield_state(s);
        }
    }
    if (model.bolts)
      {
        std::vector<typename BoltSet<dim>::BoltResult>    list;
        std::vector<typename BoltSet<dim>::ElementResult> elements;
        model.bolts->gather_results(s.bolts, s.locally_relevant_solution, list, elements);
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
  FactorOfSafetyAnalysis<2>::continuation(AnalysisState<2>, double, double);
  template StrengthReduction::Result
  FactorOfSafetyAnalysis<3>::continuation(AnalysisState<3>, double, double);
} // namespace roofspan
