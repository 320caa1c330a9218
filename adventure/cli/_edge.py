"""The edge where expected failures become messages and exit codes, never tracebacks.

Every message written here is escaped for the terminal (it may quote a run file's
fields or a path from the command line), and an output that cannot be written (a full
disk, a closed pipe) ends the command with exit 1 and one line on stderr.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Callable

from adventure.base.errors import MillionMilesError, SaveError, StoryLoadError
from adventure.base.messages import _, ngettext
from adventure.base.safetext import escape_controls

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70  # EX_SOFTWARE from sysexits.h
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""Errors of a stream that cannot take more output (``> /dev/full``, a full quota)."""


def run_command(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command handler, turning our errors, Ctrl-C and closed pipes into exits."""
    _ensure_standard_streams()
    try:
        code = handler(args)
        sys.stdout.flush()  # a full disk must fail here, not silently at interpreter exit
        return code
    except StoryLoadError as exc:
        from adventure.cli.check import print_diagnostics
        from adventure.ui.console import make_console

        console = make_console(stderr=True)
        try:
            print_diagnostics(console, exc.diagnostics)
            console.print(ngettext("The story failed to load ({count} error); run 'million-miles check' on it "
                                   "for the full report.",
                                   "The story failed to load ({count} errors); run 'million-miles check' on it "
                                   "for the full report.", len(exc.diagnostics)).format(count=len(exc.diagnostics)),
                          markup=False, highlight=False)
        except OSError:  # stderr is full or gone: the exit code still says it
            pass
        return 1
    except SaveError as exc:  # data below the UI: worded here, in the player's language
        from adventure.play.notices import advice, problem

        _error(problem(exc), advice(exc), exc.code)
        return exc.exit_code
    except MillionMilesError as exc:
        _error(str(exc), getattr(exc, "hint", None), getattr(exc, "code", None))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\n" + _("Interrupted.") + "\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except OSError as exc:  # the file system refused: a full disk, a folder we may not read
        return _os_error(exc)
    except Exception as exc:  # the last line of defence: a bug must not print a traceback
        if os.environ.get("MILLION_MILES_DEBUG"):
            raise
        _error(
            _("internal error: {kind}: {error}").format(kind=type(exc).__name__, error=exc),
            _("this is a bug in million-miles, not in your files; nothing was overwritten "
              "(saves are written atomically). Set MILLION_MILES_DEBUG=1 to see the traceback."),
        )
        return EXIT_INTERNAL


def _ensure_standard_streams() -> None:
    """Give a closed stdin/stdout/stderr (``<&-``, ``>&-``) a harmless stand-in.

    Python sets them to ``None`` when the descriptor is closed; Rich and our readers
    expect file objects. A closed stdin then reads as end of input.
    """
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115
    from adventure.ui.encoding import fit_streams

    fit_streams()


def _os_error(exc: OSError) -> int:
    """One line for an operating-system error: the path it names, or the output that failed.

    An error without a file name comes from writing a standard stream (``> /dev/full``):
    standard output is pointed at the null device so the interpreter's last flush
    cannot fail again with a traceback-like report.
    """
    reason = exc.strerror or str(exc)
    if exc.filename is not None:
        _error(f"{exc.filename}: {reason}", _("check that the path exists and that you may read (or write) it"))
    elif exc.errno in _WRITE_ERRORS:
        _silence_stdout()
        _error(_("could not write the output: {reason}").format(reason=reason),
               _("free some space or write the output elsewhere"))
    else:
        _error(_("the operating system refused: {reason}").format(reason=reason))
    return 1


def _error(message: str, hint: str | None = None, code: str | None = None) -> None:
    """Write the one-paragraph message; its text may quote hostile files, so it is escaped."""
    # TRANSLATORS: the first line of an error on stderr; {code} is like " MM502" (or empty)
    text = _("million-miles: error{code}: {message}").format(code=" " + code if code else "", message=message)
    if hint:
        # TRANSLATORS: the second line of an error on stderr, what to do about it
        text += "\n" + _("  hint: {hint}").format(hint=hint)
    try:
        sys.stderr.write(escape_controls(text) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr itself is gone or full: nothing more can be said
        pass


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at devnull so interpreter shutdown stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
