"""``million-miles saves``: the listing for people and for machines."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from io import StringIO

from adventure.cli import main
from adventure.cli.saves import print_slots
from adventure.run import engine
from adventure.saves.store import SaveStore, record_for
from adventure.ui.console import make_console

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def _fill(store, story):
    state = engine.new_run(story, 3).state
    store.write(record_for(story, state, "start", now=T0))
    for choice in ["pick", "pick", "key", "open", "wait", "wait", "wait", "run", "fly"]:
        state = engine.take(story, state, choice).state
    store.write(record_for(story, state, "finished", now=T0.replace(hour=13)))
    (store.directory / "broken.yaml").write_text("format: 1\nstory: [\n")


def test_saves_json(tmp_path, mini_story, capsys):
    store = SaveStore(tmp_path)
    _fill(store, mini_story)
    assert main(["saves", "--save-dir", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    slots = {s["name"]: s for s in data["slots"]}
    assert [s["name"] for s in data["slots"] if not s["error"]] == ["finished", "start"]  # newest first
    assert slots["finished"]["ending"] == "sky" and slots["finished"]["steps"] == 9
    assert slots["start"]["chapter"] == "orchard" and slots["start"]["ending"] is None
    assert slots["broken"]["error"] and "broken.yaml" in slots["broken"]["error"]


def test_saves_table_uses_story_titles(tmp_path, mini_story):
    store = SaveStore(tmp_path)
    _fill(store, mini_story)
    console = make_console(file=StringIO(), width=100, color_system=None)
    print_slots(console, tmp_path, store.slots(), mini_story)
    out = console.file.getvalue()
    assert "The Orchard" in out and "★ The Sky" in out and "unreadable" in out
    assert "broken: " in out and "last played" in out


def test_saves_env_dir_and_empty(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path / "nothing"))
    assert main(["saves"]) == 0
    assert "No saved games" in capsys.readouterr().out
    assert main(["saves", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["slots"] == []


def test_saves_at_40_columns_is_a_readable_list_with_the_runs_own_story(tmp_path, mini_dir, monkeypatch, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("1\nquit\n"))
    assert main(["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]) == 0
    (tmp_path / "broken.yaml").write_text("format: [\n")
    capsys.readouterr()
    monkeypatch.setenv("COLUMNS", "40")
    assert main(["saves", "--save-dir", str(tmp_path)]) == 0  # no --scenes: the run names its folder
    out = capsys.readouterr().out
    assert all(len(line) <= 40 for line in out.splitlines()), out
    assert "The Orchard · 1 step" in out and "unreadable: MM502" in out and "┃" not in out


def _lighthouse_slots(tmp_path):
    from pathlib import Path

    from adventure.story.loader import load_story

    story = load_story(Path(__file__).parent / "fixtures" / "lighthouse")
    store = SaveStore(tmp_path)
    state = engine.new_run(story, 3).state
    store.write(record_for(story, state, "run-20260301-120000", now=T0))
    return story, store


def test_saves_at_40_columns_shows_the_storys_columns_and_keeps_each_detail_whole(tmp_path):
    """Issue 10: readable at 40 columns ('2026-03-01 12:00' never split); issue 9: the story's own columns."""
    story, store = _lighthouse_slots(tmp_path)
    console = make_console(file=StringIO(), width=40, color_system=None)
    print_slots(console, tmp_path, store.slots(), story)
    out = console.file.getvalue()
    assert all(len(line) <= 40 for line in out.splitlines()), out
    when = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    assert when in out, out
    assert "Night 1" in out and "Oil 2 casks" in out, out


def test_saves_table_at_80_columns_keeps_the_date_whole(tmp_path):
    story, store = _lighthouse_slots(tmp_path)
    console = make_console(file=StringIO(), width=80, color_system=None)
    print_slots(console, tmp_path, store.slots(), story)
    out = console.file.getvalue()
    when = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    assert when in out and "run-20260301-120000" in out, out
