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
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from adventure.base.errors import ChoiceLocked, EngineError, RunFinished, StateError, UnknownChoice
from adventure.base.messages import _
from adventure.run import rng
from adventure.run.runlog import EMPTY, Log, Step

__all__ = ["Step"]  # re-exported: callers name a run's steps through the engine
from adventure.story import expr as ex
from adventure.story import template as tp
from adventure.story.compiled import CChoice, CompiledStory, apply, compiled
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


class Outcome:
    """The state after a step, and what happened on the way, in order.

    ``events`` may be given as a function that tells them: a step works them out
    (comparing every stat) only when someone reads them, so replaying or random play
    that looks only at the state does not pay for them. Read, they are kept.
    """

    __slots__ = ("_events", "_tell", "state")

    def __init__(self, state: RunState, events: tuple[Event, ...] | Callable[[], tuple[Event, ...]]):
        self.state = state
        if callable(events):
            self._events: tuple[Event, ...] | None = None
            self._tell: Callable[[], tuple[Event, ...]] | None = events
        else:
            self._events, self._tell = events, None

    @property
    def events(self) -> tuple[Event, ...]:
        found = self._events
        if found is None:
            assert self._tell is not None
            found = self._events = self._tell()
            self._tell = None
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Outcome):
            return NotImplemented
        return self.state == other.state and self.events == other.events

    def __hash__(self) -> int:
        return hash((self.state, self.events))

    def __repr__(self) -> str:
        return f"Outcome(state={self.state!r}, events={self.events!r})"


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
    view = _view(story)
    values = state.values
    result = []
    for c, label in view.plan(state.scene):
        test = c.test
        if test is None or test(values):
            result.append(Offer(c.choice, label if label.__class__ is str else view.line(c.choice.label, values),
                                True, None))
        elif include_hidden or not c.hidden:
            result.append(Offer(c.choice, label if label.__class__ is str else view.line(c.choice.label, values),
                                False, view.reason(c.choice, values)))
    return tuple(result)


def take(story: Story, state: RunState, choice_id: str) -> Outcome:
    """Take a choice: the compiled step (:meth:`~adventure.story.compiled.CompiledStory.step`), told as events.

    A random goto draws from the run's seeded generator. Raises :class:`RunFinished`,
    :class:`UnknownChoice` or :class:`ChoiceLocked`; the given state is never changed.
    The events are worked out when the outcome's ``events`` are first read.
    """
    if state.ending is not None:
        raise RunFinished(state.ending)
    view = _view(story)
    cs = view.cs
    c = view.find(state, choice_id)
    if c.test is not None and not c.test(state.values):
        raise ChoiceLocked(state.scene, c.choice.id, view.reason(c.choice, state.values))
    drawn: list[Event] = []
    rng_state = state.rng

    def draw(_c: CChoice) -> int:
        nonlocal rng_state
        index, roll, rng_state = _draw(c.choice, rng_state)
        target = c.choice.goto.targets[index]
        drawn.append(RandomDrawn(c.choice.id, target.name, roll, c.choice.goto.total_weight, target.remember))
        return index

    _outcome, ending, dest, chosen, after, _clamps = cs.step(c, state.values, draw, split=True)
    log = state.log.append(Step(state.scene, c.choice.id))
    if ending >= 0:
        ending_id = cs.ending_ids[ending]
        done = RunState(scene=state.scene, values=chosen, seed=state.seed, rng=rng_state, turn=state.turn + 1,
                        log=log, ending=ending_id)
        return Outcome(done, lambda: _told(story, state, c.choice, drawn, chosen, ending_id, None))
    moved = RunState(scene=cs.scene_ids[dest], values=tuple(after), seed=state.seed, rng=rng_state,
                     turn=state.turn + 1, log=log)
    return Outcome(moved, lambda: _told(story, state, c.choice, drawn, chosen, None, moved))


def _draw(choice: Choice, rng_state: int) -> tuple[int, int, int]:
    """A random goto's outcome from the run's generator: its index, the roll and the generator's next state."""
    roll, rng_state = rng.draw(rng_state, choice.goto.total_weight)
    upto = 0
    for index, target in enumerate(choice.goto.targets):
        upto += target.weight
        if roll < upto:
            return index, roll, rng_state
    raise AssertionError("weights cover the roll")  # pragma: no cover


def _told(story: Story, before: RunState, choice: Choice, drawn: list[Event], chosen: tuple[Value, ...],
          ending: str | None, after: RunState | None) -> tuple[Event, ...]:
    """The events of a step, in order: the choice, its draw, what it changed, then the ending or the new scene."""
    scene = story.scenes[before.scene]
    events: list[Event] = [ChoiceTaken(scene.id, choice.id, choice.remember), *drawn]
    events.extend(_changes(story, before.values, chosen, "choice", choice.id))
    if ending is not None:
        events.append(EndingReached(ending, story.endings[ending].true_ending))
        return tuple(events)
    assert after is not None
    entered = story.scenes[after.scene]
    events.extend(_changes(story, chosen, after.values, "scene", entered.id))
    events.append(SceneEntered(entered.id, entered.chapter, entered.chapter != scene.chapter))
    return tuple(events)


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
    return dict(zip(_view(story).keys, values, strict=False))


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
    return _tidy(_view(story).text(story.scenes[state.scene].text, state.values))


def ending_text(story: Story, state: RunState) -> str:
    """The epilogue of the ending the run reached (empty while still playing)."""
    if state.ending is None:
        return ""
    return _tidy(_view(story).text(story.endings[state.ending].text, state.values))


def render_text(template: Template, env: Mapping[str, Value], shown: Shown | None = None) -> str:
    """Render prose: blank lines separate paragraphs, single newlines are joined."""
    return _tidy(render(template, env, shown))


