"""Bolt results are the same on 1, 2 and 3 ranks (to solver tolerance),
including bolts whose elements lie on several ranks: the elastic hanging
layer (three bolts) and a pull-out driven into full bond slip (nonlinear,
with step history). Compared: the bolt part of summary.json (numdiff-style
tolerances of tests/tools/harness.py) and every element's axial force. The
bolt unknowns are owned by the ranks holding the collars, so on 2 and 3 ranks
the hanging layer's three bolts are not all on one rank."""
import csv
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, compare, load_summary, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = {
    "hanging_layer": (os.path.join(HERE, "hanging_layer.prm"), ["Bolts/Offsets=-1.2, 0.3, 1.2"]),
    "pullout": (os.path.join(HERE, "pullout.prm"),
                ["Bolts/Head displacement=1.5e-3", "Nonlinear solver/Load steps=6"]),
}


def element_forces(out):
    with open(os.path.join(out, "bolt_profiles.csv")) as f:
        return [float(r["axial_force_N"]) for r in csv.DictReader(f)]


def main():
    c = Checks("Bolts on 1, 2 and 3 ranks")
    for name, (case, sets) in RUNS.items():
        base = None
        for ranks in (1, 2, 3):
            out = scratch(f"bolt_ranks_{name}_{ranks}")
            run_roofspan(case, out, ranks=ranks, sets=sets)
            s = load_summary(out)
            part = {"bolts": s["bolts"], "stages": s["stages"]}
            forces = element_forces(out)
            crossing = sum(b["ranks"] > 1 for b in s["bolts"]["list"])
            print(f"  {name} on {ranks} rank(s): max force {s['bolts']['max_axial_force']:.6f} N, "
                  f"{crossing} bolt(s) on several ranks")
            if base is None:
                base = (part, forces)
                continue
            problems = compare(part, base[0])
            c.condition(f"{name}: summary {ranks} vs 1 rank", not problems, "; ".join(problems[:3]))
            scale = max(abs(x) for x in base[1])
            worst = max(abs(a - b) for a, b in zip(forces, base[1])) / scale
            c.condition(f"{name}: element forces {ranks} vs 1 rank",
                        len(forces) == len(base[1]) and worst < 1e-6, f"max diff {worst:.2e} of peak")
            if ranks == 3:
                c.condition(f"{name}: a bolt crosses rank boundaries on 3 ranks", crossing > 0)
            # Each bolt's unknowns belong to the rank holding its collar: with
            # collars on several ranks, no rank holds all of them.
            per_rank = s["bolts"]["unknowns_per_rank"]
            print(f"    bolt unknowns per rank: {per_rank}")
            if name == "hanging_layer" and ranks > 1:
                c.condition(f"{name}: bolt unknowns on more than one of {ranks} ranks",
                            sum(n > 0 for n in per_rank) > 1, str(per_rank))
    c.finish()


main()
