"""Every example in docs/authoring.md is loaded: complete stories are checked and played,
other blocks are validated against the JSON Schema (the part named by their ``# part:`` line).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import jsonschema
import pytest
import yaml

from adventure.run import engine
from adventure.story.loader import check_story
from adventure.story.schema import story_schema

DOC = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"
BLOCK = re.compile(r"```(yaml|json)\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def stories() -> dict[str, dict[str, str]]:
    """``# file: DIR/NAME`` blocks grouped into story folders ('' for the top-level example)."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for lang, body in blocks():
        match = re.match(r"# file: (\S+)\n", body)
        if lang == "yaml" and match:
            path = Path(match.group(1))
            found[str(path.parent) if path.parent != Path(".") else ""][path.name] = body
    return dict(found)


def load(tmp_path: Path, name: str):
    folder = tmp_path / (name or "example")
    folder.mkdir()
    for file, body in stories()[name].items():
        (folder / file).write_text(body, encoding="utf-8")
    report = check_story(folder)
    assert report.ok, [str(e) for e in report.errors]
    assert report.warnings == [], [str(w) for w in report.warnings]
    return report.story


def test_the_docs_hold_the_expected_stories():
    assert stories().keys() == {"", "patterns", "memory", "roads"}
    assert set(stories()[""]) == {"story.yaml", "harvest.yaml"}


def test_complete_example_loads_and_plays(tmp_path: Path) -> None:
    story = load(tmp_path, "")
    state = engine.new_run(story, seed=1).state
    for choice in ["study", "pick", "pick", "pick", "pick", "pick", "ask"]:
        state = engine.take(story, state, choice).state
    assert state.ending == "school"
    assert engine.ending_text(story, state).startswith("You go back to Ms. Young's class with 5 rows")


def play(story, state, *choices: str):
    for choice in choices:
        state = engine.take(story, state, choice).state
    return state


def enabled(story, state) -> list[str]:
    return [o.choice.id for o in engine.offers(story, state) if o.enabled]


def test_common_patterns_behave_as_documented(tmp_path: Path) -> None:
    story = load(tmp_path, "patterns")
    state = engine.new_run(story, seed=1).state
    # a hub with repeatable choices
    state = play(story, state, "work", "work")
    assert state.scene == "square" and engine.value(story, state, "coins") == 2
    assert "You have 2 coins." in engine.scene_text(story, state)
    # a one-time event: offered once, then gone
    assert "oracle" in enabled(story, state)
    state = play(story, state, "oracle")
    assert "oracle" not in [o.choice.id for o in engine.offers(story, state)]
    # a shared scene that returns where it was called from
    state = play(story, state, "well", "back")
    assert state.scene == "square"
    state = play(story, state, "lane", "well", "back")
    assert state.scene == "lane"
    # a counter, read by text and a condition
    state = play(story, state, "well")
    assert engine.value(story, state, "visits") == 3
    assert "This is your 3rd visit." in engine.scene_text(story, state)
    assert "you are a regular now" in engine.scene_text(story, state)
    state = play(story, state, "wish")
    assert state.scene == "lane" and engine.value(story, state, "coins") == 1
    state = play(story, state, "square", "work", "work", "home")
    assert state.ending == "home"
    assert engine.ending_text(story, state) == "You walk home with 3 coins and the oracle's words."
    assert engine.remembered(story, state) == ["Heard the oracle", "Made a wish at the well"]


