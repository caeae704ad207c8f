"""Bad input to the postprocessing scripts (production.py, design.py,
sweep.py, render_section.py, summary_report.py): exit code 2, one line on stderr naming the
file, entry or argument and what was expected, no traceback, and nothing
written. None of these cases runs the solver (each is refused first), so the
whole test takes seconds.
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from harness import ROOT, Checks, scratch  # noqa: E402

PY = "/usr/bin/python3"  # Debian's Python: numpy, matplotlib and VTK
POST = os.path.join(ROOT, "postprocess")
CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")

GOOD_DESIGN = f"""
title = "bad-input test"
case = "{CASE}"
ranks = 1
[candidates]
bolts_per_row = [2, 4]
row_spacing = [1.5]
length = [1.8]
product = ["resin rebar 19mm"]
[requirement]
min_factor_of_safety = 1.3
"""


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


def design_variant(work, name, old, new):
    assert old in GOOD_DESIGN, old
    return write(os.path.join(work, name + ".toml"), GOOD_DESIGN.replace(old, new))


def main():
    work = scratch("postprocess_bad_input")
    out = os.path.join(work, "out")  # must never be created
    shutil.rmtree(out, ignore_errors=True)
    good_design = write(os.path.join(work, "good.toml"), GOOD_DESIGN)
    latin1 = write(os.path.join(work, "latin1.toml"), "title = \"Caf\xe9\"\n".encode("latin-1"), "wb")
    binary = write(os.path.join(work, "binary.toml"), bytes(range(256)), "wb")
    not_toml = write(os.path.join(work, "not_toml.toml"), "case = room.prm [\n")
    a_file = write(os.path.join(work, "a_file"), "x")
    run_dir = os.path.join(work, "fake_run")
    os.makedirs(run_dir, exist_ok=True)
    write(os.path.join(run_dir, "solution.pvd"), "<VTKFile><Collection><DataSet file='x.pvtu'")
    empty_run = os.path.join(work, "empty_run")
    os.makedirs(empty_run, exist_ok=True)

    def sweep(name, body):
        return write(os.path.join(work, name + ".toml"), f'design = "{good_design}"\n' + body)

    good_geologies = '[geologies]\n"thin clay" = "ore manto: 2.5, clay manto: 0.6, breccia: 1.5, sandstone: 8"\n'
    P, D, S, R = "production.py", "design.py", "sweep.py", "render_section.py"
    cases = [
        # (script, arguments, words the message must contain)
        (P, ["--json", "/missing/dir/x.json"], ["--json", "/missing/dir"]),
        (P, ["--tornado", "/missing/dir/t.png"], ["--tornado", "/missing/dir"]),
        (P, ["--json", work], ["--json", "is a directory"]),
        (P, ["--set", "availability=1e-200"], ["availability", "0.05"]),
        (P, ["--set", "cut_depth_m=1e-320"], ["cut_depth_m", "0.5"]),
        (P, ["--set", "efficiency=0"], ["efficiency"]),
        (P, ["--bolts-per-row", "1e6"], ["bolts_per_row", "20"]),
        (P, ["--bolts-per-row", "2.5"], ["bolts_per_row", "whole"]),
        (P, ["--set", "span_m=1000"], ["span_m", "20"]),
        (P, ["--set", "availability=nan"], ["availability"]),
        (P, ["--set", "shift_h=inf"], ["shift_h"]),
        (P, ["--set", "moisture_fraction=1"], ["moisture_fraction"]),
        (P, ["--set", "no_such_input=3"], ["no_such_input"]),
        (P, ["--set", "availability"], ["availability", "expected a number"]),
        (P, ["--set", "lost_time_min=600"], ["lost_time_min", "shift"]),
        (P, ["--set", "production_shifts_per_day=4", "--set", "shift_h=10"], ["production_shifts_per_day"]),
        (P, ["--target", "x"], ["--target", "x"]),
        (P, ["--target", "-5"], ["--target", "1e3"]),
        (P, ["--units", "0"], ["--units"]),
        (P, ["--no-such-option"], ["--no-such-option"]),
        # design.py
        (D, [os.path.join(work, "missing.toml")], ["missing.toml", "does not exist"]),
        (D, [work], [os.path.basename(work), "directory"]),
        (D, [latin1], ["latin1.toml", "UTF-8"]),
        (D, [binary], ["binary.toml"]),
        (D, [not_toml], ["not_toml.toml", "TOML"]),
        (D, [design_variant(work, "candidates_5", "[candidates]\nbolts_per_row = [2, 4]\nrow_spacing = [1.5]\n"
                            "length = [1.8]\nproduct = [\"resin rebar 19mm\"]\n", "candidates = 5\n")],
         ["candidates_5.toml", "candidates", "table"]),
        (D, [design_variant(work, "case_5", f'case = "{CASE}"', "case = 5")], ["case_5.toml", "case", "string"]),
        (D, [design_variant(work, "case_missing", f'case = "{CASE}"', 'case = "nowhere.prm"')],
         ["case_missing.toml", "case", "does not exist"]),
        (D, [design_variant(work, "unknown_entry", "ranks = 1", "ranks = 1\nbudget = 3")],
         ["unknown_entry.toml", "budget"]),
        (D, [design_variant(work, "ranks_0", "ranks = 1", "ranks = 0")], ["ranks_0.toml", "ranks"]),
        (D, [design_variant(work, "bolts_text", "bolts_per_row = [2, 4]", 'bolts_per_row = ["two"]')],
         ["bolts_text.toml", "candidates.bolts_per_row"]),
        (D, [design_variant(work, "bolts_many", "bolts_per_row = [2, 4]", "bolts_per_row = [1000000]")],
         ["bolts_per_row", "20"]),
        (D, [design_variant(work, "spacing_empty", "row_spacing = [1.5]", "row_spacing = []")],
         ["spacing_empty.toml", "candidates.row_spacing", "non-empty"]),
        (D, [design_variant(work, "fos_100", "min_factor_of_safety = 1.3", "min_factor_of_safety = 100")],
         ["fos_100.toml", "min_factor_of_safety", "10"]),
        (D, [design_variant(work, "fos_below_1", "min_factor_of_safety = 1.3", "min_factor_of_safety = 0.5")],
         ["fos_below_1.toml", "min_factor_of_safety"]),
        (D, [write(os.path.join(work, "requirement_5.toml"),
                   GOOD_DESIGN.replace("[requirement]\nmin_factor_of_safety = 1.3", "")
                   .replace("ranks = 1", "ranks = 1\nrequirement = 5"))],
         ["requirement_5.toml", "requirement", "table"]),
        (D, [design_variant(work, "production_span", "[requirement]",
                            "[production]\nspan_m = 1000\n[requirement]")], ["production_span.toml", "span_m"]),
        (D, [design_variant(work, "sets_text", "ranks = 1", 'ranks = 1\nsets = "Bolts/Length=2"')],
         ["sets_text.toml", "sets"]),
        (D, [good_design, "--ranks", "0"], ["--ranks"]),
        (D, [good_design, "--ranks", "two"], ["--ranks", "two"]),
        (D, [good_design, "--out", os.path.join(a_file, "sub")], ["a_file"]),
        # sweep.py
        (S, [os.path.join(work, "missing_sweep.toml"), "list"], ["missing_sweep.toml", "does not exist"]),
        (S, [good_design, "frobnicate"], ["frobnicate"]),
        (S, [sweep("spans_1000", "spans = [1000]\n" + good_geologies), "list"], ["spans_1000.toml", "spans", "20"]),
        (S, [sweep("spans_text", 'spans = "4.5"\n' + good_geologies), "list"], ["spans_text.toml", "spans"]),
        (S, [sweep("geologies_5", "spans = [4.5]\ngeologies = 5\n"), "list"], ["geologies_5.toml", "geologies"]),
        (S, [write(os.path.join(work, "design_5.toml"), "design = 5\nspans = [4.5]\n" + good_geologies), "list"],
         ["design_5.toml", "design"]),
        (S, [sweep("task_99", "spans = [4.5]\n" + good_geologies), "run-task", "99"], ["task 99"]),
        (S, [sweep("task_missing", "spans = [4.5]\n" + good_geologies), "run-task"], ["task number"]),
        (S, [latin1, "list"], ["latin1.toml", "UTF-8"]),
        # render_section.py
        (R, [os.path.join(work, "no_run")], ["no_run", "no such directory"]),
        (R, [empty_run], ["empty_run", "solution.pvd"]),
        (R, [run_dir], ["solution.pvd"]),
        (R, [empty_run, "--size", "100000x100000"], ["--size", "8000"]),
        (R, [empty_run, "--size", "big"], ["--size"]),
        # summary_report.py
        ("summary_report.py", [os.path.join(work, "missing.json")], ["missing.json", "No such file"]),
        ("summary_report.py", [binary], ["UTF-8"]),
        ("summary_report.py", [not_toml], ["not valid JSON"]),
        ("summary_report.py", [write(os.path.join(work, "other.json"), '{"a": 1}')],
         ["other.json", "not a roofspan summary"]),
    ]

    c = Checks("Postprocessing bad input: exit 2, one line, no traceback, nothing written")
    for script, args, words in cases:
        cmd = [PY, os.path.join(POST, script)] + args
        if script in (D, S) and "--out" not in args:
            cmd += ["--out", out]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=work)
        message = proc.stderr.strip()
        what = f"{script} {' '.join(os.path.basename(a) if os.sep in a else a for a in args)}"
        print(f"  {what}: exit {proc.returncode}: {message}")
        c.condition(f"{what}: exit code 2", proc.returncode == 2, str(proc.returncode))
        c.condition(f"{what}: one line, no traceback",
                    message.count("\n") == 0 and "Traceback" not in message, f"{message.count(chr(10)) + 1} lines")
        missing = [w for w in words if w not in message]
        c.condition(f"{what}: names {words}", not missing, f"missing {missing}" if missing else "")
        c.condition(f"{what}: no report printed", proc.stdout.strip() == "", proc.stdout[:80])
        written = [p for p in (out, os.path.join(empty_run, "figures")) if os.path.exists(p)]
        c.condition(f"{what}: nothing written", not written, ", ".join(written))
        for p in written:
            shutil.rmtree(p)
    print(f"  {len(cases)} bad inputs")
    c.finish()


main()
