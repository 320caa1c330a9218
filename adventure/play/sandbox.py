"""Sandbox runs: start at any scene with chosen stat values, to try the scene being written.

``play --start SCENE --set STAT=VALUE`` turns its arguments into an
:class:`~adventure.run.engine.Start` here (every name and value checked against the story,
with a did-you-mean for typos). A sandbox run is kept in a scratch save folder
(``<save folder>/scratch/``) that ``saves`` and ``--continue`` never look into, so it
can never overwrite the player's own runs. Its run file records the start, so
``replay RUN --verify`` and undo replay it exactly like any other run.

Typical use::

    start = parse_start(story, "road", ["letters=3", "has_key=true"])
    session = Session.new(story, seed, store=SaveStore(scratch_dir(save_dir)), slot=SANDBOX_SLOT, start=start)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from adventure.base.errors import UsageError
from adventure.run.engine import Start, Value
from adventure.story.expr import StatType
from adventure.story.fields import suggest
from adventure.story.model import MAX_TEXT, Stat, Story

SCRATCH_FOLDER = "scratch"
"""Sub-folder of the save folder holding sandbox runs (invisible to ``saves`` and ``--continue``)."""
SANDBOX_SLOT = "sandbox"
"""The scratch slot a sandbox run autosaves to (each new sandbox run replaces the last one)."""

_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}
_INTEGER = re.compile(r"[+-]?\d{1,18}")


def scratch_dir(save_dir: Path) -> Path:
    """Where sandbox runs are kept, beside (never among) the player's saves."""
    return save_dir / SCRATCH_FOLDER


def parse_start(story: Story, scene: str | None, assignments: Sequence[str]) -> Start:
    """The sandbox start for ``--start SCENE`` (default: the story's start) and ``--set`` items."""
    scene_id = story.start if scene is None else check_scene(story, scene)
    values: dict[str, Value] = {}
    for text in assignments:
        name, value = parse_assignment(story, text)
        if name in values:
            raise UsageError(f"--set {name} is given twice; give each stat once")
        values[name] = value
    return Start(scene_id, tuple(values.items()))


def check_scene(story: Story, scene: str) -> str:
    """``scene`` if the story has it; a usage error with a did-you-mean otherwise."""
    if scene in story.scenes:
        return scene
    if scene in story.endings:
        raise UsageError(f"--start {scene}: '{scene}' is an ending, not a scene; start at a scene that leads to it")
    hint = suggest(scene, story.scenes) or f"scene ids look like '{story.start}'; 'million-miles check' lists the chapters"
    raise UsageError(f"--start {_clip(scene)}: the story has no scene '{_clip(scene)}'; {hint}")


def parse_assignment(story: Story, text: str) -> tuple[str, Value]:
    """``STAT=VALUE`` as a stat name and a value of that stat's type, inside its range."""
    name, equals, raw = text.partition("=")
    name = "".join(name.split()) if "(" in name else name.strip()
    if not equals or not name:
        raise UsageError(f"--set {_clip(text)!r}: write STAT=VALUE, for example --set {_example(story)}")
    memos = [m.key for m in story.memos]
    if name in memos:
        return name, _flag(name, raw.strip(), _clip(text))
    stat = next((s for s in story.stats if s.name == name), None)
    if stat is None:
        known = [*story.stat_names, *memos]
        hint = suggest(name, known) or "the stats are: " + ", ".join(story.stat_names)
        if "(" in name:
            hint = (suggest(name, memos) or "it reads: " + ", ".join(memos)) if memos else "it reads none"
            raise UsageError(f"--set {_clip(text)}: the story never reads '{_clip(name)}'; {hint}")
        raise UsageError(f"--set {_clip(text)}: the story has no stat '{_clip(name)}'; {hint}")
    if stat.computed:
        raise UsageError(f"--set {text}: '{name}' is computed ({stat.formula}); set the stats it reads instead")
    return name, _value(stat, raw.strip(), _clip(text))


def _clip(text: str, most: int = 60) -> str:
    """What the player typed, cut short for a message: a 5000-character value is not echoed back whole."""
    return text if len(text) <= most else text[:most] + "..."


def describe(start: Start) -> str:
    """``scene 'road' with letters=3, has_key=true`` for the screen."""
    if not start.values:
        return f"scene '{start.scene}'"
    return f"scene '{start.scene}' with {shown_values(start)}"


def shown_values(start: Start) -> str:
    """``letters=3, has_key=true``: the values a sandbox run starts with, as ``--set`` takes them."""
    return ", ".join(f"{name}={_show(value)}" for name, value in start.values)


def _flag(name: str, raw: str, text: str) -> bool:
    """``--set 'chose(keys)=true'``: what a sandbox run takes as already done."""
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise UsageError(f"--set {text}: '{name}' is true or false, not {_clip(raw)!r}")


def _value(stat: Stat, raw: str, text: str) -> Value:
    if stat.type is StatType.BOOL:
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise UsageError(f"--set {text}: '{stat.name}' is true or false, not {_clip(raw)!r}")
    if stat.type is StatType.TEXT:
        if any("\udc80" <= c <= "\udcff" for c in raw):  # bytes the terminal's encoding could not decode
            raise UsageError(f"--set {text!a}: the value is not text in your terminal's encoding")
        if len(raw) > MAX_TEXT:
            raise UsageError(f"--set {text}: '{stat.name}' holds at most {MAX_TEXT} characters, not {len(raw)}")
        return raw
    if not _INTEGER.fullmatch(raw):
        raise UsageError(f"--set {text}: '{stat.name}' is a whole number{_range(stat)}, not {_clip(raw)!r}")
    number = int(raw)
    if stat.clamp(number) != number:
        raise UsageError(f"--set {text}: {number} is out of range; '{stat.name}' is a whole number{_range(stat)}")
    return number


def _range(stat: Stat) -> str:
    low, high = stat.minimum, stat.maximum
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    if high is not None:
        return f" of at most {high}"
    return ""


def _example(story: Story) -> str:
    stat = next((s for s in story.stats if not s.computed), None)
    if stat is None:
        return "NAME=VALUE"
    return f"{stat.name}={_show(stat.initial)}"


def _show(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
