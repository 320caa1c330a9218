"""Replay verification: does a saved run still lead where its snapshot says?

Runs are regression tests for the story: verifying replays the log headlessly from
the seed (:func:`adventure.run.rebase.rebase`) and compares the state reached with the
snapshot. When they part, :class:`~adventure.run.rebase.Stopped` names the step, the
scene, the choice the run took, why it is no longer possible and the choices that
are available instead, and :attr:`Verification.changed` what differs between the
snapshot and the replay. The words are the caller's (``replay --verify``).

Typical use::

    report = verify(story, record)
    if not report.ok:
        print(report.stopped.reason)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adventure.run.rebase import Stopped, rebase
from adventure.saves.runfile import RunRecord
from adventure.saves.store import check_story_matches
from adventure.story.model import Story


@dataclass(frozen=True)
class Verification:
    """The result of verifying one run file."""

    run: str
    steps: int
    applied: int
    ending: str | None
    stopped: Stopped | None
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Snapshot fields that differ from the replayed state."""
    story_changed: bool = False

    @property
    def ok(self) -> bool:
        return self.stopped is None

    def to_dict(self, reason: Callable[[Stopped], str]) -> dict[str, Any]:
        """The ``replay --verify --json`` object; ``reason`` words why the run stopped."""
        divergence = None
        if self.stopped is not None:
            d = self.stopped
            divergence = {"step": d.step, "scene": d.scene, "choice": d.choice, "reason": reason(d),
                          "available": list(d.available), "changed": self.changed}
        return {"ok": self.ok, "run": self.run, "steps": self.steps, "applied": self.applied,
                "ending": self.ending, "divergence": divergence}


def verify(story: Story, record: RunRecord, name: str | None = None) -> Verification:
    """Replay ``record`` headlessly and compare with its snapshot (another story: :class:`SaveError`)."""
    run = name or (str(record.path) if record.path else record.slot)
    check_story_matches(story, record, run)
    rebased = rebase(story, record.seed, record.steps, record.start, snapshot=record.snapshot)
    ending = None if rebased.start_lost else rebased.state.ending
    return Verification(run, len(record.steps), rebased.applied, ending, rebased.stopped, rebased.changed,
                        record.fingerprint != story.fingerprint)
