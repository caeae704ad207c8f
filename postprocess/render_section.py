#!/usr/bin/python3
"""Renders report figures of a roofspan run to PNG, without a screen.

Reads a run directory as ParaView does (the analysis' own step of the
solution.pvd series, summary.json's fields.final_step, and bolts.vtp) and
draws a section (2D: the model; 3D: a vertical cut
through the largest displacement): section_deformation.png, yielded_zone.png,
bolt_forces.png; runs without bolts or plasticity get what applies, with a
note. VTK draws through X even off screen: without $DISPLAY the command
restarts itself under `xvfb-run -a`. Needs a Python VTK: ParaView's
(python3-paraview, which scripts/setup.sh installs) or python3-vtk9.

usage: /usr/bin/python3 render_section.py RUN_DIR [--out DIR] [--size 1600x900]
"""
import argparse
import glob
import json
import math
import os
import re
import shutil
import sys
import textwrap
import xml.etree.ElementTree as ElementTree

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_errors  # noqa: E402
import output_files  # noqa: E402
import vtk
from matplotlib import colormaps
from matplotlib.ticker import MaxNLocator
from vtk.util.numpy_support import numpy_to_vtk, vtk_to_numpy

# Codes 1, 2, 3 of the yield_state field (YieldMode in materials/constitutive_model.h).
YIELD_STATES = [("shear", "#d62728"), ("tension", "#1f77b4"), ("bedding slip", "#ff7f0e")]
# Muted, so that the yield states and bolts drawn over them stand out.
LAYER_COLOURS = ["#cbbd9f", "#a9b79a", "#c2a99a", "#9fb1bf", "#d6c9a9", "#b4a9bf", "#bfc9b0", "#cdb8aa"]
# Where the drawing goes in the window (normalised x0, y0, x1, y1): the rest
# holds the title (top), the caption (bottom), the keys (right).
DRAWING = (0.03, 0.14, 0.74, 0.88)


class InputError(Exception):
    """A run directory this script cannot read (the CLI exits with 2)."""


def configure(target, source=None, **settings):
    """Calls target.Set<Name>(value) per setting (tuples spread) and feeds it
    from source: keeps VTK pipelines short enough to read. Takes the filter,
    not its output port, because a port does not keep its filter alive."""
    if source is not None:
        target.SetInputConnection(source.GetOutputPort())
    for name, value in settings.items():
        getattr(target, "Set" + name)(*value if isinstance(value, tuple) else (value,))
    return target


def find_parts(run_dir):
    """Paths of the rock data and of bolts.vtp (None if the run has no bolts)."""
    if not os.path.isdir(run_dir):
        raise InputError(f"{run_dir}: no such directory")
    pvd, rock, bolts = os.path.join(run_dir, "solution.pvd"), None, None
    fields = read_summary(run_dir).get("fields", {})
    if os.path.isfile(pvd) and fields.get("series"):
        # The series runs on through the strength-reduction steps; the
        # figures show the analysis' own result, its last stage end.
        final = fields["series"][fields.get("final_step", 0)]
        rock = os.path.join(run_dir, final["rock"])
        bolts = os.path.join(run_dir, "bolts.vtp") if os.path.isfile(os.path.join(run_dir, "bolts.vtp")) else None
    elif os.path.isfile(pvd):
        try:
            datasets = list(ElementTree.parse(pvd).getroot().iter("DataSet"))
        except ElementTree.ParseError as error:
            raise InputError(f"{pvd}: not a readable .pvd file ({error})")
        for dataset in datasets:
            path = os.path.join(run_dir, dataset.get("file", ""))
            if dataset.get("name") == "bolts" or path.endswith(".vtp"):
                bolts = path
            else:
                rock = path  # the last time step
    else:
        rock = (sorted(glob.glob(os.path.join(run_dir, "solution_*.pvtu"))) or [None])[-1]
        bolts = next(iter(glob.glob(os.path.join(run_dir, "bolts.vtp"))), None)
    if rock is None:
        raise InputError(f"{run_dir}: no solution.pvd or solution_*.pvtu (not a roofspan output directory?)")
    for path in filter(None, (rock, bolts)):
        if not os.path.isfile(path):
            raise InputError(f"{path}: listed in {pvd} but missing")
    return rock, bolts


