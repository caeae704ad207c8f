#!/usr/bin/env python3
"""Time of the default case's factor of safety, bolted and unbolted, on 2
ranks (issue target: <= 60 s on a 2-core machine). Prints DoFs, Newton
iterations, linear solves, phase times, peak memory and the factors.

Before/after in the same hour: give each build, runs alternate between them.
  python3 bench/ssr_speed.py build/solver/roofspan /tmp/base/build/solver/roofspan --repeat 2
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "postprocess"))
import launcher  # noqa: E402

ROOT = launcher.ROOT
CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")


def run(exe, ranks):
    out = tempfile.mkdtemp(prefix="ssr_speed_")
    # Through mpirun.sh even on one rank (always=True), as this script always did.
    cmd = launcher.on_ranks(launcher.roofspan_command(CASE, out, ["Strength reduction/Compute factor of safety=true"],
                                                      exe=exe), ranks, always=True)
    proc = launcher.run(cmd)
    if proc.code != 0:
        sys.stdout.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"{exe} exited with {proc.code}")
    with open(os.path.join(out, "summary.json")) as f:
        return proc.seconds, json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # The build's roofspan by default ($ROOFSPAN is not read here: name builds as arguments).
    parser.add_argument("roofspan", nargs="*", default=[launcher.BUILT_EXE])
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"{'build':40s} {'wall s':>7s} {'assembly':>9s} {'factor.':>8s} {'solve':>7s} "
          f"{'solves':>6s} {'DoFs':>6s} {'peak MB/rank':>12s}  factor of safety bolted / unbolted")
    for _ in range(args.repeat):
        for exe in args.roofspan:
            wall, s = run(os.path.abspath(exe), args.ranks)
            t = s["times"]
            fb, fu = s["factor_of_safety"], s.get("factor_of_safety_unbolted", {})
            print(f"{exe[-40:]:40s} {wall:7.1f} {t['assembly']:9.1f} {t.get('preconditioner_setup', t.get('amg_setup', 0)):8.1f} {t.get('linear_solve', t.get('cg', 0)):7.1f} "
                  f"{s['solver']['linear_solves']:6d} {s['dofs']:6d} "
                  f"{s['memory']['peak_rss_max_rank'] / 2**20:12.0f}  "
                  f"{fb['value']:.4f} [{fb['bracket'][0]:.4f}, {fb['bracket'][1]:.4f}] {fb['failure_criterion']} / "
                  f"{fu.get('value', float('nan')):.4f} {fu.get('failure_criterion', '')}", flush=True)
    print("(factor. = direct factorisation, the summary's times.preconditioner_setup; solve = triangular solves)")


main()
