#!/usr/bin/python3
"""Bolting-pattern design search: the cheapest pattern that meets the roof
requirement, and what it costs in production.

A design file (TOML) names a case, the candidate patterns (bolts per row, row
spacing, bolt length, bolt product), the requirement (minimum factor of
safety, maximum bolt utilisation, maximum roof sag) and optional production
inputs. Each candidate is one MPI-parallel roofspan run of the case with the
pattern set through `--set`, plus one strength-reduction trial at the
required factor ('Strength reduction/Check factor'): the factor of safety is
at least the target exactly when that trial is stable, so a candidate costs
two analyses instead of a bracket and a bisection.

"Cheapest" is the bolting time per metre of advance from the production model
(postprocess/production.py): bolts per metre x time per bolt / booms plus the
tramming and set-up overheads. How the search decides what to run:
  1. candidates are sorted by that cost (ties: fewer bolts first);
  2. they are evaluated in that order and the first one that meets the
     requirement is the answer: every later candidate costs at least as much,
     so they are reported as "not run: costlier than the chosen pattern";
  3. a candidate is skipped without running when a failed one dominates it
     (monotonicity: no more bolts per row, rows no closer, bolts no longer, same
     product). Dominance is used only for the factor-of-safety and sag
     failures; bolt utilisation is not monotone in bolt length (a longer bolt
     anchors deeper and can pick up more load), so a utilisation failure
     prunes only patterns of the same length.
`--exhaustive` runs every candidate (for checking the search itself).
Each candidate list names each value once: a repeated value, or two values
that would share a run folder (runs/<candidate name>; a product name is
kept to letters, digits and . _ + -), is refused as bad input rather than
run twice.

    design.py DESIGN.toml [--out DIR] [--ranks N] [--exhaustive]
              [--no-factor-of-safety] [--no-figures] [--beside DIR ...]

`--beside DIR` names the output folder of another, finished design search
(e.g. the 2D room's when this one is the 3D intersection's): the report then
states both required patterns side by side.

Writes (atomically) DIR/candidates.csv, DIR/design.json and DIR/report.md,
and the runs under DIR/runs/. Exit codes: 0 a pattern was found, 3 no
candidate meets the requirement (reported, not an error), 2 bad input, 4 a
run ended for a reason that is not a verdict on the roof (Newton stalled,
linear solver failure, non-finite values, internal or launcher error): the
search stops with roofspan's message (or the launcher's) instead of counting
the pattern as failing; 130 interrupted (Ctrl-C; 143 SIGTERM): the run in
progress is ended and its staging folder removed. The solver ($ROOFSPAN)
and the launcher are checked before any work, and so are the outputs
(postprocess/output_files.py: only regular files are written).
"""
import csv
import fcntl
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from functools import partial

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cli_errors  # noqa: E402
import launcher  # noqa: E402
import output_files  # noqa: E402
import production  # noqa: E402

ROOT = launcher.ROOT
log_line = partial(print, flush=True)  # progress shows up in batch logs at once

# Documented defaults of the requirement (ASSUMPTIONS, typical mine practice):
#  - factor of safety 1.3: a common minimum for short-term mine roofs by shear
#    strength reduction (1.5 and more for long-term openings);
#  - bolt utilisation 0.8: axial force at most 80 % of the steel's yield force
#    at the end of the excavation, leaving room for later load;
#  - roof sag 75 mm: a common trigger for extra support in weak roof.
DEFAULT_REQUIREMENT = {"min_factor_of_safety": 1.3, "max_bolt_utilisation": 0.8, "max_roof_sag": 0.075}
# What a requirement may ask: a factor of safety of 1 to 10, a utilisation
# of the bolt's strength up to 1, a sag up to 1 m.
REQUIREMENT_RANGES = [("min_factor_of_safety", 1, 10, ""), ("max_bolt_utilisation", 0.01, 1, ""),
                      ("max_roof_sag", 1e-4, 1, " m")]
# Telltale action levels (roofspan's virtual dual-height telltales, summary
# "telltales"): the largest separation within the bolted height and above it
# [m]. No default: action levels differ between sites and codes of practice
# (NIOSH, remote roof stability monitoring for underground stone mines:
# hazardous roof deflection is site-specific, monitoring must be calibrated to
# local conditions), so a design that wants them names its own, with their
# source.
OPTIONAL_REQUIREMENT = {"max_telltale_within_bolted_height": (1e-4, 1), "max_telltale_above_bolted_height": (1e-4, 1)}
CANDIDATE_KEYS = {"bolts_per_row": int, "row_spacing": float, "length": float, "product": str}


# roofspan's exit codes (launcher.py, roofspan --help): only NO_EQUILIBRIUM is
# a verdict on the roof; the others stop the search.
NO_EQUILIBRIUM = launcher.NO_EQUILIBRIUM
RUN_FAILURES = {code: launcher.EXIT_CODES[code] for code in (launcher.INTERNAL_ERROR, launcher.NEWTON_STALLED,
                                                             launcher.LINEAR_SOLVER_FAILURE, launcher.NON_FINITE)}


class AnalysisError(Exception):
    """A run that ended for a numerical, internal or launcher reason: the search
    stops (exit code 4) instead of counting it as a failing pattern."""


class DesignInputError(Exception):
    """Bad design input; the message names the file and the entry."""


def fail_input(path, key, what):
    raise DesignInputError(f"design input error in {path}, entry '{key}': {what}")


def read_toml(path, kind):
    """The TOML file's table; DesignInputError naming the file if it is missing or malformed."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise DesignInputError(f"{kind} input error: file {path} does not exist") from None
    except IsADirectoryError:
        raise DesignInputError(f"{kind} input error: {path} is a directory; expected a TOML file") from None
    except OSError as e:
        raise DesignInputError(f"{kind} input error: cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise DesignInputError(f"{kind} input error in {path}: not UTF-8 text ({e.reason} at byte {e.start}); "
                               "TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise DesignInputError(f"{kind} input error in {path}: not valid TOML ({e})") from None


def expect_table(path, data, key):
    """data[key] as a table (empty if absent); DesignInputError if it is something else."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        fail_input(path, key, f"{value!r}: expected a table ([{key}] with entries)")
    return value


def save_figure(fig, path):
    """Writes a matplotlib figure (output_files: a regular file, replaced in
    one rename), then clears it."""
    output_files.save_figure(fig, path)
    fig.clf()