def read_summary(run_dir):
    path = os.path.join(run_dir, "summary.json")
    try:
        return json.load(open(path)) if os.path.isfile(path) else {}
    except (OSError, ValueError):
        return {}


def read(path):
    reader = configure(vtk.vtkXMLGenericDataObjectReader(), FileName=path)
    reader.Update()
    if reader.GetOutput() is None or reader.GetOutput().GetNumberOfPoints() == 0:
        raise InputError(f"{path}: no data VTK can read")
    return reader.GetOutput()


def add_array(data, name, values):
    data.AddArray(configure(numpy_to_vtk(np.ascontiguousarray(values, dtype=float), deep=True), Name=name))


def rgb(colour):
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def nice_number(x):
    """Largest 1, 2 or 5 x 10^k not above x: a number one can quote."""
    decade = 10 ** math.floor(math.log10(x))
    return next(m * decade for m in (5, 2, 1) if m * decade <= x)


class Section:
    """The picture plane: which world axes are across, up and towards the
    camera (2D: x, y, +z; 3D: x, z, -y), and where the 3D cut is."""

    def __init__(self, bounds, summary):
        self.dim = 3 if bounds[5] > bounds[4] else 2
        self.up, self.normal = (1, 2) if self.dim == 2 else (2, 1)
        self.towards_camera = 1 if self.dim == 2 else -1
        self.plane = 0.0
        if self.dim == 3:  # through the largest displacement, just off element faces
            lo, hi = bounds[2], bounds[3]
            at = summary.get("displacement", {}).get("max_location", [0, (lo + hi) / 2])[1]
            self.plane = min(max(at, lo) + 1e-3 * (hi - lo), hi - 1e-3 * (hi - lo))

    def point(self, across, up, normal):
        p = [0.0, 0.0, 0.0]
        p[0], p[self.up], p[self.normal] = across, up, normal
        return p

    def extent(self, data):
        b = data.GetBounds()
        return b[0], b[1], b[2 * self.up], b[2 * self.up + 1]

    def cut(self, source):
        if self.dim == 2:
            return configure(vtk.vtkGeometryFilter(), source)
        plane = configure(vtk.vtkPlane(), Origin=self.point(0, 0, self.plane), Normal=self.point(0, 0, 1))
        return configure(vtk.vtkCutter(), source, CutFunction=plane)

    def clip(self, source, window):
        """Cuts to the window exactly, one edge at a time."""
        x0, x1, y0, y1 = window
        for origin, normal in (((x0, 0), (1, 0)), ((x1, 0), (-1, 0)), ((0, y0), (0, 1)), ((0, y1), (0, -1))):
            edge = configure(vtk.vtkPlane(), Origin=self.point(*origin, 0), Normal=self.point(*normal, 0))
            source = configure(vtk.vtkClipPolyData(), source, ClipFunction=edge)
        source.Update()
        return source

    def in_front(self, source, offset, flatten=False):
        """Moves what is drawn over the section towards the camera; flatten
        projects 3D bolts of every row onto the cut."""
        transform = vtk.vtkTransform()
        transform.Translate(self.point(0, 0, (self.plane if flatten else 0) + self.towards_camera * offset))
        if flatten:
            transform.Scale(self.point(1, 1, 0))
        return configure(vtk.vtkTransformPolyDataFilter(), source, Transform=transform)


def window_around(box, pad, limits):
    """box (x0, x1, y0, y1) grown by pad, kept inside limits."""
    return (max(limits[0], box[0] - pad), min(limits[1], box[1] + pad),
            max(limits[2], box[2] - pad), min(limits[3], box[3] + pad))


