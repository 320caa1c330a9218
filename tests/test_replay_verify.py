"""``replay --verify``: runs are regression tests of the story.

Every run file in ``saves/`` (demo runs of the shipped story) and ``tests/runs/``
(runs of the fixture story, which name it in their ``scenes:`` field) must replay to
its snapshot; a story edit that breaks a known path fails here with the report.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.play.notices import stop_reason
from adventure.run import engine
from adventure.saves.store import SaveStore, read_run, record_for
from adventure.saves.verify import verify
from adventure.story.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
RUN_FILES = [p for folder in (ROOT / "saves", ROOT / "tests" / "runs") for p in sorted(folder.glob("*.yaml"))
             if not p.name.endswith(".bak.yaml")]
SKY = ["pick", "pick", "key", "open", "wait", "wait", "wait", "run", "fly"]


def _story_of(path: Path):
    from adventure.cli.replay import story_folder

    return story_folder(read_run(path), None)


def test_there_are_runs_to_verify():
    assert len(list((ROOT / "tests" / "runs").glob("mini-*.yaml"))) >= 3


@pytest.mark.parametrize("path", RUN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_run_still_replays(path, capsys):
    load_story(_story_of(path))  # a story that does not load fails here, with its diagnostics
    code = main(["replay", str(path), "--verify", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["ok"], json.dumps(report["divergence"], indent=2)
    assert report["applied"] == report["steps"]


def test_shipped_demo_runs_cover_the_launch_and_two_other_endings(scenes_dir):
    story = load_story(scenes_dir)
    endings = {read_run(p).ending for p in RUN_FILES if p.parent.name == "saves"}
    launch = {e.id for e in story.endings.values() if e.true_ending}
    assert launch & endings, "no demo run reaches the launch"
    assert len(endings - launch - {None}) >= 2


def _write(store, story, choices, slot, seed=3):
    state = engine.new_run(story, seed).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return store.write(record_for(story, state, slot))


@pytest.fixture
def runs(tmp_path, mini_story) -> SaveStore:
    store = SaveStore(tmp_path / "runs")
    _write(store, mini_story, SKY, "sky")
    return store


def test_verify_ok_on_the_same_story(mini_story, runs):
    report = verify(mini_story, runs.read("sky"))
    assert report.ok and report.ending == "sky" and report.applied == 9 and not report.story_changed


def test_divergence_names_step_scene_choice_reason_available_and_changes(tmp_path, mini_dir, runs):
    story_dir = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    two = story_dir / "two.yaml"
    two.write_text(two.read_text().replace('if: "letters >= 3 and trust >= 1"', 'if: "letters >= 3 and trust >= 2"'))
    report = verify(load_story(story_dir), runs.read("sky"), name="sky")
    assert not report.ok
    d = report.stopped
    assert d is not None and (d.step, d.scene, d.choice) == (8, "road", "run")
    assert (d.reason, d.detail) == ("locked", "needs Trust ≥ 2")
    assert stop_reason(d) == "'run' in scene 'road' is now locked (needs Trust ≥ 2)"
    assert d.available == ("wait",)
    assert report.changed["ending"] == {"snapshot": "sky", "replayed": None}
    assert report.changed["scene"] == {"snapshot": "city", "replayed": "road"}
    data = report.to_dict(stop_reason)
    assert set(data) == {"ok", "run", "steps", "applied", "ending", "divergence"}
    assert set(data["divergence"]) == {"step", "scene", "choice", "reason", "available", "changed"}


def test_verify_cli_exit_codes_and_json(tmp_path, mini_dir, runs, capsys):
    path = str(runs.path_for("sky"))
    assert main(["replay", path, "--scenes", str(mini_dir), "--verify"]) == 0
    assert "9 steps replay to the saved state, ending 'sky'" in capsys.readouterr().out
    story_dir = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    two = story_dir / "two.yaml"
    two.write_text(two.read_text().replace("      - id: fly", "      - id: soar"))
    assert main(["replay", path, "--scenes", str(story_dir), "--verify", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["applied"] == 8 and data["steps"] == 9
    assert data["divergence"]["step"] == 9 and data["divergence"]["available"] == ["soar"]
    assert data["divergence"]["reason"] == "scene 'city' no longer offers 'fly'"
    assert main(["replay", path, "--scenes", str(story_dir), "--verify"]) == 1
    out = capsys.readouterr().out
    assert "diverges at step 9 of 9" in out and "no longer offers 'fly'" in out and "soar" in out


def test_verify_cli_reports_a_tampered_snapshot(mini_dir, runs, capsys):
    path = runs.path_for("sky")
    path.write_text(path.read_text().replace("    apples: 2", "    apples: 4"))
    assert main(["replay", str(path), "--scenes", str(mini_dir), "--verify", "--json"]) == 1
    d = json.loads(capsys.readouterr().out)["divergence"]
    assert d["step"] == 9 and d["changed"] == {"stats.apples": {"snapshot": 4, "replayed": 2}}


def test_verify_by_slot_name_with_save_dir(mini_dir, runs, capsys):
    code = main(["replay", "sky", "--save-dir", str(runs.directory), "--scenes", str(mini_dir), "--verify"])
    assert code == 0


@pytest.mark.parametrize("content, expected", [
    ("format: 7\n", "unknown run-file format 7"),
    ("steps: [\n", "the file is damaged"),
    ("", "the file is empty"),
])
def test_bad_run_files_exit_1_with_a_message_and_no_traceback(tmp_path, mini_dir, capsys, content, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    assert main(["replay", str(path), "--scenes", str(mini_dir), "--verify"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and expected in err and "hint:" in err and "Traceback" not in err
    assert path.read_text() == content
    assert main(["replay", str(path), "--scenes", str(mini_dir), "--verify", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and expected in data["error"] and "backup" in data["hint"]


def test_wrong_story_is_an_error(tmp_path, mini_dir, runs, capsys):
    story_dir = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    (story_dir / "story.yaml").write_text((story_dir / "story.yaml").read_text().replace("id: mini", "id: other"))
    assert main(["replay", str(runs.path_for("sky")), "--scenes", str(story_dir), "--verify"]) == 1
    assert "belongs to the story 'mini'" in capsys.readouterr().err


def test_missing_run_and_bad_usage(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "none.yaml"), "--verify"]) == 1
    assert "no such run file" in capsys.readouterr().err
    assert main(["replay", "nosuch", "--save-dir", str(tmp_path), "--verify"]) == 1
    assert "no save named 'nosuch'" in capsys.readouterr().err
    assert main(["replay", "x.yaml", "--json"]) == 2
    assert main(["replay", "x.yaml", "--export", "out.pdf"]) == 2
