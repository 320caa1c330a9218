"""Rebasing a run: its log replayed from the seed onto a story, and where it stops.

A run *is* its log (scene and choice ids from a seed), so a run survives an edit of
the story by replaying that log onto the new story as far as it applies. Three
callers need exactly this: loading a save (:func:`adventure.saves.store.resume`),
``replay --verify`` (:mod:`adventure.saves.verify`) and ``play --watch``
(:meth:`adventure.play.session.Session.try_rebase`). Here is the one implementation.

The result is data: :class:`Rebased` says how many steps applied and, in
:class:`Stopped`, which step no longer applies, in which scene, with which choice,
why (a :data:`StopReason` and its detail) and what the scene offers instead. No
sentence is built here: the session, the UI and the CLI choose the words, in the
player's language (:mod:`adventure.play.notices`).

Typical use::

    rebased = rebase(story, state.seed, state.log, snapshot=saved_snapshot)
    if rebased.stopped:
        print(stop_words(rebased.stopped))   # words chosen at the edge
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from adventure.base.errors import ChoiceLocked, EngineError, RunFinished, StateError, UnknownChoice
from adventure.run import engine
from adventure.run.engine import Outcome, RunState, Start, Step
from adventure.story.model import Story

StopReason = Literal["hidden", "not_offered", "locked", "ended", "scene_gone", "elsewhere", "start_lost", "snapshot"]
"""Why a step no longer applies:

- ``hidden``: the choice still exists in the scene but is hidden now;
- ``not_offered``: the scene no longer has the choice;
- ``locked``: the choice is locked now (``detail``: the lock's reason);
- ``ended``: the run now ends before the step (``detail``: the ending id);
- ``scene_gone``: the step's scene no longer exists (``detail``: the scene the run is in);
- ``elsewhere``: the run now reaches another scene (``detail``: that scene);
- ``start_lost``: a sandbox start no longer fits (``detail``: the problem; step 0);
- ``snapshot``: every step applies, but the run ends in another state than its snapshot.
"""


@dataclass(frozen=True)
class Stopped:
    """The first logged step the story no longer allows (step 0: the sandbox start)."""

    step: int
    scene: str
    choice: str
    reason: StopReason
    detail: str = ""
    available: tuple[str, ...] = ()
    """The choices the scene offers instead (enabled ones), by id."""


@dataclass(frozen=True)
class Rebased:
    """Where the run stands on the story after its log was replayed as far as it applies."""

    state: RunState
    outcome: Outcome
    applied: int
    total: int
    stopped: Stopped | None = None
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Fields of the saved snapshot that differ from the replayed state (when a snapshot was given)."""

    @property
    def complete(self) -> bool:
        """Every step still applies from the same start."""
        return self.stopped is None

    @property
    def start_lost(self) -> bool:
        """The sandbox start no longer fits: the run begins again at the story's start."""
        return self.stopped is not None and self.stopped.reason == "start_lost"


def rebase(story: Story, seed: int, steps: Sequence[Step], start: Start | None = None, *,
           snapshot: Mapping[str, Any] | None = None,
           visit: Callable[[Outcome], None] | None = None) -> Rebased:
    """Replay ``steps`` from ``seed`` (and a sandbox ``start``) onto ``story``; never raises for a bad log.

    With ``snapshot`` (the state a run file says the log led to), :attr:`Rebased.changed`
    lists what differs, and a log that applies in full but lands elsewhere stops with
    ``snapshot``. ``visit`` sees each outcome in order, the start's included.
    """
    try:
        result = engine.replay(story, seed, steps, start, visit)
    except StateError as exc:  # the sandbox start scene or a chosen stat is gone
        assert start is not None
        fresh = engine.new_run(story, seed)
        return Rebased(fresh.state, fresh, 0, len(steps), Stopped(0, start.scene, "", "start_lost", str(exc)))
    changed = snapshot_changes(snapshot, snapshot_of(story, result.state), story.renamed) if snapshot else {}
    stopped = None
    if result.failure is not None:
        stopped = stop_at(story, result.applied + 1, steps[result.applied], result.state, result.failure)
    elif changed:
        last = steps[-1] if steps else Step(story.start, "")
        stopped = Stopped(len(steps), last.scene, last.choice, "snapshot")
    return Rebased(result.state, result.last, result.applied, len(steps), stopped, changed)


def stop_at(story: Story, number: int, step: Step, state: RunState, failure: EngineError) -> Stopped:
    """Why logged step ``number`` no longer applies in ``state``, as data."""
    available = tuple(o.choice.id for o in engine.offers(story, state) if o.enabled)

    def stopped(reason: StopReason, detail: str = "", scene: str = step.scene, choice: str = step.choice) -> Stopped:
        return Stopped(number, scene, choice, reason, detail, available)

    if isinstance(failure, UnknownChoice):
        if step.choice in (c.id for c in story.scenes[failure.scene].choices):
            return stopped("hidden", scene=failure.scene)
        return stopped("not_offered", scene=failure.scene, choice=failure.choice)
    if isinstance(failure, ChoiceLocked):
        return stopped("locked", failure.reason, scene=failure.scene, choice=failure.choice)
    if isinstance(failure, RunFinished):
        return stopped("ended", failure.ending)
    if step.scene not in story.scenes:
        return stopped("scene_gone", state.scene)
    return stopped("elsewhere", state.scene)


def snapshot_of(story: Story, state: RunState) -> dict[str, Any]:
    """The snapshot saved with a run: the state without its log, plus the chapter id."""
    data = state.to_dict(story)
    return {
        "scene": data["scene"],
        "chapter": story.chapter_of(state.scene).id,
        "ending": data["ending"],
        "turn": data["turn"],
        "seed": data["seed"],
        "rng": data["rng"],
        "stats": data["stats"],
    }


def snapshot_changes(saved: Mapping[str, Any], replayed: Mapping[str, Any],
                     renamed: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Fields (and stats, as ``stats.NAME``) whose saved value differs from the replayed one.

    ``renamed`` maps old scene ids to current ones, so a scene renamed since the save
    (``renamed_from:``) is not a difference.
    """
    changes: dict[str, dict[str, Any]] = {}
    if renamed and saved.get("scene") in renamed:
        saved = {**saved, "scene": renamed[saved["scene"]]}
    for key in ("scene", "chapter", "ending", "turn", "rng"):
        if saved.get(key) != replayed.get(key):
            changes[key] = {"snapshot": saved.get(key), "replayed": replayed.get(key)}
    old, new = saved.get("stats") or {}, replayed.get("stats") or {}
    for name in [*old, *(n for n in new if n not in old)]:
        a, b = old.get(name), new.get(name)
        if a != b or type(a) is not type(b):
            changes[f"stats.{name}"] = {"snapshot": a, "replayed": b}
    return changes
