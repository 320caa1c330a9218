"""The play loop: show the scene, read a line, act on it, until an ending or the player leaves.

The loop owns no game rules: choices, undo, saves and loads all go through a
:class:`~adventure.play.session.Session`; what to draw comes from :mod:`adventure.ui.render`.
The console, the line reader and the sleep function are injected, so tests drive a
whole game with a list of lines and an in-memory console.

Typical use::

    game = Game(session, console, lines_reader(["1", "2"]), plain=True)
    exit_code = game.run(fresh=True)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from adventure.base.errors import ChoiceLocked, EngineError, SaveError
from adventure.base.messages import N_, _, ngettext
from adventure.base.safetext import escape_controls
from adventure.play.notices import problem, problem_and_advice, say
from adventure.play.session import Session
from adventure.run import engine
from adventure.run.engine import Event, SceneEntered
from adventure.ui import commands, render
from adventure.ui.commands import Action, Command, Hint, Take, interpret, menu_word
from adventure.ui.prompt import LineCancelled, Reader, Woken

if TYPE_CHECKING:
    from adventure.run.engine import Outcome
    from adventure.saves.store import SlotSummary
    from adventure.story.model import Story

PROMPT = "> "
LEAVE_HINT = N_("(press Ctrl-C again or Ctrl-D to leave)")
COUNTDOWN_DELAY = 0.4
"""Seconds between countdown frames in a real terminal."""


# -- the title screen's offer to continue ----------------------------------------------------------


@dataclass(frozen=True)
class Resumable:
    """The run the title screen offers to continue: the one ``play --continue`` would resume."""

    slot: str
    steps: int
    chapter: str | None = None
    """The title of the chapter it stands in."""
    ending: str | None = None
    """The title of the ending it reached (``None`` while it is still being played)."""

    def describe(self) -> str:
        """``Continue 'run-…' (The Letters, 41 choices in)``, or where a finished run ended."""
        count = ngettext("{count} choice", "{count} choices", self.steps).format(count=self.steps)
        if self.ending is not None:
            where = _("finished: {ending}, {count}").format(ending=self.ending, count=count)
        elif self.chapter is not None:
            where = _("{chapter}, {count} in").format(chapter=self.chapter, count=count)
        else:
            where = count
        return _("Continue '{slot}' ({where})").format(slot=self.slot, where=where)




def saves_notice(slots: Sequence[SlotSummary], current: str | None) -> tuple[str, str | None]:
    """What ``load`` alone says about the save folder: the runs to load, and the unreadable ones (if any)."""
    checkpoints = [s.name for s in slots if s.error is None and s.kind == "checkpoint"]
    runs = [s.name for s in slots if s.error is None and s.kind == "run" and s.name != current]
    parts = []
    if checkpoints:
        parts.append(_("Checkpoints: {names}.").format(names=", ".join(checkpoints)))
    if runs:
        parts.append(_("Earlier runs: {names}.").format(names=", ".join(runs[:8]) + (" ..." if len(runs) > 8 else "")))
    said = " ".join(parts) + " " + _("Type 'load NAME'.") if parts else _("No other saved runs yet.")
    broken = [s.name for s in slots if s.error is not None]
    if not broken:
        return said, None
    return said, _("Unreadable: {names} (see 'million-miles saves').").format(names=", ".join(broken[:8]))


class LaidOut:
    """A renderable already laid out into lines for one console: printed as is, counted without a second layout."""

    def __init__(self, lines: list[list[Segment]]):
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for line in self.lines:
            yield from line


# -- the loop -------------------------------------------------------------------------------------


class Game:
    """One game in a terminal (or a test): the session plus how to show and read things.

    What is said about saving comes from the session (its messages and status), never
    from a guess here, so it is always true.
    """

    def __init__(self, session: Session, console: Console, read_line: Reader, *, plain: bool = False,
                 animate: bool = False, sleep: Callable[[float], object] = time.sleep,
                 show_status: bool | None = None, continue_command: str = "million-miles play --continue",
                 new_game_command: str = "million-miles play", random_seed: Callable[[], int] | None = None,
                 errors: IO[str] | None = None, resumable: Resumable | None = None):
        self.session = session
        self.console = console
        self.read_line = read_line
        self.plain = plain
        self.animate = animate and not plain
        self.sleep = sleep
        self.show_status = (console.width >= 80 and not plain) if show_status is None else show_status
        self.continue_command = continue_command
        self.new_game_command = new_game_command
        self.random_seed = random_seed or (lambda: int.from_bytes(os.urandom(4), "big"))
        self.errors = errors
        """Where unusable lines are reported, one per line (piped play: stderr), or ``None``."""
        self.resumable = resumable
        """The run a new game's title screen offers to continue (``None``: offer nothing)."""
        self.lines_read = 0
        self.bad_lines = 0

    @property
    def story(self) -> Story:
        return self.session.story

    # output helpers

    def show(self, *renderables: RenderableType) -> None:
        for renderable in renderables:
            self.console.print(renderable)

    def say(self, message: str) -> None:
        self.show(render.notice(message))

    def warn(self, message: str) -> None:
        self.show(render.hint(message))

    def flush(self) -> None:
        """Show what the session has to say about saving (failures, damaged files, new runs)."""
        for message in self.session.pop_messages():
            (self.warn if message.warning else self.say)(message.text)

    # the loop

    def run(self, *, fresh: bool = True, notice: str | None = None) -> int:
        """Play until the player leaves or the input ends; returns the exit code.

        0, or 1 when lines were reported as unusable (``errors`` is set: piped play),
        so a script can tell that its run did not go as written.
        """
        code = self.play(fresh=fresh, notice=notice)
        return 1 if code == 0 and self.errors is not None and self.bad_lines else code

    def play(self, *, fresh: bool = True, notice: str | None = None) -> int:
        """The loop itself: present, read, act (an ending offers what next).

        A new game's title screen offers to continue :attr:`resumable` when there is one.
        """
        try:
            if fresh:
                self.opening()
                if self.resumable is not None:
                    picked = self.title_menu(self.resumable)
                    if picked == "quit":  # nothing of the new run to speak of: it leaves nothing behind
                        self.session.messages[:] = [m for m in self.session.messages if m.warning]
                        return self.leave_title(self.resumable)
                    if picked == "continue" and self.continue_last(self.resumable):
                        fresh, notice = False, notice or self.resumed_notice
            if notice:
                self.warn(notice)
            self.flush()
            if not fresh:
                turn = self.session.state.turn
                self.say(ngettext("Resuming '{slot}' after {count} choice.", "Resuming '{slot}' after {count} choices.",
                                  turn).format(slot=self.session.slot, count=turn))
            state = self.session.state
            if state.finished:
                result = self.finish(())
                if result is not None:
                    return result
            elif fresh:
                self.present(self.session.last_outcome.events if self.session.last_outcome else (), changes=False)
            else:  # a resumed run opens on its chapter's card, as if just entered
                self.present((SceneEntered(state.scene, self.story.scenes[state.scene].chapter, True),), changes=False)
            return self.loop()
        finally:
            self.session.close()  # the game is over: another may now play this run

    def opening(self) -> None:
        """The title screen, and how many endings this player has found."""
        self.show(render.title_screen(self.story, plain=self.plain))
        store = self.session.store
        if store is None or not self.story.endings:
            return
        from adventure.saves.endings import EndingsBook

        book = EndingsBook(store.directory)
        found = book.found(self.story)
        if book.problem:
            self.warn(_("The endings file {path} could not be used: {problem}.").format(path=book.path,
                                                                                        problem=say(book.problem)))
        self.say(_("Endings found: {found} of {total}").format(found=len(found), total=len(self.story.endings)))

    resumed_notice: str | None = None
    """What the story's changes did to the run the title screen resumed (``None``: nothing)."""

    def title_menu(self, run: Resumable) -> str:
        """Continue the last run, or start the new one: ``continue``, ``new`` or ``quit``.

        Enter alone continues (the returning player's usual wish); Ctrl-C or Ctrl-D leaves.
        """
        options = [("continue", run.describe()), ("new", _("Start a new game"))]
        self.show(render.title_menu(options, plain=self.plain))
        menu = tuple(commands.Entry(label, name) for name, label in options)
        words = commands.title_words()
        while True:
            line = self.menu_line(options)
            if line is None:
                return "quit"
            picked = commands.pick(line, menu, words) if line.strip() else Take("continue")
            if isinstance(picked, Take):
                return picked.choice
            self.reject(_("Type 1 (or press Enter) to continue '{slot}', or 2 to start a new game.").format(
                slot=run.slot))

    def continue_last(self, run: Resumable) -> bool:
        """Put the last run in place of the new one (which leaves nothing behind); False if it cannot be.

        What the new run had to say (its slot name, the earlier runs kept) no longer
        applies and is dropped; warnings about the save folder are kept.
        """
        warnings = [m for m in self.session.pop_messages() if m.warning]
        try:
            self.resumed_notice = self.session.load(run.slot)
        except SaveError as exc:
            self.session.messages[:0] = warnings
            message = _("Could not continue '{slot}': {problem}").format(slot=run.slot, problem=problem_and_advice(exc))
            self.warn(message + " " + _("A new game starts instead."))
            return False
        self.session.messages[:0] = warnings
        return True

    def loop(self) -> int:
        interrupted = False
        while True:
            self.before_read()
            offers = engine.offers(self.story, self.session.state)
            try:
                line = self.read_line(PROMPT, [o.label for o in offers if o.enabled])
            except Woken:  # the reader was interrupted (``--watch``: the story changed)
                continue
            except KeyboardInterrupt as exc:
                if interrupted and not isinstance(exc, LineCancelled):  # typing in between starts again
                    return self.leave()
                interrupted = True
                self.show(Text(""), render.hint(_(LEAVE_HINT)))
                continue
            except EOFError:
                return self.leave()
            interrupted = False
            self.lines_read += 1
            action = interpret(line, offers)
            result = self.act(action) if action is not None else None
            if result is not None:
                return result

    def act(self, action: Action) -> int | None:
        """Do what a line asked for; an exit code ends the game, ``None`` plays on."""
        if isinstance(action, Hint):
            self.reject(action.message)
            return None
        if isinstance(action, Take):
            outcome = self.take(action.choice)
            if outcome is None:
                return None
            if self.session.state.finished:
                return self.finish(outcome.events)
            self.present(outcome.events)
            return None
        if action.name == "quit":
            return self.leave()
        return self.command(action)

    def take(self, choice_id: str) -> Outcome | None:
        """Take a choice through the session (which autosaves and reports any trouble)."""
        try:
            outcome = self.session.choose(choice_id)
        except ChoiceLocked as exc:
            self.reject(_("That choice is locked: {reason}").format(reason=exc.reason))
            return None
        except EngineError as exc:
            self.reject(str(exc))
            return None
        if not self.session.state.finished:  # at an ending, the messages follow the ending screen
            self.flush()
        return outcome

    def before_read(self) -> None:
        """Called before each line is read; ``--watch`` reloads the story here."""

    def reject(self, message: str) -> None:
        """A line that is not a valid choice or command: a hint on screen, one line on ``errors``."""
        self.warn(message)
        self.bad_lines += 1
        if self.errors is not None:
            self.errors.write(_("million-miles: input line {number}: {message}").format(
                number=self.lines_read, message=escape_controls(message, one_line=True)) + "\n")
            self.errors.flush()

    def report_save_error(self, exc: SaveError) -> None:
        """Say why a save the player asked for failed (the autosave's status is the session's)."""
        self.warn(_("Could not save: {problem}").format(problem=problem_and_advice(exc)))

    def present(self, events: Sequence[Event], *, changes: bool = True) -> None:
        """Show what happened and where the run is now: card, changes, scene, status, choices."""
        plain, story, state = self.plain, self.story, self.session.state
        above: list[RenderableType] = []  # what this step shows above the scene, kept on screen with it
        if changes:
            line = render.changes_line(story, events, plain=plain, values=state.values)
            if line is not None:
                above.append(line)
        for event in events:
            if isinstance(event, SceneEntered) and event.new_chapter:
                above.append(render.chapter_card(story, event.chapter, plain=plain))
        shown = self.show_counted(*above)
        entered = [e for e in events if isinstance(e, SceneEntered)]
        if entered and story.scenes[entered[-1].scene].countdown:
            self.countdown(story.scenes[entered[-1].scene].countdown or 10)
        shown += self.show_counted(render.scene_panel(story, state, plain=plain))
        self.show_choices(shown)

    def show_choices(self, above: int = 0) -> None:
        """The status (or one line of it), the progress bar and the choices.

        The full status panel is shown only when everything this step printed fits on
        the screen with it: the line typed, what it changed, a chapter card, the scene
        (``above`` lines, already on screen) and the choices. Otherwise one line of
        status, so the change just made never scrolls away (chapter openings on a
        40-row terminal). Each part is laid out once: the lines counted are the lines
        printed (the status panel's layout is the costliest part of a screen).
        """
        plain, story, state = self.plain, self.story, self.session.state
        progress = self.laid_out(render.progress_line(story, state, plain=plain))
        choices = self.laid_out(render.choice_list(engine.offers(story, state), plain=plain))
        if self.show_status:
            panel = self.laid_out(render.status_panel(story, state, plain=plain))
            if self.fits(above, panel, progress, choices):
                self.show(panel)
            else:  # the scene must stay on screen: one line of status instead of the panel
                self.show(render.status_line(story, state))
        else:  # the gate ahead stays in view even with the status hidden
            milestone = render.milestone_line(story, state, plain=plain)
            if milestone is not None:
                self.show(milestone)
        self.show(progress, choices)

    def counting(self) -> bool:
        """Whether the screen's lines are counted: on a terminal, not in plain mode (which never redraws)."""
        return self.console.is_terminal and not self.plain

    def laid_out(self, renderable: RenderableType) -> RenderableType:
        """``renderable`` laid out for this console once, as its lines (itself when lines are not counted)."""
        if not self.counting():
            return renderable
        console = self.console
        return LaidOut(console.render_lines(renderable, console.options, pad=False, new_lines=True))

    def show_counted(self, *renderables: RenderableType) -> int:
        """Show these and return how many lines they took (0 when lines are not counted)."""
        laid = [self.laid_out(r) for r in renderables]
        self.show(*laid)
        return sum(len(r.lines) for r in laid if isinstance(r, LaidOut))

    def fits(self, above: int, *parts: RenderableType) -> bool:
        """Whether ``parts`` fit on one screen below ``above`` lines, with the line typed and the prompt.

        Always true when lines are not counted (off a terminal, plain mode).
        """
        if not self.counting():
            return True
        lines = above + sum(len(p.lines) for p in parts if isinstance(p, LaidOut))
        return lines + 2 <= self.console.height

    def command(self, action: Command) -> int | None:
        """Run a command; returns an exit code when the game should end."""
        name, argument = action.name, action.argument
        if name == "help":
            self.show(render.help_screen(plain=self.plain))
        elif name == "status":
            if argument is None:  # the whole panel now, whatever fits the screen
                self.show(render.status_panel(self.story, self.session.state, plain=self.plain))
            else:
                self.show_status = argument == "on"
                self.say(_("Status shown after every choice.") if self.show_status
                         else _("Status hidden; 'status' shows it once, 'status on' after every choice."))
        elif name == "look":
            self.present((), changes=False)
        elif name == "undo":
            return self.undo()
        elif name == "save":
            self.save(argument)
        elif name == "load":
            return self.load(argument)
        return None

    def undo(self) -> int | None:
        undone = self.session.undo()
        self.flush()
        if not undone:
            self.warn(_("Nothing to undo: this is the start of the run."))
            return None
        self.say(_("Undone: you took back your last choice."))
        self.present((), changes=False)
        return None

    def save(self, name: str | None) -> None:
        try:
            path = self.session.save(name)
        except SaveError as exc:
            self.flush()
            if exc is not self.session.save_error:  # an autosave failure was reported by the session
                self.report_save_error(exc)
            return
        self.flush()
        if name:
            self.say(_("Checkpoint '{name}' saved ({path}): it keeps this moment until you save over it. "
                       "Play goes on in '{slot}'.").format(name=name, path=path, slot=self.session.slot))
        else:
            self.say(_("Saved: the run is autosaved as '{slot}' ({path}). "
                       "'save NAME' keeps this moment as a checkpoint.").format(slot=self.session.slot, path=path))

    def load(self, name: str | None) -> int | None:
        if not name:
            self.list_saves()
            return None
        try:
            notice = self.session.load(name)
        except SaveError as exc:
            self.warn(_("Could not load: {problem}").format(problem=problem_and_advice(exc)))
            return None
        turn = self.session.state.turn
        self.say(ngettext("Loaded '{name}' ({count} choice in).", "Loaded '{name}' ({count} choices in).",
                          turn).format(name=name, count=turn))
        self.flush()
        if notice:
            self.warn(notice)
        if self.session.state.finished:
            return self.finish(())
        state = self.session.state
        self.present((SceneEntered(state.scene, self.story.scenes[state.scene].chapter, True),), changes=False)
        return None

    def list_saves(self) -> None:
        store = self.session.store
        if store is None:
            self.warn(_("Saving is switched off for this game (--no-save)."))
            return
        try:
            slots = store.slots()
        except SaveError as exc:
            self.warn(_("Could not list the saves: {problem}").format(problem=problem(exc)))
            return
        said, broken = saves_notice(slots, self.session.slot)
        self.say(said)
        if broken is not None:
            self.warn(broken)

    # endings

    def finish(self, events: Sequence[Event]) -> int | None:
        """The run reached an ending: the epilogue and summary, then what the player can do next.

        Every ending, the true one too, and a finished run resumed later, offers the same:
        take back the last choice, go back to the start of the chapter, start a new game,
        or leave. The game never drops to the shell with a menu the player has not seen.
        Returns an exit code, or ``None`` to play on.
        """
        state = self.session.state
        line = render.changes_line(self.story, events, plain=self.plain, values=state.values)
        if line is not None:
            self.show(line)
        state = self.session.state
        self.show(render.ending_screen(self.story, state, plain=self.plain, start=self.session.start))
        self.flush()
        ending = self.story.endings.get(state.ending or "")
        if ending is not None and ending.true_ending and self.session.saved:
            self.say(_("This run is saved as '{slot}'. Play again with: {command}").format(
                slot=self.session.slot, command=self.new_game_command))
        return self.ending_menu()

    def ending_options(self) -> list[tuple[str, str]]:
        """(command, label) of each thing the player can do at an ending."""
        chapter = self.story.chapter_of(self.session.state.scene)
        options = [("undo", _("Take back the last choice"))]
        if self.session.chapter_start() > 0:
            options.append(("chapter", _("Go back to the start of this chapter ({chapter})").format(chapter=chapter.title)))
        else:
            options.append(("chapter", _("Go back to the start of the story")))
        options += [("new", _("Start a new game")), ("quit", _("Leave"))]
        return options

    def menu_line(self, options: list[tuple[str, str]]) -> str | None:
        """One line typed at a menu (its labels complete with Tab); ``None``: Ctrl-C or Ctrl-D, leave.

        Ctrl-C after typing cancels that line only, as at a scene; on an empty line it leaves.
        """
        while True:
            try:
                line = self.read_line(PROMPT, [label for _word, label in options])
            except (Woken, LineCancelled):
                continue
            except (KeyboardInterrupt, EOFError):
                return None
            self.lines_read += 1
            return line

    def ending_menu(self) -> int | None:
        """Ask what next, until the player picks something; ``None`` means play goes on."""
        options = self.ending_options()
        self.show(self._ending_choices(options))
        menu = tuple(commands.Entry(label, name) for name, label in options)
        words = commands.ending_words()
        while True:
            line = self.menu_line(options)
            if line is None:
                return self.leave()
            action = commands.interpret_menu(line, menu, words)
            if isinstance(action, Command):
                result = self.command(action)
                if result is not None or not self.session.state.finished:
                    return result  # a loaded run plays on
            elif isinstance(action, Hint):
                listed = ", ".join(_("{number} or '{word}'").format(number=i, word=menu_word(c))
                                   for i, (c, _label) in enumerate(options, 1))
                self.reject(_("Pick what to do next: {options}.").format(options=listed))
            elif isinstance(action, Take):
                return self.after_ending(action.choice)

    def _ending_choices(self, options: list[tuple[str, str]]) -> RenderableType:
        """The numbered options; on a screen a long one wraps under its own label, as choices do."""
        lines: list[RenderableType] = [Text(""), Text(_("What now?"), style="heading")]
        if self.plain:
            lines.extend(Text(f"  {number}. {label}  ({menu_word(command)})")
                         for number, (command, label) in enumerate(options, 1))
            return Group(*lines)
        # the word to type in a column of its own, before the label: after a label that ends in
        # parentheses ("… (El ingeniero)") a "(capítulo)" read as a second aside once the line wrapped
        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(no_wrap=True, style="menu.word")
        grid.add_column(ratio=1)
        for number, (command, label) in enumerate(options, 1):
            grid.add_row(Text(f"  {number}."), Text(f"{menu_word(command)} "), render.shown(Text(label)))
        lines.append(grid)
        return Group(*lines)

    def after_ending(self, picked: str) -> int | None:
        if picked == "quit":
            return self.leave()
        if picked == "new":
            self.new_game()
            return None
        if picked == "undo":
            self.session.undo()
            self.flush()
            self.say(_("Undone: you took back your last choice."))
        else:
            self.session.restart_chapter()
            self.flush()
            turn = self.session.state.turn
            self.say(ngettext("Back at the start of '{chapter}' ({count} choice in).",
                              "Back at the start of '{chapter}' ({count} choices in).", turn).format(
                chapter=self.story.chapter_of(self.session.state.scene).title, count=turn))
        state = self.session.state
        self.present((SceneEntered(state.scene, self.story.scenes[state.scene].chapter, True),), changes=False)
        return None

    def new_game(self) -> None:
        """A fresh run of the same story in a slot of its own; the finished run stays saved."""
        old = self.session
        old.close()  # a sandbox run starts again in the same scratch slot
        self.session = Session.new(old.story, self.random_seed(), old.store, slot=old.slot if old.start else None,
                                   clock=old.clock, scenes=old.scenes, start=old.start)
        self.opening()
        self.flush()
        events = self.session.last_outcome.events if self.session.last_outcome else ()
        self.present(events, changes=False)

    def countdown(self, start: int) -> None:
        """``start`` to 1 and the closing words (a scene's ``countdown``): animated in a terminal, one line otherwise.

        Rich's Live display runs only here, never while the prompt is reading.
        """
        if not self.animate:
            self.show(render.countdown_static(start, self.story.presentation))
            return
        from rich.live import Live

        numbers = render.countdown_numbers(start)
        with Live(render.countdown_frame(numbers[0], self.story.presentation), console=self.console, auto_refresh=False,
                  transient=False) as live:
            for number in numbers:
                live.update(render.countdown_frame(number, self.story.presentation), refresh=True)
                self.sleep(COUNTDOWN_DELAY)
            live.update(render.countdown_frame(None, self.story.presentation), refresh=True)

    def leave_title(self, run: Resumable) -> int:
        """Leave from the title screen: the offered run is untouched, and says how to come back to it."""
        self.show(Text(""))
        self.flush()
        self.say(_("Goodbye. '{slot}' is kept as it was. Continue it with:").format(slot=run.slot))
        self.show(Text(f"  {self.continue_command}", style="emphasis"))
        return 0

    def leave(self) -> int:
        """Leave cleanly: say (truly) where the run is kept and how to come back."""
        self.show(Text(""))
        self.flush()
        session = self.session
        if not session.saving:
            self.say(_("Goodbye. Saving was off, so this run is not kept."))
        elif session.blank:
            self.say(_("Goodbye. No choice was made yet, so there was no run to keep."))
        elif session.save_error is not None and not session.ever_saved:
            self.warn(_("Goodbye. This run could not be saved ({problem}), so it is not kept.").format(
                problem=say(session.save_error.what)))
        elif not session.saved:
            self.warn(_("Goodbye. The last autosave failed, so '{slot}' holds an earlier moment "
                        "of this run, not the latest choices.").format(slot=session.slot))
        else:
            self.say(_("Goodbye. Your run is saved as '{slot}'. Continue it with:").format(slot=session.slot))
            self.show(Text(f"  {self.continue_command}", style="emphasis"))
        return 0
