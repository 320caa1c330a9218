"""The pure engine: a story and a run state in, a choice in, a new run state out.

Nothing here prints, reads input, touches files or looks at the clock; the terminal
UI, the save files, the replayer, the checker and the tests all drive this same core.
A :class:`RunState` is small, immutable and serialisable (the random generator's state
included), so undo, saves and replays are all "replay the log from the seed".

Typical use::

    outcome = new_run(story, seed=7)
    for offer in offers(story, outcome.state):
        ...
    outcome = take(story, outcome.state, "study")
    for event in outcome.events: ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from adventure.base.errors import ChoiceLocked, EngineError, RunFinished, StateError, UnknownChoice
from adventure.base.messages import _
from adventure.run import rng
from adventure.run.runlog import EMPTY, Log, Step

__all__ = ["Step"]  # re-exported: callers name a run's steps through the engine
from adventure.story import expr as ex
from adventure.story.compiled import CChoice, apply, compiled
from adventure.story.finale import final_approach
from adventure.story.model import Choice, Stat, Story
from adventure.story.template import Shown, Template, int_text, render

Value = ex.Value
Cause = Literal["choice", "scene", "computed"]


@dataclass(frozen=True, slots=True)
class RunState:
    """Everything that changes during play; the story itself never does.

    ``log`` is a :class:`~adventure.run.runlog.Log`: each new state shares its predecessor's
    log and adds one node, so a step costs the same at turn 10 as at turn 100,000.
    """

    scene: str
    values: tuple[Value, ...]
    seed: int
    rng: int
    turn: int = 0
    log: Log = EMPTY
    ending: str | None = None

    @property
    def finished(self) -> bool:
        return self.ending is not None

    def to_dict(self, story: Story) -> dict[str, object]:
        """A plain, YAML/JSON-friendly form; stats keyed by name, not position.

        A story that reads ``seen()``/``chose()`` adds ``remembers`` (key -> true/false).
        """
        data: dict[str, object] = {
            "scene": self.scene,
            "ending": self.ending,
            "turn": self.turn,
            "seed": self.seed,
            "rng": self.rng,
            "stats": dict(zip(story.stat_names, self.values[:len(story.stats)], strict=True)),
            "log": [[s.scene, s.choice] for s in self.log],
        }
        if story.memos:
            data["remembers"] = {m.key: self.values[m.slot] for m in story.memos}
        return data

    @classmethod
    def from_dict(cls, story: Story, data: Mapping[str, object]) -> RunState:
        """Rebuild a state, checking it against the story; raises :class:`StateError`."""
        try:
            scene = data["scene"]
            stats = data["stats"]
            seed, rng_state, turn = data["seed"], data["rng"], data.get("turn", 0)
            ending = data.get("ending")
            log = Log.of(Step(str(a), str(b)) for a, b in data.get("log", ()))  # type: ignore[attr-defined]
        except (KeyError, TypeError, ValueError) as exc:
            raise StateError(f"run state is incomplete or malformed ({exc})") from None
        if isinstance(scene, str):
            scene = story.scene_id(scene)
        if not isinstance(scene, str) or scene not in story.scenes:
            raise StateError(f"run state names unknown scene {scene!r}")
        if ending is not None and ending not in story.endings:
            raise StateError(f"run state names unknown ending {ending!r}")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (seed, rng_state, turn)):
            raise StateError("run state seed, rng and turn must be whole numbers")
        if not isinstance(stats, Mapping):
            raise StateError("run state stats must be a mapping")
        values = _values_from(story, stats) + _memory_from(story, data.get("remembers"), log)
        return cls(scene=scene, values=values, seed=seed, rng=rng_state, turn=turn, log=log,  # type: ignore[arg-type]
                   ending=ending)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class SceneEntered:
    scene: str
    chapter: str
    new_chapter: bool


@dataclass(frozen=True, slots=True)
class StatChanged:
    """A stat moved. ``cause`` says why: ``choice`` (the choice's effects), ``scene``
    (the entered scene's ``on_enter``; ``source`` is its id) or ``computed`` (a
    computed stat followed its inputs; ``source`` is the choice or scene that moved them).
    """

    stat: str
    old: Value
    new: Value
    cause: Cause = "choice"
    source: str | None = None


@dataclass(frozen=True, slots=True)
class ChoiceTaken:
    scene: str
    choice: str
    remember: str | None


@dataclass(frozen=True, slots=True)
class RandomDrawn:
    choice: str
    target: str
    roll: int
    total: int
    remember: str | None = None


@dataclass(frozen=True, slots=True)
class EndingReached:
    ending: str
    true_ending: bool


Event = SceneEntered | StatChanged | ChoiceTaken | RandomDrawn | EndingReached


@dataclass(frozen=True, slots=True)
class Outcome:
    """The state after a step, and what happened on the way, in order."""

    state: RunState
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class Offer:
    """A choice as the player sees it here: enabled, or locked with a reason."""

    choice: Choice
    label: str
    enabled: bool
    reason: str | None


@dataclass(frozen=True, slots=True)
class Start:
    """Where a sandbox run begins instead of the story's start: a scene and chosen stat values.

    Authors use it to jump to the scene they are writing (``play --start --set``); the
    run file records it, so a sandbox run replays and verifies like any other.
    """

    scene: str
    values: tuple[tuple[str, Value], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"scene": self.scene, "stats": dict(self.values)}


@dataclass(frozen=True, slots=True)
class ReplayResult:
    """How far a log replays: the state reached and, if it stopped early, why."""

    state: RunState
    applied: int
    failure: EngineError | None
    last: Outcome
    """The outcome that produced ``state`` (the start's when no step applied)."""

    @property
    def complete(self) -> bool:
        return self.failure is None


# -- running a story -------------------------------------------------------------------


def new_run(story: Story, seed: int) -> Outcome:
    """Start a run at the story's start scene, applying its on-enter effects."""
    cs = compiled(story)
    start = story.scenes[story.start]
    _index, values, _clamps = cs.start()
    state = RunState(scene=story.start, values=values, seed=seed, rng=rng.seed_state(seed))
    events: list[Event] = [SceneEntered(start.id, start.chapter, True)]
    events.extend(_changes(story, story.initial_values, state.values, "scene", start.id))
    return Outcome(state, tuple(events))


def start_at(story: Story, seed: int, start: Start) -> Outcome:
    """Start a run at ``start.scene`` with the given stat values, then enter the scene.

    Unnamed stats keep their initial values; computed stats follow from the result; the
    scene's on-enter effects then apply, as on any arrival. A ``seen()``/``chose()`` the
    story reads may be given by its key (``chose(keys)``) as true or false. Raises :class:`StateError`
    for an unknown scene or stat, a computed stat, or a value of the wrong type or range.
    """
    scene = story.scenes.get(start.scene)
    if scene is None:
        raise StateError(f"the start scene '{start.scene}' does not exist")
    values = list(story.initial_values)
    names = story.stat_names
    memos = {m.key: m for m in story.memos}
    for name, raw in start.values:
        if name in memos:  # seen()/chose() as if the run had passed that way
            if not isinstance(raw, bool):
                raise StateError(f"'{name}' is true or false, found {raw!r}")
            values[memos[name].slot] = raw
            continue
        if name not in names:
            raise StateError(f"there is no stat called '{name}'")
        stat = story.stat(name)
        if stat.computed:
            raise StateError(f"stat '{name}' is computed ({stat.formula}); set the stats it reads instead")
        values[stat.slot] = _checked_value(stat, raw)
    cs = compiled(story)
    for slot, formula in cs.formulas:
        values[slot] = story.stats[slot].clamp(formula(values))
    apply(cs.enter_effects(cs.scene_index[scene.id]), values)
    state = RunState(scene=scene.id, values=tuple(values), seed=seed, rng=rng.seed_state(seed))
    events: list[Event] = [SceneEntered(scene.id, scene.chapter, True)]
    events.extend(_changes(story, story.initial_values, state.values, "scene", scene.id))
    return Outcome(state, tuple(events))


def offers(story: Story, state: RunState, include_hidden: bool = False) -> tuple[Offer, ...]:
    """The choices shown in the current scene, in order, each enabled or locked.

    Hidden choices whose condition fails are left out unless ``include_hidden``.
    """
    if state.ending is not None:
        return ()
    env = environment(story, state.values)
    result = []
    cs = compiled(story)
    for c in cs.scene_choices(cs.scene_index[state.scene]):
        choice, enabled = c.choice, _enabled(c, state.values)
        if not enabled and choice.hidden and not include_hidden:
            continue
        reason = None if enabled else locked_reason(story, choice, env)
        result.append(Offer(choice, _flatten(render(choice.label, env, wording(story))), enabled, reason))
    return tuple(result)


def take(story: Story, state: RunState, choice_id: str) -> Outcome:
    """Take a choice: the compiled step (:meth:`~adventure.story.compiled.CompiledStory.step`), told as events.

    A random goto draws from the run's seeded generator. Raises :class:`RunFinished`,
    :class:`UnknownChoice` or :class:`ChoiceLocked`; the given state is never changed.
    """
    if state.ending is not None:
        raise RunFinished(state.ending)
    scene = story.scenes[state.scene]
    cs = compiled(story)
    c = _find(cs.scene_choices(cs.scene_index[scene.id]), scene.choice(choice_id), state.values, scene.id, choice_id)
    if not _enabled(c, state.values):
        raise ChoiceLocked(scene.id, c.choice.id, locked_reason(story, c.choice, environment(story, state.values)))
    choice = c.choice
    events: list[Event] = [ChoiceTaken(scene.id, choice.id, choice.remember)]
    rng_state = state.rng

    def draw(_c: CChoice) -> int:
        nonlocal rng_state
        total = choice.goto.total_weight
        roll, rng_state = rng.draw(rng_state, total)
        upto = 0
        for index, target in enumerate(choice.goto.targets):
            upto += target.weight
            if roll < upto:
                events.append(RandomDrawn(choice.id, target.name, roll, total, target.remember))
                return index
        raise AssertionError("weights cover the roll")  # pragma: no cover

    _outcome, ending, dest, chosen, after, _clamps = cs.step(c, state.values, draw, split=True)
    final = tuple(after)
    log = state.log.append(Step(scene.id, choice.id))
    events.extend(_changes(story, state.values, chosen, "choice", choice.id))
    if ending >= 0:
        ending_id = cs.ending_ids[ending]
        events.append(EndingReached(ending_id, story.endings[ending_id].true_ending))
        return Outcome(RunState(scene=state.scene, values=chosen, seed=state.seed, rng=rng_state, turn=state.turn + 1,
                                log=log, ending=ending_id), tuple(events))
    entered = story.scenes[cs.scene_ids[dest]]
    events.extend(_changes(story, chosen, final, "scene", entered.id))
    events.append(SceneEntered(entered.id, entered.chapter, entered.chapter != scene.chapter))
    return Outcome(RunState(scene=entered.id, values=final, seed=state.seed, rng=rng_state, turn=state.turn + 1,
                            log=log), tuple(events))


def replay(story: Story, seed: int, steps: Iterable[Step], start: Start | None = None,
           visit: Callable[[Outcome], None] | None = None) -> ReplayResult:
    """Replay a log from a seed (and a sandbox ``start``), stopping at the first step that no longer applies.

    A ``start`` that no longer fits the story raises :class:`StateError`: there is no
    state to stop at. Outcomes are streamed, not kept: ``visit`` (if given) sees each
    one in order, the start included, and the result holds only the last, so replaying
    a run of any length takes memory for one state and the log it shares.
    """
    outcome = new_run(story, seed) if start is None else start_at(story, seed, start)
    if visit is not None:
        visit(outcome)
    applied = 0
    for step in steps:
        state = outcome.state
        if state.ending is None and state.scene != story.scene_id(step.scene):  # a renamed scene is the same scene
            failure: EngineError = StateError(
                f"step {applied + 1} was taken in scene '{step.scene}' but the run is in '{state.scene}'"
            )
            return ReplayResult(state, applied, failure, outcome)
        try:
            outcome = take(story, state, step.choice)
        except EngineError as exc:
            return ReplayResult(state, applied, exc, outcome)
        applied += 1
        if visit is not None:
            visit(outcome)
    return ReplayResult(outcome.state, applied, None, outcome)


# -- reading a state ---------------------------------------------------------------------


def environment(story: Story, values: Sequence[Value]) -> dict[str, Value]:
    """Stat values by name (and ``seen()``/``chose()`` by key), for templates and explanations."""
    env = dict(zip(story.stat_names, values, strict=False))
    for memo in story.memos:
        env[memo.key] = values[memo.slot]
    return env


def recalled(story: Story, steps: Iterable[Step]) -> tuple[bool, ...]:
    """The ``seen()``/``chose()`` slots after a log, in slot order: what a run's state holds after its stats.

    They follow from the log alone (a memo is true once a matching choice was taken), so
    run files need not store them; old scene and choice ids are read as their current ones.
    """
    if not story.memos:
        return ()
    marked = [False] * len(story.memos)
    first = len(story.stats)
    for step in steps:
        scene_id = story.scene_id(step.scene)
        scene = story.scenes.get(scene_id)
        choice = scene.choice(step.choice) if scene is not None else None
        for slot in story.marks(scene_id, choice.id if choice is not None else step.choice):
            marked[slot - first] = True
    return tuple(marked)


def value(story: Story, state: RunState, name: str) -> Value:
    """One stat's current value by name."""
    return state.values[story.stat(name).slot]


def scene_text(story: Story, state: RunState) -> str:
    """The current scene's text, rendered and tidied into paragraphs."""
    return render_text(story.scenes[state.scene].text, environment(story, state.values), wording(story))


def ending_text(story: Story, state: RunState) -> str:
    """The epilogue of the ending the run reached (empty while still playing)."""
    if state.ending is None:
        return ""
    return render_text(story.endings[state.ending].text, environment(story, state.values), wording(story))


def render_text(template: Template, env: Mapping[str, Value], shown: Shown | None = None) -> str:
    """Render prose: blank lines separate paragraphs, single newlines are joined."""
    return "\n\n".join(_flatten(p) for p in _PARAGRAPH.split(render(template, env, shown)) if p.strip())


def wording(story: Story) -> Shown:
    """How ``{shown(stat)}`` words a value in this story's text: as its status does (``$3k``, ``no savings``)."""
    return lambda name, value: story.stat(name).display(value)


def progress(story: Story, state: RunState) -> int:
    """Progress toward the true ending, 0–100: 100 exactly when a true ending is reached.

    From the story's progress expression (else the chapter's position), but at least
    ``100 - n`` where only the true ending is left ``n`` choices ahead (see
    :mod:`adventure.story.finale`), and at most 99 until it is reached.
    """
    if state.ending is not None and story.endings[state.ending].true_ending:
        return 100
    formula = compiled(story).progress
    if formula is None:
        chapter = story.chapter_of(state.scene)
        result = round(100 * chapter.index / max(1, len(story.chapters)))
    else:
        result = int(formula(state.values))
    left = final_approach(story).get(state.scene) if state.ending is None else None
    if left is not None:
        result = max(result, 100 - left)
    return max(0, min(99, result))


def remembered(story: Story, state: RunState) -> list[str]:
    """The 'choices that mattered' of this run, in order: the log replayed, so drawn outcomes count too."""
    lines: list[str] = []

    def note(outcome: Outcome) -> None:
        lines.extend(event.remember for event in outcome.events
                     if isinstance(event, (ChoiceTaken, RandomDrawn)) and event.remember)

    replay(story, state.seed, state.log, visit=note)
    return lines


def locked_reason(story: Story, choice: Choice, env: Mapping[str, Value]) -> str:
    """Why a choice is locked: the author's words, or the unmet parts of its condition."""
    if choice.locked is not None:
        return _flatten(render(choice.locked, env, wording(story)))
    if choice.condition is None:
        return _("not available")
    parts = ex.unmet(choice.condition, env, story.labels)
    return _("needs {conditions}").format(conditions=", ".join(parts)) if parts else _("not available")


# -- internals ---------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_SPACES = re.compile(r"\s+")


def _flatten(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _enabled(c: CChoice, values: Sequence[Value]) -> bool:
    return c.test is None or bool(c.test(values))


def _find(choices: Sequence[CChoice], choice: Choice | None, values: Sequence[Value], scene_id: str,
          asked: str) -> CChoice:
    """The compiled ``choice`` among the scene's; :class:`UnknownChoice` when it is absent or hidden now."""
    found = next((c for c in choices if c.choice is choice), None) if choice is not None else None
    if found is None or (found.hidden and not _enabled(found, values)):
        visible = tuple(c.choice.id for c in choices if not c.hidden or _enabled(c, values))
        raise UnknownChoice(scene_id, asked, visible)
    return found


def _changes(story: Story, before: Sequence[Value], after: Sequence[Value], cause: Cause,
             source: str) -> list[StatChanged]:
    """What one group of effects moved; computed stats are told apart from the rest."""
    return [StatChanged(s.name, b, a, "computed" if s.computed else cause, source)
            for s, b, a in zip(story.stats, before, after, strict=False) if b != a]


def _memory_from(story: Story, given: object, log: Log) -> tuple[bool, ...]:
    """The ``seen()``/``chose()`` slots: as ``remembers`` gives them, else (an older form) from the log."""
    derived = recalled(story, log)
    if given is None:
        return derived
    if not isinstance(given, Mapping):
        raise StateError("run state 'remembers' must be a mapping")
    result = []
    for memo, fallback in zip(story.memos, derived, strict=True):
        flag = given.get(memo.key, fallback)
        if not isinstance(flag, bool):
            raise StateError(f"run state '{memo.key}' should be true or false, found {flag!r}")
        result.append(flag)
    return tuple(result)


def _values_from(story: Story, stats: Mapping[str, object]) -> tuple[Value, ...]:
    values = []
    for stat in story.stats:
        if stat.name not in stats:
            raise StateError(f"run state has no value for stat '{stat.name}'")
        values.append(_checked_value(stat, stats[stat.name]))
    return tuple(values)


def _checked_value(stat: Stat, raw: object) -> Value:
    """``raw`` if it has the stat's type and lies in its range; :class:`StateError` otherwise."""
    kind = {bool: ex.StatType.BOOL, int: ex.StatType.INT, str: ex.StatType.TEXT}.get(type(raw))
    if kind is not stat.type:
        raise StateError(f"stat '{stat.name}' should be {stat.type.value}, found {raw!r}")
    value: Value = raw  # type: ignore[assignment]
    if stat.clamp(value) != value:
        shown = int_text(value) if isinstance(value, int) else repr(value[:60] + "..." if len(value) > 60 else value)
        raise StateError(f"stat '{stat.name}' value {shown} is outside its range")
    return value
