"""Quadrature-point history survives repartitioning: the bolted, plastic
default case with its bolts installed late (at 80 % relaxation, so that the
rock has yielded before), repartitioned by cell cost between the pre-support
relaxation and the installation, on 2 and 3 ranks. The partition must change,
yielded cells must exist when it does, and every summary value must agree
with the run that is not repartitioned and with the 1-rank run (regression
tolerances). A lost or misplaced history changes the plastic strain, the
stresses and the sag after installation, which this compares."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import compare, load_summary, run_roofspan, scratch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
SETS = ["Strength reduction/Compute factor of safety=false", "Bolts/Installation relaxation=0.8"]


def run(ranks, repartition):
    out = scratch(f"repartition_{ranks}_{repartition}")
    run_roofspan(case=CASE, output_dir=out, ranks=ranks,
                 sets=SETS + [f"Load balancing/Repartition at support installation={str(repartition).lower()}"])
    s = load_summary(out)
    s.pop("load_balancing")
    # Repartitioning needs the p4est mesh; the others are fully distributed.
    s.pop("mesh_distribution")
    return s, load_summary(out)["load_balancing"]


def main():
    failures = []
    reference, _ = run(1, False)
    print(f"1 rank, not repartitioned: sag {reference['roof']['sag_mid_span']:.9e} m")
    for ranks in (2, 3):
        plain, _ = run(ranks, False)
        moved, balancing = run(ranks, True)
        records = balancing["repartitions"]
        if len(records) != 1:
            failures.append(f"{ranks} ranks: expected one repartitioning, got {len(records)}")
            continue
        r = records[0]
        print(f"{ranks} ranks: {r['yielded_cells']} yielded cells at installation; owned cells per rank "
              f"{r['owned_cells_before']} -> {r['owned_cells_after']}; sag {moved['roof']['sag_mid_span']:.9e} m")
        if r["yielded_cells"] == 0:
            failures.append(f"{ranks} ranks: no yielded cells when repartitioning (nothing to carry)")
        if r["owned_cells_before"] == r["owned_cells_after"]:
            failures.append(f"{ranks} ranks: the partition did not change")
        for label, other in (("not repartitioned", plain), ("1 rank", reference)):
            problems = compare(moved, other)
            for p in problems:
                print(f"  repartitioned on {ranks} ranks vs {label}: {p}")
            if problems:
                failures.append(f"{ranks} ranks repartitioned vs {label}")
            else:
                print(f"  repartitioned on {ranks} ranks = {label} (regression tolerances)")
    if failures:
        raise SystemExit("FAILED: " + "; ".join(failures))
    print("PASSED history and displacement survive repartitioning")


main()
