"""The factor of safety is a property of the roof, not of the solver budget
(issue 12): on the default room (bolted and unbolted, 2 ranks) and on the
Griffiths & Lane slope (1 rank, 10 cells over the height), doubling the Newton
iterations, doubling the load steps (of the excavation stages and of the
strength path, whose increments of F are halved) and tightening the Newton
tolerance 100-fold each move the factor of safety by no more than its stated
tolerance, 2 %. Every factor is printed with its bracket, the criterion that
ended its path and the failures the path stepped past. About 3 minutes."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, load_summary, run_roofspan, scratch, slope_mesh  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOLERANCE = 0.02
COARSE_ROOM = "Geometry/Room and pillar/Cell size at opening=0.3"
QUIET = ["Output/Write VTU=false", "Output/Write HDF5=false"]


def variants(iterations, load_steps, tolerance, increment=0.025):
    """The budget changes, from the case's own Newton settings."""
    return {
        "case's budget": [],
        "2 x Newton iterations": [f"Nonlinear solver/Maximum iterations={2 * iterations}"],
        # The stages' load steps and the strength path's increments of F.
        "2 x load steps": [f"Nonlinear solver/Load steps={2 * load_steps}",
                           f"Strength reduction/Initial increment={increment / 2:g}"],
        "Newton tolerance / 100": [f"Nonlinear solver/Tolerance={tolerance / 100:g}"],
    }


def describe(f):
    passed = len(f.get("failures_passed", []))
    return (f"{f['value']:.4f} [{f['bracket'][0]:.4f}, {f['bracket'][1]:.4f}] {f['failure_criterion']}"
            + (f", {passed} failure(s) stepped past" if passed else ""))


def study(c, title, case, ranks, sets, budget, keys):
    print(f"  {title}")
    results = {}
    for name, extra in variants(*budget).items():
        tag = title.split(",")[0] + "_" + name
        out = scratch("budget_" + "".join(ch if ch.isalnum() else "_" for ch in tag))
        run_roofspan(case, out, ranks=ranks, sets=sets + QUIET + extra)
        s = load_summary(out)
        results[name] = {key: s[key] for key in keys}
        print(f"    {name:24s} " + "; ".join(f"{key.replace('factor_of_safety', 'F').replace('_', ' ')} "
                                              f"{describe(s[key])}" for key in keys))
    base = results["case's budget"]
    for name, r in results.items():
        if name == "case's budget":
            continue
        for key in keys:
            c.relative(f"{title.split(',')[0]}, {key.replace('factor_of_safety', 'F').replace('_', ' ')}, {name}",
                       r[key]["value"], base[key]["value"], TOLERANCE)


def main():
    c = Checks(f"Factor of safety independent of the Newton budget (tolerance {TOLERANCE:.0%})")
    study(c, "room, default case on 0.3 m cells, 2 ranks", os.path.join(ROOT, "cases", "room_4.5m.prm"), 2,
          [f"Strength reduction/Tolerance={TOLERANCE}", COARSE_ROOM] + GLUED_ROOM, (60, 8, 1e-6),
          ("factor_of_safety", "factor_of_safety_unbolted"))
    mesh = slope_mesh(10)
    study(c, "slope, Griffiths & Lane example 1, 10 cells over the height, 1 rank", os.path.join(HERE, "slope.prm"), 1,
          [f"Geometry/Gmsh/Mesh file={mesh}", f"Strength reduction/Tolerance={TOLERANCE}"], (30, 4, 1e-3),
          ("factor_of_safety",))
    c.finish()


main()
