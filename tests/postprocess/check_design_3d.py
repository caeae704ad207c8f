"""The design search on a 3D case: the shipped intersection design
(cases/intersection_4.5m.design.toml, plastic units, coarse cells) narrowed
to one candidate (2 x 2.4 m at 2 m, whose check once stalled), with the 2D
room's design beside it (the fast 2D variant of
check_design.py, one candidate). Checks that the 3D runs are 3D and bolted,
that the candidate's status follows from its own numbers and the requirement,
that the report states both required patterns side by side, and that
--beside a folder without a design result is bad input (exit 2).
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from harness import ROOT, Checks, scratch  # noqa: E402

PY = "/usr/bin/python3"  # Debian's Python: numpy and matplotlib for the production model
DESIGN = os.path.join(ROOT, "postprocess", "design.py")
SHIPPED_3D = os.path.join(ROOT, "cases", "intersection_4.5m.design.toml")

ROOM_2D = f"""
title = "room, fast 2D variant"
case = "{os.path.join(ROOT, 'cases', 'room_4.5m.prm')}"
ranks = 2
sets = ["Discretization/Polynomial degree=1", "Geometry/Room and pillar/Cell size at opening=0.2",
        "Stratigraphy/Contacts=", "Nonlinear solver/Load steps=8"]
[candidates]
bolts_per_row = [4]
row_spacing = [1.5]
length = [1.8]
product = ["resin rebar 19mm"]
"""


def narrowed_3d():
    """The shipped 3D design file with its case path absolute and one candidate."""
    with open(SHIPPED_3D) as f:
        text = f.read()
    text = text.replace('case = "intersection_4.5m.prm"',
                        f'case = "{os.path.join(ROOT, "cases", "intersection_4.5m.prm")}"')
    # 2 x 2.4 m at 2 m: the candidate whose check at F = 1.3 once stalled
    # (Newton at F = 1.228 with the l2 line search, no verdict,
    # the search stopped with exit 4); the path now steps past such a stall
    # with the other line search and ends on a verdict.
    for key, value in (("bolts_per_row", "[2]"), ("row_spacing", "[2.0]"), ("length", "[2.4]")):
        text, n = re.subn(rf"^{key} = \[[^\]]*\]", f"{key} = {value}", text, flags=re.M)
        if n != 1:
            raise SystemExit(f"FAILED: {SHIPPED_3D} has no single '{key} = [...]' line")
    return text


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def run(path, out, *extra):
    return subprocess.run([PY, DESIGN, path, "--out", out, "--no-figures", "--no-factor-of-safety", "--quiet",
                           *extra], capture_output=True, text=True)


def main():
    c = Checks("3D design search beside the 2D room")
    work = scratch("design_3d")
    out_2d, out_3d = os.path.join(work, "room"), os.path.join(work, "intersection")

    proc = run(write(work, "room.toml", ROOM_2D), out_2d)
    c.condition("the 2D room's search ends with a verdict (exit 0 or 3)", proc.returncode in (0, 3),
                f"exit {proc.returncode}: {proc.stderr[-400:]}")

    proc = run(write(work, "intersection.toml", narrowed_3d()), out_3d, "--beside", out_2d)
    c.condition("the 3D intersection's search ends with a verdict (exit 0 or 3)", proc.returncode in (0, 3),
                f"exit {proc.returncode}: {proc.stdout[-400:]} {proc.stderr[-400:]}")
    if proc.returncode not in (0, 3):
        c.finish()
    with open(os.path.join(out_3d, "design.json")) as f:
        result = json.load(f)
    [cand] = result["candidates"]
    with open(os.path.join(cand["run_dir"], "summary.json")) as f:
        summary = json.load(f)
    c.condition("the design and its run are 3D", result["dim"] == 3 and summary["dim"] == 3,
                f"design dim {result['dim']}, run dim {summary['dim']}")
    bolts = summary.get("bolts", {})
    c.condition("the run is plastic and bolted (yielded points, bolt forces)",
                summary.get("plasticity", {}).get("yielded_points", 0) > 0 and bolts.get("max_axial_force", 0) > 0,
                f"plasticity {summary.get('plasticity')}, bolts max force {bolts.get('max_axial_force')}")
    req = result["design"]["requirement"]
    expected = (cand["fos_check"] and cand["roof_sag"] <= req["max_roof_sag"]
                and cand["max_bolt_utilisation"] <= req["max_bolt_utilisation"]
                and not bolts.get("pulled_out") and not bolts.get("ruptured"))
    c.condition("the candidate's status follows from its numbers and the requirement",
                (cand["status"] == "meets") == bool(expected),
                f"status {cand['status']}; check at F = {req['min_factor_of_safety']}: {cand['fos_check']}, "
                f"sag {cand['roof_sag']:.4f} m, utilisation {cand['max_bolt_utilisation']:.3f}, "
                f"reasons {cand['reasons']}")
    print(f"  3D candidate {cand['tag']}: {cand['status']}; sag {1000 * cand['roof_sag']:.1f} mm, peak bolt force "
          f"{cand['max_bolt_force'] / 1e3:.1f} kN, check at F = {req['min_factor_of_safety']:g}: {cand['fos_check']}")

    with open(os.path.join(out_3d, "report.md")) as f:
        report = f.read()
    section = report.split("## Beside the other openings", 1)[-1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and "(`cases/" in line]
    c.condition("the report states the intersection's and the room's patterns side by side",
                "## Beside the other openings" in report and len(rows) == 2
                and "3D)" in rows[0] and "2D)" in rows[1], "\n".join(rows) or report[:600])
    c.condition("design.json names the design beside it", result["beside"] == [os.path.abspath(out_2d)],
                str(result["beside"]))
    c.condition("the answer printed names the room beside it", "BESIDE room, fast 2D variant" in proc.stdout,
                proc.stdout[-400:])

    proc = run(write(work, "intersection.toml", narrowed_3d()), os.path.join(work, "bad"), "--beside", work)
    c.condition("--beside a folder without design.json: exit 2 naming it",
                proc.returncode == 2 and "--beside" in proc.stderr and "design.json" in proc.stderr,
                f"exit {proc.returncode}: {proc.stderr.strip()[:300]}")
    c.finish()


if __name__ == "__main__":
    main()
