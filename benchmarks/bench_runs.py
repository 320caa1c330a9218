"""Benchmark: long runs cost time and memory in proportion to their length.

A looping fixture story (a ring of scenes with effects, a conditional and a random
choice, and an ending that is never taken) is played for 1,000, 4,000, 10,000, 32,000
and 100,000 steps, and each run is then verified the way ``replay --verify`` does it:
the record is written as a run file, read back, and :func:`adventure.saves.verify.verify`
replays it and compares the snapshot. Each length runs in a fresh process, and its peak
resident memory is read inside it as ``VmHWM`` (its own address space: ``ru_maxrss``
would start at the size of the process that spawned it, which is how an earlier
RESULTS.md reported "133 MiB" at every length); the verify call's own peak is measured with
:mod:`tracemalloc` in a second pass (tracing slows it, so timings come from the first).

Targets (ratios measured in the same run): verifying 32k steps costs at most 12× the
time of 4k steps (linear is 8×), time per step stays flat from 1k to 100k, and the
peak memory of every run stays under 150 MiB.

A second table (``--surfaces``) measures every command that loads a run, on runs of 1k,
10k and 100k steps (issue 19, "Long runs flat"; issue 17, S03: reaching an ending was
quadratic): ``replay --verify`` of the looping run, and of a *finished* one-chapter run
``play --load`` and ``play --continue`` up to the ending's prompt, the ending summary
(what the ending screen prints) and ``saves`` listing it. For each:

* **time per step**: the command run in process (imports warm; best of 3 CPU seconds),
  less the same command on a run of one step, divided by the steps: what one more step
  costs, without start-up;
* **own peak memory**: the command run as its own process, its ``VmHWM`` (as
  :mod:`measure` takes it; the summary by a small script that prints it).

Target: both flat within 1.25× from 1k to 100k steps. The finished run's story
remembers a line at every step, so its ending screen prints one line per step (the
worst case); a second set of rows uses the same story without that line, to tell the
cost of printing a 100,000-line summary apart from the cost of the run.

    python benchmarks/bench_runs.py              # both tables
    python benchmarks/bench_runs.py --surfaces   # the surfaces table only

``MM_BENCH_RUN_SIZES=1000,10000`` measures the surfaces at other sizes (the smallest and
the largest given are compared); the surfaces table takes about 5 minutes at the default sizes.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SIZES = (1_000, 4_000, 10_000, 32_000, 100_000)
RATIO_TARGET = 12.0
SURFACE_SIZES = tuple(int(n) for n in os.environ.get("MM_BENCH_RUN_SIZES", "1000,10000,100000").split(","))
MEMORY_TARGET_MIB = 150.0


def write_story(folder: Path, scenes: int = 6) -> Path:
    """A ring of scenes that a run can loop round for ever (the ending is never forced)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(
        "format: 1\nid: loop\ntitle: Loop\nstart: r0\n"
        "chapters: [loop.yaml]\n"
        "stats:\n"
        "  laps: {type: int, initial: 0, min: 0, max: 1000000, label: Laps}\n"
        "  coins: {type: int, initial: 3, min: 0, max: 20, label: Coins, saturates: true}\n"
        "  lucky: {type: bool, initial: false, label: Lucky}\n"
        "endings:\n"
        "  - {id: out, title: Out, text: 'Out after {laps} laps.', true_ending: true}\n",
        encoding="utf-8",
    )
    lines = ["chapter: {id: loop, title: Loop}", "scenes:"]
    for i in range(scenes):
        nxt = (i + 1) % scenes
        lines += [
            f"  - id: r{i}",
            f"    title: Room {i}",
            "    text: 'Lap {laps}, {coins} coins.'",
            *(["    on_enter:", "      - add: {laps: 1}"] if nxt == 0 else []),
            "    choices:",
            "      - id: walk",
            "        label: Walk on",
            "        effects:",
            "          - add: {coins: 1}",
            f"        goto: r{nxt}",
            "      - id: spend",
            "        label: Spend a coin",
            '        if: "coins >= 1"',
            "        effects:",
            "          - subtract: {coins: 1}",
            '          - set: {lucky: "coins > 5"}',
            "        goto:",
            "          random:",
            f"            - {{weight: 3, scene: r{nxt}}}",
            f"            - {{weight: 1, scene: r{i}}}",
            "      - id: leave",
            "        label: Leave",
            '        if: "lucky and coins >= 20"',
            "        ending: out",
        ]
    (folder / "loop.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _best(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _measure_one(steps: int) -> dict[str, float]:
    """In this process: play ``steps`` steps, write the run, read it back and verify it."""
    import tracemalloc

    from measure import own_peak_mib

    from adventure.run import engine
    from adventure.saves.runfile import dump_record, parse_record
    from adventure.saves.store import record_for
    from adventure.saves.verify import verify
    from adventure.story.loader import load_story

    with tempfile.TemporaryDirectory() as tmp:
        story = load_story(write_story(Path(tmp) / "story"))
        chooser = random.Random(steps)
        start = time.process_time()
        state = engine.new_run(story, 1).state
        for _ in range(steps):
            ids = [o.choice.id for o in engine.offers(story, state) if o.enabled and o.choice.id != "leave"]
            state = engine.take(story, state, chooser.choice(ids)).state
        play = time.process_time() - start
        run = Path(tmp) / "run.yaml"
        run.write_text(dump_record(record_for(story, state, "loop")), encoding="utf-8")
        del state

        def read_and_verify() -> None:
            record = parse_record(run.read_bytes(), run)
            assert verify(story, record).ok

        seconds = _best(read_and_verify)
        record = parse_record(run.read_bytes(), run)
        verify_seconds = _best(lambda: verify(story, record))
        tracemalloc.start()
        assert verify(story, record).ok
        verify_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rss_mib = own_peak_mib()  # this process's own peak, not the high-water mark inherited from run.py
        return {"steps": steps, "play": play, "seconds": seconds, "verify": verify_seconds,
                "verify_peak_mib": verify_peak / 2**20, "rss_mib": rss_mib,
                "file_mib": run.stat().st_size / 2**20}


def write_finished(folder: Path, steps: int, remember: bool = True) -> tuple[Path, Path]:
    """A one-chapter story with a true path, and a finished run of ``steps`` choices in ``folder/saves``.

    ``remember``: the looping choice remembers a line, so the ending screen lists one per step.
    """
    from adventure.run import engine
    from adventure.saves.runfile import encode_record
    from adventure.saves.store import record_for
    from adventure.story.loader import load_story

    root = folder / "story"
    root.mkdir(parents=True, exist_ok=True)
    (root / "story.yaml").write_text(
        "format: 1\nid: long\ntitle: Long\nstart: a\nchapters: [one.yaml]\n"
        "stats:\n  laps: {type: int, initial: 0, min: 0, max: 1000000, label: Laps, show: true}\n"
        "endings:\n  - {id: done, title: Done, text: 'Done after {laps} laps.', true_ending: true}\n", encoding="utf-8")
    line = ", remember: A lap" if remember else ""
    (root / "one.yaml").write_text(
        "chapter: {id: one, title: One}\nscenes:\n  - id: a\n    title: A\n    text: 'Lap {laps}.'\n    choices:\n"
        f"      - {{id: lap, label: Lap, canon: true{line}, effects: [add: {{laps: 1}}], goto: a}}\n"
        "      - {id: stop, label: Stop, ending: done}\n", encoding="utf-8")
    story = load_story(root)
    state = engine.new_run(story, 1).state
    for _ in range(steps - 1):
        state = engine.take(story, state, "lap").state
    state = engine.take(story, state, "stop").state
    saves = folder / "saves"
    saves.mkdir()
    run = saves / "run-20260101-000000.yaml"
    run.write_bytes(encode_record(record_for(story, state, run.stem, scenes=str(root))))
    return root, run


def write_loop_run(folder: Path, steps: int) -> Path:
    """The looping story and a seeded random run of ``steps`` steps on it (what ``replay --verify`` reads)."""
    from adventure.run import engine
    from adventure.saves.runfile import encode_record
    from adventure.saves.store import record_for
    from adventure.story.loader import load_story

    root = write_story(folder / "loop")
    story = load_story(root)
    chooser = random.Random(steps)
    state = engine.new_run(story, 1).state
    for _ in range(steps):
        ids = [o.choice.id for o in engine.offers(story, state) if o.enabled and o.choice.id != "leave"]
        state = engine.take(story, state, chooser.choice(ids)).state
    run = folder / "loop.yaml"
    run.write_bytes(encode_record(record_for(story, state, "loop", scenes=str(root))))
    return run


SURFACES = ("verify", "load", "continue", "summary", "saves")
FLAT_TARGET = 1.25


def _commands(folder: Path) -> dict[str, list[str]]:
    """Each surface's command line (``summary``: this file's own small script)."""
    run = next((folder / "finished" / "saves").glob("run-*.yaml"))
    return {
        "verify": ["replay", str(folder / "loop" / "loop.yaml"), "--verify"],
        "load": ["play", "--load", str(run), "--plain", "--no-save"],
        "continue": ["play", "--continue", "--plain"],
        "saves": ["saves"],
        "summary": ["--summary", str(folder)],
    }


def _env(folder: Path) -> dict[str, str]:

    return {**os.environ, "MILLION_MILES_SAVE_DIR": str(folder / "finished" / "saves"), "MILLION_MILES_NO_CACHE": "1",
            "COLUMNS": "100"}


def _summary(folder: Path) -> float:
    """In this process: load the finished run and print its ending summary; the CPU seconds of the summary."""
    import io

    from rich.console import Console

    from adventure.saves.store import read_run, resume
    from adventure.story.loader import load_story
    from adventure.ui.render import run_summary

    story = load_story(folder / "finished" / "story")
    state = resume(story, read_run(next((folder / "finished" / "saves").glob("run-*.yaml")))).state
    start = time.process_time()
    Console(file=io.StringIO(), width=100).print(run_summary(story, state, plain=True))
    return time.process_time() - start


def _times_in_process(folder: Path, repeat: int) -> dict[str, float]:
    """Best-of-``repeat`` CPU seconds of each surface run in this process (its imports warm)."""
    import contextlib
    import io

    from adventure.cli import main

    os.environ.update(_env(folder))
    result = {}
    for name, argv in _commands(folder).items():
        if name == "summary":
            result[name] = min(_summary(folder) for _ in range(repeat))
            continue

        def once(argv: list[str] = argv) -> None:
            sys.stdin = io.StringIO("quit\n")
            with contextlib.redirect_stdout(io.StringIO()):
                main(argv)

        once()  # warm: imports and first-use set-up are start-up, not steps
        result[name] = _best(once, repeat)
    return result


def make_fixtures(folder: Path, steps: int, remember: bool) -> Path:
    """The looping run and the finished run of ``steps`` steps, in ``folder``."""
    folder.mkdir(parents=True)
    write_loop_run(folder / "loop", steps)
    write_finished(folder / "finished", steps, remember)
    return folder


def measure_surfaces(sizes: tuple[int, ...] = SURFACE_SIZES, remember: bool = True) -> dict[int, dict[str, dict[str, float]]]:
    """Per size: each surface's in-process CPU seconds (a fresh interpreter per size) and own peak MiB."""

    from measure import run as run_whole

    results: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for steps in (1, *sizes):
            folder = make_fixtures(Path(tmp) / f"n{steps}", steps, remember)
            repeat = 3  # at every size: a single run at 100k steps swung the growth by ±0.4
            out = subprocess.run([sys.executable, __file__, "--surface-times", str(folder), str(repeat)],
                                 capture_output=True, text=True, check=True, cwd=ROOT)
            times = json.loads(out.stdout)
            peaks = {}
            env = _env(folder)
            stdin = folder / "quit.txt"
            stdin.write_text("quit\n", encoding="utf-8")
            for name, argv in _commands(folder).items():
                head = [sys.executable, __file__] if name == "summary" else [sys.executable, "-m", "adventure"]
                peaks[name] = run_whole([*head, *argv], {**env, "PYTHONPATH": str(ROOT) + os.pathsep + env.get(
                    "PYTHONPATH", "")}, stdin).peak_mib
            results[steps] = {"seconds": times, "peak": peaks}
    return results


QUIET = ("load", "continue", "summary")
"""The surfaces whose output grows with a line remembered at every step."""


def _surface_rows(results: dict[int, dict[str, dict[str, float]]], label: str,
                  names: tuple[str, ...] = SURFACES) -> tuple[list[str], bool]:
    sizes = [n for n in results if n > 1]
    base = results[1]["seconds"]
    rows, ok = [], True
    for name in names:
        per_step = {n: max(results[n]["seconds"][name] - base[name], 0.0) / (n - 1) * 1e6 for n in sizes}
        peaks = {n: results[n]["peak"][name] for n in sizes}
        time_ratio = max(per_step.values()) / max(min(per_step.values()), 1e-9)
        # flat means "never grows with the run": a cost per step that falls with length is flat
        time_growth = per_step[sizes[-1]] / max(per_step[sizes[0]], 1e-9)
        memory_ratio = peaks[sizes[-1]] / peaks[sizes[0]]
        met = time_growth <= FLAT_TARGET and memory_ratio <= FLAT_TARGET
        ok = ok and met
        verdict = "met" if met else ("time not flat" if time_growth > FLAT_TARGET else
                                     f"memory floor: +{(peaks[sizes[-1]] - peaks[sizes[0]]) * 2**20 / sizes[-1]:.0f} B/step")
        rows.append(f"| {name}{label} | " + " | ".join(f"{per_step[n]:.1f}" for n in sizes)
                    + f" | {time_growth:.2f} ({time_ratio:.2f}) | " + " | ".join(f"{peaks[n]:.1f}" for n in sizes)
                    + f" | {memory_ratio:.2f} | {verdict} |")
    return rows, ok


def _size(steps: int) -> str:
    return f"{steps // 1000}k" if steps % 1000 == 0 else f"{steps:,}"


def surfaces_section() -> tuple[list[str], bool]:
    """The surfaces table and whether every surface stays flat."""
    worst = measure_surfaces(remember=True)
    quiet = measure_surfaces(remember=False)
    sizes = [n for n in worst if n > 1]
    rows, ok = _surface_rows(worst, "")
    more, ok_quiet = _surface_rows(quiet, " (no line a step)", QUIET)
    heads = " | ".join(f"{_size(n)} µs/step" for n in sizes)
    peaks = " | ".join(f"{_size(n)} peak MiB" for n in sizes)
    lines = [
        "Every command that loads a run, on runs of "
        + ", ".join(f"{n:,}" for n in sizes) + " steps: `replay --verify` (the looping run), and of a finished "
        "one-chapter run `play --load` and `play --continue` to the ending's prompt, the ending summary and `saves`. "
        "µs/step: the command in process (imports warm; CPU seconds, best of 3 at every size) "
        "less the same command on a one-step run, per step. Peak: the command's own process (VmHWM; the summary by a script that only prints it). "
        f"Target: flat within {FLAT_TARGET}× from the smallest to the largest run (growth = largest / smallest µs/step; "
        "in brackets max/min over all sizes).",
        "",
        f"| surface | {heads} | time growth | {peaks} | memory growth | target |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | " + " | ".join("---:" for _ in sizes) + " | ---: | --- |",
        *rows, *more,
        "",
        "The finished run remembers a line at every step, so its ending screen prints one line a step: Rich holds "
        "a printed screen's segments until the print ends (the memory floor on `play --load`, `--continue` and the "
        "summary rows); the rows marked \"no line a step\" are the same run without that line.",
        "",
    ]
    return lines, ok and ok_quiet


def measure(sizes: tuple[int, ...] = SIZES) -> list[dict[str, float]]:
    """Each size in a fresh interpreter, so peak memory is per run."""
    results = []
    for steps in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(steps)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        results.append(json.loads(out.stdout))
    return results


def main() -> str:
    """Run the benchmark and return its Markdown section for RESULTS.md."""
    rows = measure()
    by = {int(r["steps"]): r for r in rows}
    ratio = by[32_000]["seconds"] / by[4_000]["seconds"]
    per_step = [r["seconds"] / r["steps"] * 1e6 for r in rows]
    flat = max(per_step) / min(per_step)
    peak = max(r["rss_mib"] for r in rows)
    ok = ratio <= RATIO_TARGET and peak < MEMORY_TARGET_MIB
    lines = [
        "## Long runs (`benchmarks/bench_runs.py`)",
        "",
        "A looping 6-scene story played for N steps; the run file is written, read back and verified "
        "(`parse_record` + `verify`, what `replay --verify` does). Each N in a fresh process; times are CPU "
        "seconds of that process (best of 3), so other load on the machine does not skew the ratios.",
        "",
        "| steps | play s | read+verify s | µs/step | verify only s | verify peak (tracemalloc) MiB "
        "| bytes/step | process peak RSS MiB | file MiB |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r, us in zip(rows, per_step, strict=True):
        lines.append(f"| {int(r['steps']):,} | {r['play']:.2f} | {r['seconds']:.2f} | {us:.1f} | {r['verify']:.2f} | "
                     f"{r['verify_peak_mib']:.1f} | {r['verify_peak_mib'] * 2**20 / r['steps']:.0f} | {r['rss_mib']:.0f} | "
                     f"{r['file_mib']:.1f} |")
    surfaces, surfaces_ok = surfaces_section()
    unmet = [kind for kind, mark in (("flat time", "time not flat"), ("flat memory", "memory floor"))
             if any(mark in line for line in surfaces)]
    failed = ([] if ok else ["the looping run's targets above"]) + \
        ([] if surfaces_ok else [f"{' and '.join(unmet)} on the surfaces marked so above"])
    lines += [
        "",
        f"32k / 4k read+verify time: **{ratio:.1f}×** (target ≤ {RATIO_TARGET:.0f}×, linear is 8×); "
        f"µs/step max/min across sizes: {flat:.2f}; largest peak RSS {peak:.0f} MiB "
        f"(target < {MEMORY_TARGET_MIB:.0f} MiB).",
        "",
        *surfaces,
        f"Result: **{'PASS' if not failed else 'FAIL'}**" + (f": not met, {'; '.join(failed)}." if failed else "."),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_measure_one(int(sys.argv[2]))))
    elif len(sys.argv) == 4 and sys.argv[1] == "--surface-times":
        print(json.dumps(_times_in_process(Path(sys.argv[2]), int(sys.argv[3]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "--summary":
        _summary(Path(sys.argv[2]))
    elif sys.argv[1:] == ["--surfaces"]:
        print("\n".join(surfaces_section()[0]))
    else:
        print(main())
