"""A play session: the current run, its autosave, undo, save and load, for any front end.

The engine is pure; a session is the small amount of state a front end needs around
it (which slot the run autosaves to, where saves live, the clock) so that the terminal
UI, the tests and any future front end share one behaviour: every choice autosaves,
undo replays the log without its last step, and loading a save that no longer fits
the story resumes as far as it still applies.

Typical use::

    session = Session.new(story, seed=7, store=SaveStore(default_save_dir()))
    session.choose("study")
    session.undo()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from adventure import engine
from adventure.engine import Outcome, RunState, Start, Step
from adventure.errors import SaveError
from adventure.story.model import Story

if TYPE_CHECKING:
    from adventure.carry import Carried
    from adventure.saves.store import RunRecord, SaveStore

AUTOSAVE_SLOT = "autosave"


def utc_now() -> datetime:
    """The default clock (injected so tests can fix time)."""
    return datetime.now(timezone.utc)


@dataclass
class Session:
    """A run in progress. Mutable on purpose: it is the shell, not the core."""

    story: Story
    state: RunState
    store: SaveStore | None = None
    slot: str = AUTOSAVE_SLOT
    created: datetime | None = None
    clock: Callable[[], datetime] = utc_now
    last_outcome: Outcome | None = None
    start: Start | None = None
    """A sandbox run's start (``play --start/--set``); ``None`` for a run from the story's start."""

    @classmethod
    def new(cls, story: Story, seed: int, store: SaveStore | None = None, slot: str = AUTOSAVE_SLOT,
            clock: Callable[[], datetime] = utc_now, start: Start | None = None) -> Session:
        """Start a fresh run (and autosave it, so even turn zero survives a crash).

        With ``start``, a sandbox run at that scene and those values (:func:`engine.start_at`).
        """
        outcome = engine.new_run(story, seed) if start is None else engine.start_at(story, seed, start)
        session = cls(story, outcome.state, store, slot, clock(), clock, outcome, start)
        session.autosave()
        return session

    @classmethod
    def from_record(cls, story: Story, record: RunRecord, store: SaveStore | None = None,
                    clock: Callable[[], datetime] = utc_now) -> tuple[Session, str | None]:
        """Resume a saved run against the current story; returns a notice when it changed."""
        from adventure.saves.store import resume

        resumed = resume(story, record)
        session = cls(story, resumed.state, store, record.slot, record.created, clock, resumed.outcome, record.start)
        return session, resumed.notice

    def choose(self, choice_id: str) -> Outcome:
        """Take a choice through the engine and autosave the result."""
        outcome = engine.take(self.story, self.state, choice_id)
        self.state = outcome.state
        self.last_outcome = outcome
        self.autosave()
        return outcome

    def undo(self) -> bool:
        """Step back one choice by replaying the log without it; False at the start."""
        if not self.state.log:
            return False
        result = engine.replay(self.story, self.state.seed, self.state.log[:-1], self.start)
        self.state = result.state
        self.last_outcome = result.last
        self.autosave()
        return True

    def record(self) -> RunRecord:
        """The save record of this run as it stands."""
        from adventure.saves.store import record_for

        return record_for(self.story, self.state, self.slot, created=self.created, now=self.clock(), start=self.start)

    def autosave(self) -> Path | None:
        """Write the run to its slot (atomic, keeps a backup); no-op without a store."""
        if self.store is None:
            return None
        return self.store.write(self.record())

    def save(self, name: str | None = None) -> Path:
        """Save to a named slot (or the current one); later autosaves follow that slot."""
        if self.store is None:
            raise SaveError("saving is switched off for this session")
        if name:
            from adventure.saves.store import check_slot_name

            self.slot = check_slot_name(name)
        path = self.autosave()
        assert path is not None
        return path

    def load(self, name: str) -> str | None:
        """Replace the current run with a saved one; returns a notice if the story changed."""
        if self.store is None:
            raise SaveError("saving is switched off for this session")
        record = self.store.read(name)
        other, notice = Session.from_record(self.story, record, self.store, self.clock)
        self.state, self.slot, self.created, self.last_outcome = other.state, other.slot, other.created, other.last_outcome
        self.start = other.start
        return notice

    def rebase(self, story: Story, steps: Sequence[Step]) -> Carried:
        """Carry the run over to an edited story: replay ``steps`` from the seed as far as they apply.

        Nothing is saved: the next choice autosaves as usual, so an edit that breaks the
        path never shortens a save by itself (see :mod:`adventure.carry`).
        """
        from adventure.carry import carry_over

        carried = carry_over(story, self.state.seed, steps, self.start)
        self.story, self.state, self.last_outcome = story, carried.state, carried.outcome
        if carried.start_lost:
            self.start = None
        return carried