def test_remembering_behaves_as_documented(tmp_path: Path, capsys) -> None:
    from adventure.analysis.explore import explore
    from adventure.cli import main
    from adventure.story.compiled import compiled

    story = load(tmp_path, "memory")
    assert explore(story).broken_assumptions == []
    state = play(story, engine.new_run(story, seed=1).state, "wait")
    assert engine.scene_text(story, state) == "Papá holds out the keys to the truck. He is still holding them out."
    gave = play(story, state, "give_back")
    assert engine.scene_text(story, gave) == "Your pockets are empty. Papá nods at you."
    assert enabled(story, gave) == ["leave"]
    kept = play(story, state, "keep")
    assert engine.scene_text(story, kept) == "The keys are warm in your pocket."
    miles, shown = story.stat("miles"), compiled(story).shown
    assert not shown(miles, state.values) and not shown(miles, gave.values) and shown(miles, kept.values)
    assert engine.ending_text(story, play(story, kept, "truck", "drive")) == "You drive off in Papá's truck."
    # the documented mistake, and the documented answer
    folder = Path(story.root)
    assert main(["check", "--no-cache", str(folder)]) == 0
    remembers = "remembers 4: chose(keep), seen(porch), chose(porch.keep), chose(give_back)"
    assert remembers in " ".join(capsys.readouterr().out.split())
    assert remembers in " ".join(DOC.read_text(encoding="utf-8").split())
    path = folder / "porch.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('        if: "chose(keep)"\n', ""), encoding="utf-8")
    assert main(["check", "--explore", "--no-cache", str(folder)]) == 1
    out = "".join(capsys.readouterr().out.split())  # the terminal wraps where it likes
    (shown,) = re.findall(r"```console\n(✗ scene 'truck'.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert "".join(shown.replace("memory/", f"{folder}/").split()) in out


def test_roads_are_warned_about_as_documented(tmp_path: Path, capsys) -> None:
    from adventure.cli import main

    story = load(tmp_path, "roads")
    assert main(["check", "--explore", "--no-cache", story.root]) == 0
    out = "".join(capsys.readouterr().out.split())
    (shown,) = re.findall(r"```console\n(Inert choices.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert "".join(shown.split()) in out
    path = Path(story.root) / "board.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("add: {russian: 1}", "add: {russian: 2}"), encoding="utf-8")
    assert main(["check", "--explore", "--json", "--no-cache", story.root]) == 0
    assert not any(f["code"] == "MM618" for f in json.loads(capsys.readouterr().out)["explore"]["findings"])


def is_run_excerpt(body: str) -> bool:
    """A block from a run file (``start:`` of a sandbox run), not from a story."""
    from adventure.saves import runfile

    data = yaml.safe_load(body)
    return (isinstance(data, dict) and set(data) <= {*runfile._KEYS, *runfile._OPTIONAL}
            and isinstance(data.get("start"), dict))


def part_blocks() -> list[tuple[str | None, str]]:
    """Every yaml block that is not a ``# file:`` block, with the part its ``# part:`` line names."""
    result = []
    for lang, body in blocks():
        if lang != "yaml" or body.startswith("# file: ") or is_run_excerpt(body):
            continue
        match = re.search(r"^# part: (\w+)$", body, re.M)
        result.append((match.group(1) if match else None, body))
    return result


@pytest.mark.parametrize("part, body", part_blocks(), ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "")
def test_every_other_yaml_example_fits_the_schema(part, body):
    schema = story_schema()
    target = {"$defs": schema["$defs"], "$ref": f"#/$defs/{part}"} if part else schema
    data = yaml.safe_load(body)
    errors = [e.message for e in jsonschema.Draft202012Validator(target).iter_errors(data)]
    assert errors == [], body


def test_there_are_part_examples_and_json_examples_parse():
    parts = [p for p, _ in part_blocks()]
    assert {"presentation", "choice", "scene", None} <= set(parts)
    for lang, body in blocks():
        if lang == "json":
            json.loads(body)


def test_run_file_excerpts_use_run_file_fields():
    from adventure.saves import runfile

    excerpts = [body for lang, body in blocks() if lang == "yaml" and is_run_excerpt(body)]
    assert excerpts  # the sandbox run's `start:` (tests/test_sandbox.py replays it)
    for body in excerpts:
        assert set(yaml.safe_load(body)) <= {*runfile._KEYS, *runfile._OPTIONAL}, body


def test_the_spanish_catalogue_of_the_example_loads(tmp_path: Path) -> None:
    from adventure.i18n.translate import check_translation

    story = load(tmp_path, "")
    (catalogue,) = re.findall(r"```po\n# file: locale/es.po\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    (Path(story.root) / "locale").mkdir()
    (Path(story.root) / "locale" / "es.po").write_text(catalogue, encoding="utf-8")
    report = check_translation(story, "es")
    assert report.errors == [], [str(e) for e in report.errors]
    assert report.counts.translated == 4 and report.counts.missing == report.counts.total - 4
    spanish = report.story
    assert spanish is not None
    state = engine.new_run(spanish, seed=1).state
    state = engine.take(spanish, state, "study").state
    assert engine.scene_text(spanish, state).startswith("Los números de anoche")
    assert next(o.label for o in engine.offers(spanish, state)) == "Pizca otro surco"
    for choice in ["pick", "pick", "pick", "pick", "pick", "ask"]:
        state = engine.take(spanish, state, choice).state
    assert engine.ending_text(spanish, state) == (
        "Vuelves al salón de la maestra Young con unos ahorros y 5 surcos a tus espaldas.")
