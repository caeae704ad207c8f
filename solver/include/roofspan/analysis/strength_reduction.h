#pragma once

#include <functional>
#include <string>
#include <vector>

namespace dealii
{
  class ParameterHandler;
}

namespace roofspan
{
  /**
   * Factor of safety by shear strength reduction, as RS2, FLAC and PLAXIS
   * compute it: cohesion, tan(phi), tensile strength (and the bolts' bond
   * strength) are divided by a common factor F; the critical F is bracketed
   * (growing F from 1 until failure, or shrinking it if F = 1 fails) and then
   * bisected to a tolerance. A trial fails when Newton does not converge
   * (non-convergence criterion) or when its largest displacement exceeds a
   * given multiple of the F = 1 displacement (displacement-jump criterion);
   * which one decided is reported. It drives the simulator through a callback
   * and never reaches into its assembly.
   */
  class StrengthReduction
  {
  public:
    struct Trial
    {
      bool        converged        = false;
      double      max_displacement = 0;
      std::string note;
    };

    struct Result
    {
      bool        computed = false;
      double      factor   = 0;         ///< largest F that did not fail (conservative)
      double      lower = 0, upper = 0; ///< bracket: converged / failed
      bool        bounded = true;       ///< false: no failure up to the maximum factor
      std::string criterion;            ///< what made the upper trial fail
      std::vector<std::pair<double, Trial>> trials;
    };

    static void declare_parameters(dealii::ParameterHandler &prm);
    void        parse_parameters(dealii::ParameterHandler &prm, const std::string &file);

    bool enabled() const
    {
      return compute;
    }

    /// `reference`: the largest displacement at F = 1.
    Result run(const std::function<Trial(double)>             &analyse,
               double                                          reference,
               const std::function<void(const std::string &)> &log) const;

    double tolerance = 0.01, maximum_factor = 5, jump_ratio = 10;

  private:
    bool compute = false;
  };
} // namespace roofspan
