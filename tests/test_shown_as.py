"""A stat's words around its number, per language (``shown_as``): "$4k" in English, "4 mil dólares" in Spanish.

"$4k" is English shorthand and a reader in Mexico reads a bare "$" as pesos (review item 8).
The words come from story.yaml and are translated through the story's catalogue; every place
that shows a stat's value (status, changes, summary, saves, ``{shown(stat)}``) uses them.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from storybuilder import CHAPTER, STORY, write_story

from adventure.cli import main
from adventure.i18n.translate import translate_story
from adventure.run import engine
from adventure.story.loader import check_story, load_story
from adventure.story.model import shown_as_problem
from adventure.ui import render
from adventure.ui.console import make_console

DOC = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"
SECTION = DOC.read_text(encoding="utf-8").split("#### Numbers in each language", 1)[1].split("\n## ", 1)[0]
EXAMPLE_STAT = yaml.safe_load(re.search(r"```yaml\n# part: stat\n(.*?)```", SECTION, re.S).group(1))
EXAMPLE_PO = re.search(r"```po\n(.*?)```", SECTION, re.S).group(1)
"""The documented example: the stat and its Spanish catalogue entries, tested as written."""

SPEND = CHAPTER.replace("""      - id: train
        label: Train
        effects:
          - add: {skill: 1}
        goto: a""", """      - id: train
        label: "Spend ({shown(savings)} left)"
        effects:
          - subtract: {savings: 1}
        goto: a""").replace("text: Scene A, skill {skill}.", "text: The bank book says {shown(savings)}.")

PO_HEADER = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"

'''


def savings_line(**stat: object) -> str:
    fields = {"type": "int", "initial": 2, "min": 0, "max": 9, "label": "Savings", "show": True, **stat}
    return "  savings: " + yaml.safe_dump(fields, default_flow_style=True, allow_unicode=True, width=10**6)


def story_dir(tmp_path: Path, po: str | None = None, **stat: object) -> Path:
    root = write_story(tmp_path / "story", STORY.replace("stats:\n", "stats:\n" + savings_line(**stat)), SPEND)
    if po is not None:
        (root / "locale").mkdir()
        (root / "locale" / "es.po").write_text(PO_HEADER + po, encoding="utf-8")
    return root


def text_of(renderable, width: int = 100) -> str:
    console = make_console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def spend(story, times: int):
    state, events = engine.new_run(story, 1).state, []
    for _ in range(times):
        outcome = engine.take(story, state, "train")
        state, events = outcome.state, [*events, *outcome.events]
    return state, events


def test_the_documented_example_reads_in_english_and_in_spanish(tmp_path):
    root = story_dir(tmp_path, EXAMPLE_PO, **{**EXAMPLE_STAT, "initial": 2})
    english, spanish = load_story(root), translate_story(load_story(root), "es")
    assert english.stat("savings").display(4) == "$4k" and english.stat("savings").display(0) == "no savings"
    assert spanish.stat("savings").display(4) == "4 mil dólares"
    assert spanish.stat("savings").display(0) == "nada ahorrado"


def test_every_place_a_value_shows_uses_the_words(tmp_path):
    po = EXAMPLE_PO + '\nmsgctxt "scene:a:text"\nmsgid "The bank book says {shown(savings)}."\n' \
                      'msgstr "La libreta dice {shown(savings)}."\n'
    story = translate_story(load_story(story_dir(tmp_path, po, **{**EXAMPLE_STAT, "initial": 2})), "es")
    start = engine.new_run(story, 1).state
    assert engine.scene_text(story, start) == "La libreta dice 2 mil dólares."
    assert engine.offers(story, start)[0].label == "Spend (2 mil dólares left)"
    state, events = spend(story, 2)
    assert "Savings 2 mil dólares → 1 mil dólares" in str(render.changes_line(story, events[:2]))
    assert "1 mil dólares → nada ahorrado" in str(render.changes_line(story, events))
    assert "nada ahorrado" in text_of(render.status_panel(story, state))
    assert "Savings: 2 mil dólares → nada ahorrado" in text_of(render.run_summary(story, state))


def test_the_saves_list_shows_the_words(tmp_path, monkeypatch, capsys):
    root = story_dir(tmp_path, None, shown_as="US${value} mil")
    (root / "story.yaml").write_text((root / "story.yaml").read_text() + "presentation:\n  saves_columns: [savings]\n")
    monkeypatch.setenv("COLUMNS", "200")
    saves = tmp_path / "saves"
    monkeypatch.setattr("sys.stdin", io.StringIO("1\nsave mine\nquit\n"))
    assert main(["play", "--plain", "--scenes", str(root), "--save-dir", str(saves), "--seed", "1"]) == 0
    capsys.readouterr()
    assert main(["saves", "--scenes", str(root), "--save-dir", str(saves)]) == 0
    assert "US$1 mil" in capsys.readouterr().out


@pytest.mark.parametrize(("words", "needle"), [
    ("$k", "exactly once"), ("{value}{value}", "exactly once"), ("{value} {other}", "no brace"),
    ("{value.__class__}", "exactly once"), ("{{value}}", "no brace"), ("}{value}", "no brace"),
])
def test_words_without_value_once_are_mm220_at_their_line(tmp_path, words, needle):
    report = check_story(story_dir(tmp_path, None, shown_as=words), cache=False)
    (error,) = [e for e in report.errors if e.code == "MM220"]
    assert needle in error.message and Path(error.file).name == "story.yaml" and error.line == 8
    assert error.column > 1


def test_shown_as_beside_prefix_is_mm220(tmp_path):
    report = check_story(story_dir(tmp_path, None, shown_as="${value}k", prefix="$"), cache=False)
    assert [e.code for e in report.errors] == ["MM220"] and "both 'shown_as' and 'prefix'" in report.errors[0].message


def test_a_translation_without_value_is_mm709_in_the_po_file(tmp_path, capsys):
    po = 'msgctxt "stat:savings:shown_as"\nmsgid "${value}k"\nmsgstr "mil dólares"\n'
    root = story_dir(tmp_path, po, shown_as="${value}k")
    assert main(["check", "--json", str(root)]) == 1
    (error,) = json.loads(capsys.readouterr().out)["errors"]
    assert error["code"] == "MM709" and error["file"].endswith("locale/es.po") and error["line"] == 8
    assert translate_story(load_story(root), "es").stat("savings").display(4) == "$4k"  # that string stays English


def test_the_shipped_savings_read_in_us_dollars_in_spanish(shipped_story):
    spanish = translate_story(shipped_story, "es")
    assert shipped_story.stat("savings").display(4) == "$4k"
    assert spanish.stat("savings").display(4) == "US$4 mil" and "$0k" not in spanish.stat("savings").display(0)


@given(st.text(max_size=40), st.text(max_size=40), st.integers(min_value=-(10**6), max_value=10**6))
def test_any_valid_words_put_the_number_where_value_was(before, after, number):
    words = before + "{value}" + after
    if shown_as_problem(words) is not None:
        return
    from adventure.story.expr import StatType
    from adventure.story.model import Stat

    stat = Stat("s", StatType.INT, 0, "S", 0, shown_as=words)
    assert stat.display(number) == f"{before}{number}{after}"