class Run:
    """One output directory, read and prepared: the rock cut to the section
    with the fields the figures colour by, the bolts, the summary."""

    def __init__(self, output_dir):
        rock_path, bolts_path = find_parts(output_dir)
        summary_path = os.path.join(output_dir, "summary.json")
        self.summary = json.load(open(summary_path)) if os.path.isfile(summary_path) else {}
        self.case = self.summary.get("case", os.path.basename(os.path.abspath(output_dir)))
        rock = read(rock_path)
        fields = rock.GetPointData()
        if not fields.HasArray("displacement"):
            raise InputError(f"{rock_path}: no displacement field")
        self.section = Section(rock.GetBounds(), self.summary)
        u = vtk_to_numpy(fields.GetArray("displacement"))
        in_plane = u.copy()
        in_plane[:, self.section.normal] = 0  # 3D: warping along the view would show nothing
        self.u_max_mm, self.u_in_plane_max = 1000 * np.linalg.norm(u, axis=1).max(), np.linalg.norm(in_plane, axis=1).max()
        add_array(fields, "|u| [mm]", 1000 * np.linalg.norm(u, axis=1))
        add_array(fields, "in-plane u", in_plane)
        # Categories are per cell (cell data; older runs: constant point data
        # per cell, as deal.II wrote them), so cutting cannot blend layers.
        cells = rock.GetCellData()
        categories = cells if cells.HasArray("material_id") else fields
        material = (np.rint(vtk_to_numpy(categories.GetArray("material_id"))).astype(int)
                    if categories.HasArray("material_id")
                    else np.zeros(categories.GetNumberOfTuples() or len(u), dtype=int))
        ids, regions = sorted(set(material.tolist())), self.summary.get("regions", {})
        self.layers = [(regions.get(str(m), {}).get("label", f"material {m}"), LAYER_COLOURS[i % len(LAYER_COLOURS)])
                       for i, m in enumerate(ids)]
        add_array(categories, "layer", np.searchsorted(ids, material))
        self.has_yield = categories.HasArray("yield_state")
        self.yield_modes = []
        if self.has_yield:
            state = np.clip(np.rint(vtk_to_numpy(categories.GetArray("yield_state"))).astype(int), 0, 3)
            # The key names only the modes that occur (no "bedding slip"
            # where no unit has a bedding plane).
            self.yield_modes = [YIELD_STATES[k - 1] for k in sorted(set(state.tolist()) - {0})]
            add_array(categories, "layer or yield",
                      np.where(state > 0, len(ids) + state - 1, np.searchsorted(ids, material)))
        self.cut = self.section.cut(configure(vtk.vtkPointDataToCellData(), PassPointData=True, InputData=rock))
        self.cut.Update()
        self.window = self.opening_window()
        self.bolts = read(bolts_path) if bolts_path else None
        if self.bolts is not None:
            add_array(self.bolts.GetCellData(), "axial force [kN]",
                      vtk_to_numpy(self.bolts.GetCellData().GetArray("axial_force")) / 1e3)

    def opening_window(self):
        """Room models: the opening and the roof above it (x = 0 is the room
        centre line); other models: around the points that moved most."""
        limits = self.section.extent(self.cut.GetOutput())
        span = re.search(r"span ([0-9.]+)", self.summary.get("model", ""))
        roof = self.summary.get("roof", {}).get("elevation")
        if span and roof is not None:
            return window_around((limits[0], float(span.group(1)) + 2, -1, roof + 4), 0, limits)
        points = vtk_to_numpy(self.cut.GetOutput().GetPoints().GetData())[:, [0, self.section.up]]
        magnitude = vtk_to_numpy(self.cut.GetOutput().GetPointData().GetArray("|u| [mm]"))
        if magnitude.max() <= 0:
            return limits
        moved = points[magnitude >= 0.25 * magnitude.max()]
        lo, hi = moved.min(axis=0), moved.max(axis=0)
        pad = max(0.5 * (hi - lo).max(), 0.05 * max(limits[1] - limits[0], limits[3] - limits[2]))
        return window_around((lo[0], hi[0], lo[1], hi[1]), pad, limits)

    def bolt_tubes(self, window):
        radius = 0.005 * max(window[1] - window[0], window[3] - window[2])
        bolts = configure(vtk.vtkTrivialProducer(), Output=self.bolts)
        # A bolt on the symmetry plane (the room's centre line) lies on the
        # window's edge: clipping at the edge itself would drop it, so the
        # bolts are clipped a tube's width outside the window.
        grown = (window[0] - 2 * radius, window[1] + 2 * radius, window[2], window[3])
        lines = self.section.clip(self.section.in_front(bolts, 3 * radius, flatten=self.section.dim == 3), grown)
        return configure(vtk.vtkTubeFilter(), lines, Radius=radius, NumberOfSides=12)


def colour_map(name, lo, hi):
    lut = configure(vtk.vtkLookupTable(), NumberOfTableValues=256, TableRange=(lo, max(hi, lo + 1e-9)))
    for i in range(256):
        lut.SetTableValue(i, *colormaps[name](i / 255))
    return lut


