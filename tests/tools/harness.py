"""Shared helpers of roofspan's test drivers (standard library only).

Every driver gets the roofspan executable from $ROOFSPAN and a scratch
directory from $ROOFSPAN_TEST_DIR (set by CTest), runs cases through
run_roofspan(), and fails by raising SystemExit with a readable message.
How roofspan is found and launched is postprocess/launcher.py's (ROOT and
EXE are its, re-exported here); drivers that start runs themselves use it
directly (`launcher`).
"""
import json
import math
import re
import os
import shutil
import subprocess
import sys

_POSTPROCESS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            "postprocess")
if _POSTPROCESS not in sys.path:
    sys.path.insert(0, _POSTPROCESS)
import launcher  # noqa: E402

ROOT, EXE = launcher.ROOT, launcher.EXE  # for the drivers

SCRATCH = os.environ.get("ROOFSPAN_TEST_DIR", os.path.join(ROOT, "build", "test-output"))


def scratch(name):
    path = os.path.join(SCRATCH, name)
    os.makedirs(path, exist_ok=True)
    return path


def earlier_result(folder, files):
    """Makes `folder` a result as roofspan leaves one: `files` (name -> text)
    and the marker .roofspan-result listing them (roofspan replaces only a
    new or empty folder or one of its own results)."""
    os.makedirs(folder, exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)
    with open(os.path.join(folder, ".roofspan-result"), "w") as f:
        f.write("roofspan result\n" + "".join(name + "\n" for name in sorted(files)))


def run_roofspan(case, output_dir=None, ranks=1, sets=(), extra=(), check=True, timeout=None):
    """Runs roofspan on `case`; returns (exit code, stdout, stderr). With a
    timeout, a run that outlives it is killed and reported as exit code
    "hang" (launcher.HANG: a multi-rank run that hangs is the failure being
    tested)."""
    cmd = launcher.on_ranks(launcher.roofspan_command(case, output_dir, sets, extra), ranks)
    result = launcher.run(cmd, timeout=timeout)
    if check and not result.hung and result.code != 0:
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        raise SystemExit(f"FAILED: {' '.join(cmd)} exited with {result.code}")
    return result.code, result.stdout, result.stderr


# cases/room_4.5m.prm with its beds glued: no bedding contact, and the 8 load
# steps a glued roof ran on before contacts. For tests of a property that does
# not involve the contacts (ranks, operators, bolts in 2D and 3D, failures,
# output): they keep their measured model and cost; the contacts have their
# own tests (tests/contacts/) and the default case its regression test.
GLUED_ROOM = ["Stratigraphy/Contacts=", "Nonlinear solver/Load steps=8"]


# cases/room_4.5m.prm as a long drift in 3D: a slice of half its 1.2 m row
# spacing between two symmetry planes (no face), one explicit bolt row on
# the front plane (weight 1/2; mirror images repeat it): plane strain
# exactly when unbolted, so it compares directly with the 2D section.
ROOM_AS_DRIFT_SLICE_3D = [
    "Dimension=3", "Geometry/Model=drift", "Geometry/Room and pillar/Drift length=0.6",
    "Geometry/Room and pillar/Solid ahead of face=0", "Bolts/First row=0",
    "Boundary conditions/Conditions=room_centre: symmetry, pillar_centre: symmetry, front: symmetry, "
    "back: symmetry, bottom: roller, top: in-situ traction"]


def slope_mesh(divisions, geometry="slope"):
    """A slope of meshes/ (Griffiths & Lane's slope.geo unless `geometry`
    names another) with `divisions` cells over its height, made by Gmsh into
    the scratch folder."""
    out = os.path.join(scratch("slope_meshes"), f"{geometry}_{divisions}.msh")
    subprocess.run([shutil.which("gmsh") or "gmsh", "-2", "-format", "msh2", "-setnumber", "divisions",
                    str(divisions), os.path.join(ROOT, "meshes", geometry + ".geo"), "-o", out],
                   check=True, capture_output=True)
    return out


def load_summary(output_dir):
    with open(os.path.join(output_dir, "summary.json")) as f:
        return json.load(f)


def probe(summary, name):
    for p in summary["probes"]:
        if p["name"] == name:
            return p
    raise SystemExit(f"FAILED: probe {name} missing from summary")


def compare_displacements(label, result, reference, probes, tolerance):
    """The largest displacement and every component at `probes` of two runs
    of the same discrete problem, each difference relative to the
    reference's largest displacement (a near-zero component is compared at
    the model's scale). Prints one line per value; returns the failures."""
    scale = reference["displacement"]["max_magnitude"]
    values = [("max |u|", result["displacement"]["max_magnitude"], scale)]
    for p in probes:
        for d, (u, u_ref) in enumerate(zip(probe(result, p)["displacement"], probe(reference, p)["displacement"])):
            values.append((f"{p} u[{d}]", u, u_ref))
    failures = []
    for what, value, ref in values:
        error = abs(value - ref) / scale
        ok = error <= tolerance
        print(f"  {label}: {what}: {value:.12e} vs {ref:.12e}, difference {error:.1e} of max |u| "
              f"({'ok' if ok else 'FAILED'})")
        if not ok:
            failures.append(f"{label}: {what}")
    return failures


