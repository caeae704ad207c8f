#pragma once

#include <mpi.h>

#include <string>

namespace roofspan
{
  /**
   * The size of a model before it is built: cells after the uniform
   * refinements, displacement DoFs and an estimate of the memory the run
   * needs, so that a case that cannot fit is refused with these numbers
   * instead of allocating until the machine runs out (issue 14).
   *
   * The memory figure is a deliberately low estimate from measurements
   * (a per-rank base of 150 MB; 2.5 kB per DoF in 2D, measured 2.3-3 kB with
   * the direct solver on the default room; 3.4 kB per DoF in 3D, measured
   * with CG + BoomerAMG at Q2): a model refused by it cannot run, a model
   * accepted by it may still need more.
   */
  struct ModelSize
  {
    double cells = 0; ///< active cells after refinement
    double dofs  = 0; ///< displacement unknowns (approximate: dim * degree^dim per cell)
    double bytes = 0; ///< estimated peak memory of the whole run

    static ModelSize estimate(double       coarse_cells,
                              unsigned int refinements,
                              unsigned int dim,
                              unsigned int degree,
                              unsigned int ranks);

    /// "5.8e+06 cells, 4.7e+07 DoFs, about 110 GiB"
    std::string describe() const;
  };

  /**
   * The memory a run may use, from the `Discretization/Memory limit`
   * parameter: "auto" is the physical memory of the nodes the run's ranks
   * are on (summed over nodes), "none" switches the check off, a number is
   * GiB. Collective for "auto".
   */
  double memory_limit_bytes(const std::string &setting, MPI_Comm comm);

  /// Parses the setting (for the input check): true if it is "auto", "none"
  /// or a positive number of GiB.
  bool valid_memory_limit(const std::string &setting);
} // namespace roofspan
