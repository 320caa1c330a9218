"""Start-up time of ``million-miles play`` and its peak memory while playing.

Start-up: wall time from spawning ``million-miles play --plain --no-save`` with empty
piped input (it loads the shipped story, prints the first screen, meets end of input
and leaves) against ``python -c "import rich, prompt_toolkit, yaml"`` measured in the
same run, interleaved, many times; the figure is the ratio of medians (target ≤ 1.3×).
Memory: peak resident size of a game playing many choices through a pipe (target
< 60 MiB), read with ``getrusage(RUSAGE_CHILDREN)`` in a fresh helper process so no
other child counts.

``python benchmarks/bench_startup.py`` prints the Markdown section.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 21
TARGET_RATIO = 1.3
TARGET_MIB = 60


def game_command() -> list[str]:
    """The installed console script beside this Python, else ``python -m adventure``."""
    beside = Path(sys.executable).parent / "million-miles"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("million-miles")
    return [found] if found else [sys.executable, "-m", "adventure"]


def _env(save_dir: str) -> dict[str, str]:
    env = dict(os.environ, MILLION_MILES_SAVE_DIR=save_dir, PYTHONPATH=str(ROOT))
    env.pop("NO_COLOR", None)
    return env


def _time(args: list[str], env: dict[str, str], stdin: str = "") -> float:
    start = time.perf_counter()
    result = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{args} exited {result.returncode}: {result.stderr[-500:]}")
    return elapsed


def measure_startup(repeat: int = REPEAT) -> dict[str, float]:
    """Median seconds for the game's first screen and for the baseline imports."""
    with tempfile.TemporaryDirectory() as save_dir:
        env = _env(save_dir)
        game = [*game_command(), "play", "--plain", "--no-save"]
        baseline = [sys.executable, "-c", "import rich, prompt_toolkit, yaml"]
        _time(game, env), _time(baseline, env)  # warm the file cache
        games, bases = [], []
        for _ in range(repeat):
            games.append(_time(game, env))
            bases.append(_time(baseline, env))
    return {"game": statistics.median(games), "baseline": statistics.median(bases)}


_MEMORY_HELPER = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], input=sys.stdin.read(), capture_output=True, text=True, timeout=120)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure_memory(choices: int = 200) -> float:
    """Peak MiB of one game playing ``choices`` inputs (always the first choice) with autosave on."""
    with tempfile.TemporaryDirectory() as save_dir:
        args = [sys.executable, "-c", _MEMORY_HELPER, *game_command(), "play", "--plain", "--seed", "1"]
        result = subprocess.run(args, input="1\n" * choices, capture_output=True, text=True, env=_env(save_dir),
                                timeout=180)
        kib = int(result.stdout.strip().splitlines()[-1])
    return kib / 1024 if sys.platform != "darwin" else kib / 1024 / 1024


def main() -> str:
    """The Markdown section for RESULTS.md."""
    times = measure_startup()
    ratio = times["game"] / times["baseline"]
    mib = measure_memory()
    ok_time = "✓" if ratio <= TARGET_RATIO else "✗"
    ok_mem = "✓" if mib < TARGET_MIB else "✗"
    return "\n".join([
        "## Start-up and memory of `million-miles play`",
        "",
        f"First screen of the shipped story (`play --plain --no-save`, empty piped input, until exit) "
        f"against `python -c \"import rich, prompt_toolkit, yaml\"`, interleaved, median of {REPEAT}.",
        "",
        "| measure | value | target |",
        "| --- | --- | --- |",
        f"| game to first screen | {times['game'] * 1000:.0f} ms | |",
        f"| baseline imports | {times['baseline'] * 1000:.0f} ms | |",
        f"| ratio | {ratio:.2f}× | ≤ {TARGET_RATIO}× {ok_time} |",
        f"| peak memory, 200 piped choices with autosave | {mib:.1f} MiB | < {TARGET_MIB} MiB {ok_mem} |",
        "",
    ])


if __name__ == "__main__":
    print(main())
