"""The matrix-free operator (hybrid multigrid) against the assembled matrix
(BoomerAMG), on 1, 2 and 3 MPI ranks: a small 3D drift (layered, overburden
stress, Q2, affine cells) and the 2D Kirsch opening (curved wall, Q2
mapping). Both paths solve the same discrete problem to a relative residual
of 1e-8, so the roof / wall displacements and the largest displacement must
agree to 1e-6 (relative), far above the solvers' tolerance and far below any
physical difference."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import compare_displacements, load_summary, run_roofspan, scratch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOLERANCE = 1e-6
CASES = {
    "drift_3d": (os.path.join(ROOT, "cases", "intersection_4.5m.prm"),
                 ["Geometry/Model=drift", "Geometry/Room and pillar/Cell size at opening=0.75",
                  "Geometry/Room and pillar/Maximum cell size=4",
                  "Geometry/Room and pillar/Drift length=6", "Geometry/Room and pillar/Solid ahead of face=6",
                  "Output/Probe points=roof_centre: 0 3 2.5, face_roof: 0 5.5 2.5",
                  "Output/Write HDF5=false", "Output/Write VTU=false"],
                 ["roof_centre", "face_roof"]),
    "kirsch_2d": (os.path.join(ROOT, "tests", "verification", "kirsch.prm"),
                  ["Discretization/Global refinements=1", "Output/Write HDF5=false", "Output/Write VTU=false"],
                  ["wall_springline", "wall_crown", "wall_45"]),
}


def main():
    failures = []
    for name, (case, sets, probes) in CASES.items():
        runs = {}
        for operator, ranks in (("assembled", 1), ("matrix-free", 1), ("matrix-free", 2), ("matrix-free", 3)):
            out = scratch(f"matrix_free_{name}_{operator}_{ranks}")
            run_roofspan(case, out, ranks=ranks, sets=sets + [f"Linear solver/Operator={operator}"])
            s = load_summary(out)
            if s["solver"]["operator"] != operator:
                failures.append(f"{name}: asked for {operator}, ran {s['solver']['operator']}")
            runs[(operator, ranks)] = s
            print(f"{name}: {operator:11s} {ranks} rank(s): {s['dofs']} DoFs, {s['solver']['iterations']} CG "
                  f"iterations, residual {s['solver']['relative_residual']:.2e}, "
                  f"max |u| {s['displacement']['max_magnitude']:.12e} m")
        reference = runs[("assembled", 1)]
        for key, s in runs.items():
            if key == ("assembled", 1):
                continue
            failures += compare_displacements(f"{name} {key[0]} on {key[1]} vs assembled on 1", s, reference,
                                              probes, TOLERANCE)
    if failures:
        raise SystemExit("FAILED: " + "; ".join(failures))
    print(f"PASSED matrix-free = assembled to {TOLERANCE:g} of max |u| on 1, 2 and 3 ranks")


main()
