"""Carrying a run over to an edited story: its log replayed from the seed, as far as it applies.

``play --watch`` reloads the story whenever one of its files is saved. The player's
position *is* the run's log (scene and choice ids from a seed), so keeping it means
replaying the log onto the new story: the same mechanism that lets saves survive edits
(:func:`adventure.saves.store.resume`). When a step no longer applies, the run stops
just before it, and :class:`Divergence` says which step, scene and choice, and why.

Typical use::

    carried = carry_over(new_story, state.seed, state.log)
    if carried.divergence:
        print(carried.divergence)   # step 4 (scene 'road', choice 'wait'): ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adventure import engine
from adventure.engine import Outcome, RunState, Start, Step
from adventure.errors import StateError
from adventure.story.model import Story


@dataclass(frozen=True)
class Divergence:
    """The first logged step the edited story no longer allows."""

    step: int
    scene: str
    choice: str
    reason: str

    def __str__(self) -> str:
        return f"step {self.step} (scene '{self.scene}', choice '{self.choice}'): {self.reason}"


@dataclass(frozen=True)
class Carried:
    """Where the run stands on the new story."""

    state: RunState
    outcome: Outcome
    applied: int
    total: int
    divergence: Divergence | None = None
    start_lost: str | None = None
    """Why a sandbox start no longer fits (the run then begins at the story's start)."""

    @property
    def complete(self) -> bool:
        """Every step still applies from the same start."""
        return self.divergence is None and self.start_lost is None


def carry_over(story: Story, seed: int, steps: Sequence[Step], start: Start | None = None) -> Carried:
    """Replay ``steps`` from ``seed`` (and a sandbox ``start``) onto ``story``; never raises for a bad log."""
    from adventure.saves.store import failure_reason

    try:
        result = engine.replay(story, seed, steps, start=start)
    except StateError as exc:  # the sandbox start scene or a chosen stat is gone
        fresh = engine.new_run(story, seed)
        return Carried(fresh.state, fresh, 0, len(steps), None, str(exc))
    divergence = None
    if result.failure is not None:
        step = steps[result.applied]
        divergence = Divergence(result.applied + 1, step.scene, step.choice,
                                failure_reason(story, step, result.state, result.failure))
    return Carried(result.state, result.last, result.applied, len(steps), divergence)
