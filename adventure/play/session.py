"""A play session: the current run, its autosave, checkpoints, undo, and what to say about saving.

The engine is pure; a session is the small amount of state a front end needs around
it (which slot the run autosaves to, where saves live, the clock) so that the terminal
UI, the tests and any future front end share one behaviour:

- every run autosaves to its own slot (``run-<started>``), locked while it is played,
  so a new game, or a run loaded from someone else's file, never writes over another;
- ``save NAME`` is a checkpoint: that moment, kept until the player saves over it;
  later play goes on autosaving to the run's own slot and never moves a checkpoint;
- undo (also after an ending) and "back to the start of this chapter" replay the log;
- the session is the one owner of save status: whether saving is on, whether the last
  write worked, and the messages the player must see about it (failures, damaged files
  moved aside). The UI only shows them, so every sentence about saving is true.

Typical use::

    session = Session.new(story, seed=7, store=SaveStore(default_save_dir()))
    session.choose("study")
    for message in session.pop_messages(): print(message.text)
    session.undo()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.base.errors import SaveError
from adventure.base.messages import N_, _, ngettext
from adventure.run import engine
from adventure.run.engine import Outcome, RunState, Start, Step
from adventure.story.model import Story

if TYPE_CHECKING:
    from adventure.run.rebase import Rebased
    from adventure.saves.store import RunRecord, SaveStore, SlotLock

AUTOSAVE_SLOT = "autosave"
"""The slot of a run played without a save folder (nothing is written), and of older save folders."""


def utc_now() -> datetime:
    """The default clock (injected so tests can fix time)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Message:
    """Something the player must be told about saving; ``warning`` when a run is at risk."""

    text: str
    warning: bool = False


@dataclass
class RunSlot:
    """Where a run is kept: its slot, the lock on it, when it began, and what of it is on disk.

    One object, so a session that loads another run takes all of it over at once (and a
    failed load leaves the old one whole).
    """

    name: str = AUTOSAVE_SLOT
    created: datetime | None = None
    lock: SlotLock | None = field(default=None, repr=False)
    unlocked: SaveError | None = field(default=None, repr=False)
    """Why the slot could not be locked: then it is never written (see :meth:`Session.autosave`)."""
    saved_state: RunState | None = field(default=None, repr=False)
    """The state last written to the slot (``None``: nothing of this run is on disk)."""
    error: SaveError | None = None
    """Why the last autosave failed; ``None`` once a write works again."""