def load_design(path):
    """Reads and checks a design file; returns a plain dict with defaults filled."""
    data = read_toml(path, "design")
    known = {"case", "ranks", "sets", "candidates", "requirement", "production", "title"}
    for key in data:
        if key not in known:
            fail_input(path, key, f"unknown entry; expected one of {', '.join(sorted(known))}")
    if "case" not in data:
        fail_input(path, "case", "missing: the .prm case the patterns are tried on")
    if not isinstance(data["case"], str) or not data["case"].strip():
        fail_input(path, "case", f"{data['case']!r}: expected the path of a .prm file (a string)")
    if not isinstance(data.get("title", ""), str):
        fail_input(path, "title", f"{data['title']!r}: expected a string")
    case = os.path.join(os.path.dirname(os.path.abspath(path)), data["case"])
    if not os.path.isfile(case):
        fail_input(path, "case", f"case file {case} does not exist")
    sets = data.get("sets", [])
    if not isinstance(sets, list) or not all(isinstance(s, str) and "=" in s for s in sets):
        fail_input(path, "sets", "expected a list of \"Section/Key=value\" strings")

    cand = expect_table(path, data, "candidates")
    for key in cand:
        if key not in CANDIDATE_KEYS:
            fail_input(path, f"candidates.{key}", f"unknown; expected {', '.join(CANDIDATE_KEYS)}")
    for key, kind in CANDIDATE_KEYS.items():
        values = cand.get(key)
        if not isinstance(values, list) or not values:
            fail_input(path, f"candidates.{key}", "expected a non-empty list")
        for v in values:
            ok = isinstance(v, str) and v.strip() if kind is str else \
                isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 and \
                (kind is float or float(v).is_integer())
            if not ok:
                fail_input(path, f"candidates.{key}", f"{v!r} is not a {'name' if kind is str else 'number > 0'}"
                           + (" (whole)" if kind is int else ""))

    # The production model's physical ranges apply to the candidates too:
    # refused here, before any analysis runs.
    for key, name in (("bolts_per_row", "bolts_per_row"), ("row_spacing", "row_spacing_m"),
                      ("length", "bolt_length_m")):
        lo, hi = production.accepted_range(name)
        for v in cand[key]:
            if not lo <= v <= hi:
                fail_input(path, f"candidates.{key}", f"{v!r}: expected a value from {lo:g} to {hi:g}")
    check_distinct_candidates(path, cand)

    req = dict(DEFAULT_REQUIREMENT)
    for key, v in expect_table(path, data, "requirement").items():
        if key not in req and key not in OPTIONAL_REQUIREMENT:
            fail_input(path, f"requirement.{key}",
                       f"unknown; expected {', '.join(list(req) + list(OPTIONAL_REQUIREMENT))}")
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0:
            fail_input(path, f"requirement.{key}", f"{v!r}: expected a number > 0")
        req[key] = float(v)
    for key, lo, hi, unit in REQUIREMENT_RANGES + [(k, lo, hi, " m") for k, (lo, hi) in OPTIONAL_REQUIREMENT.items()]:
        if key in req and not (math.isfinite(req[key]) and lo <= req[key] <= hi):
            fail_input(path, f"requirement.{key}", f"{req[key]:g}: expected a value from {lo:g} to {hi:g}{unit}")

    prod = expect_table(path, data, "production")
    try:
        production.inputs_from_settings([f"{k}={v}" for k, v in prod.items()])
    except production.ProductionInputError as e:
        fail_input(path, f"production.{str(e).split(' ')[0]}", str(e))
    ranks = data.get("ranks", 2)
    if not isinstance(ranks, int) or isinstance(ranks, bool) or ranks < 1:
        fail_input(path, "ranks", f"{ranks!r}: expected a whole number >= 1")
    return {"path": os.path.abspath(path), "case": case, "ranks": ranks, "sets": sets,
            "title": data.get("title", os.path.splitext(os.path.basename(path))[0]),
            "candidates": {k: [CANDIDATE_KEYS[k](v) for v in cand[k]] for k in CANDIDATE_KEYS},
            "requirement": req, "production": prod}


# How each candidate entry shows in the candidate's name, which is also the
# folder of its run (runs/<name>): a product name becomes one harmless path
# component (output_files.safe_component), so "a/../../x" stays inside runs/.
NAME_PART = {"bolts_per_row": lambda v: f"{int(v)}", "row_spacing": lambda v: f"{v:g}",
             "length": lambda v: f"{v:g}", "product": output_files.safe_component}


def candidate_tag(bolts_per_row, length, row_spacing, product):
    return (f"{NAME_PART['bolts_per_row'](bolts_per_row)}x{NAME_PART['length'](length)}m_at_"
            f"{NAME_PART['row_spacing'](row_spacing)}m_{NAME_PART['product'](product)}")


def check_distinct_candidates(path, cand):
    """Each value once in each candidate list, and distinct values with
    distinct names: a repeated value would run the same analyses twice (a
    typo, most likely), and two values with one name would share a run
    folder. Refused as input (exit 2) before anything runs."""
    for key, part in NAME_PART.items():
        seen = {}
        for v in cand[key]:
            value = CANDIDATE_KEYS[key](v)
            name = part(value)
            if name in seen and seen[name] == value:
                fail_input(path, f"candidates.{key}", f"{v!r} is listed twice; expected each value once "
                           "(a repeated value would run the same analyses again)")
            if name in seen:
                fail_input(path, f"candidates.{key}", f"{seen[name]!r} and {v!r} would share the run folder name "
                           f"part '{name}'; expected values that differ in their first 6 significant digits, "
                           "and product names that differ in letters, digits or . _ + -")
            seen[name] = value


def production_inputs(design, c):
    settings = [f"{k}={v}" for k, v in design["production"].items()]
    settings += [f"bolts_per_row={c['bolts_per_row']}", f"row_spacing_m={c['row_spacing']}",
                 f"bolt_length_m={c['length']}"]
    return production.inputs_from_settings(settings)


def enumerate_candidates(design):
    """Every combination with its bolting cost, cheapest first."""
    cs = design["candidates"]
    out = []
    for product in cs["product"]:
        for n in cs["bolts_per_row"]:
            for s in cs["row_spacing"]:
                for length in cs["length"]:
                    c = {"product": product, "bolts_per_row": n, "row_spacing": s, "length": length}
                    est = production.estimate(production_inputs(design, c))
                    c["tag"] = candidate_tag(n, length, s, product)
                    c["bolts_per_m"] = n / s
                    c["time_per_bolt_min"] = est.time_per_bolt_min
                    c["bolting_min_per_m"] = est.bolting_min_per_m
                    out.append(c)
    out.sort(key=lambda c: (c["bolting_min_per_m"], c["bolts_per_row"], c["length"], c["tag"]))
    return out


def run_streaming(cmd, label, out_dir=None):
    """Runs cmd (launcher.stream); its stdout lines are passed through as
    they come, prefixed by `label` (None: kept quiet), so a batch log shows
    the solver's progress. Returns the launcher's Result with the whole
    stdout and stderr.

    The run gets a session (process group) of its own, so Ctrl-C at the
    terminal reaches this script only; on Ctrl-C or SIGTERM the script ends
    the run itself (launcher.stop): SIGTERM, which roofspan and mpirun answer
    by removing the run's staging folder and ending every rank, then SIGKILL
    if it has not ended within a grace period; then it removes any staging
    folder the run left beside `out_dir` (remove_dead_staging)."""
    on_line = None if label is None else (lambda line: log_line(f"    [{label}] {line.rstrip()}"))
    on_stop = (lambda: remove_dead_staging(out_dir)) if out_dir else None
    return launcher.stream(cmd, on_line, on_stop)


