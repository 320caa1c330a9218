"""A stat's ``show:`` condition: shown in the status panel, the changes line and the run
summary only once it means something (a restaurant before there is a wife to open it).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from adventure.base.errors import StoryLoadError
from adventure.cli import main
from adventure.run import engine
from adventure.story.loader import load_story
from adventure.ui import render
from adventure.ui.console import make_console
from tests.storybuilder import write_story

STORY = """\
format: 1
id: kitchen
title: The Kitchen
start: home
chapters:
  - one.yaml
stats:
  restaurant: {type: bool, initial: false, label: Restaurant, show: "married"}
  hope: {type: int, initial: 1, min: 0, max: 5, label: Hope, show: true}
  married: {type: bool, initial: false, label: Married}
  letters: {type: int, initial: 0, min: 0, max: 5, label: Letters, show: "seen(home)", group: family}
endings:
  - id: done
    title: Done
    text: "{if restaurant}The restaurant is open.{else}The end.{end}"
"""

CHAPTER = """\
chapter:
  id: one
  title: One
scenes:
  - id: home
    title: Home
    text: "Home."
    choices:
      - id: marry
        label: Marry
        effects:
          - set: {married: true}
          - add: {hope: 1}
        goto: home
      - id: open
        label: Open the restaurant
        if: "married"
        effects:
          - set: {restaurant: true}
        goto: home
      - id: write
        label: Write a letter
        effects:
          - add: {letters: 1}
          - set: {restaurant: true}
        goto: home
      - id: stop
        label: Stop
        ending: done
"""


def rendered(renderable, width: int = 100) -> str:
    console = make_console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(renderable)
    return console.file.getvalue()


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_story(tmp_path / "kitchen", STORY, CHAPTER)


@pytest.fixture
def story(folder):
    return load_story(folder, cache=False)


def play(story, *choices: str):
    outcome = engine.new_run(story, 1)
    for choice in choices:
        outcome = engine.take(story, outcome.state, choice)
    return outcome


def test_the_condition_is_read_with_every_stat_known(story):
    restaurant = story.stat("restaurant")
    assert restaurant.show and restaurant.show_if is not None
    assert story.stat("hope").show_if is None
    assert [m.key for m in story.memos] == ["seen(home)"]


@pytest.mark.parametrize("plain", [True, False])
def test_the_status_panel_shows_a_stat_only_while_its_condition_holds(story, plain):
    start = play(story).state
    before = rendered(render.status_panel(story, start, plain=plain))
    assert "Hope" in before and "Restaurant" not in before and "Letters" not in before
    after = rendered(render.status_panel(story, play(story, "marry").state, plain=plain))
    assert "Restaurant" in after and "Letters" in after


def test_the_status_line_follows_the_condition(story):
    assert "Restaurant" not in rendered(render.status_line(story, play(story).state))
    assert "Restaurant" in rendered(render.status_line(story, play(story, "marry").state))


def test_the_changes_line_leaves_out_a_stat_that_is_not_shown_yet(story):
    outcome = play(story, "write")  # sets the restaurant before any marriage: it means nothing yet
    line = rendered(render.changes_line(story, outcome.events, plain=True, values=outcome.state.values))
    assert "Letters 0 to 1" in line and "Restaurant" not in line
    outcome = engine.take(story, play(story, "marry").state, "open")
    line = rendered(render.changes_line(story, outcome.events, plain=True, values=outcome.state.values))
    assert "Restaurant no to yes" in line


def test_the_run_summary_lists_a_stat_only_if_it_came_to_mean_something(story):
    unmarried = play(story, "stop").state
    assert "Restaurant" not in rendered(render.run_summary(story, unmarried, plain=True))
    married = play(story, "marry", "open", "stop").state
    assert "Restaurant: from no to yes" in rendered(render.run_summary(story, married, plain=True))


def test_play_shows_the_stat_once_it_means_something(folder, command):
    import subprocess

    out = subprocess.run([command, "play", "--scenes", str(folder), "--plain", "--no-save", "--no-cache"],
                         input="status\nmarry\nstatus\n", capture_output=True, text=True, timeout=60).stdout
    before, after = out.split("> marry", 1)
    assert "Status:\nHope 1\n" in before and "Restaurant" not in before
    assert "Status:\nRestaurant no, Hope 2\nFamily: Letters 0\n" in after


@pytest.mark.parametrize("show, code, message", [
    ("3", "MM204", "'show' of stat 'restaurant' must be true, false or a condition in quotes, found a number"),
    ('"hope + 1"', "MM302", "a condition must be true or false"),
    ('"marryed"', "MM303", "unknown stat `marryed`"),
])
def test_a_bad_show_is_a_located_error(tmp_path, show, code, message):
    folder = write_story(tmp_path / "bad", STORY.replace('show: "married"', f"show: {show}"), CHAPTER)
    with pytest.raises(StoryLoadError) as caught:
        load_story(folder, cache=False)
    (error,) = caught.value.diagnostics
    assert (error.code, error.line) == (code, 8)
    assert message in error.message


def test_the_schema_accepts_a_condition(capsys):
    import jsonschema
    import yaml

    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(yaml.safe_load(STORY))) == []
