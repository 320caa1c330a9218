"""The plain words every document export carries: what each choice changed, and the ending's summary.

Made once from the game's own plain-mode words (:mod:`adventure.ui.render` with
``plain=True``) and laid out by each format: text and Markdown
(:mod:`adventure.ui.exports`) and HTML (:mod:`adventure.ui.html_export`).

Typical use::

    notes = export_notes(transcript, story)
"""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

from rich.console import RenderableType

from adventure.base.errors import EngineError
from adventure.run import engine
from adventure.saves.transcript import ExportNotes
from adventure.ui.console import make_console

if TYPE_CHECKING:
    from adventure.saves.transcript import Page, Transcript
    from adventure.story.model import Story


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
    from adventure.play.notices import stopped_step

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
    console = make_console(file=StringIO(), plain=True, width=10_000, record=True, _environ={})
    console.print(renderable)
    lines = [line.rstrip() for line in console.export_text().split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return tuple(lines)
