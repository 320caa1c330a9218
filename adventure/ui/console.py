"""One place that decides how a Rich console is made for this program.

Rich already honours ``NO_COLOR``, ``TERM=dumb`` and non-terminal output; we add the
``--plain`` mode (no colour, no boxes, no redraws), a test hook for fixed widths, and
a console that never passes a control character from story, save or player text to
the terminal (:class:`SafeConsole`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from typing import IO, Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Span, Text

from adventure.base.safetext import escape_controls, has_controls
from adventure.ui.theme import PLAIN_THEME, THEME


class SafeConsole(Console):
    """A console that shows control characters in the text it prints (``\\x1b``) instead of sending them.

    ``Text("\\x1b]0;title\\a")`` would write the raw sequence: Rich styles text but
    does not filter it. The loader rejects such text (``MM110``); this is the second
    line of defence for everything that reaches a screen. A :class:`Text` is escaped
    before layout, so wrapping and borders count the visible form; any other segment
    is escaped as it is produced. Rich's own control segments (cursor moves of a
    ``Live`` display) and styles are untouched.
    """

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        if isinstance(renderable, Text) and has_controls(renderable.plain):
            renderable = escaped_text(renderable)
        for segment in super().render(renderable, options):
            if not segment.control and has_controls(segment.text):
                segment = Segment(escape_controls(segment.text), segment.style)
            yield segment


PLAIN_WIDTH = 10_000
"""Plain mode lays text out this wide: one line per paragraph, wrapped by the terminal, pager or reader."""


class PlainConsole(SafeConsole):
    """The ``--plain`` console: no hard wrap, and no trailing spaces at the end of a line.

    A braille line or a screen reader given half a phrase (``(not`` / ``met)``), or a
    command split across two lines, reads worse than a long line the reader wraps itself.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return _TRAILING.sub("\n", super()._render_buffer(buffer))


_TRAILING = re.compile(r"[ \t]+\n")


def escaped_text(text: Text) -> Text:
    """A copy of ``text`` with its control characters written out, styles kept on the same characters."""
    plain = text.plain
    starts: list[int] = []
    pieces: list[str] = []
    position = 0
    for char in plain:
        starts.append(position)
        piece = escape_controls(char)
        pieces.append(piece)
        position += len(piece)
    starts.append(position)
    copy = text.blank_copy("".join(pieces))
    copy.spans = [Span(starts[span.start], starts[min(span.end, len(plain))], span.style) for span in text.spans]
    return copy


def make_console(
    *, stderr: bool = False, plain: bool = False, width: int | None = None, file: IO[str] | None = None,
    **options: Any,
) -> Console:
    """A console for output (or errors), configured for the user's terminal, with the program's theme.

    Standard output piped to a file or pager is not hard-wrapped either: a line of text
    stays one line, with no trailing spaces (boxes still need a width, and keep it).
    ``$COLUMNS`` set by the user still sets the width. ``plain`` gives the ``--plain``
    console: no colour, the :data:`~adventure.ui.theme.PLAIN_THEME`, lines as wide as a
    paragraph. Any other keyword is passed to Rich's :class:`~rich.console.Console` as is
    (tests fix ``height``, ``force_terminal``, ``color_system``, ``record``).
    """
    if plain:
        settings: dict[str, Any] = dict(
            file=file, stderr=stderr and file is None, width=width or PLAIN_WIDTH, no_color=True, highlight=False,
            emoji=False, color_system=None, force_terminal=False, force_interactive=False, theme=PLAIN_THEME,
        )
        return PlainConsole(**(settings | options))
    piped = (file is None and not stderr and width is None and not os.environ.get("COLUMNS")
             and not stdout_is_terminal())
    settings = dict(
        file=file, stderr=stderr and file is None, width=width,
        no_color=None,  # None lets Rich read NO_COLOR itself
        highlight=False, emoji=False, soft_wrap=piped, legacy_windows=False, theme=THEME,
    )
    return (PlainConsole if piped else SafeConsole)(**(settings | options))


def stdout_is_terminal() -> bool:
    """Whether standard output is an interactive terminal."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def fits(console: Console, options: ConsoleOptions, renderable: RenderableType) -> bool:
    """Whether ``renderable`` fits ``options.max_width`` without cutting a word (a table's narrowest layout).

    Rich clamps a measurement to the width it is given, so measure against an unbounded
    width and compare: a report picks a table where it fits, lines where it does not.
    """
    from rich.measure import Measurement

    return Measurement.get(console, options.update_width(PLAIN_WIDTH), renderable).minimum <= options.max_width
