"""The loader and the schema agree on every key's type, since both come from story/spec.py.

For each key of a scene, choice, stat, ending and chapter header, a value of the wrong
shape is put into an otherwise valid story: the loader must report it at that key
and the schema must reject the file.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from adventure.story import spec
from adventure.story.loader import check_story
from adventure.story.schema import story_schema
from storybuilder import CHAPTER, STORY

LISTS = {"effects", "ids", "names", "files"}


def wrong_value(key: spec.Key) -> object:
    """A value of the wrong shape for ``key``: text where a list or mapping belongs, else a list."""
    if key.kind.startswith(("list:", "ref:")) or key.kind in LISTS | {"stats", "value_map"}:
        return "oops"
    if key.kind == "goto":
        return 5
    return [1, 2]


def where(story: dict, chapter: dict, part: str) -> dict:
    return {"scene": lambda: chapter["scenes"][0], "choice": lambda: chapter["scenes"][0]["choices"][0],
            "stat": lambda: story["stats"]["skill"], "ending": lambda: story["endings"][0],
            "chapter": lambda: chapter["chapter"], "story": lambda: story,
            "presentation": lambda: story.setdefault("presentation", {}), "chapter_file": lambda: chapter}[part]()


IN_STORY_FILE = {"stat", "ending", "story", "presentation"}
CASES = [(part.name, key) for part in (spec.SCENE, spec.CHOICE, spec.STAT, spec.ENDING, spec.CHAPTER, spec.STORY,
                                       spec.PRESENTATION, spec.CHAPTER_FILE)
         for key in part.keys]


@pytest.mark.parametrize("part, key", CASES, ids=[f"{p}.{k.name}" for p, k in CASES])
def test_a_wrong_shape_is_refused_by_both(tmp_path: Path, part: str, key: spec.Key):
    story, chapter = yaml.safe_load(STORY), yaml.safe_load(CHAPTER)
    target = where(story, chapter, part)
    target[key.name] = wrong_value(key)
    if key.name == "ending" and part == "choice":
        target.pop("goto", None)
    (tmp_path / "story.yaml").write_text(yaml.safe_dump(story, sort_keys=False), encoding="utf-8")
    (tmp_path / "one.yaml").write_text(yaml.safe_dump(chapter, sort_keys=False), encoding="utf-8")
    report = check_story(tmp_path)
    assert report.errors, f"the loader accepted {part}.{key.name}: {wrong_value(key)!r}"
    validator = jsonschema.Draft202012Validator(story_schema())
    data = story if part in IN_STORY_FILE else chapter
    assert list(validator.iter_errors(data)), f"the schema accepted {part}.{key.name}"