def wording(story: Story) -> Shown:
    """How ``{shown(stat)}`` words a value in this story's text: as its status does (``$3k``, ``no savings``)."""
    return _view(story).wording


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
    return _unmet_reason(story, choice, env)


def _unmet_reason(story: Story, choice: Choice, env: Mapping[str, Value]) -> str:
    if choice.condition is None:
        return _("not available")
    parts = ex.unmet(choice.condition, env, story.labels)
    return _("needs {conditions}").format(conditions=", ".join(parts)) if parts else _("not available")


# -- internals ---------------------------------------------------------------------------

_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


def _flatten(text: str) -> str:
    """Every run of whitespace one space, none at the ends (``str.split`` splits where ``\\s+`` matches)."""
    return " ".join(text.split())


def _tidy(text: str) -> str:
    """Prose as paragraphs: blank lines separate them, each one's whitespace flattened; one regex pass."""
    return "\n\n".join([" ".join(words) for p in _PARAGRAPH.split(text) if (words := p.split())])


Renderer = Callable[[Sequence[Value]], str]


class _View:
    """What the engine's screens need from a story, worked out once per story.

    Environments are built from one tuple of names by slot; each template is compiled
    to a closure over the values on first use (:func:`adventure.story.template.compile_template`),
    except one that words a stat with ``{shown(stat)}``, which renders through
    :func:`~adventure.story.template.render` with the story's wording; a label that
    never changes is flattened once.
    """

    def __init__(self, story: Story):
        self.story = story
        self.cs: CompiledStory = compiled(story)
        keys = list(story.stat_names) + [""] * len(story.memos)
        for memo in story.memos:
            keys[memo.slot] = memo.key
        self.keys = tuple(keys)
        stats = {s.name: s for s in story.stats}
        self.wording: Shown = lambda name, value: stats[name].display(value)
        # Keyed by the template's id (hashing a template walks it): each entry keeps its template alive.
        self._texts: dict[int, tuple[Template, Renderer]] = {}
        self._lines: dict[int, tuple[Template, str | Renderer]] = {}
        self._plans: dict[str, tuple[tuple[CChoice, str | None], ...]] = {}
        self._reasons: dict[tuple[int, tuple[Value, ...]], tuple[str, str]] = {}

    def text(self, template: Template, values: Sequence[Value]) -> str:
        """``template`` rendered with ``values`` (not yet tidied)."""
        found = self._texts.get(id(template))
        if found is None or found[0] is not template:
            found = self._texts[id(template)] = (template, self._compile(template))
        return found[1](values)

    def line(self, template: Template, values: Sequence[Value]) -> str:
        """``template`` rendered on one line (a label, a lock's reason)."""
        found = self._lines.get(id(template))
        if found is None or found[0] is not template:
            show = self._compile(template)
            found = self._lines[id(template)] = (template, _flatten(show(())) if tp.is_static(template) else show)
        line = found[1]
        return line if isinstance(line, str) else _flatten(line(values))

    def reason(self, choice: Choice, values: Sequence[Value]) -> str:
        """Why ``choice`` is locked with ``values`` (:func:`locked_reason`).

        An unmet condition's words are kept by choice and values, for the program's
        language at the time (a change of language words them afresh).
        """
        if choice.locked is not None:
            return self.line(choice.locked, values)
        language = _("needs {conditions}")
        key = (id(choice), tuple(values))
        found = self._reasons.get(key)
        if found is None or found[0] != language:
            if len(self._reasons) >= _REASONS_KEPT:
                self._reasons.clear()
            found = self._reasons[key] = (
                language, _unmet_reason(self.story, choice, dict(zip(self.keys, values, strict=False))))
        return found[1]

    def plan(self, scene: str) -> tuple[tuple[CChoice, str | None], ...]:
        """The scene's compiled choices, each with its label when the label never changes."""
        found = self._plans.get(scene)
        if found is None:
            cs = self.cs
            found = self._plans[scene] = tuple(
                (c, self.line(c.choice.label, ()) if tp.is_static(c.choice.label) else None)
                for c in cs.scene_choices(cs.scene_index[scene]))
        return found

    def find(self, state: RunState, asked: str) -> CChoice:
        """The compiled choice ``asked`` names in the state's scene (:class:`UnknownChoice` when absent or hidden now)."""
        for c, _label in self.plan(state.scene):
            if c.choice.id == asked:
                if c.hidden and not _enabled(c, state.values):
                    break
                return c
        scene = self.story.scenes[state.scene]  # an old id, or no such choice
        cs = self.cs
        return _find(cs.scene_choices(cs.scene_index[scene.id]), scene.choice(asked), state.values, scene.id, asked)

    def _compile(self, template: Template) -> Renderer:
        if not any(tp.shown_stat(node) is not None for node, _condition in tp.expressions(template)):
            try:
                return tp.compile_template(template, self.cs.slots)
            except tp.TemplateError:
                pass  # render() raises it, where the text is shown
        keys, shown = self.keys, self.wording
        return lambda values: render(template, dict(zip(keys, values, strict=False)), shown)


_REASONS_KEPT = 4096
"""How many lock reasons a story's view keeps before it starts afresh."""

_VIEWS: dict[int, _View] = {}
_last: list[_View] = []  # the view used last: play asks for the same story's, step after step


def _view(story: Story) -> _View:
    if _last and _last[0].story is story:
        return _last[0]
    found = _VIEWS.get(id(story))
    if found is None or found.story is not story:
        found = _VIEWS[id(story)] = _View(story)
        weakref.finalize(story, _VIEWS.pop, id(story), None)
    _last[:] = [found]
    return found


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
