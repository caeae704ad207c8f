"""One error discipline for the postprocessing scripts (production.py,
design.py, sweep.py, render_section.py), the same as the solver's: bad input
ends with exit code 2 and one line naming the file or argument, what was
expected and what was found; never a traceback.

    sys.exit(cli_errors.run(main, "design.py", input_errors=(DesignInputError,)))

Exit codes: 2 bad input (the script's own input errors, an unreadable,
missing or non-UTF-8 file, malformed JSON, a path that cannot be written
because of the path, an output that exists and is not a regular file); 1 an
internal error (one line; ROOFSPAN_TRACEBACK=1 prints the traceback for a
developer); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM): both unwind
like an error, so the scripts' clean-up (temporary files, a solver run in
progress and its staging folder) happens. Other codes are the script's own.
"""
import argparse
import errno
import json
import os
import signal
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import output_files  # noqa: E402

# OS errors that say the user named a bad path, not that the machine failed.
BAD_PATH_ERRORS = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM,
                   errno.EROFS, errno.ENAMETOOLONG, errno.ELOOP}


class OneLineArgumentParser(argparse.ArgumentParser):
    """argparse without the usage block on errors: one line, exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: bad arguments: {message} (see {self.prog} --help)\n")


def check_output_path(path, what):
    """A file the script will write: its folder must exist and be writable,
    and the path must not be anything but a regular file (output_files).
    Checked before any work, so that a bad path fails before the report."""
    return output_files.output_problem(path, what)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that clean-up runs."""


def _raise_terminated(signum, frame):
    raise Terminated()


def describe(error):
    """(exit code, one-line message) for an exception that escaped a script."""
    if isinstance(error, output_files.OutputPathError):
        return 2, f"input error: {error}"
    if isinstance(error, UnicodeDecodeError):
        return 2, f"input error: a file is not UTF-8 text ({error.reason} at byte {error.start})"
    if isinstance(error, json.JSONDecodeError):
        return 2, f"input error: not valid JSON ({error.msg}, line {error.lineno} column {error.colno})"
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        reason = error.strerror or str(error)
        if error.errno in BAD_PATH_ERRORS:
            return 2, f"input error: cannot use{where}: {reason}"
        return 1, f"error: cannot read or write{where}: {reason}"
    return 1, (f"internal error: {type(error).__name__}: {error} "
               "(ROOFSPAN_TRACEBACK=1 shows where)")


def run(main, prog, input_errors=(), argv=None):
    """Calls main(argv) and turns what escapes it into an exit code and one
    line on stderr."""
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        code = main(argv)
        return 0 if code is None else code
    except Terminated:
        print(f"{prog}: terminated", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except SystemExit:
        raise
    except Exception as error:  # noqa: BLE001 - the point is that nothing escapes as a traceback
        if input_errors and isinstance(error, input_errors):
            code, message = 2, " ".join(str(error).split())
        else:
            code, message = describe(error)
        if os.environ.get("ROOFSPAN_TRACEBACK"):
            traceback.print_exc()
        print(f"{prog}: {message}", file=sys.stderr)
        return code
