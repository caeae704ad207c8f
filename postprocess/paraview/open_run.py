"""Opens a roofspan run in ParaView with the standard views: the deformed
shape, the yielded zone with the bolts, and the bolt forces, over the run's
time series (stage ends, then strength-reduction steps).

    pvpython postprocess/paraview/open_run.py RUN_DIR [--step N] [--screenshots DIR] [--state FILE]

Writes a ParaView state (default RUN_DIR/roofspan.pvsm) to open in the GUI:
    paraview --state=RUN_DIR/roofspan.pvsm
and with --screenshots one PNG per view (off screen: run under xvfb-run).
ParaView's time is the step number; each step's label, load factor and F
are in its field data and in summary.json ("fields"). --step defaults to
the analysis' own result (fields.final_step).

Needs ParaView's Python (Debian: python3-paraview, which scripts/setup.sh
installs; it brings its own VTK, which postprocess/render_section.py uses too).
"""
import argparse
import json
import os
import sys

try:
    from paraview import simple as pv
except ImportError:
    sys.exit("open_run.py: needs ParaView's Python: run it with pvpython (Debian package python3-paraview)")

YIELD_COLOURS = [(0, "elastic", (0.85, 0.85, 0.85)), (1, "shear", (0.84, 0.15, 0.16)),
                 (2, "tension", (0.12, 0.47, 0.71)), (3, "bedding slip", (1.0, 0.5, 0.05))]


def fail(message):
    print(f"open_run.py: {message}", file=sys.stderr)
    sys.exit(2)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", help="a roofspan output directory")
    parser.add_argument("--step", type=int, help="step of the series to show (default: the analysis' result)")
    parser.add_argument("--screenshots", metavar="DIR", help="write deformed_shape.png, yielded_zone.png, bolt_forces.png")
    parser.add_argument("--state", metavar="FILE", help="ParaView state to write (default RUN_DIR/roofspan.pvsm)")
    parser.add_argument("--size", default="1200x700", help="screenshot size WxH (default 1200x700)")
    return parser.parse_args()


def camera(view, dim, region):
    """Looks at region (bounds: the bolted roof and 3 m around, or the model)."""
    centre = [0.5 * (region[2 * k] + region[2 * k + 1]) for k in range(3)]
    if dim == 2:
        view.InteractionMode = "2D"
        view.CameraPosition, view.CameraViewUp = [centre[0], centre[1], 1], [0, 1, 0]
    else:
        view.CameraPosition, view.CameraViewUp = [centre[0] + 1, centre[1] - 1.6, centre[2] + 0.9], [0, 0, 1]
    view.CameraFocalPoint = centre
    view.ResetCamera(region)


