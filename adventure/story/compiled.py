"""The story compiled to closures, and the one step that the engine, the explorer and random play take.

A :class:`~adventure.story.model.Story` is data. What runs is derived from it here,
once per story (:func:`compiled`): every condition and effect becomes a closure over a
sequence of stat values (:func:`adventure.story.expr.compile_expr`), scenes and endings
are interned to small ints, and each choice becomes a :class:`CChoice` whose effects
are ``(op, slot, compute, lo, hi, effect)`` tuples that :func:`apply` runs and clamps.

A step is :meth:`CompiledStory.step`: the choice's marks and effects, then its target
(the one that applies, or a random outcome the caller picks: the engine by its seeded
generator, random play by :class:`random.Random`), the outcome's own effects, and the
target scene's on-enter effects. The explorer takes every random outcome at once
through :meth:`CompiledStory.expand`, the same phases on the same compiled form.
Scenes are compiled the first time a step needs them, so a game of a big story pays
only for the scenes it visits; the explorer compiles all (:meth:`CompiledStory.full`).

Typical use::

    cs = compiled(story)
    c = cs.choice_in(cs.scene_index["gate"], "open")
    oi, ending, scene, chosen, values, clamps = cs.step(c, values, pick)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adventure.story import expr as ex
from adventure.story import template as tp
from adventure.story.expr import Node, StatType, Value
from adventure.story.model import MAX_TEXT, Choice, Compiled, Effect, Location, Stat, Story
from adventure.story.template import Template

SET, ADD, SUB = 0, 1, 2
DIRECT, FIRST, RANDOM = 0, 1, 2
NO_OUTCOME = -1
TEXT = "text"
"""The ``lo`` of a compiled text effect: its ``hi`` is then a length, not a value."""
_KINDS = {"direct": DIRECT, "first": FIRST, "random": RANDOM}
_OPS = {"set": SET, "add": ADD, "subtract": SUB}

CEffect = tuple[Any, ...]  # (op, slot, compute, lo, hi, effect or None)
CTarget = tuple[Any, ...]  # (test, ending index or -1, scene index or -1, name)
Clamped = tuple[Any, ...]  # (slot, "min"/"max"/"length", bound, effect): an effect whose result was clamped
Successor = tuple[Any, ...]  # (outcome index or NO_OUTCOME, ending index or -1, scene index or -1, values, clamps or None)
Stepped = tuple[Any, ...]
"""(outcome index or NO_OUTCOME, ending index or -1, scene index or -1, values after the choice and its
outcome, values after the scene's on-enter effects too, clamps or None)."""
Expander = Callable[[Sequence[Value]], Sequence[Successor]]
"""A choice's successors from some values (:meth:`CompiledStory.expander`)."""
Run = Callable[[list[Value]], "list[Clamped] | None"]
"""Effects applied in place to a working list of values: the clamps they met, or ``None``."""
Pick = Callable[["CChoice"], int]
"""Which outcome of a random goto is taken (an index into its targets)."""


@dataclass(frozen=True, slots=True)
class CChoice:
    """A choice compiled for stepping; ``gid`` numbers the choices in the order they were compiled."""

    gid: int
    scene: int
    choice: Choice
    test: Compiled | None
    hidden: bool
    effects: tuple[CEffect, ...]
    kind: int
    targets: tuple[CTarget, ...]
    outcome_effects: tuple[tuple[CEffect, ...], ...] = ()
    """Per random outcome, its own effects (empty when no outcome has any)."""


@dataclass(frozen=True, slots=True)
class Move:
    """One outcome of taking a choice: where it leads and the values after it."""

    outcome: str | None  # the random outcome taken, ``None`` for direct and first-matching gotos
    scene: str | None
    ending: str | None
    values: tuple[Value, ...]
    draw: int | None = None
    """The random outcome's index among the goto's targets (two may lead to the same place)."""


class CompiledStory:
    """A story's closures and interned ids: what the engine, the explorer and random play run."""

    def __init__(self, story: Story):
        self.story = story
        self.slots = story.slots
        self.scene_ids: tuple[str, ...] = tuple(story.scenes)
        self.scene_index = {s: i for i, s in enumerate(self.scene_ids)}
        self.ending_ids: tuple[str, ...] = tuple(story.endings)
        self.ending_index = {e: i for i, e in enumerate(self.ending_ids)}
        self.stat_names = story.stat_names
        self._exprs: dict[Node, Compiled] = {}
        self._texts: dict[Template, Compiled] = {}
        self._by_scene: list[tuple[CChoice, ...] | None] = [None] * len(self.scene_ids)
        self.on_enter: list[tuple[CEffect, ...] | None] = [None] * len(self.scene_ids)
        self.choices: list[CChoice] = []
        """Every compiled choice, by ``gid`` (all of them after :meth:`full`)."""
        self._runs: dict[int, Run | None] = {}
        """Per choice (by ``gid``), its effects as one :func:`runner` (for :meth:`step`)."""
        self._enter_runs: dict[int, Run | None] = {}
        """Per scene, its on-enter effects as one :func:`runner`."""
        self._expanders: list[Expander | None] = []
        """Per choice (by ``gid``), its successors' function once built (:meth:`expander`)."""
        self.progress = None if story.progress is None else self.expr(story.progress)
        self.formulas = tuple((s.slot, self.expr(s.expression)) for s in story.stats if s.expression is not None)

    # -- closures ------------------------------------------------------------------------

    def expr(self, node: Node) -> Compiled:
        """The closure of an expression (one per distinct tree: equal conditions share it)."""
        found = self._exprs.get(node)
        if found is None:
            found = self._exprs[node] = ex.compile_expr(node, self.slots)
        return found

    def test(self, node: Node | None) -> Compiled | None:
        """A condition's closure, ``None`` for no condition (always true)."""
        return None if node is None else self.expr(node)

    def value_of(self, effect: Effect) -> Compiled:
        """What an effect computes: its expression, its text template, or its literal."""
        value = effect.value
        if isinstance(value, Template):
            found = self._texts.get(value)
            if found is None:
                found = self._texts[value] = tp.compile_text_value(value, self.slots)
            return found
        if isinstance(value, (str, int)):  # bool is an int
            return _constant(value)
        return self.expr(value)

    def shown(self, stat: Stat, values: Sequence[Value]) -> bool:
        """Whether the status panel, the changes line and the run summary show ``stat`` with these values."""
        return stat.show and (stat.show_if is None or bool(self.expr(stat.show_if)(values)))

    def effects(self, effects: Sequence[Effect]) -> tuple[CEffect, ...]:
        """Effects as :func:`apply` runs them, each with the bounds its stat clamps to."""
        result = []
        for e in effects:
            stat = self.story.stats[e.slot]
            lo: int | str | None = stat.minimum if stat.type is StatType.INT else None
            hi = stat.maximum if stat.type is StatType.INT else None
            if stat.type is StatType.TEXT:  # text is cut at MAX_TEXT characters (``lo`` marks it)
                lo, hi = TEXT, MAX_TEXT
            result.append((_OPS[e.op], e.slot, self.value_of(e), lo, hi, e))
        return tuple(result)

    # -- scenes, compiled on first use -----------------------------------------------------

    def scene_choices(self, index: int) -> tuple[CChoice, ...]:
        """The compiled choices of the scene numbered ``index``, in order."""
        found = self._by_scene[index]
        if found is None:
            found = self._by_scene[index] = self._compile_scene(index)
        return found

    def enter_effects(self, index: int) -> tuple[CEffect, ...]:
        """The on-enter effects of the scene numbered ``index``."""
        found = self.on_enter[index]
        if found is None:
            found = self.on_enter[index] = self.effects(self.story.scenes[self.scene_ids[index]].on_enter)
        return found

    def choice_in(self, index: int, choice: Choice) -> CChoice:
        """The compiled form of ``choice``, one of the scene's own."""
        return next(c for c in self.scene_choices(index) if c.choice is choice)

    def _compile_scene(self, index: int) -> tuple[CChoice, ...]:
        story, scene_id = self.story, self.scene_ids[index]
        compiled = []
        for choice in story.scenes[scene_id].choices:
            targets = tuple(
                (self.test(t.condition), self.ending_index[t.ending] if t.ending is not None else -1,
                 self.scene_index[t.scene] if t.scene is not None else -1, t.name)
                for t in choice.goto.targets)
            drawn = (tuple(self.effects(t.effects) for t in choice.goto.targets)
                     if choice.goto.kind == "random" and any(t.effects for t in choice.goto.targets) else ())
            marks = tuple((SET, slot, _true, None, None, None) for slot in story.marks(scene_id, choice.id))
            c = CChoice(len(self.choices), index, choice, self.test(choice.condition), choice.hidden,
                        marks + self.effects(choice.effects), _KINDS[choice.goto.kind], targets, drawn)
            self.choices.append(c)
            compiled.append(c)
        return tuple(compiled)

    def full(self) -> CompiledStory:
        """Compile every scene (in story order, so choice numbers follow it); for the explorer."""
        for index in range(len(self.scene_ids)):
            self.scene_choices(index)
            self.enter_effects(index)
        return self

    @property
    def by_scene(self) -> tuple[tuple[CChoice, ...], ...]:
        """Every scene's compiled choices, by scene number."""
        return tuple(self.scene_choices(i) for i in range(len(self.scene_ids)))

    # -- the step ----------------------------------------------------------------------------

    def start(self) -> tuple[int, tuple[Value, ...], list[Clamped]]:
        """The start scene index, its values after on-enter effects, and any clamps on the way."""
        values = list(self.story.initial_values)
        scene = self.scene_index[self.story.start]
        clamps = apply(self.enter_effects(scene), values)
        return scene, tuple(values), clamps or []

    def step(self, c: CChoice, values: Sequence[Value], pick: Pick, split: bool = False) -> Stepped:
        """Take ``c`` (assumed enabled) with ``values``; ``pick`` chooses a random goto's outcome.

        Returns ``(outcome, ending, scene, chosen, after, clamps)``: ``after`` the values
        (a new list) after the choice's effects, its outcome's own and the target scene's
        on-enter effects; ``chosen``, only when ``split``, a tuple of them before the
        scene's (the engine tells the two groups of changes apart), else ``None``.
        """
        work = list(values)
        if c.gid not in self._runs:
            self._runs[c.gid] = runner(c.effects, self.slots)
        run = self._runs[c.gid]
        clamps = run(work) if run is not None else None
        kind = c.kind
        if kind == RANDOM:
            oi = pick(c)
            _t, ending, dest, _n = c.targets[oi]
            if c.outcome_effects:
                clamps = _join(clamps, apply(c.outcome_effects[oi], work))
        elif kind == DIRECT:
            oi, (_t, ending, dest, _n) = NO_OUTCOME, c.targets[0]
        else:
            oi, (_t, ending, dest, _n) = outcomes(c, work)[0]
        chosen = tuple(work) if split else None
        if ending >= 0:
            return oi, ending, -1, chosen, work, clamps
        if dest not in self._enter_runs:
            self._enter_runs[dest] = runner(self.enter_effects(dest), self.slots)
        enter = self._enter_runs[dest]
        if enter is not None:
            clamps = _join(clamps, enter(work))
        return oi, -1, dest, chosen, work, clamps

    def expand(self, c: CChoice, values: Sequence[Value]) -> list[Successor]:
        """Every successor of :meth:`step`: one per random outcome, else the one; for the explorer's search.

        Each is ``(outcome, ending, scene, values, clamps)``: the same phases as
        :meth:`step` (the choice's effects, the outcome and its own effects, the target
        scene's on-enter effects), through the choice's :meth:`expander`.
        """
        return list(self.expander(c)(values))

    def expander(self, c: CChoice) -> Expander:
        """The function giving ``c``'s successors from some values, made once per choice.

        A direct or first-matching goto gets a function that runs the choice's effects
        and the target's on-enter effects as one run of :func:`runner` closures (the
        same effects, in the same order, clamped the same way); a random goto applies
        the choice's effects once for all its outcomes.
        """
        found = self._expanders[c.gid] if c.gid < len(self._expanders) else None
        if found is None:
            self._expanders.extend([None] * (len(self.choices) - len(self._expanders)))
            found = self._expanders[c.gid] = self._expander_of(c)
        return found

    def _expander_of(self, c: CChoice) -> Expander:
        if c.kind == DIRECT:
            _t, ending, dest, _n = c.targets[0]
            effects = c.effects if ending >= 0 else c.effects + self.enter_effects(dest)
            return _direct(ending, dest, runner(effects, self.slots))
        if c.kind == FIRST:
            return _first(runner(c.effects, self.slots), tuple(
                (test, ending, dest, runner(self.enter_effects(dest), self.slots) if ending < 0 else None)
                for test, ending, dest, _n in c.targets))
        drawn = c.outcome_effects or ((),) * len(c.targets)
        return _random(runner(c.effects, self.slots), tuple(
            (oi, ending, -1 if ending >= 0 else dest,
             runner(drawn[oi] + (self.enter_effects(dest) if ending < 0 else ()), self.slots))
            for oi, (_t, ending, dest, _n) in enumerate(c.targets)))

    def moves(self, scene: str, values: Sequence[Value], choice: str) -> list[Move]:
        """:meth:`expand` by ids: every outcome of taking ``choice`` in ``scene`` with ``values``."""
        c = next(c for c in self.scene_choices(self.scene_index[scene]) if c.choice.id == choice)
        return [Move(c.targets[oi][3] if c.kind == RANDOM else None,
                     self.scene_ids[dest] if dest >= 0 else None,
                     self.ending_ids[ending] if ending >= 0 else None, after, oi if c.kind == RANDOM else None)
                for oi, ending, dest, after, _clamps in self.expand(c, values)]

    def enabled(self, scene: str, values: Sequence[Value]) -> list[str]:
        """Ids of the choices enabled in ``scene`` with ``values``."""
        return [c.choice.id for c in self.scene_choices(self.scene_index[scene])
                if c.test is None or c.test(values)]

    def location(self, c: CChoice) -> Location | None:
        """Where a compiled choice was written."""
        return c.choice.location


_COMPILED: dict[int, CompiledStory] = {}


def compiled(story: Story) -> CompiledStory:
    """The story's compiled form, made on first use and kept while the story lives."""
    found = _COMPILED.get(id(story))
    if found is None or found.story is not story:
        found = _COMPILED[id(story)] = CompiledStory(story)
        weakref.finalize(story, _COMPILED.pop, id(story), None)
    return found


def apply(effects: tuple[CEffect, ...], values: list[Value]) -> list[Clamped] | None:
    """Apply compiled effects in order to a working list of values, clamping each; report clamps."""
    clamps: list[Clamped] | None = None
    for op, slot, compute, lo, hi, effect in effects:
        amount = compute(values)
        if op == SET:
            result = amount
        elif op == ADD:
            result = values[slot] + amount
        else:
            result = values[slot] - amount
        if lo is TEXT:
            if len(result) > hi:  # a text that outgrows MAX_TEXT is cut, as Stat.clamp cuts it
                (clamps := clamps or []).append((slot, "length", hi, effect))
                result = result[:hi]
        elif lo is not None and result < lo:
            (clamps := clamps or []).append((slot, "min", lo, effect))
            result = lo
        elif hi is not None and result > hi:
            (clamps := clamps or []).append((slot, "max", hi, effect))
            result = hi
        values[slot] = result
    return clamps


def runner(effects: tuple[CEffect, ...], slots: Mapping[str, int]) -> Run | None:
    """:func:`apply` of ``effects`` as one closure (``None`` for none), for the hot paths.

    Each effect on a number becomes a closure specialised to its operation and bounds
    (a constant amount, or a set to a constant, needs no call to compute it); text and
    anything else goes through :func:`apply` itself. Two or more plain effects in a row
    (a constant shift, a set to a constant that needs no clamp: :func:`_plain_of`) run
    as one loop over their data (:func:`_plain`), with no call per effect. The result,
    clamps and their order are :func:`apply`'s exactly.
    """
    runs = tuple(_grouped(effects, slots))
    if not runs:
        return None
    if len(runs) == 1:
        return runs[0]
    if len(runs) == 2:
        first, second = runs

        def both(values: list[Value]) -> list[Clamped] | None:
            a = first(values)
            b = second(values)
            return (a + b if b else a) if a else b

        return both

    if len(runs) == 3:
        one, two, three = runs

        def all_three(values: list[Value]) -> list[Clamped] | None:
            a, b, c = one(values), two(values), three(values)
            if a or b or c:
                return (a or []) + (b or []) + (c or [])
            return None

        return all_three

    def every(values: list[Value]) -> list[Clamped] | None:
        clamps = None
        for run in runs:
            more = run(values)
            if more:
                clamps = clamps + more if clamps else more
        return clamps

    return every


def _grouped(effects: tuple[CEffect, ...], slots: Mapping[str, int]) -> list[Run]:
    """The closures running ``effects`` in order: each run of two or more plain effects fused in one."""
    runs: list[Run] = []
    pending: list[Plain] = []
    for e in effects:
        plain = _plain_of(e, slots)
        if plain is not None:
            pending.append(plain)
            continue
        runs.extend(_flush(pending, effects, slots))
        runs.append(_run_one(e, slots))
    runs.extend(_flush(pending, effects, slots))
    return runs


def _flush(pending: list[Plain], effects: tuple[CEffect, ...], slots: Mapping[str, int]) -> list[Run]:
    """The pending plain effects as one closure (a lone one as its own specialised closure); empties them."""
    if not pending:
        return []
    items = tuple(pending)
    pending.clear()
    if len(items) == 1:
        slot, read, amount, lo, hi, effect = items[0]
        if read < 0:
            return [_set_final(slot, amount)]
        return [_add_constant(slot, amount, lo, hi, effect, read)]
    if len(items) == 2 and items[0][1] >= 0 and items[1][1] >= 0:
        return [_two_shifts(items[0], items[1])]
    return [_plain(items)]


Plain = tuple[Any, ...]
"""``(slot, read, amount, lo, hi, effect)``: a bounded number set to ``values[read] + amount``;
with ``read`` -1, ``slot`` set to the constant ``amount`` (which needs no clamp)."""


def _plain_of(e: CEffect, slots: Mapping[str, int]) -> Plain | None:
    """An effect as a :data:`Plain` item when it is one, else None."""
    shift = _shift(e, slots)
    if shift is not None:
        return shift
    op, slot, compute, lo, hi, effect = e
    if op != SET:
        return None
    if effect is None:
        return (slot, -1, True, None, None, None) if compute is _true else None
    value = effect.value.value if isinstance(effect.value, ex.Const) else effect.value
    if lo is TEXT:
        return (slot, -1, value, None, None, None) if isinstance(value, str) and len(value) <= hi else None
    if not isinstance(value, (int, str)) or (lo is None) != (hi is None):
        return None
    if lo is None or (not isinstance(value, bool) and isinstance(value, int) and lo <= value <= hi):
        return (slot, -1, value, None, None, None)
    return None


def _plain(items: tuple[Plain, ...]) -> Run:
    """Plain effects in one closure, clamping shifts as :func:`apply` does: the constant sets first when
    that changes nothing (:func:`_sets_first`) and up to three shifts written out, else a loop over their data."""
    split = _sets_first(items)
    if split is not None and 1 <= len(split[1]) <= 3:
        sets, shifts = split
        return (_sets_and_one, _sets_and_two, _sets_and_three)[len(shifts) - 1](sets, *shifts)
    return _plain_loop(items)


def _sets_first(items: tuple[Plain, ...]) -> tuple[tuple[tuple[int, Value], ...], tuple[Plain, ...]] | None:
    """``(sets, shifts)`` when each constant set can move before every shift (none before it reads or writes
    its stat, so the values come out the same); None otherwise."""
    touched: set[int] = set()
    sets, shifts = [], []
    for item in items:
        slot, read = item[0], item[1]
        if read < 0:
            if slot in touched:
                return None
            sets.append((slot, item[2]))
        else:
            touched.update((slot, read))
            shifts.append(item)
    return tuple(sets), tuple(shifts)


def _clamped(result: int, shift: Plain, clamps: list[Clamped] | None) -> tuple[int, list[Clamped] | None]:
    """A shift's result outside its bounds: the bound, and the clamps with it (the rare path, so a call)."""
    slot, _read, _amount, lo, hi, effect = shift
    clamp = (slot, "min", lo, effect) if result < lo else (slot, "max", hi, effect)
    return clamp[2], (clamps or []) + [clamp]


def _sets_and_one(sets: tuple[tuple[int, Value], ...], one: Plain) -> Run:
    slot1, read1, amount1, lo1, hi1, _e1 = one

    def run(values: list[Value]) -> list[Clamped] | None:
        for slot, value in sets:
            values[slot] = value
        result = values[read1] + amount1
        if lo1 <= result <= hi1:
            values[slot1] = result
            return None
        values[slot1], clamps = _clamped(result, one, None)
        return clamps

    return run


def _sets_and_two(sets: tuple[tuple[int, Value], ...], one: Plain, two: Plain) -> Run:
    slot1, read1, amount1, lo1, hi1, _e1 = one
    slot2, read2, amount2, lo2, hi2, _e2 = two

    def run(values: list[Value]) -> list[Clamped] | None:
        clamps = None
        for slot, value in sets:
            values[slot] = value
        result = values[read1] + amount1
        if not lo1 <= result <= hi1:
            result, clamps = _clamped(result, one, clamps)
        values[slot1] = result
        result = values[read2] + amount2
        if not lo2 <= result <= hi2:
            result, clamps = _clamped(result, two, clamps)
        values[slot2] = result
        return clamps

    return run


def _sets_and_three(sets: tuple[tuple[int, Value], ...], one: Plain, two: Plain, three: Plain) -> Run:
    slot1, read1, amount1, lo1, hi1, _e1 = one
    slot2, read2, amount2, lo2, hi2, _e2 = two
    slot3, read3, amount3, lo3, hi3, _e3 = three

    def run(values: list[Value]) -> list[Clamped] | None:
        clamps = None
        for slot, value in sets:
            values[slot] = value
        result = values[read1] + amount1
        if not lo1 <= result <= hi1:
            result, clamps = _clamped(result, one, clamps)
        values[slot1] = result
        result = values[read2] + amount2
        if not lo2 <= result <= hi2:
            result, clamps = _clamped(result, two, clamps)
        values[slot2] = result
        result = values[read3] + amount3
        if not lo3 <= result <= hi3:
            result, clamps = _clamped(result, three, clamps)
        values[slot3] = result
        return clamps

    return run


def _plain_loop(items: tuple[Plain, ...]) -> Run:
    """Plain effects in one closure: a loop over their data."""

    def run(values: list[Value]) -> list[Clamped] | None:
        clamps = None
        for slot, read, amount, lo, hi, effect in items:
            if read < 0:
                values[slot] = amount
                continue
            result = values[read] + amount
            if result < lo:
                result = lo
                clamps = (clamps or []) + [(slot, "min", lo, effect)]
            elif result > hi:
                result = hi
                clamps = (clamps or []) + [(slot, "max", hi, effect)]
            values[slot] = result
        return clamps

    return run


def _set_final(slot: int, value: Value) -> Run:
    def run(values: list[Value]) -> None:
        values[slot] = value

    return run


def _run_one(e: CEffect, slots: Mapping[str, int]) -> Run:
    op, slot, compute, lo, hi, effect = e
    if lo is TEXT and op == SET and effect is not None and isinstance(effect.value, str):
        return _set_constant_text(slot, effect.value, hi, effect)
    if lo is TEXT or (lo is None) != (hi is None):
        return lambda values: apply((e,), values)
    if lo is None:  # a flag, or a number without bounds
        if op == SET:
            return _set(slot, compute)
        return lambda values: apply((e,), values)
    amount = _constant_of(effect)
    if op == SET and amount is not None:
        return _set_constant(slot, amount, lo, hi, effect)
    if op == SET:
        shift = _shift_of(effect, slots)
        if shift is not None:
            return _add_constant(slot, shift[1], lo, hi, effect, shift[0])
        return _set_bounded(slot, compute, lo, hi, effect)
    if amount is not None:
        return _add_constant(slot, amount if op == ADD else -amount, lo, hi, effect)
    return _add_bounded(slot, compute, op == SUB, lo, hi, effect)


Shift = tuple[int, int, int, int, int, Any]
"""``(slot, read, amount, lo, hi, effect)``: a bounded number set to the value at ``read`` plus ``amount``."""


def _shift(e: CEffect, slots: Mapping[str, int]) -> Shift | None:
    """An effect as a :data:`Shift` when it is one (``add: {x: 1}``, ``set: {age: "year - 1962"}``), else None."""
    op, slot, _compute, lo, hi, effect = e
    if lo is None or hi is None or lo is TEXT or (op == SET and _constant_of(effect) is not None):
        return None
    if op == SET:
        shift = _shift_of(effect, slots)
        return None if shift is None else (slot, shift[0], shift[1], lo, hi, effect)
    amount = _constant_of(effect)
    return None if amount is None else (slot, slot, amount if op == ADD else -amount, lo, hi, effect)


def _two_shifts(one: Shift, two: Shift) -> Run:
    """Two shifts in one closure (``subtract: {energy: 1}, add: {coins: 1}``): the commonest pair, no inner calls."""
    slot1, read1, amount1, lo1, hi1, effect1 = one
    slot2, read2, amount2, lo2, hi2, effect2 = two

    def run(values: list[Value]) -> list[Clamped] | None:
        clamps = None
        result = values[read1] + amount1  # type: ignore[operator]
        if result < lo1:
            result, clamps = lo1, [(slot1, "min", lo1, effect1)]
        elif result > hi1:
            result, clamps = hi1, [(slot1, "max", hi1, effect1)]
        values[slot1] = result
        result = values[read2] + amount2  # type: ignore[operator]
        if result < lo2:
            result, clamps = lo2, (clamps or []) + [(slot2, "min", lo2, effect2)]
        elif result > hi2:
            result, clamps = hi2, (clamps or []) + [(slot2, "max", hi2, effect2)]
        values[slot2] = result
        return clamps

    return run


def _constant_of(effect: Effect | None) -> int | None:
    """The amount of an effect on a number when it is a constant (a literal, or an expression folded to one)."""
    value = None if effect is None else effect.value
    if isinstance(value, ex.Const):
        value = value.value
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _shift_of(effect: Effect | None, slots: Mapping[str, int]) -> tuple[int, int] | None:
    """``(stat, k)`` when an effect sets a number to ``stat + k`` or ``stat - k`` (``age: year - 1962``)."""
    node = None if effect is None else effect.value
    if not isinstance(node, ex.Binary) or node.op not in ("+", "-"):
        return None
    left, right = node.left, node.right
    if not isinstance(left, ex.Name) or not isinstance(right, ex.Const) or left.name not in slots:
        return None
    k = right.value
    if not isinstance(k, int) or isinstance(k, bool):
        return None
    return slots[left.name], (k if node.op == "+" else -k)


def _set(slot: int, compute: Compiled) -> Run:
    def run(values: list[Value]) -> None:
        values[slot] = compute(values)

    return run


def _set_constant(slot: int, amount: int, lo: int, hi: int, effect: Effect | None) -> Run:
    bound = "min" if amount < lo else "max" if amount > hi else None
    final = lo if bound == "min" else hi if bound == "max" else amount
    limit = lo if bound == "min" else hi

    def run(values: list[Value]) -> list[Clamped] | None:
        values[slot] = final
        return None if bound is None else [(slot, bound, limit, effect)]

    return run


def _set_constant_text(slot: int, text: str, most: int, effect: Effect) -> Run:
    final = text[:most]
    clamps = [(slot, "length", most, effect)] if len(text) > most else None

    def run(values: list[Value]) -> list[Clamped] | None:
        values[slot] = final
        return None if clamps is None else list(clamps)

    return run


def _set_bounded(slot: int, compute: Compiled, lo: int, hi: int, effect: Effect | None) -> Run:
    def run(values: list[Value]) -> list[Clamped] | None:
        result = compute(values)
        if result < lo:  # type: ignore[operator]
            values[slot] = lo
            return [(slot, "min", lo, effect)]
        if result > hi:  # type: ignore[operator]
            values[slot] = hi
            return [(slot, "max", hi, effect)]
        values[slot] = result
        return None

    return run


def _add_constant(slot: int, amount: int, lo: int, hi: int, effect: Effect | None, read: int | None = None) -> Run:
    """``stat + amount`` into ``stat``; with a ``read`` slot, that slot's value ``+ amount`` into ``stat``."""
    read = slot if read is None else read

    def run(values: list[Value]) -> list[Clamped] | None:
        result = values[read] + amount  # type: ignore[operator]
        if result < lo:
            values[slot] = lo
            return [(slot, "min", lo, effect)]
        if result > hi:
            values[slot] = hi
            return [(slot, "max", hi, effect)]
        values[slot] = result
        return None

    return run


def _add_bounded(slot: int, compute: Compiled, subtract: bool, lo: int, hi: int, effect: Effect | None) -> Run:
    def run(values: list[Value]) -> list[Clamped] | None:
        amount = compute(values)
        result = values[slot] - amount if subtract else values[slot] + amount  # type: ignore[operator]
        if result < lo:  # type: ignore[operator]
            values[slot] = lo
            return [(slot, "min", lo, effect)]
        if result > hi:  # type: ignore[operator]
            values[slot] = hi
            return [(slot, "max", hi, effect)]
        values[slot] = result
        return None

    return run


def _direct(ending: int, dest: int, run: Run | None) -> Expander:
    """The successor function of a direct goto: its effects (and the target's on-enter ones) in one run."""
    if run is None:
        return lambda values: ((NO_OUTCOME, ending, dest if ending < 0 else -1, tuple(values), None),)
    where = dest if ending < 0 else -1

    def go(values: Sequence[Value]) -> Sequence[Successor]:
        work = list(values)
        clamps = run(work)
        return ((NO_OUTCOME, ending, where, tuple(work), clamps),)

    return go


def _first(run: Run | None, targets: tuple[tuple[Any, ...], ...]) -> Expander:
    """The successor function of a first-matching goto: the effects, then the first target that applies."""
    last = targets[-1]

    def go(values: Sequence[Value]) -> Sequence[Successor]:
        work = list(values)
        clamps = run(work) if run is not None else None
        for target in targets:
            if target[0] is None or target[0](work):
                break
        else:
            target = last
        _test, ending, dest, enter = target
        if ending >= 0:
            return ((NO_OUTCOME, ending, -1, tuple(work), clamps),)
        if enter is not None:
            clamps = _join(clamps, enter(work))
        return ((NO_OUTCOME, -1, dest, tuple(work), clamps),)

    return go


def _random(run: Run | None, targets: tuple[tuple[Any, ...], ...]) -> Expander:
    """The successor function of a random goto: the choice's effects once, then each outcome's own and its
    target's on-enter effects on a copy."""

    def go(values: Sequence[Value]) -> list[Successor]:
        work = list(values)
        clamps = run(work) if run is not None else None
        result = []
        for oi, ending, where, more in targets:
            after = work.copy()
            here = clamps
            if more is not None:
                extra = more(after)
                if extra:
                    here = here + extra if here else extra
            result.append((oi, ending, where, tuple(after), here))
        return result

    return go


def outcomes(c: CChoice, work: Sequence[Value]) -> list[tuple[int, CTarget]]:
    """The targets a choice leads to from ``work``: all of a random goto's, else the one that applies."""
    if c.kind == DIRECT:
        return [(NO_OUTCOME, c.targets[0])]
    if c.kind == FIRST:
        for t in c.targets:
            if t[0] is None or t[0](work):
                return [(NO_OUTCOME, t)]
        return [(NO_OUTCOME, c.targets[-1])]
    return list(enumerate(c.targets))


def _constant(value: Value) -> Compiled:
    return lambda values: value


def _true(values: object) -> bool:
    """The value a ``seen()``/``chose()`` slot is set to when its choice is taken."""
    return True


def _join(a: list[Clamped] | None, b: list[Clamped] | None) -> list[Clamped] | None:
    if a and b:
        return a + b
    return a or b
