"""Reads a run's ParaView output with VTK's XML readers (the ones ParaView
uses) and checks fields and values against summary.json.
    read_vtk_output.py <output-dir> <dim>
Runs with Debian's Python and its VTK: python3-vtk9 or ParaView's own
(python3-paraview), whichever scripts/setup.sh installed."""
import json
import os
import re
import sys

import numpy as np
import vtk
from vtk.util.numpy_support import vtk_to_numpy

failures = 0


def check(ok, what):
    global failures
    print(("ok    " if ok else "FAIL  ") + what)
    failures += 0 if ok else 1
    return ok


def read(path):
    reader = vtk.vtkXMLGenericDataObjectReader()
    reader.SetFileName(path)
    reader.Update()
    return reader.GetOutput()


def field_value(data, name):
    array = data.GetFieldData().GetAbstractArray(name)
    return None if array is None else array.GetVariantValue(0).ToDouble()


def check_hdf5_equals_vtu(directory, step, grid, dim):
    """The HDF5/XDMF fields of a step, read with VTK's XDMF reader (as
    ParaView does), are the VTU's: one sampler writes both, so the points,
    the displacement, the stress components and the cell fields agree to the
    VTU's single precision."""
    reader = vtk.vtkXdmf3Reader()
    reader.SetFileName(os.path.abspath(os.path.join(directory, "solution.xdmf")))
    reader.UpdateInformation()
    reader.UpdateTimeStep(float(step["step"]))
    h5 = reader.GetOutputDataObject(0)
    if not check(h5 is not None and h5.GetNumberOfPoints() == grid.GetNumberOfPoints()
                 and h5.GetNumberOfCells() == grid.GetNumberOfCells(),
                 f"solution.xdmf at step {step['step']}: {h5.GetNumberOfPoints() if h5 else 0} points and "
                 f"{h5.GetNumberOfCells() if h5 else 0} cells = the pvtu's {grid.GetNumberOfPoints()} and "
                 f"{grid.GetNumberOfCells()}"):
        return

    def array(data, name):
        a = data.GetArray(name)
        return None if a is None else vtk_to_numpy(a).astype(float)

    def agree(name, a, b):
        if not check(a is not None and b is not None and a.shape == b.shape,
                     f"HDF5 field '{name}' present with the VTU's shape"):
            return
        scale = max(np.abs(b).max(), 1e-30)
        worst = np.abs(a - b).max() / scale
        check(worst < 1e-6, f"HDF5 '{name}' = VTU (worst {worst:.1e} of the largest value, limit 1e-6)")

    hp, vp = h5.GetPointData(), grid.GetPointData()
    agree("points", vtk_to_numpy(h5.GetPoints().GetData()).astype(float),
          vtk_to_numpy(grid.GetPoints().GetData()).astype(float))
    agree("displacement", array(hp, "displacement"), array(vp, "displacement"))
    stress = array(vp, "stress").reshape(-1, 3, 3)
    for i in range(dim):
        for j in range(dim):
            name = "stress_" + "xyz"[i] + "xyz"[j]
            agree(name, array(hp, name), stress[:, i, j])
    for name in ["sigma_1", "sigma_3"] + (["stress_zz"] if dim == 2 else []):
        agree(name, array(hp, name), array(vp, name))
    # A cell field as values at the cell's points.
    material_at_points = array(hp, "material_id")
    material = array(grid.GetCellData(), "material_id")
    if check(material_at_points is not None and material is not None, "HDF5 'material_id' present"):
        first_point = np.array([grid.GetCell(c).GetPointId(0) for c in range(grid.GetNumberOfCells())])
        check(np.array_equal(material_at_points[first_point], material),
              "HDF5 'material_id' at each sub-cell's points = the VTU's cell value")


