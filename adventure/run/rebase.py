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

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Any, Literal

from adventure.base.errors import ChoiceLocked, EngineError, RunFinished, StateError, UnknownChoice
from adventure.run import engine, rng
from adventure.run.engine import Outcome, ReplayResult, RunState, Start, Step
from adventure.run.runlog import Log
from adventure.story.compiled import CChoice, compiled
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
        result = engine.replay(story, seed, steps, start, visit) if visit is not None else \
            replay_headless(story, seed, steps, start)
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


def replay_headless(story: Story, seed: int, steps: Sequence[Step], start: Start | None = None) -> ReplayResult:
    """:func:`engine.replay` for a caller that needs only where the log leads, not how.

    The same result (state, steps applied, failure, last outcome), but the steps run
    the compiled step alone: no events, no state and no log per step (the log is built
    once, at the end). The last step that applies, and whatever follows it (the first
    step this path is not sure of: a choice it cannot find or that is not open), go
    through the engine itself, so a failure and the last outcome's events are the engine's.
    """
    first = engine.new_run(story, seed) if start is None else engine.start_at(story, seed, start)
    applied, before = _fast_forward(story, first.state, iter(steps))
    if applied <= 1:
        return _replay_from(story, first, steps, 0)
    scene, values, drawn, ending = before
    state = RunState(scene=scene, values=values, seed=seed, rng=drawn, turn=first.state.turn + applied - 1,
                     log=Log.of(islice(steps, applied - 1)), ending=ending)
    return _replay_from(story, Outcome(state, ()), steps, applied - 1)


def _replay_from(story: Story, outcome: Outcome, steps: Sequence[Step], applied: int) -> ReplayResult:
    """The engine's replay loop (:func:`engine.replay`) from ``outcome``, the first ``applied`` steps behind it."""
    for step in islice(steps, applied, None):
        state = outcome.state
        if state.ending is None and state.scene != story.scene_id(step.scene):  # a renamed scene is the same scene
            failure: EngineError = StateError(
                f"step {applied + 1} was taken in scene '{step.scene}' but the run is in '{state.scene}'")
            return ReplayResult(state, applied, failure, outcome)
        try:
            outcome = engine.take(story, state, step.choice)
        except EngineError as exc:
            return ReplayResult(state, applied, exc, outcome)
        applied += 1
    return ReplayResult(outcome.state, applied, None, outcome)


Reached = tuple[str, tuple[Any, ...], int, "str | None"]
"""Scene, values, generator state and ending of a run between two steps."""


def _fast_forward(story: Story, state: RunState, steps: Iterator[Step]) -> tuple[int, Reached]:
    """Apply ``steps`` with the compiled step alone while each is certainly open.

    Returns how many applied and where the run stood before the last of them (which the
    caller retakes through the engine, for its outcome).
    """
    cs = compiled(story)
    scene, values, rng_state, ending = state.scene, state.values, state.rng, None
    index = cs.scene_index[scene]
    choices: dict[int, dict[str, CChoice]] = {}
    drawn = [rng_state]
    pick = partial(_draw, state=drawn)
    applied = 0
    before: Reached = (scene, values, rng_state, ending)
    for step in steps:
        if ending is not None or story.scene_id(step.scene) != scene:
            break
        here = choices.get(index)
        if here is None:
            here = choices[index] = _by_id(story, cs.scene_choices(index))
        c = here.get(step.choice)
        if c is None or not (c.test is None or c.test(values)):
            break  # not this path's to word: the engine says why
        before = (scene, values, drawn[0], ending)
        _oi, end, dest, _chosen, after, _clamps = cs.step(c, values, pick)
        values = tuple(after)
        if end >= 0:
            ending = cs.ending_ids[end]
        else:
            index, scene = dest, cs.scene_ids[dest]
        applied += 1
    return applied, before


def _by_id(story: Story, choices: Sequence[CChoice]) -> dict[str, CChoice]:
    """A scene's compiled choices by every id that names them (old ids too, as :meth:`Scene.choice` reads them)."""
    table: dict[str, CChoice] = {}
    for c in choices:
        table.setdefault(c.choice.id, c)
    for c in choices:  # an old id only where no choice has it as its own (as the scene looks it up)
        for name in c.choice.renamed_from:
            table.setdefault(name, c)
    return table


def _draw(c: CChoice, state: list[int]) -> int:
    """A random goto's outcome, drawn as :func:`engine.take` draws it (``state``: the generator, advanced)."""
    targets = c.choice.goto.targets
    roll, state[0] = rng.draw(state[0], c.choice.goto.total_weight)
    upto = 0
    for index, target in enumerate(targets):
        upto += target.weight
        if roll < upto:
            return index
    raise AssertionError("weights cover the roll")  # pragma: no cover


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
    """The snapshot saved with a run: the state without its log, plus the chapter id.

    Built from the state's fields (not :meth:`RunState.to_dict`, which lists the whole log:
    every autosave of a 100,000-step run would build and drop 100,000 lists).
    """
    return {
        "scene": state.scene,
        "chapter": story.chapter_of(state.scene).id,
        "ending": state.ending,
        "turn": state.turn,
        "seed": state.seed,
        "rng": state.rng,
        "stats": dict(zip(story.stat_names, state.values[:len(story.stats)], strict=True)),
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
