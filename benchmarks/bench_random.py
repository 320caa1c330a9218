"""Random play: ours with the text rendered, against ChoiceScript's randomtest doing the same.

ChoiceScript's ``randomtest.js`` plays a game many times, choosing uniformly at random,
and runs every page through its interpreter, text included. The fair peer on our side
plays through the engine a player's screen uses (``engine.offers``/``engine.take``)
and renders each page's text (``engine.scene_text``, the labels, the ending's text).
``check --random N`` does less: it steps the compiled story and renders nothing. Both
are reported; **the headline is the fair one**. (Until 2026-12 RESULTS.md quoted only
``check --random`` against randomtest, "10× faster", which compared unlike work.)

The game is the generated story of ``storygen.py`` (a few scenes, so runs end), written
in both formats: our YAML, and the same scenes, stats, clamps, locked and hidden
options as ChoiceScript (``write_choicescript``). Both sides play ``RUNS`` runs,
uniform choices (randomtest with ``avoidUsedOptions=false``), whole processes,
interleaved, CPU seconds of the process itself.

randomtest needs ``node`` and a ChoiceScript checkout: ``$CHOICESCRIPT_DIR``, else
``benchmarks/.work/choicescript`` (``git clone`` of dfabulich/choicescript; never
committed here). Without them the section says so and reports our two paths only.
Target (issue 19): random play with text ≤ 0.5× randomtest. The same path on the engine
before issue 19 (commit ``bench_explore.BASELINE``, extracted with ``git archive``) runs
in the same rounds, so the section shows what the work changed. ``MM_BENCH_RANDOM_ROUNDS``
sets the rounds (default 5).

    python benchmarks/bench_random.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_explore import BASELINE, baseline_tree
from bench_startup import game_command
from measure import Sample, ratio, run

SCENES = 8
RUNS = 10_000
ROUNDS = int(os.environ.get("MM_BENCH_RANDOM_ROUNDS", "5"))
TARGET = 0.5

#: Our fair path: a player's engine calls, every page's text rendered.
_WITH_TEXT = """
import random, sys
from adventure.run import engine
from adventure.story.loader import load_story
story = load_story(sys.argv[1]); runs = int(sys.argv[2]); pick = random.Random(0); chars = 0; steps = 0
for n in range(runs):
    state = engine.new_run(story, n).state
    while state.ending is None:
        chars += len(engine.scene_text(story, state))
        offers = [o for o in engine.offers(story, state) if o.enabled]
        chars += sum(len(o.label) for o in offers)
        state = engine.take(story, state, offers[pick.randrange(len(offers))].choice.id).state
        steps += 1
    chars += len(engine.ending_text(story, state))
print(runs, steps, chars)
"""


def choicescript_dir() -> Path | None:
    """A ChoiceScript checkout with randomtest.js, and node on the PATH; else None."""
    chosen = os.environ.get("CHOICESCRIPT_DIR")
    folder = Path(chosen) if chosen else ROOT / "benchmarks" / ".work" / "choicescript"
    if shutil.which("node") and (folder / "randomtest.js").is_file():
        return folder
    return None


def _cs_scene(i: int, total: int) -> str:
    onward = f"*goto s{i + 1}" if i + 1 < total else "*goto end"
    back = f"s{max(0, i - 1)}"
    return f"""\
*label s{i}
*set coins +1
*if coins > 20
  *set coins 20
You stand in room {i}. You have ${{coins}} coins and skill ${{skill}}.
*if brave
  You feel brave.
*if not(brave)
  You feel small.
*choice
  *selectable_if ((coins >= 1) and (skill < 9)) #Train in room {i}
    *set skill +1
    *set coins -1
    *goto s{i}
  #Go on
    {onward}
  *if ((not(brave)) or (skill >= 3)) #Gamble
    *set brave true
    *if ((skill * 2) > coins)
      *goto {back}
    *else
      *goto s{i}
