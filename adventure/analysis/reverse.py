"""Reverse reachability over a searched state graph: which states can still finish.

A state can finish when it steps into an ending, or when it was stored but never
expanded (the budget ran out: it might). Walking the edges backwards from those, in
a compressed predecessor table built from the search's flat edge arrays, marks every
state that can reach one; an expanded state left unmarked is a trap (or a soft-lock,
when it offers no enabled choice at all).

Typical use::

    finish = can_finish(graph)
    traps = [i for i in range(graph.expanded) if not finish[i]]
"""

from __future__ import annotations

from array import array

from adventure.analysis.search import StateGraph


def can_finish(g: StateGraph, preds_of: tuple[array[int], array[int]] | None = None) -> bytearray:
    """One byte per stored state: 1 when some ending (or an unexplored state) is reachable from it.

    ``preds_of`` is :func:`predecessors` of the graph, when the caller has built it already.
    """
    count = g.count
    finish = bytearray(count)
    queue = array("i")
    for i in range(count):
        if g.reaches_end[i] or i >= g.expanded:
            finish[i] = 1
            queue.append(i)
    if not queue or not len(g.edge_src):
        return finish
    starts, preds = preds_of if preds_of is not None else predecessors(g)
    qi = 0
    while qi < len(queue):
        d = queue[qi]
        qi += 1
        for k in range(starts[d], starts[d + 1]):
            p = preds[k]
            if not finish[p]:
                finish[p] = 1
                queue.append(p)
    return finish


def predecessors(g: StateGraph) -> tuple[array[int], array[int]]:
    """Predecessor lists in CSR form: ``preds[starts[d]:starts[d + 1]]`` lead into ``d``."""
    count = g.count
    starts = array("i", bytes(4 * (count + 1)))
    for d in g.edge_dst:
        starts[d + 1] += 1
    for i in range(count):
        starts[i + 1] += starts[i]
    fill = array("i", starts[:count])
    preds = array("i", bytes(4 * len(g.edge_src)))
    for src, dst in zip(g.edge_src, g.edge_dst, strict=True):
        preds[fill[dst]] = src
        fill[dst] += 1
    return starts, preds


def traps(g: StateGraph, finish: bytearray) -> list[int]:
    """Expanded states from which no ending can be reached, soft-locks excluded."""
    soft = set(g.soft)
    return [i for i in range(g.expanded) if not finish[i] and i not in soft]
