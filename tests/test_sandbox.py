"""Sandbox runs: ``engine.start_at``, ``play --start/--set``, the scratch folder, and replaying such runs."""

from __future__ import annotations

import io
import sys

import pytest
from storybuilder import STORY, write_story

from adventure.base.errors import SaveError, StateError, UsageError
from adventure.cli import main
from adventure.play.notices import stop_reason
from adventure.play.sandbox import SANDBOX_SLOT, describe, parse_start, scratch_dir
from adventure.play.session import Session
from adventure.run import engine
from adventure.run.engine import Start, Step
from adventure.saves.runfile import dump_record, parse_record
from adventure.saves.store import SaveStore, record_for, resume
from adventure.saves.verify import verify
from adventure.story.loader import load_story

COMPUTED = STORY.replace("  brave:", '  double: {type: int, compute: "skill * 2 + 1", min: 0, max: 7, label: Double}\n  brave:')


# -- the engine ---------------------------------------------------------------------------------


def test_start_at_enters_the_scene_with_the_values(mini_story):
    outcome = engine.start_at(mini_story, 5, Start("house", (("letters", 2), ("has_key", True))))
    state = outcome.state
    assert state.scene == "house" and state.turn == 0 and state.log == ()
    assert engine.value(mini_story, state, "letters") == 2 and engine.value(mini_story, state, "has_key") is True
    assert engine.value(mini_story, state, "trust") == 3  # the house's on_enter adds 1 to the initial 2
    assert isinstance(outcome.events[0], engine.SceneEntered) and outcome.events[0].scene == "house"
    assert engine.start_at(mini_story, 5, Start("house")).state.rng == engine.new_run(mini_story, 5).state.rng


def test_start_at_recomputes_computed_stats(tmp_path):
    story = load_story(write_story(tmp_path, story=COMPUTED))
    state = engine.start_at(story, 1, Start("a", (("skill", 3),))).state
    assert engine.value(story, state, "double") == 7


@pytest.mark.parametrize("start, message", [
    (Start("nowhere"), "start scene 'nowhere' does not exist"),
    (Start("gate", (("apple", 1),)), "no stat called 'apple'"),
    (Start("gate", (("apples", 9),)), "outside its range"),
    (Start("gate", (("apples", "three"),)), "should be int"),
    (Start("gate", (("has_key", 1),)), "should be bool"),
])
def test_start_at_rejects_what_does_not_fit(mini_story, start, message):
    with pytest.raises(StateError, match=message):
        engine.start_at(mini_story, 1, start)


def test_start_at_rejects_a_computed_stat(tmp_path):
    story = load_story(write_story(tmp_path, story=COMPUTED))
    with pytest.raises(StateError, match="computed"):
        engine.start_at(story, 1, Start("a", (("double", 3),)))


def test_replay_and_undo_start_from_the_sandbox(mini_story):
    start = Start("road", (("letters", 2),))
    session = Session.new(mini_story, 3, start=start)
    session.choose("wait")
    assert engine.replay(mini_story, 3, session.state.log, start=start).state == session.state
    assert session.undo() and session.state.scene == "road" and engine.value(mini_story, session.state, "letters") == 2
    assert not session.undo()


# -- parsing the command line -------------------------------------------------------------------------


def test_parse_start_types_each_value(mini_story):
    start = parse_start(mini_story, "road", ["letters=3", "has_key=yes", "name=Ana María", "trust=-0"])
    assert start == Start("road", (("letters", 3), ("has_key", True), ("name", "Ana María"), ("trust", 0)))
    assert parse_start(mini_story, None, ["apples=2"]).scene == "gate"
    assert describe(start) == "scene 'road' with letters=3, has_key=true, name=Ana María, trust=0"


