"""Every export of a replayed run, one content model: text, Markdown, HTML, an asciicast, an SVG image.

The three documents (``txt``, ``md``, ``html``) carry the same content: the pages, the
choice taken, what each choice changed, the ending and its summary (how the run differed
from the true path, a fork to try next time). The words for changes and the summary are
the game's own plain-mode words (:mod:`adventure.ui.render` with ``plain=True``), made
once here as :class:`~adventure.saves.transcript.ExportNotes` and laid out by each format.
The recordings (``cast``, ``svg``) are the replay's screens themselves
(:mod:`adventure.ui.recording`).

Typical use::

    text = export_text(transcript, story, "md")
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType

from adventure import engine
from adventure.errors import EngineError
from adventure.safetext import escape_controls
from adventure.saves.transcript import ExportNotes

if TYPE_CHECKING:
    from adventure.saves.transcript import Page, Transcript
    from adventure.story.model import Story

FORMATS = ("txt", "md", "html", "cast", "svg")
"""Export formats, as ``--format`` names them."""

SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".cast": "cast",
            ".svg": "svg"}
"""The format a file name asks for."""


@dataclass(frozen=True)
class Recording:
    """How a recording is drawn: terminal size, pace, and where it stops."""

    width: int = 100
    height: int = 40
    speed: float = 1.0
    stop_after: int | None = None


def export_text(transcript: Transcript, story: Story, fmt: str, recording: Recording = Recording()) -> str:
    """The transcript in format ``fmt`` (one of :data:`FORMATS`), as text with no raw control character."""
    if fmt == "cast":
        from adventure.ui.recording import record_cast

        return record_cast(transcript, story, width=recording.width, height=recording.height, speed=recording.speed,
                           stop_after=recording.stop_after, title=transcript.story_title)
    if fmt == "svg":
        from adventure.ui.recording import record_svg

        return record_svg(transcript, story, width=recording.width, stop_after=recording.stop_after)
    if fmt == "html":
        from adventure.ui.html_export import transcript_html

        return escape_controls(transcript_html(transcript, story))
    from adventure.saves import transcript as tr

    notes = export_notes(transcript, story)
    text = tr.to_markdown(transcript, notes) if fmt == "md" else tr.to_text(transcript, notes)
    return escape_controls(text)  # a transcript is read with cat and less: no story escape sequence survives


def export_notes(transcript: Transcript, story: Story) -> ExportNotes:
    """Each step's changes and the ending's summary, in the game's plain words."""
    changes: dict[int, tuple[str, ...]] = {}
    for page in transcript.pages:
        lines = page_changes(page, story)
        if lines:
            changes[page.step] = lines
    summary: tuple[str, ...] = ()
    if transcript.ending is not None and transcript.final is not None:
        from adventure.ui import render

        summary = plain_lines(render.run_summary(story, transcript.final, plain=True))
    from adventure.notices import stopped_step

    stopped = stopped_step(transcript.stopped) if transcript.stopped is not None else None
    return ExportNotes(changes, summary, stopped)


def page_changes(page: Page, story: Story) -> tuple[str, ...]:
    """What the choice taken on ``page`` changed, one line per cause (nothing on the last page)."""
    if page.state is None or page.taken is None:
        return ()
    from adventure.ui import render

    try:
        outcome = engine.take(story, page.state, page.taken)
    except EngineError:
        return ()
    changed = render.changes_line(story, outcome.events, plain=True, values=outcome.state.values)
    return tuple(str(changed).split("\n")) if changed is not None else ()


def plain_lines(renderable: RenderableType) -> tuple[str, ...]:
    """A renderable as unwrapped plain lines (no colour, no trailing spaces, no blank lines at the ends)."""
    console = Console(file=StringIO(), width=10_000, color_system=None, force_terminal=False, highlight=False,
                      emoji=False, record=True, _environ={})
    console.print(renderable)
    lines = [line.rstrip() for line in console.export_text().split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return tuple(lines)
