"""How every Python script starts roofspan (design.py, sweep.py, the test
drivers through tests/tools/harness.py, the bench scripts): one place that
knows where the repository and the executable are, how a run is spread over
MPI ranks, how it is bounded in time, and what its exit code means.
Standard library only (the test harness imports it).

- The executable: $ROOFSPAN, else build/solver/roofspan (BUILT_EXE).
- Ranks: scripts/mpirun.sh N (Open MPI's mpirun, allowed as root and
  oversubscribed, shared memory only on one machine) for more than one rank,
  nothing for one (always=True: mpirun.sh for one rank too). design.py and
  sweep.py also honour $ROOFSPAN_MPIRUN (e.g. "srun" on a cluster:
  launch_prefix with launcher_setting()).
- Runs: run() waits (optionally bounded: a run that outlives its timeout is
  killed and reported as exit code HANG); start()/finish() give a run its
  own session, so a hung run is ended with its whole process group;
  stream() passes stdout on line by line and ends the run's process group
  when the caller is interrupted. Each returns a Result (command, exit code,
  stdout, stderr, seconds).

    cmd = on_ranks(roofspan_command(case, out, sets=["Bolts/Product="]), ranks=2)
    result = run(cmd, timeout=120)
    if result.code == INPUT_ERROR: ...
"""
import dataclasses
import os
import shutil
import signal
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXE_VARIABLE = "ROOFSPAN"
LAUNCHER_VARIABLE = "ROOFSPAN_MPIRUN"
BUILT_EXE = os.path.join(ROOT, "build", "solver", "roofspan")
EXE = os.environ.get(EXE_VARIABLE, BUILT_EXE)
MPIRUN = os.path.join(ROOT, "scripts", "mpirun.sh")

# roofspan's exit codes (roofspan --help). Only NO_EQUILIBRIUM is a verdict
# on the roof; 4 to 6 are numerical, 1 internal, 2 the input.
SUCCESS = 0
INTERNAL_ERROR = 1
INPUT_ERROR = 2
NO_EQUILIBRIUM = 3
NEWTON_STALLED = 4
LINEAR_SOLVER_FAILURE = 5
NON_FINITE = 6
EXIT_CODES = {SUCCESS: "success", INTERNAL_ERROR: "internal error", INPUT_ERROR: "bad input",
              NO_EQUILIBRIUM: "no equilibrium", NEWTON_STALLED: "Newton stalled",
              LINEAR_SOLVER_FAILURE: "linear solver failure", NON_FINITE: "non-finite values"}
# The exit code of a run killed because it outlived its timeout.
HANG = "hang"

STOP_GRACE_S = 20  # stream(): after SIGTERM, the run's time to end before SIGKILL


@dataclasses.dataclass
class Result:
    """One finished run: `code` is the exit code (negative: killed by that
    signal) or HANG; stdout and stderr as text ("" when not captured)."""
    command: list
    code: object
    stdout: str
    stderr: str
    seconds: float

    @property
    def hung(self):
        return self.code == HANG

    def check(self):
        """Raises subprocess.CalledProcessError unless the run exited with 0
        (as subprocess.run(check=True) does); returns the result."""
        if self.code != 0:
            raise subprocess.CalledProcessError(self.code, self.command, self.stdout, self.stderr)
        return self


def roofspan_command(case=None, output_dir=None, sets=(), extra=(), exe=None):
    """roofspan's own words: the executable (`exe`, default EXE), the case,
    --output-dir, one --set per entry of `sets`, then `extra`."""
    cmd = [exe or EXE]
    if case is not None:
        cmd.append(case)
    if output_dir:
        cmd += ["--output-dir", output_dir]
    for s in sets:
        cmd += ["--set", s]
    return cmd + list(extra)


def launcher_setting():
    """$ROOFSPAN_MPIRUN ("" when unset): the launcher design.py and sweep.py use."""
    return os.environ.get(LAUNCHER_VARIABLE, "")


def launch_prefix(ranks, setting="", always=False):
    """The words before roofspan's on `ranks` ranks: `setting` (the value of
    ROOFSPAN_MPIRUN, e.g. "srun" on a cluster; Debian's Open MPI reaches
    Slurm through PMIx, so srun gets --mpi=pmix unless the setting names an
    --mpi) followed by -n N, else scripts/mpirun.sh N for more than one rank
    (or for any count with `always`), else nothing."""
    words = setting.split()
    if words:
        if os.path.basename(words[0]) == "srun" and not any(w.startswith("--mpi") for w in words):
            words.append("--mpi=pmix")
        return words + ["-n", str(ranks)]
    return [MPIRUN, str(ranks)] if ranks > 1 or always else []


def on_ranks(cmd, ranks, setting="", always=False):
    """`cmd` (roofspan's, or any MPI program's) launched on `ranks` ranks."""
    return launch_prefix(ranks, setting, always) + list(cmd)


