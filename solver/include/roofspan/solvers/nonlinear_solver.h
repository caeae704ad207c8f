#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /// Raised when a load step cannot be completed even after the allowed
  /// number of step cuts; the message says where and how it failed.
  class NonConvergence : public std::runtime_error
  {
  public:
    using std::runtime_error::runtime_error;
  };

  /**
   * Newton's method with load stepping and automatic step cutting, for any
   * problem that can assemble its residual and consistent tangent (bolts,
   * plastic rock). It knows nothing of meshes: the problem is reached through
   * the callbacks below. A step that does not converge within the iteration
   * limit (or whose linear solve fails) is undone and halved, up to the
   * allowed number of cuts; after a converged step the step size grows back.
   *
   * Convergence: ||R_free|| <= tolerance * max(||f_ext||, ||f_int||), the
   * residual over unconstrained unknowns against the larger of the external
   * and internal force norms (so pure displacement control is measured too).
   */
  class NonlinearSolver
  {
  public:
    struct Problem
    {
      /// Start a step at load factor `load` from the committed state (impose
      /// prescribed values at that load).
      std::function<void(double load)> prepare_step;
      /// Assemble residual (and tangent) at the current trial state; returns
      /// {||R_free||, reference force norm}; ||R_free|| < 0 when it cannot be
      /// judged yet (the first correction still carries prescribed values).
      std::function<std::pair<double, double>(double load)> assemble;
      /// Solve for the correction and add it; returns linear iterations.
      /// Throws std::runtime_error if the linear solver fails.
      std::function<unsigned int()> solve_and_update;
      /// Line search: move the last correction to a fraction of its length
      /// (1 = as solved). Optional.
      std::function<void(double)> set_step_length;
      /// Accept / drop the trial state.
      std::function<void()> commit, revert;
      /// A linear problem converges in one solve: no residual check.
      bool linear = false;
    };

    struct Step
    {
      double              load              = 0;
      unsigned int        newton_iterations = 0;
      unsigned int        linear_iterations = 0;
      double              residual          = 0; ///< relative, at convergence
      std::vector<double> residual_history;      ///< relative, per iteration
    };

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &file);

    /// Takes the problem from load factor `from` to `to` in `load_steps`
    /// equal steps (cut as needed). `log` receives one line per step.
    std::vector<Step> advance(const Problem                                  &problem,
                              double                                          from,
                              double                                          to,
                              const std::function<void(const std::string &)> &log) const;

    /// Brings the problem into equilibrium at a fixed load factor (after a
    /// change that is not a load step, e.g. tensioning bolts): one step, no
    /// cuts.
    Step equilibrate(const Problem                                  &problem,
                     double                                          load,
                     const std::function<void(const std::string &)> &log) const;

    double       tolerance      = 1e-6;
    unsigned int max_iterations = 25;
    unsigned int load_steps     = 1;
    unsigned int max_cuts       = 8;

  private:
    bool force_one_step = false; ///< equilibrate(): one step even if from == to
  };
} // namespace roofspan
