"""The same summary (to solver tolerance) on 1, 2 and 3 MPI ranks, for a 2D
and a 3D case (the 2D one with a bedding contact). Iteration counts may differ (AMG depends on the partition);
every result value must agree within the regression tolerances."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import compare, load_summary, run_roofspan, scratch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = {
    # The bolted, plastic default case through its excavation, with its
    # clay-breccia bedding contact (opening, slip and where are compared); its
    # factor of safety on 1, 2 and 3 ranks is parallel.factor_of_safety's job
    # (a smaller model: this one's strength reduction takes minutes a run).
    "room_2d": (os.path.join(ROOT, "cases", "room_4.5m.prm"), ["Strength reduction/Compute factor of safety=false"]),
    "drift_3d": (os.path.join(ROOT, "cases", "intersection_4.5m.prm"),
                 ["Geometry/Model=drift", "Geometry/Room and pillar/Cell size at opening=0.75",
                  "Geometry/Room and pillar/Maximum cell size=4",
                  "Geometry/Room and pillar/Drift length=6", "Geometry/Room and pillar/Solid ahead of face=6",
                  "Output/Probe points=face_roof: 0 5.5 2.5",
                  "Output/Write HDF5=false"]),
}


def main():
    failures = []
    for name, (case, sets) in CASES.items():
        summaries = {}
        for ranks in (1, 2, 3):
            out = scratch(f"ranks_{name}_{ranks}")
            run_roofspan(case, out, ranks=ranks, sets=sets)
            summaries[ranks] = load_summary(out)
            s = summaries[ranks]
            print(f"{name}: {ranks} rank(s): {s['dofs']} DoFs, {s['solver']['iterations']} CG iterations, "
                  f"sag {s['roof'].get('sag_mid_span')} m, max |u| {s['displacement']['max_magnitude']:.9e} m")
        for ranks in (2, 3):
            problems = compare(summaries[ranks], summaries[1])
            for p in problems:
                print(f"  {name}, {ranks} vs 1 rank: {p}")
            if problems:
                failures.append(f"{name} on {ranks} ranks")
    if failures:
        raise SystemExit("FAILED: results depend on the rank count: " + ", ".join(failures))
    print("PASSED same summary on 1, 2 and 3 ranks")


main()
