"""``million-miles play``: play the story in the terminal (the default command).

Exit codes: 0 the game ended or the player left (the run stays saved), 1 the story or
a save could not be loaded (or the run is in use by another game), 2 usage error.
A new game autosaves to a slot of its own; ``--load``/``--continue`` read the run
first, so a run played with ``--scenes DIR`` finds its story folder by itself. When
standard input is not a terminal the game reads plain lines from it, so it can be
scripted::

    printf '1\\n2\\n' | million-miles play --plain --no-save
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.base.errors import UsageError
from adventure.base.messages import _
from adventure.cli._args import seed_number
from adventure.i18n.language import add_argument as add_language_argument

if TYPE_CHECKING:
    from rich.console import Console

    from adventure.play.session import Session
    from adventure.run.engine import Start
    from adventure.saves.runfile import RunRecord
    from adventure.saves.store import Continuation, SaveStore
    from adventure.story.model import Story
    from adventure.ui.play import Game, Resumable
    from adventure.ui.prompt import Reader


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``play`` sub-command."""
    p = commands.add_parser(
        "play",
        help=_("play the story (the default when no command is given)"),
        description=_("Play the story in the terminal. Type a choice's number or part of its label; "
        "'help' lists the commands. Every choice is saved automatically. "
        "With standard input from a pipe, each line is one input."),
    )
    p.add_argument("--scenes", type=Path, default=None, metavar="DIR", help=_("story folder (default: the shipped story)"))
    p.add_argument("--seed", type=seed_number, default=None, metavar="N", help=_("seed for the run's random events (default: random)"))
    p.add_argument("--plain", action="store_true",
                   help=_("linear text for screen readers and logs: no colour, boxes, animation or redraws"))
    resume = p.add_mutually_exclusive_group()
    resume.add_argument("--load", default=None, metavar="RUN", help=_("resume a saved run: a slot name or the path of a run file"))
    resume.add_argument("--continue", dest="continue_", action="store_true", help=_("resume the most recent saved run"))
    p.add_argument("--save-dir", type=Path, default=None, metavar="DIR",
                   help=_("save folder (default: $MILLION_MILES_SAVE_DIR or the user data folder)"))
    p.add_argument("--no-save", action="store_true", help=_("do not save this run"))
    add_language_argument(p)
    writing = p.add_argument_group(_("writing"), _("for authors: follow edits, jump to the scene being written"))
    writing.add_argument("--watch", action="store_true",
                         help=_("reload the story whenever one of its files is saved, keeping your place"))
    writing.add_argument("--start", default=None, metavar="SCENE",
                         help=_("start a sandbox run at SCENE (kept apart from your saves)"))
    writing.add_argument("--set", dest="set_", action="append", default=[], metavar="STAT=VALUE",
                         help=_("sandbox run: start with this stat value (repeatable)"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load the story, start or resume the run, and play it; returns the exit code.

    The collector is paused from here to the first line read (``cli/_memory.py``, :func:`starting`).
    """
    from adventure.cli._memory import starting

    with starting():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from adventure.cli._memory import bulk
    from adventure.i18n.language import load_in

    _early_language(args.lang)
    sandbox = _check_options(args)
    found = _find_run(args)
    folder = _story_folder(args, found.record if found else None)
    with bulk():
        story = load_in(folder, args.lang)  # StoryLoadError: the CLI edge prints the diagnostics
    if sandbox:
        from adventure.play.sandbox import parse_start

        start = parse_start(story, args.start, args.set_)  # UsageError (exit 2) before anything is shown

    from adventure.ui.console import make_console

    interactive = _stdin_is_terminal()
    console = make_console(plain=args.plain)
    store = None if args.no_save else _store(args.save_dir)
    if sandbox:
        session, fresh = _sandbox(story, args, store, start, _scenes_field(folder))
    else:
        session, fresh = _start(story, args, store, found, _scenes_field(folder))
    options = dict(plain=args.plain, animate=console.is_terminal and not console.is_dumb_terminal,
                   continue_command=_continue_command(args, session), new_game_command=_new_game_command(args),
                   errors=None if interactive else sys.stderr)
    if interactive and fresh and not sandbox and found is None and args.seed is None and store is not None:
        options["resumable"] = _resumable(story, store, _scenes_field(folder))
    return _play(_game(args, session, console, folder, interactive, options), fresh)


def _check_options(args: argparse.Namespace) -> bool:
    """Refuse options that cannot go together (exit 2); whether the run is a sandbox (``--start``/``--set``)."""
    if args.watch:
        require_watchfiles()
    resuming = args.load is not None or args.continue_
    if args.seed is not None and resuming:
        raise UsageError("--seed starts a new run; it cannot be combined with --load or --continue")
    sandbox = args.start is not None or bool(args.set_)
    if sandbox and resuming:
        raise UsageError("--start and --set begin a new sandbox run; they cannot be combined with --load or --continue")
    return sandbox


def _game(args: argparse.Namespace, session: Session, console: Console, folder: Path, interactive: bool,
          options: dict[str, Any]) -> Game:
    """The play loop for these options: one that follows the story's files with ``--watch``."""
    from adventure.cli._memory import started, started_at_first_line
    from adventure.ui.play import Game

    if not args.watch:
        return Game(session, console, started_at_first_line(_reader(interactive, args.plain)), **options)
    started()  # the watcher's reader is woken from its thread: the start ends here
    from adventure.base.messages import current_language
    from adventure.ui.watch import LiveGame, watch_reader

    game = LiveGame(session, console, watch_reader(interactive, args.plain), folder=folder, **options)
    game.language = current_language()
    return game


def _play(game: Game, fresh: bool) -> int:
    """Run the game to its end; a hang-up (SIGTERM, SIGHUP) leaves as Ctrl-D does, with the signal's status."""
    restore, received = _leave_on_hangup()
    try:
        code = game.run(fresh=fresh)
        return 128 + received[0] if received else code  # the game left as on Ctrl-D; the status says why
    except Hangup as exc:  # raised outside a read (mid-autosave, mid-screen): keep what can be kept
        _ignore_hangups()
        if not game.session.saved and not game.session.blank:
            game.session.autosave()
        return 128 + exc.signum
    finally:
        restore()
        game.session.close()


class Hangup(EOFError):
    """SIGTERM or SIGHUP (a closed terminal window): the game leaves as on Ctrl-D.

    An :class:`EOFError`, so a game waiting for a line leaves the way end of input
    does (saved, lock released, nothing left behind); raised anywhere else, it unwinds
    through the same clean-ups (a half-written temporary file is removed).
    """

    def __init__(self, signum: int):
        super().__init__(f"signal {signum}")
        self.signum = signum


_HANGUPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _leave_on_hangup() -> tuple[Callable[[], None], list[int]]:
    """Turn SIGTERM and SIGHUP into :class:`Hangup` while the game runs; returns the undo and the signals met."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        return (lambda: None), received

    def raise_hangup(signum: int, frame: object) -> None:
        received.append(signum)
        _ignore_hangups()  # one is enough: a second must not interrupt the clean-up
        raise Hangup(signum)

    previous = {number: signal.signal(number, raise_hangup) for number in _HANGUPS}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore, received


def _ignore_hangups() -> None:
    """A second signal must not interrupt the last save."""
    if threading.current_thread() is threading.main_thread():
        for number in _HANGUPS:
            signal.signal(number, signal.SIG_IGN)


def _early_language(requested: str | None) -> None:
    """The program's words before the story is read (its folder may come from the run loaded).

    The story's catalogues are looked at once it is found (``load_in``); a language only
    the story is translated to is accepted then.
    """
    from adventure.base.messages import use_language
    from adventure.i18n.language import choose

    try:
        use_language(choose(requested, None))
    except UsageError:
        pass


def _sandbox(story: Story, args: argparse.Namespace, store: SaveStore | None, start: Start,
             scenes: str | None) -> tuple[Session, bool]:
    """A new sandbox run at ``--start`` with ``--set`` values, kept in the scratch folder only."""
    from adventure.play.sandbox import SANDBOX_SLOT, shown_values
    from adventure.play.session import Session

    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    scratch = _scratch(store) if store is not None else None
    session = Session.new(story, seed, scratch, slot=SANDBOX_SLOT, scenes=scenes, start=start)
    where = (_("Sandbox run from scene '{scene}' with {values}").format(scene=start.scene, values=shown_values(start))
             if start.values else _("Sandbox run from scene '{scene}'").format(scene=start.scene))
    if scratch is None:
        session.tell(_("{where}; it is not saved.").format(where=where), first=True)
    elif session.save_error is None:
        session.tell(_("{where}: it is kept apart in {path}, never in your own saves.").format(
            where=where, path=scratch.path_for(session.slot)), first=True)
    else:  # the session says why it is not saved
        session.tell(f"{where}.", warning=True, first=True)
    return session, True


def _scratch(store: SaveStore) -> SaveStore:
    """The scratch store beside ``store``: sandbox runs live there, out of the player's slots."""
    from adventure.play.sandbox import scratch_dir
    from adventure.saves.store import SaveStore

    return SaveStore(scratch_dir(store.directory))


def _find_run(args: argparse.Namespace) -> Continuation | None:
    """The saved run ``--load`` or ``--continue`` asks for (read before the story, which it may name)."""
    if args.load is None and not args.continue_:
        return None
    from adventure.saves.store import Continuation, continuation

    reading = _store(args.save_dir)
    if args.load is not None:
        return Continuation(reading.read(args.load))
    found = continuation(reading)
    return found


def _story_folder(args: argparse.Namespace, record: RunRecord | None) -> Path:
    """``--scenes``, else the folder the run was played from, else the shipped story."""
    from adventure.base.resources import default_scenes_dir
    from adventure.saves.store import recorded_folder

    folder = args.scenes
    if folder is None and record is not None:
        folder = recorded_folder(record)
    if folder is None:
        folder = default_scenes_dir()
    if not folder.is_dir():  # an OSError (unreadable parent, name too long) is the edge's one-line message
        raise UsageError(f"story folder '{_short(str(folder))}' does not exist or is not a folder")
    return Path(folder)


def _scenes_field(folder: Path) -> str | None:
    """What a run records as its story folder: the absolute path, unless it is the shipped story."""
    from adventure.base.resources import is_shipped

    return None if is_shipped(folder) else str(folder.resolve())


def _start(story: Story, args: argparse.Namespace, store: SaveStore | None, found: Continuation | None,
           scenes: str | None) -> tuple[Session, bool]:
    """The session to play: resumed from a save, or new (the session reports any saving trouble)."""
    from adventure.play.notices import damaged_run
    from adventure.play.session import Session

    if found is not None and found.record is not None:
        record, slot = found.record, found.slot
        if record.start is not None and store is not None:  # a sandbox run stays in the scratch folder
            store = _scratch(store)
            if slot is None and record.path is not None and record.path == store.path_for(record.slot):
                slot = record.slot
        session, resumed_notice = Session.from_record(story, record, store, scenes=scenes, slot=slot)
        if found.damaged is not None:
            session.tell(damaged_run(found.damaged), warning=True, first=True)
        if resumed_notice:
            session.tell(resumed_notice, warning=True)
        return session, False
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    session = Session.new(story, seed, store, scenes=scenes)
    if found is not None:  # --continue found nothing to continue
        fresh = _("There is no saved run to continue yet; starting a new one.")
        if found.damaged is not None:  # a damaged run with no usable backup: say what was moved where, then start anew
            fresh = damaged_run(found.damaged) + " " + _("No other saved run is left; starting a new one.")
        session.tell(fresh, warning=found.damaged is not None, first=True)
    return session, True


def _resumable(story: Story, store: SaveStore, scenes: str | None) -> Resumable | None:
    """The run the title screen offers to continue: the last one played, if it is of this story.

    Only offered to a player at a terminal starting a new game with no other instruction;
    a piped script never meets the question. A damaged last run is left to ``--continue``,
    which says what it does about it.
    """

    from adventure.base.errors import SaveError
    from adventure.ui.play import Resumable

    try:
        newest = store.newest_run()
    except SaveError:
        return None
    if newest is None or newest.error is not None or newest.story_id != story.id:
        return None
    recorded = str(newest.folder.resolve()) if newest.folder is not None else None
    if recorded != scenes:  # a run of another copy of the story is continued with --continue
        return None
    chapter = next((c.title for c in story.chapters if c.id == newest.chapter), None)
    ending = story.endings[newest.ending].title if newest.ending is not None and newest.ending in story.endings else None
    return Resumable(newest.name, newest.steps, chapter, ending)


def _store(save_dir: Path | None) -> SaveStore:
    """The save store: ``--save-dir``, else ``$MILLION_MILES_SAVE_DIR`` or the user data folder."""
    from adventure.saves.store import SaveStore, default_save_dir

    return SaveStore(save_dir if save_dir is not None else default_save_dir())


def _reader(interactive: bool, plain: bool) -> Reader:
    """prompt_toolkit in a terminal; plain lines from stdin in --plain mode or from a pipe."""
    from adventure.ui.prompt import stream_reader, terminal_reader

    if interactive and not plain:
        return terminal_reader()
    return stream_reader(sys.stdin, sys.stdout, echo=not interactive)


def _continue_command(args: argparse.Namespace, session: Session | None = None) -> str:
    """The command that resumes this run (the run records its story folder, so no --scenes).

    A sandbox run is not among the player's saves, so it is resumed by its file's path.
    """
    if session is not None and session.start is not None and session.store is not None:
        return _command(args, "--load", str(session.store.path_for(session.slot)))
    return _command(args, "--continue")


def _new_game_command(args: argparse.Namespace) -> str:
    """The command that starts a new game of the same story in the same save folder."""
    return _command(args)


def _command(args: argparse.Namespace, *extra: str) -> str:
    parts = ["million-miles", "play", *extra]
    if args.scenes is not None and not extra:
        parts += ["--scenes", str(args.scenes)]
    if args.save_dir is not None:
        parts += ["--save-dir", str(args.save_dir)]
    if args.plain:
        parts.append("--plain")
    if args.lang is not None:
        parts += ["--lang", args.lang]
    return shlex.join(parts)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def require_watchfiles() -> None:
    """``--watch`` is an author's tool: its file watcher comes with the ``author`` extra."""
    import importlib.util

    from adventure.base.errors import MissingExtra

    if importlib.util.find_spec("watchfiles") is None:
        raise MissingExtra("play --watch", "watchfiles", "author")
