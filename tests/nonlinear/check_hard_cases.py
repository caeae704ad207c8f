"""Nonlinear analyses that used to stop on the solver, not on the rock, each
run with the default solver settings, and the classified failures:
  1. a fully grouted bolt pulled by its head past full debonding in 10 load
     steps reaches the pull-out plateau q_max L (2 %);
  2. a bolt across an opening joint, 4 bolt elements per host cell, whose
     steel yields (strong bond): reported yielded, its peak force between
     the yield and the ultimate force (linear hardening);
  3. a zero-tensile-strength clay under the default room's roof (2 ranks):
     full excavation;
  4. a room that has no equilibrium (weak clay at 400 m, unbolted): exit 3,
     the message gives the load reached and the load-displacement path;
  5. a linear solver made to fail (one AMG iteration, no direct fallback):
     exit 5 'linear solver failure', not 'no equilibrium'.
(Salencon's opening at two refinements with the default linear solver is
verification.salencon_2ref.)"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, load_summary, run_roofspan, scratch  # noqa: E402

BOLTS = os.path.join(ROOT, "tests", "bolts")
ROOM = os.path.join(ROOT, "cases", "room_4.5m.prm")
NO_FOS = "Strength reduction/Compute factor of safety=false"
q_max, L, N_yield, N_ultimate = 68e3, 1.0, 117.6e3, 176e3    # tests/bolts/materials/test_bolt.prm, pullout.prm


def main():
    c = Checks("Hard nonlinear cases with default solver settings")

    out = scratch("hard_pullout_plateau")
    run_roofspan(os.path.join(BOLTS, "pullout.prm"), out,
                 sets=["Bolts/Head displacement=3e-3", "Nonlinear solver/Load steps=10"])
    s = load_summary(out)
    c.relative("1. pull-out plateau in 10 steps [N]", s["bolts"]["list"][0]["collar_force"], q_max * L, 0.02)

    out = scratch("hard_yielding_joint")
    run_roofspan(os.path.join(BOLTS, "joint.prm"), out,
                 sets=["Materials/Library directories=materials, ../nonlinear/materials",
                       "Bolts/Product=strong bond bolt", "Bolts/Elements per cell=4",
                       "Boundary conditions/Displacement function/Function expression=0; -4e-3"])
    bolt = load_summary(out)["bolts"]["list"][0]
    c.condition("2. yielding joint: yield <= peak force <= ultimate",
                N_yield <= bolt["peak_axial_force"] <= N_ultimate, f"{bolt['peak_axial_force'] / 1e3:.2f} kN")
    c.condition("2. the steel is reported yielded", bolt["yielded"], str(bolt["yielded"]))

    out = scratch("hard_tensionless_clay")
    code, stdout, stderr = run_roofspan(
        ROOM, out, ranks=2, check=False,
        sets=GLUED_ROOM + [NO_FOS, "Materials/Library directories=../materials, ../tests/nonlinear/materials",
              "Stratigraphy/Layers above floor=ore manto: 2.5, tensionless clay: 0.6, breccia: 1.5, "
              "sandstone: 3, breccia: 4, sandstone: 8"])
    # It has an equilibrium at full excavation: PETSc SNES with the l2 line
    # search reaches it (roofspan's own monotone Newton stalled at 0.997,
    # with the clay's roof surface on its tension apex).
    c.condition("3. tensionless clay roof: exit 0", code == 0,
                f"exit {code}: {(stderr.strip().splitlines() or [''])[0][:200]}")
    if code == 0:
        s = load_summary(out)
        c.condition("3. tensionless clay roof: full excavation", s["stages"][-1]["load_factor_to"] == 1,
                    f"sag {1e3 * s['roof']['sag_max']:.1f} mm")

    out = scratch("hard_no_equilibrium")
    shutil.rmtree(out)
    code, stdout, stderr = run_roofspan(ROOM, out, ranks=2, check=False,
                                        sets=GLUED_ROOM + [NO_FOS, "Bolts/Product=", "Stratigraphy/Depth of floor=400"])
    reached = re.search(r"no equilibrium from load factor ([0-9.e+-]+) to", stderr)
    c.condition("4. weak roof at 400 m: exit 3 (no equilibrium)", code == 3, f"exit {code}")
    c.condition("4. ... with the load reached and the path", bool(reached) and "load path" in stderr,
                f"load reached {reached.group(1) if reached else '?'}")
    c.condition("4. ... and no result folder written", not os.path.exists(os.path.join(out, "summary.json")))
    print("  " + (stderr.strip().splitlines() or [""])[0][:400])

    out = scratch("hard_linear_failure")
    code, stdout, stderr = run_roofspan(ROOM, out, ranks=2, check=False,
                                        sets=GLUED_ROOM + [NO_FOS, "Linear solver/Preconditioner=boomeramg",
                                              "Linear solver/Maximum iterations=1",
                                              "Linear solver/Direct fallback size=0"])
    c.condition("5. failed linear solver: exit 5", code == 5, f"exit {code}")
    c.condition("5. ... named as such", "linear solver failure" in stderr and "no equilibrium" not in stderr,
                (stderr.strip().splitlines() or [""])[0][:70])
    c.finish()


main()
