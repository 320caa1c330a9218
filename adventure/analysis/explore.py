"""Exhaustive exploration of a story's reachable run states, in three parts.

:func:`explore` runs the breadth-first :func:`~adventure.analysis.search.search` (the
hot loop, over :meth:`~adventure.story.compiled.CompiledStory.expand`, the one step code),
then :func:`~adventure.analysis.reverse.can_finish` (which states can still reach an
ending), then summarises what they found into an :class:`Exploration`: shortest paths
to each ending, soft-locks, traps, never-offered and never-enabled choices, locked
choices whose condition never holds, constant and clamped stats.
:mod:`adventure.analysis.findings` turns that into located findings. Nothing here
prints, reads files or the clock.

Typical use::

    result = explore(story, max_states=200_000)
    if result.complete and not result.soft_locks: ...
    for ending, path in result.ending_paths.items(): ...
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter, ne

from adventure.analysis.assumptions import BrokenAssumption, broken_assumptions
from adventure.analysis.paths import Found, PathStep
from adventure.analysis.randomplay import RandomReport, draws_in, random_play, seed_for
from adventure.analysis.reverse import can_finish, predecessors, traps
from adventure.analysis.roads import ClosedRoad, closed_roads
from adventure.analysis.search import NO_PARENT, StateGraph, search
from adventure.analysis.search import path_to as _path
from adventure.analysis.search import step_of as _step
from adventure.story.compiled import Move, compiled
from adventure.story.expr import StatType, Value
from adventure.story.model import Effect, Story

__all__ = [
    "LIST_LIMIT",
    "BrokenAssumption",
    "Clamp",
    "ClosedRoad",
    "Exploration",
    "Found",
    "Move",
    "PathStep",
    "RandomReport",
    "draws_in",
    "explore",
    "random_play",
    "reachable_scenes",
    "seed_for",
]

LIST_LIMIT = 20
"""How many soft-locks, traps and the like a report lists (counts are always whole)."""


DEFAULT_MAX_STATES = 200_000
"""The search's state budget for a caller that names none, and the least :func:`default_budget` gives."""

MAX_DEFAULT_BUDGET = 2_000_000
"""The most :func:`default_budget` gives: a search this size takes about a minute on a laptop."""

BYTES_PER_STATE = 600
"""What one explored state costs in memory with its transitions, generously: 371,293 states and
2.2 million transitions took 135 MB (about 360 bytes a state) when measured."""


