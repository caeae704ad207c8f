#include <roofspan/output/vtk_xml_data.h>
#include <roofspan/output/vtu_piece.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace roofspan
{
  namespace
  {
    const char *vtk_type_name(const VtuPiece::Array &a)
    {
      // Single precision, as ParaView shows it; the summary has doubles.
      return a.integer ? "Int32" : "Float32";
    }
  } // namespace

  void VtuPiece::write(const std::string &file) const
  {
    const unsigned int corners = dim == 2 ? 4 : 8;
    const std::size_t  n_cells = cells.size() / corners;
    VtkXmlData         data;
    std::ofstream      xml(file, std::ios::binary);
    VtkXmlData::begin(xml, "UnstructuredGrid");
    xml << "<FieldData>\n";
    std::vector<std::string> units;
    for (const auto *list : {&point_data, &cell_data})
      for (const Array &a : *list)
        units.push_back(a.name + " [" + (a.unit.empty() ? "1" : a.unit) + "]");
    VtkXmlData::strings(xml, "units", units);
    for (const auto &[name, value] : field_values)
      {
        xml << "<DataArray type=\"Float64\" Name=\"" << VtkXmlData::escape(name)
            << "\" NumberOfTuples=\"1\" format=\"ascii\">\n";
        xml.precision(17);
        xml << value << "\n</DataArray>\n";
      }
    for (const auto &[name, text] : field_labels)
      VtkXmlData::strings(xml, name, {text});
    xml << "</FieldData>\n<Piece NumberOfPoints=\"" << points.size() / 3 << "\" NumberOfCells=\""
        << n_cells << "\">\n<PointData>\n";
    for (const Array &a : point_data)
      data.array(xml, vtk_type_name(a), a.name, a.components, a.values);
    xml << "</PointData>\n<CellData>\n";
    for (const Array &a : cell_data)
      data.array(xml, vtk_type_name(a), a.name, a.components, a.values);
    xml << "</CellData>\n<Points>\n";
    data.array(xml, "Float32", "", 3, points);
    xml << "</Points>\n<Cells>\n";
    std::vector<double> connectivity(cells.begin(), cells.end()), offsets(n_cells),
        types(n_cells, dim == 2 ? 9 /* VTK_QUAD */ : 12 /* VTK_HEXAHEDRON */);
    for (std::size_t c = 0; c < n_cells; ++c)
      offsets[c] = (c + 1) * corners;
    data.array(xml, "Int64", "connectivity", 1, connectivity);
    data.array(xml, "Int64", "offsets", 1, offsets);
    data.array(xml, "UInt8", "types", 1, types);
    xml << "</Cells>\n</Piece>\n";
    data.finish(xml, "UnstructuredGrid", file);
  }

  void VtuPiece::write_pvtu(const std::string &file, const std::vector<std::string> &pieces) const
  {
    std::ofstream f(file);
    f << "<?xml version=\"1.0\"?>\n"
      << "<VTKFile type=\"PUnstructuredGrid\" version=\"0.1\" byte_order=\"LittleEndian\" "
         "header_type=\"UInt64\">\n"
      << "  <PUnstructuredGrid GhostLevel=\"0\">\n";
    const auto declare = [&](const char *section, const std::vector<Array> &arrays) {
      f << "    <" << section << ">\n";
      for (const Array &a : arrays)
        f << "      <PDataArray type=\"" << vtk_type_name(a) << "\" Name=\""
          << VtkXmlData::escape(a.name) << "\" NumberOfComponents=\"" << a.components << "\"/>\n";
      f << "    </" << section << ">\n";
    };
    declare("PPointData", point_data);
    declare("PCellData", cell_data);
    f << "    <PPoints>\n      <PDataArray type=\"Float32\" NumberOfComponents=\"3\"/>\n"
      << "    </PPoints>\n";
    for (const std::string &p : pieces)
      f << "    <Piece Source=\"" << VtkXmlData::escape(p) << "\"/>\n";
    f << "  </PUnstructuredGrid>\n</VTKFile>\n";
    f.close();
    if (!f)
      throw std::runtime_error("cannot write " + file);
  }
  void VtuPiece::write_parallel(const std::string &folder,
                                const std::string &stem,
                                const MPI_Comm     comm) const
  {
    int rank = 0, size = 1;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const auto path = [&](const std::string &name) {
      return (std::filesystem::path(folder) / name).string();
    };
    write(path(stem + "." + std::to_string(rank) + ".vtu"));
    if (rank != 0)
      return;
    std::vector<std::string> pieces;
    for (int r = 0; r < size; ++r)
      pieces.push_back(stem + "." + std::to_string(r) + ".vtu");
    write_pvtu(path(stem + ".pvtu"), pieces);
  }
} // namespace roofspan
