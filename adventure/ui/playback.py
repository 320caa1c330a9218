"""Play a saved run back in the terminal, page by page, as the player saw it.

The pace and the input are injected: ``pause(seconds)`` waits and returns a key the
viewer pressed (or ``None``), ``ask(prompt)`` reads a line in step mode. Tests pass
fakes so a replay runs instantly; :func:`terminal_pause` is the real one, reading
single keys in cbreak mode so ``q`` stops without Enter. No Rich ``Live`` or
``Progress`` is ever running while input is read: the progress bar is printed as a
static line after each page.

Typical use::

    code = play_back(build_transcript(story, record), console, speed=1.0)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.console import Console, Group, RenderableType
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from adventure.base.messages import _, ngettext, pgettext
from adventure.run import engine
from adventure.saves.transcript import Page, Transcript
from adventure.story.model import Story
from adventure.ui.matching import fold
from adventure.ui.transcript_panels import render_ending, render_page, render_stopped

Pause = Callable[[float], "str | None"]
Ask = Callable[[str], str]

BASE_DELAY = 1.2
"""Seconds per page at speed 1, before the allowance for reading; ``--speed X`` divides the pace by X."""
PER_CHARACTER = 0.012
"""Extra seconds per character of scene text at speed 1 (a gentle reading pace)."""
QUIT_KEYS = {"q", "Q", "\x1b"}


def play_back(transcript: Transcript, console: Console, *, speed: float = 1.0, step_mode: bool = False,
              stop_after: int | None = None, animate: bool = True, pause: Pause | None = None,
              ask: Ask | None = None, story: Story | None = None, plain: bool = False, hint: bool = True) -> int:
    """Show the run's pages with a progress bar; returns 0 (finished or stopped with ``q``).

    Given the ``story``, pages are drawn with the game's own screens
    (:mod:`adventure.ui.render`) so the replay looks as the player saw it; without it,
    with the transcript's simpler panels. ``step_mode`` waits for Enter after each page
    (``ask``, default :func:`input`); else with ``animate`` and a ``speed`` above 0 each
    page stays up for :func:`page_delay` (``pause``, default :func:`terminal_pause`); else
    the pages follow at once. ``animate=False`` also leaves out the progress bar,
    ``stop_after`` ends after that step, ``hint=False`` leaves out the keys line (a recording).
    """
    screens = _Screens(story, plain) if story is not None else None
    pacer = _pacer(speed=speed, step_mode=step_mode, animate=animate, pause=pause, ask=ask, plain=plain)
    total = transcript.steps
    pages = tuple(p for p in transcript.pages if stop_after is None or p.step <= stop_after)
    if hint and isinstance(pacer, _TimedPacer):
        console.print(Text(ngettext("Replaying {count} step · any key: next page · q: stop",
                                    "Replaying {count} steps · any key: next page · q: stop", total).format(count=total),
                           style="hint"))
    for page in pages:
        _show(console, page, total, screens, progress=animate)
        if page is pages[-1] and (page.taken is None or stop_after is not None):
            break
        if pacer.wait(page):
            console.print(Text(_("Stopped at step {step} of {total}.").format(step=page.step, total=total), style="muted"))
            return 0
    for part in _closing(transcript, screens, stop_after):
        console.print(part)
    return 0


def _show(console: Console, page: Page, total: int, screens: _Screens | None, *, progress: bool) -> None:
    """One page as the player saw it (with ``screens``) or as a transcript panel, then the progress bar."""
    console.print(screens.page(page, total) if screens else render_page(page, total))
    if progress:
        console.print(_progress_line(page.step if page.taken else page.step - 1, total, console.width))


class _Pacer(Protocol):
    def wait(self, page: Page) -> bool:
        """Wait after ``page`` as the viewer asked; ``True`` when they asked to stop."""


@dataclass(frozen=True)
class _NoPacer:
    """Pages follow one another at once (``--speed 0``, or no animation)."""

    def wait(self, page: Page) -> bool:
        return False


@dataclass(frozen=True)
class _TimedPacer:
    """Each page stays up for a reading pace; a key moves on, ``q`` (or Esc) stops."""

    pause: Pause
    speed: float

    def wait(self, page: Page) -> bool:
        return self.pause(page_delay(page, self.speed)) in QUIT_KEYS


@dataclass(frozen=True)
class _StepPacer:
    """Enter moves on, ``q`` (or ``quit`` in either language) stops; closed input stops too."""

    ask: Ask
    plain: bool

    def wait(self, page: Page) -> bool:
        try:
            answer = self.ask(_("Enter: next step; q: quit ") if self.plain else _("Enter: next step · q: quit "))
        except EOFError:  # input closed: nobody is left to press Enter
            return True
        return fold(answer) in {"q", "quit", fold(pgettext("command", "quit"))}


def _pacer(*, speed: float, step_mode: bool, animate: bool, pause: Pause | None, ask: Ask | None,
           plain: bool) -> _Pacer:
    """The one pacer that ``play_back``'s options ask for (step mode wins over timing)."""
    if step_mode:
        return _StepPacer(ask or input, plain)
    if animate and speed > 0:
        return _TimedPacer(pause or terminal_pause, speed)
    return _NoPacer()


