"""Bad input to the postprocessing scripts (production.py, design.py,
sweep.py, render_section.py, summary_report.py): exit code 2, one line on stderr naming the
file, entry or argument and what was expected, no traceback, and nothing
written. None of these cases runs the solver (each is refused first), so the
whole test takes seconds.

Then what must never happen to files the scripts did not write, and the
search's behaviour around its solver runs, with a stand-in for roofspan
(a small Python script, FAKE_SOLVER below, run through $ROOFSPAN: it stages
its output beside the output folder as roofspan does and swaps it in):
outputs that exist as a device, a FIFO, a symbolic link are refused and left
as they are; a bolt product named "a/../../../victim" does not reach outside
the design's folder; a solver that is missing or a launcher that fails is
reported with its reason; Ctrl-C leaves no staging folder and no solver
running; repeated candidates are refused; limits are printed as written;
sweep.py merge on broken or absent task results.
"""
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

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


# The stand-in for roofspan. FAKE_MODE: "result" (a summary.json with roof
# sag FAKE_SAG m and bolt utilisation FAKE_UTILISATION, exit 0) or "slow"
# (stages, then sleeps: to be interrupted). Like roofspan it takes the lock
# <parent>/.<name>.lock, stages into <parent>/.<name>.incoming-<pid>/ (marked
# by .roofspan-staging) and
# replaces the output folder with it (what was there is removed): so an
# output folder outside the design's folder would lose its files. On SIGTERM
# or SIGINT it dies without cleaning up (as a rank killed by mpirun would).
FAKE_SOLVER = r'''#!/usr/bin/python3
import fcntl, json, os, shutil, signal, sys, time
signal.signal(signal.SIGINT, signal.SIG_DFL)
args = sys.argv[1:]
out = os.path.normpath(args[args.index("--output-dir") + 1])
parent, name = os.path.split(out)
print("roofspan (test stand-in)", flush=True)
with open(os.environ["FAKE_PIDS"], "a") as f:
    f.write(f"{os.getpid()}\n")
os.makedirs(parent, exist_ok=True)
lock = open(os.path.join(parent, f".{name}.lock"), "a+")
fcntl.flock(lock, fcntl.LOCK_EX)
staging = os.path.join(parent, f".{name}.incoming-{os.getpid()}")
os.mkdir(staging)
open(os.path.join(staging, ".roofspan-staging"), "w").close()  # as roofspan marks its own
if os.environ.get("FAKE_MODE") == "slow":
    print("  stage excavation: load 0.1", flush=True)
    time.sleep(120)
summary = {"dim": 2, "strength_check": {"stable": True, "failure_criterion": "stable", "note": ""},
           "bolts": {"max_axial_force": 5e4, "max_utilisation": float(os.environ.get("FAKE_UTILISATION", "0.5")),
                     "pulled_out": 0, "ruptured": 0},
           "roof": {"sag_max": float(os.environ.get("FAKE_SAG", "0.01")), "sag_max_location": [0.5, 0.0],
                    "sag_mid_span": 0.01}}
with open(os.path.join(staging, "summary.json"), "w") as f:
    json.dump(summary, f)
if os.path.lexists(out):
    shutil.rmtree(out)
os.rename(staging, out)
'''

# A launcher that fails as Open MPI's mpirun does when it cannot start the
# program: its reason framed in lines of dashes.
FAKE_LAUNCHER = r'''#!/bin/sh
cat >&2 <<'END'
--------------------------------------------------------------------------
mpirun was unable to launch the specified application as it could not access
or execute an executable:

Executable: roofspan
Node: testhost

while attempting to start process rank 0.
--------------------------------------------------------------------------
END
exit 1
'''


def write(path, text, mode="w"):
    with open(path, mode) as f:
        f.write(text)
    return path


def design_variant(work, name, old, new):
    assert old in GOOD_DESIGN, old
    return write(os.path.join(work, name + ".toml"), GOOD_DESIGN.replace(old, new))


def executable(path, text):
    write(path, text)
    os.chmod(path, 0o755)
    return path


