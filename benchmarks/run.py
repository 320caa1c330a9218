"""Run every benchmark and write benchmarks/RESULTS.md.

One command: ``python benchmarks/run.py``. Each ``bench_*.py`` module measures its
subject against a baseline in the same run and returns a Markdown section, so the
figures are ratios that mean the same on any machine. ``python benchmarks/run.py
bench_cache bench_before`` runs only the modules named (in ORDER's order).

How long each module took, and the total, is printed as it goes and written at the end
of the results, so a reader knows what a full run costs on the machine it ran on.

``MM_BENCH_QUICK=1`` is a smoke run: it shrinks what can be shrunk (modules that read
``MM_BENCH_QUICK``; ``MM_BENCH_CACHE_SIZES=1000`` unless set) and writes to
``benchmarks/.work/RESULTS-quick.md`` so a smoke run never stands in for RESULTS.md.
``MM_BENCH_OUTPUT=FILE`` writes the results to FILE instead.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

ORDER = ("bench_load", "bench_startup", "bench_cache", "bench_random", "bench_verify", "bench_runs", "bench_explore",
         "bench_lsp", "bench_gc", "bench_before")


def quick() -> bool:
    """Whether ``MM_BENCH_QUICK`` asks for a smoke run."""
    return os.environ.get("MM_BENCH_QUICK", "").strip() not in {"", "0", "false", "no"}


def select(only: Sequence[str]) -> list[str]:
    """The modules to run: all of ORDER, or those named, in ORDER's order.

    Raises ``ValueError`` naming any that is not a benchmark of ORDER.
    """
    unknown = sorted(set(only) - set(ORDER))
    if unknown:
        raise ValueError(f"not a benchmark module: {', '.join(unknown)} (choose from {', '.join(ORDER)})")
    return [n for n in ORDER if (HERE / f"{n}.py").exists() and (not only or n in only)]


def output_path() -> Path:
    chosen = os.environ.get("MM_BENCH_OUTPUT")
    if chosen:
        return Path(chosen)
    return HERE / ".work" / "RESULTS-quick.md" if quick() else HERE / "RESULTS.md"


def format_seconds(seconds: float) -> str:
    """``75.2`` as ``1 min 15 s``; under a minute as ``12.3 s``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def timings_section(timings: Sequence[tuple[str, float]]) -> str:
    """The Markdown table of how long each module took, and the total."""
    rows = [f"| `{name}` | {format_seconds(seconds)} |" for name, seconds in timings]
    total = sum(seconds for _, seconds in timings)
    return "\n".join(["## How long this run took", "", "| module | wall time |", "| --- | ---: |", *rows,
                      f"| **total** | **{format_seconds(total)}** |", ""])


def header() -> list[str]:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` on {time.strftime('%Y-%m-%d')}: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "Every figure is measured against a baseline taken in the same run.",
        "",
    ]
    if quick():
        lines += ["**Smoke run** (`MM_BENCH_QUICK=1`): reduced sizes; these are not the figures to quote.", ""]
    return lines


def main() -> int:
    try:
        names = select(sys.argv[1:])
    except ValueError as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 2
    if quick():
        os.environ.setdefault("MM_BENCH_CACHE_SIZES", "1000")
    sections = header()
    timings: list[tuple[str, float]] = []
    failed = []
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        began = time.perf_counter()
        section = run_one(name)
        timings.append((name, time.perf_counter() - began))
        if section.startswith(FAILED):
            failed.append(name)
        sections.append(section.rstrip() + "\n")
        print(f"{name} took {format_seconds(timings[-1][1])}", file=sys.stderr, flush=True)
    sections.append(timings_section(timings))
    out = output_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(sections), encoding="utf-8")
    print(f"total {format_seconds(sum(s for _, s in timings))}; wrote {out}", file=sys.stderr)
    if failed:
        print(f"run.py: failed: {', '.join(failed)} (their sections say why)", file=sys.stderr)
    return 1 if failed else 0


FAILED = "## Failed:"


def run_one(name: str) -> str:
    """One module's section; a module that raises gets a section saying so, and the run goes on.

    A full run takes most of an hour: one broken module should not cost the others' figures.
    """
    try:
        return str(importlib.import_module(name).main())
    except Exception as error:  # any failure of a benchmark is reported, never silently dropped
        import traceback

        traceback.print_exc()
        return f"{FAILED} `{name}`\n\n{type(error).__name__}: {str(error)[:500]}\n"


if __name__ == "__main__":
    raise SystemExit(main())
