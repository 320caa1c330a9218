"""Replay verification: does a saved run still lead where its snapshot says?

Runs are regression tests for the story: verifying replays the log headlessly from
the seed and compares the state reached with the snapshot. A divergence names the
step, the scene, the choice the run took, why it is no longer possible, the choices
that are available instead, and what differs between the snapshot and the replay.

Typical use::

    report = verify(story, record)
    if not report.ok:
        print(report.divergence.reason)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adventure import engine
from adventure.errors import StateError
from adventure.saves.runfile import RunRecord
from adventure.saves.store import check_story_matches, failure_reason, snapshot_changes, snapshot_of
from adventure.story.model import Story


@dataclass(frozen=True)
class Divergence:
    """Where and why a run stopped agreeing with the story."""

    step: int
    scene: str
    choice: str
    reason: str
    available: tuple[str, ...]
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step, "scene": self.scene, "choice": self.choice, "reason": self.reason,
                "available": list(self.available), "changed": self.changed}


@dataclass(frozen=True)
class Verification:
    """The result of verifying one run file."""

    run: str
    steps: int
    applied: int
    ending: str | None
    divergence: Divergence | None
    story_changed: bool = False

    @property
    def ok(self) -> bool:
        return self.divergence is None

    def to_dict(self) -> dict[str, Any]:
        """The ``replay --verify --json`` object."""
        return {"ok": self.ok, "run": self.run, "steps": self.steps, "applied": self.applied,
                "ending": self.ending, "divergence": self.divergence.to_dict() if self.divergence else None}


def verify(story: Story, record: RunRecord, name: str | None = None) -> Verification:
    """Replay ``record`` headlessly and compare with its snapshot (another story: :class:`SaveError`)."""
    run = name or (str(record.path) if record.path else record.slot)
    check_story_matches(story, record, run)
    try:
        result = engine.replay(story, record.seed, record.steps, start=record.start)
    except StateError as exc:  # a sandbox run whose start no longer fits: it diverges before step 1
        assert record.start is not None
        broken = Divergence(0, record.start.scene, "", f"the sandbox start no longer applies: {exc}", ())
        return Verification(run, len(record.steps), 0, None, broken, record.fingerprint != story.fingerprint)
    state = result.state
    changed_story = record.fingerprint != story.fingerprint
    replayed = snapshot_of(story, state)
    changed = snapshot_changes(record.snapshot, replayed, story.renamed)
    if result.failure is not None:
        step = record.steps[result.applied]
        available = tuple(o.choice.id for o in engine.offers(story, state) if o.enabled)
        reason = failure_reason(story, step, state, result.failure)
        divergence = Divergence(result.applied + 1, step.scene, step.choice, reason, available, changed)
    elif changed:
        last = record.steps[-1] if record.steps else engine.Step(story.start, "")
        divergence = Divergence(len(record.steps), last.scene, last.choice,
                                "every step applies, but the run now ends in a different state than its snapshot",
                                (), changed)
    else:
        divergence = None
    return Verification(run, len(record.steps), result.applied, state.ending, divergence, changed_story)
