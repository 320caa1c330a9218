"""``assumes:`` on a scene: what its text takes for granted, proved by ``check --explore`` (MM606).

The fixture ``tests/fixtures/memory`` guards its shed with the condition its text
assumes, so it is clean; each test here breaks that guard in a copy and expects every
reachable way in where the assumption fails, each with its shortest path.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adventure.analysis.explore import PathStep, explore
from adventure.base.errors import StoryLoadError
from adventure.cli import main
from adventure.run import engine
from adventure.story.compiled import CompiledStory
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


def test_play_never_evaluates_an_assumption(memory, monkeypatch):
    edit(memory, GUARD, 'if: "true"')
    story = load_story(memory, cache=False)
    assumed = story.scenes["shed"].assumes
    assert assumed is not None
    real = CompiledStory.expr

    def refuse(values: object) -> bool:
        raise AssertionError("play evaluated an assumption")

    def guarded(self: CompiledStory, node: object) -> object:
        return refuse if node == assumed else real(self, node)  # type: ignore[arg-type]

    monkeypatch.setattr(CompiledStory, "expr", guarded)
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


# -- {assume} passages in a scene's text ----------------------------------------------------------

YARD = '    text: "{if chose(porch.keys)}The keys jingle in your pocket.{else}Your pockets are empty.{end}"'


def test_a_passage_assumption_is_checked_only_where_the_passage_shows(memory):
    edit(memory, YARD, '    text: "{if chose(keys)}{assume chose(porch.keys)}The keys jingle.{end}{else}'
                       '{assume not chose(keys)}Your pockets are empty.{end}{end}"')
    story = load_story(memory, cache=False)
    assert explore(story).broken_assumptions == []
    state = engine.take(story, engine.new_run(story, 1).state, "hand_back").state
    assert engine.scene_text(story, state) == "Your pockets are empty."


def test_a_false_passage_assumption_is_found_with_its_shortest_path(memory, capsys):
    edit(memory, YARD, '    text: "The yard.{if hope >= 1} {assume not chose(keys)}You gave the keys back.{end}{end}"')
    story = load_story(memory, cache=False)
    broken, again = explore(story).broken_assumptions  # two ways in: keeping the keys again, or handing them back
    back = (PathStep("porch", "keys"), PathStep("yard", "shed"), PathStep("shed", "back"))
    assert (broken.scene, broken.passage, broken.via, broken.path) == (
        "yard", 0, ("porch", "keys"), (*back, PathStep("porch", "keys")))
    assert (again.via, again.path) == (("porch", "hand_back"), (*back, PathStep("porch", "hand_back")))
    assert main(["check", "--explore", "--json", "--no-cache", str(memory)]) == 1
    finding, _again = [f for f in json.loads(capsys.readouterr().out)["explore"]["findings"] if f["code"] == "MM606"]
    assert (finding["line"], finding["column"]) == (22, 36)  # the `{` of {assume …}
    assert finding["message"].startswith("a passage of scene 'yard' assumes `not chose(keys)`, but it is false when "
                                         "entered by 'keys' in 'porch'")
    assert finding["data"]["passage"] == 0
    # play shows the passage regardless: it never tests an assumption
    state = engine.new_run(story, 1).state
    for step in broken.path:
        state = engine.take(story, state, step.choice).state
    assert engine.scene_text(story, state) == "The yard. You gave the keys back."


def test_a_stat_cannot_be_called_assume(memory):
    path = memory / "story.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  hope:", "  assume: {type: bool, initial: false}\n  hope:"),
                    encoding="utf-8")
    with pytest.raises(StoryLoadError) as caught:
        load_story(memory, cache=False)
    assert [d.code for d in caught.value.diagnostics] == ["MM205"]


def test_an_assumed_passage_always_renders_and_compiles_alike():
    from adventure.story import template as tp

    t = tp.parse_template("a {assume x}b {if y}c{else}d{end}{end} e")
    for x in (True, False):
        for y in (True, False):
            expected = "a b c e" if y else "a b d e"
            assert tp.render(t, {"x": x, "y": y}) == expected
            assert tp.compile_template(t, {"x": 0, "y": 1})((x, y)) == expected
    assert [a.offset for a in tp.assumptions(t)] == [2]
    assert tp.longest_words(t) == 4


@pytest.mark.parametrize("text, offset, message", [
    ("{assume}x{end}", 0, "`{assume}` needs a condition"),
    ("{assume x}a{else}b{end}", 11, "`{else}` inside an `{assume …}` passage"),
    ("{assume x}a{elif x}b{end}", 11, "`{elif}` inside an `{assume …}` passage"),
    ("{assume x}a", 0, "`{assume …}` is never closed"),
])
def test_assumed_passage_mistakes_are_located(text, offset, message):
    from adventure.story import template as tp

    with pytest.raises(tp.TemplateError) as caught:
        tp.parse_template(text)
    assert (caught.value.code, caught.value.offset, caught.value.message) == ("MM310", offset, message)


def test_an_assumption_must_be_a_condition():
    from adventure.story import expr as ex
    from adventure.story import template as tp

    with pytest.raises(tp.TemplateError, match="a condition must be true or false"):
        tp.check_template(tp.parse_template("{assume hope}x{end}"), {"hope": ex.StatType.INT})


def test_the_schema_knows_assumes(capsys):
    import jsonschema
    import yaml

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    scene = {"$defs": schema["$defs"], "$ref": "#/$defs/scene"}
    chapter = yaml.safe_load((MEMORY / "one.yaml").read_text(encoding="utf-8"))
    shed = chapter["scenes"][2]
    assert shed["assumes"] == "chose(keys) and not seen(shed)"
    assert list(jsonschema.Draft202012Validator(scene).iter_errors(shed)) == []
    wrong = dict(shed, assumes=3)
    assert list(jsonschema.Draft202012Validator(scene).iter_errors(wrong))
    assert "MM606" in schema["$defs"]["scene"]["properties"]["assumes"]["description"]