def category_map(colours):
    """Integer category i -> colours[i] (r, g, b), exactly."""
    lut = configure(vtk.vtkLookupTable(), NumberOfTableValues=len(colours), TableRange=(-0.5, len(colours) - 0.5))
    for i, colour in enumerate(colours):
        lut.SetTableValue(i, *colour, 1.0)
    return lut


def actor(source, array=None, lut=None, on_cells=False, colour=(0, 0, 0), flat=True):
    """flat: true colours, as a section is a picture, not a lit surface."""
    mapper = configure(vtk.vtkPolyDataMapper(), source, ScalarVisibility=bool(array), LookupTable=lut,
                       ScalarMode=vtk.VTK_SCALAR_MODE_USE_CELL_FIELD_DATA if on_cells
                       else vtk.VTK_SCALAR_MODE_USE_POINT_FIELD_DATA, UseLookupTableScalarRange=True)
    mapper.SelectColorArray(array or "")
    made = configure(vtk.vtkActor(), Mapper=mapper)
    configure(made.GetProperty(), Color=colour, Ambient=1.0 if flat else 0.1, Diffuse=0.0 if flat else 0.7)
    return made


class Figure:
    """One picture: the section framed in DRAWING, a title, a caption, keys
    on the right and a scale bar."""

    def __init__(self, size, section, window, title, caption):
        self.size, self.section, self.window = size, section, window
        self.font = max(10, round(size[1] / 900 * 17))
        self.renderer = configure(vtk.vtkRenderer(), Background=(1, 1, 1))
        self.text(title, (0.02, 0.97), round(1.5 * self.font), Bold=True)
        # Wrapped to the picture's width (about 0.55 font sizes per character).
        columns = max(40, int(0.96 * size[0] / (0.55 * self.font)))
        caption = "\n".join(textwrap.fill(line, columns) for line in caption.split("\n"))
        self.text(caption, (0.02, 0.02), self.font, VerticalJustification=vtk.VTK_TEXT_BOTTOM)

    def text(self, string, position, font, world=False, **style):
        label = configure(vtk.vtkTextActor(), Input=string)
        configure(label.GetPositionCoordinate(), CoordinateSystem=vtk.VTK_WORLD if world else vtk.VTK_NORMALIZED_VIEWPORT,
                  Value=tuple(position))
        configure(label.GetTextProperty(), FontSize=font, Color=(0, 0, 0),
                  **{"VerticalJustification": vtk.VTK_TEXT_TOP, **style})
        self.renderer.AddActor2D(label)

    def scalar_bar(self, lut, title):
        lo, hi = lut.GetTableRange()
        ticks = vtk.vtkDoubleArray()
        for tick in (t for t in MaxNLocator(6).tick_values(lo, hi) if lo <= t <= hi):
            ticks.InsertNextValue(tick)
        bar = configure(vtk.vtkScalarBarActor(), LookupTable=lut, Title=title, UseCustomLabels=True,
                        CustomLabels=ticks, LabelFormat="%g", UnconstrainedFontSize=True, Position=(0.80, 0.2),
                        Width=0.12, Height=0.62)
        for style in (bar.GetTitleTextProperty(), bar.GetLabelTextProperty()):
            configure(style, Color=(0, 0, 0), FontSize=self.font, Italic=False, Shadow=False)
        self.renderer.AddActor2D(bar)

    def mark(self, shape, colour):
        """A shape drawn in pixels."""
        mark = configure(vtk.vtkActor2D(), Mapper=configure(vtk.vtkPolyDataMapper2D(), shape))
        configure(mark.GetProperty(), Color=colour, LineWidth=3)
        self.renderer.AddActor2D(mark)

    def legend(self, entries):
        """Categorical key: a filled square and a black label per entry
        (vtkLegendBoxActor would colour the labels as well)."""
        width, height = self.size
        side = 0.9 * self.font
        for i, (label, colour) in enumerate(entries):
            x, y = 0.77 * width, (0.84 - 0.05 * i) * height
            self.mark(configure(vtk.vtkPlaneSource(), Origin=(x, y, 0), Point1=(x + side, y, 0),
                                Point2=(x, y + side, 0)), rgb(colour))
            self.text(label, ((x + 1.6 * side) / width, (y - 0.1 * side) / height), self.font,
                      VerticalJustification=vtk.VTK_TEXT_BOTTOM)

    def symmetry_lines(self, summary, limits):
        """Dash-dot lines on the symmetry planes the section crosses (the
        room's centre line at x = 0, the pillar's at the far edge), each
        named at its top: the model is a half room beside half a pillar."""
        conditions = str(summary.get("boundary_conditions", ""))
        planes = [(x, name) for x, boundary, name in ((limits[0], "room_centre", "room centre line"),
                                                      (limits[1], "pillar_centre", "pillar centre line"))
                  if re.search(boundary + r": (roller|symmetry)", conditions)]
        x0, x1, y0, y1 = self.window
        dash = (y1 - y0) / 40
        s = self.section
        for x, name in planes:
            if not x0 - 1e-9 <= x <= x1 + 1e-9:
                continue
            points, lines = vtk.vtkPoints(), vtk.vtkCellArray()
            y, long_dash = y0, True
            while y < y1:  # dash, gap, dot, gap
                length = dash if long_dash else 0.2 * dash
                end = min(y + length, y1)
                ids = [points.InsertNextPoint(s.point(x, v, s.plane + s.towards_camera * 1e-3 * dash)) for v in (y, end)]
                lines.InsertNextCell(2, ids)
                y, long_dash = end + 0.5 * dash, not long_dash
            line = vtk.vtkPolyData()
            line.SetPoints(points)
            line.SetLines(lines)
            mark = actor(configure(vtk.vtkTrivialProducer(), Output=line), colour=(0.25, 0.25, 0.25))
            mark.GetProperty().SetLineWidth(2)
            self.renderer.AddActor(mark)
            inside = 0.01 * (x1 - x0) * (1 if x == limits[0] else -1)
            self.text(name, s.point(x + inside, y1, s.plane + s.towards_camera * 5.0), self.font, world=True,
                      Justification=vtk.VTK_TEXT_LEFT if x == limits[0] else vtk.VTK_TEXT_RIGHT, Italic=True)

    def write(self, path):
        """Frames the window in DRAWING (parallel projection), adds a scale
        bar, and writes the PNG under a temporary name first, so that a
        reader never sees half a file."""
        (width, height), (x0, x1, y0, y1), s = self.size, self.window, self.section
        left, bottom, right, top = DRAWING
        metres_per_pixel = max((x1 - x0) / ((right - left) * width), (y1 - y0) / ((top - bottom) * height))
        across = (x0 + x1) / 2 + (0.5 - (left + right) / 2) * width * metres_per_pixel
        up = (y0 + y1) / 2 + (0.5 - (bottom + top) / 2) * height * metres_per_pixel
        configure(self.renderer.GetActiveCamera(), ParallelProjection=True, FocalPoint=s.point(across, up, s.plane),
                  Position=s.point(across, up, s.plane + s.towards_camera * 1000 * (x1 - x0 + y1 - y0)),
                  ViewUp=s.point(0, 1, 0), ParallelScale=height * metres_per_pixel / 2)
        self.renderer.ResetCameraClippingRange()
        length = nice_number(0.12 * width * metres_per_pixel)
        self.mark(configure(vtk.vtkLineSource(), Point1=(0.8 * width, 0.14 * height, 0),
                            Point2=(0.8 * width + length / metres_per_pixel, 0.14 * height, 0)), (0, 0, 0))
        self.text(f"{length:g} m", (0.8, 0.14 + 8 / height), self.font, VerticalJustification=vtk.VTK_TEXT_BOTTOM)
        window = configure(vtk.vtkRenderWindow(), OffScreenRendering=1, Size=(width, height))
        window.AddRenderer(self.renderer)
        window.Render()
        image = configure(vtk.vtkWindowToImageFilter(), Input=window, ReadFrontBuffer=False)

        def write_png(temporary):
            writer = configure(vtk.vtkPNGWriter(), image, FileName=temporary)
            writer.Write()
            if writer.GetErrorCode() or not os.path.getsize(temporary):
                raise OSError(f"{temporary}: could not write the PNG")
        try:
            output_files.replace_file(path, write_png)
        finally:
            window.Finalize()
        return path


