#include <roofspan/output/bolt_writer.h>
#include <roofspan/output/vtk_xml_data.h>

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace roofspan
{
  template <int dim>
  void BoltWriter<dim>::write_vtp(const std::string                                       &file,
                                  const std::vector<typename BoltSet<dim>::BoltResult>    &bolts,
                                  const std::vector<typename BoltSet<dim>::ElementResult> &elements,
                                  const double yield_force)
  {
    std::vector<double>      points, bolt_id, displacement;
    std::vector<std::size_t> first_point(bolts.size());
    for (std::size_t b = 0; b < bolts.size(); ++b)
      {
        first_point[b] = points.size() / 3;
        for (std::size_t i = 0; i < bolts[b].node_s.size(); ++i)
          {
            for (unsigned int d = 0; d < 3; ++d)
              points.push_back(
                  d < dim ? bolts[b].collar[d] + bolts[b].node_s[i] * bolts[b].direction[d] : 0.);
            bolt_id.push_back(b);
            displacement.push_back(bolts[b].node_displacement[i]);
          }
      }
    std::vector<double> connectivity, offsets, force, flow, slip, utilisation, state;
    for (const auto &e : elements)
      {
        connectivity.push_back(first_point[e.bolt] + e.first_node);
        connectivity.push_back(first_point[e.bolt] + e.first_node + 1);
        offsets.push_back(connectivity.size());
        force.push_back(e.axial_force);
        flow.push_back(e.shear_flow);
        slip.push_back(e.slip);
        utilisation.push_back(std::abs(e.axial_force) / yield_force);
        state.push_back(int(e.bond_slipping) + 2 * int(e.steel_yield));
      }

    VtkXmlData    data;
    std::ofstream xml(file, std::ios::binary);
    VtkXmlData::begin(xml, "PolyData");
    xml << "<FieldData>\n";
    // Units as field data, as the rock's (VtuPiece): forces per bolt.
    VtkXmlData::strings(xml,
                        "units",
                        {"bolt_id [1]",
                         "axial_displacement [m]",
                         "axial_force [N]",
                         "bond_shear_flow [N/m]",
                         "slip [m]",
                         "utilisation [1]",
                         "state [1]"});
    xml << "</FieldData>\n<Piece NumberOfPoints=\"" << points.size() / 3
        << "\" NumberOfVerts=\"0\" "
        << "NumberOfLines=\"" << elements.size() << "\" NumberOfStrips=\"0\" NumberOfPolys=\"0\">\n"
        << "<PointData>\n";
    data.array(xml, "Int32", "bolt_id", 1, bolt_id);
    data.array(xml, "Float64", "axial_displacement", 1, displacement);
    xml << "</PointData>\n<CellData>\n";
    data.array(xml, "Float64", "axial_force", 1, force);
    data.array(xml, "Float64", "bond_shear_flow", 1, flow);
    data.array(xml, "Float64", "slip", 1, slip);
    data.array(xml, "Float64", "utilisation", 1, utilisation);
    data.array(xml, "Int32", "state", 1, state);
    xml << "</CellData>\n<Points>\n";
    data.array(xml, "Float64", "", 3, points);
    xml << "</Points>\n<Lines>\n";
    data.array(xml, "Int64", "connectivity", 1, connectivity);
    data.array(xml, "Int64", "offsets", 1, offsets);
    xml << "</Lines>\n</Piece>\n";
    data.finish(xml, "PolyData", file);
  }

  template class BoltWriter<2>;
  template class BoltWriter<3>;
} // namespace roofspan
