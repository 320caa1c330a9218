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
from typing import TYPE_CHECKING

from adventure.base.safetext import escape_controls
from adventure.ui.notes import export_notes, page_changes, plain_lines

if TYPE_CHECKING:
    from adventure.saves.transcript import Transcript
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


__all__ = ["FORMATS", "SUFFIXES", "Recording", "export_notes", "export_text", "page_changes", "plain_lines"]
