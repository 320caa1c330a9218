"""Build small story folders in a temporary directory for loader and engine tests."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

STORY = """\
format: 1
id: tiny
title: Tiny
start: a
chapters:
  - one.yaml
stats:
  skill: {type: int, initial: 0, min: 0, max: 3, label: Skill, show: true}
  brave: {type: bool, initial: false, label: Brave}
  name: {type: text, initial: "Ana", label: Name}
endings:
  - id: done
    title: Done
    text: "{name} is done. {if brave}Bravely.{end}"
"""

CHAPTER = """\
chapter:
  id: one
  title: One
scenes:
  - id: a
    title: A
    text: Scene A, skill {skill}.
    choices:
      - id: train
        label: Train
        effects:
          - add: {skill: 1}
        goto: a
      - id: finish
        label: Finish
        if: "skill >= 2"
        ending: done
"""


def write_story(root: Path, story: str = STORY, chapter: str = CHAPTER, **files: str) -> Path:
    """Write story.yaml and one.yaml (plus any extra files) into ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(dedent(story), encoding="utf-8")
    if chapter is not None:
        (root / "one.yaml").write_text(dedent(chapter), encoding="utf-8")
    for name, text in files.items():
        (root / name.replace("__", ".")).write_text(dedent(text), encoding="utf-8")
    return root
