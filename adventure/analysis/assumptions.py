"""What a scene's text takes for granted, proved over every reachable state: ``MM606``.

A scene may declare ``assumes:`` (the whole scene) and its text may hold
``{assume expr}…{end}`` passages (shown whenever the text around them is). Play never
tests either; here, over the explorer's stored states, each assumption is evaluated
where it applies: the scene's on every state of the scene, a passage's only where the
``{if}`` branches around it show it. States are stored breadth-first, so the first
failing state met for a way in (the choice that entered the scene) is one of the
fewest steps. Sound for an incomplete search too: every stored state is reachable.

Typical use::

    for broken in broken_assumptions(graph): print(broken.scene, broken.passage, broken.path)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from adventure.analysis.paths import PathStep
from adventure.analysis.search import StateGraph, path_to
from adventure.story.expr import Value, compile_expr
from adventure.story.model import Scene
from adventure.story.template import Assume, Cond, Template, assumptions

SCENE_WIDE = -1
"""The ``passage`` of a scene's own ``assumes:`` (not an ``{assume}`` passage of its text)."""

Check = Callable[[Sequence[Value]], list[int]]
"""The assumptions of one scene that fail with these values: ``SCENE_WIDE`` or passage numbers."""


@dataclass(frozen=True, slots=True)
class BrokenAssumption:
    """A reachable way into a scene where something its text assumes is false: the shortest path that does it.

    ``passage`` is ``SCENE_WIDE`` for the scene's ``assumes:``, else the number (from 0, in
    reading order) of the ``{assume}`` passage. ``via`` is the choice (scene, choice)
    whose taking enters the scene that way (``None`` for the start); ``states`` counts the
    reachable states of the scene, entered by that choice, where the assumption fails
    (values after its on_enter).
    """

    scene: str
    via: tuple[str, str] | None
    values: tuple[Value, ...]
    path: tuple[PathStep, ...]
    states: int
    passage: int = SCENE_WIDE


def broken_assumptions(g: StateGraph) -> list[BrokenAssumption]:
    """Every (scene, assumption, entering choice) that fails in some reachable state, shortest path first."""
    st = g.stepper
    story = st.story
    slots = story.slots
    checks = [scene_check(story.scenes[s], slots) for s in st.scene_ids]
    if not any(checks):
        return []
    first: dict[tuple[int, int, int], int] = {}
    counts: Counter[tuple[int, int, int]] = Counter()
    scene_of, values_of, via = g.scene_of, g.values_of, g.via
    for i in range(g.count):
        check = checks[scene_of[i]]
        if check is None:
            continue
        for passage in check(values_of[i]):
            key = (scene_of[i], passage, via[i])
            counts[key] += 1
            first.setdefault(key, i)
    result = []
    for key, i in sorted(first.items(), key=lambda item: (item[1], item[0][1])):
        gid = key[2]
        entering = None if gid < 0 else (st.scene_ids[st.choices[gid].scene], st.choices[gid].choice.id)
        result.append(BrokenAssumption(st.scene_ids[key[0]], entering, values_of[i], path_to(g, i), counts[key], key[1]))
    return result


def scene_check(scene: Scene, slots: Mapping[str, int]) -> Check | None:
    """A scene's assumptions compiled into one check (``None`` when it assumes nothing)."""
    passages = list(assumptions(scene.text))
    whole = scene.assumes_test
    if whole is None and not passages:
        return None
    numbers = {id(p): n for n, p in enumerate(passages)}
    walk = _walker(scene.text, slots, numbers) if passages else None

    def check(values: Sequence[Value]) -> list[int]:
        failed = [] if whole is None or whole(values) else [SCENE_WIDE]
        if walk is not None:
            walk(values, failed)
        return failed

    return check


Walk = Callable[[Sequence[Value], list[int]], None]


def _walker(t: Template, slots: Mapping[str, int], numbers: Mapping[int, int]) -> Walk:
    """Visit the passages the text shows with these values, noting each ``{assume}`` that fails."""
    steps: list[Walk] = []
    for part in t.parts:
        if isinstance(part, Assume):
            steps.append(_assume_step(part, slots, numbers))
        elif isinstance(part, Cond) and any(True for _ in _nested(part)):
            steps.append(_cond_step(part, slots, numbers))

    def walk(values: Sequence[Value], failed: list[int]) -> None:
        for step in steps:
            step(values, failed)

    return walk


def _nested(cond: Cond) -> list[Assume]:
    return [a for _c, body in cond.branches for a in assumptions(body)]


def _assume_step(part: Assume, slots: Mapping[str, int], numbers: Mapping[int, int]) -> Walk:
    test, number, inner = compile_expr(part.condition, slots), numbers[id(part)], _walker(part.body, slots, numbers)

    def step(values: Sequence[Value], failed: list[int]) -> None:
        if not test(values):
            failed.append(number)
        inner(values, failed)

    return step


def _cond_step(part: Cond, slots: Mapping[str, int], numbers: Mapping[int, int]) -> Walk:
    branches = [(None if c is None else compile_expr(c, slots), _walker(body, slots, numbers))
                for c, body in part.branches]

    def step(values: Sequence[Value], failed: list[int]) -> None:
        for test, inner in branches:
            if test is None or test(values):
                inner(values, failed)
                return

    return step
