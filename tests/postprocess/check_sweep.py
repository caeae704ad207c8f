"""The sweep end to end on a tiny grid (2 spans x 1 geology, one candidate
each, the fast degree-1 section): tasks run one by one as a Slurm array
would run them (run-task I), the merge builds the design table (CSV and
Markdown) and the charts; a missing task is reported by the merge (exit 3);
a task number out of range is an input error (exit 2).
"""
import csv
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from harness import ROOT, Checks, launcher, scratch  # noqa: E402

PY = "/usr/bin/python3"
SWEEP = os.path.join(ROOT, "postprocess", "sweep.py")

DESIGN = f"""
title = "sweep test design"
case = "{os.path.join(ROOT, 'cases', 'room_4.5m.prm')}"
ranks = 1
sets = ["Discretization/Polynomial degree=1", "Geometry/Room and pillar/Cell size at opening=0.2",
        "Stratigraphy/Contacts=", "Nonlinear solver/Load steps=8", "Nonlinear solver/Smallest load increment=0.011",
        "Strength reduction/Tolerance=0.1"]
[candidates]
bolts_per_row = [4]
row_spacing = [1.5]
length = [1.8]
product = ["resin rebar 19mm"]
[requirement]
min_factor_of_safety = 1.0
"""
SWEEP_FILE = """
title = "sweep test"
design = "design.toml"
spans = [3.0, 4.5]
[geologies]
"thin clay" = "ore manto: 2.5, clay manto: 0.6, breccia: 1.5, sandstone: 3, breccia: 4, sandstone: 8"
"""


def sweep(*args):
    proc = subprocess.run([PY, SWEEP, *args], capture_output=True, text=True)
    print(proc.stdout)
    return proc


def main():
    work = scratch("sweep")
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    with open(os.path.join(work, "design.toml"), "w") as f:
        f.write(DESIGN)
    sweep_file = os.path.join(work, "sweep.toml")
    with open(sweep_file, "w") as f:
        f.write(SWEEP_FILE)

    checks = Checks("design sweep on a tiny grid")
    listed = sweep(sweep_file, "list").stdout.split("\n")
    tasks = [line.split("\t")[0] for line in listed if line.strip()]
    checks.condition("two tasks listed", tasks == ["0", "1"], str(tasks))
    # What the Slurm array does, one task per element: task 0 by hand, task 1
    # and the merge through the sbatch templates themselves (run by bash with
    # the variables Slurm sets), extra options passed through.
    proc = sweep(sweep_file, "run-task", "0", "--out", out)
    checks.condition("task 0 runs", proc.returncode == 0, proc.stderr.strip()[-200:])
    env = dict(os.environ, SLURM_ARRAY_TASK_ID="1", SLURM_NTASKS="1")
    proc = subprocess.run(["bash", os.path.join("postprocess", "slurm", "sweep_array.sbatch"), sweep_file, out,
                           "--quiet"], capture_output=True, text=True, cwd=ROOT, env=env)
    print(proc.stdout)
    checks.condition("task 1 runs through sweep_array.sbatch (--quiet passed through)",
                     proc.returncode == 0 and "[" not in proc.stdout, proc.stderr.strip()[-200:])
    proc = subprocess.run(["bash", os.path.join("postprocess", "slurm", "sweep_merge.sbatch"), sweep_file, out],
                          capture_output=True, text=True, cwd=ROOT)
    checks.condition("merge through sweep_merge.sbatch", proc.returncode == 0, proc.stderr.strip()[-200:])

    # The solver's launcher: srun gets --mpi=pmix (Open MPI reaches Slurm
    # through PMIx) unless told otherwise; mpirun.sh for more than one rank.
    checks.condition("srun gets --mpi=pmix", launcher.launch_prefix(4, "srun") == ["srun", "--mpi=pmix", "-n", "4"],
                     str(launcher.launch_prefix(4, "srun")))
    checks.condition("an --mpi of the user is kept",
                     launcher.launch_prefix(2, "srun --mpi=pmi2") == ["srun", "--mpi=pmi2", "-n", "2"])
    checks.condition("mpirun.sh for 2 ranks, nothing for 1",
                     launcher.launch_prefix(2, "")[1:] == ["2"] and launcher.launch_prefix(1, "") == [])
    proc = sweep(sweep_file, "merge", "--out", out)
    checks.condition("merge exits 0", proc.returncode == 0, f"exit {proc.returncode}")
    with open(os.path.join(out, "design_table.csv")) as f:
        rows = list(csv.DictReader(f))
    checks.condition("table has one row per task", len(rows) == 2, str(len(rows)))
    checks.condition("spans 3 and 4.5 in the table", sorted(float(r["span_m"]) for r in rows) == [3.0, 4.5])
    checks.condition("each row has its pattern and tonnes",
                     all(r["status"] == "ok" and r["pattern"] and float(r["dry_t_per_year_per_unit"]) > 0
                         for r in rows), "; ".join(f"{r['span_m']}: {r['status']}" for r in rows))
    checks.condition("factor of safety (bolted >= unbolted) in each row",
                     all(float(r["factor_of_safety"]) >= float(r["factor_of_safety_unbolted"]) > 0 for r in rows),
                     "; ".join(f"{r['span_m']}: {r['factor_of_safety']} / {r['factor_of_safety_unbolted']}"
                               for r in rows))
    tonnes = {float(r["span_m"]): float(r["dry_t_per_year_per_unit"]) for r in rows}
    checks.condition("a wider room gives more tonnes per metre and year", tonnes[4.5] > tonnes[3.0], str(tonnes))
    for name in ("design_table.md", "design_vs_span.png", "tonnes_vs_time_per_bolt.png"):
        path = os.path.join(out, name)
        checks.condition(f"{name} written", os.path.exists(path) and os.path.getsize(path) > 0)

    # A lost task: the merge still writes the table, lists the task, exits 3.
    shutil.rmtree(os.path.join(out, "tasks", sorted(os.listdir(os.path.join(out, "tasks")))[1]))
    proc = sweep(sweep_file, "merge", "--out", out)
    checks.condition("missing task: exit 3 and named", proc.returncode == 3 and "missing task 1" in proc.stdout,
                     f"exit {proc.returncode}")
    proc = sweep(sweep_file, "run-task", "7", "--out", out)
    checks.condition("task out of range: exit 2", proc.returncode == 2 and "task 7" in proc.stderr,
                     proc.stderr.strip()[:120])
    checks.finish()
    print("PASSED design sweep")


if __name__ == "__main__":
    main()
