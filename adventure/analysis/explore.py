"""Exhaustive exploration of a story's reachable run states, and seeded random play.

A run state, for the explorer, is a scene plus the tuple of stat values: the seed, the
turn and the log do not change what can happen next, so they are left out and equal
states are visited once. The search is breadth-first from the start, so the first
time a state (or an ending, or a clamp) is met, the path that met it is a shortest
one; each stored state keeps only its parent's index and the choice (and random
outcome) that led to it, and paths are rebuilt by walking those pointers back.

The step is the engine's step re-done on plain value lists with the story's compiled
tests and effects, without events, logs or RNG: random gotos branch into one
successor per target instead of drawing. ``tests/test_explore.py`` proves it agrees
with :func:`adventure.engine.take`. Nothing here prints, reads files or the clock.

Typical use::

    result = explore(story, max_states=200_000)
    if result.complete and not result.soft_locks: ...
    for ending, path in result.ending_paths.items(): ...
"""

from __future__ import annotations

import random as _random
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from adventure import engine, rng
from adventure.story.expr import StatType, Value
from adventure.story.model import Choice, Effect, Story

__all__ = [
    "PathStep", "Found", "Clamp", "Exploration", "RandomReport", "Stepper", "Move",
    "explore", "random_play", "reachable_scenes", "seed_for", "draws_in", "LIST_LIMIT",
]

LIST_LIMIT = 20
"""How many soft-locks, traps and the like a report lists (counts are always whole)."""

