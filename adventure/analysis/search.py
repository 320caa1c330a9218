"""Breadth-first search of a story's reachable states: the explorer's hot loop.

A state, for the search, is a scene plus the tuple of stat values (seed, turn and log
do not change what can happen next), so equal states are visited once. Breadth-first
from the start, the first time a state, an ending or a clamp is met, the path that met
it is a shortest one. Each stored state keeps only its parent's index and the choice
(and random outcome) that led to it, in flat arrays; the edges are kept for
:mod:`adventure.analysis.reverse`. Steps come from :meth:`Stepper.expand`, the one step
code that the tests compare with the engine.

Typical use::

    graph = search(Stepper(story), max_states=200_000)
    graph.complete, graph.count, graph.expanded
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from adventure.analysis.paths import PathStep
from adventure.analysis.stepper import NO_OUTCOME, RANDOM, Clamped, Stepper
from adventure.story.expr import Value
from adventure.story.model import Effect

NO_PARENT = -1


@dataclass
class ClampSeen:
    """The first (so shortest) transition on which an effect pushed a stat past a bound."""

    state: int  # the state the step was taken from (-1: the start scene's on-enter effects)
    gid: int
    outcome: int
    value: int
    effect: Effect


@dataclass
class StateGraph:
    """Every state the search stored, how each was first reached, and every edge between them."""

    stepper: Stepper
    max_states: int
    complete: bool = True
    count: int = 0
    expanded: int = 0
    transitions: int = 0
    scene_of: array[int] = field(default_factory=lambda: array("i"))
    values_of: list[tuple[Value, ...]] = field(default_factory=list)
    parent: array[int] = field(default_factory=lambda: array("i"))
    via: array[int] = field(default_factory=lambda: array("i"))
    outcome_of: array[int] = field(default_factory=lambda: array("i"))
    edge_src: array[int] = field(default_factory=lambda: array("i"))
    edge_dst: array[int] = field(default_factory=lambda: array("i"))
    reaches_end: bytearray = field(default_factory=bytearray)
    soft: list[int] = field(default_factory=list)
    offered: bytearray = field(default_factory=bytearray)
    enabled: bytearray = field(default_factory=bytearray)
    ending_first: list[tuple[int, int, int] | None] = field(default_factory=list)
    ending_finals: list[set[tuple[Value, ...]]] = field(default_factory=list)
    clamps: dict[tuple[int, str], ClampSeen] = field(default_factory=dict)


def search(st: Stepper, max_states: int = 200_000) -> StateGraph:
    """Store every reachable state (up to ``max_states``), breadth-first from the start."""
    g = StateGraph(st, max_states)
    nendings = len(st.ending_ids)
    g.offered = bytearray(len(st.choices))
    g.enabled = bytearray(len(st.choices))
    g.ending_first = [None] * nendings
    g.ending_finals = [set() for _ in range(nendings)]
    seen: list[dict[tuple[Value, ...], int]] = [{} for _ in st.scene_ids]

    start_scene, start_values, start_clamps = st.start()
    for slot, bound, raw, effect in start_clamps:
        g.clamps.setdefault((slot, bound), ClampSeen(NO_PARENT, -1, NO_OUTCOME, raw, effect))
    seen[start_scene][start_values] = 0
    scene_of, values_of, parent, via, outcome_of = g.scene_of, g.values_of, g.parent, g.via, g.outcome_of
    edge_src, edge_dst, reaches_end, offered, enabled = g.edge_src, g.edge_dst, g.reaches_end, g.offered, g.enabled
    ending_first, ending_finals, clamps_seen = g.ending_first, g.ending_finals, g.clamps
    scene_of.append(start_scene)
    values_of.append(start_values)
    parent.append(NO_PARENT)
    via.append(-1)
    outcome_of.append(NO_OUTCOME)
    reaches_end.append(0)

    by_scene, expand = st.by_scene, st.expand
    transitions = 0
    count = 1
    head = 0
    while head < count:
        s = head
        vals = values_of[s]
        any_enabled = False
        for c in by_scene[scene_of[s]]:
            test = c.test
            if test is not None and not test(vals):
                if not c.hidden:
                    offered[c.gid] = 1
                continue
            gid = c.gid
            offered[gid] = enabled[gid] = 1
            any_enabled = True
            for oi, ending, dest, after, clamps in expand(c, vals):
                transitions += 1
                if clamps:
                    _note_clamps(clamps_seen, clamps, s, gid, oi)
                if ending >= 0:
                    reaches_end[s] = 1
                    if ending_first[ending] is None:
                        ending_first[ending] = (s, gid, oi)
                    ending_finals[ending].add(after)
                    continue
                table = seen[dest]
                d = table.get(after)
                if d is None:
                    if count >= max_states:
                        g.complete = False
                        g.count, g.expanded, g.transitions = count, head, transitions
                        return g
                    d = count
                    count += 1
                    table[after] = d
                    scene_of.append(dest)
                    values_of.append(after)
                    parent.append(s)
                    via.append(gid)
                    outcome_of.append(oi)
                    reaches_end.append(0)
                edge_src.append(s)
                edge_dst.append(d)
        if not any_enabled:
            g.soft.append(s)
        head += 1
    g.count, g.expanded, g.transitions = count, head, transitions
    return g


def step_of(g: StateGraph, gid: int, oi: int) -> PathStep:
    """The path step of taking choice ``gid`` (random outcome ``oi``)."""
    c = g.stepper.choices[gid]
    outcome = c.targets[oi][3] if oi != NO_OUTCOME and c.kind == RANDOM else None
    return PathStep(g.stepper.scene_ids[c.scene], c.choice.id, outcome)


def path_to(g: StateGraph, i: int) -> tuple[PathStep, ...]:
    """The shortest path from the start to stored state ``i`` (breadth-first parents)."""
    steps = []
    parent, via, outcome_of = g.parent, g.via, g.outcome_of
    while parent[i] != NO_PARENT:
        steps.append(step_of(g, via[i], outcome_of[i]))
        i = parent[i]
    steps.reverse()
    return tuple(steps)


def _note_clamps(seen: dict[tuple[int, str], ClampSeen], clamps: list[Clamped], s: int, gid: int, oi: int) -> None:
    for slot, bound, raw, effect in clamps:
        if (slot, bound) not in seen:
            seen[(slot, bound)] = ClampSeen(s, gid, oi, raw, effect)