def _closing(transcript: Transcript, screens: _Screens | None, stop_after: int | None) -> list[RenderableType]:
    """What follows the last page: the ending (or why the run stopped), or where ``--to`` cut it short."""
    total = transcript.steps
    if stop_after is not None and stop_after < total:
        return [Text(_("Stopped after step {step} of {total} (--to).").format(step=stop_after, total=total),
                     style="muted")]
    shown: list[RenderableType] = []
    if transcript.ending is not None:
        shown.append(screens.ending(transcript) if screens else render_ending(transcript.ending))
    if transcript.stopped is not None:
        shown.append(render_stopped(transcript.stopped))
    return shown


def screen_for(transcript: Transcript, story: Story, stop_after: int | None = None) -> RenderableType:
    """The screen a replay ends on: the ending (a finished run), else the page of step ``stop_after`` or the last."""
    screens = _Screens(story, plain=False)
    total = transcript.steps
    if (stop_after is None or stop_after >= total) and transcript.ending is not None:
        return screens.ending(transcript)
    pages = [p for p in transcript.pages if stop_after is None or p.step <= stop_after]
    if not pages:
        return render_stopped(transcript.stopped)
    return screens.page(pages[-1], total)


def page_delay(page: Page, speed: float) -> float:
    """Seconds a page stays up: a reading pace, divided by ``speed`` (2 = twice as fast; 0 = no pause)."""
    if speed <= 0:
        return 0.0
    return (BASE_DELAY + PER_CHARACTER * len(page.text)) / speed


def terminal_pause(seconds: float) -> str | None:
    """Wait up to ``seconds``; return the key pressed meanwhile (POSIX terminals), else ``None``."""
    if seconds <= 0:
        return None
    try:
        import select
        import termios
        import tty
    except ImportError:  # Windows: no key polling, just wait (Ctrl-C still stops)
        time.sleep(seconds)
        return None
    try:
        fd = sys.stdin.fileno()
        interactive = os.isatty(fd)
    except (AttributeError, ValueError, OSError):
        interactive = False
    if not interactive:
        time.sleep(seconds)
        return None
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        ready, _, _ = select.select([fd], [], [], seconds)
        if ready:
            return os.read(fd, 1).decode("utf-8", "ignore") or None
        return None
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


class _Screens:
    """The game's own renderables (``adventure.ui.render``), with the choice taken marked."""

    def __init__(self, story: Story, plain: bool):
        from adventure.ui import render

        self.render, self.story, self.plain = render, story, plain

    def page(self, page: Page, total: int) -> RenderableType:
        assert page.state is not None
        render, story, plain = self.render, self.story, self.plain
        parts: list[RenderableType] = []
        if page.chapter:
            parts.append(render.chapter_card(story, story.scenes[page.scene].chapter, plain=plain))
        countdown = story.scenes[page.scene].countdown
        if countdown:  # the player saw it count down as this scene began
            parts.append(render.countdown_static(countdown, story.presentation))
        parts.append(render.scene_panel(story, page.state, plain=plain))
        parts.append(render.choice_list(engine.offers(story, page.state), plain=plain, enter_hint=False))
        taken = next((c for c in page.choices if c.id == page.taken), None)
        if taken is not None:
            if plain:  # spoken: "step 28 of 83", no arrow
                line = Text(_("step {step} of {total}").format(step=page.step, total=total) + ": ", style="heading")
            else:
                line = Text("▸ " + _("step {step}/{total}").format(step=page.step, total=total) + ": ",
                            style="choice.taken")
            line.append(taken.label, style="heading")
            parts.append(line)
        else:
            parts.append(Text("(" + _("where the run stands") + ")", style="muted"))
        parts.append(Text(""))
        return Group(*parts)

    def ending(self, transcript: Transcript) -> RenderableType:
        assert transcript.final is not None
        return self.render.ending_screen(self.story, transcript.final, plain=self.plain)


def _progress_line(done: int, total: int, width: int) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=max(10, min(60, width - 24)))
    grid.add_column()
    grid.add_row(ProgressBar(total=max(total, 1), completed=done, width=max(10, min(60, width - 24))),
                 Text(_("step {step}/{total}").format(step=done, total=total), style="muted"))
    return grid
