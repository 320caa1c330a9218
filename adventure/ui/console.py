"""One place that decides how a Rich console is made for this program.

Rich already honours ``NO_COLOR``, ``TERM=dumb`` and non-terminal output; we add the
``--plain`` mode (no colour, no boxes, no redraws) and a test hook for fixed widths.
"""

from __future__ import annotations

import sys
from typing import IO

from rich.console import Console


def make_console(
    *, stderr: bool = False, plain: bool = False, width: int | None = None, file: IO[str] | None = None
) -> Console:
    """A console for output (or errors), configured for the user's terminal."""
    return Console(
        file=file,
        stderr=stderr and file is None,
        width=width,
        no_color=plain or None,  # None lets Rich read NO_COLOR itself
        highlight=False,
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
    ) if not plain else Console(
        file=file, stderr=stderr and file is None, width=width, no_color=True, highlight=False,
        emoji=False, color_system=None, force_terminal=False, force_interactive=False,
    )


def stdout_is_terminal() -> bool:
    """Whether standard output is an interactive terminal."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
