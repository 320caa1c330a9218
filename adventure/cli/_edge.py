"""The edge where expected failures become messages and exit codes, never tracebacks."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from adventure.errors import MillionMilesError, StoryLoadError

EXIT_INTERRUPTED = 130


def run_command(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command handler, turning our errors, Ctrl-C and closed pipes into exits."""
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
        _error(str(exc), getattr(exc, "hint", None))
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("\nInterrupted.\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return 1


def _error(message: str, hint: str | None = None) -> None:
    text = f"million-miles: error: {message}"
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