@pytest.mark.parametrize("scene, sets, message", [
    ("raod", [], "no scene 'raod'; did you mean 'road'?"),
    ("sky", [], "'sky' is an ending, not a scene"),
    (None, ["leters=1"], "no stat 'leters'; did you mean 'letters'?"),
    (None, ["zzz=1"], "the stats are: apples, letters, trust, has_key, name"),
    (None, ["letters=9"], "9 is out of range; 'letters' is a whole number from 0 to 3"),
    (None, ["letters=two"], "'letters' is a whole number from 0 to 3, not 'two'"),
    (None, ["has_key=maybe"], "'has_key' is true or false, not 'maybe'"),
    (None, ["letters"], "write STAT=VALUE"),
    (None, ["letters=1", "letters=2"], "given twice"),
])
def test_parse_start_errors_are_usage_errors(mini_story, scene, sets, message):
    with pytest.raises(UsageError) as info:
        parse_start(mini_story, scene, sets)
    assert message in str(info.value) and info.value.exit_code == 2


@pytest.mark.parametrize("sets", [["letters=" + "9" * 5000], ["letters=" + "x" * 5000], ["has_key=" + "y" * 5000],
                                  ["z" * 5000 + "=1"]])
def test_a_huge_set_value_is_not_echoed_whole(mini_story, sets):
    """A 5000-character --set is refused in one short message, not a 10 KB echo of it (twice)."""
    with pytest.raises(UsageError) as info:
        parse_start(mini_story, None, sets)
    assert len(str(info.value)) < 400, len(str(info.value))
    with pytest.raises(UsageError) as info:
        parse_start(mini_story, "s" * 5000, [])
    assert len(str(info.value)) < 400, len(str(info.value))


def test_parse_start_refuses_computed_stats(tmp_path):
    story = load_story(write_story(tmp_path, story=COMPUTED))
    with pytest.raises(UsageError, match="computed"):
        parse_start(story, None, ["double=3"])


# -- run files --------------------------------------------------------------------------------------


def test_run_file_records_the_start_and_replays_it(mini_story, tmp_path):
    start = Start("road", (("letters", 2), ("has_key", True)))
    state = engine.replay(mini_story, 3, [Step("road", "wait")], start=start).state
    record = record_for(mini_story, state, SANDBOX_SLOT, start=start)
    text = dump_record(record)
    assert "start:\n  scene: road\n  stats:\n    letters: 2\n    has_key: true\n" in text
    again = parse_record(text, tmp_path / "sandbox.yaml")
    assert again.start == start
    assert verify(mini_story, again).ok
    assert resume(mini_story, again).state == state


def test_verify_reports_a_start_that_no_longer_fits(mini_story):
    record = record_for(mini_story, engine.start_at(mini_story, 1, Start("road")).state, "sandbox",
                        start=Start("road"))
    gone = parse_record(dump_record(record).replace("  scene: road\n  stats: {}", "  scene: nowhere\n  stats: {}"))
    report = verify(mini_story, gone)
    assert not report.ok and report.stopped is not None and report.stopped.step == 0
    assert "start scene 'nowhere' does not exist" in stop_reason(report.stopped)
    with pytest.raises(SaveError, match="sandbox run's start no longer fits"):
        resume(mini_story, gone)


def test_run_file_rejects_a_malformed_start(mini_story):
    record = record_for(mini_story, engine.start_at(mini_story, 1, Start("road")).state, "sandbox", start=Start("road"))
    text = dump_record(record)
    with pytest.raises(SaveError, match=r"unknown field 'start\.where'"):
        parse_record(text.replace("  scene: road\n  stats: {}", "  scene: road\n  where: x\n  stats: {}"))
    with pytest.raises(SaveError, match="start stat 'letters' must be"):
        parse_record(text.replace("  stats: {}", "  stats: {letters: [1]}"))


# -- the command --------------------------------------------------------------------------------------


