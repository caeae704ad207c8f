#!/usr/bin/env python3
"""The 3D intersection (cases/intersection_4.5m.prm) with and without bolts:
linear iterations per solve (the bolts' effect on CG + BoomerAMG; target
within 1.5 x the unbolted model's), DoFs, Newton and linear solves, phase
times and peak memory, and the bolt unknowns each rank owns. Elastic by
default; --plastic runs the roof units' own models (slow: see the README's
default-case section). With several rank counts (--ranks 1 2) it prints the
strong-scaling efficiency of each model: the bolted one should scale like the
unbolted one (its bolt rows are spread over the ranks holding the collars).

    python3 bench/intersection_bolts.py [--ranks 2 [3 ...]] [--plastic] [--timeout 900]
        [--set "Geometry/Room and pillar/Cell size at opening=0.6" ...]

Numbers are for reading, not asserting; compare builds in the same hour.
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "postprocess"))
import launcher  # noqa: E402

ROOT = launcher.ROOT
CASE = os.path.join(ROOT, "cases", "intersection_4.5m.prm")
# The 2D default case's product, 3 bolts per row at 1.5 m (the intersection's
# rows run along both rooms and cross the intersection).
BOLTS = ["Bolts/Product=resin rebar 19mm", "Bolts/Length=1.8", "Bolts/Bolts per row=3", "Bolts/Row spacing=1.5"]


def run(sets, ranks, timeout):
    out = tempfile.mkdtemp(prefix="intersection_bolts_")
    # Through mpirun.sh even on one rank (always=True), as this script always did.
    cmd = launcher.on_ranks(launcher.roofspan_command(
        CASE, out, ["Output/Write VTU=false", "Output/Write HDF5=false"] + list(sets)), ranks, always=True)
    proc = launcher.run(cmd, timeout=timeout)
    if proc.hung:
        return proc.seconds, None
    if proc.code != 0:
        sys.stdout.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"roofspan exited with {proc.code}")
    with open(os.path.join(out, "summary.json")) as f:
        return proc.seconds, json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ranks", type=int, nargs="+", default=[2], help="rank counts, in turn")
    parser.add_argument("--plastic", action="store_true", help="the units' own plastic models")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per run")
    parser.add_argument("--set", action="append", default=[], help="further overrides, as roofspan's --set")
    args = parser.parse_args()
    common = [f"Materials/Elastic rock={'false' if args.plastic else 'true'}"] + args.set
    print(f"{'model':10s} {'ranks':>5s} {'DoFs':>8s} {'bolt elts':>9s} {'solves':>6s} {'its/solve':>9s} "
          f"{'wall s':>7s} {'setup':>6s} {'assembly':>8s} {'AMG':>6s} {'Krylov':>7s} {'peak MB/rank':>12s}  "
          f"bolt unknowns per rank")
    per_solve, walls = {}, {}
    for ranks in args.ranks:
        for label, sets in (("unbolted", ["Bolts/Product="]), ("bolted", BOLTS)):
            wall, s = run(common + sets, ranks, args.timeout)
            if s is None:
                print(f"{label:10s} {ranks:5d} did not finish in {args.timeout:.0f} s")
                continue
            walls[label, ranks] = wall
            sol, t = s["solver"], s["times"]
            per_solve[label] = sol["iterations"] / max(sol["linear_solves"], 1)
            bolts = s.get("bolts") if isinstance(s.get("bolts"), dict) else {}
            print(f"{label:10s} {ranks:5d} {s['dofs']:8d} {str(bolts.get('elements', '-')):>9s} "
                  f"{sol['linear_solves']:6d} {per_solve[label]:9.1f} {wall:7.1f} {t['setup']:6.1f} "
                  f"{t['assembly']:8.1f} {t.get('preconditioner_setup', 0):6.1f} {t.get('linear_solve', 0):7.1f} "
                  f"{s['memory']['peak_rss_max_rank'] / 2**20:12.0f}  {bolts.get('unknowns_per_rank', '-')}",
                  flush=True)
        if len(per_solve) == 2:
            print(f"iterations per solve on {ranks} rank(s), bolted / unbolted: "
                  f"{per_solve['bolted'] / per_solve['unbolted']:.2f} (target <= 1.5)")
    first = args.ranks[0]
    for label in ("unbolted", "bolted"):
        for ranks in args.ranks[1:]:
            if (label, first) in walls and (label, ranks) in walls:
                speedup = walls[label, first] / walls[label, ranks]
                print(f"{label}: {first} -> {ranks} ranks, speed-up {speedup:.2f}, "
                      f"efficiency {speedup * first / ranks:.2f}")


main()
