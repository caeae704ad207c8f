#!/usr/bin/env python3
"""Is the factor of safety a property of the roof or of the path's steps?
Runs a case's factor of safety (bolted and unbolted) with several starting
load steps and starting increments of F, and prints per variant the factors,
their brackets and criteria, wall time, load steps, Newton iterations, linear
solves and assemblies, then the largest spread of each factor across the
variants (issue target: within 1 %).

  python3 bench/fos_path.py                              # default room, 2 ranks
  python3 bench/fos_path.py --case tests/plasticity/slope.prm --ranks 1 \
      --set "Geometry/Gmsh/Mesh file=build/meshes/slope.msh"
  python3 bench/fos_path.py --exe /tmp/base/roofspan --exe build/solver/roofspan   # before/after
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "postprocess"))
import launcher  # noqa: E402

ROOT = launcher.ROOT
VARIANTS = {
    "8 steps": ["Nonlinear solver/Load steps=8"],
    "16 steps": ["Nonlinear solver/Load steps=16"],
    "32 steps": ["Nonlinear solver/Load steps=32"],
    "8 steps, dF/2": ["Nonlinear solver/Load steps=8", "Strength reduction/Initial increment=0.0125"],
}


def run(exe, case, ranks, sets):
    out = tempfile.mkdtemp(prefix="fos_path_")
    cmd = launcher.on_ranks(launcher.roofspan_command(
        case, out, ["Strength reduction/Compute factor of safety=true"] + sets, exe=exe), ranks, always=True)
    proc = launcher.run(cmd)
    if proc.code != 0:
        sys.stdout.write(proc.stdout[-2000:] + proc.stderr[-2000:])
        return proc.seconds, None
    with open(os.path.join(out, "summary.json")) as f:
        return proc.seconds, json.load(f)


def fos(entry):
    if not entry:
        return float("nan"), ""
    lo, hi = entry["bracket"]
    return entry["value"], f"[{lo:.4f}, {hi:.4f}] {entry['failure_criterion']}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", default=os.path.join(ROOT, "cases", "room_4.5m.prm"))
    parser.add_argument("--exe", action="append", help="roofspan executable(s), alternated (default: the build's)")
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], help="extra PATH=VALUE for every run")
    parser.add_argument("--variant", action="append", choices=list(VARIANTS), help="default: all")
    args = parser.parse_args()
    exes = [os.path.abspath(e) for e in (args.exe or [launcher.BUILT_EXE])]
    factors = {}
    print(f"{'variant':16s} {'build':24s} {'wall s':>7s} {'stage steps':>11s} {'F steps':>7s} {'solves':>6s} "
          f"{'assembly s':>10s}  bolted / unbolted")
    for name in args.variant or list(VARIANTS):
        for exe in exes:
            wall, s = run(exe, os.path.abspath(args.case), args.ranks, VARIANTS[name] + args.set)
            if s is None:
                print(f"{name:16s} {exe[-24:]:24s} failed", flush=True)
                continue
            fb, fbt = fos(s.get("factor_of_safety"))
            fu, fut = fos(s.get("factor_of_safety_unbolted"))
            factors.setdefault(exe, []).append((fb, fu))
            stage_steps = sum(len(st["steps"]) for st in s["stages"])
            f_steps = sum(len(s.get(k, {}).get("curve", [])) for k in ("factor_of_safety", "factor_of_safety_unbolted"))
            print(f"{name:16s} {exe[-24:]:24s} {wall:7.1f} {stage_steps:11d} {f_steps:7d} "
                  f"{s['solver']['linear_solves']:6d} {s['times']['assembly']:10.1f}  "
                  f"{fb:.4f} {fbt} / {fu:.4f} {fut}", flush=True)
    for exe, values in factors.items():
        for i, label in enumerate(["bolted", "unbolted"]):
            v = [x[i] for x in values if x[i] == x[i]]
            if v:
                print(f"{exe[-24:]}: {label} spread {100 * (max(v) - min(v)) / min(v):.2f} % "
                      f"({min(v):.4f} - {max(v):.4f})")


main()