@dataclass
class Session:
    """A run in progress. Mutable on purpose: it is the shell, not the core."""

    story: Story
    state: RunState
    store: SaveStore | None = None
    kept: RunSlot = field(default_factory=RunSlot)
    """The run's slot, lock, creation time and save status (:class:`RunSlot`)."""
    clock: Callable[[], datetime] = utc_now
    last_outcome: Outcome | None = None
    scenes: str | None = None
    """The story folder recorded in the run (absolute), or ``None`` for the shipped story."""
    messages: list[Message] = field(default_factory=list, repr=False)
    remember_endings: bool = True
    """Count endings reached in the endings file (off for sandbox runs, which jump ahead)."""
    start: Start | None = None
    """A sandbox run's start (``play --start/--set``); ``None`` for a run from the story's start."""

    @property
    def slot(self) -> str:
        """The slot the run autosaves to."""
        return self.kept.name

    @property
    def created(self) -> datetime | None:
        """When the run began (kept in its file across loads)."""
        return self.kept.created

    @property
    def save_error(self) -> SaveError | None:
        """Why the last autosave failed; ``None`` once a write works again."""
        return self.kept.error

    @property
    def saved_state(self) -> RunState | None:
        """The state last written to the run's slot (``None``: nothing of this run is on disk)."""
        return self.kept.saved_state

    # -- starting ----------------------------------------------------------------------------

    @classmethod
    def new(cls, story: Story, seed: int, store: SaveStore | None = None, slot: str | None = None,
            clock: Callable[[], datetime] = utc_now, scenes: str | None = None,
            start: Start | None = None) -> Session:
        """Start a fresh run in a slot of its own, claimed and locked now, written at the first choice.

        Nothing is written while the run is :attr:`blank`: a game opened and left before
        any choice has nothing to keep, and must not bury the player's real runs under
        empty ones (``--continue`` then still finds the last run they played). The slot
        is claimed at once, so an unusable save folder is reported before play.

        With ``start``, a sandbox run at that scene and those values (:func:`engine.start_at`);
        its endings are not counted as found. Saving problems never stop a game: they
        are recorded in :attr:`save_error` and queued as a message.
        """
        outcome = engine.new_run(story, seed) if start is None else engine.start_at(story, seed, start)
        created = clock()
        session = cls(story, outcome.state, store, RunSlot(slot or AUTOSAVE_SLOT, created), clock=clock,
                      last_outcome=outcome, scenes=scenes, start=start, remember_endings=start is None)
        if store is not None:
            earlier = _count_quietly(store)
            try:
                if slot is None:
                    session._take_new_slot(created)
                else:
                    session._claim(slot)
            except SaveError as exc:
                session._cannot_lock(exc)
                return session
            if earlier:
                session.tell(ngettext(
                    "New run '{slot}'. Your {earlier} earlier run is kept: "
                    "'million-miles saves' lists them, 'load NAME' resumes one.",
                    "New run '{slot}'. Your {earlier} earlier runs are kept: "
                    "'million-miles saves' lists them, 'load NAME' resumes one.", earlier,
                ).format(slot=session.slot, earlier=earlier))
        return session

    @classmethod
    def from_record(cls, story: Story, record: RunRecord, store: SaveStore | None = None,
                    clock: Callable[[], datetime] = utc_now, scenes: str | None = None,
                    slot: str | None = None) -> tuple[Session, str | None]:
        """Resume a saved run against the current story; returns a notice when the story changed.

        The run goes on in its own slot when it is one of this folder's runs (``slot``
        says which, e.g. when resuming from a backup); a checkpoint, a backup or a file
        from elsewhere goes on in a new run slot, so the file loaded is never written.
        :class:`SaveError` (MM510) when another game is playing that run.
        """
        from adventure.play.notices import story_changed
        from adventure.saves.store import resume

        resumed = resume(story, record)
        notice = story_changed(resumed.rebased) if resumed.story_changed else None
        session = cls(story, resumed.state, store, RunSlot(AUTOSAVE_SLOT, record.created), clock=clock,
                      last_outcome=resumed.outcome, scenes=scenes, start=record.start,
                      remember_endings=record.start is None)
        if store is None:
            session.kept.name = record.slot  # only named, never written
            return session, notice
        own = slot or _own_slot(store, record)
        if own is not None:
            session.kept.name = own
            try:
                session._claim(own)
            except SaveError as exc:
                if exc.code == "MM510":  # two games must not write one run
                    raise
                session._cannot_lock(exc)  # a read-only folder or a broken lock file: play on, never write unlocked
                return session, notice
            if slot is None:
                session.kept.saved_state = session.state  # the file already holds this state
                store.trust(own)
            else:
                session.autosave()
            return session, notice
        try:
            session._take_new_slot(clock())
        except SaveError as exc:
            session._cannot_lock(exc)
            return session, notice
        if session.autosave():
            message = _("Playing on as '{slot}'; the file you loaded stays as it was.")
            if record.path is not None and record.path.parent == store.directory:
                message = (_("Playing on as '{slot}'; the backup you loaded stays as it was.")
                           if record.path.name.endswith(".bak.yaml")
                           else _("Playing on as '{slot}'; the checkpoint you loaded stays as it was."))
            session.tell(message.format(slot=session.slot))
        return session, notice

    # -- playing -----------------------------------------------------------------------------

    def choose(self, choice_id: str) -> Outcome:
        """Take a choice through the engine and autosave the result (an ending is also remembered)."""
        outcome = engine.take(self.story, self.state, choice_id)
        self.state = outcome.state
        self.last_outcome = outcome
        self.autosave()
        if outcome.state.ending is not None:
            self._note_ending(outcome.state)
        return outcome

    def undo(self) -> bool:
        """Step back one choice by replaying the log without it (an ending too); False at the start."""
        if not self.state.log:
            return False
        self._rewind(len(self.state.log) - 1)
        return True

    def chapter_start(self) -> int:
        """How many steps of the log lead to the start of the chapter the run is in now."""
        chapter = self.story.chapter_of(self.state.scene).id
        scenes = self.story.scenes
        k = len(self.state.log)
        for step in reversed(self.state.log):  # one walk back from the tail: log[k - 1] would walk it each time
            if step.scene not in scenes or scenes[step.scene].chapter != chapter:
                break
            k -= 1
        return k

    def restart_chapter(self) -> bool:
        """Go back to where the run entered its current chapter; False when that is where it is."""
        k = self.chapter_start()
        if k == len(self.state.log) and not self.state.finished:
            return False
        self._rewind(k)
        return True

    def _rewind(self, steps: int) -> None:
        result = engine.replay(self.story, self.state.seed, self.state.log[:steps], self.start)
        self.state = result.state
        self.last_outcome = result.last
        self.autosave()

    # -- saving ------------------------------------------------------------------------------

    @property
    def saving(self) -> bool:
        """Whether this game saves at all (``--no-save`` turns it off)."""
        return self.store is not None

    @property
    def saved(self) -> bool:
        """True only when the run as it stands now is on disk in :attr:`slot`."""
        return self.store is not None and self.save_error is None and self.saved_state == self.state

    @property
    def blank(self) -> bool:
        """A new run with no choice taken and nothing on disk: there is nothing to keep yet."""
        return self.saved_state is None and not self.state.log and self.save_error is None

    @property
    def ever_saved(self) -> bool:
        """Some state of this run is on disk (possibly not the latest)."""
        return self.saved_state is not None

    def record(self) -> RunRecord:
        """The save record of this run as it stands."""
        from adventure.saves.store import record_for

        return record_for(self.story, self.state, self.slot, created=self.created, now=self.clock(),
                          scenes=self.scenes, start=self.start)

    def autosave(self) -> bool:
        """Write the run to its own slot; False (and a message) when it could not be written."""
        if self.store is None:
            return False
        if self.kept.unlocked is not None:  # writing without the lock would let two games share one run
            self._failed(self.kept.unlocked)
            return False
        try:
            self.store.write(self.record())
        except SaveError as exc:
            self._failed(exc)
            return False
        finally:
            self._report_set_aside()
        if self.save_error is not None:
            self.tell(_("Saving works again: the run is saved as '{slot}'.").format(slot=self.slot))
        self.kept.error = None
        self.kept.saved_state = self.state
        return True

    def save(self, name: str | None = None) -> Path:
        """Keep this moment as the checkpoint ``name`` (or write the autosave now, without a name).

        A checkpoint is written only here, so later play never moves it; the run goes
        on autosaving to its own slot. :class:`SaveError` for a bad name or a failed write.
        """
        if self.store is None:
            raise SaveError(N_("saving is switched off for this game"), hint=N_("start without --no-save to keep runs"),
                            code="MM511")
        from adventure.saves.store import check_slot_name, is_run_slot, record_for

        if not name:
            if not self.autosave():
                assert self.save_error is not None
                raise self.save_error
            return self.store.path_for(self.slot)
        check_slot_name(name)
        if is_run_slot(name):
            raise SaveError(N_("'{name}' is a name for autosaves"),
                            hint=N_("choose a checkpoint name such as 'before-exam'"), code="MM508", fields={"name": name})
        record = record_for(self.story, self.state, name, created=self.created, now=self.clock(), scenes=self.scenes,
                            start=self.start)
        try:
            return self.store.write(record)
        finally:
            self._report_set_aside()

    def load(self, name: str) -> str | None:
        """Replace the current run with a saved one; returns a notice if the story changed."""
        if self.store is None:
            raise SaveError(N_("saving is switched off for this game"), hint=N_("start without --no-save to load runs"),
                            code="MM511")
        record = self.store.read(name)
        if record.path is not None and record.path == self.store.path_for(self.slot):
            raise SaveError(N_("'{name}' is the run you are playing"), hint=N_("'undo' steps back in it"),
                            code="MM510", fields={"name": name})
        lock, self.kept.lock = self.kept.lock, None  # the loaded run may be this very slot's file (a backup)
        try:
            other, notice = Session.from_record(self.story, record, self.store, self.clock, self.scenes)
        except BaseException:
            self.kept.lock = lock
            raise
        if lock is not None:
            lock.release(forget=self.blank)  # a run never written leaves no lock file behind either
        self.state, self.last_outcome, self.kept = other.state, other.last_outcome, other.kept
        self.start, self.remember_endings = other.start, other.remember_endings
        self.messages.extend(other.pop_messages())
        return notice

    def try_rebase(self, story: Story, steps: Sequence[Step]) -> Rebased:
        """Carry the run over to an edited story: replay ``steps`` from the seed as far as they apply.

        Nothing is saved: the next choice autosaves as usual, so an edit that breaks the
        path never shortens a save by itself. If anything fails on the way, the session
        is left exactly as it was (story, state, last outcome, start) and the error raised.
        """
        from adventure.run.rebase import rebase

        before = (self.story, self.state, self.last_outcome, self.start)
        try:
            rebased = rebase(story, self.state.seed, steps, self.start)
            self.story, self.state, self.last_outcome = story, rebased.state, rebased.outcome
            if rebased.start_lost:
                self.start = None
        except BaseException:
            self.story, self.state, self.last_outcome, self.start = before
            raise
        return rebased

    def close(self) -> None:
        """Let another game use this run's slot (the lock also ends with the process).

        A blank run leaves nothing behind, not even its lock file.
        """
        if self.kept.lock is not None:
            self.kept.lock.release(forget=self.blank)
            self.kept.lock = None

    # -- messages ----------------------------------------------------------------------------

    def tell(self, text: str, warning: bool = False, *, first: bool = False) -> None:
        """Queue ``text`` for the player (``first``: before anything already queued)."""
        if first:
            self.messages.insert(0, Message(text, warning))
        else:
            self.messages.append(Message(text, warning))

    def pop_messages(self) -> list[Message]:
        """The messages queued since the last call, oldest first."""
        messages, self.messages = self.messages, []
        return messages

    def _failed(self, exc: SaveError) -> None:
        from adventure.play.notices import problem_and_advice

        if self.save_error is None or self.save_error.code != exc.code:  # say it once, not after every choice
            self.tell(_("Could not save: {problem}").format(problem=problem_and_advice(exc)), warning=True)
        self.kept.error = exc

    def _cannot_lock(self, exc: SaveError) -> None:
        """The slot could not be locked: never write it, and say why."""
        self.kept.unlocked = exc
        self._failed(exc)

    def _take_new_slot(self, started: datetime) -> None:
        assert self.store is not None
        self.kept.lock = self.store.new_run(started)
        self.kept.name = self.kept.lock.slot

    def _claim(self, slot: str) -> None:
        assert self.store is not None
        lock = self.store.lock(slot)
        if self.kept.lock is not None:
            self.kept.lock.release()
        self.kept.lock = lock

    def _report_set_aside(self) -> None:
        if self.store is None:
            return
        from adventure.play.notices import say

        for original, aside, why in self.store.set_aside:
            backup = original.with_name(original.name[: -len(".yaml")] + ".bak.yaml")
            if backup.is_file():
                text = _("The save {save} was damaged ({why}); it was moved aside to {aside}; "
                         "its backup {backup} is untouched and loadable.")
            else:
                text = _("The save {save} was damaged ({why}); it was moved aside to {aside}.")
            self.tell(text.format(save=original, why=say(why.what), aside=aside, backup=backup), warning=True)
        self.store.set_aside.clear()

    def _note_ending(self, state: RunState) -> None:
        """Remember a reached ending beside the saves (never fatal: a warning at worst)."""
        if self.store is None or not self.remember_endings:
            return
        from adventure.saves.endings import EndingsBook

        book = EndingsBook(self.store.directory)
        try:
            first = book.record(self.story, state, self.slot, self.clock())
        except SaveError as exc:
            from adventure.play.notices import problem

            self.tell(_("Could not remember this ending: {problem}").format(problem=problem(exc)), warning=True)
            first = False
        from adventure.play.notices import say

        for message in book.notices:
            self.tell(say(message), warning=True)
        if first:
            count = len(book.found(self.story))
            self.tell(_("A new ending found. Endings found: {found} of {total} "
                        "('million-miles endings' lists them).").format(found=count, total=len(self.story.endings)))


def _own_slot(store: SaveStore, record: RunRecord) -> str | None:
    """The slot a loaded record continues in: its own, if it is a run of this very folder."""
    from adventure.saves.store import is_run_slot

    if record.path is None or not is_run_slot(record.slot):
        return None
    try:
        if record.path.resolve() == store.path_for(record.slot).resolve():
            return record.slot
    except OSError:
        return None
    return None


def _count_quietly(store: SaveStore) -> int:
    try:
        return len(store.run_names())
    except SaveError:
        return 0
