#pragma once

#include <mpi.h>

#include <string>
#include <utility>
#include <vector>

namespace roofspan
{
  /**
   * One rank's part of a field output on linear sub-cells (quadrilaterals in
   * 2D, hexahedra in 3D), written in VTK's XML format (VtkXmlData), and the pvtu record
   * that joins the ranks' parts.
   *
   * roofspan writes its rock fields this way instead of through deal.II 9.4's
   * DataOut, which pads 2D tensors with zeros (a 2D stress tensor without its
   * out-of-plane component gives ParaView wrong invariants) and writes cell
   * quantities as point values (yield state and material blend across cell
   * boundaries). Units go into the field data ("units": one "name [unit]"
   * entry per array), with the step's label, load factor and strength
   * reduction factor.
   */
  struct VtuPiece
  {
    struct Array
    {
      std::string         name;
      unsigned int        components = 1;
      std::string         unit; ///< "" for dimensionless codes and counts
      bool                integer = false;
      std::vector<double> values; ///< components per point (or cell), interleaved
    };

    unsigned int dim = 2;
    /// Sub-cells per direction of each cell of the mesh: a cell's
    /// (subdivisions + 1)^dim points come together, x fastest (SampledPatches
    /// rebuilds the cells from them).
    unsigned int           subdivisions = 1;
    std::vector<double>    points; ///< x, y, z per point
    std::vector<long long> cells;  ///< 2^dim point indices per sub-cell, VTK's order
    std::vector<Array>     point_data, cell_data;
    std::vector<std::pair<std::string, double>>      field_values;
    std::vector<std::pair<std::string, std::string>> field_labels;

    /// Writes this part as a .vtu (binary, appended).
    void write(const std::string &file) const;

    /// Writes the .pvtu that lists `pieces` (file names relative to it),
    /// declaring the arrays as this part has them: every rank's part must
    /// have the same arrays.
    void write_pvtu(const std::string &file, const std::vector<std::string> &pieces) const;

    /// This rank's part as <folder>/<stem>.<rank>.vtu and, on rank 0,
    /// <folder>/<stem>.pvtu naming every rank's part.
    void write_parallel(const std::string &folder, const std::string &stem, MPI_Comm comm) const;
  };
} // namespace roofspan
