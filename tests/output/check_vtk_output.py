"""Runs the default case on 2 ranks and reads the ParaView files back with
VTK's XML readers (tests/output/read_vtk_output.py, run by Debian's Python)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import ROOT, run_roofspan, scratch  # noqa: E402

vtk_python = sys.argv[1]
reader = os.path.join(os.path.dirname(os.path.abspath(__file__)), "read_vtk_output.py")
for case, dim, sets in (("room_4.5m", 2, ["Strength reduction/Compute factor of safety=false"]),
                        ("intersection_4.5m", 3, ["Geometry/Room and pillar/Cell size at opening=1",
                                                  "Geometry/Room and pillar/Maximum cell size=4",
                                                  "Discretization/Polynomial degree=1"]),
                        # The limit states of the factors of safety (mechanism.pvd), on a
                        # coarse Q1 variant of the default case so that it stays fast.
                        ("room_4.5m", 2, ["Discretization/Polynomial degree=1",
                                          "Geometry/Room and pillar/Cell size at opening=0.5"])):
    out = scratch(f"vtk_{case}_{len(sets)}")
    run_roofspan(os.path.join(ROOT, "cases", case + ".prm"), out, ranks=2, sets=sets)
    if subprocess.run([vtk_python, reader, out, str(dim)]).returncode != 0:
        raise SystemExit(f"FAILED: VTK read-back of {case}")
