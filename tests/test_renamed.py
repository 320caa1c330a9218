"""`renamed_from:` on scenes and choices: runs logged before a rename still replay, verify and resume."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from storybuilder import STORY, write_story

from adventure.run import engine
from adventure.saves.store import SaveStore, record_for, resume
from adventure.saves.verify import verify
from adventure.story.loader import check_story, load_story

LIGHTHOUSE = Path(__file__).resolve().parent / "fixtures" / "lighthouse"
TO_LAST_NIGHT = ["store", "take_oil", "up", "trim", "log", "watch", "next_night", "watch", "next_night", "tend",
                 "stay_up"]


def renamed_copy(tmp_path: Path) -> Path:
    """The lighthouse story with scene 'squall' renamed 'gale' and choice 'stay_up' renamed 'keep_watch'."""
    folder = tmp_path / "renamed"
    shutil.copytree(LIGHTHOUSE, folder)
    storm = (folder / "storm.yaml").read_text(encoding="utf-8")
    storm = storm.replace("goto: squall", "goto: gale").replace(
        "  - id: squall\n", "  - id: gale\n    renamed_from: [squall]\n").replace(
        "      - id: stay_up\n", "      - id: keep_watch\n        renamed_from: [stay_up]\n")
    (folder / "storm.yaml").write_text(storm, encoding="utf-8")
    return folder


def played(story, steps, seed=2):
    state = engine.new_run(story, seed).state
    for step in steps:
        state = engine.take(story, state, step).state
    return state


def test_a_run_saved_before_a_rename_verifies_and_resumes_after_it(tmp_path):
    old = load_story(LIGHTHOUSE)
    store = SaveStore(tmp_path / "saves")
    at_squall = record_for(old, played(old, TO_LAST_NIGHT[:-1]), "squall")
    past_it = record_for(old, played(old, TO_LAST_NIGHT), "past")
    store.write(at_squall)
    store.write(past_it)
    new = load_story(renamed_copy(tmp_path))
    assert new.renamed == {"squall": "gale"}
    for slot in ("squall", "past"):
        record = store.read(slot)
        report = verify(new, record)
        assert report.ok, report.stopped
        resumed = resume(new, record)
        assert resumed.applied == len(record.steps)
    assert resume(new, store.read("squall")).state.scene == "gale"
    state = resume(new, store.read("past")).state
    assert state.scene == "last_night" and state.log[-1] == engine.Step("gale", "keep_watch")


def test_replay_verify_from_the_command_line_after_a_rename(command, tmp_path):
    saves = tmp_path / "saves"
    lines = "\n".join("#" + s for s in TO_LAST_NIGHT) + "\n"
    subprocess.run([command, "play", "--scenes", str(LIGHTHOUSE), "--seed", "4", "--save-dir", str(saves), "--plain"],
                   input=lines, capture_output=True, text=True, timeout=60, check=True)
    folder = renamed_copy(tmp_path)
    run_slot = next(p.stem for p in saves.glob("run-*.yaml") if ".bak" not in p.name)  # the run's own slot
    result = subprocess.run([command, "replay", run_slot, "--save-dir", str(saves), "--scenes", str(folder),
                             "--verify"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    unrenamed = tmp_path / "plain"
    shutil.copytree(folder, unrenamed)
    storm = (unrenamed / "storm.yaml").read_text(encoding="utf-8")
    (unrenamed / "storm.yaml").write_text(storm.replace("    renamed_from: [squall]\n", ""), encoding="utf-8")
    broken = subprocess.run([command, "replay", run_slot, "--save-dir", str(saves), "--scenes", str(unrenamed),
                             "--verify"], capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1  # the test can fail: without renamed_from the old run diverges


CHAPTER = """\
chapter:
  id: one
  title: One
scenes:
  - id: a
    title: A
    renamed_from: [{scene_old}]
    text: Scene A, skill {{skill}}, {{name}}.
    choices:
      - id: train
        label: Train
        renamed_from: [{choice_old}]
        effects:
          - add: {{skill: 1}}
        goto: b
      - id: finish
        label: Finish
        if: "skill >= 2 and brave"
        ending: done
  - id: b
    title: B
    renamed_from: [{other_old}]
    text: Scene B.
    choices:
      - id: back
        label: Back
        goto: a
"""


def diagnostics(tmp_path, **olds):
    values = {"scene_old": "start", "choice_old": "practise", "other_old": "middle", **olds}
    return check_story(write_story(tmp_path, story=STORY, chapter=CHAPTER.format(**values))).errors


def test_distinct_old_ids_load(tmp_path):
    assert diagnostics(tmp_path) == []


def test_an_old_scene_id_that_is_a_current_scene_is_rejected(tmp_path):
    (error,) = diagnostics(tmp_path, scene_old="b")
    assert error.code == "MM216" and (Path(error.file).name, error.line) == ("one.yaml", 7)
    assert "'b' is still a scene" in error.message


def test_two_scenes_claiming_one_old_id_are_rejected(tmp_path):
    (error,) = diagnostics(tmp_path, scene_old="start", other_old="start")
    assert error.code == "MM216" and error.line == 22 and "both claim the old id 'start'" in error.message


def test_an_old_choice_id_that_is_a_current_choice_is_rejected(tmp_path):
    (error,) = diagnostics(tmp_path, choice_old="finish")
    assert error.code == "MM216" and error.line == 12 and "'finish' is still a choice" in error.message


def test_a_goto_to_an_old_id_names_the_new_one(tmp_path):
    text = CHAPTER.format(scene_old="start", choice_old="practise", other_old="middle").replace(
        "        goto: b\n", "        goto: middle\n")
    (error,) = check_story(write_story(tmp_path, story=STORY, chapter=text)).errors
    assert error.code == "MM402" and error.hint == "'middle' was renamed to 'b': use the new id"
