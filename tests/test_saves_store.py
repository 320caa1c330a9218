"""The save folder and run files: names, round trips, validation, backups, resume, undo."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from adventure import __version__
from adventure.base.errors import SaveError
from adventure.play.notices import advice, problem, story_changed
from adventure.play.session import Session
from adventure.run import engine
from adventure.saves.runfile import FORMAT, dump_record, parse_record
from adventure.saves.store import (
    SaveStore,
    check_slot_name,
    default_save_dir,
    record_for,
    resume,
)
from adventure.story.loader import load_story

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 3, 1, 13, 30, tzinfo=timezone.utc)
SKY = ["pick", "pick", "key", "open", "wait", "wait", "wait", "run", "fly"]


def play(story, choices, seed=3):
    state = engine.new_run(story, seed).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return state


@pytest.fixture
def store(tmp_path) -> SaveStore:
    return SaveStore(tmp_path / "saves")


@pytest.fixture
def story_copy(tmp_path, mini_dir) -> Path:
    """An editable copy of the fixture story."""
    return Path(shutil.copytree(mini_dir, tmp_path / "story"))


# -- slot names --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["autosave", "a", "houston-1986", "slot_2", "A" * 64, "0day", "_x"])
def test_good_slot_names(name):
    assert check_slot_name(name) == name


@pytest.mark.parametrize("name", ["", "-x", ".hidden", "..", "../x", "a/b", "a\\b", "a\0b", "A" * 65,
                                  "a b", "é", "x.yaml", "x\n", "con", "NUL", "lpt1"])
def test_bad_slot_names_raise_with_hint(name):
    with pytest.raises(SaveError) as info:
        check_slot_name(name)
    assert info.value.hint


def test_no_slot_name_escapes_the_folder(store, mini_story):
    state = engine.new_run(mini_story, 1).state
    with pytest.raises(SaveError):
        store.write(record_for(mini_story, state, "../escape"))
    assert not (store.directory.parent / "escape.yaml").exists()


def test_default_save_dir_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path / "x"))
    assert default_save_dir() == tmp_path / "x"
    monkeypatch.delenv("MILLION_MILES_SAVE_DIR")
    path = default_save_dir()
    assert path.name == "saves" and "million-miles" in str(path)


# -- records and files -------------------------------------------------------------------


def test_record_round_trip(mini_story):
    state = play(mini_story, SKY)
    record = record_for(mini_story, state, "sky", created=T0, now=T1)
    assert record.format == FORMAT and record.engine_version == __version__
    assert record.story_id == "mini" and record.fingerprint == mini_story.fingerprint
    assert record.ending == "sky" and record.snapshot["chapter"] == "road"
    assert "log" not in record.snapshot
    text = dump_record(record)
    assert parse_record(text) == record
    data = yaml.safe_load(text)
    assert data["steps"][0] == {"scene": "gate", "choice": "pick"}
    assert list(data)[:3] == ["format", "story", "fingerprint"]


def test_record_times_are_utc_and_created_is_kept(mini_story, store):
    session = Session.new(mini_story, 3, store, clock=lambda: T0)
    session.clock = lambda: T1
    session.choose("pick")
    assert session.slot == "run-20260301-120000"  # each run autosaves to a slot named for its start
    record = store.read(session.slot)
    assert record.created == T0 and record.updated == T1
    assert record.created.tzinfo is not None


def test_write_read_and_backup(mini_story, store):
    first = record_for(mini_story, play(mini_story, ["pick"]), "game", now=T0)
    second = record_for(mini_story, play(mini_story, ["pick", "pick"]), "game", now=T1)
    path = store.write(first)
    assert path == store.directory / "game.yaml"
    assert not store.backup_for("game").exists()
    store.write(second)
    assert store.read("game").steps == second.steps
    assert store.read(str(store.backup_for("game"))).steps == first.steps
    assert sorted(p.name for p in store.directory.iterdir()) == ["game.bak.yaml", "game.yaml"]


def test_read_by_path_and_unknown_slot(mini_story, store, tmp_path):
    store.write(record_for(mini_story, play(mini_story, ["pick"]), "mine", now=T0))
    outside = tmp_path / "elsewhere.yaml"
    shutil.copy(store.directory / "mine.yaml", outside)
    assert store.read(str(outside)).slot == "mine"
    with pytest.raises(SaveError) as info:
        store.read("nosuch")
    assert "nosuch" in str(info.value) and "mine" in info.value.hint
    with pytest.raises(SaveError):
        store.read(str(tmp_path / "missing.yaml"))


def test_latest_and_slots(mini_story, store):
    assert store.latest() is None and store.slots() == []
    store.write(record_for(mini_story, play(mini_story, ["pick"]), "older", now=T0))
    store.write(record_for(mini_story, play(mini_story, SKY), "newer", now=T1))
    (store.directory / "broken.yaml").write_text("format: [\n")
    assert store.latest().slot == "newer"
    slots = {s.name: s for s in store.slots()}
    assert set(slots) == {"older", "newer", "broken"}
    assert slots["newer"].ending == "sky" and slots["newer"].chapter == "road" and slots["newer"].steps == 9
    assert slots["broken"].error and "broken.yaml" in slots["broken"].error


def test_slot_summary_carries_the_saved_stats(tmp_path, story_copy):
    """The listing keeps every saved stat, so the table can show the story's own columns."""
    text = (story_copy / "story.yaml").read_text()
    (story_copy / "story.yaml").write_text(text.replace(
        "stats:\n", "stats:\n  year: {type: int, initial: 1972, min: 1960, max: 2020, label: Year}\n"))
    story = load_story(story_copy)
    store = SaveStore(tmp_path / "s")
    store.write(record_for(story, engine.new_run(story, 1).state, "y"))
    assert store.slots()[0].stats["year"] == 1972
    assert store.slots()[0].to_dict()["stats"]["year"] == 1972


