"""The collector policy at the command line's edge (``adventure/cli/_memory.py``), as a threshold.

Once a command has loaded its story, :func:`adventure.cli._memory.settle` freezes every
object alive out of later collections (:func:`gc.freeze`). This measures what that buys:
a generated story is loaded and explored in a fresh process, once with the story frozen
as the CLI does and once without, CPU time from after the load to the end of the
exploration, median of ``REPEAT`` interleaved pairs. It also counts the objects the
freeze moved, which must be at least the objects the story is made of.

Targets: frozen ≤ ``TARGET`` × unfrozen, and frozen objects ≥ ``MIN_FROZEN`` (these were
unit-test pins, ``gc.get_freeze_count() > 1000``; they are measurements, so they live here).
``python benchmarks/bench_gc.py`` prints the section.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

SCENES = 5_000
REPEAT = 3
TARGET = 0.9
MIN_FROZEN = 1000

_CHILD = """
import gc, sys, time
from adventure.analysis.explore import explore
from adventure.cli._memory import settle
from adventure.story.loader import load_story
story = load_story(sys.argv[1])
frozen = 0
if sys.argv[2] == "frozen":
    settle(story)
    frozen = gc.get_freeze_count()
start = time.process_time()
explore(story, max_states=200_000)
print(time.process_time() - start, frozen)
"""


def _run(story: Path, mode: str, env: dict[str, str]) -> tuple[float, int]:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(story), mode], capture_output=True, text=True,
                          env=env, timeout=900, check=True)
    seconds, frozen = done.stdout.split()
    return float(seconds), int(frozen)


def measure(scenes: int = SCENES, repeat: int = REPEAT) -> dict[str, float]:
    from storygen import write

    with tempfile.TemporaryDirectory() as tmp:
        story = write(Path(tmp) / "story", scenes)
        env = dict(os.environ, PYTHONPATH=str(ROOT), MILLION_MILES_CACHE_DIR=str(Path(tmp) / "cache"))
        _run(story, "frozen", env)  # writes the cache entry: both then load warm
        frozen, unfrozen, count = [], [], 0
        for _ in range(repeat):
            seconds, count = _run(story, "frozen", env)
            frozen.append(seconds)
            unfrozen.append(_run(story, "unfrozen", env)[0])
    return {"frozen": statistics.median(frozen), "unfrozen": statistics.median(unfrozen), "count": count}


def main() -> str:
    m = measure()
    ratio = m["frozen"] / m["unfrozen"]
    return "\n".join([
        "## Collector policy (`benchmarks/bench_gc.py`)",
        "",
        f"A generated story of {SCENES:,} scenes explored (200,000 states at most) after loading, CPU seconds, "
        f"median of {REPEAT} interleaved runs.",
        "",
        "| run | seconds | ratio | target |",
        "| --- | ---: | ---: | --- |",
        f"| story left in the collector | {m['unfrozen']:.2f} | 1.00 | |",
        f"| story frozen (`settle`, as the CLI does) | {m['frozen']:.2f} | **{ratio:.2f}** | ≤ {TARGET} "
        f"{'✓' if ratio <= TARGET else '✗'} |",
        f"| objects frozen | {m['count']:,.0f} | | ≥ {MIN_FROZEN:,} {'✓' if m['count'] >= MIN_FROZEN else '✗'} |",
        "",
    ])


if __name__ == "__main__":
    print(main())
