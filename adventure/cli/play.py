"""``million-miles play``: play the story in the terminal (the default command).

Exit codes: 0 the game ended or the player left (the run stays saved), 1 the story or
a save could not be loaded, 2 usage error. When standard input is not a terminal the
game reads plain lines from it, so it can be scripted::

    printf '1\\n2\\n' | million-miles play --plain --no-save
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.cli._args import seed_number
from adventure.i18n.language import add_argument as add_language_argument
from adventure.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from adventure.engine import Start
    from adventure.saves.store import SaveStore
    from adventure.session import Session
    from adventure.story.model import Story


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``play`` sub-command."""
    p = commands.add_parser(
        "play",
        help="play the story (the default when no command is given)",
        description="Play the story in the terminal. Type a choice's number or part of its label; "
        "'help' lists the commands. Every choice is saved automatically. "
        "With standard input from a pipe, each line is one input.",
    )
    p.add_argument("--scenes", type=Path, default=None, metavar="DIR", help="story folder (default: the shipped story)")
    p.add_argument("--seed", type=seed_number, default=None, metavar="N", help="seed for the run's random events (default: random)")
    p.add_argument("--plain", action="store_true",
                   help="linear text for screen readers and logs: no colour, boxes, animation or redraws")
    resume = p.add_mutually_exclusive_group()
    resume.add_argument("--load", default=None, metavar="RUN", help="resume a saved run: a slot name or the path of a run file")
    resume.add_argument("--continue", dest="continue_", action="store_true", help="resume the most recent saved run")
    p.add_argument("--save-dir", type=Path, default=None, metavar="DIR",
                   help="save folder (default: $MILLION_MILES_SAVE_DIR or the user data folder)")
    p.add_argument("--no-save", action="store_true", help="do not save this run")
    add_language_argument(p)
    writing = p.add_argument_group("writing", "for authors: follow edits, jump to the scene being written")
    writing.add_argument("--watch", action="store_true",
                         help="reload the story whenever one of its files is saved, keeping your place")
    writing.add_argument("--start", default=None, metavar="SCENE",
                         help="start a sandbox run at SCENE (kept apart from your saves)")
    writing.add_argument("--set", dest="set_", action="append", default=[], metavar="STAT=VALUE",
                         help="sandbox run: start with this stat value (repeatable)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load the story, start or resume the run, and play it; returns the exit code."""
    from adventure.cli._memory import settle
    from adventure.paths import default_scenes_dir
    from adventure.i18n.language import load_in

    folder = args.scenes if args.scenes is not None else default_scenes_dir()
    if not folder.is_dir():
        raise UsageError(f"story folder '{folder}' does not exist or is not a folder")
    if args.seed is not None and args.load is not None or args.seed is not None and args.continue_:
        raise UsageError("--seed starts a new run; it cannot be combined with --load or --continue")
    sandbox = args.start is not None or bool(args.set_)
    if sandbox and (args.load is not None or args.continue_):
        raise UsageError("--start and --set begin a new sandbox run; they cannot be combined with --load or --continue")
    story = settle(load_in(folder, args.lang))  # StoryLoadError: the CLI edge prints the diagnostics
    if sandbox:
        from adventure.sandbox import parse_start

        start = parse_start(story, args.start, args.set_)  # UsageError (exit 2) before anything is shown

    from adventure.ui.console import make_console

    interactive = _stdin_is_terminal()
    console = make_console(plain=args.plain)
    store = None if args.no_save else _store(args.save_dir)
    if sandbox:
        session, fresh, notice = _sandbox(story, args, store, start)
    else:
        session, fresh, notice = _start(story, args, store, console)
        if session.start is not None and store is not None:  # a loaded sandbox run stays in the scratch folder
            session.store = _scratch(store)
    options = dict(plain=args.plain, animate=console.is_terminal and not console.is_dumb_terminal,
                   continue_command=_continue_command(args, session), errors=None if interactive else sys.stderr)
    if args.watch:
        from adventure.ui.watch import LiveGame, watch_reader

        from adventure.messages import current_language

        live = LiveGame(session, console, watch_reader(interactive, args.plain), folder=folder, **options)
        live.language = current_language()
        return live.run(fresh=fresh, notice=notice)
    from adventure.ui.play import Game

    game = Game(session, console, _reader(interactive, args.plain), **options)
    return game.run(fresh=fresh, notice=notice)


def _sandbox(story: Story, args: argparse.Namespace, store: SaveStore | None,
             start: Start) -> tuple[Session, bool, str | None]:
    """A new sandbox run at ``--start`` with ``--set`` values, kept in the scratch folder only."""
    from adventure.errors import SaveError
    from adventure.sandbox import SANDBOX_SLOT, describe
    from adventure.session import Session

    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    session = Session.new(story, seed, store=None, slot=SANDBOX_SLOT, start=start)
    where = f"Sandbox run from {describe(start)}"
    if store is None:
        return session, True, f"{where}; it is not saved."
    session.store = _scratch(store)
    try:
        path = session.autosave()
    except SaveError as exc:
        return session, True, f"{where}. Could not save: {exc}"
    return session, True, f"{where}: it is kept apart in {path}, never in your own saves."


def _scratch(store: SaveStore) -> SaveStore:
    """The scratch store beside ``store``: sandbox runs live there, out of the player's slots."""
    from adventure.sandbox import scratch_dir
    from adventure.saves.store import SaveStore

    return SaveStore(scratch_dir(store.directory))


def _start(story: Story, args: argparse.Namespace, store: SaveStore | None,
           console: Console) -> tuple[Session, bool, str | None]:
    """The session to play: resumed from a save, or new (autosaved at once when possible)."""
    from adventure.errors import SaveError
    from adventure.session import Session

    record = None
    notice = None
    if args.load is not None or args.continue_:
        reading = store if store is not None else _store(args.save_dir)
        if reading is None:
            raise UsageError("loading needs the saves module, which is not available in this build")
        if args.load is not None:
            record = reading.read(args.load)
        else:
            record = reading.latest()
            if record is None:
                notice = "There is no saved run to continue yet; starting a new one."
    if record is not None:
        session, resumed_notice = Session.from_record(story, record, store)
        return session, False, resumed_notice
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    session = Session.new(story, seed, store=None)
    session.store = store
    if store is not None:
        try:
            session.autosave()
        except SaveError as exc:
            message = f"Could not save: {exc}" + (f" ({exc.hint})" if exc.hint else "")
            notice = f"{notice} {message}" if notice else message
    return session, True, notice


def _store(save_dir: Path | None) -> SaveStore:
    """The save store: ``--save-dir``, else ``$MILLION_MILES_SAVE_DIR`` or the user data folder."""
    from adventure.saves.store import SaveStore, default_save_dir

    return SaveStore(save_dir if save_dir is not None else default_save_dir())


def _reader(interactive: bool, plain: bool):  # -> adventure.ui.prompt.Reader
    """prompt_toolkit in a terminal; plain lines from stdin in --plain mode or from a pipe."""
    from adventure.ui.prompt import stream_reader, terminal_reader

    if interactive and not plain:
        return terminal_reader()
    return stream_reader(sys.stdin, sys.stdout, echo=not interactive)


def _continue_command(args: argparse.Namespace, session: Session | None = None) -> str:
    """The command that resumes this run, repeating the options that locate it.

    A sandbox run is not among the player's saves, so it is resumed by its file's path.
    """
    parts = ["million-miles", "play", "--continue"]
    if session is not None and session.start is not None and session.store is not None:
        parts[2:] = ["--load", str(session.store.path_for(session.slot))]
    if args.scenes is not None:
        parts += ["--scenes", str(args.scenes)]
    if args.save_dir is not None:
        parts += ["--save-dir", str(args.save_dir)]
    if args.plain:
        parts.append("--plain")
    if args.lang is not None:
        parts += ["--lang", args.lang]
    return shlex.join(parts)


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
