"""Progress you can watch in a batch log (issue 15): with stdout a pipe, as
under Slurm, the solver's progress lines arrive while it runs, not all at
the end; the process keeps its name ("roofspan", not "exe", in top and ps);
the run folder holds the effective parameters, which rerun to the same
result; summary.json carries the versions. 1 rank, about 20 s.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, compare, launcher, load_summary, run_roofspan, scratch  # noqa: E402

CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
SETS = ["Strength reduction/Compute factor of safety=false", "Output/Write VTU=false",
        "Output/Write HDF5=false"] + GLUED_ROOM


def main():
    c = Checks("Progress through a pipe, process name, provenance")
    out = scratch("progress")
    cmd = launcher.roofspan_command(CASE, out, SETS)
    start = time.time()
    proc = launcher.start(cmd, new_session=False)
    name = ""
    first_progress = None
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if not name:
            try:
                with open(f"/proc/{proc.pid}/comm") as f:
                    name = f.read().strip()
            except OSError:
                pass
        if first_progress is None and line.strip().startswith("load "):
            first_progress = time.time() - start
    stderr = proc.stderr.read()
    proc.wait()
    end = time.time() - start
    print(f"  {len(lines)} lines; first progress line after {first_progress} s, run ended after {end:.1f} s")
    c.condition("the run succeeds", proc.returncode == 0, stderr.strip()[-200:])
    c.condition("progress lines arrive before the run ends (1 s or more)",
                first_progress is not None and end - first_progress >= 1.0,
                f"{first_progress} s vs {end:.1f} s")
    c.condition("the process is named roofspan", name == "roofspan", repr(name))

    summary = load_summary(out)
    p = summary.get("provenance", {})
    print(f"  provenance: {p}")
    for key in ("roofspan", "git_revision", "deal.II", "PETSc", "hypre", "MUMPS", "MPI"):
        c.condition(f"summary.json provenance has {key}", bool(p.get(key)))
    code, version, _ = run_roofspan(CASE, extra=["--version"], check=False)
    c.condition("--version names deal.II and PETSc", code == 0 and "deal.II" in version and "PETSc" in version,
                version.replace("\n", "; "))

    # The effective parameters rerun to the same result, without the --set.
    params = os.path.join(out, "parameters.prm")
    c.condition("parameters.prm written", os.path.isfile(params))
    again = scratch("progress_rerun")
    run_roofspan(params, again)
    problems = compare(load_summary(again), summary)
    problems = [p for p in problems if not p.startswith("case")]
    c.condition("rerunning parameters.prm gives the same summary", not problems, "; ".join(problems[:3]))
    c.finish()


main()
