"""The checker's holes an author hit (issue 20 §2), each a story next to what must be reported."""

from __future__ import annotations

from pathlib import Path

from storybuilder import CHAPTER, STORY, write_story

from adventure.cli import main
from adventure.story.loader import check_story

COMPUTED = STORY.replace(
    '  name: {type: text, initial: "Ana", label: Name}\n',
    '  night: {type: int, initial: "0", min: 0, max: 9, label: Night}\n'
    '  days: {type: int, compute: "night * 3", min: 0, max: 27, label: Days, show: true}\n'
    '  name: {type: text, initial: "Ana", label: Name}\n',
)  # the broken stat's placeholder slot was the last one: a text stat, so night * 3 failed


def test_a_quoted_initial_read_by_a_computed_stat_is_a_located_error(tmp_path: Path, capsys) -> None:
    story = write_story(tmp_path / "s", COMPUTED)
    report = check_story(story, cache=False)
    assert [(d.code, d.line) for d in report.errors] == [("MM204", 10)], [str(d) for d in report.errors]
    assert "initial value of stat 'night' must be a whole number" in report.errors[0].message
    assert main(["check", str(story)]) == 1
    out = capsys.readouterr()
    assert "internal error" not in out.out + out.err and "MM204" in out.out
