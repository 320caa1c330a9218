"""The milestone and canon format: loading, validation, and the next-milestone view of a run."""

from __future__ import annotations

from pathlib import Path

import pytest
from storybuilder import CHAPTER, write_story

from adventure.run import engine
from adventure.run.milestone import MilestoneView, NeedView, next_milestone
from adventure.story.loader import check_story, load_story

CANON = Path(__file__).resolve().parent / "fixtures" / "canon"


@pytest.fixture(scope="module")
def canon_story():
    return load_story(CANON)


def play(story, *choices: str, seed: int = 1):
    state = engine.new_run(story, seed).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return state


def test_fixture_loads_milestones_and_canon(canon_story):
    home, city = canon_story.chapters
    assert len(home.milestones) == 1 and len(city.milestones) == 2
    assert [n.location.line for n in home.milestones[0].needs] == [7, 8]
    assert home.milestones[0].condition is None and city.milestones[0].condition is not None
    canon = {(s.id, c.id) for s in canon_story.scenes.values() for c in s.choices if c.canon}
    assert canon == {("yard", "study"), ("kitchen", "settle"), ("exam", "sit"), ("road", "walk")}


def test_next_milestone_tracks_the_run(canon_story):
    start = play(canon_story)
    assert next_milestone(canon_story, start) == MilestoneView(
        "The exam of 2002", (NeedView("Skill 0 of 2", False), NeedView("No settled home", False)))
    ready = play(canon_story, "study", "settle")
    view = next_milestone(canon_story, ready)
    assert view is not None and view.met and view.title == "The exam of 2004"
    assert [n.label for n in view.needs] == ["Skill 2 of 2", "A settled home"]


def test_first_milestone_whose_condition_holds_is_shown(canon_story):
    road = play(canon_story, "study", "settle", "sit")
    assert next_milestone(canon_story, road) == MilestoneView("Arrival", (NeedView("Skill 2 of 3", False),))


def test_no_milestone_after_the_ending_or_without_one(canon_story, mini_story):
    assert next_milestone(canon_story, play(canon_story, "play", "move", "home")) is None
    assert next_milestone(mini_story, engine.new_run(mini_story, 1).state) is None


def with_milestone(block: str) -> str:
    return CHAPTER.replace("  title: One\n", "  title: One\n" + block, 1)


@pytest.mark.parametrize(("block", "code", "fragment"), [
    ("  milestone:\n    title: Gate\n    needs:\n      - {label: Skill, iff: 'skill >= 1'}\n", "MM202", "unknown key 'iff'"),
    ("  milestone:\n    title: Gate\n    needs: []\n", "MM204", "'needs' of the chapter's milestone is an empty list"),
    ("  milestone:\n    needs:\n      - {label: Skill, if: 'skill >= 1'}\n", "MM203", "missing required key 'title'"),
    ("  milestone:\n    title: Gate\n    needs:\n      - {label: Skill, if: 'skil >= 1'}\n", "MM303", "skil"),
    ("  milestone:\n    title: Gate\n    needs:\n      - {label: Skill, if: 'skill + 1'}\n", "MM302", ""),
    ("  milestone:\n    title: '{nope}'\n    needs:\n      - {label: Skill, if: 'skill >= 1'}\n", "MM303", "nope"),
    ("  milestone: []\n", "MM204", "'milestone' of the chapter is an empty list"),
])
def test_malformed_milestones_are_reported(tmp_path, block, code, fragment):
    report = check_story(write_story(tmp_path, chapter=with_milestone(block)))
    assert report.story is None
    found = [e for e in report.errors if e.code == code]
    assert found and fragment in found[0].message, [str(e) for e in report.errors]
    assert found[0].file.endswith("one.yaml")


def test_canon_must_be_a_boolean_and_only_one_per_scene(tmp_path):
    bad = CHAPTER.replace("        label: Train\n", "        label: Train\n        canon: yes please\n")
    report = check_story(write_story(tmp_path / "a", chapter=bad))
    assert any(e.code == "MM204" and "'canon'" in e.message for e in report.errors)
    two = CHAPTER.replace("        label: Train\n", "        label: Train\n        canon: true\n").replace(
        "        label: Finish\n", "        label: Finish\n        canon: true\n")
    report = check_story(write_story(tmp_path / "b", chapter=two))
    assert report.ok and [w.code for w in report.warnings] == ["MM265"]


def test_shipped_chapters_declare_their_gates(shipped_story):
    titled = {c.id: [m.title for m in c.milestones] for c in shipped_story.chapters if c.milestones}
    assert set(titled) >= {"fields", "engineer", "in_person", "columbia"}
    state = engine.new_run(shipped_story, 1).state
    view = next_milestone(shipped_story, state)
    assert view is not None and not view.met and len(view.needs) == 2


def _at(story, scene_id: str):
    from adventure.play.sandbox import parse_start

    return engine.start_at(story, 1, parse_start(story, scene_id, ["trust=6"])).state


@pytest.mark.parametrize(("scene_id", "title"), [
    ("fields_rows", "Spring 1980: the University of the Pacific"),
    ("fields_foreman", "Spring 1980: the University of the Pacific"),  # the envelope is still ahead
    ("fields_young_again", None),  # 1981: the 1980 gate is behind, taken the long way round
    ("fields_delta", None),
    ("person_wait", "The selection board: what they had"),
    ("person_call", None),  # the call came: the board is behind
    ("person_papa", None),
    ("col_return", "A crew assignment"),  # the first gate is behind: the second is next
])
def test_a_gate_behind_the_run_is_not_shown(shipped_story, scene_id, title):
    """L8 of the play-test: 'Next:' stayed on screen after its gate was passed or gone round."""
    view = next_milestone(shipped_story, _at(shipped_story, scene_id))
    assert (view.title if view else None) == title


def test_a_milestone_tested_in_a_later_chapter_stays_all_chapter(shipped_story):
    """Chapter 6 tests no Teamwork itself (the crew assignment comes later): its milestone stays."""
    chapter = next(c for c in shipped_story.chapters if c.id == "candidate")
    for scene_id in chapter.scenes:
        assert next_milestone(shipped_story, _at(shipped_story, scene_id)) is not None, scene_id


def test_gate_scenes_are_the_ones_testing_the_needs(tmp_path):
    """The rule on a small story: shown before and at the gate, gone in the scene after it."""
    from adventure.run.milestone import gate_scenes

    write_story(tmp_path, chapter="""\
chapter:
  id: one
  title: One
  milestone:
    title: The gate
    needs:
      - {label: "Skill {skill} of 1", if: "skill >= 1"}
scenes:
  - id: a
    title: A
    text: A.
    choices:
      - {id: train, label: Train, effects: [{add: {skill: 1}}], goto: b}
  - id: b
    title: B
    text: B.
    choices:
      - {id: pass, label: Pass, if: "skill >= 1", goto: c}
      - {id: around, label: Around, goto: c}
  - id: c
    title: C
    text: C.
    choices:
      - {id: end, label: End, ending: done}
""")
    story = load_story(tmp_path)
    assert gate_scenes(story, story.chapters[0], story.chapters[0].milestones[0]) == {"b"}
    state = engine.new_run(story, 1).state
    assert next_milestone(story, state) is not None
    state = engine.take(story, state, "train").state
    assert next_milestone(story, state) is not None and next_milestone(story, state).met
    state = engine.take(story, state, "pass").state
    assert state.scene == "c" and next_milestone(story, state) is None
