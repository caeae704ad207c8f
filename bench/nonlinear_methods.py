#!/usr/bin/env python3
"""Newton methods compared on the hard nonlinear cases: roofspan's own
line-search Newton (with its watchdog) against PETSc SNES newtonls with its
line searches (bt: backtracking, l2: secant on ||F||^2, basic: full steps),
all on the same residual, tangent, linear solver, load stepping and failure
classes (Nonlinear solver/Method). Prints, per case and method: exit code,
load factor reached, load steps, cuts, Newton iterations, residual-only
evaluations are not counted by SNES, linear solves, wall time.

    bench/nonlinear_methods.py [--only NAME[,NAME]] [--methods newton,bt,l2,basic]

Numbers are for reading (closing notes, README), never asserted."""
import argparse
import json
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "postprocess"))
import launcher  # noqa: E402

ROOT = launcher.ROOT
MESHES = os.path.join(ROOT, "build", "meshes")
NO_FOS = "Strength reduction/Compute factor of safety=false"
ROOM = os.path.join(ROOT, "cases", "room_4.5m.prm")

CASES = {
    # name: (case file, ranks, --set overrides)
    "slope F=1": (os.path.join(ROOT, "tests", "plasticity", "slope.prm"), 1,
                  [f"Geometry/Gmsh/Mesh file={os.path.join(MESHES, 'slope.msh')}",
                   "Nonlinear solver/Load steps=8", "Nonlinear solver/Maximum iterations=60", NO_FOS]),
    "room bolted F=1": (ROOM, 2, [NO_FOS]),
    "room unbolted F=1": (ROOM, 2, [NO_FOS, "Bolts/Product="]),
    "pull-out plateau": (os.path.join(ROOT, "tests", "bolts", "pullout.prm"), 1,
                         ["Bolts/Head displacement=3e-3", "Nonlinear solver/Load steps=10"]),
    "yielding joint": (os.path.join(ROOT, "tests", "bolts", "joint.prm"), 1,
                       ["Materials/Library directories=materials, ../nonlinear/materials",
                        "Bolts/Product=strong bond bolt", "Bolts/Elements per cell=4",
                        "Boundary conditions/Displacement function/Function expression=0; -4e-3"]),
    "tensionless clay": (ROOM, 2,
                         [NO_FOS, "Materials/Library directories=../materials, ../tests/nonlinear/materials",
                          "Stratigraphy/Layers above floor=ore manto: 2.5, tensionless clay: 0.6, breccia: 1.5, "
                          "sandstone: 3, breccia: 4, sandstone: 8"]),
    "Salencon 2 refinements": (os.path.join(ROOT, "tests", "plasticity", "salencon.prm"), 1,
                               ["Discretization/Global refinements=2"]),
}

METHODS = {
    "newton": ("Newton", None),
    "bt": ("PETSc SNES", "-snes_linesearch_type bt"),
    "l2": ("PETSc SNES", "-snes_linesearch_type l2"),
    "basic": ("PETSc SNES", "-snes_linesearch_type basic"),
}


def run(case, ranks, sets, method, out):
    name, options = METHODS[method]
    cmd = launcher.on_ranks(launcher.roofspan_command(case, out, [f"Nonlinear solver/Method={name}"] + list(sets)),
                            ranks)
    env = dict(os.environ)
    if options:
        env["PETSC_OPTIONS"] = options
    proc = launcher.run(cmd, env=env)
    row = {"exit": proc.code, "seconds": proc.seconds, "load": None, "steps": 0, "cuts": 0,
           "newton": 0, "linear_solves": 0}
    summary = os.path.join(out, "summary.json")
    if proc.code == 0 and os.path.exists(summary):
        with open(summary) as f:
            s = json.load(f)
        row["load"] = 1.0
        for stage in s["stages"]:
            for step in stage["steps"]:
                row["steps"] += 1
                row["cuts"] += step["cuts"]
                row["newton"] += step["newton_iterations"]
        row["linear_solves"] = s["solver"]["linear_solves"]
    else:
        m = re.search(r"load factor ([0-9.eE+-]+)", proc.stderr + proc.stdout)
        row["load"] = float(m.group(1)) if m else None
        row["message"] = (proc.stderr.strip().splitlines() or ["?"])[0][:160]
    # Failed runs write no summary: count what the log shows.
    if proc.code != 0:
        row["steps"] = len(re.findall(r"^    load [0-9.e-]+: \d+ Newton", proc.stdout, re.M))
        row["cuts"] = len(re.findall(r"^    load [0-9.e-]+: not converged", proc.stdout, re.M))
        row["newton"] = sum(int(n) for n in re.findall(r"^    load [0-9.e-]+: (\d+) Newton", proc.stdout, re.M))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated case names (default: all)")
    parser.add_argument("--methods", default="newton,bt,l2,basic")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(CASES)
    methods = args.methods.split(",")
    print(f"{'case':24} {'method':7} {'exit':>4} {'load':>7} {'steps':>5} {'cuts':>4} "
          f"{'Newton':>6} {'solves':>6} {'time':>7}")
    with tempfile.TemporaryDirectory() as scratch:
        for name in names:
            case, ranks, sets = CASES[name]
            for method in methods:
                out = os.path.join(scratch, re.sub(r"\W+", "_", name) + "_" + method)
                r = run(case, ranks, sets, method, out)
                load = f"{r['load']:.4f}" if r["load"] is not None else "?"
                print(f"{name:24} {method:7} {r['exit']:>4} {load:>7} {r['steps']:>5} {r['cuts']:>4} "
                      f"{r['newton']:>6} {r['linear_solves'] or '':>6} {r['seconds']:>6.1f}s", flush=True)
                if "message" in r:
                    print(f"{'':24}   {r['message']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
