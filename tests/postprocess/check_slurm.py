"""The Slurm templates on a real Slurm: a one-node Slurm 22.05 started on
this machine (scripts/local_slurm.sh), the tiny sweep of check_sweep.py
submitted as an array with sweep_array.sbatch, its tasks launching roofspan
on 2 ranks through srun (ROOFSPAN_MPIRUN=srun: --mpi=pmix added), then
sweep_merge.sbatch after the array. Checks: every job completes, each task's
roofspan ran on 2 ranks under srun, the merge builds the design table; a
solver launch that cannot start is reported as a launcher failure, not as a
rock verdict, and the job fails.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, Checks, scratch  # noqa: E402
from check_sweep import DESIGN, SWEEP_FILE  # noqa: E402

ARRAY = os.path.join("postprocess", "slurm", "sweep_array.sbatch")
MERGE = os.path.join("postprocess", "slurm", "sweep_merge.sbatch")


def run(command, **kwargs):
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, **kwargs)
    return proc


def job_states(job):
    """{job id: (state, exit code)} of a job and its array tasks, from scontrol."""
    proc = run(["scontrol", "-o", "show", "job", job])
    states = {}
    for line in proc.stdout.splitlines():
        fields = dict(re.findall(r"(\w+)=(\S+)", line))
        states[fields.get("JobId")] = (fields.get("JobState"), fields.get("ExitCode"))
    return states


def main():
    checks = Checks("Slurm templates on a one-node Slurm")
    start = run(["bash", os.path.join(ROOT, "scripts", "local_slurm.sh")])
    checks.condition("local Slurm started (scripts/local_slurm.sh)", start.returncode == 0,
                     start.stderr.strip()[-200:])
    if start.returncode != 0:
        checks.finish()
    work = scratch("slurm")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    with open(os.path.join(work, "design.toml"), "w") as f:
        f.write(DESIGN.replace("ranks = 1", "ranks = 2"))
    sweep_file = os.path.join(work, "sweep.toml")
    with open(sweep_file, "w") as f:
        f.write(SWEEP_FILE)
    out = os.path.join(work, "out")
    env = dict(os.environ, ROOFSPAN_MPIRUN="srun")

    # The array: one task per span, each a design search on 2 ranks via srun.
    array = run(["sbatch", "--parsable", "--wait", "--array=0-1", f"--output={work}/array_%A_%a.log",
                 ARRAY, sweep_file, out, "--no-factor-of-safety"], env=env)
    job = array.stdout.strip().split(";")[0]
    states = job_states(job)
    checks.condition("array submitted and both tasks COMPLETED (exit 0)",
                     array.returncode == 0 and len(states) == 2 and
                     all(s == ("COMPLETED", "0:0") for s in states.values()),
                     f"sbatch exit {array.returncode}, {states} {array.stderr.strip()[-150:]}")
    logs = [open(os.path.join(work, name)).read() for name in sorted(os.listdir(work)) if name.startswith("array_")]
    checks.condition("each task's solver ran on 2 ranks under srun",
                     len(logs) == 2 and all("2 MPI ranks" in log and "launched with: srun --mpi=pmix -n 2" in log for log in logs),
                     f"{len(logs)} logs")
    # The merge after the array, as the template's comment submits it.
    merge = run(["sbatch", "--parsable", "--wait", f"--dependency=afterany:{job}",
                 f"--output={work}/merge_%j.log", MERGE, sweep_file, out])
    table = os.path.join(out, "design_table.md")
    checks.condition("merge job completed and wrote the design table",
                     merge.returncode == 0 and os.path.isfile(table) and "4.5" in open(table).read(),
                     f"sbatch exit {merge.returncode}")

    # A launcher that cannot start the solver: the search says so and the job
    # fails (never "no feasible pattern" with a successful job).
    broken = dict(env, ROOFSPAN_MPIRUN="srun --mpi=no_such_plugin")
    bad = run(["sbatch", "--parsable", "--wait", "--array=0", f"--output={work}/broken_%A_%a.log",
               ARRAY, sweep_file, os.path.join(work, "broken"), "--no-factor-of-safety"], env=broken)
    bad_job = bad.stdout.strip().split(";")[0]
    log = "".join(open(os.path.join(work, n)).read() for n in os.listdir(work) if n.startswith("broken_"))
    state = list(job_states(bad_job).values())
    checks.condition("broken launcher: the job FAILED and the log says launcher, not a verdict",
                     bad.returncode != 0 and state and state[0][0] == "FAILED" and "launcher failure" in log
                     and "no feasible pattern" not in log.lower(),
                     f"sbatch exit {bad.returncode}, {state}, log tail: {log.strip()[-160:]}")
    checks.finish()
    print("PASSED Slurm templates")


main()
