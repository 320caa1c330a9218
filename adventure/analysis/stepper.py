"""The engine's step, compiled for the explorer: one code path for search, tests and paths.

The explorer takes millions of steps, so it does not call :func:`adventure.engine.take`
(events, logs and a seeded draw per step); it re-does the step on plain value lists
with the story's compiled tests and effects, scenes and endings interned to small ints,
and a random goto branches into one successor per target instead of drawing.
:meth:`Stepper.expand` is that step: the breadth-first search calls it for every
enabled choice, and :meth:`Stepper.moves` (what ``tests/test_explore.py`` compares with
``engine.take`` on arbitrary values) is a thin, readable face over the same call.

Typical use::

    st = Stepper(story)
    for c in st.by_scene[st.scene_index["gate"]]:
        for outcome, ending, scene, values, clamps in st.expand(c, values): ...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from adventure.story.expr import StatType, Value
from adventure.story.model import MAX_TEXT, Choice, Effect, Location, Story

SET, ADD, SUB = 0, 1, 2
DIRECT, FIRST, RANDOM = 0, 1, 2
NO_OUTCOME = -1
TEXT = "text"
"""The ``lo`` of a compiled text effect: its ``hi`` is then a length, not a value."""
_KINDS = {"direct": DIRECT, "first": FIRST, "random": RANDOM}
_OPS = {"set": SET, "add": ADD, "subtract": SUB}

CEffect = tuple[Any, ...]  # (op, slot, compute, lo, hi, effect)
CTarget = tuple[Any, ...]  # (test, ending index or -1, scene index or -1, name)
Clamped = tuple[Any, ...]  # (slot, "min"/"max"/"length", bound, effect): an effect whose result was clamped
Successor = tuple[Any, ...]  # (outcome index or NO_OUTCOME, ending index or -1, scene index or -1, values, clamps or None)


@dataclass(frozen=True, slots=True)
class CChoice:
    """A choice compiled for stepping; ``gid`` numbers every choice of the story."""

    gid: int
    scene: int
    choice: Choice
    test: Callable[[Sequence[Value]], object] | None
    hidden: bool
    effects: tuple[CEffect, ...]
    kind: int
    targets: tuple[CTarget, ...]
    outcome_effects: tuple[tuple[CEffect, ...], ...] = ()
    """Per random outcome, its own effects (empty when no outcome has any)."""


@dataclass(frozen=True, slots=True)
class Move:
    """One outcome of taking a choice: where it leads and the values after it."""

    outcome: str | None  # the random outcome taken, ``None`` for direct and first-matching gotos
    scene: str | None
    ending: str | None
    values: tuple[Value, ...]


class Stepper:
    """The story compiled for fast stepping: scenes and endings interned to small ints."""

    def __init__(self, story: Story):
        self.story = story
        self.scene_ids: tuple[str, ...] = tuple(story.scenes)
        self.scene_index = {s: i for i, s in enumerate(self.scene_ids)}
        self.ending_ids: tuple[str, ...] = tuple(story.endings)
        self.ending_index = {e: i for i, e in enumerate(self.ending_ids)}
        self.on_enter: tuple[tuple[CEffect, ...], ...] = tuple(
            self._effects(story.scenes[s].on_enter) for s in self.scene_ids)
        choices: list[CChoice] = []
        per_scene: list[tuple[CChoice, ...]] = []
        for index, scene_id in enumerate(self.scene_ids):
            compiled = []
            for choice in story.scenes[scene_id].choices:
                targets = tuple(
                    (t.test, self.ending_index[t.ending] if t.ending is not None else -1,
                     self.scene_index[t.scene] if t.scene is not None else -1, t.name)
                    for t in choice.goto.targets)
                drawn = (tuple(self._effects(t.effects) for t in choice.goto.targets)
                         if choice.goto.kind == "random" and any(t.effects for t in choice.goto.targets) else ())
                marks = tuple((SET, slot, _true, None, None, None) for slot in story.marks(scene_id, choice.id))
                c = CChoice(len(choices), index, choice, choice.test, choice.hidden,
                            marks + self._effects(choice.effects), _KINDS[choice.goto.kind], targets, drawn)
                choices.append(c)
                compiled.append(c)
            per_scene.append(tuple(compiled))
        self.choices: tuple[CChoice, ...] = tuple(choices)
        self.by_scene: tuple[tuple[CChoice, ...], ...] = tuple(per_scene)
        self.stat_names = story.stat_names

    def _effects(self, effects: Sequence[Effect]) -> tuple[CEffect, ...]:
        result = []
        for e in effects:
            stat = self.story.stats[e.slot]
            lo: int | str | None = stat.minimum if stat.type is StatType.INT else None
            hi = stat.maximum if stat.type is StatType.INT else None
            if stat.type is StatType.TEXT:  # text is cut at MAX_TEXT characters (``lo`` marks it)
                lo, hi = TEXT, MAX_TEXT
            result.append((_OPS[e.op], e.slot, e.compute, lo, hi, e))
        return tuple(result)

    def start(self) -> tuple[int, tuple[Value, ...], list[Clamped]]:
        """The start scene index, its values after on-enter effects, and any clamps on the way."""
        values = list(self.story.initial_values)
        scene = self.scene_index[self.story.start]
        clamps = apply(self.on_enter[scene], values)
        return scene, tuple(values), clamps or []

    def expand(self, c: CChoice, values: Sequence[Value]) -> list[Successor]:
        """Every successor of taking ``c`` (assumed enabled) with ``values``: the one step.

        One successor for direct and first-matching gotos, one per target for random
        ones; each is ``(outcome, ending, scene, values, clamps)`` with the values after
        the choice's effects, the random outcome's own effects and, for a scene, its
        on-enter effects (the engine's order).
        """
        work = list(values)
        clamps = apply(c.effects, work) if c.effects else None
        kind = c.kind
        if kind == DIRECT:
            _t, ending, dest, _n = c.targets[0]
            if ending >= 0:
                return [(NO_OUTCOME, ending, -1, tuple(work), clamps)]
            enter = self.on_enter[dest]
            more = apply(enter, work) if enter else None
            return [(NO_OUTCOME, -1, dest, tuple(work), _join(clamps, more))]
        result = []
        drawn = c.outcome_effects
        for oi, (_t, ending, dest, _n) in outcomes(c, work):
            after = list(work)
            here = _join(clamps, apply(drawn[oi], after)) if drawn else clamps  # the outcome's own effects
            if ending >= 0:
                result.append((oi, ending, -1, tuple(after), here))
                continue
            enter = self.on_enter[dest]
            more = apply(enter, after) if enter else None
            result.append((oi, -1, dest, tuple(after), _join(here, more)))
        return result

    def moves(self, scene: str, values: Sequence[Value], choice: str) -> list[Move]:
        """:meth:`expand` by ids: every outcome of taking ``choice`` in ``scene`` with ``values``."""
        c = next(c for c in self.by_scene[self.scene_index[scene]] if c.choice.id == choice)
        return [Move(c.targets[oi][3] if c.kind == RANDOM else None,
                     self.scene_ids[dest] if dest >= 0 else None,
                     self.ending_ids[ending] if ending >= 0 else None, after)
                for oi, ending, dest, after, _clamps in self.expand(c, values)]

    def enabled(self, scene: str, values: Sequence[Value]) -> list[str]:
        """Ids of the choices enabled in ``scene`` with ``values``."""
        return [c.choice.id for c in self.by_scene[self.scene_index[scene]] if c.test is None or c.test(values)]

    def location(self, c: CChoice) -> Location | None:
        """Where a compiled choice was written."""
        return c.choice.location


def apply(effects: tuple[CEffect, ...], values: list[Value]) -> list[Clamped] | None:
    """Apply compiled effects like :func:`adventure.engine.apply_effects`; report clamps."""
    clamps: list[Clamped] | None = None
    for op, slot, compute, lo, hi, effect in effects:
        amount = compute(values)
        if op == SET:
            result = amount
        elif op == ADD:
            result = values[slot] + amount
        else:
            result = values[slot] - amount
        if lo is TEXT:
            if len(result) > hi:  # a text that outgrows MAX_TEXT is cut, as the engine cuts it
                (clamps := clamps or []).append((slot, "length", hi, effect))
                result = result[:hi]
        elif lo is not None and result < lo:
            (clamps := clamps or []).append((slot, "min", lo, effect))
            result = lo
        elif hi is not None and result > hi:
            (clamps := clamps or []).append((slot, "max", hi, effect))
            result = hi
        values[slot] = result
    return clamps


def outcomes(c: CChoice, work: Sequence[Value]) -> list[tuple[int, CTarget]]:
    """The targets a choice leads to from ``work``: all of a random goto's, else the one that applies."""
    if c.kind == DIRECT:
        return [(NO_OUTCOME, c.targets[0])]
    if c.kind == FIRST:
        for t in c.targets:
            if t[0] is None or t[0](work):
                return [(NO_OUTCOME, t)]
        return [(NO_OUTCOME, c.targets[-1])]
    return list(enumerate(c.targets))


def _true(values: object) -> bool:
    """The value a ``seen()``/``chose()`` slot is set to when its choice is taken."""
    return True


def _join(a: list[Clamped] | None, b: list[Clamped] | None) -> list[Clamped] | None:
    if a and b:
        return a + b
    return a or b