"""


def write_choicescript(checkout: Path, work: Path, scenes: int) -> Path:
    """The generated story as a ChoiceScript game in a scratch copy of the interpreter; its folder."""
    for name in ("randomtest.js", "headless.js", "seedrandom.js", "web/scene.js", "web/navigator.js", "web/util.js"):
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(checkout / name, work / name)
    game = work / "web" / "generated" / "scenes"
    game.mkdir(parents=True)
    head = ("*title Generated\n*author Benchmark\n*scene_list\n  startup\n\n"
            "*create skill 0\n*create coins 0\n*create brave false\n*goto s0\n\n")
    tail = ("*label end\nDone with ${coins} coins.\n*if brave\n  Bravely.\n*if not(brave)\n  Quietly.\n*ending\n")
    (game / "startup.txt").write_text(head + "\n".join(_cs_scene(i, scenes) for i in range(scenes)) + "\n" + tail,
                                      encoding="utf-8")
    return work


def measure(scenes: int = SCENES, runs: int = RUNS, rounds: int = ROUNDS) -> dict[str, list[Sample]]:
    from storygen import write

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "before").mkdir()
        story = write(work / "story", scenes)
        env = {k: v for k, v in os.environ.items() if k != "MILLION_MILES_NO_CACHE"}
        env.update(PYTHONPATH=str(ROOT), MILLION_MILES_CACHE_DIR=str(work / "cache"))
        cases = {
            "with_text": [sys.executable, "-c", _WITH_TEXT, str(story), str(runs)],
            "check_random": [*game_command(), "check", "--json", "--random", str(runs), "--seed", "0", str(story)],
        }
        before = baseline_tree(work / "before")
        if before is not None:  # the old tree first on the path, its own cache
            cases["before"] = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(before)!r}); "
                               f"exec({_WITH_TEXT!r})", str(story), str(runs)]
        checkout = choicescript_dir()
        cwd = None
        if checkout is not None:
            cwd = write_choicescript(checkout, work / "cs", scenes)
            cases["randomtest"] = ["node", "randomtest.js", f"num={runs}", "game=generated", "seed=0",
                                   "avoidUsedOptions=false", "showChoices=false", "showCoverage=false"]
        samples: dict[str, list[Sample]] = {name: [] for name in cases}
        here = Path.cwd()
        try:
            for i in range(rounds + 1):
                for name, args in cases.items():
                    if name == "randomtest":
                        os.chdir(cwd)  # randomtest loads its scripts from the working folder
                    try:
                        sample = run(args, env if name != "before" else
                                     dict(env, MILLION_MILES_CACHE_DIR=str(work / "cache-before")))
                    finally:
                        os.chdir(here)
                    if i:
                        samples[name].append(sample)
        finally:
            os.chdir(here)
    return samples


def main() -> str:
    m = measure()
    cpu = {name: [s.cpu for s in samples] for name, samples in m.items()}
    lines = [
        "## Random play (`benchmarks/bench_random.py`)",
        "",
        f"{RUNS:,} uniform random runs of the generated story ({SCENES} scenes), whole processes, {ROUNDS} "
        "interleaved rounds, CPU seconds of each process; ratios are medians of per-round ratios (min–max).",
        "",
    ]
    if "randomtest" not in cpu:
        lines += [
            "ChoiceScript's randomtest was **not measured** (no `node`, or no checkout at `$CHOICESCRIPT_DIR` or "
            "`benchmarks/.work/choicescript`): only our two paths are shown, against each other.",
            "",
            "| path | CPU s | vs with text |",
            "| --- | ---: | ---: |",
            f"| engine path, text rendered | {statistics.median(cpu['with_text']):.2f} | 1.00 |",
            f"| `check --random` (no text) | {statistics.median(cpu['check_random']):.2f} "
            f"| {ratio(cpu['check_random'], cpu['with_text'])[0]:.2f} |",
            "",
        ]
        return "\n".join(lines)
    fair, lo, hi = ratio(cpu["with_text"], cpu["randomtest"])
    bare = ratio(cpu["check_random"], cpu["randomtest"])
    met = f"met ✓ (≤ {TARGET})" if fair <= TARGET else f"not met ✗ (≤ {TARGET}; floor {fair:.2f})"
    lines += [
        "| path | CPU s | vs randomtest | target |",
        "| --- | ---: | --- | --- |",
        f"| ChoiceScript `randomtest.js` (text rendered by its interpreter) | "
        f"{statistics.median(cpu['randomtest']):.2f} | 1.00 | (baseline) |",
        f"| **engine path, text rendered** (the fair comparison) | {statistics.median(cpu['with_text']):.2f} "
        f"| **{fair:.2f}** ({lo:.2f}–{hi:.2f}) | {met} |",
    ]
    if "before" in cpu:
        old = ratio(cpu["before"], cpu["randomtest"])
        lines.append(f"| same path on the engine before issue 19 (commit `{BASELINE}`) "
                     f"| {statistics.median(cpu['before']):.2f} | {old[0]:.2f} ({old[1]:.2f}–{old[2]:.2f}) | (was) |")
    lines += [
        f"| `check --random` (compiled step, no text: less work) | {statistics.median(cpu['check_random']):.2f} "
        f"| {bare[0]:.2f} ({bare[1]:.2f}–{bare[2]:.2f}) | (not like for like) |",
        "",
        "What the engine path pays per step now: each template is compiled once per story to a closure over",
        "the values (a `{shown(stat)}` one renders through the reference renderer), a label that never changes",
        "is flattened once, a lock's reason is kept by values and language, the step's events are told only",
        "when read, and effects run as closures specialised to their operation and bounds. What is left is",
        "the run state itself (a new frozen `RunState` and log node per step), the `Offer` per choice, and",
        "the template's pieces joined and split into paragraphs.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
