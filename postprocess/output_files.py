"""How the postprocessing scripts (production.py, design.py, sweep.py,
render_section.py) write their outputs: one helper for all of them.

- Only regular files are written. An output path that exists and is not a
  regular file (a device such as /dev/full, a FIFO, a symbolic link, a
  directory, a socket) is refused: checked before any work
  (`output_problem`, `output_folder_problem`) and again just before the
  rename (`OutputPathError`, exit code 2 through cli_errors). A device
  node, FIFO or link is never replaced, and nothing is written through it.
- A file is written under a temporary name in its own folder and renamed
  over the old one (`replace_file`), so a reader sees the old file or the
  new one, never half a file; the temporary file is removed if writing
  fails or is interrupted.
- A name read from an input file (bolt product, geology) becomes a path
  component only through `safe_component`: letters, digits and . _ + -,
  never '/', so it cannot reach outside the folder it is joined to.
"""
import os
import re
import stat
import tempfile

# What a name from an input file may keep when it becomes one path
# component; anything else (separators, control characters, spaces,
# non-ASCII) becomes '-'. Capped well below the 255 bytes a name may have.
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
COMPONENT_LIMIT = 80


class OutputPathError(Exception):
    """An output path that must not be written (not a regular file)."""


def safe_component(name, limit=COMPONENT_LIMIT):
    """`name` as one harmless path component: '/' and every other character
    outside [A-Za-z0-9._+-] become '-', leading dots and dashes are dropped
    (no hidden names, no '.' or '..'), at most `limit` characters. Never
    empty ('_' for a name with nothing left)."""
    text = _UNSAFE.sub("-", name).lstrip(".-")[:limit].rstrip("-")
    return text if text and text not in (".", "..") else "_"


def existing_kind(path):
    """None if `path` is absent or a regular file; else what it is
    ('a symbolic link', 'a directory', 'a FIFO', ...). A link is reported as
    a link whatever it points to."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def not_regular_message(path, what, kind):
    return (f"{what} {path}: exists and is {kind}; expected a regular file or a new name "
            "(only regular files are written; it is left as it is)")


def output_problem(path, what):
    """Why `path` cannot be an output file (one line naming `what`, e.g.
    '--json'), or None. Checked before any work."""
    kind = existing_kind(path)
    if kind:
        return not_regular_message(path, what, kind)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"{what} {path}: folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"{what} {path}: folder {folder} is not writable"
    return None


def output_folder_problem(folder, what):
    """Why `folder` cannot be an output folder the script creates or writes
    into, or None: it must be a folder or not exist yet, and its nearest
    existing ancestor a writable folder."""
    if os.path.lexists(folder) and not os.path.isdir(folder):
        return f"{what} {folder}: exists and is not a folder"
    if os.path.isdir(folder):
        return None if os.access(folder, os.W_OK) else f"{what} {folder}: folder is not writable"
    ancestor = os.path.dirname(os.path.abspath(folder))
    while not os.path.lexists(ancestor):
        ancestor = os.path.dirname(ancestor)
    if not os.path.isdir(ancestor):
        return f"{what} {folder}: {ancestor} is not a folder"
    if not os.access(ancestor, os.W_OK):
        return f"{what} {folder}: folder {ancestor} is not writable"
    return None


def not_regular_problem(paths, what):
    """For files a script will create inside a folder it makes itself: the
    first of `paths` that exists and is not a regular file, as a message
    naming `what`, or None."""
    for path in paths:
        kind = existing_kind(path)
        if kind:
            return not_regular_message(path, what, kind)
    return None


def replace_file(path, write):
    """Writes `path` through a temporary file in the same folder, then
    renames it into place. `write(temporary_path)` writes the temporary
    file by name. Raises OutputPathError if `path` exists and is not a
    regular file (checked before writing and again before the rename)."""
    kind = existing_kind(path)
    if kind:
        raise OutputPathError(not_regular_message(path, "output", kind))
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(path)[:100] + ".",
                                     suffix=".incoming")
    os.close(fd)
    try:
        write(temporary)
        if not os.path.isfile(temporary) or os.path.islink(temporary):
            raise OSError(f"{temporary}: the writer left no regular file")
        os.chmod(temporary, 0o644)
        kind = existing_kind(path)
        if kind:
            raise OutputPathError(not_regular_message(path, "output", kind))
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def write_bytes(path, data):
    def write(temporary):
        with open(temporary, "wb") as f:
            f.write(data)
    replace_file(path, write)


def write_text(path, text):
    write_bytes(path, text.encode("utf-8"))


def save_figure(fig, path, **savefig_options):
    """A matplotlib figure as PNG at `path` (through replace_file)."""
    replace_file(path, lambda temporary: fig.savefig(temporary, format="png", **savefig_options))
