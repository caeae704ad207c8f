"""An end-anchored bolt tensioned to 30 kN in a rigid host: after the
tensioning stage the plate holds the pretension, the free length carries it
unchanged (no bond there), and the anchor passes it into the rock."""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
P0, L, anchor = 30e3, 1.8, 0.6          # pretension.prm, materials/point_anchor_19mm.prm


def main():
    out = scratch("bolt_pretension")
    run_roofspan(os.path.join(HERE, "pretension.prm"), out)
    s = load_summary(out)
    with open(os.path.join(out, "bolt_profiles.csv")) as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    free = [r for r in rows if r["s1_m"] <= L - anchor + 1e-9]
    c = Checks("End-anchored bolt: pretension locked in")
    c.relative("plate (collar) force [N]", s["bolts"]["list"][0]["collar_force"], P0, 1e-3)
    worst = max(abs(r["axial_force_N"] - P0) for r in free) / P0
    c.condition("free length carries the pretension", worst < 1e-3, f"max error {100 * worst:.4f}%")
    c.condition("no bond along the free length", all(r["bonded"] == 0 for r in free))
    c.condition("force falls to ~0 at the anchor's end", abs(rows[-1]["axial_force_N"]) < 0.1 * P0,
                f"{rows[-1]['axial_force_N']:.0f} N")
    c.finish()


main()
