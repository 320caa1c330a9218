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
from adventure.story.expr import Value, to_source
from adventure.story.model import Compiled, Milestone

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
    st = g.stepper
    story = st.story
    milestones: list[tuple[str, Milestone]] = [(c.id, m) for c in story.chapters for m in c.milestones if m.needs]
    if not g.complete or not milestones or not len(g.edge_src):
        return []
    chapter_ids = {c.id: n for n, c in enumerate(story.chapters)}
    chapter_of = [chapter_ids[story.scenes[s].chapter] for s in st.scene_ids]
    per_chapter = [[(n, m) for n, (cid, m) in enumerate(milestones) if chapter_ids[cid] == k]
                   for k in range(len(story.chapters))]
    shown = _shown(g, chapter_of, per_chapter)
    showing: list[list[int]] = [[] for _ in milestones]  # the states where each milestone is shown
    for i, n in enumerate(shown):
        if n != NOT_SHOWN:
            showing[n].append(i)
    needs: dict[str, tuple[Compiled, set[int]]] = {}  # condition -> (test, milestones listing it)
    for n, (_cid, milestone) in enumerate(milestones):
        for need in milestone.needs:
            needs.setdefault(to_source(need.condition), (need.test, set()))[1].add(n)
    starts, preds = predecessors if predecessors is not None else _predecessors(g)
    parent = g.parent
    closing: dict[tuple[int, str], list[int]] = {}  # (milestone, need) -> states where it closes, in order
    for condition, (test, listing) in needs.items():
        asked = sorted(i for n in listing for i in showing[n])
        reach = _can_meet(g, [i for i in asked if test(g.values_of[i])], starts, preds)
        closed = bytearray(g.count)
        for i in asked:
            if not reach[i]:
                closed[i] = 1
                p = parent[i]
                if p == NO_PARENT or not closed[p]:  # parents come first: breadth-first order
                    closing.setdefault((shown[i], condition), []).append(i)
    first = {key: states[0] for key, states in closing.items()}
    result = []
    for key, i in sorted(first.items(), key=lambda item: item[1]):
        chapter_id, milestone = milestones[key[0]]
        places = dict.fromkeys(g.scene_of[j] for j in closing[key])
        result.append(ClosedRoad(milestone.title.source, chapter_id, key[1], st.scene_ids[g.scene_of[i]],
                                 g.values_of[i], path_to(g, i), len(closing[key]),
                                 tuple(st.scene_ids[s] for s in places)))
    return result


def _shown(g: StateGraph, chapter_of: Sequence[int], per_chapter: Sequence[Sequence[tuple[int, Milestone]]]) -> array[int]:
    """Per state, the index of the milestone its chapter shows there (the first whose ``if`` holds)."""
    shown = array("i", [NOT_SHOWN]) * g.count
    for i in range(g.count):
        values = g.values_of[i]
        for n, milestone in per_chapter[chapter_of[g.scene_of[i]]]:
            if milestone.test is None or milestone.test(values):
                shown[i] = n
                break
    return shown


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
