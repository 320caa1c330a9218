"""Run every benchmark and write benchmarks/RESULTS.md.

One command: ``python benchmarks/run.py``. Each ``bench_*.py`` module measures its
subject against a baseline in the same run and returns a Markdown section, so the
figures are ratios that mean the same on any machine.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

ORDER = ("bench_load", "bench_startup", "bench_cache", "bench_random", "bench_verify", "bench_runs", "bench_explore",
         "bench_lsp")


def main() -> int:
    only = set(sys.argv[1:])
    names = [n for n in ORDER if (HERE / f"{n}.py").exists() and (not only or n in only)]
    sections = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` on {time.strftime('%Y-%m-%d')}: "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "Every figure is measured against a baseline taken in the same run.",
        "",
    ]
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        module = importlib.import_module(name)
        sections.append(module.main().rstrip() + "\n")
    (HERE / "RESULTS.md").write_text("\n".join(sections), encoding="utf-8")
    print(f"wrote {HERE / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
