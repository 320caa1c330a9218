"""Start-up of the interactive game and of ``check --json``, and memory over a long game.

Every figure is a ratio to a baseline measured in the same run, interleaved, as the
median of many repeats:

* Interactive start-up: ``million-miles`` (no arguments, not ``--plain``) in a
  pseudo-terminal, from spawning to its **live prompt** (the first choices on screen,
  then prompt_toolkit reading keys), against the floor app (``floor_app.py``: Rich
  draws a panel and two choices, then a ``PromptSession`` prompt) timed the same way.
  Target ≤ 1.25× (issue 19). First paint and the earlier imports baseline are reported
  beside it, labelled as what they are.
* ``check --json`` of a small story (the fixture ``mini``), warm story cache and cold
  (``MILLION_MILES_NO_CACHE=1``), against ``python -c "import yaml"``. Target ≤ 2×.
  Beside it, the floor: the standard-library modules a checker of this design imports
  before reading a byte (``yaml``, ``json``, ``pathlib``, ``argparse``, ``dataclasses``),
  against the same baseline, so a reader sees how much of the ratio is ours.
* Memory: peak resident size of ``play --plain`` playing 200 choices of a generated
  story through the game loop (autosave on), against the same game leaving after one
  choice; the run file written at the end must hold all 200 steps. Target ≤ 1.25×.

Our package is byte-compiled first, as ``pip install`` does (a checkout run with
``PYTHONDONTWRITEBYTECODE`` set would otherwise compile every module on every start,
which the installed libraries of the baseline never do).

``python benchmarks/bench_startup.py`` prints the Markdown section.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from measure import LIVE_PROMPT, pty_until, ratio

REPEAT = 21
TARGET_PROMPT = 1.25  # issue 19: the live prompt within 1.25× the floor app
TARGET_CHECK = 2.0
TARGET_MEMORY = 1.25
CHOICES = 200
BASELINE_INTERACTIVE = "import rich.console, rich.panel, prompt_toolkit, yaml"
CHECK_FLOOR = "import yaml, json, pathlib, argparse, dataclasses"


def game_command() -> list[str]:
    """The installed console script beside this Python, else ``python -m adventure``."""
    beside = Path(sys.executable).parent / "million-miles"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("million-miles")
    return [found] if found else [sys.executable, "-m", "adventure"]


def _env(work: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES", "MILLION_MILES_NO_CACHE"}}
    env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", LANG="C.UTF-8", LC_ALL="C.UTF-8",
               MILLION_MILES_CACHE_DIR=str(work / "cache"), PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def first_labels() -> tuple[str, str]:
    """The first two choices' labels on the shipped story's first screen (what the player waits for)."""
    from adventure.base.resources import default_scenes_dir
    from adventure.run import engine
    from adventure.story.loader import load_story

    story = load_story(default_scenes_dir(), cache=False)
    state = engine.new_run(story, 1).state
    offers = engine.offers(story, state)
    return offers[0].label, offers[1].label


def _pipe_seconds(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(args, capture_output=True, env=env, timeout=60)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{args} exited {result.returncode}: {result.stderr[-500:]!r}")
    return elapsed


#: The interactive cases, timed in one loop, round by round. ``until`` is what must be on
#: the screen (in order) for the case to count as done; ``()`` means the process's exit.
def _interactive_cases(first: str, second: str) -> dict[str, tuple[list[str], tuple[bytes, ...]]]:
    label = first[:24].encode("utf-8")
    floor = [sys.executable, str(ROOT / "benchmarks" / "floor_app.py"), first, second]
    return {
        "game_prompt": (game_command(), (label, LIVE_PROMPT)),
        "floor_prompt": ([*floor, "prompt"], (label, LIVE_PROMPT)),
        "game_paint": (game_command(), (label,)),
        "floor_paint": (floor, (label,)),
        "imports": ([sys.executable, "-c", BASELINE_INTERACTIVE], ()),
    }


def measure_interactive(repeat: int = REPEAT) -> dict[str, list[float]]:
    """Seconds of each interactive case, round by round (``repeat`` rounds after a warm-up).

    Every case runs in a fresh pseudo-terminal of 120×50 with a fresh save folder; the
    story cache is warm (round 0 fills it and is not counted).
    """
    cases = _interactive_cases(*first_labels())
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i in range(repeat + 1):
            for name, (args, until) in cases.items():
                env = _env(work, MILLION_MILES_SAVE_DIR=str(work / f"saves-{name}-{i}"))
                elapsed = pty_until(args, env, until)
                if i:
                    seconds[name].append(elapsed)
    return seconds


def measure_check(repeat: int = REPEAT) -> dict[str, float]:
    """Median seconds of ``check --json`` on the mini story, warm and cold cache, and of ``import yaml``."""
    mini = str(ROOT / "tests" / "fixtures" / "mini")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        warm_env, cold_env = _env(work), _env(work, MILLION_MILES_NO_CACHE="1")
        check = [*game_command(), "check", "--json", mini]
        baseline = [sys.executable, "-c", "import yaml"]
        floor = [sys.executable, "-c", CHECK_FLOOR]
        _pipe_seconds(check, warm_env)
        warm, cold, bases, floors = [], [], [], []
        for _ in range(repeat):
            warm.append(_pipe_seconds(check, warm_env))
            cold.append(_pipe_seconds(check, cold_env))
            bases.append(_pipe_seconds(baseline, warm_env))
            floors.append(_pipe_seconds(floor, warm_env))
    return {"warm": statistics.median(warm), "cold": statistics.median(cold), "baseline": statistics.median(bases),
            "floor": statistics.median(floors)}


_DATACLASS_PROBE = """
import dataclasses, time
spent = [0.0, 0]
original = dataclasses._process_class
def timed(cls, *args, **kwargs):
    start = time.perf_counter()
    try:
        return original(cls, *args, **kwargs)
    finally:
        spent[0] += time.perf_counter() - start
        spent[1] += 1
