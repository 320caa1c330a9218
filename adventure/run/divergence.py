"""How a run differed from the true path, and the fork worth trying next time.

The story marks the true path's choice at each key decision with ``canon: true``. A
run's log, replayed, says what the player saw at each of those decisions; this module
lists the ones where the player took another choice (with the canon one beside it,
and whether it was even open then), and picks one unexplored fork to suggest. Pure:
driven by ``canon:`` data only, no I/O, no Rich.

Typical use::

    report = true_path(story, state)          # one walk of the log for all three
    for d in report.found:
        print(d.scene_title, d.taken, "vs", d.canon)
    print(report.fork)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from adventure.run import engine
from adventure.run.engine import Offer, RunState, Start
from adventure.story.model import Choice, Story


@dataclass(frozen=True, slots=True)
class OffTruePath:
    """A key decision where the run left the true path."""

    step: int
    """1-based position of the decision in the run's log."""
    scene: str
    scene_title: str
    taken: str
    """The label of the choice the player took, as it read then."""
    canon: str
    """The label of the true path's choice, as it read then."""
    canon_open: bool
    """Whether the true path's choice could be taken then (not locked)."""
    canon_reason: str | None = None
    """Why it was locked, when it was."""
    forks: bool = True
    """Whether the canon choice leads somewhere else or changes other stats (not a mere rewording)."""


@dataclass(frozen=True, slots=True)
class Fork:
    """A choice to try next time: its label and the scene where it is offered."""

    scene: str
    scene_title: str
    label: str


@dataclass(frozen=True, slots=True)
class TruePath:
    """The run against the true path, from one walk of its log (what the ending screen shows)."""

    found: tuple[OffTruePath, ...]
    """:func:`divergences`."""
    shut: tuple[OffTruePath, ...]
    """:func:`closed`."""
    fork: Fork | None
    """:func:`next_fork`."""


def true_path(story: Story, state: RunState, start: Start | None = None) -> TruePath:
    """:func:`divergences`, :func:`closed` and :func:`next_fork` from a single walk of the log.

    Each of them retakes every step from the seed; the ending screen of a 100,000-step
    run asked for all three, four walks of the whole run.
    """
    found: list[OffTruePath] = []
    locked: dict[str, OffTruePath] = {}  # the last visit of each scene whose canon choice was locked
    opened: set[str] = set()  # scenes where the canon choice was open (or taken) at some visit
    fallback: Fork | None = None  # on the true path: the earliest other open choice that leads elsewhere
    for step, (before, offers, taken) in enumerate(_decisions(story, state, start), 1):
        if taken.choice.canon:
            opened.add(before.scene)
            if fallback is None:
                fallback = _other_road(story, before, offers, taken)
            continue
        d = _off(story, step, before, offers, taken)
        if d is None:
            continue
        if d.canon_open:
            opened.add(d.scene)
            found.append(d)
        else:
            locked[d.scene] = d
    shut = tuple(d for scene, d in locked.items() if scene not in opened)
    forks = [d for d in found if d.forks] or [d for d in shut if d.forks]
    fork = Fork(forks[0].scene, forks[0].scene_title, forks[0].canon) if forks else fallback
    return TruePath(tuple(found), shut, fork)


def divergences(story: Story, state: RunState, start: Start | None = None) -> tuple[OffTruePath, ...]:
    """Every key decision of the run where the canon choice was open and the player took another.

    A decision where the canon choice was locked is no deviation: the player could not
    take it (a hub visited ten times before its canon choice opens is not ten
    deviations). Those are :func:`closed`.
    """
    return tuple(d for d in _all_divergences(story, state, start) if d.canon_open)


def closed(story: Story, state: RunState, start: Start | None = None) -> tuple[OffTruePath, ...]:
    """Scenes where the true path's choice was locked every time the run passed, once each.

    The last such visit of each scene, in the order the scenes were first met; a scene
    where the run took (or could have taken) the canon choice at some visit is left out.
    """
    all_found = _all_divergences(story, state, start)
    taken = {before.scene for before, _offers, offer in _decisions(story, state, start) if offer.choice.canon}
    opened = {d.scene for d in all_found if d.canon_open} | taken
    last: dict[str, OffTruePath] = {}
    for d in all_found:
        if not d.canon_open and d.scene not in opened:
            last[d.scene] = d
    return tuple(last.values())


