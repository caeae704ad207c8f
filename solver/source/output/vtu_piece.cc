#include <roofspan/output/vtu_piece.h>

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkCellType.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkStringArray.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLUnstructuredGridWriter.h>

#include <fstream>
#include <stdexcept>

namespace roofspan
{
  namespace
  {
    vtkSmartPointer<vtkDataArray> to_vtk(const VtuPiece::Array &a)
    {
      vtkSmartPointer<vtkDataArray> v;
      if (a.integer)
        v = vtkSmartPointer<vtkIntArray>::New();
      else // single precision, as ParaView shows it; the summary has doubles
        v = vtkSmartPointer<vtkFloatArray>::New();
      v->SetName(a.name.c_str());
      v->SetNumberOfComponents(a.components);
      v->SetNumberOfTuples(a.values.size() / a.components);
      for (std::size_t i = 0; i < a.values.size(); ++i)
        v->SetVariantValue(i, a.values[i]);
      return v;
    }

    const char *vtk_type_name(const VtuPiece::Array &a)
    {
      return a.integer ? "Int32" : "Float32";
    }
  } // namespace

  void VtuPiece::write(const std::string &file) const
  {
    vtkNew<vtkPoints> vtk_points;
    vtk_points->SetDataTypeToFloat();
    vtk_points->SetNumberOfPoints(points.size() / 3);
    for (std::size_t i = 0; i < points.size() / 3; ++i)
      vtk_points->SetPoint(i, points[3 * i], points[3 * i + 1], points[3 * i + 2]);

    vtkNew<vtkUnstructuredGrid> grid;
    grid->SetPoints(vtk_points);
    const unsigned int corners = dim == 2 ? 4 : 8;
    const int          type    = dim == 2 ? VTK_QUAD : VTK_HEXAHEDRON;
    grid->Allocate(cells.size() / corners);
    std::vector<vtkIdType> ids(corners);
    for (std::size_t c = 0; c < cells.size() / corners; ++c)
      {
        for (unsigned int k = 0; k < corners; ++k)
          ids[k] = cells[c * corners + k];
        grid->InsertNextCell(type, corners, ids.data());
      }
    for (const Array &a : point_data)
      grid->GetPointData()->AddArray(to_vtk(a));
    for (const Array &a : cell_data)
      grid->GetCellData()->AddArray(to_vtk(a));

    vtkNew<vtkStringArray> units;
    units->SetName("units");
    for (const auto *list : {&point_data, &cell_data})
      for (const Array &a : *list)
        units->InsertNextValue(a.name + " [" + (a.unit.empty() ? "1" : a.unit) + "]");
    grid->GetFieldData()->AddArray(units);
    for (const auto &[name, value] : field_values)
      {
        vtkNew<vtkDoubleArray> v;
        v->SetName(name.c_str());
        v->InsertNextValue(value);
        grid->GetFieldData()->AddArray(v);
      }
    for (const auto &[name, text] : field_labels)
      {
        vtkNew<vtkStringArray> v;
        v->SetName(name.c_str());
        v->InsertNextValue(text);
        grid->GetFieldData()->AddArray(v);
      }

    vtkNew<vtkXMLUnstructuredGridWriter> writer;
    writer->SetFileName(file.c_str());
    writer->SetInputData(grid);
    writer->SetDataModeToAppended();
    writer->SetCompressorTypeToZLib();
    if (writer->Write() != 1)
      throw std::runtime_error("cannot write " + file);
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
        f << "      <PDataArray type=\"" << vtk_type_name(a) << "\" Name=\"" << a.name
          << "\" NumberOfComponents=\"" << a.components << "\"/>\n";
      f << "    </" << section << ">\n";
    };
    declare("PPointData", point_data);
    declare("PCellData", cell_data);
    f << "    <PPoints>\n      <PDataArray type=\"Float32\" NumberOfComponents=\"3\"/>\n"
      << "    </PPoints>\n";
    for (const std::string &p : pieces)
      f << "    <Piece Source=\"" << p << "\"/>\n";
    f << "  </PUnstructuredGrid>\n</VTKFile>\n";
    f.close();
    if (!f)
      throw std::runtime_error("cannot write " + file);
  }
} // namespace roofspan
