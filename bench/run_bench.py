#!/usr/bin/env python3
"""roofspan benchmark ladder: the 3D layered peer-comparison block (Q1, Q2),
the peer-comparison drift (bench/drift.geo through Gmsh, Q1 and Q2; with
--peer alternated with FEniCSx on the same mesh) and the 2D roof section,
from about 1e4 to 2.7e6 DoFs, on 1 and 2 ranks.
Prints DoFs, CG iterations, phase times (mesh, setup, assembly, AMG setup,
CG), total, peak memory (sum of ranks' VmHWM) and DoFs per second.

    bench/run_bench.py [--quick] [--ranks 1,2] [--preconditioner boomeramg|gamg]
                       [--only block-q1|block-q2|drift-q1|drift-q2|section] [--repeat N] [--peer]

Numbers are for reading, not asserting; they go into closing notes."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "postprocess"))
import launcher  # noqa: E402
import output_files  # noqa: E402

ROOT = launcher.ROOT

H = 1.0 / 7.0
LADDERS = {
    # name: (case, [(label, --set overrides, largest?)])
    "block-q1": (os.path.join(HERE, "block.prm"), [
        ("h=0.5", ["Discretization/Polynomial degree=1", "Geometry/Layered block/Cell size=0.5"], False),
        ("h=0.25", ["Discretization/Polynomial degree=1", "Geometry/Layered block/Cell size=0.25"], False),
        ("h=1/7", ["Discretization/Polynomial degree=1", f"Geometry/Layered block/Cell size={H}"], False),
        ("h=1/14", ["Discretization/Polynomial degree=1", f"Geometry/Layered block/Cell size={H}",
                    "Discretization/Global refinements=1"], True),
    ]),
    "block-q2": (os.path.join(HERE, "block.prm"), [
        ("h=0.5", ["Geometry/Layered block/Cell size=0.5"], False),
        ("h=0.25", ["Geometry/Layered block/Cell size=0.25"], False),
        ("h=1/7", [f"Geometry/Layered block/Cell size={H}"], True),
    ]),
    "section": (os.path.join(ROOT, "cases", "room_4.5m.prm"), [
        # The elastic path with AMG (the default case itself is plastic,
        # solved directly, with a factor of safety).
        (f"ref {r}", [f"Discretization/Global refinements={r}", "Output/Write VTU=false",
                      "Output/Write HDF5=false", "Materials/Elastic rock=true",
                      "Linear solver/Preconditioner=boomeramg",
                      "Strength reduction/Compute factor of safety=false"], r == 3)
        for r in range(4)
    ]),
}


DRIFT = os.path.join(HERE, "drift.prm")
LADDERS.update({
    # The drift of bench/drift.geo, meshed by Gmsh at cell size h (the peer
    # reads the same file). Q1: assembled + BoomerAMG; Q2: Operator = auto
    # (matrix-free from 200k DoFs). h = 0.13: 436k cells, 1.4 M Q1 DoFs;
    # h = 0.21: 110k cells, 2.7 M Q2 DoFs (the sizes).
    "drift-q1": (DRIFT, [(f"h={h}", ["Discretization/Polynomial degree=1", f"mesh:{h}"], h == 0.13)
                         for h in (0.5, 0.25, 0.13)]),
    "drift-q2": (DRIFT, [(f"h={h}", [f"mesh:{h}"], h == 0.21) for h in (0.5, 0.3, 0.21)]),
})
PEER_PYTHON = "/usr/bin/python3"  # Debian's, with python3-dolfinx


def drift_mesh(h):
    """bench/drift.geo meshed at cell size h (Gmsh, format 2), cached; written
    under a temporary name and renamed into place (output_files)."""
    path = os.path.join(tempfile.gettempdir(), f"roofspan-bench-drift-h{h}.msh")
    if not os.path.exists(path):
        output_files.replace_file(path, lambda temporary: subprocess.run(
            ["gmsh", "-3", "-setnumber", "h", str(h), os.path.join(HERE, "drift.geo"),
             "-format", "msh2", "-v", "1", "-o", temporary], check=True))
    return path


def expand(sets):
    """--set values, with 'mesh:h' turned into the drift mesh file."""
    return [f"Geometry/Gmsh/Mesh file={drift_mesh(float(s[5:]))}" if s.startswith("mesh:") else s
            for s in sets]


def run_peer(sets, ranks):
    """The FEniCSx peer on the same drift mesh and degree; its JSON line."""
    degree = 1 if "Discretization/Polynomial degree=1" in sets else 2
    mesh = next(s.split("=", 1)[1] for s in expand(sets) if s.startswith("Geometry/Gmsh/Mesh file="))
    cmd = launcher.on_ranks([PEER_PYTHON, os.path.join(HERE, "peer_fenicsx_drift.py"), mesh, "--degree", str(degree)],
                            ranks)
    proc = launcher.run(cmd)
    if proc.code != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"peer run failed: {' '.join(cmd)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(case, sets, ranks, preconditioner):
    with tempfile.TemporaryDirectory() as out:
        cmd = launcher.on_ranks(launcher.roofspan_command(
            case, out, [f"Linear solver/Preconditioner={preconditioner}"] + expand(sets)), ranks)
        proc = launcher.run(cmd)
        if proc.code != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"benchmark run failed: {' '.join(cmd)}")
        with open(os.path.join(out, "summary.json")) as f:
            return json.load(f)


def triad_bandwidth():
    """STREAM-like triad a = b + s c on one core (GB/s, best of 5): these
    virtual machines slow down by 10-40 % from hour to hour, so each report
    says how fast the machine was. The reference machine of the peer figures
    in ../shared/reference/solver-notes.md did 36-41 GB/s."""
    try:
        import time
        import numpy as np
    except ImportError:
        return None
    n = 20_000_000
    b, c, a = np.ones(n), np.ones(n), np.empty(n)
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        np.multiply(c, 3.0, out=a)
        np.add(a, b, out=a)
        best = min(best, time.perf_counter() - t)
    # multiply reads c and writes a, add reads a and b and writes a: 5 streams
    return 5 * 8 * n / best / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the largest size of each ladder")
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--preconditioner", default="boomeramg", choices=["boomeramg", "gamg"])
    ap.add_argument("--only", choices=list(LADDERS))
    ap.add_argument("--peer", action="store_true",
                    help="drift ladders: after each roofspan run, the FEniCSx peer on the same mesh "
                         "(bench/peer_fenicsx_drift.py), alternated, and the ratio of the totals")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run each size N times and print the run with the median total "
                         "(these virtual machines vary by 10-30 %% between runs); with --peer the "
                         "two codes alternate N times and the ratio is that of the medians")
    args = ap.parse_args()

    cols = ("ladder", "size", "np", "DoFs", "its", "mesh", "setup", "assemb", "amg", "cg", "total",
            "mem GB", "DoF/s")
    print(f"roofspan benchmark, preconditioner {args.preconditioner}; times in s, memory = sum of ranks' peak RSS")
    bandwidth = triad_bandwidth()
    if bandwidth:
        print(f"machine: triad {bandwidth:.1f} GB/s on one core (numpy, two passes; compare runs by it)")
    print("{:9s} {:7s} {:>3s} {:>9s} {:>4s} {:>6s} {:>6s} {:>6s} {:>6s} {:>6s} {:>7s} {:>7s} {:>9s}".format(*cols))
    for name, (case, sizes) in LADDERS.items():
        if args.only and name != args.only:
            continue
        for label, sets, largest in sizes:
            if largest and args.quick:
                continue
            totals = {}
            for ranks in (int(r) for r in args.ranks.split(",")):
                # With the peer, the two codes alternate run by run (A B A B):
                # a drift of the machine then hits both alike.
                with_peer = args.peer and name.startswith("drift")
                runs, peer_runs = [], []
                for _ in range(args.repeat):
                    runs.append(run(case, sets, ranks, args.preconditioner))
                    if with_peer:
                        peer_runs.append(run_peer(sets, ranks))
                pairs = [(r["times"]["total"], p["total_without_jit"]) for r, p in zip(runs, peer_runs)]
                runs.sort(key=lambda r: r["times"]["total"])
                peer_runs.sort(key=lambda p: p["total_without_jit"])
                s = runs[len(runs) // 2]
                t = s["times"]
                totals[ranks] = t["total"]
                print(f"{name:9s} {label:7s} {ranks:3d} {s['dofs']:9d} {s['solver']['iterations']:4d} "
                      f"{t.get('mesh', 0):6.2f} {t['setup']:6.2f} {t['assembly']:6.2f} {t.get('preconditioner_setup', t.get('amg_setup', 0)):6.2f} "
                      f"{t.get('linear_solve', t.get('cg', 0)):6.2f} {t['total']:7.2f} {s['memory']['peak_rss_sum'] / 1e9:7.2f} "
                      f"{s['dofs'] / t['total']:9.0f}", flush=True)
                if with_peer:
                    p = peer_runs[len(peer_runs) // 2]
                    pt = p["times"]
                    print(f"{'  peer':9s} {label:7s} {ranks:3d} {p['dofs']:9d} {p['iterations']:4d} "
                          f"{pt['mesh']:6.2f} {pt['setup']:6.2f} {pt['assembly']:6.2f} {pt['amg_setup']:6.2f} "
                          f"{pt['cg']:6.2f} {p['total_without_jit']:7.2f} {p['peak_rss_sum'] / 1e9:7.2f} "
                          f"{p['dofs'] / p['total_without_jit']:9.0f}", flush=True)
                    print(f"  -> roofspan {p['total_without_jit'] / t['total']:.2f} x faster than FEniCSx, "
                          f"{s['memory']['peak_rss_sum'] / s['dofs']:.0f} B/DoF against "
                          f"{p['peak_rss_sum'] / p['dofs']:.0f}; max |u| {s['displacement']['max_magnitude']:.9e} "
                          f"against {p['max_displacement']:.9e} m; roofspan operator {s['solver']['operator']}",
                          flush=True)
                    if len(pairs) > 1:
                        ratios = sorted(b / a for a, b in pairs)
                        print(f"  -> medians of {len(pairs)} alternated pairs; ratio per pair "
                              f"{ratios[0]:.2f}-{ratios[-1]:.2f}; roofspan totals "
                              + ", ".join(f"{a:.1f}" for a, _ in pairs) + " s; FEniCSx "
                              + ", ".join(f"{b:.1f}" for _, b in pairs) + " s", flush=True)
            if 1 in totals:
                for ranks, total in totals.items():
                    if ranks > 1:
                        print(f"  -> strong scaling {name} {label}, 1 -> {ranks} ranks: speed-up "
                              f"{totals[1] / total:.2f}, efficiency {totals[1] / (ranks * total):.2f}", flush=True)


main()
