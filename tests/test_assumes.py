"""``assumes:`` on a scene: what its text takes for granted, proved by ``check --explore`` (MM606).

The fixture ``tests/fixtures/memory`` guards its shed with the condition its text
assumes, so it is clean; each test here breaks that guard in a copy and expects every
reachable way in where the assumption fails, each with its shortest path.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from types import MappingProxyType

import pytest

from adventure import engine
from adventure.analysis.explore import PathStep, explore
from adventure.cli import main
from adventure.errors import StoryLoadError
from adventure.story.loader import load_story

MEMORY = Path(__file__).resolve().parent / "fixtures" / "memory"
GUARD = 'if: "chose(keys) and not seen(shed)"'


@pytest.fixture
def memory(tmp_path) -> Path:
    return Path(shutil.copytree(MEMORY, tmp_path / "memory"))


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "one.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_guarded_scene_has_no_broken_assumption():
    story = load_story(MEMORY, cache=False)
    assert story.scenes["shed"].assumes is not None
    assert explore(story).broken_assumptions == []


def test_every_way_in_where_the_assumption_fails_is_found_with_its_shortest_path(memory):
    edit(memory, GUARD, 'if: "true"')
    story = load_story(memory, cache=False)
    broken = explore(story).broken_assumptions
    assert [(b.scene, b.via, b.path, b.states) for b in broken] == [
        ("shed", ("yard", "shed"), (PathStep("porch", "hand_back"), PathStep("yard", "shed")), 5),
    ]
    state = engine.new_run(story, 1).state
    for step in broken[0].path:
        state = engine.take(story, state, step.choice).state
    assert (state.scene, state.values) == ("shed", broken[0].values)


def test_a_false_assumption_at_the_start_has_an_empty_path(memory):
    edit(memory, "    title: The Porch\n", '    title: The Porch\n    assumes: "seen(shed)"\n')
    broken = explore(load_story(memory, cache=False)).broken_assumptions
    assert (broken[0].scene, broken[0].via, broken[0].path) == ("porch", None, ())


def test_check_explore_reports_mm606_as_an_error(memory, capsys):
    edit(memory, GUARD, 'if: "true"')
    code = main(["check", "--explore", "--no-cache", str(memory)])
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert code == 1
    assert "✗ scene 'shed' assumes `chose(keys) and not seen(shed)`, but it is false when entered by 'shed'" in flat
    assert "shortest path: porch:hand_back → yard:shed" in flat
    assert f"at {memory / 'one.yaml'}:34:5" in out.replace("\n", "")


def test_check_explore_json_carries_mm606_with_its_path(memory, capsys):
    edit(memory, GUARD, 'if: "true"')
    code = main(["check", "--explore", "--json", "--no-cache", str(memory)])
    data = json.loads(capsys.readouterr().out)["explore"]
    assert code == 1
    (finding,) = [f for f in data["findings"] if f["code"] == "MM606"]
    assert finding["severity"] == "error" and finding["line"] == 34
    assert finding["data"] == {
        "scene": "shed", "assumption": "chose(keys) and not seen(shed)", "via": {"scene": "yard", "choice": "shed"},
        "path": [{"scene": "porch", "choice": "hand_back"}, {"scene": "yard", "choice": "shed"}], "states": 5}
    assert finding["message"] in data["problems"]


def test_play_never_evaluates_an_assumption(memory):
    edit(memory, GUARD, 'if: "true"')
    story = load_story(memory, cache=False)

    def refuse(values: object) -> bool:
        raise AssertionError("play evaluated an assumption")

    shed = dataclasses.replace(story.scenes["shed"], assumes_test=refuse)
    story = dataclasses.replace(story, scenes=MappingProxyType({**story.scenes, "shed": shed}))
    state = engine.new_run(story, 1).state
    for choice in ("hand_back", "shed"):
        state = engine.take(story, state, choice).state
    assert state.scene == "shed" and engine.scene_text(story, state) == "The key you kept turns in the lock."


def test_an_assumption_is_type_checked_and_located(memory):
    edit(memory, 'assumes: "chose(keys) and not seen(shed)"', 'assumes: "hope + 1"')
    with pytest.raises(StoryLoadError) as caught:
        load_story(memory, cache=False)
    (error,) = caught.value.diagnostics
    assert (error.code, error.line) == ("MM302", 34)
