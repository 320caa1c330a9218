"""The edge where expected failures become messages and exit codes, never tracebacks."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from adventure.errors import MillionMilesError, StoryLoadError

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70  # EX_SOFTWARE from sysexits.h


def run_command(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command handler, turning our errors, Ctrl-C and closed pipes into exits."""
    _ensure_standard_streams()
    try:
        return handler(args)
    except StoryLoadError as exc:
        from adventure.cli.check import print_diagnostics
        from adventure.ui.console import make_console

        console = make_console(stderr=True)
        print_diagnostics(console, exc.diagnostics)
        console.print(f"The story failed to load ({len(exc.diagnostics)} error(s)); "
                      "run 'million-miles check' on it for the full report.", markup=False, highlight=False)
        return 1
    except MillionMilesError as exc:
        _error(str(exc), getattr(exc, "hint", None), getattr(exc, "code", None))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except Exception as exc:  # the last line of defence: a bug must not print a traceback
        if os.environ.get("MILLION_MILES_DEBUG"):
            raise
        _error(
            f"internal error: {type(exc).__name__}: {exc}",
            "this is a bug in million-miles, not in your files; nothing was overwritten "
            "(saves are written atomically). Set MILLION_MILES_DEBUG=1 to see the traceback.",
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


def _error(message: str, hint: str | None = None, code: str | None = None) -> None:
    text = f"million-miles: error{' ' + code if code else ''}: {message}"
    if hint:
        text += f"\n  hint: {hint}"
    sys.stderr.write(text + "\n")


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at devnull so interpreter shutdown stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
