"""Linear solver/Factorisation reuse: GMRES on the kept LU factors of an
earlier tangent must give the same analysis as a factorisation per solve
(the default room, plastic and bolted, staged, without the factor of safety)
with fewer factorisations. Tolerances: sag and peak bolt force 1e-5
relative (both Newton runs stop at a relative residual of 1e-6, the linear
solves at 1e-8); yielded points equal.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, load_summary, run_roofspan, scratch  # noqa: E402

CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
PLASTIC = ["Strength reduction/Compute factor of safety=false", "Linear solver/Preconditioner=direct"] + GLUED_ROOM


def main():
    c = Checks("Factorisation reuse: same analysis, fewer factorisations")
    work = scratch("factorisation_reuse")
    runs = {}
    for label, extra in (("every solve", []), ("reuse 20", ["Linear solver/Factorisation reuse=20"])):
        out = os.path.join(work, label.replace(" ", "_"))
        run_roofspan(CASE, out, ranks=2, sets=PLASTIC + extra)
        runs[label] = load_summary(out)
    a, b = runs["every solve"], runs["reuse 20"]
    for label, s in runs.items():
        print(f"  {label}: {s['solver']['linear_solves']} solves, {s['solver']['factorisations']} "
              f"factorisations, {s['solver']['iterations']} iterations")
    c.condition("a factorisation per solve without reuse",
                a["solver"]["factorisations"] == a["solver"]["linear_solves"], str(a["solver"]))
    c.condition("fewer factorisations than solves with reuse",
                0 < b["solver"]["factorisations"] < b["solver"]["linear_solves"], str(b["solver"]))
    c.relative("largest roof sag", b["roof"]["sag_max"], a["roof"]["sag_max"], 1e-5)
    c.relative("peak bolt force", b["bolts"]["max_axial_force"], a["bolts"]["max_axial_force"], 1e-5)
    c.condition("the same yielded points",
                a["plasticity"]["yielded_points"] == b["plasticity"]["yielded_points"],
                f"{a['plasticity']['yielded_points']} vs {b['plasticity']['yielded_points']}")
    c.finish()


if __name__ == "__main__":
    main()