def notes(run):
    """What the captions say about the bolts and the cut."""
    bolts = " No bolts in this run." if run.bolts is None else \
        " Bolts of every row projected onto the section." if run.section.dim == 3 else ""
    centre = " Left edge at x = 0: the room's centre line (a symmetry plane; the model is a half room)." \
        if str(run.summary.get("model", "")).startswith("roof section") else ""
    return bolts + centre + (f" Vertical section at y = {run.section.plane:.2f} m." if run.section.dim == 3 else "")


def deformation_figure(run, size, path):
    """The deformed section, exaggerated so that the largest displacement
    shows as about 5 % of the window height, over the undeformed outline."""
    window = run.window
    factor = nice_number(0.05 * (window[3] - window[2]) / run.u_in_plane_max) if run.u_in_plane_max > 0 else 1
    warp = configure(vtk.vtkWarpVector(), run.section.clip(run.cut, window), ScaleFactor=factor)
    warp.SetInputArrayToProcess(0, 0, 0, vtk.vtkDataObject.FIELD_ASSOCIATION_POINTS, "in-plane u")
    merged = configure(vtk.vtkCleanPolyData(), run.cut)  # else every cell edge is a boundary
    outline = configure(vtk.vtkFeatureEdges(), merged, FeatureEdges=False, NonManifoldEdges=False, ManifoldEdges=False)
    lift = 0.002 * max(window[1] - window[0], window[3] - window[2])
    outline = run.section.in_front(run.section.clip(outline, window), lift)
    colours = colour_map("viridis", 0, run.u_max_mm)
    roof = run.summary.get("roof", {})
    sag = (f" Roof sag {1000 * roof['sag_mid_span']:.1f} mm at mid-span, largest {1000 * roof['sag_max']:.1f} mm."
           if "sag_mid_span" in roof else "")
    figure = Figure(size, run.section, window, f"{run.case}: deformation caused by excavation",
                    f"Deformed section coloured by |u|, displacement exaggerated x{factor:g} (largest |u| "
                    f"{run.u_max_mm:.1f} mm).{sag}\nThin line: undeformed outline.{notes(run)}")
    figure.renderer.AddActor(actor(warp, "|u| [mm]", colours))
    figure.renderer.AddActor(actor(outline, colour=(0.12, 0.12, 0.12)))
    figure.scalar_bar(colours, "|u| [mm]")
    print(f"{path}: displacement exaggerated x{factor:g}")
    figure.symmetry_lines(run.summary, run.section.extent(run.cut.GetOutput()))
    return figure.write(path)


