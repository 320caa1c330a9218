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

from adventure.analysis.explore import LIST_LIMIT, Exploration, Found, PathStep, explore
from adventure.analysis.findings import Finding, effect_source, explore_findings
from adventure.analysis.inert import InertReport, inert_choices
from adventure.analysis.randomplay import RandomReport, random_play
from adventure.story.expr import to_source
from adventure.story.model import Story
from adventure.wording import count

if TYPE_CHECKING:
    from rich.console import Console
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
        start = time.perf_counter()
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


def explore_json(story: Story, outcome: ExploreOutcome) -> dict[str, Any]:
    """The ``explore`` object of ``check --json``; ``problems`` non-empty means exit 1."""
    exploration, report = outcome.exploration, outcome.report
    complete = exploration is not None and exploration.complete
    endings: dict[str, Any] = {}
    for ending_id, ending in story.endings.items():
        path = exploration.ending_paths.get(ending_id) if exploration else None
        found_by = "explore" if path is not None else None
        seen = report.endings.get(ending_id, 0) if report else 0
        if path is None and seen and report is not None:
            path, found_by = report.ending_paths.get(ending_id), "random"
        reachable: bool | None = True if path is not None else (False if complete else None)
        entry: dict[str, Any] = {
            "reachable": reachable, "path": path_json(path),
            "steps": len(path) if path is not None else None,
            "random_draws": sum(1 for s in path if s.outcome is not None) if path is not None else 0,
            "found_by": found_by, "true_ending": ending.true_ending,
        }
        if exploration is not None:
            entry["states"] = exploration.ending_states.get(ending_id, 0)
        if report is not None:
            entry["random_runs"] = seen
        endings[ending_id] = entry
    data: dict[str, Any] = {
        "explored": exploration is not None,
        "complete": complete,
        "states": exploration.states if exploration else 0,
        "transitions": exploration.transitions if exploration else 0,
        "seconds": round(outcome.seconds, 4),
        "max_states": exploration.max_states if exploration else None,
        "budget_used": round(exploration.states / exploration.max_states, 4) if exploration else None,
        "endings": endings,
    }
    if exploration is not None:
        data.update(_exploration_json(story, exploration))
        data["inert_choices"] = inert_json(inert_choices(story))
    data["random"] = random_json(report, outcome.random_seconds) if report is not None else None
    data["random_fallback"] = outcome.fallback
    data["problems"] = [f.message for f in outcome.findings if f.severity == "error"]
    data["warnings"] = [f.message for f in outcome.findings if f.severity == "warning"]
    data["findings"] = [f.to_dict() for f in outcome.findings]
    return data


def _exploration_json(story: Story, x: Exploration) -> dict[str, Any]:
    proven = x.complete  # unreachability and constancy are only proven by a complete search
    clamped = []
    for c in x.clamped_stats:
        where = c.effect.location if c.effect is not None else None
        clamped.append({"stat": c.stat, "bound": c.bound, "value": c.value, "path": path_json(c.path),
                        "expected": story.stat(c.stat).saturates,
                        "effect": effect_source(c.effect) if c.effect is not None else None,
                        "file": where.file if where else None, "line": where.line if where else 0})
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


# -- Rich ---------------------------------------------------------------------------------------


def format_path(path: Sequence[dict[str, str]] | None, limit: int = 40) -> str:
    """``gate:pick → road:wait (→ road) → …`` for the terminal."""
    if path is None:
        return "—"
    if not path:
        return "(at the start)"
    parts = []
    for step in path:
        text = f"{step['scene']}:{step['choice']}"
        if "outcome" in step:
            text += f" (draw {step['outcome']})"
        parts.append(text)
    if len(parts) > limit:
        parts = parts[: limit // 2] + [f"… {len(parts) - limit} more …"] + parts[-limit // 2:]
    return " → ".join(parts)


def render(console: Console, data: dict[str, Any], findings: Sequence[Finding]) -> None:
    """The human report of :func:`explore_json`: endings table, random play, located findings."""
    from rich.table import Table
    from rich.text import Text

    if data["explored"]:
        head = Text("Exploration  ", style="bold")
        head.append("complete" if data["complete"] else "incomplete", style="green" if data["complete"] else "yellow")
        head.append(f" · {data['states']:,} states · {data['transitions']:,} transitions · {data['seconds']:.2f} s")
        if data.get("max_states"):
            head.append(f" · {data['budget_used']:.0%} of the budget of {data['max_states']:,} states"
                        + ("" if data["complete"] else " (raise it with --max-states)"), style="dim")
        console.print(head)
    table = Table(title=Text("Endings", style="bold"), title_justify="left", expand=False, show_lines=False)
    table.add_column("ending")
    table.add_column("", justify="center")
    table.add_column("steps", justify="right")
    table.add_column("shortest path" if data["explored"] else "a path", overflow="fold")
    mark = {True: Text("✓", style="green"), False: Text("✗", style="bold red"), None: Text("?", style="yellow")}
    for ending_id, entry in data["endings"].items():
        name = Text(ending_id + (" ★" if entry["true_ending"] else ""))
        path = Text(format_path(entry["path"]))
        if entry["random_draws"]:
            path.append(f"  [{count(entry['random_draws'], 'random draw')}: replaying needs a seed, see --write-runs]",
                        style="dim")
        table.add_row(name, mark[entry["reachable"]], "" if entry["steps"] is None else str(entry["steps"]), path)
    console.print(table)
    random = data.get("random")
    if random:
        console.print(Text.assemble(
            ("Random play  ", "bold"),
            ("(fallback: the search was not complete) " if data.get("random_fallback") else ""),
            f"{random['runs']} runs (seed {random['seed']}) · scenes {random['scenes_visited']}/{random['scenes']} "
            f"({random['scene_coverage']:.0%}) · choices {random['choices_taken']}/{random['choices']} "
            f"({random['choice_coverage']:.0%}) · endings "
            + ", ".join(f"{e} {n}" for e, n in random["endings"].items())))
    inert = data.get("inert_choices")
    if inert is not None:
        console.print(Text.assemble(("Inert choices  ", "bold"),
                                    f"{inert['count']} of {inert['choices']} ({inert['share']:.1f}%): no effect, "
                                    "no remember, no chose(), and a sibling leads to the same place"))
    for kind, items in (("soft-lock", data.get("soft_locks") or []), ("trap", data.get("traps") or [])):
        for item in items[:5]:
            line = Text(f"  {kind} ", style="red")
            line.append(f"in '{item['scene']}'  ")
            line.append(format_path(item["path"]), style="dim")
            console.print(line)
    for finding in findings:
        console.print(render_finding(finding))
    for skipped in data.get("skipped_runs") or []:
        console.print(Text.assemble(("! ", "yellow"), f"no run written for ending '{skipped['ending']}': "
                                                      f"{skipped['reason']}"))
    for run in data.get("written_runs") or []:
        console.print(Text(f"wrote {run['file']} (ending {run['ending']}, seed {run['seed']}, {run['steps']} steps)"))
    if not data["problems"]:
        console.print(Text("✓ every explored state can still reach an ending", style="green")
                      if data["complete"] else Text("✓ no problems found (the search was not complete)", style="green"))


def render_finding(finding: Finding) -> Text:
    """``✗ message`` (errors) or ``! message`` (warnings), then ``at file:line:col``; plain text only."""
    from rich.text import Text

    error = finding.severity == "error"
    text = Text.assemble(("✗ " if error else "! ", "bold red" if error else "yellow"), finding.message)
    if finding.where:
        text.append(f"\n    at {finding.where}", style="dim")
    return text