def kind(path):
    """What is at `path`, without following a link: 'link -> target', 'FIFO', ..."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "absent"
    if stat.S_ISLNK(st.st_mode):
        return f"link -> {os.readlink(path)}"
    if stat.S_ISCHR(st.st_mode):
        return f"character device {os.major(st.st_rdev)},{os.minor(st.st_rdev)}"
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISDIR, "folder"), (stat.S_ISREG, "file")):
        if test(st.st_mode):
            return name
    return "other"


def staging_left(folder):
    """Staging folders and temporary files anywhere under `folder`."""
    found = []
    for parent, dirs, files in os.walk(folder):
        found += [os.path.join(parent, n) for n in dirs + files if ".incoming" in n or n.endswith(".tmp")]
    return found


def main():
    work = scratch("postprocess_bad_input")
    for leftover in os.listdir(work):  # a previous run's folders (the table's cases write nothing)
        path = os.path.join(work, leftover)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    out = os.path.join(work, "out")  # must never be created
    fake_pids = os.path.join(work, "fake_pids")
    env = dict(os.environ, ROOFSPAN=executable(os.path.join(work, "fake_roofspan"), FAKE_SOLVER),
               FAKE_PIDS=fake_pids)
    env.pop("ROOFSPAN_MPIRUN", None)
    fake_launcher = executable(os.path.join(work, "fake_mpirun"), FAKE_LAUNCHER)
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

    # Outputs that exist and are not regular files: refused, left as they are.
    # A character device like /dev/full (1,7), made here so that a script
    # that replaced it would not replace the machine's; without the right to
    # make one, /dev/full itself (then /dev cannot be written either).
    device = os.path.join(work, "full_device")
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        device = "/dev/full"
    fifo = os.path.join(work, "a_fifo")
    os.mkfifo(fifo)
    target = write(os.path.join(work, "link_target.json"), "the user's file\n")
    link = os.path.join(work, "a_link.json")
    os.symlink(target, link)
    linked_out = os.path.join(work, "linked_out")  # a design folder whose design.json is a link
    os.makedirs(linked_out)
    os.symlink(target, os.path.join(linked_out, "design.json"))
    fifo_figures = os.path.join(work, "fifo_figures")  # render_section.py --out with a FIFO for a PNG
    os.makedirs(fifo_figures)
    os.mkfifo(os.path.join(fifo_figures, "bolt_forces.png"))
    linked_merge = os.path.join(work, "linked_merge")  # a sweep folder whose design_table.md is a link
    os.makedirs(linked_merge)
    os.symlink(target, os.path.join(linked_merge, "design_table.md"))
    special = [device, fifo, link, target, os.path.join(linked_out, "design.json"),
               os.path.join(fifo_figures, "bolt_forces.png"), os.path.join(linked_merge, "design_table.md")]
    kinds = {path: kind(path) for path in special}
    folders = {folder: sorted(os.listdir(folder)) for folder in (linked_out, fifo_figures, linked_merge)}
    nowhere = {"ROOFSPAN": "/nonexistent"}

    cases = [
        # (script, arguments, words the message must contain[, environment])
        # Outputs that exist and are not regular files.
        (P, ["--json", device], ["--json", device, "character device"]),
        (P, ["--json", fifo], ["--json", "a_fifo", "FIFO"]),
        (P, ["--json", link], ["--json", "a_link.json", "symbolic link"]),
        (P, ["--tornado", link], ["--tornado", "a_link.json", "symbolic link"]),
        (D, [good_design, "--out", linked_out], ["linked_out", "design.json", "symbolic link"]),
        (R, [empty_run, "--out", fifo_figures], ["bolt_forces.png", "FIFO"]),
        (S, [sweep("linked_merge", "spans = [4.5]\n" + good_geologies), "merge", "--out", linked_merge],
         ["design_table.md", "symbolic link"]),
        # The solver missing or not executable, whatever the rank count.
        (D, [design_variant(work, "ranks_2", "ranks = 1", "ranks = 2")], ["/nonexistent", "ROOFSPAN"], nowhere),
        (D, [good_design], ["/nonexistent", "ROOFSPAN"], nowhere),
        (D, [good_design], ["a_file", "ROOFSPAN", "not an executable"], {"ROOFSPAN": a_file}),
        (D, [good_design], ["ROOFSPAN_MPIRUN", "no-such-launcher"], {"ROOFSPAN_MPIRUN": "no-such-launcher"}),
        (S, [sweep("no_solver", "spans = [4.5]\n" + good_geologies), "run-task", "0"], ["/nonexistent", "ROOFSPAN"],
         nowhere),
        # Repeated candidates, or two that would share a run folder.
        (D, [design_variant(work, "length_twice", "length = [1.8]", "length = [1.8, 1.8]")],
         ["length_twice.toml", "candidates.length", "1.8", "twice"]),
        (D, [design_variant(work, "bolts_twice", "bolts_per_row = [2, 4]", "bolts_per_row = [2, 4, 2.0]")],
         ["bolts_twice.toml", "candidates.bolts_per_row", "twice"]),
        (D, [design_variant(work, "product_one_folder", 'product = ["resin rebar 19mm"]',
                            'product = ["resin rebar 19mm", "resin rebar/19mm"]')],
         ["product_one_folder.toml", "candidates.product", "run folder"]),
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

    def run(cmd, extra_env=None, **kwargs):
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=work,
                              env=dict(env, **(extra_env or {})), **kwargs)

    def one_line(what, proc, code, words):
        message = proc.stderr.strip()
        print(f"  {what}: exit {proc.returncode}: {message}")
        c.condition(f"{what}: exit code {code}", proc.returncode == code, str(proc.returncode))
        c.condition(f"{what}: one line, no traceback",
                    message.count("\n") == 0 and "Traceback" not in message, f"{message.count(chr(10)) + 1} lines")
        missing = [w for w in words if w not in message]
        c.condition(f"{what}: names {words}", not missing, f"missing {missing}" if missing else "")
        return message

    for script, args, words, *extra in cases:
        cmd = [PY, os.path.join(POST, script)] + args
        if script in (D, S) and "--out" not in args:
            cmd += ["--out", out]
        proc = run(cmd, extra[0] if extra else None)
        what = f"{script} {' '.join(os.path.basename(a) if os.sep in a else a for a in args)}"
        one_line(what, proc, 2, words)
        c.condition(f"{what}: no report printed", proc.stdout.strip() == "", proc.stdout[:80])
        written = [p for p in (out, os.path.join(empty_run, "figures")) if os.path.exists(p)]
        c.condition(f"{what}: nothing written", not written, ", ".join(written))
        for p in written:
            shutil.rmtree(p)
        changed = [f"{p}: {kinds[p]} -> {kind(p)}" for p in special if kind(p) != kinds[p]]
        changed += [f"{f}: {sorted(os.listdir(f))}" for f in folders if sorted(os.listdir(f)) != folders[f]]
        with open(target) as f:
            if f.read() != "the user's file\n":
                changed.append(f"{target}: content changed")
        c.condition(f"{what}: devices, FIFOs, links and their targets as they were", not changed, "; ".join(changed))
    print(f"  {len(cases)} bad inputs")

    # A bolt product named like a path: every run stays inside the design's
    # runs/ folder; a folder beside the design's output keeps its files.
    # (The stand-in replaces its output folder, as roofspan does.)
    beside = os.path.join(work, "product_path")
    victim = os.path.join(beside, "victim")
    os.makedirs(victim)
    write(os.path.join(victim, "keep.txt"), "the user's file\n")
    path_product = design_variant(work, "product_path", 'product = ["resin rebar 19mm"]',
                                  'product = ["a/../../../victim"]')
    proc = run([PY, os.path.join(POST, D), path_product, "--out", os.path.join(beside, "out"), "--no-figures",
                "--no-factor-of-safety", "--quiet"])
    print(f"  product 'a/../../../victim': exit {proc.returncode}: {proc.stderr.strip()}")
    c.condition("product 'a/../../../victim': the search ran (exit 0)", proc.returncode == 0,
                f"exit {proc.returncode}: {proc.stderr.strip()[-150:]}")
    kept = os.path.isfile(os.path.join(victim, "keep.txt"))
    if kept:
        with open(os.path.join(victim, "keep.txt")) as f:
            kept = f.read() == "the user's file\n"
    c.condition("product 'a/../../../victim': the folder beside the output untouched",
                kept and os.listdir(victim) == ["keep.txt"] and sorted(os.listdir(beside)) == ["out", "victim"],
                f"victim holds {os.listdir(victim) if os.path.isdir(victim) else 'nothing'}; beside the output: "
                f"{sorted(os.listdir(beside))}")
    runs = os.path.join(beside, "out", "runs")
    run_folders = sorted(n for n in os.listdir(runs) if os.path.isdir(os.path.join(runs, n))) \
        if os.path.isdir(runs) else []
    c.condition("product 'a/../../../victim': its run folder inside runs/",
                run_folders == ["2x1.8m_at_1.5m_a-..-..-..-victim"], str(run_folders))

    # Limits printed as written: 1e-4 m is 0.1 mm, not 0 mm; 0.805 is not 0.81.
    tight = design_variant(work, "tight", "min_factor_of_safety = 1.3",
                           "min_factor_of_safety = 1.3\nmax_roof_sag = 1e-4\nmax_bolt_utilisation = 0.805")
    tight_out = os.path.join(work, "tight_out")
    proc = run([PY, os.path.join(POST, D), tight, "--out", tight_out, "--no-figures", "--no-factor-of-safety",
                "--quiet"], {"FAKE_SAG": "0.0406", "FAKE_UTILISATION": "0.81"})
    text = ""
    for name in ("candidates.csv", "report.md"):
        if os.path.isfile(os.path.join(tight_out, name)):
            with open(os.path.join(tight_out, name)) as f:
                text += f.read()
    for words in ("roof sag 40.6 mm > 0.1 mm", "bolt utilisation 0.81 > 0.805", "roof sag <= 0.1 mm",
                  "bolt utilisation <= 0.805"):
        c.condition(f"max_roof_sag = 1e-4, max_bolt_utilisation = 0.805: '{words}'",
                    proc.returncode == 3 and words in text, f"exit {proc.returncode}")

    # A launcher that fails: "launcher failure" with its reason, not its
    # frame of dashes (exit 4, one line).
    proc = run([PY, os.path.join(POST, D), good_design, "--out", os.path.join(work, "launcher_out"), "--no-figures",
                "--quiet"], {"ROOFSPAN_MPIRUN": fake_launcher})
    message = one_line("launcher that cannot start the solver", proc, 4,
                       ["launcher failure", "not a verdict on the roof", "unable to launch", "Executable: roofspan"])
    c.condition("launcher failure: the message does not end in a line of dashes", not message.endswith("---"))

    # Ctrl-C during a candidate's run (SIGINT to the whole process group, as
    # a terminal sends it): exit 130, one line, no staging folder or
    # temporary file left, no solver still running.
    interrupted = os.path.join(work, "interrupted")
    with open(fake_pids, "w"):
        pass
    proc = subprocess.Popen([PY, os.path.join(POST, D), good_design, "--out", os.path.join(interrupted, "out"),
                             "--no-figures", "--no-factor-of-safety"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=work, env=dict(env, FAKE_MODE="slow"),
                            start_new_session=True)
    deadline, staged = time.time() + 60, []
    while time.time() < deadline and not staged and proc.poll() is None:
        time.sleep(0.1)
        staged = staging_left(interrupted)
    c.condition("Ctrl-C: the first candidate's run started (staging folder made)", bool(staged),
                f"exit {proc.poll()}")
    started = time.time()
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate()
    message = stderr.strip()
    print(f"  Ctrl-C: exit {proc.returncode} after {time.time() - started:.1f} s: {message}")
    c.condition("Ctrl-C: exit 130, 'interrupted', one line", proc.returncode == 130 and message.count("\n") == 0
                and "interrupted" in message, f"exit {proc.returncode}, {message.count(chr(10)) + 1} lines")
    left = staging_left(interrupted)
    c.condition("Ctrl-C: no staging folder or temporary file left", not left, ", ".join(left))
    with open(fake_pids) as f:
        pids = [int(line) for line in f if line.strip()]
    running = [pid for pid in pids if alive(pid)]
    c.condition("Ctrl-C: no solver left running", pids and not running, f"solver pids {pids}, running {running}")
    for pid in running:
        os.kill(pid, signal.SIGKILL)

    # sweep.py merge on task results that are not a design search's: exit 2
    # naming the file; with no task result at all: the missing tasks listed,
    # exit 3, nothing written.
    merge_sweep = sweep("merge_sweep", "spans = [4.5]\n" + good_geologies)
    merge_out = os.path.join(work, "merge_out")
    listed = run([PY, os.path.join(POST, S), merge_sweep, "list"]).stdout.split()
    task = os.path.join(merge_out, "tasks", f"000_{listed[1]}")
    broken = [("{}", "an empty object"), ('{"runs": 1, "chosen": null}', "keys missing"),
              ('{"runs": 1, "chosen": {"tag": "x"}, "production": {}, "factor_of_safety": null, '
               '"factor_of_safety_unbolted": null}', "an incomplete pattern"),
              ('{"design": {"title": "t"}, "chosen": {"tag": "2x1', "truncated"),
              (bytes(range(256)), "binary"), ("[1, 2]", "a list")]
    for content, label in broken:
        os.makedirs(task, exist_ok=True)
        write(os.path.join(task, "design.json"), content, "wb" if isinstance(content, bytes) else "w")
        proc = run([PY, os.path.join(POST, S), merge_sweep, "merge", "--out", merge_out])
        one_line(f"merge, design.json {label}", proc, 2, [os.path.join(task, "design.json"), "expected"])
        c.condition(f"merge, design.json {label}: nothing written",
                    sorted(os.listdir(merge_out)) == ["tasks"], str(sorted(os.listdir(merge_out))))
    shutil.rmtree(merge_out)
    proc = run([PY, os.path.join(POST, S), merge_sweep, "merge", "--out", merge_out])
    print(f"  merge, no task results: exit {proc.returncode}: {proc.stdout.strip()} {proc.stderr.strip()}")
    c.condition("merge, no task results: exit 3, the missing task listed, nothing on stderr",
                proc.returncode == 3 and "missing task 0" in proc.stdout and not proc.stderr.strip(),
                f"exit {proc.returncode}: {proc.stderr.strip()[:120]}")
    c.condition("merge, no task results: nothing written", not os.path.exists(merge_out))
    c.finish()


def alive(pid):
    """A process that is running (not gone, not a zombie waiting for its parent)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return False


main()
