"""``play --watch``: the story reloads whenever one of its files is saved, and play goes on.

Three parts, each small:

- :class:`StoryWatcher` watches the story folder with ``watchfiles`` in a background
  thread (no polling loop of ours). On a change it sets a flag and calls ``wake``,
  which ends the line being read (:class:`~adventure.ui.prompt.Woken`).
- :class:`LiveGame` is the ordinary :class:`~adventure.ui.play.Game` plus one hook:
  before each read it reloads the story if a change is pending. A valid story takes
  over and the run is carried onto it by replaying its log from the seed
  (:mod:`adventure.run.rebase`); the screen is redrawn at the same place, or, when the log no
  longer applies, at the step before the divergence, with the reason. A story with
  errors shows them located, as ``check`` does, and the last good story keeps playing.
- :func:`watch_reader` picks a reader that can be woken: prompt_toolkit in a terminal,
  a ``select``-based line reader for ``--plain`` or piped input on POSIX (elsewhere the
  reload waits for the next line).

Nothing an author does to the files ends the game: a deleted file, a renamed folder or
an invalid ``story.yaml`` are all shown as load errors until they are put right.

Typical use::

    reader = watch_reader(interactive=True, plain=False)
    game = LiveGame(session, console, reader, folder=Path("my-story"))
    code = game.run(fresh=True)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rich.text import Text

from adventure.play.notices import stopped_at
from adventure.run.engine import RunState, Step
from adventure.ui import render
from adventure.ui.diagnostics import render_diagnostic
from adventure.ui.play import Game
from adventure.ui.prompt import Reader

if TYPE_CHECKING:
    from rich.console import Console

    from adventure.play.session import Session
    from adventure.run.rebase import Rebased
    from adventure.story.loader import LoadReport

STORY_SUFFIXES = (".yaml", ".yml")
MAX_SHOWN_ERRORS = 4
"""Errors shown on the game screen for a broken save (``check`` lists them all)."""


class Changes(Protocol):
    """What :class:`LiveGame` needs from a watcher (tests pass a fake)."""

    def take(self) -> list[str] | None:
        """The files changed since the last call, or ``None`` when nothing changed."""

    def stop(self) -> None:
        """Stop watching."""


class StoryWatcher:
    """Watches a story folder in a background thread and reports changes to YAML files.

    When the folder itself disappears (deleted, renamed), it watches the nearest
    existing parent, without recursion, until the folder is back; the game meanwhile
    shows the load error. If watching fails twice running (say, the system's watch
    limit), it stops and says so through :meth:`take` rather than failing the game.
    """

    def __init__(self, folder: Path, wake: Callable[[], None] | None = None):
        self.folder = folder.absolute()
        self._wake = wake or (lambda: None)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._changed: set[str] = set()
        self._pending = False
        self.failure: str | None = None
        self._thread = threading.Thread(target=self._run, name="story-watcher", daemon=True)

    def start(self) -> StoryWatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def take(self) -> list[str] | None:
        with self._lock:
            if not self._pending:
                return None
            names, self._changed, self._pending = sorted(self._changed), set(), False
        return names

    # the background thread

    def _notify(self, paths: Iterable[str]) -> None:
        with self._lock:
            self._changed.update(self._name(p) for p in paths)
            self._pending = True
        self._wake()

    def _name(self, path: str) -> str:
        try:
            return str(Path(path).relative_to(self.folder))
        except ValueError:
            return Path(path).name

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                if self.folder.is_dir():
                    self._watch_folder()
                else:
                    self._wait_for_folder()
                failures = 0
            except Exception as exc:
                failures += 1
                if failures >= 2:
                    self.failure = f"watching {self.folder} stopped: {exc}"
                    self._notify(())
                    return

    def _watch_folder(self) -> None:
        from watchfiles import watch

        root = str(self.folder)
        for changes in watch(self.folder, watch_filter=_story_files(root), stop_event=self._stop,
                             raise_interrupt=False, ignore_permission_denied=True):
            paths = {path for _, path in changes}
            self._notify(p for p in paths if p != root)
            if root in paths or not self.folder.is_dir():  # the folder itself went: watch for its return
                return

    def _wait_for_folder(self) -> None:
        from watchfiles import watch

        parent = self.folder.parent
        while not parent.is_dir() and parent != parent.parent:
            parent = parent.parent
        for _ in watch(parent, stop_event=self._stop, recursive=False, raise_interrupt=False,
                       ignore_permission_denied=True):
            if self.folder.is_dir():
                self._notify([str(self.folder / "story.yaml")])
            return  # re-evaluate: the folder, or a nearer parent, may exist now


def _story_files(root: str) -> Callable[[object, str], bool]:
    """watchfiles' default filter (editor swap files, VCS folders) narrowed to YAML files and folders.

    Editors and tools write scratch files beside the one being saved (``4913``,
    ``sedX1b2c3``): those never reach the game.
    """
    from watchfiles import DefaultFilter

    default = DefaultFilter()

    def accept(change: object, path: str) -> bool:
        if path == root:
            return True
        return default(change, path) and (path.endswith(STORY_SUFFIXES) or Path(path).is_dir())  # type: ignore[arg-type]

    return accept


def watch_reader(interactive: bool, plain: bool) -> Reader:
    """A reader :class:`StoryWatcher` can wake: prompt_toolkit, or plain lines read with ``select``."""
    from adventure.ui.prompt import TerminalReader, WakeableStreamReader, stream_reader

    if interactive and not plain:
        return TerminalReader()
    try:
        fd = sys.stdin.fileno()
    except (AttributeError, ValueError, OSError):
        fd = -1
    if fd < 0 or sys.platform == "win32":  # no select on pipes: reloads wait for the next line
        return stream_reader(sys.stdin, sys.stdout, echo=not interactive)
    return WakeableStreamReader(fd, sys.stdout, echo=not interactive)


class LiveGame(Game):
    """A game whose story reloads from ``folder`` whenever the watcher reports a change."""

    def __init__(self, session: Session, console: Console, read_line: Reader, *, folder: Path,
                 watcher: Changes | None = None, **options: object):
        super().__init__(session, console, read_line, **options)  # type: ignore[arg-type]
        self.folder = folder
        wake = getattr(read_line, "wake", None)
        self.watcher: Changes = watcher if watcher is not None else StoryWatcher(folder, wake).start()
        self.wanted: Sequence[Step] = session.state.log
        """The path the player built; replayed on every reload, so undoing an edit restores it."""
        self.placed: Sequence[Step] = session.state.log
        self.broken = False
        self.language = "en"
        """The language the story is shown in; every reload is translated to it."""

    def run(self, *, fresh: bool = True, notice: str | None = None) -> int:
        watching = f"Watching {self.folder}: save a story file and this screen follows it."
        try:
            return super().run(fresh=fresh, notice=f"{watching} {notice}" if notice else watching)
        finally:
            self.watcher.stop()

    def before_read(self) -> None:
        changed = self.watcher.take()
        if changed is None:
            return
        failure = getattr(self.watcher, "failure", None)
        if failure:
            self.warn(f"{failure}. The game goes on; restart 'play --watch' to follow edits again.")
            return
        try:
            self.reload(changed)  # the session rolls itself back if carrying the run over fails
        except Exception as exc:
            self.warn(f"Could not reload the story ({type(exc).__name__}: {exc}); the last good version "
                      "keeps playing.")

    def reload(self, changed: list[str]) -> None:
        """Load the folder again; carry the run onto it, or show why it cannot load."""
        from adventure.story.loader import check_story

        report = check_story(self.folder)
        if report.story is None:
            self.show_broken(report, changed)
            return
        from adventure.i18n.translate import program_defaults, translate_story

        story = program_defaults(translate_story(report.story, self.language))
        if not self.broken and story.fingerprint == self.story.fingerprint:
            return  # saved without a change (or only a file the story does not use)
        self.broken = False
        if self.session.state.log != self.placed:  # the player moved since the last reload
            self.wanted = self.session.state.log
        before = self.session.state
        carried = self.session.try_rebase(story, self.wanted)
        self.placed = self.session.state.log
        self.redraw(carried, changed, before)

    def redraw(self, carried: Rebased, changed: list[str], before: RunState | None = None) -> None:
        """The current scene again, in place of the old screen, and what the reload did.

        Every choice may still apply and the run still land elsewhere: the last choice's
        random draw (or conditional target) now goes another way. ``before`` is the state
        the reload started from, to say so, as ``replay --verify`` does.
        """
        self.start_screen("the story was reloaded")
        state = self.session.state
        files = ", ".join(changed) if changed else "the story"
        stopped = carried.stopped
        if stopped is not None and stopped.reason == "start_lost":
            self.warn(f"Reloaded ({files} changed). The sandbox start no longer applies ({stopped.detail}); "
                      "the run starts again at the story's start.")
        elif stopped is not None:
            self.warn(f"Reloaded ({files} changed). The run no longer applies at {stopped_at(stopped)}. "
                      f"Stopped after step {carried.applied} of {carried.total}, in scene '{state.scene}'.")
        else:
            steps = {0: "you are at the start", 1: "your one choice still applies"}.get(
                carried.total, f"all {carried.total} choices still apply")
            moved = _moved(before, state)
            if moved is None:
                self.say(f"Reloaded ({files} changed): {steps}.")
            else:
                self.warn(f"Reloaded ({files} changed): {steps}, but the last one now {moved} "
                          "(its random draw or conditional target goes another way).")
        if state.finished:
            self.warn("The run now ends here: 'undo' steps back, or edit the story to carry on.")

    def show_broken(self, report: LoadReport, changed: list[str]) -> None:
        """A save that does not load: the scene as it was, then the located errors by the prompt."""
        self.broken = True
        self.start_screen("the story has errors")
        errors = report.errors
        self.show(Text(""))
        for diagnostic in errors[:MAX_SHOWN_ERRORS]:
            self.show(render_diagnostic(diagnostic))
        if len(errors) > MAX_SHOWN_ERRORS:
            self.show(Text(f"  ... and {len(errors) - MAX_SHOWN_ERRORS} more (million-miles check {self.folder})"))
        count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
        self.warn(f"The story does not load ({count}), so the last good version keeps playing. "
                  "Fix the file and save it to carry on.")

    def start_screen(self, why: str) -> None:
        """Where the run stands, drawn in place in a terminal; in ``--plain`` (a linear transcript),
        after a separator line."""
        if self.console.is_terminal and not self.plain:
            self.console.clear()
        else:
            self.show(Text(""), Text(f"--- {why} ---"))
        state = self.session.state
        if state.finished:
            self.show(render.ending_screen(self.story, state, plain=self.plain, start=self.session.start))
        else:
            self.present((), changes=False)


def _moved(before: RunState | None, after: RunState) -> str | None:
    """``leads to scene 'x' instead of 'y'`` when the same log now ends elsewhere, else ``None``."""
    if before is None or before.log != after.log or (before.scene, before.ending) == (after.scene, after.ending):
        return None
    now = f"ending '{after.ending}'" if after.ending else f"scene '{after.scene}'"
    was = f"ending '{before.ending}'" if before.ending else f"scene '{before.scene}'"
    return f"leads to {now} instead of {was}"
