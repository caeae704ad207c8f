"""Failures on every rank and result folders that never mix two runs.

Each run is bounded by a timeout that catches a hang (the process group is
killed and the case fails). Cases:
  - an unusable output folder (a path through a file; a file in its place)
    on 1 and 2 ranks: exit 2 naming 'Output directory', nothing written;
  - an exception on one rank only (fault injection, ROOFSPAN_FAULT) during
    assembly and while writing output, on rank 0 and on rank 1 of 2: every
    rank ends (exit 1, one message), the previous result is intact, no
    staging folder is left;
  - SIGKILL of rank 0 in the middle of the commit: the folder holds exactly
    the previous result; the next run removes the leftovers;
  - a second run into a folder that a running one holds: exit 2 at once;
    SIGTERM to the first removes its staging folder, the previous result
    stays;
  - no stale files: a 2-rank run then a 1-rank run, a bolted run then an
    unbolted one, VTU+HDF5 then HDF5 only: the folder holds exactly what
    the last run wrote;
  - a rank stopped with SIGSTOP (rank 1, then rank 0) during a plastic run:
    every rank ends within 60 s (liveness timeout 8 s), naming the rank;
    previous result intact, no staging folder;
  - a rank out of memory inside HDF5's collective write (argv[1]: a shim
    library preloaded to make its allocations fail), rank 1 then rank 0:
    every rank ends within 60 s, output error, previous result intact;
  - a full disk (a 1 MiB tmpfs, when mounting is allowed) on 1 and 2 ranks:
    a clear error naming the file system's reason, no hang, the previous
    result intact.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, earlier_result, launcher, scratch  # noqa: E402

CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
# Fast variants of the default room (assumption for the test only: elastic
# rock, no factor of safety; the plastic run for the lock case).
FAST = ["Materials/Elastic rock=true", "Strength reduction/Compute factor of safety=false"] + GLUED_ROOM
PLASTIC = ["Strength reduction/Compute factor of safety=false"] + GLUED_ROOM
HANG_LIMIT = 120  # s: far above any run here (the watchdog ends a lone failure after its grace)
# The failure watchdog's grace (default 15 s), shortened as the liveness
# timeout is: what is checked is that every rank ends, not how soon.
GRACE = "3"


def command(out, ranks=1, sets=(), extra=()):
    return launcher.on_ranks(launcher.roofspan_command(CASE, out, sets, extra), ranks)


def run(out, ranks=1, sets=(), env=None, limit=HANG_LIMIT):
    """(exit code or 'hang', stderr, seconds)."""
    result = launcher.finish(launcher.start(command(out, ranks, sets), env=dict(os.environ, **(env or {}))),
                             timeout=limit)
    return result.code, result.stderr, result.seconds


def listing(folder):
    """The folder's files (name -> size), and its parent's hidden leftovers."""
    files = {f: os.path.getsize(os.path.join(folder, f)) for f in sorted(os.listdir(folder))} \
        if os.path.isdir(folder) else {}
    parent = os.path.dirname(folder)
    name = os.path.basename(folder)
    leftovers = [f for f in os.listdir(parent) if f.startswith(f".{name}.") and not f.endswith(".lock")]
    return files, leftovers


def rank_process(tag, rank):
    """The PID of the roofspan process of MPI rank `rank` started with
    ROOFSPAN_TEST_TAG=tag (None while there is none)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = f.read().split(b"\0")
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm == "roofspan" and f"ROOFSPAN_TEST_TAG={tag}".encode() in env \
                and f"OMPI_COMM_WORLD_RANK={rank}".encode() in env:
            return int(pid)
    return None


def summary_of(folder):
    with open(os.path.join(folder, "summary.json")) as f:
        return json.load(f)


