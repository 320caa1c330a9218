"""The milestone and canon format: loading, validation, and the next-milestone view of a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from adventure import engine
from adventure.milestone import MilestoneView, NeedView, next_milestone
from adventure.story.loader import check_story, load_story
from storybuilder import CHAPTER, write_story

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
