"""What ``check --explore`` / ``--random`` found, as located, typed findings.

Exploration and random play produce counts and paths; a :class:`Finding` says what an
author must look at and where: the file and line of the scene, choice, ending, stat or
effect involved, a stable code and a severity. Errors make ``check`` exit 1;
warnings do not. The command line renders findings as a table or as
JSON; nothing here prints.

Codes: ``MM601`` unreachable ending, ``MM602`` ending not reached by an incomplete
search, ``MM603`` soft-lock, ``MM604`` trap, ``MM605`` stuck random run, ``MM606`` a way into a
scene whose ``assumes:`` is false (errors);
``MM610`` search incomplete (and what was done instead), ``MM611`` unreachable scene,
``MM612`` choice never offered, ``MM618`` a closed road (a shown gate no way on can meet),
``MM619`` an inert choice, ``MM613`` choice offered but never enabled, ``MM614``
locked choice whose condition never holds, ``MM615`` constant stat, ``MM616`` clamped
stat, ``MM617`` random runs capped (warnings).

Typical use::

    for finding in explore_findings(story, exploration, report, fallback=True):
        print(finding.where, finding.severity, finding.message)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from adventure.analysis.assumptions import SCENE_WIDE
from adventure.analysis.explore import Exploration, PathStep
from adventure.analysis.inert import InertReport, inert_choices
from adventure.analysis.randomplay import RandomReport
from adventure.base.errors import Severity
from adventure.base.wording import count
from adventure.story.expr import to_source
from adventure.story.model import Effect, Location, Story
from adventure.story.template import assumptions


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing exploration found: how bad, which kind, what, where, and the facts behind it."""

    severity: Severity
    code: str
    message: str
    file: str | None = None
    line: int = 0
    column: int = 0
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def where(self) -> str:
        """``file:line:column`` (or just the file, or ``""`` when unknown)."""
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}:{self.column or 1}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding (``check --json``: ``explore.findings``)."""
        return {"severity": self.severity, "code": self.code, "message": self.message, "file": self.file,
                "line": self.line, "column": self.column, "data": self.data}


def located(severity: Severity, code: str, message: str, where: Location | None, **data: Any) -> Finding:
    """A finding at ``where`` (a story node's location, when the loader recorded one)."""
    if where is None:
        return Finding(severity, code, message, data=data)
    return Finding(severity, code, message, where.file, where.line, where.column, data)


def explore_findings(story: Story, exploration: Exploration | None, report: RandomReport | None,
                     fallback: bool = False) -> list[Finding]:
    """Every finding of a search and/or random play, errors first, each in story order.

    ``fallback`` says the random runs were played because the search ran out of budget.
    """
    found: list[Finding] = []
    if exploration is not None:
        found += _ending_findings(story, exploration, report)
        found += _search_findings(story, exploration, report if fallback else None)
        found += _inert_findings(inert_choices(story))
    elif report is not None:
        found += _ending_findings(story, None, report)
    if report is not None:
        found += _random_findings(story, report)
    return sorted(found, key=lambda f: 0 if f.severity == "error" else 1)


def effect_source(effect: Effect) -> str:
    """An effect as the author wrote it: ``add: {skill: 1}``."""
    return f"{effect.op}: {{{effect.stat}: {effect.source}}}"


def _ending_findings(story: Story, x: Exploration | None, report: RandomReport | None) -> list[Finding]:
    complete = x is not None and x.complete
    result = []
    for ending_id, ending in story.endings.items():
        reached = (x is not None and x.ending_paths.get(ending_id) is not None) or (
            report is not None and report.endings.get(ending_id, 0) > 0)
        if reached:
            continue
        if complete:
            result.append(located("error", "MM601", f"ending '{ending_id}' is unreachable", ending.location,
                                  ending=ending_id))
        else:  # an incomplete search, or random play alone: not seen, not disproved
            result.append(located("warning", "MM602",
                                  f"ending '{ending_id}' was not reached (the search was not complete)",
                                  ending.location, ending=ending_id))
    return result


def _search_findings(story: Story, x: Exploration, fallback: RandomReport | None) -> list[Finding]:
    """Everything a search proves or suspects, one kind after another (``explore_findings`` puts errors first)."""
    return [*_soft_lock_findings(story, x), *_trap_findings(story, x), *_incomplete_findings(x, fallback),
            *_assumption_findings(story, x), *_road_findings(story, x), *_unreached_findings(story, x),
            *_never_enabled_findings(story, x), *_constant_findings(story, x), *_clamp_findings(story, x)]


def _soft_lock_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM603: states where every choice is locked, counted per scene."""
    if not x.soft_lock_count:
        return []
    listed = ", ".join(f"{s} ({n})" for s, n in x.soft_lock_scenes.items())
    first = next(iter(x.soft_lock_scenes))
    return [located("error", "MM603", f"{count(x.soft_lock_count, 'soft-locked state')}: no enabled choice in {listed}",
                    story.scenes[first].location, scene=first, count=x.soft_lock_count)]


def _trap_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM604: states from which no ending can be reached, the scenes with most of them named first."""
    if not x.trap_count:
        return []
    ranked = sorted(x.trap_scenes.items(), key=lambda i: -i[1])
    listed = ", ".join(f"{s} ({n})" for s, n in ranked[:8])
    first = x.traps[0].scene if x.traps else ranked[0][0]
    return [located("error", "MM604",
                    f"{count(x.trap_count, 'trap state')} from which no ending can be reached, in {listed}",
                    story.scenes[first].location, scene=first, count=x.trap_count)]


def _incomplete_findings(x: Exploration, fallback: RandomReport | None) -> list[Finding]:
    """MM610: the budget ran out, so what was not found is not proven absent (and what was done instead)."""
    if x.complete:
        return []
    message = (f"the state space is larger than --max-states {x.max_states}: explored "
               f"{x.expanded} of {x.states} states found; unreachability is not proven")
    if fallback is not None:
        message += f"; fell back to {fallback.runs} seeded random runs (seed {fallback.seed}) instead"
    return [Finding("warning", "MM610", message, data={"max_states": x.max_states,
                                                       "random_fallback": fallback is not None})]


def _unreached_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM611 and MM612: scenes no run enters, choices no run is offered."""
    scenes = [located("warning", "MM611", f"scene '{s}' is unreachable", story.scenes[s].location, scene=s)
              for s in x.unreachable_scenes]
    return scenes + [located("warning", "MM612", f"choice '{c}' in scene '{s}' is never offered",
                             _choice_location(story, s, c), scene=s, choice=c) for s, c in x.unreachable_choices]


def _never_enabled_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM613, or MM614 when the condition is false in every reachable state (its locked reason promises too much)."""
    hopeless = set(x.locked_never_true)
    result = []
    for s, c in x.never_enabled_choices:
        choice = story.scenes[s].choice(c)
        condition = to_source(choice.condition) if choice is not None and choice.condition is not None else None
        where = choice.location if choice is not None else None
        if (s, c) in hopeless:
            result.append(located("warning", "MM614",
                                  f"locked choice '{c}' in scene '{s}' can never be unlocked: its condition "
                                  f"`{condition}` is false in every reachable state, so its locked reason "
                                  "promises what the story never allows", where, scene=s, choice=c, condition=condition))
        else:
            result.append(located("warning", "MM613", f"choice '{c}' in scene '{s}' is offered but never enabled",
                                  where, scene=s, choice=c, condition=condition))
    return result


def _constant_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM615: stats no reachable effect changes."""
    return [located("warning", "MM615", f"stat '{s}' never changes", story.stat(s).location, stat=s)
            for s in x.constant_stats]


def _clamp_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM616: effects that push a stat past its range (or a text past its length), at the effect when known."""
    result = []
    for clamp in x.clamped_stats:
        if story.stat(clamp.stat).saturates and clamp.bound != "length":  # `saturates: true`: the clamp is intended
            continue
        if clamp.bound == "length":
            message = (f"text stat '{clamp.stat}' can grow past {clamp.value} characters, the most a text value "
                       "holds, and is cut there")
        else:
            message = f"stat '{clamp.stat}' hits its {clamp.bound}imum ({clamp.value}) and is clamped"
        where = clamp.effect.location if clamp.effect is not None else story.stat(clamp.stat).location
        if clamp.effect is not None:
            message += f" by `{effect_source(clamp.effect)}`"
        result.append(located("warning", "MM616", message, where, stat=clamp.stat, bound=clamp.bound))
    return result


def _assumption_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM606: each reachable way into a scene where its ``assumes:`` (or an ``{assume}`` passage) is false."""
    result = []
    for broken in x.broken_assumptions:
        scene = story.scenes[broken.scene]
        way = "at the start" if broken.via is None else f"entered by '{broken.via[1]}' in '{broken.via[0]}'"
        if broken.passage == SCENE_WIDE:
            assumption = to_source(scene.assumes) if scene.assumes is not None else "?"
            what, where = f"scene '{broken.scene}' assumes", scene.assumes_location or scene.location
        else:
            assumption = to_source(list(assumptions(scene.text))[broken.passage].condition)
            what = f"a passage of scene '{broken.scene}' assumes"
            where = scene.passage_locations[broken.passage] if broken.passage < len(scene.passage_locations) \
                else scene.location
        message = (f"{what} `{assumption}`, but it is false when {way} "
                   f"({count(broken.states, 'reachable state')}); shortest path: {path_text(broken.path)}")
        data: dict[str, Any] = {"scene": broken.scene, "assumption": assumption}
        if broken.passage != SCENE_WIDE:
            data["passage"] = broken.passage
        data.update(via=None if broken.via is None else {"scene": broken.via[0], "choice": broken.via[1]},
                    path=[step.to_dict() for step in broken.path], states=broken.states)
        result.append(located("error", "MM606", message, where, **data))
    return result


def _road_findings(story: Story, x: Exploration) -> list[Finding]:
    """MM618: a need of a chapter's gate that no way on can meet while the gate is still shown."""
    result = []
    for road in x.closed_roads:
        title = " ".join(road.milestone.split())
        elsewhere = [s for s in road.scenes if s != road.scene]
        also = f"; also in {', '.join(repr(s) for s in elsewhere[:8])}{' …' if len(elsewhere) > 8 else ''}" if elsewhere else ""
        message = (f"closed road: the gate \"{title}\" still shows `{road.need}`, but from scene '{road.scene}' "
                   f"no way on makes it true while the gate is pending ({count(road.states, 'state')}{also}); "
                   f"shortest path: {path_text(road.path)}")
        result.append(located("warning", "MM618", message, story.scenes[road.scene].location, scene=road.scene,
                              chapter=road.chapter, milestone=title, need=road.need, scenes=list(road.scenes),
                              path=[step.to_dict() for step in road.path], states=road.states))
    return result


def _inert_findings(report: InertReport) -> list[Finding]:
    """MM619: a choice no later text, stat or road tells from a sibling."""
    return [located("warning", "MM619", f"choice '{c.choice}' in scene '{c.scene}' is inert: no effect, no remember, "
                    f"no chose() reads it, and it leads where '{c.same_as}' does", c.location,
                    scene=c.scene, choice=c.choice, same_as=c.same_as)
            for c in report.choices]


def path_text(path: Sequence[PathStep]) -> str:
    """``porch:keys → yard:leave``, or ``(at the start)``: a path in one line of a message."""
    if not path:
        return "(at the start)"
    return " → ".join(f"{s.scene}:{s.choice}" + (f" (draw {s.outcome})" if s.outcome else "") for s in path)


def _random_findings(story: Story, report: RandomReport) -> list[Finding]:
    result = []
    if report.stuck and report.stuck_example is not None:
        scene = report.stuck_example.scene
        result.append(located("error", "MM605", f"{count(report.stuck, 'random run')} got stuck with no enabled choice "
                                                f"(first in scene '{scene}')", story.scenes[scene].location,
                              scene=scene, count=report.stuck))
    if report.capped:
        result.append(Finding("warning", "MM617",
                              f"{count(report.capped, 'random run')} did not finish within {report.max_steps} steps",
                              data={"count": report.capped}))
    return result


def _choice_location(story: Story, scene: str, choice_id: str) -> Location | None:
    choice = story.scenes[scene].choice(choice_id)
    return choice.location if choice is not None else None