class Checks:
    """Collects value-vs-reference checks, prints a table, fails at the end."""

    def __init__(self, title):
        self.title = title
        self.failures = []
        print(f"== {title}")
        print(f"{'quantity':44s} {'computed':>14s} {'reference':>14s} {'error':>9s} {'limit':>7s}")

    def relative(self, name, value, reference, limit):
        error = abs(value - reference) / abs(reference)
        ok = error <= limit
        print(f"{name:44s} {value:14.6g} {reference:14.6g} {100*error:8.3f}% {100*limit:6.2f}% {'ok' if ok else 'FAIL'}")
        if not ok:
            self.failures.append(name)
        return error

    def condition(self, name, ok, detail=""):
        print(f"{name:44s} {detail} {'ok' if ok else 'FAIL'}")
        if not ok:
            self.failures.append(name)

    def finish(self):
        if self.failures:
            raise SystemExit(f"FAILED {self.title}: " + ", ".join(self.failures))
        print(f"PASSED {self.title}")


# Keys that legitimately differ between runs, machines, rank counts or
# solvers: timers and memory, and everything that records how the solution
# was found rather than what it is (the linear and nonlinear solvers' own
# records, the load-step sequence, the strength-reduction trials). A better
# solver must not force a re-bless.
VOLATILE = ("times", "memory", "mesh_ingestion", "ranks", "case_file", "solver", "nonlinear_solver",
            "jacobian_check", "provenance",
            # The field series follows the continuation's steps, as the curve does
            # (output.vtk_readback checks it against the stages and the curve).
            "fields")
VOLATILE_SUFFIXES = (".cg_iterations", ".linear_iterations", ".relative_residual", ".ranks",
                     ".note")
VOLATILE_PATTERNS = (re.compile(r"^stages\[[^]]*\]\.steps"),
                     # How the bolt unknowns are laid out over the ranks.
                     re.compile(r"\.unknowns_per_rank\["),
                     re.compile(r"^(factor_of_safety|factor_of_safety_unbolted)\.(trials|bracket|curve|mechanism)"),
                     re.compile(r"^(factor_of_safety|factor_of_safety_unbolted)\.failure_criterion$"))


def flatten(value, prefix=""):
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else k))
        return out
    if isinstance(value, list):
        # Lists of named records are keyed by their name, others by index.
        out = {}
        for i, v in enumerate(value):
            key = v.get("name", v.get("region", str(i))) if isinstance(v, dict) else str(i)
            out.update(flatten(v, f"{prefix}[{key}]"))
        return out
    return {prefix: value}


def tolerance_for(key):
    """(relative, absolute) tolerance of a summary value, numdiff style:
    values agree if |a - b| <= abs + rel * |b|. The CG tolerance is 1e-8 on
    the residual; solution values agree to about 1e-7 relative across rank
    counts, so 1e-5 leaves margin without hiding real changes. Absolute
    floors are set per physical kind so that near-zero values compare."""
    if "location" in key or key.endswith(".point") or ".point[" in key or ".at[" in key:
        return 1e-6, 1e-6          # m
    if key.startswith("contacts[") and key.endswith("_points"):
        return 0.0, 2.0            # points on a branch: one at a switch may flip
    if key.startswith("contacts[") and key.endswith(".value"):
        # m: opening, slip. A difference of displacements across a 1 cm
        # layer: it carries the displacements' own solver error (measured 2e-8 m
        # between partitions of the default room, 4e-7 of its largest
        # displacement), which is a large part of a sub-millimetre opening.
        return 1e-5, 1e-7
    if "stress" in key or key.startswith("probes") and ".stress." in key:
        return 1e-5, 50.0          # Pa
    if "displacement" in key or "sag" in key:
        return 1e-5, 1e-9          # m
    if key.startswith("error."):
        return 1e-3, 1e-14
    if "force" in key:
        return 1e-5, 1e-2          # N
    if "utilisation" in key:
        return 1e-5, 1e-7
    return 1e-5, 1e-12


def compare(result, blessed):
    """Differences between two summaries, ignoring volatile keys."""
    a, b = flatten(result), flatten(blessed)
    problems = []
    for key in sorted(set(a) | set(b)):
        if (any(key == v or key.startswith(v + ".") for v in VOLATILE) or key.endswith(VOLATILE_SUFFIXES)
                or any(p.search(key) for p in VOLATILE_PATTERNS)):
            continue
        if key not in a or key not in b:
            problems.append(f"{key}: only in {'result' if key in a else 'blessed'}")
            continue
        x, y = a[key], b[key]
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and not isinstance(x, bool):
            rel, absolute = tolerance_for(key)
            fos = re.match(r"^(factor_of_safety|factor_of_safety_unbolted)\.value$", key)
            if fos:
                # A factor of safety is known to its stated bracket tolerance.
                rel, absolute = b.get(fos.group(1) + ".tolerance", 0.02), 0.0
            if not (abs(x - y) <= absolute + rel * abs(y)) or math.isnan(x) != math.isnan(y):
                problems.append(f"{key}: {x!r} vs blessed {y!r} (tolerance {rel:g} rel + {absolute:g} abs)")
        elif x != y:
            problems.append(f"{key}: {x!r} vs blessed {y!r}")
    return problems
