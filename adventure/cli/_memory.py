"""The process's collector policy, in one place at the edge: pause while loading in bulk, then freeze.

A loaded story is hundreds of thousands of long-lived objects that never form garbage,
and loading or decoding it allocates them by the million. The cyclic collector would
walk them again and again: collections triggered while the loader allocates made load
time grow faster than the story (``benchmarks/bench_load.py``), and every later full
collection walks the whole story (exploring a 50,000-scene story took 10.5 s with it in
the collector and 3.0 s without; the explorer's set-up on 10,000 decoded scenes 3.08 s
against 0.74 s). So the command line:

* loads a story inside :func:`bulk`: the collector paused meanwhile, then every object
  alive moved into the permanent generation (:func:`gc.freeze`). No collection first:
  the loader makes almost no cycles, and a full collection would cost more start-up
  time (6 ms on the shipped story) than the few it could free;
* does the same around any later decoding of every scene (a warm story's scenes are
  decoded lazily, from the story cache: the explorer and the graph need them all),
  :func:`decoded`;
* and in the language server, which loads a story on each edit, freezes what its start
  made and lets young collections run less often (:func:`serving`).

The game's start is bulk work too: from the command line to its first live prompt it
imports some seventy modules of ours and of Rich and prompt_toolkit, defines some sixty
dataclasses, reads the story and lays out the first screen, and almost all of it lives
as long as the process. With the collector on, that start ran about a hundred young
collections and a full one (some 10 ms of CPU before the player could type). So ``play``
starts inside :func:`starting`: the collector paused until the first line is read
(:func:`started`), then switched back on with everything alive frozen.

These are process-wide decisions, so they are taken here, never inside a library
function (the loader, the cache and the language server's workspace leave the collector
alone). What they buy is measured in ``benchmarks/bench_gc.py``.

A load is also where the story cache may have something to say once (an entry too
large to keep): :func:`bulk` says it on standard error, after the load.

Typical use::

    with bulk():
        story = load_story(folder)
    decoded(story)                          # before exploring it
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adventure.story.model import Story

SERVER_YOUNG_THRESHOLD = 10_000
"""The language server's first-generation threshold (CPython's default is 700): a check allocates a story."""


@contextmanager
def paused() -> Iterator[None]:
    """Pause the collector for work that makes no cycles (a load, a decode, the explorer's search).

    The collector is switched back on only if it was on (a caller that switched it off keeps it off),
    also when the work fails.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def bulk() -> Iterator[None]:
    """:func:`paused` for a bulk load or decode; then everything alive frozen out of later collections."""
    with paused():
        yield
    gc.freeze()
    _say_cache_refusals()


_starting: list[bool] = []
"""While a start is under way (:func:`starting`): whether the collector was on before it."""


@contextmanager
def starting() -> Iterator[None]:
    """Pause the collector while a command starts, until :func:`started` (or the end of the block).

    Leaving the block ends the start if nothing did, the collector back on only if it was on
    (a command that fails before its first read, a test calling ``main`` in process).
    """
    _starting.append(gc.isenabled())
    gc.disable()
    try:
        yield
    finally:
        started()


def started() -> None:
    """The start is over: the collector back on (if it was) with everything alive frozen. Once; no-op outside a start."""
    if not _starting:
        return
    was_enabled = _starting.pop()
    gc.freeze()
    if was_enabled:
        gc.enable()


def started_at_first_line(read: Callable[[str, Sequence[str]], str]) -> Callable[[str, Sequence[str]], str]:
    """``read``, ending the start (:func:`started`) once its first line is read (or the read fails).

    The first read is where the player waits: the first screen is up and prompt_toolkit reading keys.
    """
    def first(prompt: str, words: Sequence[str]) -> str:
        try:
            return read(prompt, words)
        finally:
            started()

    return first


def decoded(story: Story) -> Story:
    """Every scene of ``story`` decoded (lazy when it came from the cache) and compiled, under :func:`bulk`.

    For the commands that walk the whole story (the explorer, the graph): its compiled form is kept
    with the story (:func:`adventure.story.compiled.compiled`), so they find it made.
    """
    from adventure.story.compiled import compiled

    with bulk():
        compiled(story).full()
    return story


@contextmanager
def serving() -> Iterator[None]:
    """The language server's policy for its lifetime: its start frozen, young collections rarer."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(SERVER_YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _say_cache_refusals() -> None:
    """One line on stderr for each story whose cache entry was refused as too large (once per story)."""
    from adventure.story.cache import take_refusals

    refusals = take_refusals()
    if not refusals:
        return
    from adventure.base.messages import _
    from adventure.base.safetext import escape_controls

    for refusal in refusals:
        line = _("note: {folder} is too large for the story cache ({size} MiB; the limit is {limit} MiB), so "
                 "it loads in full each time; this is said once for these files").format(
            folder=escape_controls(refusal.folder), size=f"{refusal.size / 2**20:.1f}",
            limit=f"{refusal.limit / 2**20:.1f}")
        try:
            sys.stderr.write(line + "\n")
        except OSError:  # stderr full or gone: the note is a courtesy
            pass