def default_budget() -> int:
    """The budget of ``check --explore`` and the language server when none is given.

    A hub-and-counter story of 28 scenes needed 450,157 states, so a fixed 200,000 was
    too small; the budget scales with the memory this machine has free (an eighth of
    it), between :data:`DEFAULT_MAX_STATES` and :data:`MAX_DEFAULT_BUDGET`.
    """
    free = available_memory()
    if free is None:
        return DEFAULT_MAX_STATES
    return max(DEFAULT_MAX_STATES, min(MAX_DEFAULT_BUDGET, free // 8 // BYTES_PER_STATE))


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable), or ``None`` when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import os

        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


@dataclass(frozen=True, slots=True)
class Clamp:
    """A stat pushed past a bound (and clamped back): the first, shortest path that does it, and the effect."""

    stat: str
    bound: str  # "min" or "max"; "length" for a text value cut at MAX_TEXT characters
    value: int
    path: tuple[PathStep, ...]
    effect: Effect | None = field(default=None, compare=False)


@dataclass
class Exploration:
    """What a breadth-first search of the reachable states found.

    Counts are exact for what was explored; when ``complete`` is false the search hit
    its budget, so unreachability claims are withheld (the lists are empty and
    ``complete`` says why), while soft-locks and traps are still sound: a trap is only
    reported when none of its reachable states is unexplored.

    ``states`` counts stored (non-ending) states, the start included; ``transitions``
    counts every (state, enabled choice, outcome) taken, into endings too; a soft-lock
    is a state with no enabled choice, a trap any other state from which no ending can
    be reached; ``ending_states`` counts distinct final values per ending;
    ``locked_never_true`` lists the choices with a ``locked:`` reason whose condition
    is false in every reachable state, wherever it is (the reason promises the impossible).
    """

    story: Story
    complete: bool
    states: int
    transitions: int
    expanded: int
    max_states: int
    ending_paths: dict[str, tuple[PathStep, ...] | None]
    ending_states: dict[str, int]
    unreachable_scenes: list[str]
    unreachable_choices: list[tuple[str, str]]
    never_enabled_choices: list[tuple[str, str]]
    soft_locks: list[Found]
    soft_lock_count: int
    soft_lock_scenes: dict[str, int]
    traps: list[Found]
    trap_count: int
    trap_scenes: dict[str, int]
    constant_stats: list[str]
    clamped_stats: list[Clamp]
    scenes_reached: set[str]
    locked_never_true: list[tuple[str, str]] = field(default_factory=list)
    broken_assumptions: list[BrokenAssumption] = field(default_factory=list)
    closed_roads: list[ClosedRoad] = field(default_factory=list)
    """Where a chapter's shown gate (milestone) stops being reachable (complete searches only)."""
    _graph: StateGraph | None = field(default=None, repr=False)

    @property
    def unreachable_endings(self) -> list[str]:
        """Declared endings no explored run reaches (meaningful when ``complete``)."""
        return [e for e, p in self.ending_paths.items() if p is None]

    def state(self, index: int) -> tuple[str, tuple[Value, ...]]:
        """Scene id and values of stored state ``index`` (0 is the start)."""
        assert self._graph is not None
        return self._graph.stepper.scene_ids[self._graph.scene_of[index]], self._graph.values_of[index]

    def path_to(self, index: int) -> tuple[PathStep, ...]:
        """The shortest path of steps from the start to stored state ``index``."""
        assert self._graph is not None
        return _path(self._graph, index)


def explore(story: Story, max_states: int = DEFAULT_MAX_STATES, limit: int = LIST_LIMIT) -> Exploration:
    """Visit every reachable state (up to ``max_states``) breadth-first and report on them."""
    st = compiled(story).full()
    g = search(st, max_states)
    preds = predecessors(g) if len(g.edge_src) else None
    finish = can_finish(g, preds)
    trapped = traps(g, finish)
    roads = closed_roads(g, preds)
    g.edge_src, g.edge_dst = array("i"), array("i")  # only reverse reachability needs the edges: free them
    complete = g.complete
    ids = st.scene_ids

    def found(i: int) -> Found:
        return Found(ids[g.scene_of[i]], g.values_of[i], _path(g, i))

    reached = {ids[i] for i in set(g.scene_of)}
    unreachable_scenes, unreachable_choices, never_enabled = _unreached(g, reached) if complete else ([], [], [])
    return Exploration(
        story=story, complete=complete, states=g.count, transitions=g.transitions, expanded=g.expanded,
        max_states=max_states,
        ending_paths={st.ending_ids[e]: _step_after(g, *first) if first else None
                      for e, first in enumerate(g.ending_first)},
        ending_states={st.ending_ids[e]: len(finals) for e, finals in enumerate(g.ending_finals)},
        unreachable_scenes=unreachable_scenes, unreachable_choices=unreachable_choices,
        never_enabled_choices=never_enabled,
        soft_locks=[found(i) for i in g.soft[:limit]], soft_lock_count=len(g.soft),
        soft_lock_scenes=dict(Counter(ids[g.scene_of[i]] for i in g.soft)),
        traps=[found(i) for i in trapped[:limit]], trap_count=len(trapped),
        trap_scenes=dict(Counter(ids[g.scene_of[i]] for i in trapped)),
        constant_stats=_constant_stats(story, g) if complete else [],
        clamped_stats=_clamps(story, g), scenes_reached=reached,
        locked_never_true=_locked_never_true(g) if complete else [],
        broken_assumptions=broken_assumptions(g), closed_roads=roads,
        _graph=g,
    )


# -- summaries ----------------------------------------------------------------------------------


def _unreached(g: StateGraph, reached: set[str]) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Of a complete search: scenes never reached, choices never offered, and choices offered but never enabled."""
    st = g.stepper
    ids = st.scene_ids
    unreachable_choices, never_enabled = [], []
    for c in st.choices:
        pair = (ids[c.scene], c.choice.id)
        if not g.offered[c.gid]:
            unreachable_choices.append(pair)
        elif not g.enabled[c.gid]:
            never_enabled.append(pair)
    return [s for s in ids if s not in reached], unreachable_choices, never_enabled


def _constant_stats(story: Story, g: StateGraph) -> list[str]:
    """Number and flag stats no reachable state (or final state) ever changes from the initial value.

    Each stat's column is scanned in C (``filter`` over ``map``), stopping at its first change.
    """
    initial = story.initial_values
    return [s.name for s in story.stats if s.type is not StatType.TEXT
            and next(filter(partial(ne, initial[s.slot]), map(itemgetter(s.slot), _all_values(g))), _SAME) is _SAME]


_SAME = object()


def _all_values(g: StateGraph) -> Iterator[tuple[Value, ...]]:
    for finals in g.ending_finals:
        yield from finals
    yield from g.values_of


def _clamps(story: Story, g: StateGraph) -> list[Clamp]:
    clamped = [Clamp(story.stats[slot].name, bound, seen.value,
                     () if seen.state == NO_PARENT else _step_after(g, seen.state, seen.gid, seen.outcome),
                     seen.effect)
               for (slot, bound), seen in g.clamps.items()]
    clamped.sort(key=lambda c: (story.stat(c.stat).slot, c.bound))
    return clamped


def _locked_never_true(g: StateGraph) -> list[tuple[str, str]]:
    """Locked choices never enabled where offered whose condition holds in no reachable state at all."""
    st = g.stepper
    suspects = [c for c in st.choices
                if c.choice.locked is not None and c.test is not None and g.offered[c.gid] and not g.enabled[c.gid]]
    if not suspects:
        return []
    distinct = set(g.values_of)
    return [(st.scene_ids[c.scene], c.choice.id) for c in suspects
            if c.test is not None and not any(c.test(values) for values in distinct)]


# -- paths --------------------------------------------------------------------------------------


def _step_after(g: StateGraph, s: int, gid: int, oi: int) -> tuple[PathStep, ...]:
    return _path(g, s) + (_step(g, gid, oi),)


def reachable_scenes(story: Story) -> set[str]:
    """Scenes reachable when every condition is assumed satisfiable (a structural over-approximation)."""
    seen = {story.start}
    todo = [story.start]
    while todo:
        for choice in story.scenes[todo.pop()].choices:
            for target in choice.goto.targets:
                if target.scene is not None and target.scene not in seen:
                    seen.add(target.scene)
                    todo.append(target.scene)
    return seen

