"""The shell around the explorer for ``million-miles check --explore`` / ``--random``.

Runs :func:`~adventure.analysis.explore.explore` (timed here, not in the pure core),
falls back to seeded random play when the state budget runs out, optionally writes the
shortest run to each ending as a replayable run file, and turns the findings into the
``explore`` JSON object and a Rich report. Exit contribution: 1 when there is a
soft-lock, a trap or (after a complete search) an unreachable ending; 0 otherwise,
with the softer findings (unreachable scenes, dead choices, constant or clamped
stats) as warnings.

Typical use (from :mod:`adventure.cli.check`)::

    data, code = explore_for_check(story, args, console)
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.analysis.explore import (
    LIST_LIMIT,
    Exploration,
    Found,
    PathStep,
    RandomReport,
    explore,
    random_play,
    seed_for,
)
from adventure.story.model import Story

if TYPE_CHECKING:
    from rich.console import Console

FALLBACK_RUNS = 2000
"""Random play-throughs when exhaustive exploration runs out of budget and --random is not given."""

SEED_BUDGET = 200_000
"""Seeds tried per ending by --write-runs before giving up on a path through random draws."""

MAX_STEPS = 1000
"""Step cap of one random play-through."""


def explore_for_check(story: Story, args: argparse.Namespace, console: Console | None) -> tuple[dict[str, Any], int]:
    """Explore (and/or play randomly), maybe write runs; return the JSON object and exit code."""
    exploration: Exploration | None = None
    seconds = 0.0
    if getattr(args, "explore", False):
        start = time.perf_counter()
        exploration = explore(story, max_states=args.max_states)
        seconds = time.perf_counter() - start
    runs = getattr(args, "random", None)
    if runs is None and exploration is not None and not exploration.complete:
        runs = FALLBACK_RUNS
    report: RandomReport | None = None
    random_seconds = 0.0
    if runs:
        start = time.perf_counter()
        report = random_play(story, runs, seed=getattr(args, "seed", 0), max_steps=MAX_STEPS)
        random_seconds = time.perf_counter() - start
    data = explore_json(story, exploration, report, seconds, random_seconds)
    write_dir = getattr(args, "write_runs", None)
    if write_dir is not None:
        data["written_runs"], skipped = write_runs(story, _best_paths(story, exploration, report), Path(write_dir))
        data["skipped_runs"] = skipped
        data["warnings"].extend(f"no run written for ending '{s['ending']}': {s['reason']}" for s in skipped)
    code = 1 if data["problems"] else 0
    if console is not None:
        render(console, story, data)
    return data, code


# -- JSON ---------------------------------------------------------------------------------------


def path_json(path: Sequence[PathStep] | None) -> list[dict[str, str]] | None:
    """A path as ``[{scene, choice[, outcome]}]`` (``None`` stays ``None``)."""
    return None if path is None else [step.to_dict() for step in path]


def _found_json(story: Story, found: Found) -> dict[str, Any]:
    return {
        "scene": found.scene,
        "stats": dict(zip(story.stat_names, found.values, strict=True)),
        "path": path_json(found.path),
        "random_draws": sum(1 for s in found.path if s.outcome is not None),
    }


def _best_paths(story: Story, exploration: Exploration | None,
                report: RandomReport | None) -> dict[str, tuple[PathStep, ...]]:
    paths: dict[str, tuple[PathStep, ...]] = {}
    for ending in story.endings:
        path = exploration.ending_paths.get(ending) if exploration else None
        if path is None and report is not None:
            path = report.ending_paths.get(ending)
        if path is not None:
            paths[ending] = path
    return paths


def explore_json(story: Story, exploration: Exploration | None, report: RandomReport | None,
                 seconds: float = 0.0, random_seconds: float = 0.0) -> dict[str, Any]:
    """The ``explore`` object of ``check --json``; ``problems`` non-empty means exit 1."""
    problems: list[str] = []
    warnings: list[str] = []
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
        if reachable is False:
            problems.append(f"ending '{ending_id}' is unreachable")
        elif reachable is None:
            warnings.append(f"ending '{ending_id}' was not reached (the search was not complete)")
    data: dict[str, Any] = {
        "explored": exploration is not None,
        "complete": complete,
        "states": exploration.states if exploration else 0,
        "transitions": exploration.transitions if exploration else 0,
        "seconds": round(seconds, 4),
        "max_states": exploration.max_states if exploration else None,
        "endings": endings,
    }
    if exploration is not None:
        x = exploration
        proven = x.complete  # unreachability and constancy are only proven by a complete search
        data.update({
            "ending_states": sum(x.ending_states.values()),
            "unreachable_scenes": x.unreachable_scenes if proven else None,
            "unreachable_choices": [{"scene": s, "choice": c} for s, c in x.unreachable_choices] if proven else None,
            "never_enabled_choices": [{"scene": s, "choice": c, "condition": _condition(story, s, c)}
                                      for s, c in x.never_enabled_choices] if proven else None,
            "soft_locks": [_found_json(story, f) for f in x.soft_locks],
            "soft_lock_count": x.soft_lock_count,
            "soft_lock_scenes": x.soft_lock_scenes,
            "traps": [_found_json(story, f) for f in x.traps],
            "trap_count": x.trap_count,
            "trap_scenes": x.trap_scenes,
            "constant_stats": x.constant_stats if proven else None,
            "clamped_stats": [{"stat": c.stat, "bound": c.bound, "value": c.value, "path": path_json(c.path),
                               "expected": story.stat(c.stat).saturates}
                              for c in x.clamped_stats],
            "list_limit": LIST_LIMIT,
        })
        if not x.complete:
            warnings.append(f"the state space is larger than --max-states {x.max_states}: explored "
                            f"{x.expanded} of {x.states} states found; unreachability is not proven")
        if x.soft_lock_count:
            where = ", ".join(f"{s} ({n})" for s, n in x.soft_lock_scenes.items())
            problems.append(f"{x.soft_lock_count} soft-locked state(s): no enabled choice in {where}")
        if x.trap_count:
            where = ", ".join(f"{s} ({n})" for s, n in sorted(x.trap_scenes.items(), key=lambda i: -i[1])[:8])
            problems.append(f"{x.trap_count} trap state(s) from which no ending can be reached, in {where}")
        warnings += [f"scene '{s}' is unreachable" for s in x.unreachable_scenes]
        warnings += [f"choice '{c}' in scene '{s}' is never offered" for s, c in x.unreachable_choices]
        warnings += [f"choice '{c}' in scene '{s}' is offered but never enabled" for s, c in x.never_enabled_choices]
        warnings += [f"stat '{s}' never changes" for s in x.constant_stats]
        warnings += [f"stat '{c.stat}' hits its {c.bound}imum ({c.value}) and is clamped" for c in x.clamped_stats
                     if not story.stat(c.stat).saturates]  # `saturates: true` declares the clamp intended
    if report is not None:
        data["random"] = random_json(report, random_seconds)
        if report.stuck and report.stuck_example is not None:
            problems.append(f"{report.stuck} random run(s) got stuck with no enabled choice "
                            f"(first in scene '{report.stuck_example.scene}')")
        if report.capped:
            warnings.append(f"{report.capped} random run(s) did not finish within {report.max_steps} steps")
    else:
        data["random"] = None
    data["problems"] = problems
    data["warnings"] = warnings
    return data


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
    from adventure.story.expr import to_source

    choice = story.scenes[scene].choice(choice_id)
    return to_source(choice.condition) if choice is not None and choice.condition is not None else None


# -- writing runs -------------------------------------------------------------------------------


def write_runs(story: Story, paths: dict[str, tuple[PathStep, ...]], folder: Path,
               budget: int = SEED_BUDGET) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """Write one run file per ending reached by ``paths``, named ``<story>-<ending>``.

    A path through random draws needs a seed whose draws follow it; seeds are searched
    up to ``budget`` and an ending without one is skipped (and listed with the reason).
    Each run is rebuilt through :func:`adventure.engine.replay`, so ``replay --verify``
    accepts what is written.
    """
    from adventure import engine
    from adventure.saves.store import SaveStore, record_for

    store = SaveStore(folder)
    written: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for ending, path in paths.items():
        seed = seed_for(story, path, budget)
        if seed is None:
            draws = sum(1 for s in path if s.outcome is not None)
            skipped.append({"ending": ending, "reason": f"no seed below {budget} follows its {draws} random draws"})
            continue
        result = engine.replay(story, seed, [engine.Step(s.scene, s.choice) for s in path])
        if result.failure is not None or result.state.ending != ending:  # pragma: no cover - seed_for checked
            skipped.append({"ending": ending, "reason": "the path does not replay"})
            continue
        slot = f"{story.id}-{ending}"[:64]
        record = record_for(story, result.state, slot)
        try:
            scenes = os.path.relpath(Path(story.root).resolve(), folder.resolve())
        except ValueError:  # another drive on Windows
            scenes = str(Path(story.root).resolve())
        record = dataclasses.replace(record, scenes=Path(scenes).as_posix())
        file = store.write(record)
        written.append({"ending": ending, "file": str(file), "seed": seed, "steps": len(path)})
    return written, skipped


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


def render(console: Console, story: Story, data: dict[str, Any]) -> None:
    """The human report of :func:`explore_json` (plus written runs) on a Rich console."""
    from rich.table import Table
    from rich.text import Text

    if data["explored"]:
        head = Text("Exploration  ", style="bold")
        head.append("complete" if data["complete"] else "incomplete", style="green" if data["complete"] else "yellow")
        head.append(f" · {data['states']:,} states · {data['transitions']:,} transitions · {data['seconds']:.2f} s")
        console.print(head)
    table = Table(title=Text("Endings", style="bold"), title_justify="left", expand=False, show_lines=False)
    table.add_column("ending")
    table.add_column("", justify="center")
    table.add_column("steps", justify="right")
    table.add_column("shortest path" if data["explored"] else "a path", overflow="fold")
    for ending_id, entry in data["endings"].items():
        mark = {True: Text("✓", style="green"), False: Text("✗", style="bold red"), None: Text("?", style="yellow")}
        name = Text(ending_id + (" ★" if entry["true_ending"] else ""))
        path = Text(format_path(entry["path"]))
        if entry["random_draws"]:
            path.append(f"  [{entry['random_draws']} random draw(s): replaying needs a seed, see --write-runs]",
                        style="dim")
        table.add_row(name, mark[entry["reachable"]], "" if entry["steps"] is None else str(entry["steps"]), path)
    console.print(table)
    random = data.get("random")
    if random:
        console.print(Text.assemble(
            ("Random play  ", "bold"),
            f"{random['runs']} runs (seed {random['seed']}) · scenes {random['scenes_visited']}/{random['scenes']} "
            f"({random['scene_coverage']:.0%}) · choices {random['choices_taken']}/{random['choices']} "
            f"({random['choice_coverage']:.0%}) · endings "
            + ", ".join(f"{e} {n}" for e, n in random["endings"].items())))
    for kind, items in (("soft-lock", data.get("soft_locks") or []), ("trap", data.get("traps") or [])):
        for item in items[:5]:
            line = Text(f"  {kind} ", style="red")
            line.append(f"in '{item['scene']}'  ")
            line.append(format_path(item["path"]), style="dim")
            console.print(line)
    for problem in data["problems"]:
        console.print(Text.assemble(("✗ ", "bold red"), problem))
    for warning in data["warnings"]:
        console.print(Text.assemble(("! ", "yellow"), warning))
    for run in data.get("written_runs") or []:
        console.print(Text(f"wrote {run['file']} (ending {run['ending']}, seed {run['seed']}, {run['steps']} steps)"))
    if not data["problems"]:
        console.print(Text("✓ every explored state can still reach an ending", style="green")
                      if data["complete"] else Text("✓ no problems found (the search was not complete)", style="green"))
