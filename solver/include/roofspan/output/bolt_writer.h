#pragma once

#include <roofspan/bolts/bolt_set.h>

#include <string>
#include <vector>

namespace roofspan
{
  /**
   * Writes the bolts for ParaView in VTK's XML format (VtkXmlData): one line cell
   * per bolt element, in `bolts.vtp` (opened beside the rock through
   * solution.pvd). Point data: bolt id, axial displacement since
   * installation; cell data: axial force [N per bolt], bond shear flow
   * [N/m per bolt], slip [m], state (0 elastic, 1 bond slipping, 2 steel
   * yielding, 3 both), utilisation (force / yield force). Kept apart from the
   * deal.II code.
   */
  template <int dim>
  class BoltWriter
  {
  public:
    static void write_vtp(const std::string                                       &file,
                          const std::vector<typename BoltSet<dim>::BoltResult>    &bolts,
                          const std::vector<typename BoltSet<dim>::ElementResult> &elements,
                          double                                                   yield_force);
  };
} // namespace roofspan
