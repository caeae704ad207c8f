"""Renders the report figures of a real run with postprocess/render_section.py
and checks that they are pictures, not just files: the requested size, many
colours, and the section actually drawn where the drawing goes.

By default runs a small bolted, plastic case (cases/room_4.5m.prm at degree 1,
without the factor of safety), so all three figures are expected.
--run-dir DIR renders an existing output directory instead (no roofspan
needed); bolt_forces.png is then expected only if the run has bolts.
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys

# VTK renders through X and comes with Debian's Python (ParaView's, from
# python3-paraview), which
# CTest's Python may not be: rerun this script with it.
VTK_PYTHON = "/usr/bin/python3"
try:
    import numpy as np
    import vtk
    from vtk.util.numpy_support import vtk_to_numpy
except ImportError:
    if os.path.realpath(sys.executable) == os.path.realpath(VTK_PYTHON):
        raise
    os.execv(VTK_PYTHON, [VTK_PYTHON] + sys.argv)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, run_roofspan, scratch  # noqa: E402

RENDERER = os.path.join(ROOT, "postprocess", "render_section.py")
OPEN_RUN = os.path.join(ROOT, "postprocess", "paraview", "open_run.py")
SIZE = (960, 540)  # not the default, so that --size is exercised
# Where render_section.py puts the section (DRAWING there), a little inside.
DRAWING = (0.05, 0.16, 0.72, 0.86)


def render(run_dir, figures_dir, extra=()):
    command = ["xvfb-run", "-a", VTK_PYTHON, RENDERER, run_dir, "--out", figures_dir] + list(extra)
    if shutil.which("xvfb-run") is None:
        raise SystemExit("FAILED: xvfb-run not found (Debian package xvfb; scripts/setup.sh installs it)")
    return subprocess.run(command, capture_output=True, text=True)


def png_size(path):
    """(width, height) from the IHDR chunk, or None if not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def picture_facts(path):
    """Number of distinct colours, and the fraction of the drawing area that
    differs from the background (the most common colour): a blank or
    text-only image has almost none."""
    reader = vtk.vtkPNGReader()
    reader.SetFileName(path)
    reader.Update()
    width, height, _ = reader.GetOutput().GetDimensions()
    pixels = vtk_to_numpy(reader.GetOutput().GetPointData().GetScalars()).reshape(height, width, -1)[:, :, :3]
    colours, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_counts=True)
    background = colours[counts.argmax()]
    left, bottom, right, top = DRAWING  # image rows run from the bottom up, as in VTK
    drawing = pixels[int(bottom * height):int(top * height), int(left * width):int(right * width)]
    return len(colours), float(np.any(drawing != background, axis=2).mean())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-dir", help="render this existing roofspan output directory instead of running a case")
    args = parser.parse_args()
    if args.run_dir:
        run_dir = os.path.abspath(args.run_dir)
        expected = ["section_deformation.png", "yielded_zone.png"]
        if os.path.isfile(os.path.join(run_dir, "bolts.vtp")):
            expected.append("bolt_forces.png")
        figures_dir = scratch("render_figures")
    else:
        run_dir = scratch("render_room")
        # 3 bolts per row: one stands on the symmetry plane (the left edge).
        run_roofspan(os.path.join(ROOT, "cases", "room_4.5m.prm"), run_dir,
                     sets=["Discretization/Polynomial degree=1", "Strength reduction/Compute factor of safety=false",
                           "Bolts/Bolts per row=3"] + GLUED_ROOM)
        expected = ["section_deformation.png", "yielded_zone.png", "bolt_forces.png"]
        figures_dir = os.path.join(run_dir, "figures")
    shutil.rmtree(figures_dir, ignore_errors=True)  # no stale figure may pass

    checks = Checks(f"render_section.py on {run_dir}")
    result = render(run_dir, figures_dir, ["--size", f"{SIZE[0]}x{SIZE[1]}"])
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    checks.condition("renderer exit code", result.returncode == 0, f"{result.returncode:>14d}")
    for name in expected:
        path = os.path.join(figures_dir, name)
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            checks.condition(f"{name} written", False, "missing or empty")
            continue
        size = png_size(path)
        checks.condition(f"{name} PNG size", size == SIZE, f"{size} for {SIZE}")
        colours, covered = picture_facts(path)
        checks.condition(f"{name} distinct colours", colours >= 16, f"{colours:>14d} (>= 16)")
        checks.condition(f"{name} drawing area covered", covered >= 0.10, f"{100 * covered:13.1f}% (>= 10%)")
    leftovers = sorted(set(os.listdir(figures_dir)) - set(expected)) if os.path.isdir(figures_dir) else []
    checks.condition("no other files (temporaries)", not leftovers, " ".join(leftovers))

    # Every bolt of bolts.csv is drawn in the bolt figure, the one on the
    # symmetry plane included: count the separate bolt lines left after the
    # figure's clipping.
    if os.path.isfile(os.path.join(run_dir, "bolts.csv")):
        sys.path.insert(0, os.path.join(ROOT, "postprocess"))
        import render_section  # noqa: E402
        run = render_section.Run(run_dir)
        tubes = run.bolt_tubes(render_section.bolt_window(run))
        # The lines under the tubes, bolt elements joined at shared nodes.
        joined = render_section.configure(vtk.vtkCleanPolyData(), tubes.GetInputAlgorithm())
        regions = render_section.configure(vtk.vtkPolyDataConnectivityFilter(), joined,
                                           ExtractionModeToAllRegions=())
        regions.Update()
        with open(os.path.join(run_dir, "bolts.csv")) as f:
            listed = sum(1 for line in f) - 1
        drawn = regions.GetNumberOfExtractedRegions()
        checks.condition("every bolt of bolts.csv drawn", drawn == listed, f"{drawn} drawn, {listed} listed")

    # ParaView's own Python on the same machine (python3-paraview beside the
    # VTK the renderer uses): the standard views of the run, as a state for
    # the GUI and as screenshots.
    pvpython = shutil.which("pvpython")
    checks.condition("pvpython installed (python3-paraview)", pvpython is not None, str(pvpython))
    empty = scratch("render_empty")
    if pvpython:
        shots = scratch("paraview_views")
        shutil.rmtree(shots, ignore_errors=True)
        state = os.path.join(shots, "roofspan.pvsm")
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", pvpython, OPEN_RUN, run_dir,
                   "--screenshots", shots, "--state", state, "--size", f"{SIZE[0]}x{SIZE[1]}"]
        result = subprocess.run(command, capture_output=True, text=True)
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr[-2000:])
        checks.condition("open_run.py (pvpython) exit code", result.returncode == 0, f"{result.returncode:>14d}")
        checks.condition("ParaView state opens the run's series",
                         os.path.isfile(state) and "rock.pvd" in open(state).read(), state)
        for name in ("deformed_shape.png", "yielded_zone.png", "bolt_forces.png"):
            path = os.path.join(shots, name)
            if not os.path.isfile(path):
                checks.condition(f"ParaView {name} written", False, "missing")
                continue
            colours, _ = picture_facts(path)
            checks.condition(f"ParaView {name} size and colours", png_size(path) == SIZE and colours >= 16,
                             f"{png_size(path)}, {colours} colours")
        result = subprocess.run(["xvfb-run", "-a", pvpython, OPEN_RUN, empty], capture_output=True, text=True)
        checks.condition("open_run.py on an empty directory: exit code 2 naming it",
                         result.returncode == 2 and empty in result.stderr, result.stderr.strip()[-80:])

    # Bad input: exit code 2 and a message naming the path.
    result = render(empty, os.path.join(empty, "figures"))
    checks.condition("empty directory: exit code 2", result.returncode == 2, f"{result.returncode:>14d}")
    checks.condition("empty directory: message names it", empty in result.stderr, result.stderr.strip()[:60])
    checks.finish()


if __name__ == "__main__":
    main()
