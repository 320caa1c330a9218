"""Seeded random play-throughs, and replaying a reported path that passes random draws.

Random play covers what an exhaustive search cannot afford (``check --random``, and the
fallback when ``--explore`` runs out of budget): each run picks uniformly among the
enabled choices with :class:`random.Random` and draws weighted outcomes, on the same
compiled step as the explorer. :func:`seed_for` finds a seed whose engine draws follow
a path, so ``check --write-runs`` can save a replayable run for it.

Typical use::

    report = random_play(story, 2000, seed=0)
    report.endings, report.stuck, report.unvisited_scenes
"""

from __future__ import annotations

import random as _random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from adventure.analysis.paths import Found, PathStep
from adventure.run import engine, rng
from adventure.story.compiled import RANDOM, CChoice, compiled
from adventure.story.model import Story


@dataclass
class RandomReport:
    """Coverage from seeded random play-throughs choosing uniformly among enabled choices."""

    runs: int
    seed: int
    max_steps: int
    endings: dict[str, int]
    scenes_visited: set[str]
    choices_taken: set[tuple[str, str]]
    stuck: int
    stuck_example: Found | None
    ending_paths: dict[str, tuple[PathStep, ...]]
    capped: int
    steps: int
    all_scenes: int
    all_choices: int
    scene_order: tuple[str, ...] = ()

    @property
    def unvisited_scenes(self) -> list[str]:
        """Scenes no run entered, in story order."""
        return [s for s in self.scene_order if s not in self.scenes_visited]


def random_play(story: Story, runs: int, seed: int = 0, max_steps: int = 1000) -> RandomReport:
    """Play ``runs`` runs, each choice uniform among the enabled ones and each draw weighted.

    Deterministic for a seed (:class:`random.Random`). A run that meets a state with no
    enabled choice is ``stuck`` (a soft-lock, with its path kept for the first one); a run
    that takes ``max_steps`` steps without finishing is ``capped``.
    """
    st = compiled(story).full()
    gen = _random.Random(seed)
    pick_from, step = gen.choices, st.step

    def pick(c: CChoice) -> int:  # a weighted draw among a random goto's outcomes
        if len(c.targets) == 1:
            return 0
        return pick_from(range(len(c.targets)), weights=[t.weight for t in c.choice.goto.targets])[0]

    endings: Counter[str] = Counter()
    scenes: set[int] = set()
    taken: set[int] = set()
    stuck = capped = total_steps = 0
    stuck_example: Found | None = None
    first_paths: dict[str, tuple[PathStep, ...]] = {}
    s0, v0, _ = st.start()
    by_scene = st.by_scene
    for _run in range(runs):
        sc, vals = s0, v0
        scenes.add(sc)
        trail: list[PathStep] = []
        for _n in range(max_steps):
            options = [c for c in by_scene[sc] if c.test is None or c.test(vals)]
            if not options:
                stuck += 1
                if stuck_example is None:
                    stuck_example = Found(st.scene_ids[sc], tuple(vals), tuple(trail))
                break
            c = options[gen.randrange(len(options))] if len(options) > 1 else options[0]
            taken.add(c.gid)
            total_steps += 1
            oi, ending, dest, _chosen, vals, _clamps = step(c, vals, pick)
            trail.append(PathStep(st.scene_ids[sc], c.choice.id, c.targets[oi][3], oi) if c.kind == RANDOM
                         else PathStep(st.scene_ids[sc], c.choice.id))
            if ending >= 0:
                endings[st.ending_ids[ending]] += 1
                first_paths.setdefault(st.ending_ids[ending], tuple(trail))
                break
            sc = dest
            scenes.add(sc)
        else:
            capped += 1
    report = RandomReport(
        runs=runs, seed=seed, max_steps=max_steps,
        endings={e: endings.get(e, 0) for e in st.ending_ids},
        scenes_visited={st.scene_ids[i] for i in scenes},
        choices_taken={(st.scene_ids[st.choices[g].scene], st.choices[g].choice.id) for g in taken},
        stuck=stuck, stuck_example=stuck_example, ending_paths=first_paths, capped=capped, steps=total_steps,
        all_scenes=len(st.scene_ids), all_choices=len(st.choices), scene_order=st.scene_ids,
    )
    return report


# -- replaying a reported path -----------------------------------------------------------------


def draws_in(story: Story, path: Sequence[PathStep]) -> list[tuple[int, frozenset[int]]]:
    """For each random draw on ``path``: the draw's range and the rolls that give its outcome."""
    draws = []
    for step in path:
        choice = story.scenes[step.scene].choice(step.choice)
        if choice is None or choice.goto.kind != "random":
            continue
        rolls: set[int] = set()
        upto = 0
        for index, target in enumerate(choice.goto.targets):
            if index == step.draw if step.draw is not None else target.name == step.outcome:
                rolls.update(range(upto, upto + target.weight))
            upto += target.weight
        draws.append((upto, frozenset(rolls)))
    return draws


def seed_for(story: Story, path: Sequence[PathStep], budget: int = 200_000) -> int | None:
    """The smallest seed in ``range(budget)`` whose draws follow ``path`` to its end, or ``None``.

    The run's generator only advances at random draws, so candidate seeds are screened on
    the draws alone (a few integer operations each) and the survivor is confirmed by
    :func:`adventure.run.engine.replay`, which must replay every step.
    """
    draws = draws_in(story, path)
    steps = [engine.Step(p.scene, p.choice) for p in path]
    for seed in range(budget):
        state = rng.seed_state(seed)
        for total, rolls in draws:
            roll, state = rng.draw(state, total)
            if roll not in rolls:
                break
        else:
            if engine.replay(story, seed, steps).complete:
                return seed
    return None
