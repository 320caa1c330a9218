"""Issue 18 §4, the session's records: a run's slot swapped as one, a rebase that rolls itself back,
messages told first, run records built by keyword."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from adventure.base.errors import SaveError
from adventure.play.session import RunSlot, Session
from adventure.run import rebase as rebase_module
from adventure.run.engine import Step
from adventure.saves.runfile import RunRecord
from adventure.saves.store import SaveStore
from adventure.story.loader import load_story


@pytest.fixture
def store(tmp_path) -> SaveStore:
    return SaveStore(tmp_path / "saves")


def test_loading_a_run_takes_its_slot_over_as_one(mini_story, store):
    first = Session.new(mini_story, 3, store)
    first.choose("pick")
    first.save("antes")
    other = Session.new(mini_story, 4, store)
    other.choose("pick")
    before = other.kept
    assert other.load("antes") is None
    assert other.kept is not before and isinstance(other.kept, RunSlot)
    assert other.slot == other.kept.name and other.slot not in {"antes", first.slot, before.name}
    assert other.kept.lock is not None and other.saved_state == other.state  # written, and locked
    first.close()
    other.close()


def test_a_failed_load_leaves_the_run_slot_whole(mini_story, store):
    playing = Session.new(mini_story, 3, store)
    playing.choose("pick")
    mine = Session.new(mini_story, 4, store)
    mine.choose("pick")
    kept, lock = mine.kept, mine.kept.lock
    with pytest.raises(SaveError) as info:
        mine.load(playing.slot)  # in use by the other game
    assert info.value.code == "MM510"
    assert mine.kept is kept and mine.kept.lock is lock
    mine.choose("pick")
    assert store.read(mine.slot).steps == mine.state.log  # still saving to its own slot
    playing.close()
    mine.close()


def test_try_rebase_carries_the_run_onto_an_edited_story(mini_story, mini_dir, tmp_path):
    folder = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    session = Session.new(mini_story, 3, None)
    session.choose("pick")
    one = folder / "one.yaml"
    one.write_text(one.read_text().replace("A gate, and", "A green gate, and"))
    edited = load_story(folder)
    rebased = session.try_rebase(edited, session.state.log)
    assert rebased.complete and session.story is edited and session.state.log == (Step("gate", "pick"),)


def test_try_rebase_rolls_itself_back_when_it_fails(mini_story, monkeypatch):
    session = Session.new(mini_story, 3, None)
    session.choose("pick")
    before = (session.story, session.state, session.last_outcome, session.start)

    class HalfDone:  # the run is carried over, then something fails: nothing of it may stay
        state, outcome = session.state, session.last_outcome

        @property
        def start_lost(self) -> bool:
            raise RuntimeError("the edited story broke the replay")

    def broken(*args, **kwargs):
        return HalfDone()

    edited = dataclasses.replace(mini_story)

    monkeypatch.setattr(rebase_module, "rebase", broken)
    with pytest.raises(RuntimeError):
        session.try_rebase(edited, session.state.log)
    assert session.story is mini_story
    assert (session.story, session.state, session.last_outcome, session.start) == before


def test_tell_first_puts_a_message_before_the_queue(mini_story):
    session = Session.new(mini_story, 3, None)
    session.tell("second")
    session.tell("first", warning=True, first=True)
    assert [(m.text, m.warning) for m in session.pop_messages()] == [("first", True), ("second", False)]


def test_run_records_are_built_by_keyword():
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    snapshot = {"scene": "a", "chapter": None, "ending": None, "turn": 0, "seed": 1, "rng": 1, "stats": {}}
    with pytest.raises(TypeError):
        RunRecord(1, "x", "f", "0", 1, moment, moment, "s", (), snapshot)  # type: ignore[misc]
    record = RunRecord(format=1, story_id="x", fingerprint="f", engine_version="0", seed=1, created=moment,
                       updated=moment, slot="s", steps=(), snapshot=snapshot)
    assert dataclasses.replace(record, slot="t").slot == "t"


def test_every_stop_reason_has_words():
    from typing import get_args

    from adventure.play.notices import stop_reason
    from adventure.run.rebase import Stopped, StopReason

    for reason in get_args(StopReason):
        assert stop_reason(Stopped(1, "s", "c", reason, "d"))