def solver_problem(ranks, setting=None):
    """Why the solver cannot be started on `ranks` ranks (one line), or None:
    the executable exists and runs, and the launcher (`setting`, default
    $ROOFSPAN_MPIRUN; else mpirun for more than one rank) is on PATH."""
    where = f"environment variable {EXE_VARIABLE}" if os.environ.get(EXE_VARIABLE) else \
        f"the default; {EXE_VARIABLE}=<path> names another"
    exe = EXE if os.sep in EXE else (shutil.which(EXE) or EXE)
    if not os.path.exists(exe):
        return (f"input error: the solver executable {EXE} ({where}) does not exist; expected the built "
                "roofspan (scripts/build.sh)")
    if not os.path.isfile(exe) or not os.access(exe, os.X_OK):
        return f"input error: the solver {EXE} ({where}) is not an executable file; expected the built roofspan"
    setting = launcher_setting() if setting is None else setting
    launcher = launch_prefix(ranks, setting)
    if launcher and setting and not shutil.which(launcher[0]):
        return (f"input error: the launcher {launcher[0]} (environment variable {LAUNCHER_VARIABLE}={setting!r}) "
                "is not found; expected an executable such as srun or mpirun")
    if launcher and not setting and not shutil.which("mpirun"):
        return (f"input error: {ranks} MPI ranks need mpirun (scripts/mpirun.sh runs Open MPI's), which is not "
                f"on PATH; install Open MPI, set {LAUNCHER_VARIABLE}, or use --ranks 1")
    return None


def _text(output):
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")


def run(cmd, timeout=None, env=None, cwd=None):
    """Runs `cmd` to its end (in this script's process group: Ctrl-C reaches
    it too) with stdout and stderr captured. With a timeout, a run that
    outlives it is killed and its Result has code HANG and what it had
    written so far."""
    started = time.time()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd)
    except subprocess.TimeoutExpired as e:
        return Result(list(cmd), HANG, _text(e.stdout), _text(e.stderr), time.time() - started)
    return Result(list(cmd), proc.returncode, proc.stdout, proc.stderr, time.time() - started)


class Process(subprocess.Popen):
    """A started run (start()): a Popen that remembers when it started and
    whether it has a session of its own."""

    def __init__(self, cmd, new_session, **options):
        self.started = time.time()
        self.new_session = new_session
        super().__init__(cmd, start_new_session=new_session, **options)


def start(cmd, env=None, cwd=None, stdout=subprocess.PIPE, stderr=subprocess.PIPE, new_session=True):
    """Starts `cmd` without waiting (text output); by default in a session
    of its own, so that finish() can end every process of a hung run."""
    return Process(cmd, new_session, stdout=stdout, stderr=stderr, text=True, env=env, cwd=cwd)


def finish(proc, timeout=None):
    """Waits for a started run up to `timeout` seconds; a run that outlives
    it is killed (its whole process group when it has a session of its
    own) and reported with code HANG and no output."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if proc.new_session:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.communicate()
        return Result(list(proc.args), HANG, "", "", time.time() - proc.started)
    return Result(list(proc.args), proc.returncode, _text(out), _text(err), time.time() - proc.started)


def signal_group(proc, signum):
    try:
        os.killpg(proc.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def stop(proc, grace=STOP_GRACE_S):
    """Ends a run started in its own session: SIGTERM to its process group
    (roofspan and mpirun answer it by removing the run's staging folder and
    ending every rank), SIGKILL after `grace` seconds or at a second Ctrl-C
    or SIGTERM; waits for it."""
    def drain():
        try:
            for _ in proc.stdout:
                pass
        except (OSError, ValueError):
            pass
    threading.Thread(target=drain, daemon=True).start()
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):  # a second one: SIGKILL at once, the clean-up goes on
        try:
            previous[signum] = signal.signal(signum, lambda *_: signal_group(proc, signal.SIGKILL))
        except ValueError:  # not the main thread
            pass
    try:
        signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            signal_group(proc, signal.SIGKILL)
            proc.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stream(cmd, on_line=None, on_stop=None, grace=STOP_GRACE_S):
    """Runs `cmd` in a session of its own (Ctrl-C at the terminal reaches
    this script only), stdin closed; each stdout line goes to `on_line` as
    it comes (a batch log shows the solver's progress). If this script is
    interrupted meanwhile (Ctrl-C, SIGTERM, any exception) the run is ended
    (stop) and `on_stop()` called before the exception goes on. Returns a
    Result with the whole stdout and stderr."""
    started = time.time()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace", start_new_session=True)
    errors = []
    reader = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
    reader.start()
    output = []
    try:
        for line in proc.stdout:
            output.append(line)
            if on_line is not None:
                on_line(line)
        proc.wait()
    except BaseException:
        stop(proc, grace)
        if on_stop is not None:
            on_stop()
        raise
    reader.join()
    return Result(list(cmd), proc.returncode, "".join(output), "".join(errors), time.time() - started)
