"""A small bolted plastic 3D case gives the same summary on 1, 2 and 3
ranks: the default room's units, bolts and staging on a long drift in 3D
(a 0.6 m slice between two symmetry planes, one explicit bolt row, 0.75 m
cells, 8,775 DoFs) with the bolted factor of safety (the unbolted one
takes the same path without bolts; parallel.factor_of_safety checks a
path on 1, 2 and 3 ranks without them).
Compared with the harness's numdiff-style tolerances: bolt forces and
states, stages, roof sag, probes, yielded points and zone height; the
factors of safety to their stated bracket tolerance (the brackets are
printed; measured identical on 1, 2 and 3 ranks). About 2 minutes."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOM_AS_DRIFT_SLICE_3D, Checks, compare, load_summary, run_roofspan, scratch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
SETS = ["Output/Write VTU=false", "Output/Write HDF5=false",
        "Geometry/Room and pillar/Cell size at opening=0.75", "Geometry/Room and pillar/Maximum cell size=3",
        "Output/Probe points=rib_top: 2.25 0 2.5", "Strength reduction/Include unbolted=false"] + ROOM_AS_DRIFT_SLICE_3D + GLUED_ROOM
FOS = ("factor_of_safety",)


def part(s):
    p = {k: s[k] for k in ("bolts", "stages", "roof", "probes", "plasticity")}
    for key in FOS:
        p[key] = {k: s[key][k] for k in ("value", "tolerance", "failure_criterion") if k in s[key]}
    return p


def main():
    c = Checks("Bolted plastic 3D drift with factors of safety on 1, 2 and 3 ranks")
    base = None
    for ranks in (1, 2, 3):
        out = scratch(f"bolted_plastic_3d_{ranks}")
        run_roofspan(CASE, out, ranks=ranks, sets=SETS)
        s = load_summary(out)
        print(f"  {ranks} rank(s): {s['dofs']} DoFs, sag {1000 * s['roof']['sag_mid_span']:.4f} mm, "
              f"{s['plasticity']['yielded_points']} yielded points, peak bolt force "
              f"{s['bolts']['max_axial_force']:.2f} N, F bolted {s[FOS[0]]['value']:.4f} {s[FOS[0]]['bracket']} "
              f"{s[FOS[0]]['failure_criterion']}")
        if base is None:
            base = part(s)
            c.condition("1 rank: the factor of safety found on the physics",
                        all(s[k]["failure_criterion"] in ("no equilibrium", "displacement jump") for k in FOS),
                        ", ".join(s[k]["failure_criterion"] for k in FOS))
            continue
        problems = compare(part(s), base)
        c.condition(f"summary on {ranks} ranks = 1 rank", not problems, "; ".join(problems[:3]))
    c.finish()


main()