def main():
    c = Checks("Failures on every rank; result folders as one unit")
    os.environ["ROOFSPAN_FAILURE_GRACE"] = GRACE
    work = scratch("failures")

    # 1. Unusable output folders.
    blocker = os.path.join(work, "a_file")
    with open(blocker, "w") as f:
        f.write("not a folder\n")
    for ranks in (1, 2):
        for what, out in (("a path through a file", os.path.join(blocker, "out")),
                          ("a file in the folder's place", blocker)):
            code, err, secs = run(out, ranks, FAST)
            c.condition(f"{what}, {ranks} rank(s): exit 2 naming 'Output directory'",
                        code == 2 and "Output directory" in err and err.count("roofspan:") == 1,
                        f"exit {code} after {secs:.0f} s: {err.strip()[:200]}")

    # 1b. The case named by its bare file name from its own folder (the
    # folder part of the path is empty): relative library paths resolve
    # against the case's folder and are written out absolute.
    bare = os.path.join(work, "bare_name")
    proc = launcher.run(launcher.roofspan_command(os.path.basename(CASE), bare, FAST),
                        cwd=os.path.dirname(CASE), timeout=HANG_LIMIT)
    written = open(os.path.join(bare, "parameters.prm")).read() if proc.code == 0 else ""
    library = os.path.join(ROOT, "materials")
    c.condition("a bare case file name run from the case's folder: exit 0, library path absolute",
                proc.code == 0 and f"Library directories = {library}" in written,
                f"exit {proc.code}: {proc.stderr.strip()[:200]}")

    # 2. An exception on one rank only.
    out = os.path.join(work, "result")
    code, err, _ = run(out, 2, FAST)
    c.condition("a good run to start from", code == 0, err[-300:])
    before = listing(out)
    stamp = summary_of(out)["times"] if code == 0 else None
    for place in ("assembly", "output"):
        for rank in (0, 1):
            code, err, secs = run(out, 2, FAST, env={"ROOFSPAN_FAULT": f"{place}:{rank}"})
            c.condition(f"exception during {place} on rank {rank} of 2: every rank ends, exit 1 "
                        f"({secs:.0f} s)",
                        code == 1 and f"injected fault at {place}" in err,
                        f"exit {code}: {err.strip()[:300]}")
            c.condition("  previous result intact, no staging left",
                        listing(out) == before and summary_of(out)["times"] == stamp,
                        str(listing(out)))

    # 3. SIGKILL during the commit, then a clean run.
    code, err, _ = run(out, 2, FAST, env={"ROOFSPAN_FAULT": "commit:0:kill"})
    files, leftovers = listing(out)
    c.condition("SIGKILL of rank 0 during the commit: the folder holds exactly the old result",
                code not in (0, "hang") and files == before[0] and summary_of(out)["times"] == stamp,
                f"exit {code}, files {sorted(files)}")
    c.condition("  and the dead run's staging folder is there to clean", len(leftovers) == 1,
                str(leftovers))
    code, err, _ = run(out, 1, FAST)
    c.condition("the next run succeeds and removes the leftovers",
                code == 0 and listing(out)[1] == [], f"exit {code}, {listing(out)[1]}")

    # 4. Stale files: each folder holds exactly what its last run wrote.
    fresh = os.path.join(work, "fresh")
    for label, first, second in (
            ("2 ranks then 1 rank", (2, FAST), (1, FAST)),
            ("bolted then unbolted", (1, FAST), (1, FAST + ["Bolts/Product="])),
            ("VTU + HDF5 then HDF5 only", (1, FAST), (1, FAST + ["Output/Write VTU=false"]))):
        run(out, first[0], first[1])
        code2, err2, _ = run(out, second[0], second[1])
        shutil.rmtree(fresh, ignore_errors=True)
        run(fresh, second[0], second[1])
        c.condition(f"{label}: the folder's files are those of a fresh run",
                    code2 == 0 and sorted(listing(out)[0]) == sorted(listing(fresh)[0]),
                    f"exit {code2}: {sorted(listing(out)[0])} vs {sorted(listing(fresh)[0])} {err2[-200:]}")

    # 5. Two runs into one folder.
    run(out, 1, FAST)
    before = listing(out)
    stamp = summary_of(out)["times"]
    first = launcher.start(command(out, 1, PLASTIC), stdout=subprocess.DEVNULL)
    parent, name = os.path.dirname(out), os.path.basename(out)
    deadline = time.time() + 60
    while time.time() < deadline and not any(f.startswith(f".{name}.incoming-") for f in os.listdir(parent)):
        time.sleep(0.05)
    code, err, secs = run(out, 1, FAST, limit=30)
    c.condition(f"a second run into a folder in use: exit 2 at once ({secs:.1f} s)",
                code == 2 and "another run is writing" in err, f"exit {code}: {err.strip()[:200]}")
    first.send_signal(signal.SIGTERM)
    first.communicate(timeout=60)
    c.condition("SIGTERM to the first: its staging folder removed, the previous result intact",
                listing(out) == before and summary_of(out)["times"] == stamp, str(listing(out)))

    # 5b. A rank that stops answering (SIGSTOP: the process is alive but
    # runs no more) while the others work: the run ends on every rank within
    # the liveness timeout (set to 8 s here; default 30 s), with a message
    # naming the rank, the previous result intact and no staging folder.
    run(out, 1, FAST)
    before = listing(out)
    stamp = summary_of(out)["times"]
    for stopped_rank in (1, 0):
        tag = f"liveness-{os.getpid()}-{stopped_rank}"
        env = dict(os.environ, ROOFSPAN_LIVENESS_TIMEOUT="8", ROOFSPAN_TEST_TAG=tag)
        start = time.time()
        proc = launcher.start(command(out, 2, PLASTIC), stdout=subprocess.DEVNULL, env=env)
        victim = None
        while time.time() - start < 60 and victim is None and proc.poll() is None:
            time.sleep(0.2)
            victim = rank_process(tag, stopped_rank)
        staging_seen = False
        while time.time() - start < 60 and not staging_seen and proc.poll() is None:
            staging_seen = any(f.startswith(f".{name}.incoming-") for f in os.listdir(parent))
            time.sleep(0.1)
        time.sleep(2)  # into the analysis
        stopped_at = time.time()
        if victim:
            os.kill(victim, signal.SIGSTOP)
        try:
            _, err = proc.communicate(timeout=HANG_LIMIT)
            code = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            if victim:
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.communicate()
            code, err = "hang", ""
        secs = time.time() - stopped_at
        print(f"  SIGSTOP of rank {stopped_rank}: exit {code} {secs:.0f} s later: {err.strip()[:300]}")
        c.condition(f"SIGSTOP of rank {stopped_rank} of 2: every rank ends within 60 s, says which rank",
                    victim is not None and code not in (0, "hang") and secs < 60
                    and f"rank {stopped_rank} of 2 has not answered" in err, f"exit {code}, {secs:.0f} s")
        time.sleep(1)
        c.condition("  previous result intact, no staging folder left",
                    listing(out) == before and summary_of(out)["times"] == stamp, str(listing(out)))

    # 5c. A rank out of memory inside HDF5's collective write (every
    # allocation in H5Dwrite fails on that rank; a preloaded shim): every
    # rank ends within 60 s, the previous result intact, no staging folder.
    shim = sys.argv[1] if len(sys.argv) > 1 else ""
    if not os.path.isfile(shim):
        print("  out of memory in the HDF5 write: skipped (no shim library given)")
    else:
        run(out, 1, FAST)
        before = listing(out)
        stamp = summary_of(out)["times"]
        for failing in (1, 0):
            code, err, secs = run(out, 2, FAST, env={"LD_PRELOAD": shim, "ROOFSPAN_H5_OOM_RANK": str(failing)})
            print(f"  out of memory in the HDF5 write on rank {failing}: exit {code} after {secs:.0f} s: "
                  f"{err.strip()[:300]}")
            c.condition(f"out of memory in the HDF5 write on rank {failing} of 2: every rank ends "
                        f"within 60 s, output error", code == 1 and secs < 60 and "output error" in err,
                        f"exit {code}, {secs:.0f} s")
            c.condition("  previous result intact, no staging folder left",
                        listing(out) == before and summary_of(out)["times"] == stamp, str(listing(out)))

    # 6. A full disk.
    small = tempfile.mkdtemp(dir=work, prefix="tmpfs-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small],
                             capture_output=True).returncode == 0
    if not mounted:
        print("  full disk: skipped (cannot mount a tmpfs here: needs root and CAP_SYS_ADMIN)")
    else:
        try:
            for ranks in (1, 2):
                target = os.path.join(small, f"r{ranks}")
                earlier_result(target, {"summary.json": '{"previous": true}\n'})
                code, err, secs = run(target, ranks, FAST)
                c.condition(f"full disk, {ranks} rank(s): clear error, no hang ({secs:.0f} s)",
                            code not in (0, "hang") and "No space left on device" in err
                            and err.count("roofspan:") <= 3, f"exit {code}: {err.strip()[:300]}")
                c.condition("  previous result intact",
                            sorted(os.listdir(target)) == [".roofspan-result", "summary.json"]
                            and summary_of(target) == {"previous": True},
                            str(os.listdir(target)))
        finally:
            subprocess.run(["umount", small])
    c.finish()


if __name__ == "__main__":
    main()
