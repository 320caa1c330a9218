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

A second table times what a player meets with a *finished* long run (issue 17, S03:
reaching an ending was quadratic): ``play --load`` and ``play --continue`` of it up to
the ending's prompt, the ending summary (what the ending screen prints), the divergence
report alone, and ``saves`` listing it, at 1k, 10k and 100k steps. Target: each costs at
most 15× from 10k to 100k steps (linear is 10×; quadratic was 100×).

    python benchmarks/bench_runs.py
"""

from __future__ import annotations

import json
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
SURFACE_SIZES = (1_000, 10_000, 100_000)
SURFACE_RATIO_TARGET = 15.0
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


def write_finished(folder: Path, steps: int) -> tuple[Path, Path]:
    """A one-chapter story with a true path, and a finished run of ``steps`` choices in ``folder/saves``."""
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
    (root / "one.yaml").write_text(
        "chapter: {id: one, title: One}\nscenes:\n  - id: a\n    title: A\n    text: 'Lap {laps}.'\n    choices:\n"
        "      - {id: lap, label: Lap, canon: true, remember: A lap, effects: [add: {laps: 1}], goto: a}\n"
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


def _child_cpu(args: list[str], env: dict[str, str], stdin: str = "") -> float:
    """CPU seconds (user + system) of one command run to completion: other load on the machine does not count."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, check=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _measure_surfaces(steps: int) -> dict[str, float]:
    """In this process: the in-process surfaces; the commands in child processes (their CPU seconds)."""
    import io
    import os

    from rich.console import Console

    from adventure.run.divergence import divergences, next_fork
    from adventure.saves.store import read_run, resume
    from adventure.story.loader import load_story
    from adventure.ui.render import run_summary

    with tempfile.TemporaryDirectory() as tmp:
        root, run = write_finished(Path(tmp), steps)
        story = load_story(root)
        state = resume(story, read_run(run)).state
        summary = _best(lambda: Console(file=io.StringIO(), width=100).print(run_summary(story, state, plain=True)), 1)
        divergence = _best(lambda: (divergences(story, state), next_fork(story, state)), 1)
        cli = [sys.executable, "-m", "adventure"]
        env = {**os.environ, "MILLION_MILES_SAVE_DIR": str(run.parent), "MILLION_MILES_NO_CACHE": "1",
               "COLUMNS": "100"}
        return {"steps": steps,
                "load": _child_cpu([*cli, "play", "--load", str(run), "--plain", "--no-save"], env, "quit\n"),
                "continue": _child_cpu([*cli, "play", "--continue", "--plain"], env, "quit\n"),
                "summary": summary, "divergence": divergence,
                "saves": _child_cpu([*cli, "saves"], env)}


def measure_surfaces(sizes: tuple[int, ...] = SURFACE_SIZES) -> list[dict[str, float]]:
    """Each size in a fresh interpreter."""
    results = []
    for steps in sizes:
        out = subprocess.run([sys.executable, __file__, "--surfaces", str(steps)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        results.append(json.loads(out.stdout))
    return results


def surfaces_section() -> tuple[list[str], bool]:
    """The finished-run table and whether every surface stays within its ratio target."""
    rows = measure_surfaces()
    by = {int(r["steps"]): r for r in rows}
    names = ("load", "continue", "summary", "divergence", "saves")
    ratios = {n: by[100_000][n] / max(by[10_000][n], 1e-6) for n in names}
    ok = all(r <= SURFACE_RATIO_TARGET for r in ratios.values())
    lines = [
        "A finished one-chapter run of N steps: `play --load` and `play --continue` up to the ending's prompt "
        "and `saves` (CPU seconds of the command, started fresh: interpreter start included), the ending summary "
        "and the divergence report (CPU seconds in process).",
        "",
        "| steps | play --load s | play --continue s | ending summary s | divergence s | saves s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {int(r['steps']):,} | " + " | ".join(f"{r[n]:.2f}" for n in names) + " |")
    lines += ["", "100k / 10k: " + ", ".join(f"{n} **{ratios[n]:.1f}×**" for n in names)
              + f" (target ≤ {SURFACE_RATIO_TARGET:.0f}×, linear is 10×).", ""]
    return lines, ok


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
    ok = ok and surfaces_ok
    lines += [
        "",
        f"32k / 4k read+verify time: **{ratio:.1f}×** (target ≤ {RATIO_TARGET:.0f}×, linear is 8×); "
        f"µs/step max/min across sizes: {flat:.2f}; largest peak RSS {peak:.0f} MiB "
        f"(target < {MEMORY_TARGET_MIB:.0f} MiB).",
        "",
        *surfaces,
        f"Result: **{'PASS' if ok else 'FAIL'}**.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(_measure_one(int(sys.argv[2]))))
    elif len(sys.argv) == 3 and sys.argv[1] == "--surfaces":
        print(json.dumps(_measure_surfaces(int(sys.argv[2]))))
    elif sys.argv[1:] == ["--surfaces"]:
        print("\n".join(surfaces_section()[0]))
    else:
        print(main())