def main():
    args = arguments()
    run = os.path.abspath(args.run_dir)
    try:
        summary = json.load(open(os.path.join(run, "summary.json")))
    except (OSError, ValueError) as error:
        fail(f"{run}: no readable summary.json ({error}); not a roofspan output directory?")
    fields = summary.get("fields", {})
    series = fields.get("series", [])
    rock_pvd, bolts_pvd = os.path.join(run, "rock.pvd"), os.path.join(run, "bolts.pvd")
    if not series or not os.path.isfile(rock_pvd):
        fail(f"{run}: no field series (rock.pvd); written by roofspan with 'Output/Write VTU = true'")
    step = fields.get("final_step", 0) if args.step is None else args.step
    if not 0 <= step < len(series):
        fail(f"--step {step}: the series has steps 0 to {len(series) - 1}")
    dim = summary.get("dim", 2)
    width, height = (int(v) for v in args.size.lower().split("x"))

    rock = pv.PVDReader(registrationName="rock", FileName=rock_pvd)
    bolts = pv.PVDReader(registrationName="bolts", FileName=bolts_pvd) if os.path.isfile(bolts_pvd) else None
    scene = pv.GetAnimationScene()
    scene.UpdateAnimationUsingDataTimeSteps()
    scene.AnimationTime = float(step)
    for reader in filter(None, (rock, bolts)):
        reader.UpdatePipeline(float(step))

    # Deformed shape: warped by the displacement, scaled so that the largest
    # moves 5 % of the model's size.
    bounds = rock.GetDataInformation().GetBounds()
    size = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    largest = summary.get("displacement", {}).get("max_magnitude", 0) or 1.0
    warp = pv.WarpByVector(registrationName="deformed shape", Input=rock)
    warp.Vectors = ["POINTS", "displacement"]
    warp.ScaleFactor = 0.05 * size / largest

    layout = pv.CreateLayout("roofspan")
    views = {}
    for name in ("deformed_shape", "yielded_zone", "bolt_forces"):
        view = pv.CreateView("RenderView")
        view.ViewSize = [width, height]
        view.OrientationAxesVisibility = 1
        pv.AssignViewToLayout(view=view, layout=layout)
        views[name] = view

    shown = pv.Show(warp, views["deformed_shape"])
    pv.ColorBy(shown, ("POINTS", "displacement", "Magnitude"))
    shown.SetScalarBarVisibility(views["deformed_shape"], True)
    pv.GetScalarBar(pv.GetColorTransferFunction("displacement"), views["deformed_shape"]).Title = "|displacement| [m]"
    pv.GetColorTransferFunction("displacement").ApplyPreset("Viridis (matplotlib)", True)
    pv.Text(registrationName="deformed title",
            Text=f"{series[step]['label']}: displacement warped x{warp.ScaleFactor:.3g}")
    pv.Show(pv.FindSource("deformed title"), views["deformed_shape"])

    shown = pv.Show(rock, views["yielded_zone"])
    pv.ColorBy(shown, ("CELLS", "yield_state" if "yield_state" in rock.CellData.keys() else "material_id"))
    lut = pv.GetColorTransferFunction("yield_state")
    lut.InterpretValuesAsCategories = 1
    lut.Annotations = [str(v) for code, label, _ in YIELD_COLOURS for v in (code, label)]
    lut.IndexedColors = [c for _, _, rgb in YIELD_COLOURS for c in rgb]
    shown.SetScalarBarVisibility(views["yielded_zone"], True)

    shown = pv.Show(rock, views["bolt_forces"])
    pv.ColorBy(shown, ("CELLS", "material_id"))
    shown.Opacity = 0.35
    if bolts is not None:
        for name in ("yielded_zone", "bolt_forces"):
            line = pv.Show(bolts, views[name])
            line.LineWidth = 4
            if name == "yielded_zone":
                line.ColorArrayName = ["POINTS", ""]
                line.AmbientColor = line.DiffuseColor = [0, 0, 0]
            else:
                pv.ColorBy(line, ("CELLS", "axial_force"))
                line.SetScalarBarVisibility(views[name], True)
                pv.GetScalarBar(pv.GetColorTransferFunction("axial_force"), views[name]).Title = "axial force [N per bolt]"
                pv.GetColorTransferFunction("axial_force").ApplyPreset("Inferno (matplotlib)", True)
    region = list(rock.GetDataInformation().GetBounds())
    if bolts is not None:
        b = bolts.GetDataInformation().GetBounds()
        region = [max(region[k], b[k] - 3) if k % 2 == 0 else min(region[k], b[k] + 3) for k in range(6)]
    for view in views.values():
        camera(view, dim, region)

    state = args.state or os.path.join(run, "roofspan.pvsm")
    os.makedirs(os.path.dirname(os.path.abspath(state)), exist_ok=True)
    pv.SaveState(state)
    if not os.path.isfile(state):
        fail(f"{state}: ParaView could not write the state")
    print(f"{state}: ParaView state (paraview --state={state}); step {step}: {series[step]['label']}")
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)
        for name, view in views.items():
            path = os.path.join(args.screenshots, name + ".png")
            pv.SetActiveView(view)
            pv.Render(view)
            pv.SaveScreenshot(path, view, ImageResolution=[width, height])
            print(path)
    sys.stdout.flush()
    # Skip the interpreter's teardown: under xvfb, ParaView 5.11 ends with a
    # GLXBadContext X error (exit 1) when it destroys several render views,
    # after everything has been written.
    os._exit(0)


sys.exit(main())