def _all_divergences(story: Story, state: RunState, start: Start | None = None) -> list[OffTruePath]:
    found = []
    for step, (before, offers, taken) in enumerate(_decisions(story, state, start), 1):
        d = None if taken.choice.canon else _off(story, step, before, offers, taken)
        if d is not None:
            found.append(d)
    return found


def _off(story: Story, step: int, before: RunState, offers: tuple[Offer, ...], taken: Offer) -> OffTruePath | None:
    """The decision as a step off the true path, when the scene has a canon choice (``taken`` is not it)."""
    canon = next((o for o in offers if o.choice.canon), None)
    if canon is None:
        return None
    scene = story.scenes[before.scene]
    return OffTruePath(step, scene.id, scene.title, taken.label, canon.label, canon.enabled, canon.reason,
                       _differs(canon.choice, taken.choice))


def _other_road(story: Story, before: RunState, offers: tuple[Offer, ...], taken: Offer) -> Fork | None:
    """Another open choice here that leads somewhere the canon one (``taken``) does not."""
    for offer in offers:
        if offer.enabled and not offer.choice.canon and _targets(offer.choice) != _targets(taken.choice):
            scene = story.scenes[before.scene]
            return Fork(scene.id, scene.title, offer.label)
    return None


def has_canon(story: Story) -> bool:
    """Whether the story marks a true path at all (without it there is nothing to compare)."""
    return any(choice.canon for scene in story.scenes.values() for choice in scene.choices)


def next_fork(story: Story, state: RunState, start: Start | None = None, *,
              known: tuple[OffTruePath, ...] | None = None, shut: tuple[OffTruePath, ...] | None = None) -> Fork | None:
    """One unexplored fork to suggest for the next play.

    Off the true path: the earliest divergence whose canon choice was open and leads
    elsewhere (else the earliest that leads elsewhere at all). On it: the earliest key
    decision where another open choice leads somewhere the canon one does not.
    ``known`` and ``shut``: :func:`divergences` and :func:`closed` of this state, when the
    caller has them (retaking a 100,000-step run again for each is what made the ending
    screen slow).
    """
    found = [d for d in (divergences(story, state, start) if known is None else known) if d.forks]
    if not found:
        found = [d for d in (closed(story, state, start) if shut is None else shut) if d.forks]
    if found:
        best = found[0]
        return Fork(best.scene, best.scene_title, best.canon)
    for before, offers, taken in _decisions(story, state, start):
        if taken.choice.canon:
            fork = _other_road(story, before, offers, taken)
            if fork is not None:
                return fork
    return None


def _decisions(story: Story, state: RunState,
               start: Start | None = None) -> Iterator[tuple[RunState, tuple[Offer, ...], Offer]]:
    """Each step of the log, retaken from the seed (and a sandbox start): the state before it,
    what was offered, the offer taken.

    A generator: a run of 100,000 steps is walked, never held (holding every state and
    its offers made the collector's passes grow with the run).
    """
    outcome = engine.start_at(story, state.seed, start) if start is not None else engine.new_run(story, state.seed)
    for step in state.log:
        before = outcome.state
        if before.ending is not None or before.scene != step.scene:
            break
        offers = engine.offers(story, before, include_hidden=True)
        taken = next((o for o in offers if o.choice.id == step.choice), None)
        if taken is None or not taken.enabled:
            break
        yield before, offers, taken
        outcome = engine.take(story, before, step.choice)


def _targets(choice: Choice) -> frozenset[str]:
    return frozenset(t.name for t in choice.goto.targets)


def _effects(choice: Choice) -> tuple[tuple[str, str, str], ...]:
    return tuple((e.op, e.stat, e.source) for e in choice.effects)


def _differs(a: Choice, b: Choice) -> bool:
    return _targets(a) != _targets(b) or _effects(a) != _effects(b)