# -- validation on read ------------------------------------------------------------------


def _good_text(mini_story) -> str:
    return dump_record(record_for(mini_story, play(mini_story, ["pick", "key"]), "good", now=T0))


@pytest.mark.parametrize("mutate, expected", [
    (lambda t: t.replace("format: 1", "format: 99"), "unknown run-file format 99"),
    (lambda t: t.replace("format: 1", "format: one"), "'format' must be a whole number"),
    (lambda t: t.replace("seed: 3", "seed: 'three'"), "'seed' must be a whole number"),
    (lambda t: t.replace("seed: 3", "seed: true"), "'seed' must be a whole number"),
    (lambda t: t.replace("story: mini", "story: [a, b]"), "'story' must be non-empty text"),
    (lambda t: t.replace("created: '2026-03-01T12:00:00Z'", "created: yesterday"), "'created' is not a date"),
    (lambda t: t.replace("slot: good", "slot: ../../etc"), "not a valid slot name"),
    (lambda t: t.replace("  choice: key", "  choice: 7"), "step 2 must name a scene id"),
    (lambda t: t.replace("- scene: gate\n  choice: key", "- just a string"), "step 2 must be"),
    (lambda t: t.replace("  turn: 2", "  turn: 5"), "turn 5 but the log has 2 steps"),
    (lambda t: t.replace("    apples: 1", "    apples: [1]"), "snapshot stat 'apples'"),
    (lambda t: t + "extra: 1\n", "unknown field 'extra'"),
    (lambda t: t.split("snapshot:")[0], "missing field 'snapshot'"),
    (lambda t: t[: len(t) // 2], "cut short"),  # cut in the middle: said to be cut short, not just invalid
    (lambda t: "", "the file is empty"),
    (lambda t: "format: [1\nstory", "the file is damaged"),
    (lambda t: "- just\n- a list\n", "must be a mapping"),
    (lambda t: t.replace("steps:\n", "steps: &a\n").replace("snapshot:", "copy: *a\nsnapshot:"), "aliases"),
])
def test_bad_files_are_reported_with_the_file_name(mini_story, tmp_path, mutate, expected):
    text = mutate(_good_text(mini_story))
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(SaveError) as info:
        SaveStore(tmp_path).read(str(path))
    message = str(info.value)
    assert str(path) in message and expected in message, message
    assert "backup" in info.value.hint and "new game" in info.value.hint
    assert path.read_bytes() == before  # left untouched


def test_aliases_and_binary_garbage_are_refused(tmp_path):
    alias = tmp_path / "alias.yaml"
    alias.write_text("a: &x [1, 2]\nb: *x\n")
    with pytest.raises(SaveError, match="aliases"):
        SaveStore(tmp_path).read(str(alias))
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\xff\xfe\x00format: 1\x00\x00")
    with pytest.raises(SaveError, match=r"not UTF-8|damaged"):
        SaveStore(tmp_path).read(str(garbage))


def test_truncation_at_every_length_never_escapes_as_a_traceback(mini_story, tmp_path):
    """Any prefix of a valid file either reads as a valid record or raises SaveError."""
    text = _good_text(mini_story).encode()
    path = tmp_path / "cut.yaml"
    full = SaveStore(tmp_path).read(str(path)) if path.write_bytes(text) else None
    assert full is not None and len(full.steps) == 2
    refused = 0
    for cut in range(0, len(text), 7):
        path.write_bytes(text[:cut])
        try:
            record = SaveStore(tmp_path).read(str(path))
        except SaveError as exc:
            refused += 1
            assert str(path) in str(exc) and exc.hint, str(exc)  # names the file, says what to do
            assert path.read_bytes() == text[:cut]  # a damaged file is left as it was
            continue
        # a prefix that still reads must be the same run: the same seed and every step
        assert (record.seed, record.steps, record.story_id) == (full.seed, full.steps, full.story_id), cut
    assert refused >= len(range(0, len(text), 7)) * 3 // 4  # nearly every cut is refused


# -- resume against the current story -----------------------------------------------------


def test_resume_same_story_is_silent(mini_story):
    record = record_for(mini_story, play(mini_story, SKY[:6]), "r")
    resumed = resume(mini_story, record)
    assert not resumed.story_changed and resumed.state == play(mini_story, SKY[:6])
    assert resumed.outcome.state == resumed.state


def test_resume_after_a_text_edit_continues_with_a_notice(mini_story, story_copy):
    record = record_for(mini_story, play(mini_story, SKY[:6]), "r")
    one = story_copy / "one.yaml"
    one.write_text(one.read_text().replace("A gate, and", "An old gate, and"))
    edited = load_story(story_copy)
    assert edited.fingerprint != mini_story.fingerprint
    resumed = resume(edited, record)
    assert resumed.state.log == record.steps
    notice = story_changed(resumed.rebased)
    assert resumed.story_changed and "story has changed" in notice and "all 6 steps still apply" in notice


def test_resume_after_a_removed_choice_stops_at_the_last_step_that_applies(mini_story, story_copy):
    record = record_for(mini_story, play(mini_story, SKY), "r")
    one = story_copy / "one.yaml"
    text = one.read_text()
    start = text.index("      - id: key")
    end = text.index("      - id: open")
    one.write_text(text[:start] + text[end:])
    edited = load_story(story_copy)
    resumed = resume(edited, record)
    assert resumed.state.log == record.steps[:2] and resumed.applied == 2
    assert "step 3: scene 'gate' no longer offers 'key'" in story_changed(resumed.rebased)
    assert resumed.outcome.state == resumed.state


def test_resume_after_a_new_lock_names_the_reason(mini_story, story_copy):
    record = record_for(mini_story, play(mini_story, SKY), "r")
    two = story_copy / "two.yaml"
    two.write_text(two.read_text().replace('if: "letters >= 3 and trust >= 1"', 'if: "letters >= 3 and trust >= 3"'))
    resumed = resume(load_story(story_copy), record)
    assert "step 8: 'run' in scene 'road' is now locked (needs Trust ≥ 3)" in story_changed(resumed.rebased)


def test_resume_refuses_another_story(mini_story, story_copy):
    record = record_for(mini_story, play(mini_story, ["pick"]), "r")
    story_file = story_copy / "story.yaml"
    story_file.write_text(story_file.read_text().replace("id: mini", "id: other"))
    with pytest.raises(SaveError, match="belongs to the story 'mini'"):
        resume(load_story(story_copy), record)


def test_resume_refuses_a_snapshot_that_disagrees_with_its_log(mini_story, store):
    store.write(record_for(mini_story, play(mini_story, SKY), "tampered"))
    path = store.path_for("tampered")
    path.write_text(path.read_text().replace("    letters: 3", "    letters: 1"))
    before = path.read_bytes()
    with pytest.raises(SaveError) as info:
        resume(mini_story, store.read("tampered"))
    words = problem(info.value)
    assert "snapshot disagrees" in words and "stats.letters: 1 → 3" in words
    assert str(path) in words and "backup" in (advice(info.value) or "")
    assert path.read_bytes() == before


def test_resume_refuses_a_log_that_does_not_replay_on_the_same_story(mini_story, store):
    store.write(record_for(mini_story, play(mini_story, SKY), "edited"))
    path = store.path_for("edited")
    path.write_text(path.read_text().replace("choice: run", "choice: swim"))
    with pytest.raises(SaveError) as info:
        resume(mini_story, store.read("edited"))
    assert "does not replay: step 8: scene 'road' no longer offers 'swim'" in problem(info.value)


# -- sessions: autosave and undo -----------------------------------------------------------


def test_session_autosaves_every_choice_and_undo_follows(mini_story, store):
    session = Session.new(mini_story, 3, store)
    slot = session.slot
    assert session.blank and not store.path_for(slot).exists()  # written at the first choice
    for choice in SKY[:5]:
        session.choose(choice)
        assert store.read(slot).steps == session.state.log
    assert session.undo()
    assert len(session.state.log) == 4 and store.read(slot).steps == session.state.log
    assert store.read(str(store.backup_for(slot))).snapshot["turn"] == 5
    assert session.state == play(mini_story, SKY[:4])
    while session.undo():
        pass
    assert store.read(slot).steps == () and session.state == engine.new_run(mini_story, 3).state


def test_session_save_and_load_by_slot(mini_story, store):
    session = Session.new(mini_story, 3, store)
    for choice in SKY[:4]:
        session.choose(choice)
    session.save("before-road")
    session.choose("wait")
    assert store.read("before-road").snapshot["turn"] == 4  # a checkpoint keeps its moment
    assert store.read(session.slot).snapshot["turn"] == 5  # the run autosaves to its own slot
    other = Session.new(mini_story, 9, store)
    assert other.load("before-road") is None
    assert other.state.log == session.state.log[:4] and other.slot not in {"before-road", session.slot}
    with pytest.raises(SaveError):
        session.save("../../oops")


def test_session_from_record_with_notice(mini_story, story_copy, store):
    store.write(record_for(mini_story, play(mini_story, SKY), "trip"))
    two = story_copy / "two.yaml"
    two.write_text(two.read_text().replace("      - id: fly", "      - id: soar"))
    session, notice = Session.from_record(load_story(story_copy), store.read("trip"), store)
    assert "step 9: scene 'city' no longer offers 'fly'" in notice
    assert session.state.scene == "city" and not session.state.finished


def test_a_damaged_slot_points_at_its_backup_which_loads_by_name(mini_story, store):
    store.write(record_for(mini_story, play(mini_story, ["pick"]), "game", now=T0))
    store.write(record_for(mini_story, play(mini_story, SKY), "game", now=T1))
    path = store.path_for("game")
    text = path.read_text()
    path.write_text(text[: text.index("  choice: wait")])  # killed mid-write by something unsafe
    with pytest.raises(SaveError) as info:
        store.read("game")
    assert "cut short" in str(info.value) and "step 5 has no 'choice'" in str(info.value)
    assert str(store.backup_for("game")) in info.value.hint
    assert store.read("game.bak").steps == (engine.Step("gate", "pick"),)


def test_a_damaged_file_without_backup_offers_a_new_game(tmp_path):
    path = tmp_path / "lonely.yaml"
    path.write_text("format: 1\n")
    with pytest.raises(SaveError) as info:
        SaveStore(tmp_path).read("lonely")
    assert info.value.hint == "the file was left untouched; it has no backup: start a new game"


def test_a_recent_temp_file_of_another_writer_is_left_alone(mini_story, store):
    store.write(record_for(mini_story, play(mini_story, ["pick"]), "game", now=T0))
    other = store.directory / ".game.yaml.1234abcd.tmp"
    other.write_text("being written by another process")
    store.write(record_for(mini_story, play(mini_story, ["pick", "pick"]), "game", now=T1))
    assert other.exists()
    store.stale_after = 0.0
    store.write(record_for(mini_story, play(mini_story, ["pick", "pick"]), "game", now=T1))
    assert not other.exists()


@pytest.mark.parametrize("text", ["[" * 100_000, "[" * 5000 + "]" * 5000, "a: " + "{b: " * 3000 + "1" + "}" * 3000,
                                  "- " * 3000 + "x\n", "".join(" " * i + f"k{i}:\n" for i in range(400))])
def test_deep_nesting_is_refused_before_the_parser_sees_it(tmp_path, text):
    """Regression: libyaml's C composer recursed on ``[[[[…`` and crashed the process (segfault)."""
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    with pytest.raises(SaveError, match="nests deeper"):
        SaveStore(tmp_path).read(str(path))


def test_brackets_inside_quoted_text_are_not_nesting(mini_story, tmp_path, story_copy):
    story_file = story_copy / "story.yaml"
    story_file.write_text(story_file.read_text().replace('initial: "Pepe"', "initial: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\""))
    story = load_story(story_copy)
    record = record_for(story, engine.new_run(story, 1).state, "brackets")
    assert parse_record(dump_record(record)) == record