def run_cli(monkeypatch, capsys, args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_play_start_set_keeps_the_players_saves_untouched(monkeypatch, capsys, mini_dir, tmp_path):
    base = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    assert run_cli(monkeypatch, capsys, [*base, "--seed", "3"], "2\n")[0] == 0
    player = next(p for p in tmp_path.glob("run-*.yaml") if ".bak" not in p.name)  # the player's own run
    before = player.read_bytes()
    code, out, err = run_cli(monkeypatch, capsys, [*base, "--start", "road", "--set", "letters=2", "--seed", "4"],
                             "1\n")
    assert code == 0, err
    assert "Sandbox run from scene 'road' with letters=2" in out and "never in your own saves" in out
    assert "Letters so far: 2." in out and "The Gate" not in out
    assert player.read_bytes() == before
    sandbox = scratch_dir(tmp_path) / "sandbox.yaml"
    record = SaveStore(scratch_dir(tmp_path)).read("sandbox")
    assert record.start == Start("road", (("letters", 2),)) and len(record.steps) == 1
    assert f"--load{sandbox}" in "".join(out.split())  # the command may wrap
    # the player's saves and --continue never see it
    assert [s.name for s in SaveStore(tmp_path).slots()] == [player.stem]
    code, out, _ = run_cli(monkeypatch, capsys, [*base, "--continue"])
    assert code == 0 and f"Resuming '{player.stem}' after 1 choice." in out
    # it replays and verifies, and resumes into the scratch folder
    code, out, err = run_cli(monkeypatch, capsys, ["replay", str(sandbox), "--verify", "--scenes", str(mini_dir)])
    assert code == 0, out + err
    code, out, _ = run_cli(monkeypatch, capsys, [*base, "--load", str(sandbox)], "1\n")
    assert code == 0 and "after 1 choice." in out
    assert len(SaveStore(scratch_dir(tmp_path)).read("sandbox").steps) == 2
    assert player.read_bytes() == before and not (tmp_path / "sandbox.yaml").exists()


def test_play_set_alone_starts_at_the_story_start(monkeypatch, capsys, mini_dir, tmp_path):
    code, out, _ = run_cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--no-save",
                                                 "--set", "has_key=true"])
    assert code == 0 and "The key is warm in your hand." in out and "it is not saved" in out
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("extra, message", [
    (["--start", "raod"], "did you mean 'road'?"),
    (["--set", "letters=4"], "out of range"),
    (["--start", "road", "--continue"], "cannot be combined with --load or --continue"),
])
def test_play_sandbox_usage_errors_exit_2(monkeypatch, capsys, mini_dir, tmp_path, extra, message):
    code, out, err = run_cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir",
                                                   str(tmp_path), *extra])
    assert code == 2 and message in err and out == ""
    assert not (tmp_path / "scratch").exists()


def test_the_docs_examples_of_the_writing_loop_work(mini_story):
    """docs/authoring.md: the sandbox command line and the run file's ``start`` block."""
    import re
    import shlex
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = doc[doc.index("## The writing loop"):]
    line = next(x for x in section.splitlines() if "--start" in x and x.startswith("$ million-miles play"))
    words = shlex.split(line[2:])
    scene = words[words.index("--start") + 1]
    sets = [words[i + 1] for i, w in enumerate(words) if w == "--set"]
    start = parse_start(mini_story, scene, sets)
    block = re.search(r"```yaml\n(start:\n.*?)```", section, re.S)
    assert block is not None
    state = engine.start_at(mini_story, 1, start).state
    text = dump_record(record_for(mini_story, state, "sandbox", start=start))
    assert block.group(1) in text
    assert parse_record(text).start == start


def test_save_during_a_sandbox_run_stays_in_the_scratch_folder(monkeypatch, capsys, mini_dir, tmp_path):
    code, _out, err = run_cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir",
                                                   str(tmp_path), "--start", "road"], "save mine\n1\n")
    assert code == 0, err
    assert (scratch_dir(tmp_path) / "mine.yaml").is_file() and not (tmp_path / "mine.yaml").exists()
    assert SaveStore(tmp_path).slots() == []
