"""A stat's words for zero (``zero:``) and ``{shown(stat)}``: "$0k" read as a typo in prose (L9)."""

from __future__ import annotations

import io

import pytest
from storybuilder import CHAPTER, STORY, write_story

from adventure.run import engine
from adventure.story.loader import check_story, load_story
from adventure.ui import render
from adventure.ui.console import make_console

SAVINGS = "  savings: {type: int, initial: 2, min: 0, max: 6, label: Savings, show: true, prefix: $, suffix: k, zero: no savings}\n"
SPEND = CHAPTER.replace("""      - id: train
        label: Train
        effects:
          - add: {skill: 1}
        goto: a""", """      - id: train
        label: "Spend a thousand ({shown(savings)} left)"
        effects:
          - subtract: {savings: 1}
        goto: a""").replace("text: Scene A, skill {skill}.", "text: The bank book says {shown(savings)}; raw {savings}.")


def shown_story(tmp_path, chapter=SPEND):
    write_story(tmp_path, STORY.replace("stats:\n", "stats:\n" + SAVINGS), chapter)
    return load_story(tmp_path)


def text_of(renderable, width=100) -> str:
    console = make_console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_zero_is_worded_in_status_changes_prose_and_labels(tmp_path):
    story = shown_story(tmp_path)
    state = engine.new_run(story, 1).state
    assert engine.scene_text(story, state) == "The bank book says $2k; raw 2."
    assert engine.offers(story, state)[0].label == "Spend a thousand ($2k left)"
    events = []
    for _ in range(2):
        outcome = engine.take(story, state, "train")
        state, events = outcome.state, [*events, *outcome.events]
    assert engine.scene_text(story, state) == "The bank book says no savings; raw 0."
    assert "Savings $1k → no savings" in str(render.changes_line(story, events))
    status = text_of(render.status_panel(story, state))
    assert "no savings" in status and "$0k" not in status
    assert story.stat("savings").display(1) == "$1k" and story.stat("savings").display(0) == "no savings"


def test_without_zero_a_stat_reads_as_before(tmp_path):
    story = shown_story(tmp_path)
    plain = story.stat("skill")
    assert plain.zero is None and plain.display(0) == "0"


def test_shown_takes_a_stats_name_only(tmp_path):
    bad = SPEND.replace("{shown(savings)};", "{shown(savings + 1)};")
    write_story(tmp_path, STORY.replace("stats:\n", "stats:\n" + SAVINGS), bad)
    report = check_story(tmp_path, cache=False)
    found = [d for d in report.errors if "`shown` takes a stat's name" in d.message]
    assert found and found[0].file.endswith("one.yaml") and found[0].line == 7 and found[0].code.startswith("MM3"), report.errors


def test_the_shipped_savings_say_zero_without_the_k(shipped_story):
    """The shipped story words no savings as "$0": short enough to keep the status columns narrow."""
    from adventure.base.resources import default_scenes_dir
    from adventure.i18n.translate import translate_story

    state = engine.new_run(shipped_story, 1).state
    assert engine.value(shipped_story, state, "savings") == 0
    status = text_of(render.status_panel(shipped_story, state))
    assert "$0k" not in status and shipped_story.stat("savings").display(0) == "$0"
    assert shipped_story.stat("savings").display(3) == "$3k"
    spanish = translate_story(load_story(default_scenes_dir()), "es")
    assert spanish.stat("savings").display(0) == "US$0"  # a Mexican reads a bare "$" as pesos
    assert spanish.stat("savings").display(3) == "US$3 mil"


@pytest.mark.parametrize("width", [40, 80, 120])
def test_status_golden_with_zero(tmp_path, width):
    """The value column is as wide as the zero words, so the panel keeps its width as savings move."""
    story = shown_story(tmp_path)
    state = engine.new_run(story, 1).state
    two = text_of(render.status_panel(story, state), width)
    for _ in range(2):
        state = engine.take(story, state, "train").state
    zero = text_of(render.status_panel(story, state), width)
    assert [len(line) for line in two.splitlines()] == [len(line) for line in zero.splitlines()]
    assert "no savings" in zero and "$2k" in two


@pytest.mark.parametrize(("lang", "says", "never"), [("en", "The bank book says $0.", "$0k"),
                                                      ("es", "La libreta del banco dice US$0.", "$0k")])
def test_the_shipped_prose_words_the_bank_book_as_the_status_does(command, tmp_path, lang, says, never):
    """PLAYTEST: "The bank book says $0k" read as a typo; the prose now asks the stat how it reads."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in {"LANG", "LC_ALL", "LANGUAGE", "LC_MESSAGES"}}
    env.update(MILLION_MILES_SAVE_DIR=str(tmp_path / "saves"), COLUMNS="400")
    done = subprocess.run([command, "play", "--plain", "--lang", lang, "--start", "had_hub", "--set", "savings=0",
                           "--set", "year=1990"], input="", capture_output=True, text=True, env=env, timeout=60)
    text = " ".join(done.stdout.split())
    assert says in text and never not in text, text[:2000]