_SET, _ADD, _SUB = 0, 1, 2
_DIRECT, _FIRST, _RANDOM = 0, 1, 2
_KINDS = {"direct": _DIRECT, "first": _FIRST, "random": _RANDOM}
_OPS = {"set": _SET, "add": _ADD, "subtract": _SUB}
_NO_PARENT = -1
_NO_OUTCOME = -1


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a reported path; ``outcome`` (``scene:ID``/``ending:ID``) only for random draws."""

    scene: str
    choice: str
    outcome: str | None = None

    def to_dict(self) -> dict[str, str]:
        data = {"scene": self.scene, "choice": self.choice}
        if self.outcome is not None:
            data["outcome"] = self.outcome
        return data


@dataclass(frozen=True, slots=True)
class Found:
    """A state worth reporting (a soft-lock, a trap): where, with what values, and how to get there."""

    scene: str
    values: tuple[Value, ...]
    path: tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Clamp:
    """A stat pushed past a bound (and clamped back): the first, shortest path that does it."""

    stat: str
    bound: str  # "min" or "max"
    value: int
    path: tuple[PathStep, ...]


@dataclass(frozen=True, slots=True)
class Move:
    """One outcome of taking a choice: where it leads and the values after it."""

    outcome: str | None  # the random outcome taken, ``None`` for direct and first-matching gotos
    scene: str | None
    ending: str | None
    values: tuple[Value, ...]


# -- the compiled step ----------------------------------------------------------------------

_CEffect = tuple  # (op, slot, compute, lo, hi)
_CTarget = tuple  # (test, ending_index or -1, scene_index or -1, name)


@dataclass(frozen=True, slots=True)
class _CChoice:
    gid: int
    scene: int
    choice: Choice
    test: Callable | None
    hidden: bool
    effects: tuple[_CEffect, ...]
    kind: int
    targets: tuple[_CTarget, ...]
    outcome_effects: tuple[tuple[_CEffect, ...], ...] = ()
    """Per random outcome, its own effects (empty when no outcome has any)."""


class Stepper:
    """The story compiled for fast stepping: scenes and endings interned to small ints."""

    def __init__(self, story: Story):
        self.story = story
        self.scene_ids: tuple[str, ...] = tuple(story.scenes)
        self.scene_index = {s: i for i, s in enumerate(self.scene_ids)}
        self.ending_ids: tuple[str, ...] = tuple(story.endings)
        self.ending_index = {e: i for i, e in enumerate(self.ending_ids)}
        self.on_enter: tuple[tuple[_CEffect, ...], ...] = tuple(
            self._effects(story.scenes[s].on_enter) for s in self.scene_ids)
        choices: list[_CChoice] = []
        per_scene: list[tuple[_CChoice, ...]] = []
        for index, scene_id in enumerate(self.scene_ids):
            compiled = []
            for choice in story.scenes[scene_id].choices:
                targets = tuple(
                    (t.test, self.ending_index[t.ending] if t.ending is not None else -1,
                     self.scene_index[t.scene] if t.scene is not None else -1, t.name)
                    for t in choice.goto.targets)
                drawn = (tuple(self._effects(t.effects) for t in choice.goto.targets)
                         if any(t.effects for t in choice.goto.targets) else ())
                c = _CChoice(len(choices), index, choice, choice.test, choice.hidden,
                             self._effects(choice.effects), _KINDS[choice.goto.kind], targets, drawn)
                choices.append(c)
                compiled.append(c)
            per_scene.append(tuple(compiled))
        self.choices: tuple[_CChoice, ...] = tuple(choices)
        self.by_scene: tuple[tuple[_CChoice, ...], ...] = tuple(per_scene)
        self.stat_names = story.stat_names

    def _effects(self, effects: Sequence[Effect]) -> tuple[_CEffect, ...]:
        result = []
        for e in effects:
            stat = self.story.stats[e.slot]
            lo = stat.minimum if stat.type is StatType.INT else None
            hi = stat.maximum if stat.type is StatType.INT else None
            result.append((_OPS[e.op], e.slot, e.compute, lo, hi))
        return tuple(result)

    def start(self) -> tuple[int, tuple[Value, ...], list[tuple[int, str, int]]]:
        """The start scene index, its values after on-enter effects, and any clamps on the way."""
        values = list(self.story.initial_values)
        scene = self.scene_index[self.story.start]
        clamps = _apply(self.on_enter[scene], values)
        return scene, tuple(values), clamps or []

    def moves(self, scene: str, values: Sequence[Value], choice: str) -> list[Move]:
        """Every outcome of taking ``choice`` (assumed enabled) in ``scene`` with ``values``.

        One move for direct and first-matching gotos, one per target for random ones.
        This is the slow, readable face of the step the explorer inlines; tests compare
        it with :func:`adventure.engine.take`.
        """
        index = self.scene_index[scene]
        c = next(c for c in self.by_scene[index] if c.choice.id == choice)
        work = list(values)
        _apply(c.effects, work)
        result = []
        for outcome, (_test, ending, dest, name) in _outcomes(c, work):
            after = list(work)
            if c.outcome_effects:
                _apply(c.outcome_effects[outcome], after)
            if ending >= 0:
                result.append(Move(name if c.kind == _RANDOM else None, None, self.ending_ids[ending], tuple(after)))
                continue
            _apply(self.on_enter[dest], after)
            result.append(Move(name if c.kind == _RANDOM else None, self.scene_ids[dest], None, tuple(after)))
        return result

    def enabled(self, scene: str, values: Sequence[Value]) -> list[str]:
        """Ids of the choices enabled in ``scene`` with ``values``."""
        return [c.choice.id for c in self.by_scene[self.scene_index[scene]] if c.test is None or c.test(values)]


def _apply(effects: tuple[_CEffect, ...], values: list) -> list[tuple[int, str, int]] | None:
    """Apply compiled effects like :func:`engine.apply_effects`; report clamps (slot, bound, raw)."""
    clamps: list[tuple[int, str, int]] | None = None
    for op, slot, compute, lo, hi in effects:
        amount = compute(values)
        if op == _SET:
            result = amount
        elif op == _ADD:
            result = values[slot] + amount
        else:
            result = values[slot] - amount
        if lo is not None and result < lo:
            (clamps := clamps or []).append((slot, "min", lo))
            result = lo
        elif hi is not None and result > hi:
            (clamps := clamps or []).append((slot, "max", hi))
            result = hi
        values[slot] = result
    return clamps


def _outcomes(c: _CChoice, work: Sequence[Value]) -> list[tuple[int, _CTarget]]:
    if c.kind == _DIRECT:
        return [(_NO_OUTCOME, c.targets[0])]
    if c.kind == _FIRST:
        for t in c.targets:
            if t[0] is None or t[0](work):
                return [(_NO_OUTCOME, t)]
        return [(_NO_OUTCOME, c.targets[-1])]
    return list(enumerate(c.targets))


# -- exhaustive exploration ------------------------------------------------------------------


@dataclass
class Exploration:
    """What a breadth-first search of the reachable states found.

    Counts are exact for what was explored; when ``complete`` is false the search hit
    its budget, so unreachability claims are withheld (the lists are empty and
    ``complete`` says why), while soft-locks and traps are still sound: a trap is only
    reported when none of its reachable states is unexplored.

    ``states`` counts stored (non-ending) states, the start included; ``transitions``
    counts every (state, enabled choice, outcome) taken, into endings too; a soft-lock
    is a state with no enabled choice, a trap any other state from which no ending can
    be reached; ``ending_states`` counts distinct final values per ending.
    """

    story: Story
    complete: bool
    states: int
    transitions: int
    expanded: int
    max_states: int
    ending_paths: dict[str, tuple[PathStep, ...] | None]
    ending_states: dict[str, int]
    unreachable_scenes: list[str]
    unreachable_choices: list[tuple[str, str]]
    never_enabled_choices: list[tuple[str, str]]
    soft_locks: list[Found]
    soft_lock_count: int
    soft_lock_scenes: dict[str, int]
    traps: list[Found]
    trap_count: int
    trap_scenes: dict[str, int]
    constant_stats: list[str]
    clamped_stats: list[Clamp]
    scenes_reached: set[str]
    # the graph, for paths and tests: state i is (scene_ids[scene_of[i]], values_of[i])
    _stepper: Stepper = field(repr=False)
    _scene_of: array = field(repr=False)
    _values_of: list = field(repr=False)
    _parent: array = field(repr=False)
    _via: array = field(repr=False)
    _outcome: array = field(repr=False)

    @property
    def unreachable_endings(self) -> list[str]:
        """Declared endings no explored run reaches (meaningful when ``complete``)."""
        return [e for e, p in self.ending_paths.items() if p is None]

    def state(self, index: int) -> tuple[str, tuple[Value, ...]]:
        """Scene id and values of stored state ``index`` (0 is the start)."""
        return self._stepper.scene_ids[self._scene_of[index]], self._values_of[index]

    def path_to(self, index: int) -> tuple[PathStep, ...]:
        """The shortest path of steps from the start to stored state ``index``."""
        return _path(self._stepper, self._scene_of, self._parent, self._via, self._outcome, index)


def explore(story: Story, max_states: int = 200_000, limit: int = LIST_LIMIT) -> Exploration:
    """Visit every reachable state (up to ``max_states``) breadth-first and report on them."""
    st = Stepper(story)
    nscenes = len(st.scene_ids)
    seen: list[dict[tuple, int]] = [{} for _ in range(nscenes)]
    scene_of = array("i")
    values_of: list[tuple] = []
    parent = array("i")
    via = array("i")
    outcome_of = array("i")
    edge_src = array("i")
    edge_dst = array("i")
    reaches_end = bytearray()
    offered = bytearray(len(st.choices))
    enabled = bytearray(len(st.choices))
    nendings = len(st.ending_ids)
    ending_first: list[tuple[int, int, int] | None] = [None] * nendings
    ending_count = [0] * nendings
    ending_seen: list[set] = [set() for _ in range(nendings)]
    clamp_first: dict[tuple[int, str], tuple[int, int, int, int]] = {}
    start_clamps: dict[tuple[int, str], int] = {}
    soft: list[int] = []
    changed_at_end = [False] * len(story.stats)
    initial = story.initial_values

    start_scene, start_values, clamps0 = st.start()
    for slot, bound, raw in clamps0:
        start_clamps.setdefault((slot, bound), raw)
    seen[start_scene][start_values] = 0
    scene_of.append(start_scene)
    values_of.append(start_values)
    parent.append(_NO_PARENT)
    via.append(-1)
    outcome_of.append(_NO_OUTCOME)
    reaches_end.append(0)

    by_scene, on_enter = st.by_scene, st.on_enter
    transitions = 0
    count = 1
    head = 0
    complete = True
    while head < count:
        s = head
        sc = scene_of[s]
        vals = values_of[s]
        any_enabled = False
        stop = False
        for c in by_scene[sc]:
            test = c.test
            if test is not None and not test(vals):
                if not c.hidden:
                    offered[c.gid] = 1
                continue
            gid = c.gid
            offered[gid] = enabled[gid] = 1
            any_enabled = True
            work = list(vals)
            clamps = _apply(c.effects, work) if c.effects else None
            kind = c.kind
            if kind == _DIRECT:
                outs: Sequence = ((_NO_OUTCOME, c.targets[0]),)
            elif kind == _FIRST:
                outs = _outcomes(c, work)
            else:
                outs = tuple(enumerate(c.targets))
            single = len(outs) == 1
            for oi, (_t, ending, dest, _name) in outs:
                transitions += 1
                after = work if single else list(work)
                drawn = _apply(c.outcome_effects[oi], after) if c.outcome_effects else None
                clamps_here = (clamps or []) + drawn if drawn else clamps
                if ending >= 0:
                    reaches_end[s] = 1
                    final = tuple(after)
                    if ending_first[ending] is None:
                        ending_first[ending] = (s, gid, oi)
                    if final not in ending_seen[ending]:
                        ending_seen[ending].add(final)
                        ending_count[ending] += 1
                        for slot, (a, b) in enumerate(zip(initial, final)):
                            if a != b:
                                changed_at_end[slot] = True
                    if clamps_here:
                        for slot, bound, raw in clamps_here:
                            clamp_first.setdefault((slot, bound), (s, gid, oi, raw))
                    continue
                enter = on_enter[dest]
                more = _apply(enter, after) if enter else None
                if clamps_here or more:
                    for slot, bound, raw in (clamps_here or []) + (more or []):
                        clamp_first.setdefault((slot, bound), (s, gid, oi, raw))
                key = tuple(after)
                table = seen[dest]
                d = table.get(key)
                if d is None:
                    if count >= max_states:
                        complete = False
                        stop = True
                        break
                    d = count
                    count += 1
                    table[key] = d
                    scene_of.append(dest)
                    values_of.append(key)
                    parent.append(s)
                    via.append(gid)
                    outcome_of.append(oi)
                    reaches_end.append(0)
                edge_src.append(s)
                edge_dst.append(d)
            if stop:
                break
        if stop:
            break
        if not any_enabled:
            soft.append(s)
        head += 1
    expanded = head

    # Reverse reachability: which states can still reach an ending (or an unexplored state,
    # which might). Build predecessor lists in CSR form from the edge arrays.
    can_finish = bytearray(count)
    queue = array("i")
    for i in range(count):
        if reaches_end[i] or i >= expanded:
            can_finish[i] = 1
            queue.append(i)
    if queue and len(edge_src):
        starts = array("i", bytes(4 * (count + 1)))
        for d in edge_dst:
            starts[d + 1] += 1
        for i in range(count):
            starts[i + 1] += starts[i]
        fill = array("i", starts[:count])
        preds = array("i", bytes(4 * len(edge_src)))
        for src, dst in zip(edge_src, edge_dst):
            preds[fill[dst]] = src
            fill[dst] += 1
        qi = 0
        while qi < len(queue):
            d = queue[qi]
            qi += 1
            for k in range(starts[d], starts[d + 1]):
                p = preds[k]
                if not can_finish[p]:
                    can_finish[p] = 1
                    queue.append(p)
    soft_set = set(soft)
    traps_all = [i for i in range(expanded) if not can_finish[i] and i not in soft_set]

    def path(i: int) -> tuple[PathStep, ...]:
        return _path(st, scene_of, parent, via, outcome_of, i)

    def step_after(s: int, gid: int, oi: int) -> tuple[PathStep, ...]:
        return path(s) + (_step(st, gid, oi),)

    ending_paths: dict[str, tuple[PathStep, ...] | None] = {}
    for e, first in enumerate(ending_first):
        ending_paths[st.ending_ids[e]] = step_after(*first) if first else None

    reached = {st.scene_ids[i] for i in set(scene_of)}
    unreachable_scenes, unreachable_choices, never_enabled = [], [], []
    if complete:
        unreachable_scenes = [s for s in st.scene_ids if s not in reached]
        for c in st.choices:
            ids = (st.scene_ids[c.scene], c.choice.id)
            if not offered[c.gid]:
                unreachable_choices.append(ids)
            elif not enabled[c.gid]:
                never_enabled.append(ids)

    constant: list[str] = []
    if complete:
        changed = list(changed_at_end)
        for vals in values_of:
            for slot, (a, b) in enumerate(zip(initial, vals)):
                if a != b:
                    changed[slot] = True
            if all(changed):
                break
        constant = [s.name for s in story.stats if s.type is not StatType.TEXT and not changed[s.slot]]

    clamped: list[Clamp] = []
    for (slot, bound), raw in start_clamps.items():
        clamped.append(Clamp(story.stats[slot].name, bound, raw, ()))
    for (slot, bound), (s, gid, oi, raw) in clamp_first.items():
        if (slot, bound) not in start_clamps:
            clamped.append(Clamp(story.stats[slot].name, bound, raw, step_after(s, gid, oi)))
    clamped.sort(key=lambda c: (story.stat(c.stat).slot, c.bound))

    def found(i: int) -> Found:
        return Found(st.scene_ids[scene_of[i]], values_of[i], path(i))

    return Exploration(
        story=story, complete=complete, states=count, transitions=transitions, expanded=expanded,
        max_states=max_states, ending_paths=ending_paths,
        ending_states={st.ending_ids[e]: n for e, n in enumerate(ending_count)},
        unreachable_scenes=unreachable_scenes, unreachable_choices=unreachable_choices,
        never_enabled_choices=never_enabled,
        soft_locks=[found(i) for i in soft[:limit]], soft_lock_count=len(soft),
        soft_lock_scenes=dict(Counter(st.scene_ids[scene_of[i]] for i in soft)),
        traps=[found(i) for i in traps_all[:limit]], trap_count=len(traps_all),
        trap_scenes=dict(Counter(st.scene_ids[scene_of[i]] for i in traps_all)),
        constant_stats=constant, clamped_stats=clamped, scenes_reached=reached,
        _stepper=st, _scene_of=scene_of, _values_of=values_of, _parent=parent, _via=via, _outcome=outcome_of,
    )


def _step(st: Stepper, gid: int, oi: int) -> PathStep:
    c = st.choices[gid]
    outcome = c.targets[oi][3] if oi != _NO_OUTCOME and c.kind == _RANDOM else None
    return PathStep(st.scene_ids[c.scene], c.choice.id, outcome)


def _path(st: Stepper, scene_of: array, parent: array, via: array, outcome_of: array, i: int) -> tuple[PathStep, ...]:
    steps = []
    while parent[i] != _NO_PARENT:
        steps.append(_step(st, via[i], outcome_of[i]))
        i = parent[i]
    steps.reverse()
    return tuple(steps)


def reachable_scenes(story: Story) -> set[str]:
    """Scenes reachable when every condition is assumed satisfiable (a structural over-approximation)."""
    seen = {story.start}
    todo = [story.start]
    while todo:
        for choice in story.scenes[todo.pop()].choices:
            for target in choice.goto.targets:
                if target.scene is not None and target.scene not in seen:
                    seen.add(target.scene)
                    todo.append(target.scene)
    return seen


# -- random play ------------------------------------------------------------------------------


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
    st = Stepper(story)
    gen = _random.Random(seed)
    endings: Counter[str] = Counter()
    scenes: set[int] = set()
    taken: set[int] = set()
    stuck = capped = total_steps = 0
    stuck_example: Found | None = None
    first_paths: dict[str, tuple[PathStep, ...]] = {}
    s0, v0, _ = st.start()
    for _run in range(runs):
        sc, vals = s0, list(v0)
        scenes.add(sc)
        trail: list[PathStep] = []
        for _n in range(max_steps):
            options = [c for c in st.by_scene[sc] if c.test is None or c.test(vals)]
            if not options:
                stuck += 1
                if stuck_example is None:
                    stuck_example = Found(st.scene_ids[sc], tuple(vals), tuple(trail))
                break
            c = options[gen.randrange(len(options))] if len(options) > 1 else options[0]
            taken.add(c.gid)
            total_steps += 1
            _apply(c.effects, vals)
            outs = _outcomes(c, vals)
            if len(outs) > 1:
                pick = gen.choices(range(len(outs)), weights=[c.choice.goto.targets[i].weight for i, _ in outs])[0]
                oi, (_t, ending, dest, name) = outs[pick]
            else:
                oi, (_t, ending, dest, name) = outs[0]
            if c.outcome_effects:
                _apply(c.outcome_effects[oi], vals)
            trail.append(PathStep(st.scene_ids[sc], c.choice.id, name if c.kind == _RANDOM else None))
            if ending >= 0:
                endings[st.ending_ids[ending]] += 1
                first_paths.setdefault(st.ending_ids[ending], tuple(trail))
                break
            _apply(st.on_enter[dest], vals)
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
        for target in choice.goto.targets:
            if target.name == step.outcome:
                rolls.update(range(upto, upto + target.weight))
            upto += target.weight
        draws.append((upto, frozenset(rolls)))
    return draws


def seed_for(story: Story, path: Sequence[PathStep], budget: int = 200_000) -> int | None:
    """The smallest seed in ``range(budget)`` whose draws follow ``path`` to its end, or ``None``.

    The run's generator only advances at random draws, so candidate seeds are screened on
    the draws alone (a few integer operations each) and the survivor is confirmed by
    :func:`adventure.engine.replay`, which must replay every step.
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