dataclasses._process_class = timed
import adventure.cli.check, adventure.cli._memory, adventure.story.loader, adventure.story.builder
print(spent[0], spent[1])
"""


def measure_dataclasses(repeat: int = REPEAT) -> tuple[float, int]:
    """Median seconds spent defining the dataclasses ``check`` imports, and how many there are.

    Measured by timing the standard library's own class processing in a fresh
    interpreter (a probe, for this figure only: the program never patches it).
    """
    times, count = [], 0
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", _DATACLASS_PROBE], capture_output=True, text=True,
                              env=_env(ROOT), timeout=60, check=True)
        seconds, number = done.stdout.split()
        times.append(float(seconds))
        count = int(number)
    return statistics.median(times), count


_MEMORY_HELPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], input=sys.stdin.read(), capture_output=True, text=True, timeout=300)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure_memory(choices: int = CHOICES) -> dict[str, float]:
    """Peak MiB of a game playing ``choices`` choices, and of the same game leaving after one.

    A generated story long enough never to end: each input is ``#onward`` (the choice
    to the next scene), so every line is a choice the game loop takes and autosaves.
    The autosave is read back to prove all of them were played.
    """
    from storygen import write

    from adventure.saves.store import SaveStore

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        story = write(work / "story", choices + 50)
        result = {}
        for name, count in (("warm-up", 1), ("long", choices), ("short", 1)):  # the first fills the story cache
            saves = work / f"saves-{name}"
            args = [sys.executable, "-c", _MEMORY_HELPER, *game_command(), "play", "--plain", "--seed", "1",
                    "--scenes", str(story)]
            done = subprocess.run(args, input="#onward\n" * count, capture_output=True, text=True,
                                  env=_env(work, MILLION_MILES_SAVE_DIR=str(saves)), timeout=600)
            code, kib = (int(x) for x in done.stdout.split()[-2:])
            record = SaveStore(saves).latest()  # the run this game autosaved
            if code != 0 or record is None or len(record.steps) != count:
                played = len(record.steps) if record is not None else 0
                raise RuntimeError(f"the game played {played} of {count} choices (exit {code})")
            result[name] = kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024
    return {"long": result["long"], "short": result["short"]}


def main() -> str:
    """The Markdown section for RESULTS.md."""
    compileall.compile_dir(str(ROOT / "adventure"), quiet=1)
    start = measure_interactive()
    prompt, prompt_lo, prompt_hi = ratio(start["game_prompt"], start["floor_prompt"])
    ms = {name: statistics.median(times) * 1000 for name, times in start.items()}
    check = measure_check()
    memory = measure_memory()  # the wrapper below reads the game's own peak (a fresh, small parent)
    defining, classes = measure_dataclasses()
    warm, cold = check["warm"] / check["baseline"], check["cold"] / check["baseline"]
    grows = memory["long"] / memory["short"]

    def mark(value: float, target: float) -> str:
        return "✓" if value <= target else "✗"

    return "\n".join([
        "## Start-up and memory (`benchmarks/bench_startup.py`)",
        "",
        f"Medians of {REPEAT} interleaved runs; the package byte-compiled first, as an install does.",
        "",
        "Interactive start-up, in a pseudo-terminal of 120×50 (story cache warm), every case in one loop, "
        f"{REPEAT} rounds after a warm-up; each ratio is the median of the per-round ratios (min–max). "
        "**The headline is the live prompt**: the moment prompt_toolkit reads keys (`ESC[?2004h` after the "
        "choices), against the floor app `benchmarks/floor_app.py` (Rich draws a panel and the same two "
        "choices, then a `PromptSession` prompt) timed the same way. Until 2026-12 this table's headline was "
        "the first paint against an imports baseline; the game paints before it imports prompt_toolkit, so "
        "that figure measured an easier moment than the one a player waits for (it stays below, labelled).",
        "",
        "| case | median ms | vs floor app's live prompt | target |",
        "| --- | ---: | --- | --- |",
        f"| **game, live prompt** | {ms['game_prompt']:.0f} | **{prompt:.2f}×** ({prompt_lo:.2f}–{prompt_hi:.2f}) "
        f"| ≤ {TARGET_PROMPT}× {mark(prompt, TARGET_PROMPT)} |",
        f"| floor app, live prompt | {ms['floor_prompt']:.0f} | 1.00× | (baseline) |",
        f"| game, first choice painted | {ms['game_paint']:.0f} "
        f"| {ratio(start['game_paint'], start['floor_prompt'])[0]:.2f}× | (first paint, not a live prompt) |",
        f"| floor app, first choice painted (Rich only) | {ms['floor_paint']:.0f} "
        f"| {ratio(start['floor_paint'], start['floor_prompt'])[0]:.2f}× | (reference) |",
        f"| `{BASELINE_INTERACTIVE}`, to exit | {ms['imports']:.0f} "
        f"| {ratio(start['imports'], start['floor_prompt'])[0]:.2f}× | (the earlier baseline) |",
        "",
        f"Against the earlier imports baseline: live prompt {ratio(start['game_prompt'], start['imports'])[0]:.2f}×, "
        f"first paint {ratio(start['game_paint'], start['imports'])[0]:.2f}× (what this table used to report).",
        "",
        "| measure | time | baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
        f"| `check --json` of a small story, story cache warm (baseline `import yaml`) | {check['warm'] * 1000:.0f} ms "
        f"| {check['baseline'] * 1000:.0f} ms | {warm:.2f}× | ≤ {TARGET_CHECK}× {mark(warm, TARGET_CHECK)} |",
        f"| `check --json` of a small story, no cache | {check['cold'] * 1000:.0f} ms "
        f"| {check['baseline'] * 1000:.0f} ms | {cold:.2f}× | ≤ {TARGET_CHECK}× {mark(cold, TARGET_CHECK)} |",
        f"| floor: `{CHECK_FLOOR}` (no code of ours) | {check['floor'] * 1000:.0f} ms "
        f"| {check['baseline'] * 1000:.0f} ms | {check['floor'] / check['baseline']:.2f}× | (reference) |",
        "",
        f"The floor is the standard library alone: a checker whose story model is frozen dataclasses, "
        f"with argparse and pathlib, pays {check['floor'] / check['baseline']:.2f}× before reading a byte, "
        f"which leaves {TARGET_CHECK - check['floor'] / check['baseline']:.2f}× "
        f"({(TARGET_CHECK * check['baseline'] - check['floor']) * 1000:.0f} ms) for all of its own code under "
        f"the target. Cold, ours takes {(check['cold'] - check['floor']) * 1000:.0f} ms, of which defining "
        f"the {classes} dataclasses of the story model and loader takes {defining * 1000:.0f} ms by itself; "
        "the rest is our modules, parsing, validating and hashing the story. Warm, the story cache spares "
        "the YAML parser and the validation.",
        "",
        f"Memory: peak resident size of `play --plain` taking {CHOICES} choices through the game loop "
        f"(autosave on, all {CHOICES} steps read back from the autosave), against the same game leaving "
        "after one choice.",
        "",
        "| measure | peak | ratio | target |",
        "| --- | ---: | ---: | --- |",
        f"| {CHOICES} choices vs 1 | {memory['long']:.1f} MiB vs {memory['short']:.1f} MiB | {grows:.2f}× "
        f"| ≤ {TARGET_MEMORY}× {mark(grows, TARGET_MEMORY)} |",
        "",
    ])


if __name__ == "__main__":
    print(main())
