"""``check --explore`` / ``--random`` at the command line: run, time, and render the findings.

The analysis layer searches and plays (:mod:`adventure.analysis.explore`,
:mod:`adventure.analysis.randomplay`) and says what it found as typed, located
findings (:mod:`adventure.analysis.findings`); this module times it, falls back to
seeded random play when the search runs out of budget (and says so), and renders the
result as the ``explore`` object of ``check --json`` or as a Rich report. Exit
contribution: 1 when any finding is an error (a soft-lock, a trap, a stuck random run
or, after a complete search, an unreachable ending); 0 otherwise.

Typical use (from :mod:`adventure.cli.check`)::

    outcome = run_explore(story, explore=True, max_states=200_000, runs=None, seed=0)
    data = explore_json(story, outcome)
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adventure.analysis.explore import LIST_LIMIT, Clamp, Exploration, Found, PathStep, explore
from adventure.analysis.findings import Finding, effect_source, explore_findings
from adventure.analysis.inert import InertReport, inert_choices
from adventure.analysis.randomplay import RandomReport, random_play
from adventure.base.messages import _, ngettext
from adventure.story.expr import to_source
from adventure.story.model import Story

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.text import Text

FALLBACK_RUNS = 2000
"""Random play-throughs when exhaustive exploration runs out of budget and --random is not given."""

MAX_STEPS = 1000
"""Step cap of one random play-through."""


@dataclass(frozen=True)
class ExploreOutcome:
    """A search and/or random play, how long each took, and the findings."""

    exploration: Exploration | None
    report: RandomReport | None
    seconds: float
    random_seconds: float
    fallback: bool
    findings: tuple[Finding, ...]

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity == "error" for f in self.findings) else 0


def run_explore(story: Story, explore_states: bool, max_states: int, runs: int | None, seed: int) -> ExploreOutcome:
    """Explore (if asked), play randomly (if asked, or as the fallback of an incomplete search)."""
    exploration: Exploration | None = None
    seconds = random_seconds = 0.0
    if explore_states:
        from adventure.cli._memory import paused

        start = time.perf_counter()
        with paused():
            exploration = explore(story, max_states=max_states)
        seconds = time.perf_counter() - start
    fallback = runs is None and exploration is not None and not exploration.complete
    if fallback:
        runs = FALLBACK_RUNS
    report: RandomReport | None = None
    if runs:
        start = time.perf_counter()
        report = random_play(story, runs, seed=seed, max_steps=MAX_STEPS)
        random_seconds = time.perf_counter() - start
    findings = tuple(explore_findings(story, exploration, report, fallback=fallback))
    return ExploreOutcome(exploration, report, seconds, random_seconds, fallback, findings)


def best_paths(story: Story, outcome: ExploreOutcome) -> dict[str, tuple[PathStep, ...]]:
    """The path to write for each ending: the search's shortest, else random play's first."""
    paths: dict[str, tuple[PathStep, ...]] = {}
    for ending in story.endings:
        path = outcome.exploration.ending_paths.get(ending) if outcome.exploration else None
        if path is None and outcome.report is not None:
            path = outcome.report.ending_paths.get(ending)
        if path is not None:
            paths[ending] = path
    return paths


# -- JSON ---------------------------------------------------------------------------------------


def path_json(path: Sequence[PathStep] | None) -> list[dict[str, str]] | None:
    """A path as ``[{scene, choice[, outcome]}]`` (``None`` stays ``None``)."""
    return None if path is None else [step.to_dict() for step in path]


def _found_json(story: Story, found: Found) -> dict[str, Any]:
    where = story.scenes[found.scene].location
    return {
        "scene": found.scene,
        "stats": dict(zip(story.stat_names, found.values[:len(story.stats)], strict=True)),
        "path": path_json(found.path),
        "random_draws": sum(1 for s in found.path if s.outcome is not None),
        "file": where.file if where else None, "line": where.line if where else 0,
    }


@dataclass(frozen=True)
class EndingReach:
    """Whether an ending can be reached, and the path that shows it (the search's shortest, else random play's)."""

    id: str
    true_ending: bool
    reachable: bool | None
    """``True`` a path reaches it; ``False`` a complete search proved none does; ``None`` not known."""
    path: tuple[PathStep, ...] | None
    found_by: str | None
    """``explore`` or ``random`` (``None`` with no path)."""
    states: int | None
    """Ending states the search counted (``None`` without a search)."""
    random_runs: int | None
    """Random runs that ended here (``None`` without random play)."""

    @property
    def random_draws(self) -> int:
        return sum(1 for s in self.path if s.outcome is not None) if self.path is not None else 0

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "reachable": self.reachable, "path": path_json(self.path),
            "steps": len(self.path) if self.path is not None else None, "random_draws": self.random_draws,
            "found_by": self.found_by, "true_ending": self.true_ending,
        }
        if self.states is not None:
            entry["states"] = self.states
        if self.random_runs is not None:
            entry["random_runs"] = self.random_runs
        return entry


def ending_reach(story: Story, outcome: ExploreOutcome) -> list[EndingReach]:
    """Each ending of the story, in story order, as the search and random play found it."""
    exploration, report = outcome.exploration, outcome.report
    complete = exploration is not None and exploration.complete
    reach = []
    for ending_id, ending in story.endings.items():
        path = exploration.ending_paths.get(ending_id) if exploration else None
        found_by = "explore" if path is not None else None
        seen = report.endings.get(ending_id, 0) if report else 0
        if path is None and seen and report is not None:
            path, found_by = report.ending_paths.get(ending_id), "random"
        reach.append(EndingReach(
            ending_id, ending.true_ending, True if path is not None else (False if complete else None), path,
            found_by, exploration.ending_states.get(ending_id, 0) if exploration is not None else None,
            seen if report is not None else None))
    return reach


def explore_json(story: Story, outcome: ExploreOutcome, inert: InertReport | None = None) -> dict[str, Any]:
    """The ``explore`` object of ``check --json``; ``problems`` non-empty means exit 1.

    ``inert`` (computed when not given) is reported only after a search.
    """
    exploration, report = outcome.exploration, outcome.report
    data: dict[str, Any] = {
        "explored": exploration is not None,
        "complete": exploration is not None and exploration.complete,
        "states": exploration.states if exploration else 0,
        "transitions": exploration.transitions if exploration else 0,
        "seconds": round(outcome.seconds, 4),
        "max_states": exploration.max_states if exploration else None,
        "budget_used": round(exploration.states / exploration.max_states, 4) if exploration else None,
        "endings": {reach.id: reach.to_json() for reach in ending_reach(story, outcome)},
    }
    if exploration is not None:
        data.update(_exploration_json(story, exploration))
        data["inert_choices"] = inert_json(inert if inert is not None else inert_choices(story))
    data["random"] = random_json(report, outcome.random_seconds) if report is not None else None
    data["random_fallback"] = outcome.fallback
    data["problems"] = [f.message for f in outcome.findings if f.severity == "error"]
    data["warnings"] = [f.message for f in outcome.findings if f.severity == "warning"]
    data["findings"] = [f.to_dict() for f in outcome.findings]
    return data


def _exploration_json(story: Story, x: Exploration) -> dict[str, Any]:
    proven = x.complete  # unreachability and constancy are only proven by a complete search
    clamped = [_clamped_json(story, c) for c in x.clamped_stats]
    return {
        "ending_states": sum(x.ending_states.values()),
        "unreachable_scenes": x.unreachable_scenes if proven else None,
        "unreachable_choices": [{"scene": s, "choice": c} for s, c in x.unreachable_choices] if proven else None,
        "never_enabled_choices": [{"scene": s, "choice": c, "condition": _condition(story, s, c)}
                                  for s, c in x.never_enabled_choices] if proven else None,
        "locked_never_true": [{"scene": s, "choice": c, "condition": _condition(story, s, c)}
                              for s, c in x.locked_never_true] if proven else None,
        "soft_locks": [_found_json(story, f) for f in x.soft_locks],
        "soft_lock_count": x.soft_lock_count,
        "soft_lock_scenes": x.soft_lock_scenes,
        "traps": [_found_json(story, f) for f in x.traps],
        "trap_count": x.trap_count,
        "trap_scenes": x.trap_scenes,
        "constant_stats": x.constant_stats if proven else None,
        "clamped_stats": clamped,
        "list_limit": LIST_LIMIT,
    }


def _clamped_json(story: Story, c: Clamp) -> dict[str, Any]:
    where = c.effect.location if c.effect is not None else None
    return {"stat": c.stat, "bound": c.bound, "value": c.value, "path": path_json(c.path),
            "expected": story.stat(c.stat).saturates, "effect": effect_source(c.effect) if c.effect is not None else None,
            "file": where.file if where else None, "line": where.line if where else 0}


def inert_json(report: InertReport) -> dict[str, Any]:
    """``explore.inert_choices``: how many choices are inert, of how many, the share in %, and which."""
    return {"count": report.count, "choices": report.total, "share": round(report.share, 1),
            "list": [{"scene": c.scene, "choice": c.choice, "same_as": c.same_as,
                      "file": c.location.file if c.location else None, "line": c.location.line if c.location else 0}
                     for c in report.choices]}


def random_json(report: RandomReport, seconds: float = 0.0) -> dict[str, Any]:
    """The ``random`` part of the explore object: coverage and ending frequencies."""
    return {
        "runs": report.runs, "seed": report.seed, "max_steps": report.max_steps, "steps": report.steps,
        "seconds": round(seconds, 4),
        "scenes_visited": len(report.scenes_visited), "scenes": report.all_scenes,
        "scene_coverage": round(len(report.scenes_visited) / max(1, report.all_scenes), 4),
        "choices_taken": len(report.choices_taken), "choices": report.all_choices,
        "choice_coverage": round(len(report.choices_taken) / max(1, report.all_choices), 4),
        "unvisited_scenes": report.unvisited_scenes,
        "endings": report.endings, "stuck": report.stuck, "capped": report.capped,
        "stuck_example": None if report.stuck_example is None else {
            "scene": report.stuck_example.scene, "path": path_json(report.stuck_example.path)},
    }


def _condition(story: Story, scene: str, choice_id: str) -> str | None:
    choice = story.scenes[scene].choice(choice_id)
    return to_source(choice.condition) if choice is not None and choice.condition is not None else None


# -- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExploreReport:
    """What ``check --explore``/``--random`` found, for people (a renderable) and for ``check --json``.

    Built from the typed outcome, not from its JSON. ``written``/``skipped`` are the runs
    ``--write-runs`` wrote or could not write (``None`` when it was not asked for).
    """

    story: Story
    outcome: ExploreOutcome
    inert: InertReport | None = None
    written: tuple[dict[str, Any], ...] | None = None
    skipped: tuple[dict[str, str], ...] | None = None

    @classmethod
    def of(cls, story: Story, outcome: ExploreOutcome) -> ExploreReport:
        """The report of ``outcome``, with the inert choices worked out once (only a search reports them)."""
        return cls(story, outcome, inert_choices(story) if outcome.exploration is not None else None)

    def to_json(self) -> dict[str, Any]:
        """The ``explore`` object of ``check --json``."""
        data = explore_json(self.story, self.outcome, self.inert)
        if self.written is not None and self.skipped is not None:
            data["written_runs"], data["skipped_runs"] = list(self.written), list(self.skipped)
            data["warnings"].extend(f"no run written for ending '{s['ending']}': {s['reason']}" for s in self.skipped)
        return data

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        outcome, exploration = self.outcome, self.outcome.exploration
        if exploration is not None:
            yield _search_line(exploration, outcome.seconds)
        yield from _endings(console, options, ending_reach(self.story, outcome), explored=exploration is not None)
        if outcome.report is not None:
            yield _random_line(outcome.report, fallback=outcome.fallback)
        if self.inert is not None:
            yield Text.assemble((_("Inert choices") + "  ", "heading"), _(
                "{count} of {total} ({share}%): no effect, no remember, no chose(), and a sibling leads to the same "
                "place").format(count=self.inert.count, total=self.inert.total, share=f"{round(self.inert.share, 1):.1f}"))
        if exploration is not None:
            yield from _stuck(exploration)
        yield from (render_finding(finding) for finding in outcome.findings)
        yield from self._runs()
        if not any(f.severity == "error" for f in outcome.findings):
            complete = exploration is not None and exploration.complete
            yield Text(_("✓ every explored state can still reach an ending") if complete
                       else _("✓ no problems found (the search was not complete)"), style="good")


    def _runs(self) -> RenderResult:
        """What ``--write-runs`` wrote, after the endings it could not write a run for."""
        from rich.text import Text

        for skipped in self.skipped or ():
            yield Text.assemble(("! ", "warning"), _("no run written for ending '{ending}': {reason}").format(
                ending=skipped["ending"], reason=skipped["reason"]))
        for run in self.written or ():
            yield Text(_("wrote {file} (ending {ending}, seed {seed}, {steps} steps)").format(
                file=run["file"], ending=run["ending"], seed=run["seed"], steps=run["steps"]))


def _stuck(exploration: Exploration) -> RenderResult:
    """The first five soft-locked and trap states, each with the path that reaches it."""
    from rich.text import Text

    for kind, items in ((_("soft-lock"), exploration.soft_locks), (_("trap"), exploration.traps)):
        for item in items[:5]:
            line = Text(f"  {kind} ", style="bad")
            line.append(_("in '{scene}'").format(scene=item.scene) + "  ")
            line.append(format_path(item.path), style="muted")
            yield line


def _search_line(exploration: Exploration, seconds: float) -> Text:
    """``Exploration  complete · 30 states · 62 transitions · 0.01 s · 0% of the budget of …``."""
    from rich.text import Text

    complete = exploration.complete
    head = Text(_("Exploration") + "  ", style="heading")
    head.append(_("complete") if complete else _("incomplete"), style="good" if complete else "warning")
    head.append(_(" · {states} states · {transitions} transitions · {seconds} s").format(
        states=f"{exploration.states:,}", transitions=f"{exploration.transitions:,}", seconds=f"{round(seconds, 4):.2f}"))
    if exploration.max_states:
        used = round(exploration.states / exploration.max_states, 4)
        head.append(_(" · {used} of the budget of {budget} states").format(
            used=f"{used:.0%}", budget=f"{exploration.max_states:,}")
                    + ("" if complete else _(" (raise it with --max-states)")), style="muted")
    return head


def _endings(console: Console, options: ConsoleOptions, reach: Sequence[EndingReach], *,
             explored: bool) -> RenderResult:
    """The endings as a table (ending, found?, steps, path), or a block per ending where the table
    would have to cut a word (an ending's id, a step of a path) to fit the width."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from adventure.ui.console import fits

    mark = {True: Text("✓", style="good"), False: Text("✗", style="error"), None: Text("?", style="warning")}
    table = Table(title=Text(_("Endings"), style="heading"), title_justify="left", expand=False, show_lines=False)
    table.add_column(_("ending"))
    table.add_column("", justify="center")
    table.add_column(_("steps"), justify="right")
    table.add_column(_("shortest path") if explored else _("a path"), overflow="fold")
    for r in reach:
        path = Text(format_path(r.path))
        if r.random_draws:
            path.append("  [" + _draws(r.random_draws) + "]", style="muted")
        table.add_row(Text(r.id + (" ★" if r.true_ending else "")), mark[r.reachable],
                      "" if r.path is None else str(len(r.path)), path)
    if fits(console, options, table):
        yield table
        return
    yield Text(_("Endings"), style="heading")
    for r in reach:
        head = Text.assemble(mark[r.reachable], " ", r.id + (" ★" if r.true_ending else ""))
        if r.path is not None:
            head.append("  " + ngettext("{count} step", "{count} steps", len(r.path)).format(count=len(r.path)),
                        style="muted")
        yield head
        under = Text(format_path(r.path)) if r.path is not None else Text(_("no path found"), style="muted")
        if r.random_draws:
            under.append("\n" + _draws(r.random_draws), style="muted")
        yield Padding(under, (0, 0, 0, 4))  # a long path wraps under itself


def _random_line(report: RandomReport, *, fallback: bool) -> Text:
    """``Random play  200 runs (seed 0) · scenes 4/4 (100%) · choices 8/8 (100%) · endings home 150, sky 50``."""
    from rich.text import Text

    scenes = round(len(report.scenes_visited) / max(1, report.all_scenes), 4)
    choices = round(len(report.choices_taken) / max(1, report.all_choices), 4)
    return Text.assemble(
        (_("Random play") + "  ", "heading"),
        (_("(fallback: the search was not complete) ") if fallback else ""),
        _("{runs} runs (seed {seed}) · scenes {scenes}/{all_scenes} ({scene_share}) · choices {choices}/{all_choices} "
          "({choice_share}) · endings {endings}").format(
            runs=report.runs, seed=report.seed, scenes=len(report.scenes_visited), all_scenes=report.all_scenes,
            scene_share=f"{scenes:.0%}", choices=len(report.choices_taken), all_choices=report.all_choices,
            choice_share=f"{choices:.0%}", endings=", ".join(f"{e} {n}" for e, n in report.endings.items())))


def _draws(n: int) -> str:
    """``2 random draws: replaying needs a seed, see --write-runs``."""
    return ngettext("{count} random draw: replaying needs a seed, see --write-runs",
                    "{count} random draws: replaying needs a seed, see --write-runs", n).format(count=n)


def format_path(path: Sequence[PathStep] | None, limit: int = 40) -> str:
    """``gate:pick → road:wait (draw road) → …`` for the terminal."""
    if path is None:
        return "—"
    if not path:
        return _("(at the start)")
    parts = []
    for step in path:
        text = f"{step.scene}:{step.choice}"
        if step.outcome is not None:
            text += _(" (draw {outcome})").format(outcome=step.outcome)
        parts.append(text)
    if len(parts) > limit:
        parts = parts[: limit // 2] + [_("… {count} more …").format(count=len(parts) - limit)] + parts[-limit // 2:]
    return " → ".join(parts)


def render_finding(finding: Finding) -> Text:
    """``✗ message`` (errors) or ``! message`` (warnings), then ``at file:line:col``; plain text only."""
    from rich.text import Text

    error = finding.severity == "error"
    text = Text.assemble(("✗ " if error else "! ", "error" if error else "warning"), finding.message)
    if finding.where:
        text.append("\n    " + _("at {where}").format(where=finding.where), style="muted")
    return text
