"""``check --explore --write-runs DIR``: save the shortest run to each ending as a run file.

The explorer reports paths; a path through random draws needs a seed whose draws
follow it (:func:`adventure.analysis.randomplay.seed_for`). Each run is rebuilt through
:func:`adventure.run.engine.replay` and written by the save store, so ``replay --verify``
accepts what is written. This is the command line's job: analysis finds, saves persist.

Typical use::

    written, skipped = write_runs(story, {"home": path}, Path("runs"))
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from adventure.analysis.paths import PathStep
from adventure.analysis.randomplay import seed_for
from adventure.run import engine
from adventure.saves.store import SaveStore, record_for
from adventure.story.model import Story

SEED_BUDGET = 200_000
"""Seeds tried per ending before giving up on a path through random draws."""


def write_runs(story: Story, paths: dict[str, tuple[PathStep, ...]], folder: Path,
               budget: int = SEED_BUDGET, prefix: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Write one run file per ending reached by ``paths``, named ``<prefix><ending>``.

    ``prefix`` defaults to ``<story>-``, so the runs of several stories can share a
    folder; ``""`` names each run by its ending alone (the demo runs in ``saves/``).
    A path through random draws needs a seed whose draws follow it; seeds are searched
    up to ``budget`` and an ending without one is skipped (and listed with the reason).
    """
    from adventure.saves.store import check_slot_name

    prefix = f"{story.id}-" if prefix is None else prefix
    store = SaveStore(folder)
    written: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    used: set[str] = set()
    for ending, path in paths.items():
        seed = seed_for(story, path, budget)
        if seed is None:
            draws = sum(1 for s in path if s.outcome is not None)
            skipped.append({"ending": ending, "reason": f"no seed below {budget} follows its {draws} random draws"})
            continue
        result = engine.replay(story, seed, [engine.Step(s.scene, s.choice) for s in path])
        if result.failure is not None or result.state.ending != ending:  # pragma: no cover - seed_for checked
            skipped.append({"ending": ending, "reason": "the path does not replay"})
            continue
        slot = check_slot_name(slot_name(prefix, ending, used))
        used.add(slot.lower())
        record = dataclasses.replace(record_for(story, result.state, slot), scenes=scenes_field(story, folder))
        file = store.write(record)
        written.append({"ending": ending, "file": str(file), "seed": seed, "steps": len(path)})
    return written, skipped


def slot_name(prefix: str, ending: str, used: set[str]) -> str:
    """``<prefix><ending>``, made unique among ``used`` (lower-cased) and cut to a slot's 64 characters.

    A long story id would otherwise cut every name to the same 64 characters, and the
    second run written would replace the first. A name that must be cut keeps a digest
    of the whole ending id; one still taken gets ``-2``, ``-3``….
    """
    import hashlib

    name = f"{prefix}{ending}"
    if len(name) > 64:
        name = name[:55] + "-" + hashlib.sha256(ending.encode()).hexdigest()[:8]
    base, n = name, 1
    while name.lower() in used:  # case-insensitive: two names must not share a file on macOS or Windows
        n += 1
        name = f"{base[: 64 - len(str(n)) - 1]}-{n}"
    return name


def scenes_field(story: Story, folder: Path) -> str | None:
    """The story folder a written run records: relative to ``folder``, or none for the shipped story.

    As in play, a run of the shipped story names no folder, so it can be copied
    anywhere and still replays; any other story is found relative to the run file.
    """
    from adventure.base.resources import is_shipped

    if is_shipped(story.root):
        return None
    root = Path(story.root).resolve()
    try:
        return Path(os.path.relpath(root, folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return root.as_posix()
