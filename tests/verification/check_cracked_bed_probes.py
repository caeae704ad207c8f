"""Probe stresses in yielded cells against the quadrature points' stresses,
on a cracked bed (cracked_bed.prm: a clamped no-tension bed under its own
weight, cracked at mid-span bottom and at the ribs' top, carried by a
compressive arch).

In a plastic unit a probe reports the stress the return mapping left at the
nearest Gauss point of its cell. At two sections on a vertical mesh line
beside a crack (mid-span, and two cells from the left rib) the test takes:
  - the thrust N = integral of sigma_xx over the depth "from the points":
    probes exactly at the Gauss points of every cell over the depth, at each
    of the 3 Gauss x-positions of the cells either side of the line,
    integrated with the Gauss weights x the cell height;
  - the section force "from probes": 200 probes evenly over the depth ON
    the mesh line, integrated with the midpoint rule.
Checked: the section force equals the section's Gauss-point thrust within
2 %; the moment about mid-depth from the probes equals that of the Gauss
column the probes sample (the cell left of the line, its right-hand column)
within 2 %; and, as the bed carries only vertical load, the thrust is the
same at every Gauss column (horizontal equilibrium) within 1 %. A stress
recomputed from the strain at the probe (with a neighbouring point's
history) instead gives section forces several times the thrust beside a
crack. Both sections must be cracked (probes at the tension cut-off) for the
test to mean anything."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import Checks, load_summary, run_roofspan, scratch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SPAN, DEPTH, CELL = 4.0, 0.5, 0.0625        # cracked_bed.prm: 64 x 8 cells
TENSILE_STRENGTH = 20e3                     # materials/no_tension_rock.prm
CELLS_OVER_DEPTH = round(DEPTH / CELL)
# QGauss(degree + 1) = 3 points per direction on [0, 1] for Q2.
GAUSS_POINTS = np.array([0.5 - np.sqrt(15) / 10, 0.5, 0.5 + np.sqrt(15) / 10])
GAUSS_WEIGHTS = np.array([5, 8, 5]) / 18
PROBES_ON_LINE = 200                        # 25 per cell: none on a horizontal cell edge
# Vertical mesh lines (cell edges) where the sections are taken, by number of
# cells from the left rib. The cell touching the clamp is avoided: its corner
# singularities spread its Gauss columns' thrusts by 8 %.
SECTIONS = {"mid-span": round(SPAN / 2 / CELL), "rib": 2}
SAMPLED_COLUMN = 2                          # of gauss_columns(): the one a probe on the line takes


def gauss_columns(edge):
    """The Gauss x-positions of the two cells either side of mesh line
    `edge`, left to right. A probe on the line is evaluated in the left cell
    (the containing cell with the smallest centre), so it takes the third
    (SAMPLED_COLUMN)."""
    return [(cell + xi) * CELL for cell in (edge - 1, edge) for xi in GAUSS_POINTS]


def column_heights():
    """The Gauss points of the cells over the depth, bottom up, and their
    integration weights (Gauss weight x cell height)."""
    heights = [(j + zeta) * CELL for j in range(CELLS_OVER_DEPTH) for zeta in GAUSS_POINTS]
    weights = [weight * CELL for j in range(CELLS_OVER_DEPTH) for weight in GAUSS_WEIGHTS]
    return np.array(heights), np.array(weights)


def line_heights():
    """The probes on a mesh line: midpoints of equal intervals over the depth."""
    return (np.arange(PROBES_ON_LINE) + 0.5) * DEPTH / PROBES_ON_LINE


def probe_points():
    points = []
    z_gauss, _ = column_heights()
    for section, edge in SECTIONS.items():
        for c, x in enumerate(gauss_columns(edge)):
            points += [(f"{section}_gauss_{c}_{k}", x, z) for k, z in enumerate(z_gauss)]
        points += [(f"{section}_line_{k}", edge * CELL, z) for k, z in enumerate(line_heights())]
    # repr: the shortest text that reads back as the same double.
    return ", ".join(f"{name}: {float(x)!r} {float(z)!r}" for name, x, z in points)


def largest_principal(s):
    return np.linalg.eigvalsh(np.array([[s["xx"], s["xy"], s["xz"]], [s["xy"], s["yy"], s["yz"]],
                                        [s["xz"], s["yz"], s["zz"]]]))[-1]


def main():
    out = scratch("cracked_bed_probes")
    run_roofspan(os.path.join(HERE, "cracked_bed.prm"), out, sets=[f"Output/Probe points={probe_points()}"])
    s = load_summary(out)
    stress = {p["name"]: p["stress"] for p in s["probes"]}
    z_gauss, w_gauss = column_heights()
    z_line, dz_line = line_heights(), DEPTH / PROBES_ON_LINE

    c = Checks(f"Probe stresses vs Gauss points on a cracked bed (Q{s['degree']}, {s['dofs']} DoFs)")
    yielded = s["plasticity"]["yielded_points"]
    c.condition("yielded quadrature points", yielded > 0, f"{yielded} of {s['cells'] * len(GAUSS_POINTS) ** 2}")

    all_thrusts = []
    for section, edge in SECTIONS.items():
        x_line = edge * CELL
        line = [stress[f"{section}_line_{k}"] for k in range(PROBES_ON_LINE)]
        # The crack: the line's probes at the tension cut-off.
        cracked = np.array([largest_principal(p) >= TENSILE_STRENGTH * (1 - 1e-6) for p in line])
        where = "bottom" if section == "mid-span" else "top"
        end = cracked[0] if where == "bottom" else cracked[-1]
        c.condition(f"{section} x = {x_line} m: cracked from the {where}", bool(end),
                    f"{cracked.sum() * dz_line:.4f} m of {DEPTH} m at the cut-off")

        thrusts, moments = [], []
        for col, x in enumerate(gauss_columns(edge)):
            sxx = np.array([stress[f"{section}_gauss_{col}_{k}"]["xx"] for k in range(len(z_gauss))])
            thrusts.append(w_gauss @ sxx)
            moments.append(w_gauss @ (sxx * (z_gauss - DEPTH / 2)))
            print(f"  {section}: Gauss column x = {x:.6f} m: N = {thrusts[-1] / 1e3:.4f} kN/m, "
                  f"M = {moments[-1] / 1e3:.4f} kNm/m")
        all_thrusts += thrusts
        thrust = np.mean(thrusts)
        print(f"  {section}: spread of the Gauss-column thrusts {100 * np.ptp(thrusts) / abs(thrust):.3f} %")

        sampled = {stress[f"{section}_gauss_{SAMPLED_COLUMN}_{k}"]["xx"] for k in range(len(z_gauss))}
        sxx_line = np.array([p["xx"] for p in line])
        print(f"  {section}: {sum(v in sampled for v in sxx_line)} of {PROBES_ON_LINE} probes on the line report "
              f"exactly a stress of the Gauss column they sample")
        force = dz_line * sxx_line.sum()
        moment = dz_line * (sxx_line * (z_line - DEPTH / 2)).sum()
        c.relative(f"{section}: N probes on x={x_line} [N/m]", force, thrust, 0.02)
        # The probes take the left cell's right-hand Gauss column (the
        # moment varies along x with the shear force, so not the mean).
        c.relative(f"{section}: M probes vs sampled column [Nm/m]", moment, moments[SAMPLED_COLUMN], 0.02)

    mean = np.mean(all_thrusts)
    farthest = max(all_thrusts, key=lambda n: abs(n - mean))
    print(f"  thrust of the bed from the points: {mean / 1e3:.4f} kN/m over {len(all_thrusts)} Gauss columns")
    c.relative("Gauss column thrust farthest from mean [N/m]", farthest, mean, 0.01)
    c.finish()


main()
