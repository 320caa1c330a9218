"""The story cache: loading a big story warm (from the cache) against cold (from its YAML).

A generated story of 10,000 scenes (``storygen.py``), each load in a fresh process,
timed inside it from before importing the loader to the loaded story:

* cold: ``MILLION_MILES_NO_CACHE=1``, the full parse, check and compile (as before the cache);
* first: the cache on but empty, so a full load plus writing the entry;
* warm: the entry read back (files re-hashed, the story rebuilt; its scenes are decoded
  lazily, on first use);
* warm, every scene used: the same, then every scene decoded (what ``check`` or
  ``--explore`` of a big story pays), for comparison with an eager cache.

Target: warm ≤ 15% of cold. ``python benchmarks/bench_cache.py`` prints the section.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SCENES = 10_000
REPEAT = 3
TARGET = 0.15

_CHILD = """
import sys, time
start = time.perf_counter()
from adventure.story.loader import load_story
story = load_story(sys.argv[1])
if sys.argv[3] == "all":
    sum(len(scene.choices) for scene in story.scenes.values())
elapsed = time.perf_counter() - start
assert len(story.scenes) == int(sys.argv[2])
print(elapsed)
"""


def _load(story: Path, env: dict[str, str], scenes: str = "lazy") -> float:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(story), str(SCENES), scenes], capture_output=True,
                          text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-800:])
    return float(done.stdout.split()[-1])


def measure(scenes: int = SCENES, repeat: int = REPEAT) -> dict[str, float]:
    from storygen import write

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        story = write(work / "story", scenes)
        cache = work / "cache"
        env = {k: v for k, v in os.environ.items() if k != "MILLION_MILES_NO_CACHE"}
        env.update(PYTHONPATH=str(ROOT), MILLION_MILES_CACHE_DIR=str(cache))
        cold_env = dict(env, MILLION_MILES_NO_CACHE="1")
        colds, firsts, warms, alls = [], [], [], []
        for _ in range(repeat):
            for entry in cache.glob("*.json"):
                entry.unlink()
            colds.append(_load(story, cold_env))
            firsts.append(_load(story, env))
            warms.append(_load(story, env))
            alls.append(_load(story, env, "all"))
        size = sum(p.stat().st_size for p in cache.glob("*.json"))
        yaml_size = sum(p.stat().st_size for p in story.glob("*.yaml"))
    return {"cold": statistics.median(colds), "first": statistics.median(firsts), "warm": statistics.median(warms),
            "all": statistics.median(alls),
            "size": size, "yaml_size": yaml_size}


def main() -> str:
    import compileall

    compileall.compile_dir(str(ROOT / "adventure"), quiet=1)
    m = measure()
    ratio = m["warm"] / m["cold"]
    return "\n".join([
        "## Story cache (`benchmarks/bench_cache.py`)",
        "",
        f"A generated story of {SCENES:,} scenes ({m['yaml_size'] / 1e6:.1f} MB of YAML), each load in a fresh "
        f"process (imports included), median of {REPEAT}. Cache entry: {m['size'] / 1e6:.1f} MB of JSON.",
        "",
        "| load | seconds | vs cold |",
        "| --- | ---: | ---: |",
        f"| cold: no cache (`MILLION_MILES_NO_CACHE=1`) | {m['cold']:.2f} | 1.00 |",
        f"| first: full load and writing the entry | {m['first']:.2f} | {m['first'] / m['cold']:.2f} |",
        f"| warm: from the cache | {m['warm']:.2f} | **{ratio:.2f}** (target ≤ {TARGET}) "
        f"{'✓' if ratio <= TARGET else '✗'} |",
        f"| warm, then every scene decoded | {m['all']:.2f} | {m['all'] / m['cold']:.2f} |",
        "",
    ])


if __name__ == "__main__":
    print(main())
