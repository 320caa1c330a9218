"""Closed roads: a chapter's gate still shown to the player when no way on can meet it any more.

A chapter's milestone (``Next:``) is the story naming its gate, need by need: "✗ Russian
1 of 2". When a run reaches a state where a need is shown but no continuation makes it
true while a milestone still asks for it, the story is promising a road it has closed
(the review's "One More Year" offers Russian +1 when 2 are needed). Soft-locks and traps
miss it, since an ending is still reachable.

Over a complete search's state graph, for each distinct need condition, a reverse walk
from the states that meet it while some shown milestone lists it marks every state that
can still get there; a state whose shown milestone lists the need and is unmarked is on
a closed road. Only where the road closes is reported (a closed state whose breadth-first
parent was not closed for that need), once per milestone and need, with the shortest
path to the first such state and every scene where it happens.

Typical use::

    for road in closed_roads(graph): print(road.milestone, road.need, road.scene, road.scenes)
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from adventure.analysis.paths import PathStep
from adventure.analysis.reverse import predecessors as _predecessors
from adventure.analysis.search import NO_PARENT, StateGraph, path_to
from adventure.story.compiled import CompiledStory
from adventure.story.expr import Value, to_source
from adventure.story.model import Compiled, Milestone, Story

NOT_SHOWN = -1


@dataclass(frozen=True, slots=True)
class ClosedRoad:
    """A need of a shown gate that a run can lose for good: where it first closes, and how often."""

    milestone: str
    """The milestone's title as written (a template's source)."""
    chapter: str
    need: str
    """The need's condition, as written in the expression language."""
    scene: str
    """The scene of the first (shortest-path) state where the need closes."""
    values: tuple[Value, ...]
    path: tuple[PathStep, ...]
    states: int
    """How many reachable states the need closes at (their parents could still meet it)."""
    scenes: tuple[str, ...]
    """Every scene where it closes, in the order the search met them."""


def closed_roads(g: StateGraph, predecessors: tuple[array[int], array[int]] | None = None) -> list[ClosedRoad]:
    """Every (milestone, need) a run can lose while it is shown, first place first; ``[]`` unless the search is complete.

    ``predecessors`` (from :func:`adventure.analysis.reverse.predecessors`) saves building them again.
    """
    milestones = _gated(g.stepper.story)
    if not g.complete or not milestones or not len(g.edge_src):
        return []
    shown = _shown(g, _scene_checks(g, milestones))
    showing = _states_showing(shown, len(milestones))
    starts, preds = predecessors if predecessors is not None else _predecessors(g)
    closing: dict[tuple[int, str], list[int]] = {}  # (milestone, need) -> states where it closes, in order
    for condition, (test, listing) in _needs(g.stepper, milestones).items():
        asked = sorted(i for n in listing for i in showing[n])
        reach = _can_meet(g, [i for i in asked if test(g.values_of[i])], starts, preds)
        for i in _closes(g, asked, reach):
            closing.setdefault((shown[i], condition), []).append(i)
    first_place_first = sorted(closing.items(), key=lambda item: item[1][0])
    return [_road(g, milestones[n], need, states) for (n, need), states in first_place_first]


def _gated(story: Story) -> list[tuple[str, Milestone]]:
    """(chapter id, milestone) of every milestone that lists needs: only those can promise a closed road."""
    return [(c.id, m) for c in story.chapters for m in c.milestones if m.needs]


def _scene_checks(g: StateGraph, milestones: Sequence[tuple[str, Milestone]]) -> list[list[tuple[int, Compiled | None]]]:
    """Per scene, its chapter's milestones in order, each as (index in ``milestones``, its compiled ``if``)."""
    story, test = g.stepper.story, g.stepper.test
    chapter_number = {c.id: k for k, c in enumerate(story.chapters)}
    per_chapter: list[list[tuple[int, Compiled | None]]] = [[] for _ in story.chapters]
    for n, (chapter_id, milestone) in enumerate(milestones):
        per_chapter[chapter_number[chapter_id]].append((n, test(milestone.condition)))
    return [per_chapter[chapter_number[story.scenes[s].chapter]] for s in g.stepper.scene_ids]


def _shown(g: StateGraph, scene_checks: Sequence[Sequence[tuple[int, Compiled | None]]]) -> array[int]:
    """Per state, the index of the milestone its chapter shows there (the first whose ``if`` holds)."""
    shown = array("i", [NOT_SHOWN]) * g.count
    for i in range(g.count):
        values = g.values_of[i]
        for n, check in scene_checks[g.scene_of[i]]:
            if check is None or check(values):
                shown[i] = n
                break
    return shown


def _states_showing(shown: array[int], milestones: int) -> list[list[int]]:
    """Per milestone, the states where it is shown, in breadth-first order."""
    showing: list[list[int]] = [[] for _ in range(milestones)]
    for i, n in enumerate(shown):
        if n != NOT_SHOWN:
            showing[n].append(i)
    return showing


def _needs(st: CompiledStory, milestones: Sequence[tuple[str, Milestone]]) -> dict[str, tuple[Compiled, set[int]]]:
    """Each distinct need condition (as written) with its test and the milestones that list it: one walk serves all."""
    needs: dict[str, tuple[Compiled, set[int]]] = {}
    for n, (_chapter_id, milestone) in enumerate(milestones):
        for need in milestone.needs:
            needs.setdefault(to_source(need.condition), (st.expr(need.condition), set()))[1].add(n)
    return needs


def _closes(g: StateGraph, asked: list[int], reach: bytearray) -> list[int]:
    """The ``asked`` states (in breadth-first order) that can no longer meet the need while their parent could."""
    closed = bytearray(g.count)
    parent = g.parent
    found = []
    for i in asked:
        if not reach[i]:
            closed[i] = 1
            p = parent[i]
            if p == NO_PARENT or not closed[p]:  # parents come first: breadth-first order
                found.append(i)
    return found


def _road(g: StateGraph, gated: tuple[str, Milestone], need: str, states: list[int]) -> ClosedRoad:
    """The finding for one (milestone, need): its first closing state's path, and every scene where it closes."""
    chapter_id, milestone = gated
    scene_ids, first = g.stepper.scene_ids, states[0]
    places = dict.fromkeys(g.scene_of[j] for j in states)
    return ClosedRoad(milestone.title.source, chapter_id, need, scene_ids[g.scene_of[first]], g.values_of[first],
                      path_to(g, first), len(states), tuple(scene_ids[s] for s in places))


def _can_meet(g: StateGraph, seeds: list[int], starts: array[int], preds: array[int]) -> bytearray:
    """One byte per state: 1 when one of ``seeds`` (states meeting a need while it is asked) is reachable."""
    marked = bytearray(g.count)
    queue = array("i", seeds)
    for i in seeds:
        marked[i] = 1
    append = queue.append
    for d in queue:  # the array grows while it is walked: a breadth-first queue
        for p in preds[starts[d]:starts[d + 1]]:
            if not marked[p]:
                marked[p] = 1
                append(p)
    return marked
