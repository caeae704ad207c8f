// Reads a run's ParaView output with VTK's XML readers (the ones ParaView
// uses) and checks fields and values against summary.json.
//   read_vtk_output <output-dir> <dim>
#include <nlohmann/json.hpp>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkPointData.h>
#include <vtkSmartPointer.h>
#include <vtkUnstructuredGrid.h>
#include <vtkXMLPUnstructuredGridReader.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <string>

namespace
{
  int failures = 0;

  void check(bool ok, const std::string &what)
  {
    std::cout << (ok ? "ok    " : "FAIL  ") << what << '\n';
    failures += ok ? 0 : 1;
  }
} // namespace

int main(int argc, char **argv)
{
  if (argc != 3)
    {
      std::cerr << "usage: read_vtk_output <output-dir> <dim>\n";
      return 2;
    }
  const std::string dir = argv[1];
  const int         dim = std::stoi(argv[2]);

  nlohmann::json summary;
  std::ifstream(dir + "/summary.json") >> summary;

  // solution.pvd is a one-entry collection; VTK itself reads the pvtu.
  std::ifstream     pvd(dir + "/solution.pvd");
  const std::string pvd_text((std::istreambuf_iterator<char>(pvd)),
                             std::istreambuf_iterator<char>());
  check(pvd_text.find("solution_00.pvtu") != std::string::npos,
        "solution.pvd references solution_00.pvtu");

  auto reader = vtkSmartPointer<vtkXMLPUnstructuredGridReader>::New();
  reader->SetFileName((dir + "/solution_00.pvtu").c_str());
  reader->Update();
  vtkUnstructuredGrid *grid = reader->GetOutput();
  check(grid != nullptr && grid->GetNumberOfCells() > 0,
        "pvtu read: " + std::to_string(grid ? grid->GetNumberOfCells() : 0) + " cells, " +
            std::to_string(grid ? grid->GetNumberOfPoints() : 0) + " points");
  if (grid == nullptr || grid->GetNumberOfPoints() == 0)
    return 1;

  vtkPointData *pd  = grid->GetPointData();
  const auto    has = [&](const char *name, int components) {
    vtkDataArray *a  = pd->GetArray(name);
    const bool    ok = a != nullptr && a->GetNumberOfComponents() == components;
    check(ok,
          std::string("point field '") + name + "' with " + std::to_string(components) +
              " components");
    return ok ? a : nullptr;
  };
  vtkDataArray *u = has("displacement", 3); // VTK stores vectors with 3 components
  has("stress", 9);
  vtkDataArray *s1 = has("sigma_1", 1);
  has("sigma_2", 1);
  has("sigma_3", 1);
  if (dim == 2)
    has("stress_zz", 1);
  // deal.II writes per-cell values as point values constant on each cell.
  has("material_id", 1);
  has("mpi_rank", 1);

  if (u != nullptr)
    {
      double max_u = 0;
      for (vtkIdType i = 0; i < u->GetNumberOfTuples(); ++i)
        {
          double v[3];
          u->GetTuple(i, v);
          max_u = std::max(max_u, std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]));
        }
      // VTU stores float32: agreement to single precision.
      const double expected = summary["displacement"]["max_magnitude"];
      check(std::abs(max_u - expected) <= 1e-5 * expected,
            "max |displacement| in the pvtu " + std::to_string(max_u) + " m = summary " +
                std::to_string(expected) + " m");
    }
  if (s1 != nullptr && summary.contains("roof_layers"))
    {
      double max_s1 = -1e300;
      for (vtkIdType i = 0; i < s1->GetNumberOfTuples(); ++i)
        max_s1 = std::max(max_s1, s1->GetTuple1(i));
      double max_roof = -1e300;
      for (const auto &layer : summary["roof_layers"])
        max_roof = std::max(max_roof, layer["max_principal_stress"].get<double>());
      check(max_s1 >= max_roof - 1e-4 * std::abs(max_roof),
            "largest sigma_1 in the pvtu (" + std::to_string(max_s1) +
                " Pa) covers the roof layers' maximum in the summary (" + std::to_string(max_roof) +
                " Pa)");
    }

  std::ifstream     xdmf(dir + "/solution.xdmf");
  const std::string xdmf_text((std::istreambuf_iterator<char>(xdmf)),
                              std::istreambuf_iterator<char>());
  check(xdmf_text.find("solution_00.h5") != std::string::npos &&
            xdmf_text.find("displacement") != std::string::npos,
        "solution.xdmf references solution_00.h5 and its displacement field");

  // The limit states of the factors of safety (mechanism.pvd), when written:
  // the last increment's largest component equals the summary's, and the
  // yield state shows yielding exactly when the summary counts yielded points.
  for (const char *key : {"factor_of_safety", "factor_of_safety_unbolted"})
    {
      if (!summary.contains(key) || !summary[key]["mechanism"].contains("fields"))
        continue;
      const auto       &m    = summary[key]["mechanism"];
      const std::string file = m["fields"];
      std::ifstream     mpvd(dir + "/mechanism.pvd");
      const std::string mpvd_text((std::istreambuf_iterator<char>(mpvd)),
                                  std::istreambuf_iterator<char>());
      check(mpvd_text.find(file) != std::string::npos, "mechanism.pvd references " + file);
      auto mreader = vtkSmartPointer<vtkXMLPUnstructuredGridReader>::New();
      mreader->SetFileName((dir + "/" + file).c_str());
      mreader->Update();
      vtkUnstructuredGrid *mgrid = mreader->GetOutput();
      vtkDataArray        *du = mgrid ? mgrid->GetPointData()->GetArray("last_increment") : nullptr;
      vtkDataArray        *ys = mgrid ? mgrid->GetPointData()->GetArray("yield_state") : nullptr;
      check(du != nullptr && ys != nullptr,
            file + ": fields 'last_increment' and 'yield_state' (deal.II 9.4 writes cell values as "
                   "point values)");
      if (du == nullptr || ys == nullptr)
        continue;
      double largest = 0;
      for (vtkIdType i = 0; i < du->GetNumberOfTuples(); ++i)
        for (int c = 0; c < 3; ++c)
          largest = std::max(largest, std::abs(du->GetComponent(i, c)));
      const double expected = m["last_increment_max_displacement"];
      check(std::abs(largest - expected) <= 1e-5 * expected + 1e-12,
            file + ": largest last-increment component " + std::to_string(largest) +
                " m = summary " + std::to_string(expected) + " m");
      double yielded_nodes = 0;
      for (vtkIdType i = 0; i < ys->GetNumberOfTuples(); ++i)
        yielded_nodes += ys->GetTuple1(i) > 0 ? 1 : 0;
      check((yielded_nodes > 0) == (m["yielded_points"].get<double>() > 0),
            file + ": " + std::to_string(int(yielded_nodes)) +
                " points in yielded cells, summary " +
                std::to_string(m["yielded_points"].get<int>()) + " yielded points");
    }

  std::cout << (failures ? "FAILED" : "PASSED") << " VTK read-back of " << dir << '\n';
  return failures ? 1 : 0;
}