def yield_figure(run, size, path):
    """Rock layers, the cells that yielded coloured by mode, the bolts."""
    plasticity = run.summary.get("plasticity", {})
    if run.has_yield:
        height = plasticity.get("yielded_zone_height_above_roof")
        caption = (f"Yielded cells by mode (shear where a cell has both): {plasticity.get('yielded_points', '?')} "
                   "yielded quadrature points" + ("" if height is None else f", up to {height:.2f} m above the roof"))
    else:
        caption = "Elastic run: no yield_state field, layers only"
        print(f"{path}: no yield_state field (elastic run), layers only")
    caption += "." + (" Black: bolts." if run.bolts is not None else "")
    figure = Figure(size, run.section, run.window, f"{run.case}: rock layers and yielded zone", caption + notes(run))
    shown = run.section.clip(run.cut, run.window)
    colours = run.layers + (YIELD_STATES if run.has_yield else [])
    figure.renderer.AddActor(actor(shown, "layer or yield" if run.has_yield else "layer",
                                   category_map([rgb(colour) for _, colour in colours]), on_cells=True))
    if run.bolts is not None:
        figure.renderer.AddActor(actor(run.bolt_tubes(run.window), flat=False))
    visible = set(vtk_to_numpy(shown.GetOutput().GetCellData().GetArray("layer")).astype(int).tolist())
    figure.legend([entry for i, entry in enumerate(run.layers) if i in visible] + run.yield_modes)
    figure.symmetry_lines(run.summary, run.section.extent(run.cut.GetOutput()))
    return figure.write(path)


def bolt_window(run):
    """The part of the section the bolt figure shows: the bolts and half as much around them."""
    box = run.section.extent(run.bolts)
    return window_around(box, 0.5 * max(box[1] - box[0], box[3] - box[2]), run.section.extent(run.cut.GetOutput()))