def main():
    directory, dim = sys.argv[1], int(sys.argv[2])
    summary = json.load(open(os.path.join(directory, "summary.json")))

    # solution.pvd: one step per stage end and per strength-reduction step,
    # as the summary lists them.
    pvd = open(os.path.join(directory, "solution.pvd")).read()
    series = summary["fields"]["series"]
    stage_ends = sum(1 for s in summary["stages"] if s["name"] != "bolt tensioning")
    # Strength-reduction steps: from each continuation's converged factors
    # (the stable curve, and the step past a displacement jump), the first and
    # then each at least the spacing past the last one written.
    spacing = summary["fields"]["strength_reduction_step_spacing"]
    expected = []
    for key, name in (("factor_of_safety", None), ("factor_of_safety_unbolted", "unbolted")):
        if key not in summary or summary[key]["method"] != "continuation" or not summary["fields"]["strength_reduction_steps"]:
            continue
        factors = [p["factor"] for p in summary[key]["curve"]]
        if summary[key]["failure_criterion"] == "displacement jump":
            factors.append(summary[key]["bracket"][1])
        written = []
        for f in factors:
            if not written or f >= written[-1] + spacing - 1e-12:
                written.append(f)
        label = name or ("bolted" if summary[key]["bolted"] else "unbolted")
        expected += [(label, f) for f in written]
    found = [(re.search(r"\((\w+)\)", s["label"]).group(1), s["strength_reduction_factor"])
             for s in series if s["label"].startswith("strength reduction")]
    check(len(series) == stage_ends + len(found) and found == expected,
          f"field series: {len(series)} steps = {stage_ends} stage ends + {len(found)} strength-reduction steps "
          f"(expected {len(expected)}: F = 1, then every {spacing:g} in F)")
    listed = True
    for step in series:
        listed &= f'file="{step["rock"]}"' in pvd and (not step["bolts"] or f'file="{step["bolts"]}"' in pvd)
        data = read(os.path.join(directory, step["rock"]))
        listed &= (field_value(data, "strength_reduction_factor") == step["strength_reduction_factor"]
                   and field_value(data, "load_factor") == step["load_factor"])
    check(listed, "solution.pvd lists every step's rock and bolts; each pvtu carries its load factor and F")
    for part in ("rock", "bolts"):
        path = os.path.join(directory, part + ".pvd")
        files = [s[part] for s in series if s[part]]
        if files:
            text = open(path).read() if os.path.isfile(path) else ""
            check(all(f'file="{f}"' in text for f in files), f"{part}.pvd lists the {len(files)} {part} files")

    final_file = series[summary["fields"]["final_step"]]["rock"]
    grid = read(os.path.join(directory, final_file))
    if not check(grid is not None and grid.GetNumberOfCells() > 0,
                 f"{final_file} read: {grid.GetNumberOfCells() if grid else 0} cells, "
                 f"{grid.GetNumberOfPoints() if grid else 0} points"):
        return 1

    points = grid.GetPointData()

    def has(name, components):
        a = points.GetArray(name)
        ok = a is not None and a.GetNumberOfComponents() == components
        check(ok, f"point field '{name}' with {components} components")
        return vtk_to_numpy(a) if ok else None

    u = has("displacement", 3)  # VTK stores vectors with 3 components
    stress = has("stress", 9)
    principal = [has(f"sigma_{k}", 1) for k in (1, 2, 3)]
    stress_zz = has("stress_zz", 1) if dim == 2 else None
    for name in ("material_id", "mpi_rank"):
        check(grid.GetCellData().GetArray(name) is not None, f"cell field '{name}'")
    units = grid.GetFieldData().GetAbstractArray("units")
    unit_list = [units.GetValue(i) for i in range(units.GetNumberOfValues())] if units else []
    check("stress [Pa]" in unit_list and "displacement [m]" in unit_list,
          "field data 'units' names the units (stress [Pa], displacement [m])")

    # The 3x3 tensor is the whole stress: its invariants equal those of the
    # principal stresses, and in 2D its zz slot is stress_zz (plane strain).
    if stress is not None and all(p is not None for p in principal):
        t = stress.astype(float).reshape(-1, 3, 3)
        a, b, c = (p.astype(float) for p in principal)
        scale = np.maximum(np.max(np.abs([a, b, c]), axis=0), 1.0)
        i1 = np.trace(t, axis1=1, axis2=2)
        i2 = 0.5 * (i1 ** 2 - np.einsum("nij,nji->n", t, t))
        i3 = np.linalg.det(t)
        worst = max(np.max(np.abs(i1 - (a + b + c)) / scale),
                    np.max(np.abs(i2 - (a * b + b * c + a * c)) / scale ** 2),
                    np.max(np.abs(i3 - a * b * c) / scale ** 3))
        # float32 in the file: 1e-5 of the largest principal stress.
        check(worst < 1e-5, f"stress tensor invariants I1, I2, I3 = those of sigma_1..3 "
                            f"(worst {worst:.2e} of |sigma|^k, limit 1e-5)")
        check(np.max(np.abs(t - t.transpose(0, 2, 1)) / scale[:, None, None]) < 1e-6, "stress tensor symmetric")
        if stress_zz is not None:
            worst_zz = np.max(np.abs(t[:, 2, 2] - stress_zz) / scale)
            check(worst_zz < 1e-6 and np.max(np.abs(stress_zz)) > 0,
                  f"stress tensor zz = stress_zz, not zero (worst {worst_zz:.2e})")

    if u is not None:
        max_u = np.linalg.norm(u.astype(float), axis=1).max()
        expected = summary["displacement"]["max_magnitude"]
        # VTU stores float32: agreement to single precision.
        check(abs(max_u - expected) <= 1e-5 * expected,
              f"max |displacement| in the pvtu {max_u:.6g} m = summary {expected:.6g} m")
    if principal[0] is not None and "roof_layers" in summary:
        max_roof = max(layer["max_principal_stress"] for layer in summary["roof_layers"])
        largest = float(principal[0].max())
        check(largest >= max_roof - 1e-4 * abs(max_roof),
              f"largest sigma_1 in the pvtu ({largest:.6g} Pa) covers the roof layers' maximum in the summary "
              f"({max_roof:.6g} Pa)")

    # Bolts: every bolt element of the summary, forces in the units stated.
    if "bolts" in summary and os.path.isfile(os.path.join(directory, "bolts.vtp")):
        bolts = read(os.path.join(directory, "bolts.vtp"))
        force = vtk_to_numpy(bolts.GetCellData().GetArray("axial_force"))
        check(bolts.GetNumberOfCells() == summary["bolts"]["elements"],
              f"bolts.vtp: {bolts.GetNumberOfCells()} line cells = {summary['bolts']['elements']} bolt elements")
        check(abs(np.abs(force).max() - summary["bolts"]["max_axial_force"]) <= 1e-9 * summary["bolts"]["max_axial_force"],
              f"bolts.vtp: largest |axial_force| {np.abs(force).max():.6g} N = summary")
        bunits = bolts.GetFieldData().GetAbstractArray("units")
        check(bunits is not None and "axial_force [N]" in [bunits.GetValue(i) for i in range(bunits.GetNumberOfValues())],
              "bolts.vtp: field data 'units' names axial_force [N]")

    xdmf = open(os.path.join(directory, "solution.xdmf")).read()
    check("displacement" in xdmf and all(s["hdf5"] in xdmf for s in series),
          "solution.xdmf references every step's HDF5 file and the displacement field")
    check_hdf5_equals_vtu(directory, series[summary["fields"]["final_step"]], grid, dim)

    # The limit states of the factors of safety (mechanism.pvd), when written:
    # the last increment's largest component equals the summary's, and the
    # yield state shows yielding exactly when the summary counts yielded points.
    for key in ("factor_of_safety", "factor_of_safety_unbolted"):
        if key not in summary or "fields" not in summary[key]["mechanism"]:
            continue
        m = summary[key]["mechanism"]
        name = m["fields"]
        check(name in open(os.path.join(directory, "mechanism.pvd")).read(), f"mechanism.pvd references {name}")
        mgrid = read(os.path.join(directory, name))
        du = mgrid.GetPointData().GetArray("last_increment") if mgrid else None
        ys = mgrid.GetCellData().GetArray("yield_state") if mgrid else None
        if not check(du is not None and ys is not None, f"{name}: point field 'last_increment' and cell field 'yield_state'"):
            continue
        largest = np.abs(vtk_to_numpy(du)).max()
        expected = m["last_increment_max_displacement"]
        check(abs(largest - expected) <= 1e-5 * expected + 1e-12,
              f"{name}: largest last-increment component {largest:.6g} m = summary {expected:.6g} m")
        yielded = int((vtk_to_numpy(ys) > 0).sum())
        check((yielded > 0) == (m["yielded_points"] > 0),
              f"{name}: {yielded} yielded sub-cells, summary {m['yielded_points']} yielded points")

    print(("FAILED" if failures else "PASSED") + f" VTK read-back of {directory}")
    return 1 if failures else 0


sys.exit(main())
