"""roofspan never removes or replaces what it did not write.

An output folder is replaced only when it is new, empty or a roofspan result
(marked by .roofspan-result, which lists the result's files). Every other
target is refused with exit 2 before any work, on 1 and 2 ranks, and every
file in it survives:
  - a folder of the user's (notes.txt, thesis/ch1.tex); a copy of a project
    checkout (.git, cases, materials); the case file's own folder; the
    material library's folder;
  - '.', '..', '/', a dangling symbolic link, a mount point; no lock file is
    left beside a refused folder;
  - a roofspan result to which the user added a file;
  - a folder inside a folder another run is writing (refused at once), and
    the other way round: a run into X whose folder gained X/sub while it ran
    does not replace X (X/sub survives);
  - an output folder given as a symbolic link: the link stays a link, the
    result lands in its target, and a second run through the other path is
    stopped by the same lock.
A roofspan result is replaced (rerun into it), also when roofspan's own
figures and ParaView state were written into it; a dead run's leftover is
removed file by file (what its marker lists), a file of the user's in it kept.
Every run is bounded by a timeout that catches a hang.
"""
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tools"))
from harness import GLUED_ROOM, ROOT, Checks, launcher, scratch  # noqa: E402

CASE = os.path.join(ROOT, "cases", "room_4.5m.prm")
# Fast variants of the default room (for the test only: elastic rock, no
# factor of safety); the plastic one runs long enough to overlap another.
FAST = ["Materials/Elastic rock=true", "Strength reduction/Compute factor of safety=false",
        "Output/Write HDF5=false"] + GLUED_ROOM
SLOW = ["Strength reduction/Compute factor of safety=false", "Output/Write HDF5=false",
        "Stratigraphy/Contacts=", "Nonlinear solver/Load steps=16"]
LIMIT = 120  # s: far above any run here; a run that outlives it hangs


def start(out, ranks=1, sets=FAST, case=CASE, cwd=None):
    return launcher.start(launcher.on_ranks(launcher.roofspan_command(case, out, sets), ranks), cwd=cwd)


def finish(proc, limit=LIMIT):
    """(exit code or 'hang', stderr)."""
    result = launcher.finish(proc, timeout=limit)
    return result.code, result.stderr


def run(out, ranks=1, sets=FAST, case=CASE, cwd=None):
    t = time.time()
    code, err = finish(start(out, ranks, sets, case, cwd))
    return code, err, time.time() - t