def bolt_figure(run, size, path):
    """Bolts coloured by axial force over pale layers, zoomed onto the bolts,
    each labelled with its peak force from summary.json."""
    s = run.section
    window = bolt_window(run)
    forces = vtk_to_numpy(run.bolts.GetCellData().GetArray("axial force [kN]"))
    colours = colour_map("plasma", min(0.0, float(forces.min())), float(forces.max()))
    facts = run.summary.get("bolts", {})
    caption = (f"{facts['pattern']} ({facts['type']}); largest utilisation {facts['max_utilisation']:.2f} of the "
               f"yield force {facts['yield_force'] / 1e3:.1f} kN; yielded {facts['yielded']}, pulled out "
               f"{facts['pulled_out']}, ruptured {facts['ruptured']}.\n" if "pattern" in facts else "")
    peak = facts.get("max_axial_force", 1e3 * float(forces.max())) / 1e3
    figure = Figure(size, s, window, f"{run.case}: bolt axial force, largest {peak:.1f} kN per bolt",
                    caption + "Labels: peak force of each bolt. Pale: rock layers." + notes(run))
    pale = [tuple(0.35 * c + 0.65 for c in rgb(colour)) for _, colour in run.layers]
    figure.renderer.AddActor(actor(s.clip(run.cut, window), "layer", category_map(pale), on_cells=True))
    figure.renderer.AddActor(actor(run.bolt_tubes(window), "axial force [kN]", colours, on_cells=True, flat=False))
    peaks = {}  # 3D: the rows fall on one another; label the largest
    for bolt in facts.get("list", []):
        at = (round(bolt["collar"][0], 3), round(bolt["collar"][-1], 3))
        peaks[at] = max(peaks.get(at, 0.0), bolt["peak_axial_force"] / 1e3)
    for (across, up), kilonewtons in peaks.items():
        figure.text(f"{kilonewtons:.1f} kN", s.point(across, up - 0.02 * (window[3] - window[2]), s.plane + s.towards_camera),
                    figure.font, world=True, Justification=vtk.VTK_TEXT_CENTERED)
    figure.scalar_bar(colours, "axial force [kN]")
    figure.symmetry_lines(run.summary, run.section.extent(run.cut.GetOutput()))
    return figure.write(path)


FIGURES = ("section_deformation.png", "yielded_zone.png", "bolt_forces.png")


def render(output_dir, figures_dir, size=(1600, 900)):
    """Writes the figures of the run in output_dir; returns their paths."""
    run = Run(output_dir)
    os.makedirs(figures_dir, exist_ok=True)
    written = [deformation_figure(run, size, os.path.join(figures_dir, "section_deformation.png")),
               yield_figure(run, size, os.path.join(figures_dir, "yielded_zone.png"))]
    if run.bolts is None:
        print("bolt_forces.png skipped: no bolts.vtp in this run")
    else:
        written.append(bolt_figure(run, size, os.path.join(figures_dir, "bolt_forces.png")))
    return written


def main(argv=None):
    parser = cli_errors.OneLineArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a roofspan output directory")
    parser.add_argument("--out", help="where to write the PNGs (default RUN_DIR/figures)")
    parser.add_argument("--size", default="1600x900", help="image size in pixels, WxH (default 1600x900)")
    args = parser.parse_args(argv)
    match = re.fullmatch(r"(\d+)x(\d+)", args.size)
    if not match or min(map(int, match.groups())) < 100 or max(map(int, match.groups())) > 8000:
        parser.error(f"--size {args.size}: expected WxH in pixels, each from 100 to 8000, e.g. 1600x900")
    if not os.path.isdir(args.run_dir):
        raise InputError(f"{args.run_dir}: no such directory (expected a roofspan output directory)")
    figures_dir = args.out or os.path.join(args.run_dir, "figures")
    problem = output_files.output_folder_problem(figures_dir, "--out") or output_files.not_regular_problem(
        [os.path.join(figures_dir, name) for name in FIGURES], "--out")
    if problem:
        raise InputError(problem)
    if not os.environ.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            sys.exit("render_section.py: no $DISPLAY and no xvfb-run (Debian package xvfb): VTK cannot render")
        os.execvp("xvfb-run", ["xvfb-run", "-a", sys.executable] + sys.argv)
    render(args.run_dir, figures_dir, tuple(map(int, match.groups())))
    return 0


if __name__ == "__main__":
    sys.exit(cli_errors.run(main, "render_section.py", (InputError,)))
