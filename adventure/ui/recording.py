"""A replay as a recording: an asciicast v2 file of the replay's own screens, or one screen as SVG.

The cast is the replay itself (:func:`adventure.ui.playback.play_back`) drawn on a
recording console of a fixed size: every write becomes an output event stamped with a
virtual clock that the replay's pauses advance, so ``--speed`` paces the cast as it
paces the terminal, and making one takes no real time. Line feeds are written as the
terminal's ``\\r\\n`` (what a pseudo-terminal sends), so ``asciinema play`` and any
terminal emulator draw the same screens ``replay`` draws.

Typical use::

    Path("run.cast").write_text(record_cast(transcript, story, width=100, height=40, speed=1.0))
"""

from __future__ import annotations

import json
from io import StringIO
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType

from adventure.base.safetext import escape_controls
from adventure.ui.console import make_console

if TYPE_CHECKING:
    from adventure.saves.transcript import Transcript
    from adventure.story.model import Story

CAST_VERSION = 2


class _Clock:
    """Virtual time: advanced by the replay's pauses, read by each write."""

    def __init__(self) -> None:
        self.now = 0.0

    def pause(self, seconds: float) -> str | None:
        self.now += max(0.0, seconds)
        return None


class _EventWriter(StringIO):
    """A file that turns each write into an asciicast output event at the clock's time."""

    def __init__(self, clock: _Clock) -> None:
        super().__init__()
        self.clock = clock
        self.events: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        if text:
            self.events.append((round(self.clock.now, 6), text.replace("\r\n", "\n").replace("\n", "\r\n")))
        return len(text)

    def isatty(self) -> bool:
        return True


def _console(file: StringIO, width: int, height: int | None = None, *, record: bool = False) -> Console:
    return make_console(file=file, width=width, height=height, force_terminal=True, force_interactive=False,
                        color_system="256", record=record, _environ={})


def record_cast(transcript: Transcript, story: Story, *, width: int, height: int, speed: float,
                stop_after: int | None = None, title: str | None = None) -> str:
    """The replay as an asciicast v2 document (a JSON header line, then one ``[time, "o", text]`` per line)."""
    from adventure.ui.playback import play_back

    clock = _Clock()
    out = _EventWriter(clock)
    console = _console(out, width, height)
    play_back(transcript, console, speed=speed, stop_after=stop_after, animate=True, pause=clock.pause,
              story=story, hint=False)
    header: dict[str, object] = {"version": CAST_VERSION, "width": width, "height": height,
                                 "env": {"TERM": "xterm-256color"}}
    if title:
        header["title"] = escape_controls(title, one_line=True)  # a player may show it in a window title
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [json.dumps([time, "o", text], ensure_ascii=False) for time, text in out.events]
    return "\n".join(lines) + "\n"


def last_screen(transcript: Transcript, story: Story, stop_after: int | None = None) -> RenderableType:
    """What ``replay`` leaves on screen: the ending, or the page of step ``stop_after`` (or the last page)."""
    from adventure.ui.playback import screen_for

    return screen_for(transcript, story, stop_after)


def record_svg(transcript: Transcript, story: Story, *, width: int, stop_after: int | None = None,
               title: str | None = None) -> str:
    """One screen of the replay as an SVG image (Rich's ``export_svg``: a terminal window with its colours)."""
    console = _console(StringIO(), width, record=True)
    console.print(last_screen(transcript, story, stop_after))
    svg = console.export_svg(title=escape_controls(title or transcript.story_title, one_line=True))
    return escape_controls(svg)  # Rich escapes XML, not control characters: none may reach a viewer
