"""The holes `check` used to let through (issue 9 §2), each reported at its culprit's file:line.

Each case is a small story written next to its assertion: the chapter (or story file)
text, then the code, file, line and words the report must carry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from storybuilder import STORY, write_story

from adventure.story.loader import check_story

SCENE_HEAD = """\
chapter:
  id: one
  title: One
scenes:
  - id: a
    title: A
    text: Scene A, skill {skill}.
    choices:
"""
FINISH = """\
      - id: finish
        label: Finish
        if: "skill >= 2 and brave and name != \\"\\""
        ending: done
"""


def chapter(*choices: str) -> str:
    """Scene ``a`` (choices start on line 9) with the given choices and a way to finish."""
    return SCENE_HEAD + "".join(choices) + FINISH


CASES = {
    "set literal outside the range": (
        chapter("""\
      - id: hurt
        label: Get hurt
        effects:
          - set: {skill: 7}
        goto: a
"""), "one.yaml", "MM215", 12, "outside its range 0..3", "0 to 3", "error"),
    "add that can only clamp": (
        chapter("""\
      - id: train
        label: Train hard
        effects:
          - add: {skill: 5}
        goto: a
"""), "one.yaml", "MM262", 12, "always clamps: the result is always 3", "set: {skill: 3}", "warning"),
    "subtract that can only clamp": (
        chapter("""\
      - id: rest
        label: Rest
        effects:
          - subtract: {skill: 4}
        goto: a
"""), "one.yaml", "MM262", 12, "always 0", "set: {skill: 0}", "warning"),
    "locked without if": (
        chapter("""\
      - id: gate
        label: Open the gate
        locked: "It is barred."
        goto: a
"""), "one.yaml", "MM263", 11, "never locked", "add the condition", "warning"),
    "braces in a text value are a template": (
        chapter("""\
      - id: rename
        label: Take a title
        effects:
          - set: {name: "Keeper {nope}"}
        goto: a
"""), "one.yaml", "MM303", 12, "unknown stat `nope`", "declare it", "error"),
    "a word compared without quotes": (
        chapter("""\
      - id: greet
        label: Greet
        if: "name == Mara"
        goto: a
"""), "one.yaml", "MM303", 11, "unknown stat `Mara`", 'quote it: "Mara"', "error"),
    "sub instead of subtract": (
        chapter("""\
      - id: rest
        label: Rest
        effects:
          - sub: {skill: 1}
        goto: a
"""), "one.yaml", "MM212", 12, "unknown effect 'sub'", "did you mean 'subtract'?", "error"),
    "raw PyYAML wording": (
        chapter("""\
      - id: rest
        label: Rest: a while
        goto: a
"""), "one.yaml", "MM101", 10, "did not expect a 'key:' here", "quote a value", "error"),
    "tab in the indentation": (
        chapter("""\
      - id: rest
\tlabel: Rest
        goto: a
"""), "one.yaml", "MM101", 10, "a tab character", "spaces", "error"),
    "unquoted brace at the start of a value": (
        chapter("""\
      - id: rest
        label: {skill} more
        goto: a
"""), "one.yaml", "MM101", 10, "read by YAML as a mapping", "quote the whole value", "error"),
    "scene text beyond one screenful": (
        SCENE_HEAD.replace("Scene A, skill {skill}.", "word " * 150 + "{if brave}" + "more " * 40 + "{end}")
        + FINISH, "one.yaml", "MM264", 7, "190 words, more than one screenful (180 words)", "split", "warning"),
}


def report_of(tmp_path: Path, chapter_text: str, story_text: str = STORY):
    return check_story(write_story(tmp_path, story=story_text, chapter=chapter_text))


@pytest.mark.parametrize("name", list(CASES))
def test_each_hole_is_reported_at_its_culprit(tmp_path, name):
    text, file, code, line, message, hint, severity = CASES[name]
    report = report_of(tmp_path, text)
    found = [d for d in [*report.errors, *report.warnings] if d.code == code]
    assert len(found) == 1, [str(d) for d in [*report.errors, *report.warnings]]
    diag = found[0]
    assert Path(diag.file).name == file and diag.line == line, str(diag)
    assert message in diag.message and hint in (diag.hint or ""), str(diag)
    assert diag.severity == severity
    if severity == "warning":
        assert report.errors == [], [str(e) for e in report.errors]


def test_a_text_value_is_a_template(tmp_path):
    from adventure.run import engine

    text = chapter("""\
      - id: rename
        label: Take a title
        effects:
          - set: {name: "Keeper {name} of {skill + 1} {plural(skill + 1, \\"lamp\\", \\"lamps\\")}"}
          - set: {brave: true, skill: 2}
        goto: a
""")
    report = report_of(tmp_path, text)
    assert report.ok, [str(e) for e in report.errors]
    story = report.story
    state = engine.take(story, engine.new_run(story, 1).state, "rename").state
    assert engine.value(story, state, "name") == "Keeper Ana of 1 lamp"


def test_a_broken_stat_gives_one_error_not_a_cascade(tmp_path):
    """Regression: a stat with a bad range made every condition and effect reading it an error too."""
    story = STORY.replace("skill: {type: int, initial: 0, min: 0, max: 3,", "skill: {type: int, initial: 0, min: 5, max: 3,")
    text = chapter("""\
      - id: train
        label: Train ({skill})
        if: "skill < 3"
        effects:
          - add: {skill: 1}
        goto: a
""")
    report = report_of(tmp_path, text, story)
    assert [e.code for e in report.errors] == ["MM206"], [str(e) for e in report.errors]
    assert Path(report.errors[0].file).name == "story.yaml" and report.errors[0].line == 8


def test_a_stat_with_a_bad_type_is_still_known_by_name(tmp_path):
    story = STORY.replace("brave: {type: bool,", "brave: {type: boolean,")
    report = report_of(tmp_path, chapter(), story)
    assert [e.code for e in report.errors] == ["MM204"], [str(e) for e in report.errors]
    assert "did you mean 'bool'" in (report.errors[0].hint or "")


def test_type_errors_still_show_for_a_broken_stat_whose_type_is_known(tmp_path):
    """Knowing the broken stat's type keeps checking what is written about it."""
    story = STORY.replace("skill: {type: int, initial: 0, min: 0, max: 3,", "skill: {type: int, initial: 9, min: 0, max: 3,")
    text = chapter("""\
      - id: odd
        label: Odd
        if: "skill and brave"
        goto: a
""")
    codes = sorted(e.code for e in report_of(tmp_path, text, story).errors)
    assert codes == ["MM206", "MM302"]


@pytest.mark.parametrize("word, meant", [("sub", "subtract"), ("minus", "subtract"), ("substract", "subtract"),
                                          ("inc", "add"), ("increase", "add"), ("sett", "set")])
def test_unknown_effect_words_suggest_the_operation(word, meant):
    from adventure.story.builder import effect_hint

    assert effect_hint(word) == f"did you mean '{meant}'?"
