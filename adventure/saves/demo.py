"""Find the shortest run to each ending and write them as run files (demo and test runs).

A breadth-first beam search over run states through the engine itself (``offers`` and
``take``), so the runs it finds are exactly what a player could do. Used to (re)write
the demo runs shipped in ``saves/`` and the regression runs in ``tests/runs/``::

    python -m adventure.saves.demo scenes/ saves/
    python -m adventure.saves.demo tests/fixtures/mini tests/runs --prefix mini- --scenes-hint ../fixtures/mini
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timezone
from pathlib import Path

from adventure import engine
from adventure.engine import RunState
from adventure.errors import EngineError
from adventure.saves.atomic import atomic_write
from adventure.saves.runfile import dump_record
from adventure.saves.store import record_for
from adventure.story.model import Story

FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)


def shortest_runs(story: Story, seed: int = 0, width: int = 400, max_depth: int = 500) -> dict[str, RunState]:
    """The first finished run found for each ending, by a breadth-first beam search.

    Level by level, like a breadth-first search (so small stories get their true
    shortest runs), but each level keeps only the ``width`` states furthest along the
    story's progress measure: a full search of a real story's stats does not fit.
    """
    tiebreak = random.Random(seed)
    found: dict[str, RunState] = {}
    beam = [engine.new_run(story, seed).state]
    for _ in range(max_depth):
        level: dict[tuple[object, ...], RunState] = {}
        for state in beam:
            for offer in engine.offers(story, state):
                if not offer.enabled:
                    continue
                try:
                    nxt = engine.take(story, state, offer.choice.id).state
                except EngineError:
                    continue
                if nxt.ending is not None:
                    found.setdefault(nxt.ending, nxt)
                else:
                    level.setdefault(_key(nxt), nxt)
        if not level or len(found) == len(story.endings):
            break
        ranked = sorted(level.values(), key=lambda s: (engine.progress(story, s), tiebreak.random()), reverse=True)
        beam = ranked[:width]
    return found


def write_runs(story: Story, folder: Path, prefix: str = "", scenes_hint: str | None = None,
               seed: int = 0, seeds: int = 20) -> list[Path]:
    """Write one run file per reachable ending into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    found: dict[str, RunState] = {}
    for attempt in range(seed, seed + seeds):  # a random draw may need another seed
        for ending, state in shortest_runs(story, attempt).items():
            found.setdefault(ending, state)
        if len(found) == len(story.endings):
            break
    for ending, state in sorted(found.items()):
        slot = f"{prefix}{ending}".replace("_", "-")
        record = record_for(story, state, slot, created=FIXED_TIME, now=FIXED_TIME)
        if scenes_hint:
            from dataclasses import replace

            record = replace(record, scenes=scenes_hint)
        written.append(atomic_write(folder / f"{slot}.yaml", dump_record(record).encode("utf-8")))
    return written


def _key(state: RunState) -> tuple[object, ...]:
    return (state.scene, state.values, state.rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenes", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--prefix", default="")
    parser.add_argument("--scenes-hint", default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from adventure.story.loader import load_story

    for path in write_runs(load_story(args.scenes), args.out, args.prefix, args.scenes_hint, args.seed):
        print(path)


if __name__ == "__main__":
    main()