def snapshot(folder):
    """Every file and link under `folder` with its content (links: their target)."""
    files = {}
    for base, dirs, names in os.walk(folder):
        for name in dirs + names:
            path = os.path.join(base, name)
            rel = os.path.relpath(path, folder)
            if os.path.islink(path):
                files[rel] = "-> " + os.readlink(path)
            elif os.path.isfile(path):
                with open(path, "rb") as f:
                    files[rel] = f.read()
            else:
                files[rel] = "dir"
    return files


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    c = Checks("Output folders: nothing roofspan did not write is removed")
    work = scratch("output_safety")
    shutil.rmtree(work)
    os.makedirs(work)

    def refused(what, out, ranks=1, sets=FAST, case=CASE, cwd=None, words=("Output directory",),
                guard=None):
        """The run into `out` ends with exit 2 at once; `guard` is unchanged."""
        guard = guard or out
        before = snapshot(guard) if os.path.isdir(guard) else None
        code, err, secs = run(out, ranks, sets, case, cwd)
        after = snapshot(guard) if os.path.isdir(guard) else None
        lines = [l for l in err.splitlines() if l.startswith("roofspan")]
        print(f"  {what}, {ranks} rank(s): exit {code} in {secs:.1f} s: {err.strip()[:300]}")
        c.condition(f"{what}, {ranks} rank(s): exit 2, one line naming the folder",
                    code == 2 and len(lines) == 1 and all(w in err for w in words),
                    f"exit {code}")
        c.condition(f"{what}, {ranks} rank(s): refused before any work (< 15 s)", secs < 15,
                    f"{secs:.1f} s")
        c.condition(f"{what}, {ranks} rank(s): every file there intact", before == after)
        return err

    # 1. A folder of the user's.
    user = os.path.join(work, "user_folder")
    write(os.path.join(user, "notes.txt"), "my notes\n")
    write(os.path.join(user, "thesis", "ch1.tex"), "\\chapter{One}\n")
    for ranks in (1, 2):
        refused("a folder of the user's", user, ranks, words=("Output directory", "not a roofspan result"))

    # 2. A copy of a project checkout (with .git); the case's own folder;
    # the material library's folder.
    project = os.path.join(work, "project")
    for sub in ("cases", "materials"):
        shutil.copytree(os.path.join(ROOT, sub), os.path.join(project, sub))
    write(os.path.join(project, ".git", "HEAD"), "ref: refs/heads/main\n")
    write(os.path.join(project, "README.md"), "# a project\n")
    refused("a project checkout", project, words=("Output directory", "not a roofspan result"))
    case = os.path.join(project, "cases", "room_4.5m.prm")
    refused("a project checkout holding the case file", project, case=case,
            words=("Output directory", "the case file"))
    refused("the case file's own folder", os.path.join(project, "cases"), case=case,
            words=("Output directory", "the case file"), guard=project)
    refused("the material library's folder", os.path.join(project, "materials"), case=case,
            words=("Output directory", "the material library"), guard=project)
    # An empty folder that holds the case file only through its parent: a
    # result folder must never swallow the case, however it is named.
    refused("a folder holding the case file (an ancestor)", os.path.join(work), case=case,
            words=("Output directory",), guard=project)

    # 3. '.', '..', '/', a dangling link, a mount point: refused at once, no
    # lock file left beside them.
    here = os.path.join(work, "cwd", "inner")
    os.makedirs(here)
    for what, out in ((".", "."), ("..", ".."), ("/", "/")):
        parent_before = sorted(os.listdir(os.path.join(work, "cwd")))
        root_before = sorted(os.listdir("/"))
        refused(f"--output-dir {what}", out, cwd=here, guard=os.path.join(work, "cwd"))
        c.condition(f"--output-dir {what}: no lock file left",
                    sorted(os.listdir(os.path.join(work, "cwd"))) == parent_before
                    and sorted(os.listdir("/")) == root_before)
    dangling = os.path.join(work, "dangling")
    os.symlink(os.path.join(work, "no_such_target"), dangling)
    refused("a dangling symbolic link", dangling, words=("Output directory", "missing target"), guard=work)
    c.condition("the dangling link is still a link to nowhere",
                os.path.islink(dangling) and not os.path.exists(dangling))
    mount = next((m for m in ("/dev/shm", "/proc", "/sys") if os.path.ismount(m)), None)
    if mount:
        before = sorted(os.listdir(os.path.dirname(mount)))
        refused(f"a mount point ({mount})", mount, words=("Output directory",), guard=work)
        c.condition(f"mount point: no lock file beside {mount}",
                    sorted(os.listdir(os.path.dirname(mount))) == before)

    # 4. A result of roofspan's own is replaced; one with a file of the
    # user's in it is not; roofspan's figures and ParaView state are allowed.
    result = os.path.join(work, "result")
    for ranks in (1, 2):
        code, err, _ = run(result, ranks)
        c.condition(f"a new folder, then a rerun into the result, {ranks} rank(s): exit 0",
                    code == 0 and os.path.isfile(os.path.join(result, ".roofspan-result")), err[-300:])
    write(os.path.join(result, "figures", "yielded_zone.png"), "png")
    write(os.path.join(result, "roofspan.pvsm"), "state")
    code, err, _ = run(result, 2)
    c.condition("a result with roofspan's figures and state: replaced (exit 0)", code == 0, err[-300:])
    write(os.path.join(result, "notes.txt"), "my notes on this run\n")
    refused("a result with a file of the user's in it", result, 2, words=("Output directory", "notes.txt"))
    os.remove(os.path.join(result, "notes.txt"))

    # 4b. A dead run's leftover beside the result: a swapped-out previous
    # result (it has the marker) that gained a file of the user's. The next
    # run removes what the marker lists and keeps the user's file, visibly.
    leftover = os.path.join(work, ".result.incoming-999999")
    write(os.path.join(leftover, "summary.json"), "{}\n")
    write(os.path.join(leftover, ".roofspan-result"), "roofspan result\nsummary.json\n")
    write(os.path.join(leftover, "mine.txt"), "the user's\n")
    code, err, _ = run(result)
    kept = [f for f in os.listdir(work) if f.startswith("result.kept-")]
    kept_files = sorted(os.listdir(os.path.join(work, kept[0]))) if kept else []
    c.condition("a dead run's leftover with a file of the user's: roofspan's files removed, the user's kept",
                code == 0 and not os.path.exists(leftover) and kept_files == ["mine.txt"],
                f"exit {code}, kept {kept}: {kept_files}")

    # 5. A run inside a folder another run is writing, both ways round.
    outer = os.path.join(work, "outer")
    code, err, _ = run(outer)
    c.condition("outer: a first result", code == 0, err[-300:])
    a = start(outer, 2, SLOW)
    time.sleep(4)  # A holds its lock and works
    still_running = a.poll() is None
    refused("a folder inside one another run is writing", os.path.join(outer, "sub"),
            words=("Output directory", "another run"), guard=work + "/none")
    c.condition("  (the other run was still working then)", still_running)
    code, err = finish(a)
    c.condition("the outer run ends with its result", code == 0 and not os.path.exists(os.path.join(outer, "sub")),
                f"exit {code}: {err[-300:]}")
    # Now the inner folder appears while the outer run works (as if made by
    # hand or by a run that started first): the outer run must not swallow it.
    a = start(outer, 2, SLOW)
    time.sleep(4)
    write(os.path.join(outer, "sub", "keep.txt"), "written while the outer run worked\n")
    code, err = finish(a)
    print(f"  outer run whose folder gained sub/: exit {code}: {err.strip()[:300]}")
    c.condition("a folder that gained a file while the run worked: not replaced (exit 1, says why)",
                code == 1 and "output error" in err and "changed while this run was working" in err,
                f"exit {code}")
    c.condition("  the file it gained survives",
                os.path.isfile(os.path.join(outer, "sub", "keep.txt")))
    leftovers = [f for f in os.listdir(work) if f.startswith(".outer.incoming")]
    c.condition("  no staging folder left", not leftovers, str(leftovers))

    # 6. An output folder given as a symbolic link.
    target = os.path.join(work, "link_target")
    link = os.path.join(work, "link")
    code, err, _ = run(target)
    os.symlink(target, link)
    code, err, _ = run(link)
    c.condition("through a link: exit 0, the link still a link, the result in its target",
                code == 0 and os.path.islink(link) and os.readlink(link) == target
                and os.path.isfile(os.path.join(target, ".roofspan-result")), err[-300:])
    a = start(target, 2, SLOW)
    time.sleep(4)
    refused("the same folder through a link while a run writes it", link,
            words=("Output directory", "another run"), guard=work + "/none")
    code, err = finish(a)
    c.condition("  the first run ends with exit 0", code == 0, err[-300:])
    c.finish()


if __name__ == "__main__":
    main()
