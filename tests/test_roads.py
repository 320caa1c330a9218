"""Explorer warnings about roads: a shown gate no way on can meet (MM618, a "closed road"),
and choices the story never answers (MM619, inert), with their share of all choices.

``tests/fixtures/roads`` is the review's "Not Yet" / "One More Year" in miniature: skip
Russian, and the recovery offers +1 when the board needs 2.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adventure.analysis.explore import PathStep, explore
from adventure.analysis.inert import inert_choices
from adventure.cli import main
from adventure.run import engine
from adventure.story.loader import load_story

ROADS = Path(__file__).resolve().parent / "fixtures" / "roads"


@pytest.fixture
def roads(tmp_path) -> Path:
    return Path(shutil.copytree(ROADS, tmp_path / "roads"))


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "one.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- closed roads ---------------------------------------------------------------------------------


def test_a_recovery_that_cannot_be_won_is_a_closed_road():
    story = load_story(ROADS, cache=False)
    (road,) = explore(story).closed_roads
    assert (road.milestone, road.chapter, road.need, road.scene, road.path, road.states, road.scenes) == (
        "The selection board", "board", "russian >= 2", "board", (PathStep("start", "skip"),), 1, ("board",))
    # the reported state is where the run is after that path, and from there the board never passes
    state = engine.take(story, engine.new_run(story, 1).state, "skip").state
    assert (state.scene, state.values) == (road.scene, road.values)
    for choice in ("apply", "class", "apply"):
        state = engine.take(story, state, choice).state
    assert state.ending == "window"


def test_a_recovery_that_can_be_won_is_no_closed_road(roads):
    edit(roads, "          - add: {russian: 1}", "          - add: {russian: 2}")
    assert explore(load_story(roads, cache=False)).closed_roads == []


def test_an_incomplete_search_claims_no_closed_road():
    assert explore(load_story(ROADS, cache=False), max_states=3).closed_roads == []


def test_a_story_without_milestones_has_no_closed_road(mini_story):
    assert explore(mini_story).closed_roads == []


def test_check_explore_warns_mm618_and_still_exits_0(capsys):
    code = main(["check", "--explore", "--no-cache", str(ROADS)])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert ("! closed road: the gate \"The selection board\" still shows `russian >= 2`, but from scene 'board' no "
            "way on makes it true while the gate is pending (1 state); shortest path: start:skip") in out


def test_check_explore_json_carries_mm618(capsys):
    main(["check", "--explore", "--json", "--no-cache", str(ROADS)])
    data = json.loads(capsys.readouterr().out)["explore"]
    (finding,) = [f for f in data["findings"] if f["code"] == "MM618"]
    assert finding["severity"] == "warning" and finding["line"] == 24
    assert finding["data"] == {"scene": "board", "chapter": "board", "milestone": "The selection board",
                               "need": "russian >= 2", "scenes": ["board"],
                               "path": [{"scene": "start", "choice": "skip"}], "states": 1}


# -- inert choices --------------------------------------------------------------------------------


def test_inert_choices_are_the_silent_ones_with_a_twin():
    report = inert_choices(load_story(ROADS, cache=False))
    assert [(c.scene, c.choice, c.same_as, c.location.line) for c in report.choices] == [
        ("start", "skip", "study", 18), ("start", "shrug", "study", 21)]
    assert (report.count, report.total, round(report.share, 1)) == (2, 6, 33.3)


@pytest.mark.parametrize("old, new, left", [
    ("        label: Shrug\n", "        label: Shrug\n        remember: Shrugged it off\n", ["skip"]),
    ("        label: Shrug\n        goto: board", "        label: Shrug\n        goto: not_yet", ["skip"]),
    ("    text: The board meets.", '    text: "The board meets.{if chose(skip)} You look away.{end}"', ["shrug"]),
    ("        label: Let it wait\n", "        label: Let it wait\n        effects:\n          - set: {russian: 0}\n",
     ["shrug"]),
])
def test_a_choice_with_a_consequence_is_not_inert(roads, old, new, left):
    edit(roads, old, new)
    assert [c.choice for c in inert_choices(load_story(roads, cache=False)).choices] == left


def test_a_lone_way_on_is_not_inert(mini_story):
    assert all(len(mini_story.scenes[c.scene].choices) > 1 for c in inert_choices(mini_story).choices)


def test_check_explore_reports_the_inert_share(capsys):
    main(["check", "--explore", "--no-cache", str(ROADS)])
    out = " ".join(capsys.readouterr().out.split())
    assert "Inert choices 2 of 6 (33.3%)" in out
    assert "! choice 'skip' in scene 'start' is inert: no effect, no remember, no chose() reads it, and it leads " \
           "where 'study' does" in out
    main(["check", "--explore", "--json", "--no-cache", str(ROADS)])
    data = json.loads(capsys.readouterr().out)["explore"]
    assert data["inert_choices"] == {
        "count": 2, "choices": 6, "share": 33.3,
        "list": [{"scene": "start", "choice": "skip", "same_as": "study", "file": str(ROADS / "one.yaml"), "line": 18},
                 {"scene": "start", "choice": "shrug", "same_as": "study", "file": str(ROADS / "one.yaml"), "line": 21}]}
    assert [f["data"]["choice"] for f in data["findings"] if f["code"] == "MM619"] == ["skip", "shrug"]
