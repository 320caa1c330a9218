"""The three reports as renderables (``saves``, ``check``, ``check --explore``): golden text at 40, 80 and 120
columns, each laid out by the width it is printed at, and their JSON as the commands print it.

Set ``UPDATE_GOLDEN=1`` to rewrite the files under ``tests/golden/reports`` after a deliberate change.
"""

from __future__ import annotations

import io
import json
import os
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.cli._args import json_document
from adventure.cli.check import CheckResult, check_translations, checked_line
from adventure.cli.explore_report import ExploreReport, run_explore
from adventure.cli.saves import SlotsListing
from adventure.run import engine
from adventure.saves.store import SaveStore, SlotSummary, record_for
from adventure.story.loader import check_story, load_story
from adventure.ui.console import make_console

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "reports"
FIXTURES = HERE / "fixtures"
WIDTHS = (40, 80, 120)
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    """Dates show in local time: pin it, so the goldens hold on any machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _rendered(renderable, width: int) -> str:
    console = make_console(file=io.StringIO(), width=width)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"


def _without_checked_line(result: CheckResult, width: int) -> str:
    """The report after its first line, which names the folder by its absolute path (it differs per checkout)."""
    text, head = _rendered(result, width), _rendered(checked_line(result.folder, result.report), width)
    assert text.startswith(head)
    return text[len(head):]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def _listing(tmp_path) -> SlotsListing:
    story = load_story(FIXTURES / "lighthouse")
    store = SaveStore(tmp_path)
    state = engine.new_run(story, 3).state
    store.write(record_for(story, state, "run-20260301-120000", now=T0))
    store.write(record_for(story, engine.take(story, state, engine.offers(story, state)[0].choice.id).state,
                           "before-the-storm", now=T0))
    slots = tuple(replace(s, path=Path("/saves") / s.path.name) for s in store.slots())
    broken = SlotSummary("torn", Path("/saves/torn.yaml"), T0, error="the file is not YAML", code="MM502", backup=True)
    return SlotsListing(Path("/saves"), (*slots, broken), (Path("/saves/torn.yaml.damaged-1"),), story)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_saves_listing_at_each_width(tmp_path, width):
    text = _rendered(_listing(tmp_path), width)
    assert all(len(line) <= width for line in text.splitlines()), text
    if width != 80:  # a table where it fits (the story's own columns need more than 80), a block per slot else
        assert ("┏" in text) is (width == 120)
    _golden(f"saves-{width}.txt", text)


def test_the_saves_listing_plain_is_blocks_at_any_width(tmp_path):
    text = _rendered(replace(_listing(tmp_path), plain=True), 120)
    assert "┏" not in text and "torn  checkpoint\n  unreadable: MM502 the file is not YAML  (a backup exists)" in text


def test_the_saves_json_is_the_listing_to_json(tmp_path, capsys):
    store = SaveStore(tmp_path)
    story = load_story(FIXTURES / "lighthouse")
    store.write(record_for(story, engine.new_run(story, 3).state, "run-20260301-120000", now=T0))
    assert main(["saves", "--json", "--save-dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == json_document(SlotsListing(tmp_path, tuple(store.slots())).to_json())


def _check(folder: Path, *, explore: bool = False) -> CheckResult:
    report = check_story(folder)
    result = CheckResult(folder, report, tuple(check_translations(report, strict=False)))
    if explore:
        assert report.story is not None
        outcome = replace(run_explore(report.story, True, 200_000, None, 0), seconds=0.0, random_seconds=0.0)
        result = replace(result, explored=ExploreReport.of(report.story, outcome))
    return result


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("story", "explore"), [("mini", False), ("broken", False), ("mini", True), ("lighthouse", True),
                                                 ("analysis/flawed", True)])
def test_the_check_report_at_each_width(story, explore, width, monkeypatch):
    monkeypatch.chdir(HERE.parent)  # the report names files as the folder was given: relative, the same everywhere
    text = _without_checked_line(_check(Path("tests/fixtures") / story, explore=explore), width)
    assert all(len(line) <= width for line in text.splitlines()), text
    name = story.replace("/", "-") + ("-explore" if explore else "")
    _golden(f"check-{name}-{width}.txt", text)


def test_the_chapter_table_gives_way_to_sentences_where_it_would_cut_a_word():
    """At 40 columns the old table cut "chapter" to "chapt…" and "The Orchard" to "Orcha…"."""
    narrow, wide = (_without_checked_line(_check(FIXTURES / "mini"), width) for width in (40, 80))
    assert "Chapter 1: The Orchard (one.yaml): 1\nscene, 4 choices" in narrow and "…" not in narrow
    assert "│ 1 │ The Orchard │ one.yaml │" in wide


@pytest.mark.parametrize("story", ["mini", "analysis/flawed"])
def test_the_check_json_is_the_result_to_json(story, capsys):
    folder = FIXTURES / story
    code = main(["check", "--explore", "--max-states", "200000", "--json", str(folder)])
    printed = json.loads(capsys.readouterr().out)
    result = _check(folder, explore=True)
    assert code == result.exit_code
    expected = json.loads(json_document(result.to_json()))
    for data in (printed, expected):  # timings differ from run to run
        data["explore"]["seconds"] = 0
    assert printed == expected and list(printed) == list(expected)
    assert list(printed["explore"]) == list(expected["explore"])
