"""The matrix-free operator (hybrid multigrid) against the assembled matrix
(BoomerAMG), on 1, 2 and 3 MPI ranks (the plastic cases on 1 and 3): a small 3D drift (layered, overburden
stress, Q2, affine cells), the 2D Kirsch opening (curved wall, Q2 mapping),
and the 3D drift with Mohr-Coulomb rock (non-associated flow: GMRES on the
tangent stored at the points), and a bolted plastic 3D slice (the bolts'
matrix beside the matrix-free rock, one Krylov solve on both). Both paths
solve the same discrete problem to a relative residual of 1e-8 (Newton to
1e-6), so the roof / wall
displacements and the largest displacement must agree to 1e-6 (relative),
far above the solvers' tolerances and far below any physical difference.

Plastic: the converged answer does not show whether the matrix-free operator
applies the right tangent (Newton converges to the same point with a wrong
one, more slowly), so the Newton residual history is compared too: every
load step's Newton residuals above 1e-4 must agree to 1 %; a tangent read at
the wrong points or cells changes the contraction at once."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOM_AS_DRIFT_SLICE_3D, compare_displacements, load_summary, run_roofspan, scratch  # noqa: E402

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
    # Mohr-Coulomb clay, breccia and sandstone (the material library's), a
    # coarse drift: 415 yielded points and 19 Newton iterations in the last
    # load step on 1 rank.
    "plastic_drift_3d": (os.path.join(ROOT, "cases", "intersection_4.5m.prm"),
                         ["Geometry/Model=drift", "Geometry/Room and pillar/Cell size at opening=1.0",
                          "Geometry/Room and pillar/Maximum cell size=4",
                          "Geometry/Room and pillar/Drift length=4",
                          "Geometry/Room and pillar/Solid ahead of face=4", "Materials/Elastic rock=false",
                          "Output/Probe points=roof_centre: 0 2 2.5",
                          "Output/Write HDF5=false", "Output/Write VTU=false"],
                         ["roof_centre"]),
    # The default room's units, bolts and staging on a 0.6 m slice of a 3D
    # drift (8,775 DoFs + 15 bolt unknowns, 202 yielded points): the bolts'
    # matrix beside the matrix-free rock, one Krylov solve on both, and a
    # rank that owns no bolt unknowns on 2 and 3 ranks. Glued: the matrix-free
    # operator refuses contact layers.
    "bolted_plastic_3d": (os.path.join(ROOT, "cases", "room_4.5m.prm"),
                          ["Output/Write VTU=false", "Output/Write HDF5=false",
                           "Geometry/Room and pillar/Cell size at opening=0.75",
                           "Geometry/Room and pillar/Maximum cell size=3",
                           "Output/Probe points=rib_top: 2.25 0 2.5",
                           "Strength reduction/Compute factor of safety=false",
                           "Linear solver/Preconditioner=boomeramg"] + ROOM_AS_DRIFT_SLICE_3D + GLUED_ROOM,
                          ["rib_top"]),
}
NEWTON_FLOOR = 1e-4  # Newton residuals below this are set by the linear tolerance
NEWTON_TOLERANCE = 1e-2


def newton_histories(summary):
    """Per load step, the relative residuals of its Newton iterations."""
    return [[n[0] for n in step["newton"]] for stage in summary["stages"] for step in stage["steps"]]


def compare_newton(label, result, reference):
    ours, theirs = newton_histories(result), newton_histories(reference)
    if len(ours) != len(theirs):
        return [f"{label}: {len(ours)} load steps against {len(theirs)}"]
    worst, compared, failures = 0.0, 0, []
    for step, (a, b) in enumerate(zip(ours, theirs)):
        if len(a) != len(b):
            failures.append(f"{label}: load step {step + 1}: {len(a)} Newton iterations against {len(b)}")
        for r, r_ref in zip(a, b):
            if r_ref > NEWTON_FLOOR:
                worst = max(worst, abs(r - r_ref) / r_ref)
                compared += 1
    if compared == 0:
        failures.append(f"{label}: no Newton residual above {NEWTON_FLOOR:g} to compare")
    ok = worst <= NEWTON_TOLERANCE and not failures
    print(f"  {label}: Newton residuals above {NEWTON_FLOOR:g}: {compared} compared, largest relative "
          f"difference {worst:.1e} ({'ok' if ok else 'FAILED'})")
    return failures + ([] if worst <= NEWTON_TOLERANCE else [f"{label}: Newton residuals"])


def main():
    failures = []
    chosen = sys.argv[1:] or list(CASES)  # optional: the cases to run, by name
    for name, (case, sets, probes) in ((n, CASES[n]) for n in chosen):
        runs = {}
        # 1 and 3 ranks for every case (3 ranks: a rank without bolt
        # unknowns in the bolted case); 2 ranks on the cheap elastic ones.
        rank_counts = (1, 2, 3) if name in ("drift_3d", "kirsch_2d") else (1, 3)
        for operator, ranks in [("assembled", 1)] + [("matrix-free", r) for r in rank_counts]:
            out = scratch(f"matrix_free_{name}_{operator}_{ranks}")
            run_roofspan(case, out, ranks=ranks, sets=sets + [f"Linear solver/Operator={operator}"])
            s = load_summary(out)
            if s["solver"]["operator"] != operator:
                failures.append(f"{name}: asked for {operator}, ran {s['solver']['operator']}")
            runs[(operator, ranks)] = s
            print(f"{name}: {operator:11s} {ranks} rank(s): {s['dofs']} DoFs, {s['solver']['iterations']} {s['solver']['method']} "
                  f"iterations, residual {s['solver']['relative_residual']:.2e}, "
                  f"max |u| {s['displacement']['max_magnitude']:.12e} m")
        reference = runs[("assembled", 1)]
        for key, s in runs.items():
            if key == ("assembled", 1):
                continue
            label = f"{name} {key[0]} on {key[1]} vs assembled on 1"
            failures += compare_displacements(label, s, reference, probes, TOLERANCE)
            if name.startswith("bolted"):
                force, force_ref = (r["bolts"]["max_axial_force"] for r in (s, reference))
                difference = abs(force - force_ref) / force_ref
                print(f"  {label}: largest bolt force {force:.6f} N vs {force_ref:.6f} N "
                      f"(relative difference {difference:.1e})")
                if difference > TOLERANCE:
                    failures.append(f"{label}: bolt force {force} vs {force_ref}")
                per_rank = s["bolts"].get("unknowns_per_rank", [])
                print(f"  {label}: bolt unknowns per rank {per_rank}")
                # The case is chosen so that on 3 ranks (and 2) a rank owns
                # none (its shell rows are rock only): keep it so.
                if key[1] > 1 and 0 not in per_rank:
                    failures.append(f"{label}: every rank owns bolt unknowns ({per_rank}); the case no "
                                    "longer covers a rank without them")
                if "with bolts" not in s["solver"]["method"]:
                    failures.append(f"{label}: solved by {s['solver']['method']}, not the coupled solver")
            if "plastic" in name:
                yielded, yielded_ref = (r.get("plasticity", {}).get("yielded_points", 0) for r in (s, reference))
                print(f"  {label}: yielded points {yielded} vs {yielded_ref}")
                if yielded_ref == 0 or yielded != yielded_ref:
                    failures.append(f"{label}: yielded points {yielded} vs {yielded_ref} (the case must yield)")
                if "GMRES" not in s["solver"]["method"]:
                    failures.append(f"{label}: non-associated flow solved by {s['solver']['method']}, not GMRES")
                failures += compare_newton(label, s, reference)
    if failures:
        raise SystemExit("FAILED: " + "; ".join(failures))
    print(f"PASSED matrix-free = assembled to {TOLERANCE:g} of max |u| on 1, 2 and 3 ranks (plastic: 1 and 3)")


main()
