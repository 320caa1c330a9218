"""What commands need from every scene of a story, computed once and kept in the story cache.

``check`` counts the story's choices (in all and by chapter) and lists the scenes'
``assumes:``; ``play`` draws its progress bar from the final approach
(:func:`adventure.story.finale.final_approach`). Each walks every scene, which for a story
read from the cache (:mod:`adventure.story.cache`, scenes decoded lazily) would decode them
all: at 10,000 scenes, most of a warm command's time. So the load that writes the cache
entry computes them here, the entry stores them beside the story, and a warm story
carries them (:func:`adventure.story.cache.stored_overview`).

Typical use::

    written = Overview.of(story).written()        # JSON values, into the entry
    overview = Overview.read(written, story)       # checked: ValueError/TypeError otherwise
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from adventure.story.model import Scene, Story

Json = Any

MAX_CHOICES = 512 * 1024 * 1024 // 8
"""More choices than a cache entry within its limit (512 MiB) could hold (each takes more than eight bytes)."""
MAX_ASSUMPTION = 4 * 1024 * 1024
"""An assumption written back is shorter than the story file it came from (4 MiB at most)."""


class Overview(NamedTuple):
    """What commands need from every scene, computed once when the entry is written.

    ``check`` counts the story's choices (in all and by chapter) and lists the scenes' ``assumes:``, and
    ``play`` draws its progress bar from the final approach
    (:func:`adventure.story.finale.final_approach`); each would otherwise decode every
    scene of a warm story. Stored in the entry as ``[choices, [choices by chapter, ...],
    [scene id, steps, ...], [scene id, assumption, ...]]`` and checked on reading like
    everything else: counts in range, one per chapter, steps of at least one and
    assumptions of bounded length, to scenes the story has.
    """

    choices: int
    by_chapter: tuple[int, ...]
    """Choices in each chapter's scenes, in the story's chapter order."""
    approach: Mapping[str, int]
    assumptions: Mapping[str, str]
    """Scene id -> its ``assumes:`` condition as written back (:func:`adventure.story.expr.to_source`)."""

    @classmethod
    def of(cls, story: Story) -> Overview:
        """Computed from a story whose scenes are at hand (the full load that writes the entry)."""
        from adventure.story.expr import to_source
        from adventure.story.finale import final_approach

        scenes = story.scenes
        return cls(sum(len(s.choices) for s in scenes.values()),
                   tuple(sum(len(scenes[s].choices) for s in chapter.scenes) for chapter in story.chapters),
                   final_approach(story),
                   {s.id: to_source(s.assumes) for s in scenes.values() if s.assumes is not None})

    def written(self) -> list[Json]:
        return [self.choices, list(self.by_chapter), _flat(self.approach), _flat(self.assumptions)]

    @classmethod
    def read(cls, value: Json, story: Story) -> Overview:
        if not (isinstance(value, list) and len(value) == 4 and isinstance(value[1], list)):
            raise TypeError("not an overview")
        scenes = story.scenes
        choices, by_chapter, approach, assumptions = value[0], value[1], _pairs(value[2], scenes), _pairs(value[3], scenes)
        if not all(n.__class__ is int and 0 <= n <= MAX_CHOICES for n in [choices, *by_chapter]):
            raise ValueError("a choice count out of range")
        if len(by_chapter) != len(story.chapters):
            raise ValueError("a count for each chapter, no more, no fewer")
        if not all(v.__class__ is int and 1 <= v <= len(scenes) for v in approach.values()):
            raise ValueError("a final approach that does not fit the story")
        if not all(isinstance(v, str) and 0 < len(v) <= MAX_ASSUMPTION for v in assumptions.values()):
            raise ValueError("an assumption that is no condition")
        return cls(choices, tuple(by_chapter), MappingProxyType(approach), MappingProxyType(assumptions))


def _flat(mapping: Mapping[str, Json]) -> list[Json]:
    return [x for pair in mapping.items() for x in pair]


def _pairs(flat: Json, scenes: Mapping[str, Scene]) -> dict[str, Json]:
    """``[scene id, value, ...]`` as a dict, each id a scene of the story, none twice."""
    if not (isinstance(flat, list) and len(flat) % 2 == 0):
        raise TypeError("not a list of pairs")
    found = dict(zip(flat[::2], flat[1::2], strict=True))
    if len(found) * 2 != len(flat) or not all(key.__class__ is str and key in scenes for key in found):
        raise ValueError("pairs that name no scene of the story")
    return found
