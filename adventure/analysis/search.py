"""Breadth-first search of a story's reachable states: the explorer's hot loop.

A state, for the search, is a scene plus the tuple of stat values (seed, turn and log
do not change what can happen next), so equal states are visited once. Breadth-first
from the start, the first time a state, an ending or a clamp is met, the path that met
it is a shortest one. Each stored state keeps only its parent's index and the choice
(and random outcome) that led to it, in flat arrays; the edges are kept for
:mod:`adventure.analysis.reverse`. Steps come from :meth:`CompiledStory.expand`, the one step
code that the tests compare with the engine.

Typical use::

    graph = search(compiled(story), max_states=200_000)
    graph.complete, graph.count, graph.expanded
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any

from adventure.analysis.paths import PathStep
from adventure.story.compiled import NO_OUTCOME, RANDOM, TEXT, Clamped, CompiledStory
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

    stepper: CompiledStory
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


def search(st: CompiledStory, max_states: int = 200_000) -> StateGraph:
    """Store every reachable state (up to ``max_states``), breadth-first from the start.

    The search makes no cycles, only hundreds of thousands of tuples and lists, whose
    allocation would start a young-generation collection every few hundred (about a tenth
    of the search's time): the commands run it under :func:`adventure.cli._memory.paused`.
    """
    return _search(st, max_states)


def _search(st: CompiledStory, max_states: int) -> StateGraph:
    """:func:`search`'s loop, kept in one function: a state's choices are tested, each enabled one's
    successors come from its :meth:`~CompiledStory.expander`, and a new successor is stored.
    (Split into calls per state or per successor, it ran measurably slower.)"""
    g = _begin(st, max_states)
    seen: list[dict[tuple[Value, ...], int]] = [{} for _ in st.scene_ids]
    seen[g.scene_of[0]][g.values_of[0]] = 0
    scene_of, values_of, offered, enabled = g.scene_of, g.values_of, g.offered, g.enabled
    add_scene, add_values, add_parent, add_via, add_outcome = (
        scene_of.append, values_of.append, g.parent.append, g.via.append, g.outcome_of.append)
    add_src, add_dst, add_unfinished, reaches_end = g.edge_src.append, g.edge_dst.append, g.reaches_end.append, g.reaches_end
    ending_first, ending_finals, clamps_seen = g.ending_first, g.ending_finals, g.clamps
    by_scene = _plan(st)
    count, endings, head = 1, 0, 0
    unnoted = len(_bounds(st)) - len(clamps_seen)  # clamps not yet seen: none left, none to look at
    while head < count:
        s = head
        vals = values_of[s]
        any_enabled = 0
        for test, gid, hidden, expand in by_scene[scene_of[s]]:
            if test is not None and not test(vals):
                if not hidden:
                    offered[gid] = 1
                continue
            enabled[gid] = any_enabled = 1  # so offered too: _finish marks it
            for oi, ending, dest, after, clamps in expand(vals):
                if clamps and unnoted:
                    unnoted -= _note_clamps(clamps_seen, clamps, s, gid, oi)
                if ending >= 0:
                    endings += 1
                    reaches_end[s] = 1
                    if ending_first[ending] is None:
                        ending_first[ending] = (s, gid, oi)
                    ending_finals[ending].add(after)
                    continue
                d = seen[dest].setdefault(after, count)
                if d == count:
                    if count >= max_states:
                        del seen[dest][after]
                        g.complete = False
                        return _finish(g, count, head, endings + len(g.edge_src) + 1)  # this transition counted
                    count += 1
                    add_scene(dest)
                    add_values(after)
                    add_parent(s)
                    add_via(gid)
                    add_outcome(oi)
                    add_unfinished(0)
                add_src(s)
                add_dst(d)
        if not any_enabled:
            g.soft.append(s)
        head += 1
    return _finish(g, count, head, endings + len(g.edge_src))


def _plan(st: CompiledStory) -> tuple[tuple[tuple[Any, ...], ...], ...]:
    """Per scene, each choice as the search reads it: ``(test, gid, hidden, expander)``."""
    return tuple(tuple((c.test, c.gid, c.hidden, st.expander(c)) for c in choices) for choices in st.by_scene)


def _begin(st: CompiledStory, max_states: int) -> StateGraph:
    """The graph holding only the start state (with any clamps its on-enter effects met)."""
    st.full()
    g = StateGraph(st, max_states)
    nendings = len(st.ending_ids)
    g.offered = bytearray(len(st.choices))
    g.enabled = bytearray(len(st.choices))
    g.ending_first = [None] * nendings
    g.ending_finals = [set() for _ in range(nendings)]
    start_scene, start_values, start_clamps = st.start()
    for slot, bound, raw, effect in start_clamps:
        g.clamps.setdefault((slot, bound), ClampSeen(NO_PARENT, -1, NO_OUTCOME, raw, effect))
    g.scene_of.append(start_scene)
    g.values_of.append(start_values)
    g.parent.append(NO_PARENT)
    g.via.append(-1)
    g.outcome_of.append(NO_OUTCOME)
    g.reaches_end.append(0)
    return g


def _finish(g: StateGraph, count: int, head: int, transitions: int) -> StateGraph:
    """The graph with what the search counted, every enabled choice marked offered too (the loop marks
    only the enabled ones: one store fewer per enabled choice of each state)."""
    g.count, g.expanded, g.transitions = count, head, transitions
    offered = g.offered
    for gid, on in enumerate(g.enabled):
        if on:
            offered[gid] = 1
    return g


def step_of(g: StateGraph, gid: int, oi: int) -> PathStep:
    """The path step of taking choice ``gid`` (random outcome ``oi``)."""
    c = g.stepper.choices[gid]
    if oi != NO_OUTCOME and c.kind == RANDOM:
        return PathStep(g.stepper.scene_ids[c.scene], c.choice.id, c.targets[oi][3], oi)
    return PathStep(g.stepper.scene_ids[c.scene], c.choice.id)


def path_to(g: StateGraph, i: int) -> tuple[PathStep, ...]:
    """The shortest path from the start to stored state ``i`` (breadth-first parents)."""
    steps = []
    parent, via, outcome_of = g.parent, g.via, g.outcome_of
    while parent[i] != NO_PARENT:
        steps.append(step_of(g, via[i], outcome_of[i]))
        i = parent[i]
    steps.reverse()
    return tuple(steps)


def _note_clamps(seen: dict[tuple[int, str], ClampSeen], clamps: list[Clamped], s: int, gid: int, oi: int) -> int:
    """Keep the first transition that met each (stat, bound); how many were new."""
    new = 0
    for slot, bound, raw, effect in clamps:
        if (slot, bound) not in seen:
            seen[(slot, bound)] = ClampSeen(s, gid, oi, raw, effect)
            new += 1
    return new


def _bounds(st: CompiledStory) -> set[tuple[int, str]]:
    """Every (stat, bound) an effect of the story could be clamped at: the most clamps a search can note."""
    found: set[tuple[int, str]] = set()
    groups = [c.effects for c in st.choices] + [e for c in st.choices for e in c.outcome_effects]
    groups += [st.enter_effects(i) for i in range(len(st.scene_ids))]
    for effects in groups:
        for _op, slot, _compute, lo, hi, _effect in effects:
            if lo is TEXT:
                found.add((slot, "length"))
            else:
                found.update((slot, bound) for bound, limit in (("min", lo), ("max", hi)) if limit is not None)
    return found
