#include <roofspan/output/bolt_writer.h>

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkStringArray.h>
#include <vtkXMLPolyDataWriter.h>

#include <stdexcept>

namespace roofspan
{
  template <int dim>
  void BoltWriter<dim>::write_vtp(const std::string                                       &file,
                                  const std::vector<typename BoltSet<dim>::BoltResult>    &bolts,
                                  const std::vector<typename BoltSet<dim>::ElementResult> &elements,
                                  const double yield_force)
  {
    vtkNew<vtkPoints>      points;
    vtkNew<vtkIntArray>    bolt_id;
    vtkNew<vtkDoubleArray> displacement;
    bolt_id->SetName("bolt_id");
    displacement->SetName("axial_displacement");
    std::vector<vtkIdType> first_point(bolts.size());
    for (std::size_t b = 0; b < bolts.size(); ++b)
      {
        first_point[b] = points->GetNumberOfPoints();
        for (std::size_t i = 0; i < bolts[b].node_s.size(); ++i)
          {
            double x[3] = {0, 0, 0};
            for (unsigned int d = 0; d < dim; ++d)
              x[d] = bolts[b].collar[d] + bolts[b].node_s[i] * bolts[b].direction[d];
            points->InsertNextPoint(x);
            bolt_id->InsertNextValue(b);
            displacement->InsertNextValue(bolts[b].node_displacement[i]);
          }
      }

    vtkNew<vtkCellArray>   lines;
    vtkNew<vtkDoubleArray> force, flow, slip, utilisation;
    vtkNew<vtkIntArray>    state;
    force->SetName("axial_force");
    flow->SetName("bond_shear_flow");
    slip->SetName("slip");
    utilisation->SetName("utilisation");
    state->SetName("state");
    for (const auto &e : elements)
      {
        const vtkIdType ids[2] = {first_point[e.bolt] + e.first_node,
                                  first_point[e.bolt] + e.first_node + 1};
        lines->InsertNextCell(2, ids);
        force->InsertNextValue(e.axial_force);
        flow->InsertNextValue(e.shear_flow);
        slip->InsertNextValue(e.slip);
        utilisation->InsertNextValue(std::abs(e.axial_force) / yield_force);
        state->InsertNextValue(int(e.bond_slipping) + 2 * int(e.steel_yield));
      }

    vtkNew<vtkPolyData> data;
    data->SetPoints(points);
    data->SetLines(lines);
    data->GetPointData()->AddArray(bolt_id);
    data->GetPointData()->AddArray(displacement);
    for (vtkDataArray *a : {(vtkDataArray *)force.Get(),
                            (vtkDataArray *)flow.Get(),
                            (vtkDataArray *)slip.Get(),
                            (vtkDataArray *)utilisation.Get(),
                            (vtkDataArray *)state.Get()})
      data->GetCellData()->AddArray(a);

    // Units as field data, as the rock's (VtuPiece): forces per bolt.
    vtkNew<vtkStringArray> units;
    units->SetName("units");
    for (const char *u : {"bolt_id [1]",
                          "axial_displacement [m]",
                          "axial_force [N]",
                          "bond_shear_flow [N/m]",
                          "slip [m]",
                          "utilisation [1]",
                          "state [1]"})
      units->InsertNextValue(u);
    data->GetFieldData()->AddArray(units);

    vtkNew<vtkXMLPolyDataWriter> writer;
    writer->SetFileName(file.c_str());
    writer->SetInputData(data);
    if (writer->Write() != 1)
      throw std::runtime_error("cannot write " + file);
  }

  template class BoltWriter<2>;
  template class BoltWriter<3>;
} // namespace roofspan