def remove_dead_staging(out_dir, wait=10):
    """Removes roofspan's staging folders of `out_dir`
    (<parent>/.<name>.incoming-<pid>) once no live run holds its lock
    (<parent>/.<name>.lock, flock): what roofspan itself removes when the
    next run into the folder starts. Waits up to `wait` seconds for the
    lock; leaves everything as it is if a live run still holds it."""
    parent, name = os.path.split(os.path.realpath(out_dir))  # roofspan resolves links before locking
    prefix = f".{name}.incoming-"
    try:
        fd = os.open(os.path.join(parent, f".{name}.lock"), os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        fd = None
    except OSError:
        return
    try:
        deadline = time.time() + wait
        while fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.time() > deadline:
                    return
                time.sleep(0.2)
        for entry in os.scandir(parent):
            # Only a staging folder roofspan marked as one (everything in it
            # is roofspan's); a swapped-out previous result is left to
            # roofspan's next run, which removes it file by file.
            if entry.name.startswith(prefix) and entry.is_dir(follow_symlinks=False) \
                    and os.path.isfile(os.path.join(entry.path, ".roofspan-staging")):
                shutil.rmtree(entry.path, ignore_errors=True)
    except OSError:
        pass
    finally:
        if fd is not None:
            os.close(fd)


def failure_reason(stderr, limit=300):
    """What a run or its launcher said about why it failed, as one line:
    roofspan's own line ('roofspan: ...') if there is one; else the text of
    the launcher's last framed message (Open MPI frames its messages in lines
    of dashes), else its last line with words in it; never a line of
    dashes."""
    lines = stderr.splitlines()
    said = [line for line in lines if line.startswith("roofspan: ")]
    if said:
        return said[0][len("roofspan: "):]
    rules = [i for i, line in enumerate(lines) if re.fullmatch(r"\s*[-=*_]{5,}\s*", line)]
    words = [line.strip() for line in lines if re.search(r"[A-Za-z0-9]", line)]
    if len(rules) >= 2:
        block = [line.strip() for line in lines[rules[-2] + 1:rules[-1]] if re.search(r"[A-Za-z0-9]", line)]
        text = " ".join(block)
    else:
        text = words[-1] if words else ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."


def output_problem(out, figures=True):
    """Why the search cannot write into `out` (one line), or None: checked
    before any work. `out` must be a folder or not exist yet, and no output
    may exist as anything but a regular file (output_files)."""
    names = ["candidates.csv", "design.json", "report.md"]
    if figures:
        names += [os.path.join("figures", n) for n in ("section_deformation.png", "yielded_zone.png",
                                                       "bolt_forces.png", "tornado.png",
                                                       "tonnes_vs_time_per_bolt.png", "strength_curve.png")]
    problem = output_files.output_folder_problem(out, "output folder")
    for sub in ("runs", "figures"):
        problem = problem or output_files.output_folder_problem(os.path.join(out, sub), "output folder")
    return problem or output_files.not_regular_problem([os.path.join(out, n) for n in names], "output file")


def run_case(design, sets, out_dir, ranks):
    """One roofspan run; returns (exit code, summary or None, last lines of output)."""
    cmd = launcher.roofspan_command(design["case"], out_dir, design["sets"] + sets)
    prefix = launcher.launch_prefix(ranks, launcher.launcher_setting())
    label = os.path.basename(out_dir) if design.get("progress", True) else None
    if label is not None and prefix:
        log_line(f"    [{label}] launched with: {' '.join(prefix)}")
    proc = run_streaming(prefix + cmd, label, out_dir)
    summary = None
    if proc.code == 0:
        with open(os.path.join(out_dir, "summary.json")) as f:
            summary = json.load(f)
        return 0, summary, ""
    said = [line for line in proc.stderr.splitlines() if line.startswith("roofspan: ")]
    message = failure_reason(proc.stderr)
    started = said or proc.stdout.startswith("roofspan ")
    if proc.code == launcher.INPUT_ERROR and started:
        raise DesignInputError(said[0] if said else message or f"roofspan rejected the case {design['case']}")
    if proc.code == NO_EQUILIBRIUM and started:
        # The physical verdict: the first clause says where (load reached).
        return proc.code, None, message.split(" (increment")[0]
    # Anything else (Newton stalled, linear solver, non-finite values, an
    # internal error, a launcher that failed) says nothing about the roof.
    kind = RUN_FAILURES.get(proc.code, "launcher or internal failure")
    if not started:
        # Neither roofspan's first line nor its error line: it never started.
        kind = "launcher failure: the solver never started"
    raise AnalysisError(f"roofspan run {out_dir} ended with exit code {proc.code} ({kind}), "
                        f"which is not a verdict on the roof: {message or '(nothing on stderr)'}")


def pattern_sets(c):
    return [f"Bolts/Product={c['product']}", f"Bolts/Length={c['length']}",
            f"Bolts/Bolts per row={c['bolts_per_row']}", f"Bolts/Row spacing={c['row_spacing']}"]


def limit(value):
    """A requirement as the user wrote it (up to 6 significant digits): 0.1 mm, not 0 mm."""
    return f"{value:.6g}"


def over(value, bound, decimals):
    """`value` with `decimals` decimals, or as many more as it takes to show
    that it exceeds `bound` (75.04 mm > 75 mm, not 75.0 mm > 75 mm)."""
    for d in range(decimals, 10):
        text = f"{value:.{d}f}"
        if float(text) > bound:
            return text
    return f"{value:.10g}"


def evaluate(design, c, runs_dir, ranks):
    """Runs one candidate and judges it against the requirement."""
    req = design["requirement"]
    out = os.path.join(runs_dir, c["tag"])
    if os.path.dirname(out) != runs_dir:  # candidate_tag makes one path component
        raise AssertionError(f"run folder {out} outside {runs_dir}")
    sets = pattern_sets(c) + ["Strength reduction/Compute factor of safety=false",
                              f"Strength reduction/Check factor={req['min_factor_of_safety']}"]
    code, s, note = run_case(design, sets, out, ranks)
    c["run_dir"] = out
    if code != 0:
        # The roof has no equilibrium at F = 1: the check at the target never ran.
        c.update(status="fails", reasons=[f"no equilibrium at F = 1: {note}"], fos_check=None)
        return
    if s["strength_check"]["failure_criterion"] == "Newton stalled":
        # The check trial stopped on the solver, not on a collapse: no verdict.
        raise AnalysisError(f"roofspan run {out}: the strength check at F = {req['min_factor_of_safety']:g} "
                            f"ended with Newton stalled, which is not a verdict on the roof: "
                            f"{s['strength_check']['note']}")
    b, roof = s["bolts"], s["roof"]
    c.update(dim=s.get("dim"), max_bolt_force=b["max_axial_force"], max_bolt_utilisation=b["max_utilisation"],
             roof_sag=roof["sag_max"], roof_sag_at=roof.get("sag_max_location", [None])[0],
             roof_sag_mid_span=roof.get("sag_mid_span"), fos_check=s["strength_check"]["stable"],
             yielded_zone_height=s.get("plasticity", {}).get("yielded_zone_height_above_roof"))
    # The virtual telltales: the largest reading of any telltale within the
    # bolted height and above it (None when the run has no telltales).
    telltales = s.get("telltales", [])
    readings = {key: max((t[key] for t in telltales if key in t), default=None)
                for key in ("within_bolted_height", "above_bolted_height")}
    c.update(telltale_within=readings["within_bolted_height"], telltale_above=readings["above_bolted_height"])
    reasons = []
    if not c["fos_check"]:
        reasons.append(f"factor of safety below {req['min_factor_of_safety']:g} "
                       f"(strength reduction at that factor: {s['strength_check']['failure_criterion']})")
    if c["roof_sag"] > req["max_roof_sag"]:
        reasons.append(f"roof sag {over(1000 * c['roof_sag'], 1000 * req['max_roof_sag'], 1)} mm > "
                       f"{limit(1000 * req['max_roof_sag'])} mm")
    if c["max_bolt_utilisation"] > req["max_bolt_utilisation"]:
        reasons.append(f"bolt utilisation {over(c['max_bolt_utilisation'], req['max_bolt_utilisation'], 2)} > "
                       f"{limit(req['max_bolt_utilisation'])}")
    for key, where in (("within_bolted_height", "within"), ("above_bolted_height", "above")):
        level = req.get(f"max_telltale_{key}")
        if level is None:
            continue
        if readings[key] is None:
            raise AnalysisError(f"roofspan run {out} has no telltale reading {where} the bolted height, "
                                f"which requirement.max_telltale_{key} asks for")
        if readings[key] > level:
            reasons.append(f"telltale {where} the bolted height {over(1000 * readings[key], 1000 * level, 1)} mm "
                           f"> {limit(1000 * level)} mm")
    for key, text in (("pulled_out", "pulled out"), ("ruptured", "ruptured")):
        if b.get(key, 0):
            reasons.append(f"{b[key]} bolt(s) {text}")
    c.update(status="meets" if not reasons else "fails", reasons=reasons)


def dominated_by(c, failed):
    """The failed candidate that proves `c` fails without running it, if any."""
    for f in failed:
        if f["product"] != c["product"]:
            continue
        weaker = c["bolts_per_row"] <= f["bolts_per_row"] and c["row_spacing"] >= f["row_spacing"]
        monotone = [r for r in f["reasons"] if not r.startswith("bolt utilisation")]
        if weaker and monotone and c["length"] <= f["length"]:
            return f, monotone
        if weaker and c["length"] == f["length"] and f["reasons"]:
            return f, f["reasons"]
    return None, None


def search(design, out_dir, ranks, exhaustive=False, log=log_line):
    candidates = enumerate_candidates(design)
    runs_dir = os.path.join(out_dir, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    failed, chosen = [], None
    started, runs = time.time(), 0
    for i, c in enumerate(candidates):
        if chosen is not None and not exhaustive:
            c.update(status="not run", reasons=[f"costlier than the chosen pattern {chosen['tag']}"])
            continue
        f, why = (None, None) if exhaustive else dominated_by(c, failed)
        if f is not None:
            c.update(status="skipped", reasons=[f"dominated by failed {f['tag']}: " + "; ".join(why)])
            log(f"  {c['tag']:34s} {c['bolting_min_per_m']:6.2f} min/m  skipped (dominated by {f['tag']})")
            continue
        if runs:
            # At most the candidates left, at the mean time of a run so far
            # (pruning and an early answer make it shorter).
            per_run = (time.time() - started) / runs
            log(f"  candidate {i + 1} of {len(candidates)}: {c['tag']} ({(time.time() - started) / 60:.1f} min "
                f"so far; at most {per_run * (len(candidates) - i) / 60:.1f} min left at {per_run:.0f} s a run)")
        else:
            log(f"  candidate {i + 1} of {len(candidates)}: {c['tag']}")
        evaluate(design, c, runs_dir, ranks)
        runs += 1
        log(f"  {c['tag']:34s} {c['bolting_min_per_m']:6.2f} min/m  {c['status']}"
            + (": " + "; ".join(c["reasons"]) if c["reasons"] else ""))
        if c["status"] == "meets":
            if chosen is None:
                chosen = c
        else:
            failed.append(c)
    return candidates, chosen


CSV_FIELDS = ["tag", "product", "bolts_per_row", "row_spacing", "length", "bolts_per_m", "time_per_bolt_min",
              "bolting_min_per_m", "status", "fos_check", "max_bolt_force", "max_bolt_utilisation", "roof_sag",
              "telltale_within", "telltale_above", "yielded_zone_height", "reasons"]


def short_reason(reason, limit=160):
    """A reason for the report's table: its first clause when it is long
    (solver evidence such as residual histories stays in candidates.csv)."""
    if len(reason) <= limit:
        return reason
    for mark in ("; ", ": load", " (", ", "):
        cut = reason.find(mark, 40)
        if 0 < cut <= limit:
            return reason[:cut] + " (details in candidates.csv)"
    return reason[:limit].rstrip() + "... (details in candidates.csv)"


def candidates_csv(candidates):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for c in candidates:
        w.writerow({**c, "reasons": "; ".join(c.get("reasons", []))})
    return buf.getvalue()


def fmt(v, spec):
    return "" if v is None else format(v, spec)


def read_prm(path):
    """{'Section/Subsection/Key': value} of a deal.II parameter file: nested
    subsections joined by '/', comments dropped, lines continued with a
    trailing backslash joined."""
    values, sections, pending = {}, [], ""
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].strip()
            if words.endswith("\\"):
                pending += words[:-1] + " "
                continue
            words, pending = (pending + words).strip(), ""
            first = words.split(None, 1)[0].lower() if words else ""
            if first == "subsection":
                sections.append(" ".join(words.split()[1:]))
            elif first == "end" and words.lower() == "end" and sections:
                sections.pop()
            elif first == "set" and "=" in words:
                key, _, value = words[3:].partition("=")
                values["/".join(sections + [key.strip()])] = value.strip()
    return values


def case_assumptions(case):
    """The bullets of the case file's 'ASSUMPTIONS' comment block, joined."""
    bullets, inside = [], False
    with open(case) as f:
        for line in f:
            if not line.startswith("#"):
                if inside:
                    break
                continue
            text = line[1:].strip()
            if "ASSUMPTION" in text:
                inside = True
            elif inside and text.startswith("- "):
                bullets.append(text[2:])
            elif inside and bullets and text and line.startswith("#   "):
                bullets[-1] += " " + text
            elif inside and bullets:
                break
    return bullets


CASE_SETTINGS = [("Stratigraphy/Depth of floor", "depth of the room floor [m]"),
                 ("Stratigraphy/Layers above floor", "layers above the floor (unit: thickness m)"),
                 ("Stratigraphy/Layers below floor", "layers below the floor"),
                 ("Stratigraphy/Contacts", "bedding contacts (elevation m: contact unit; others glued)"),
                 ("In-situ stress/K0 in plane", "K0 in plane"), ("In-situ stress/K0 out of plane", "K0 out of plane"),
                 ("Bolts/Installation relaxation", "excavation load released before bolting"),
                 ("Strength reduction/Method", "factor of safety method"),
                 ("Strength reduction/Tolerance", "factor of safety tolerance (fraction of F)"),
                 ("Nonlinear solver/Method", "Newton iteration"),
                 ("Nonlinear solver/Maximum iterations", "Newton iterations per step (cap)"),
                 ("Linear solver/Preconditioner", "linear solver")]
# Every rock unit gives these directly in `Rock unit`; each rock model reads
# its own values from nested subsections (doc/parameters.prm, end).
UNIT_KEYS = ["Constitutive model", "Unit weight", "Young's modulus", "Poisson's ratio"]
# The subsections each shipped rock model reads. A model not listed here (a
# new plugin) shows every subsection its file gives.
MODEL_SUBSECTIONS = {"linear elastic": [], "mohr coulomb": ["Mohr-Coulomb"],
                     "ubiquitous joint": ["Mohr-Coulomb", "Bedding plane"], "hoek brown": ["Hoek-Brown"],
                     "coulomb contact": ["Coulomb contact"]}
# Models that derive the unit's E and nu from their own parameters.
DERIVED_ELASTICITY = {"coulomb contact": {"Young's modulus": "k_n t", "Poisson's ratio": "0"}}
# Short names of the model parameters in the table, in the order shown;
# a key not listed keeps its own name and comes last.
PARAMETER_SYMBOLS = {"Intact compressive strength": "sigma_ci", "GSI": "GSI", "mi": "mi", "Disturbance factor": "D",
                     "Dip": "dip", "Cohesion": "c", "Friction angle": "phi", "Dilation angle": "psi",
                     "Tensile strength": "T", "Rock-mass modulus": "modulus", "Intact modulus": "Ei",
                     "Normal stiffness": "k_n", "Shear stiffness": "k_s", "Layer thickness": "t"}
PRODUCT_KEYS = ["Type", "Diameter", "Yield force", "Ultimate force", "Bond stiffness", "Bond strength"]


def rock_unit_defaults():
    """{'Subsection/Key': default} of `Rock unit` from the generated reference
    doc/parameters.prm (what roofspan took for a key a library file omits);
    empty if the reference is missing."""
    path = os.path.join(ROOT, "doc", "parameters.prm")
    if not os.path.isfile(path):
        return {}
    return {k.split("/", 1)[1]: v for k, v in read_prm(path).items() if k.startswith("Rock unit/")}


def unit_model_columns(unit, defaults):
    """(Young's modulus, model parameters) of one rock unit ({'Key' or
    'Subsection/Key': value} of its library file) as table text: the values of
    the subsections its model reads (defaults filled in), e.g. "Mohr-Coulomb:
    c 50e3, phi 20, psi 0, T 10e3"; for Hoek-Brown also the criterion's m_b,
    s, a, and a rock-mass modulus derived from the intact one."""
    model = unit.get("Constitutive model", defaults.get("Constitutive model", ""))
    given = sorted({k.split("/", 1)[0] for k in unit if "/" in k})
    subsections = MODEL_SUBSECTIONS.get(model, given)
    youngs = unit.get("Young's modulus", "")
    parts = []
    for sub in subsections:
        values = {k.split("/", 1)[1]: v for k, v in defaults.items() if k.startswith(sub + "/")}
        values.update({k.split("/", 1)[1]: v for k, v in unit.items() if k.startswith(sub + "/")})
        if sub == "Hoek-Brown" and values.get("Rock-mass modulus", "given") == "given":
            values.pop("Rock-mass modulus", None)
            values.pop("Intact modulus", None)
        order = list(PARAMETER_SYMBOLS)
        keys = sorted(values, key=lambda k: order.index(k) if k in order else len(order))
        text = ", ".join(f"{PARAMETER_SYMBOLS.get(k, k)} {values[k]}" for k in keys)
        if sub == "Hoek-Brown":
            try:
                gsi, mi, d = (float(values[k]) for k in ("GSI", "mi", "Disturbance factor"))
                m_b, s, a = (mi * math.exp((gsi - 100) / (28 - 14 * d)), math.exp((gsi - 100) / (9 - 3 * d)),
                             0.5 + (math.exp(-gsi / 15) - math.exp(-20 / 3)) / 6)
                text += f" (m_b {m_b:.4g}, s {s:.3g}, a {a:.4g})"
                if values.get("Rock-mass modulus") == "Hoek-Diederichs 2006":
                    e_rm = float(values["Intact modulus"]) * (0.02 + (1 - d / 2) / (1 + math.exp((60 + 15 * d - gsi) / 11)))
                    youngs = f"{e_rm:.4g} (Hoek-Diederichs 2006)"
            except (KeyError, ValueError, ZeroDivisionError, OverflowError):
                pass  # a value the solver would have refused: shown as given
        parts.append(f"{sub}: {text}" if text else sub)
    unused = [sub for sub in given if sub not in subsections]
    params = "; ".join(parts) or "none"
    if unused:
        params += f" (the file's {', '.join(unused)} values are not used by '{model}')"
    return youngs, params


def assumptions_section(design, run_dir):
    """The assumptions the answer rests on: the case file's own list, the
    effective settings of the run, each rock unit and the bolt product with
    their sources, and the production register."""
    lines = ["## Assumptions", "", "No site data is public: these are choices inside published ranges "
             "(sources below and in `../shared/reference/parameters.md`).", "", "From the case file:", ""]
    lines += [f"- {b}" for b in case_assumptions(design["case"])] or ["- (the case file lists none)"]
    prm_path = os.path.join(run_dir, "parameters.prm") if run_dir else None
    if not prm_path or not os.path.isfile(prm_path):
        return lines + [""]
    prm = read_prm(prm_path)
    lines += ["", "Settings of the analysis (its `parameters.prm`):", "", "| setting | value |", "|---|---|"]
    lines += [f"| {label} | {prm.get(key, '')} |" for key, label in CASE_SETTINGS]
    units = {w.split(":")[0].strip() for key in ("Stratigraphy/Layers above floor", "Stratigraphy/Layers below floor")
             for w in prm.get(key, "").split(",") if ":" in w}
    units |= {w.split(":", 1)[1].strip() for w in prm.get("Stratigraphy/Contacts", "").split(",") if ":" in w}
    product = prm.get("Bolts/Product", "")
    found_units, found_product = [], None
    for folder in prm.get("Materials/Library directories", "").split(","):
        folder = folder.strip()
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if not name.endswith(".prm"):
                continue
            entry = read_prm(os.path.join(folder, name))
            if entry.get("Rock unit/Name") in units:
                found_units.append({k.split("/", 1)[1]: v for k, v in entry.items()})
            elif product and entry.get("Bolt product/Name") == product:
                found_product = {k.split("/", 1)[1]: v for k, v in entry.items()}
    defaults = rock_unit_defaults()
    hoek_brown = any(u.get("Constitutive model") == "hoek brown" for u in found_units)
    lines += ["", "Rock units (SI units: N/m3, Pa, degrees; model parameters: c cohesion, phi friction angle, "
              "psi dilation angle, T tensile strength, dip bedding dip"
              + ("; Hoek-Brown: sigma_ci intact compressive strength, GSI, mi, D disturbance factor, "
                 "Ei intact modulus; m_b, s, a the criterion's constants" if hoek_brown else "") + "):", "",
              "| unit | " + " | ".join(UNIT_KEYS) + " | model parameters | source |",
              "|---" * (len(UNIT_KEYS) + 3) + "|"]
    for u in found_units:
        youngs, params = unit_model_columns(u, defaults)
        common = [youngs if k == "Young's modulus" else u.get(k, defaults.get(k, "")) for k in UNIT_KEYS]
        derived = DERIVED_ELASTICITY.get(u.get("Constitutive model"))
        if derived:
            common = [derived.get(k, v) for k, v in zip(UNIT_KEYS, common)]
        lines.append(f"| {u.get('Name')} | " + " | ".join(common) + f" | {params} | {u.get('Source', '')} |")
    if found_product:
        lines += ["", "Bolt product (SI units: m, N, N/m/m, N/m):", "",
                  "| product | " + " | ".join(PRODUCT_KEYS) + " | source |", "|---" * (len(PRODUCT_KEYS) + 2) + "|",
                  f"| {found_product.get('Name')} | " + " | ".join(found_product.get(k, "") for k in PRODUCT_KEYS)
                  + f" | {found_product.get('Source', '')} |"]
    lines += ["", "Production inputs (the register of `production.py --assumptions`):", "",
              production.assumptions_markdown(), ""]
    return lines


def paraview_section(out_dir, candidates, final_dir):
    """Links to each run's fields, and how to open one with the standard views."""
    runs = ([("chosen pattern, full analysis", final_dir)] if final_dir else []) + \
        [(c["tag"], c["run_dir"]) for c in candidates if c.get("run_dir")]
    runs = [(name, d) for name, d in runs if os.path.isfile(os.path.join(d, "solution.pvd"))]
    if not runs:
        return []
    lines = ["## Open in ParaView", "",
             "Each run's `solution.pvd` steps through the stage ends and the strength-reduction steps "
             "(time = step; labels in `summary.json`, `fields`). The standard views (deformed shape, yielded "
             "zone, bolt forces) of a run:", "",
             "```", f"pvpython {os.path.join(HERE, 'paraview', 'open_run.py')} {os.path.abspath(runs[0][1])}",
             f"paraview --state={os.path.join(os.path.abspath(runs[0][1]), 'roofspan.pvsm')}", "```", ""]
    lines += [f"- {name}: [{os.path.relpath(os.path.join(d, 'solution.pvd'), out_dir)}]"
              f"({os.path.relpath(os.path.join(d, 'solution.pvd'), out_dir)})" for name, d in runs]
    return lines + [""]


def read_beside(folder):
    """A finished design search's result (its design.json); DesignInputError if the folder holds none."""
    path = os.path.join(folder, "design.json")
    try:
        with open(path) as f:
            result = json.load(f)
    except FileNotFoundError:
        raise DesignInputError(f"design input error: --beside {folder}: no design.json there; expected the "
                               "output folder of a finished design search") from None
    except (OSError, json.JSONDecodeError) as e:
        raise DesignInputError(f"design input error: --beside {folder}: cannot read {path} ({e})") from None
    result["folder"] = os.path.abspath(folder)
    return result


def opening_row(title, case, dim, chosen, fos, unb):
    """One row of the side-by-side table."""
    where = f"{title} (`{os.path.relpath(case, ROOT)}`, {dim}D)"
    if chosen is None:
        return f"| {where} | no feasible pattern | | | | | | |"
    factor = lambda f: f"{f['value']:.3g}" if f else "not run"  # noqa: E731
    return (f"| {where} | {chosen['bolts_per_row']} x {chosen['length']:g} m {chosen['product']}, rows "
            f"{chosen['row_spacing']:g} m apart | {chosen['bolts_per_m']:.2f} | {chosen['bolting_min_per_m']:.2f} | "
            f"{factor(fos)} | {factor(unb)} | {chosen['max_bolt_force'] / 1e3:.1f} | "
            f"{1000 * chosen['roof_sag']:.1f} |")


def beside_section(design, chosen, final, dim, besides):
    """The required patterns of this search and of the --beside ones, side by side."""
    lines = ["## Beside the other openings", "",
             "Each search has its own requirement (stated in its report). The factors of safety are "
             "those of each chosen pattern's full strength-reduction run (bolted, and the same roof "
             "unbolted).", "",
             "| opening | required pattern | bolts per m | bolting min/m | FoS bolted | FoS unbolted "
             "| peak bolt force kN | largest roof sag mm |", "|---|---|---|---|---|---|---|---|",
             opening_row(design["title"], design["case"], dim, chosen,
                         final.get("factor_of_safety") if final else None,
                         final.get("factor_of_safety_unbolted") if final else None)]
    for other in besides:
        d = other["design"]
        lines.append(opening_row(d["title"], d["case"], other.get("dim", "?"), other["chosen"],
                                 other.get("factor_of_safety"), other.get("factor_of_safety_unbolted")))
    lines += ["", "Results of the other searches: " +
              ", ".join(f"`{os.path.relpath(o['folder'], ROOT)}`" for o in besides) + "."]
    return lines


def report(design, candidates, chosen, final, prod, figures, assumptions_run=None, out_dir=None,
           dim=None, besides=()):
    req = design["requirement"]
    lines = [f"# Roof-bolting design: {design['title']}", "",
             f"Case `{os.path.relpath(design['case'], ROOT)}`; requirement: factor of safety >= "
             f"{limit(req['min_factor_of_safety'])}, bolt utilisation <= {limit(req['max_bolt_utilisation'])}, "
             f"roof sag <= {limit(1000 * req['max_roof_sag'])} mm"
             + "".join(f", telltale {w} the bolted height <= {limit(1000 * req[k])} mm"
                       for k, w in (("max_telltale_within_bolted_height", "within"),
                                    ("max_telltale_above_bolted_height", "above")) if k in req)
             + ". Candidates are tried cheapest first "
             "(bolting minutes per metre of advance).", ""]
    if chosen is None:
        lines += ["**No feasible pattern**: no candidate meets the requirement (reasons below).", ""]
    else:
        lines += [f"**Required pattern: {chosen['bolts_per_row']} x {chosen['length']:g} m {chosen['product']} "
                  f"per row, rows {chosen['row_spacing']:g} m apart** "
                  f"({chosen['bolts_per_m']:.2f} bolts per metre of advance, "
                  f"{chosen['bolting_min_per_m']:.2f} bolting min/m).", ""]
        if final:
            fos, unb = final.get("factor_of_safety"), final.get("factor_of_safety_unbolted")
            if fos:
                lines.append(f"- factor of safety (bolted): {fos['value']:.4g} "
                             f"(bracket {fos['bracket'][0]:.4g}-{fos['bracket'][1]:.4g}, {fos['failure_criterion']}; "
                             f"{fos.get('method', 'bisection')})")
            target = req["min_factor_of_safety"]
            if fos and abs(fos["value"] - target) <= fos.get("tolerance", 0) * target:
                lines.append(f"- the factor is within its tolerance ({fos['tolerance']:.0%}) of the target "
                             f"{target:g}: at this resolution the analysis cannot tell this pattern from one that "
                             "just fails the target, and a cheaper candidate rejected by the check at "
                             f"F = {target:g} may be as good")
            if fos and unb and abs(fos["value"] - unb["value"]) <= fos.get("tolerance", 0) * unb["value"]:
                lines.append(f"- bolted and unbolted factors differ by less than the tolerance "
                             f"({fos['tolerance']:.0%}): the bolts do not measurably raise the factor")
            if unb:
                lines.append(f"- factor of safety (same roof unbolted): {unb['value']:.4g} "
                             f"(bracket {unb['bracket'][0]:.4g}-{unb['bracket'][1]:.4g}, {unb['failure_criterion']}; "
                             f"{unb.get('method', 'bisection')})"
                             + ("; unbolted the roof has no equilibrium: it needs its bolts to stand"
                                if unb["bracket"][1] <= 1 else ""))
            for contact in final.get("contacts", []):
                def where(extreme):
                    return ", ".join(f"{x:.2f}" for x in extreme["at"])
                lines.append(f"- bedding contact '{contact['unit']}' ({contact['region']}): "
                             f"{contact['open_points']} of {contact['points']} points open, "
                             f"{contact['slipping_points']} slipping; largest opening "
                             f"{1000 * contact['max_opening']['value']:.2f} mm at ({where(contact['max_opening'])}) m, "
                             f"largest slip {1000 * contact['max_slip']['value']:.2f} mm at "
                             f"({where(contact['max_slip'])}) m, at the end of the excavation")
        lines += [f"- peak bolt force {chosen['max_bolt_force'] / 1e3:.1f} kN, utilisation "
                  f"{chosen['max_bolt_utilisation']:.2f}; roof sag {1000 * chosen['roof_sag']:.1f} mm"
                  + (f" (largest, {chosen['roof_sag_at']:.2f} m from the room centre line; "
                     f"{1000 * chosen['roof_sag_mid_span']:.1f} mm at mid-span)"
                     if chosen.get("roof_sag_at") is not None and chosen.get("roof_sag_mid_span") is not None
                     else "")]
        if chosen.get("telltale_within") is not None:
            lines.append(f"- virtual telltales: {1000 * chosen['telltale_within']:.2f} mm within the bolted height"
                         + (f", {1000 * chosen['telltale_above']:.2f} mm above it"
                            if chosen.get("telltale_above") is not None else ""))
        lines.append("")
    if besides:
        lines += beside_section(design, chosen, final, dim, besides) + [""]
    lines += ["## Candidates", "", "| pattern | bolting min/m | status | FoS >= target | peak force kN | utilisation "
              "| sag mm | telltale within / above bolted height mm | reasons |", "|---|---|---|---|---|---|---|---|---|"]
    check_text = {True: "yes", False: "no", None: "not run"}
    for c in candidates:
        force = c.get("max_bolt_force")
        check = check_text[c["fos_check"]] if "fos_check" in c else "not run"
        lines.append(f"| {c['tag']} | {c['bolting_min_per_m']:.2f} | {c['status']} | {check} | "
                     f"{fmt(force and force / 1e3, '.1f')} | {fmt(c.get('max_bolt_utilisation'), '.2f')} | "
                     f"{fmt(c.get('roof_sag') and 1000 * c['roof_sag'], '.1f')} | "
                     f"{fmt(None if c.get('telltale_within') is None else 1000 * c['telltale_within'], '.2f')} / "
                     f"{fmt(None if c.get('telltale_above') is None else 1000 * c['telltale_above'], '.2f')} | "
                     f"{'; '.join(short_reason(r) for r in c['reasons'])} |")
    lines += ["", "## What the numbers mean", "",
              "- **Roof sag**: the largest downward displacement of the roof surface caused by the "
              "excavation (the in-situ state is the reference), wherever it occurs on the roof; absolute, "
              "so it includes the settlement of the rib the roof rests on. Mid-span sag: the same at the "
              "centre of the span.",
              "- **Peak force**: the largest axial force along any bolt, per bolt (in 2D the bolts of a row "
              "are smeared over the row spacing and the force given back per bolt; in 3D every bolt is its "
              "own line of elements). **Utilisation**: peak force / the product's yield force.",
              "- **Factor of safety**: strength reduction: cohesion, tan(friction angle) and tensile strength "
              "of every Mohr-Coulomb unit, bedding plane and bedding contact (and the bolts' bond) divided "
              "by F until the roof "
              "has no equilibrium or its largest displacement jumps; the value is the largest stable F, to the "
              "stated tolerance. A Hoek-Brown unit has its intact compressive strength sigma_ci divided by F "
              "instead (m_b, s, a unchanged): its compressive and tensile strengths fall by F, its shear "
              "strength under confinement by less, so its F is not the same reduction as c, tan(phi). "
              "**FoS >= target**: one strength-reduction path to the target F (yes, no, or not run when "
              "the candidate failed earlier).",
              "- **Telltale within / above bolted height**: roofspan's virtual dual-height telltales: the "
              "largest separation between the roof line and an anchor at the bolt length (within the bolted "
              "height) and between that anchor and one at twice the bolt length (above it), at the end of "
              "the excavation; empty when the case has no telltales.",
              "- **Bolting min/m**: bolter minutes per metre of advance for the pattern (production model)."]
    if prod is not None:
        lines += ["", production.report_markdown(prod).replace("# Production", "## Production", 1)]
    lines += [""] + assumptions_section(design, assumptions_run)
    if out_dir:
        final_dir = os.path.join(out_dir, "runs", "chosen") if final else None
        lines += [""] + paraview_section(out_dir, candidates, final_dir)
    for title, path in figures:
        lines += ["", f"## {title}", "", f"![{title}]({path})"]
    return "\n".join(lines) + "\n"


def render_figures(run_dir, fig_dir, log):
    """Section figures through the VTK renderer (under xvfb-run); returns (title, relative path)."""
    # The interpreter with VTK: ROOFSPAN_PYTHON, as the Slurm templates use it.
    python = os.environ.get("ROOFSPAN_PYTHON", "/usr/bin/python3")
    cmd = ["xvfb-run", "-a", python, os.path.join(HERE, "render_section.py"), run_dir, "--out", fig_dir]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        log(f"  figures not rendered: {failure_reason(proc.stderr) or f'exit code {proc.returncode}'}")
        return []
    names = {"section_deformation.png": "Deformed section", "yielded_zone.png": "Yielded zone and bolts",
             "bolt_forces.png": "Bolt axial forces"}
    return [(t, os.path.join("figures", n)) for n, t in names.items() if os.path.exists(os.path.join(fig_dir, n))]


def time_per_bolt_chart(inputs, path, targets):
    """Tonnes per year per unit against time per bolt for the chosen pattern."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    times = [1 + 0.1 * i for i in range(81)]
    tpy = [t / 1e3 for t in production.tonnes_against_time_per_bolt(inputs, times)]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.plot(times, tpy, color="tab:blue")
    base = production.estimate(inputs, targets=())
    ax.axvline(base.time_per_bolt_min, color="grey", ls="--", label=f"{base.time_per_bolt_min:.1f} min per bolt")
    for target in targets:
        units = math.ceil(target / (base.dry_t_per_year_per_unit) - 1e-9)
        ax.axhline(target / units / 1e3, ls=":", color="tab:red")
        ax.text(times[-1], target / units / 1e3, f"{target / 1e6:g} Mt/yr with {units} units", ha="right",
                va="bottom", color="tab:red", fontsize=8)
    ax.set_xlabel("time per installed bolt [min]")
    ax.set_ylabel("dry kt per year per unit")
    ax.set_title(f"{inputs.bolts_per_row} bolts per row, rows {inputs.row_spacing_m:g} m apart: "
                 "mining caps the output once bolting is faster")
    ax.legend(loc="lower left")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)


def strength_curve_chart(summary, path):
    """The strength-reduction path of the chosen pattern, bolted and unbolted: F against
    the largest displacement and the mid-span roof sag; the factor of safety marked.
    Returns False when the summary has no curve (bisection)."""
    curves = [(label, summary.get(key)) for label, key in
              (("bolted", "factor_of_safety"), ("unbolted", "factor_of_safety_unbolted"))]
    curves = [(label, f) for label, f in curves if f and f.get("curve")]
    if not curves:
        return False
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    for (label, f), colour in zip(curves, ("tab:blue", "tab:orange")):
        F = [p["factor"] for p in f["curve"]]
        ax.plot([1e3 * p["max_displacement"] for p in f["curve"]], F, "-o", ms=3, color=colour,
                label=f"{label}: largest displacement")
        ax.plot([1e3 * p["roof_sag"] for p in f["curve"]], F, "--", color=colour,
                label=f"{label}: roof sag at mid-span")
        ax.axhline(f["value"], color=colour, ls=":", lw=1)
        ax.text(ax.get_xlim()[0], f["value"], f"  F = {f['value']:.3f} ({f['failure_criterion']})",
                va="bottom", color=colour, fontsize=8)
    ax.set_xlabel("displacement [mm]")
    ax.set_ylabel("strength reduction factor F")
    ax.set_title("Strength reduction by continuation: each point a stable state at full excavation")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save_figure(fig, path)
    plt.close(fig)
    return True


def run_design(design, out, ranks, exhaustive=False, factor_of_safety=True, figures=True, log=log_line,
               besides=()):
    """The search, the chosen pattern's factor of safety and production, the figures and
    the report; returns the result written to out/design.json."""
    os.makedirs(out, exist_ok=True)
    log(f"design search '{design['title']}' on {ranks} rank(s); candidates cheapest first:")
    candidates, chosen = search(design, out, ranks, exhaustive, log)
    final, prod, figure_list = None, None, []
    if chosen is not None:
        prod = production.estimate(production_inputs(design, chosen))
        if factor_of_safety:
            final_dir = os.path.join(out, "runs", "chosen")
            log(f"factor of safety of {chosen['tag']} (bolted and unbolted) ...")
            code, final, note = run_case(design, pattern_sets(chosen) + [
                "Strength reduction/Compute factor of safety=true", "Strength reduction/Check factor=0"],
                final_dir, ranks)
            if code != 0:
                log(f"  the full factor-of-safety run failed: {note}")
                final = None
            elif final.get("factor_of_safety"):
                # Printed as found, never rewritten. Continuation follows the
                # check's own path, so they agree; if not, the log says so.
                fos, target = final["factor_of_safety"], design["requirement"]["min_factor_of_safety"]
                if fos["value"] < target:
                    log(f"  note: the check passed F = {target:g} but the factor of safety is "
                        f"{fos['value']:.4g} (bracket {fos['bracket'][0]:.4g}-{fos['bracket'][1]:.4g}, "
                        f"{fos.get('method', 'bisection')})")
        if figures:
            fig_dir = os.path.join(out, "figures")
            os.makedirs(fig_dir, exist_ok=True)
            figure_list = render_figures(os.path.join(out, "runs", "chosen") if final else chosen["run_dir"],
                                         fig_dir, log)
            inputs = production_inputs(design, chosen)
            production.tornado(inputs, os.path.join(fig_dir, "tornado.png"))
            time_per_bolt_chart(inputs, os.path.join(fig_dir, "tonnes_vs_time_per_bolt.png"),
                                production.PLANT_TARGETS_DRY_T_PER_YEAR)
            if final and strength_curve_chart(final, os.path.join(fig_dir, "strength_curve.png")):
                figure_list.append(("Factor of safety: the strength-reduction path", "figures/strength_curve.png"))
            figure_list += [("Sensitivity of tonnes per year (tornado)", "figures/tornado.png"),
                            ("Tonnes per year against time per bolt", "figures/tonnes_vs_time_per_bolt.png")]

    output_files.write_text(os.path.join(out, "candidates.csv"), candidates_csv(candidates))
    dims = [c["dim"] for c in candidates if c.get("dim")]
    result = {"design": design, "chosen": chosen, "candidates": candidates, "dim": dims[0] if dims else None,
              "beside": [o["folder"] for o in besides],
              "runs": sum(1 for c in candidates if c["status"] in ("meets", "fails")),
              "factor_of_safety": final.get("factor_of_safety") if final else None,
              "factor_of_safety_unbolted": final.get("factor_of_safety_unbolted") if final else None,
              "production": prod.as_dict() if prod else None}
    output_files.write_text(os.path.join(out, "design.json"), json.dumps(result, indent=1, default=str))
    # The assumptions are read from a run that happened: the chosen pattern's
    # factor-of-safety run, its search run, or any candidate that ran.
    ran = [c["run_dir"] for c in candidates if c.get("run_dir")]
    assumptions_run = os.path.join(out, "runs", "chosen") if final else \
        (chosen["run_dir"] if chosen else (ran[0] if ran else None))
    output_files.write_text(os.path.join(out, "report.md"),
                     report(design, candidates, chosen, final, prod, figure_list, assumptions_run, out,
                            result["dim"], besides))
    log(f"{result['runs']} of {len(candidates)} candidates run; results in {out}/ (report.md)")
    return result


def print_answer(result, besides=()):
    chosen, prod = result["chosen"], result["production"]
    if chosen is None:
        print("NO FEASIBLE PATTERN: no candidate meets the requirement; see candidates.csv for the reasons")
    else:
        print(f"REQUIRED PATTERN: {chosen['bolts_per_row']} x {chosen['length']:g} m {chosen['product']} per row, "
              f"rows {chosen['row_spacing']:g} m apart ({chosen['bolting_min_per_m']:.2f} bolting min/m)")
        fos, unb = result["factor_of_safety"], result["factor_of_safety_unbolted"]
        if fos:
            print(f"  factor of safety {fos['value']:.3g} bolted" + (f", {unb['value']:.3g} unbolted" if unb else ""))
        print(f"PRODUCTION: {prod['time_per_bolt_min']:.2f} min per bolt; bottleneck {prod['bottleneck']}; "
              f"{prod['m_per_unit_shift']:.1f} m and {prod['dry_t_per_unit_shift']:,.0f} dry t per unit-shift; "
              f"{prod['dry_t_per_year_per_unit']:,.0f} dry t/yr per unit")
        for t in prod["targets"]:
            print(f"  {t['target_dry_t_per_year'] / 1e6:g} Mt/yr dry: {t['units_needed']} units "
                  f"({t['units_fractional']:.2f}); " + t["bolt_time_limit"]["explanation"])
    for other in besides:
        c = other["chosen"]
        print(f"BESIDE {other['design']['title']}: " +
              (f"{c['bolts_per_row']} x {c['length']:g} m {c['product']} per row, rows {c['row_spacing']:g} m "
               f"apart ({c['bolting_min_per_m']:.2f} bolting min/m)" if c else "no feasible pattern"))


def main(argv=None):
    ap = cli_errors.OneLineArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("design")
    ap.add_argument("--out", help="output directory (default output/design_<name>)")
    ap.add_argument("--ranks", type=int, help="MPI ranks per run (default: the design file's, else 2)")
    ap.add_argument("--exhaustive", action="store_true", help="run every candidate")
    ap.add_argument("--no-factor-of-safety", action="store_true",
                    help="skip the full strength-reduction run of the chosen pattern")
    ap.add_argument("--no-figures", action="store_true", help="skip the VTK and chart figures")
    ap.add_argument("--beside", action="append", default=[], metavar="DIR",
                    help="output folder of another finished design search, stated side by side in the report "
                         "(repeatable)")
    ap.add_argument("--quiet", action="store_true",
                    help="do not pass the solver's progress lines through (the search's own lines stay)")
    args = ap.parse_args(argv)
    try:
        design = load_design(args.design)
        design["progress"] = not args.quiet
        besides = [read_beside(folder) for folder in args.beside]
        if args.ranks is not None and args.ranks < 1:
            raise DesignInputError(f"design input error: --ranks {args.ranks}: expected >= 1")
        out = os.path.abspath(args.out or os.path.join(
            ROOT, "output", "design_" + os.path.splitext(os.path.basename(args.design))[0]))
        problem = output_problem(out, not args.no_figures) or launcher.solver_problem(args.ranks or design["ranks"])
        if problem:
            raise DesignInputError(problem)
        result = run_design(design, out, args.ranks or design["ranks"], args.exhaustive,
                            not args.no_factor_of_safety, not args.no_figures, besides=besides)
    except (DesignInputError, production.ProductionInputError) as e:
        print(f"design.py: {e}", file=sys.stderr)
        return 2
    except AnalysisError as e:
        print(f"design.py: the search stopped: {e}", file=sys.stderr)
        return 4
    print_answer(result, besides)
    return 0 if result["chosen"] is not None else 3


if __name__ == "__main__":
    sys.exit(cli_errors.run(main, "design.py", (DesignInputError, production.ProductionInputError)))
