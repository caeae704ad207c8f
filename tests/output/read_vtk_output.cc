// Reads a run's ParaView output with VTK's XML readers (the ones ParaView
// uses) and checks fields and values against summary.json.
//   read_vtk_output <output-dir> <dim>
#include <nlohmann/json.hpp>
#include <vtkAbstractArray.h>
#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkPointData.h>
#include <vtkSmartPointer.h>
#include <vtkUnstructuredGrid.h>
#include <vtkVariant.h>
#include <vtkXMLPUnstructuredGridReader.h>

#include <algorithm>
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

  // solution.pvd: one step per stage end and per strength-reduction step,
  // as the summary lists them; VTK itself reads each pvtu.
  std::ifstream     pvd(dir + "/solution.pvd");
  const std::string pvd_text((std::istreambuf_iterator<char>(pvd)),
                             std::istreambuf_iterator<char>());
  const auto       &series     = summary["fields"]["series"];
  std::size_t       stage_ends = 0, reduction_steps = 0;
  for (const auto &stage : summary["stages"])
    stage_ends += stage["name"] != "bolt tensioning";
  for (const char *key : {"factor_of_safety", "factor_of_safety_unbolted"})
    if (summary.contains(key) && summary[key]["method"] == "continuation")
      // The stable steps, and the converged step past a displacement jump.
      reduction_steps += summary[key]["curve"].size() +
                         (summary[key]["failure_criterion"] == "displacement jump" ? 1 : 0);
  check(series.size() == stage_ends + reduction_steps,
        "field series: " + std::to_string(series.size()) +
            " steps = " + std::to_string(stage_ends) + " stage ends + " +
            std::to_string(reduction_steps) + " strength-reduction steps");
  bool all_listed = true;
  for (const auto &step : series)
    {
      all_listed =
          all_listed &&
          pvd_text.find("file=\"" + step["rock"].get<std::string>() + "\"") != std::string::npos &&
          (step["bolts"] == "" ||
           pvd_text.find("file=\"" + step["bolts"].get<std::string>() + "\"") != std::string::npos);
      auto r = vtkSmartPointer<vtkXMLPUnstructuredGridReader>::New();
      r->SetFileName((dir + "/" + step["rock"].get<std::string>()).c_str());
      r->Update();
      vtkDataArray *F = r->GetOutput()->GetFieldData()->GetArray("strength_reduction_factor");
      vtkDataArray *L = r->GetOutput()->GetFieldData()->GetArray("load_factor");
      all_listed =
          all_listed && F != nullptr && L != nullptr &&
          std::abs(F->GetTuple1(0) - step["strength_reduction_factor"].get<double>()) < 1e-12 &&
          std::abs(L->GetTuple1(0) - step["load_factor"].get<double>()) < 1e-12;
    }
  check(all_listed,
        "solution.pvd lists every step's rock and bolts; each pvtu carries its load factor and F");

  const std::string final_file =
      series.at(summary["fields"]["final_step"].get<std::size_t>())["rock"];
  auto reader = vtkSmartPointer<vtkXMLPUnstructuredGridReader>::New();
  reader->SetFileName((dir + "/" + final_file).c_str());
  reader->Update();
  vtkUnstructuredGrid *grid = reader->GetOutput();
  check(grid != nullptr && grid->GetNumberOfCells() > 0,
        final_file + " read: " + std::to_string(grid ? grid->GetNumberOfCells() : 0) + " cells, " +
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
  vtkDataArray *u      = has("displacement", 3); // VTK stores vectors with 3 components
  vtkDataArray *stress = has("stress", 9);
  vtkDataArray *s1     = has("sigma_1", 1);
  vtkDataArray *s2     = has("sigma_2", 1);
  vtkDataArray *s3     = has("sigma_3", 1);
  vtkDataArray *szz    = dim == 2 ? has("stress_zz", 1) : nullptr;
  // Per-cell quantities are cell data.
  for (const char *name : {"material_id", "mpi_rank"})
    check(grid->GetCellData()->GetArray(name) != nullptr, std::string("cell field '") + name + "'");
  vtkAbstractArray *units     = grid->GetFieldData()->GetAbstractArray("units");
  bool              has_units = false;
  for (vtkIdType i = 0; units != nullptr && i < units->GetNumberOfTuples(); ++i)
    has_units = has_units || units->GetVariantValue(i).ToString() == "stress [Pa]";
  check(has_units, "field data 'units' names the stress's unit (stress [Pa])");

  // The 3x3 tensor is the whole stress: its invariants equal those of the
  // principal stresses, and in 2D its zz slot is stress_zz (plane strain).
  if (stress && s1 && s2 && s3)
    {
      double worst = 0, worst_zz = 0, scale = 0;
      for (vtkIdType i = 0; i < stress->GetNumberOfTuples(); ++i)
        {
          double t[9];
          stress->GetTuple(i, t);
          const double a = s1->GetTuple1(i), b = s2->GetTuple1(i), c = s3->GetTuple1(i);
          const double I1 = t[0] + t[4] + t[8];
          const double I2 =
              t[0] * t[4] + t[4] * t[8] + t[0] * t[8] - t[1] * t[3] - t[5] * t[7] - t[2] * t[6];
          const double I3 = t[0] * (t[4] * t[8] - t[5] * t[7]) -
                            t[1] * (t[3] * t[8] - t[5] * t[6]) + t[2] * (t[3] * t[7] - t[4] * t[6]);
          const double m = std::max({std::abs(a), std::abs(b), std::abs(c), 1.});
          scale          = std::max(scale, m);
          worst          = std::max({worst,
                                     std::abs(I1 - (a + b + c)) / m,
                                     std::abs(I2 - (a * b + b * c + a * c)) / (m * m),
                                     std::abs(I3 - a * b * c) / (m * m * m)});
          if (szz)
            worst_zz = std::max(worst_zz, std::abs(t[8] - szz->GetTuple1(i)) / m);
        }
      // float32 in the file: 1e-5 of the largest principal stress.
      check(worst < 1e-5,
            "stress tensor invariants I1, I2, I3 = those of sigma_1..3 (worst " +
                std::to_string(worst) + " of |sigma|^k, limit 1e-5)");
      if (szz)
        check(worst_zz < 1e-6 && scale > 0,
              "stress tensor zz = stress_zz (worst " + std::to_string(worst_zz) + ")");
    }

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
  bool              every_h5 = xdmf_text.find("displacement") != std::string::npos;
  for (const auto &step : series)
    every_h5 = every_h5 && xdmf_text.find(step["hdf5"].get<std::string>()) != std::string::npos;
  check(every_h5, "solution.xdmf references every step's HDF5 file and the displacement field");

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
      vtkDataArray        *ys = mgrid ? mgrid->GetCellData()->GetArray("yield_state") : nullptr;
      check(du != nullptr && ys != nullptr,
            file + ": point field 'last_increment' and cell field 'yield_state'");
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
            file + ": " + std::to_string(int(yielded_nodes)) + " yielded sub-cells, summary " +
                std::to_string(m["yielded_points"].get<int>()) + " yielded points");
    }

  std::cout << (failures ? "FAILED" : "PASSED") << " VTK read-back of " << dir << '\n';
  return failures ? 1 : 0;
}
