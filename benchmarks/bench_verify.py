"""Benchmark: headless verification of 1,000 saved runs of 60 steps each.

A story is generated into a temporary folder (a ring of scenes with effects,
conditions, locked choices, conditional and random targets), 1,000 runs of 60 steps
are played on it with a seeded random walk, and then, in the same process:

* **baseline**: the engine's raw ``take()`` loop over the same logs;
* **headless replay**: :func:`adventure.run.rebase.replay_headless`, the compiled step
  alone (no events, no state or log per step), which ``verify`` replays with;
* **verify**: :func:`adventure.saves.verify.verify` on the parsed records (replay plus
  snapshot comparison), the work ``replay --verify`` does per run;
* **read + verify**: parse each run file's YAML text, validate it, then verify.

The target is 20,000 verified steps per second; the ratio to the baseline shows the
cost of verification over the bare engine. Changed meaning (issue 19): ``verify`` used
to replay through ``take()`` itself, so its ratio was at most 1; it now replays
headlessly (only a run's last step goes through ``take()``), so a ratio above 1 is the
headless path's gain over the engine path.

    python benchmarks/bench_verify.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adventure.run import engine
from adventure.run.rebase import replay_headless
from adventure.saves.runfile import dump_record, parse_record
from adventure.saves.store import record_for
from adventure.saves.verify import verify
from adventure.story.loader import load_story

RUNS = 1000
STEPS = 60
SCENES = 24
TARGET = 20_000


def write_story(folder: Path, scenes: int = SCENES) -> Path:
    """A generated story: every scene has a plain, a conditional, a random and a locked choice."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(
        "format: 1\nid: bench\ntitle: Bench\nstart: s0\n"
        'progress: "skill * 5 + money"\n'
        "chapters: [bench.yaml]\n"
        "stats:\n"
        "  year: {type: int, initial: 1970, min: 1960, max: 2030, label: Year, show: true}\n"
        "  skill: {type: int, initial: 0, min: 0, max: 10, label: Skill}\n"
        "  money: {type: int, initial: 5, min: 0, max: 50, label: Money}\n"
        "  brave: {type: bool, initial: false, label: Brave}\n"
        "endings:\n"
        "  - {id: done, title: Done, text: 'Finished in {year}.', true_ending: true}\n",
        encoding="utf-8",
    )
    lines = ["chapter: {id: bench, title: Bench}", "scenes:"]
    for i in range(scenes):
        nxt, far = (i + 1) % scenes, (i + 7) % scenes
        lines += [
            f"  - id: s{i}",
            f"    title: Scene {i}",
            "    text: 'Year {year}. {if brave}Brave.{else}Careful.{end} Skill {skill}.'",
            "    on_enter:",
            "      - add: {year: 1}",
            "    choices:",
            "      - id: work",
            "        label: Work",
            "        effects:",
            "          - add: {money: 3}",
            "          - set: {brave: \"money > 20\"}",
            f"        goto: s{nxt}",
            "      - id: study",
            "        label: Study",
            "        if: \"money >= 2\"",
            "        effects:",
            "          - subtract: {money: 2}",
            "          - add: {skill: 1}",
            "        goto:",
            "          - if: \"skill >= 5\"",
            f"            scene: s{far}",
            f"          - scene: s{nxt}",
            "      - id: gamble",
            "        label: Gamble",
            "        goto:",
            "          random:",
            f"            - {{weight: 2, scene: s{nxt}}}",
            f"            - {{weight: 1, scene: s{far}}}",
            "      - id: finish",
            "        label: Finish",
            "        if: \"skill >= 10 and brave\"",
            "        ending: done",
        ]
    (folder / "bench.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def generate_runs(story, runs: int = RUNS, steps: int = STEPS) -> list:
    """Seeded random walks of ``steps`` choices, never taking the ending."""
    chooser = random.Random(2026)
    records = []
    for n in range(runs):
        state = engine.new_run(story, n).state
        for _ in range(steps):
            ids = [o.choice.id for o in engine.offers(story, state) if o.enabled and o.choice.id != "finish"]
            state = engine.take(story, state, chooser.choice(ids)).state
        records.append(record_for(story, state, f"run-{n}"))
    return records


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure() -> dict[str, float]:
    """Steps per second for the baseline, verify, and read+verify."""
    with tempfile.TemporaryDirectory() as tmp:
        story = load_story(write_story(Path(tmp) / "story"))
        records = generate_runs(story)
        texts = [dump_record(r) for r in records]
        total = sum(len(r.steps) for r in records)

        def baseline() -> None:
            for r in records:
                state = engine.new_run(story, r.seed).state
                for step in r.steps:
                    state = engine.take(story, state, step.choice).state

        def headless() -> None:
            for r in records:
                assert replay_headless(story, r.seed, r.steps).complete

        def verify_all() -> None:
            for r in records:
                assert verify(story, r).ok

        def read_and_verify() -> None:
            for text in texts:
                assert verify(story, parse_record(text)).ok

        return {
            "steps": total,
            "baseline": total / _best(baseline),
            "headless": total / _best(headless),
            "verify": total / _best(verify_all),
            "read_verify": total / _best(read_and_verify),
        }


def main() -> str:
    """Run the benchmark and return its Markdown section for RESULTS.md."""
    r = measure()
    ok = r["verify"] >= TARGET and r["read_verify"] >= TARGET
    return "\n".join([
        "## Replay verification (`benchmarks/bench_verify.py`)",
        "",
        f"{RUNS:,} runs × {STEPS} steps ({int(r['steps']):,} steps) on a generated {SCENES}-scene story; "
        f"target ≥ {TARGET:,} verified steps/s. Best of 3, Python {sys.version.split()[0]}.",
        "",
        "| measure | steps/s | vs raw take() |",
        "| --- | ---: | ---: |",
        f"| baseline: raw `engine.take()` loop | {r['baseline']:,.0f} | 1.00 |",
        f"| headless replay (`replay_headless`, what `verify()` replays with) | {r['headless']:,.0f} | "
        f"{r['headless'] / r['baseline']:.2f} |",
        f"| `verify()` (replay + snapshot check) | {r['verify']:,.0f} | {r['verify'] / r['baseline']:.2f} |",
        f"| parse YAML + validate + `verify()` | {r['read_verify']:,.0f} | {r['read_verify'] / r['baseline']:.2f} |",
        "",
        "Changed meaning: `verify()` replays headlessly since issue 19 (before, through `take()`: its ratio "
        "was at most 1).",
        "",
        f"Result: **{'PASS' if ok else 'FAIL'}** (target {TARGET:,} steps/s).",
        "",
    ])


if __name__ == "__main__":
    print(main())
