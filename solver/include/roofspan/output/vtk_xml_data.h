#pragma once

#include <cstdint>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

namespace roofspan
{
  /**
   * The data of a VTK XML file (.vtu, .vtp) in its raw appended form: each
   * array's header in the XML refers by offset to its bytes, which follow
   * the XML in one block (UInt64 byte count, then the values).
   *
   * roofspan writes its ParaView files itself, without VTK's C++ library:
   * Debian 12's libvtk9-dev depends on python3-vtk9, which conflicts with
   * ParaView's python3-paraview, so a machine that built roofspan against
   * VTK could not run pvpython. The format is VTK's documented XML format;
   * the tests read every file back with VTK's own readers.
   */
  class VtkXmlData
  {
  public:
    /// Writes a <DataArray> header for `values` (Float32, Float64, Int32,
    /// Int64 or UInt8 as `type` says) and queues its bytes.
    void array(std::ostream              &xml,
               const std::string         &type,
               const std::string         &name,
               unsigned int               components,
               const std::vector<double> &values);

    /// A string array for <FieldData> (ASCII: the characters' codes, each
    /// string ended by 0, as VTK writes them).
    static void
    strings(std::ostream &xml, const std::string &name, const std::vector<std::string> &values);

    /// The XML declaration and <VTKFile> for a data set of `type`
    /// ("UnstructuredGrid", "PolyData"), with its opening tag.
    static void begin(std::ostream &xml, const std::string &type);

    /// Closes the data set of `type`, writes <AppendedData> with the queued
    /// bytes and </VTKFile>, and closes `file` (throws if writing failed).
    void finish(std::ofstream &xml, const std::string &type, const std::string &file) const;

    /// Escapes &, <, >, " for an XML attribute.
    static std::string escape(const std::string &text);

  private:
    std::string bytes;
  };
} // namespace roofspan
