"""Before and after the redesign (issue 18): the engine at ``5eac840`` against the working tree.

Issue 18 promised every benchmark ratio within 10% of the tree before the redesign (or
better), and asks for before/after figures from one run. Figures taken on different
days on this shared machine cannot be compared, so both engines run here, in the same
run, on the same work, round by round (before, after, before, after …):

* **Start-up**: the interactive game (``python -m adventure``, no arguments) in a
  pseudo-terminal of 120×50, from spawning until its first choice is on screen *and*
  prompt_toolkit reads keys (``ESC[?2004h``), wall and CPU time (CPU is the steadier on a
  shared machine), each engine with its own shipped story (the story changed with the
  engine: the row says so), then both with the old shipped story (``play --scenes``);
* **Story cache**: ``check --json`` of generated stories (``storygen.py``), warm (each
  engine's own filled cache) and cold (``MILLION_MILES_NO_CACHE=1``);
* **Explore**: ``check --explore --json`` of the 18×18 torus of ``bench_explore.py``
  (the same states and transitions on both sides, checked), as transitions per CPU
  second of the whole process and per second of the search alone (the ``seconds`` the
  command reports); then the old shipped story on both (the same work, checked), and
  each engine's own shipped story, a different story on each side;
* **Random play**: ``check --json --random N --seed 1`` of the small generated story of
  ``bench_random.py``, runs per CPU second of the process and per second of the play.

The old tree is ``git archive 5eac840`` unpacked into ``benchmarks/.work/before`` (git
ignores it), run by this same interpreter with ``PYTHONPATH`` set to it and ``-P`` (so
the working folder never shadows it); both trees are byte-compiled first. Its declared
dependencies are checked against this environment: one missing is named, and a row that
fails on a missing module is skipped with a note. Without the git history (a shallow
clone) the section says so and measures nothing.

``MM_BENCH_QUICK=1`` shrinks every size for a smoke run; ``python benchmarks/bench_before.py``
prints the section.
"""

from __future__ import annotations

import compileall
import importlib.metadata
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from measure import LIVE_PROMPT, Sample, pty_until_with_cpu, ratio, run, run_keeping_output

BEFORE = "5eac840"
WORK = ROOT / "benchmarks" / ".work" / "before"
SIDES = ("before", "after")


@dataclass(frozen=True)
class Plan:
    """How much work each row does: the full run, or a smoke run (``MM_BENCH_QUICK=1``)."""

    startup_rounds: int
    check_sizes: tuple[int, ...]
    check_rounds: int
    grid: int
    explore_rounds: int
    random_scenes: int
    random_runs: int
    random_rounds: int


FULL = Plan(startup_rounds=15, check_sizes=(1_000, 10_000), check_rounds=5, grid=18, explore_rounds=3,
            random_scenes=8, random_runs=10_000, random_rounds=5)
QUICK = Plan(startup_rounds=2, check_sizes=(100,), check_rounds=1, grid=5, explore_rounds=1,
             random_scenes=8, random_runs=200, random_rounds=1)


def quick() -> bool:
    """Whether ``MM_BENCH_QUICK`` asks for a smoke run."""
    return os.environ.get("MM_BENCH_QUICK", "").strip() not in {"", "0", "false", "no"}


def plan() -> Plan:
    return QUICK if quick() else FULL


# --- the old tree -------------------------------------------------------------------


def resolve_commit(repo: Path, commit: str) -> str | None:
    """The full hash of ``commit`` in ``repo``'s history, or None (no git, no history, a shallow clone)."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def extract_tree(repo: Path, commit: str, dest: Path) -> Path | None:
    """``commit``'s files unpacked into ``dest`` (reused when already there); None without that commit.

    ``dest/.commit`` names the commit unpacked, so a folder left by an interrupted or
    different extraction is replaced rather than trusted.
    """
    full = resolve_commit(repo, commit)
    if full is None:
        return None
    stamp = dest / ".commit"
    if stamp.is_file() and stamp.read_text(encoding="ascii").strip() == full:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", full], stdout=subprocess.PIPE)
    assert archive.stdout is not None
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later
            tar.extractall(dest, filter="data")
        else:
            tar.extractall(dest)  # our own repository's commit, before the filter existed
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {full} failed")
    stamp.write_text(full + "\n", encoding="ascii")
    return dest


def requirement_names(pyproject: str) -> list[str]:
    """The distribution names a ``pyproject.toml`` declares as its runtime dependencies."""
    declared = tomllib.loads(pyproject).get("project", {}).get("dependencies", [])
    return [re.split(r"[\s<>=!~;\[(]", item.strip(), maxsplit=1)[0] for item in declared]


def missing_distributions(names: Sequence[str]) -> list[str]:
    """Those of ``names`` not installed in this interpreter's environment."""
    missing = []
    for name in names:
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def missing_module(error: str) -> str | None:
    """The module a failed command could not import, read from the end of its stderr."""
    found = re.search(r"ModuleNotFoundError: No module named '([^']+)'", error)
    return found.group(1) if found else None


# --- reading what a command did -----------------------------------------------------


def explore_counts(document: dict[str, Any]) -> dict[str, Any]:
    """States, transitions, search seconds and completeness from ``check --explore --json``."""
    found = document["explore"]
    return {key: found[key] for key in ("states", "transitions", "seconds", "complete", "max_states")}


def random_counts(document: dict[str, Any]) -> dict[str, Any]:
    """Runs, steps and play seconds from ``check --random --json``.

    The report sits at the top level in some versions and under ``explore`` in others.
    """
    found = document.get("random") or (document.get("explore") or {}).get("random")
    if not isinstance(found, dict):
        raise KeyError("random")
    return {key: found[key] for key in ("runs", "steps", "seconds")}


def same_work(counts: dict[str, dict[str, Any]], keys: Sequence[str]) -> bool:
    """Whether both sides report the same counts (the work was the same)."""
    return all(counts["before"][key] == counts["after"][key] for key in keys)


# --- one side: an engine and its environment ----------------------------------------


@dataclass
class Side:
    """One engine: its tree, and the scratch folders its runs use."""

    name: str
    tree: Path
    work: Path
    rounds: int = 0

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-P", "-m", "adventure", *args]

    def env(self, **extra: str) -> dict[str, str]:
        drop = {"NO_COLOR", "COLUMNS", "LINES", "MILLION_MILES_NO_CACHE", "PYTHONSTARTUP"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1", LANG="C.UTF-8", LC_ALL="C.UTF-8",
                   PYTHONPATH=str(self.tree), MILLION_MILES_CACHE_DIR=str(self.work / f"cache-{self.name}"),
                   MILLION_MILES_SAVE_DIR=str(self.work / f"saves-{self.name}"))
        env.update(extra)
        return env

    def fresh_saves(self) -> dict[str, str]:
        self.rounds += 1
        return self.env(MILLION_MILES_SAVE_DIR=str(self.work / f"saves-{self.name}-{self.rounds}"))


_WHERE = "import adventure, sys; sys.stdout.write(adventure.__file__)"

_FIRST_SCREEN = """
import json
try:
    from adventure.base.resources import default_scenes_dir
    from adventure.run import engine
except ImportError:
    from adventure.paths import default_scenes_dir
    from adventure import engine
from adventure.story.loader import load_story
story = load_story(default_scenes_dir(), cache=False)
first = engine.offers(story, engine.new_run(story, 1).state)[0].label
print(json.dumps({"label": first, "scenes": len(story.scenes)}))
"""


def _python(side: Side, code: str) -> str:
    done = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, env=side.env(),
                          timeout=300)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-600:])
    return done.stdout


def check_side(side: Side) -> None:
    """Fail unless ``import adventure`` on this side loads the side's own tree."""
    where = Path(_python(side, _WHERE)).resolve()
    if not where.is_relative_to(side.tree.resolve()):
        raise RuntimeError(f"the {side.name} side imports {where}, not its tree {side.tree}")


def first_screen(side: Side) -> dict[str, Any]:
    """The shipped story's first choice label and scene count, as this side's engine loads it."""
    return dict(json.loads(_python(side, _FIRST_SCREEN)))


# --- the measurements: each returns per-side lists, round by round -----------------

Case = Callable[[Side], Any]


def interleave(sides: dict[str, Side], case: Case, rounds: int, warm_up: bool = True) -> dict[str, list[Any]]:
    """``case`` on each side in turn, ``rounds`` times after an uncounted warm-up round."""
    got: dict[str, list[Any]] = {name: [] for name in sides}
    for i in range(rounds + (1 if warm_up else 0)):
        for name, side in sides.items():
            result = case(side)
            if i or not warm_up:
                got[name].append(result)
    return got


def measure_startup(sides: dict[str, Side], rounds: int, story: Path | None = None,
                    label: str | None = None) -> dict[str, list[tuple[float, float]]]:
    """Wall and CPU seconds to the live prompt: each side's own shipped story, or ``story`` (first label ``label``)."""
    screens = {} if label else {name: first_screen(side) for name, side in sides.items()}

    def case(side: Side) -> tuple[float, float]:
        marker = (label or screens[side.name]["label"])[:24].encode("utf-8")
        args = side.command("play", "--scenes", str(story)) if story else side.command()
        return pty_until_with_cpu(args, side.fresh_saves(), (marker, LIVE_PROMPT), timeout=120)

    return interleave(sides, case, rounds)


def measure_check(sides: dict[str, Side], story: Path, rounds: int) -> dict[str, dict[str, list[Sample]]]:
    """``check --json`` warm and cold, interleaved; the warm-up round fills each side's cache."""
    def case(side: Side) -> tuple[Sample, Sample]:
        args = side.command("check", "--json", str(story))
        return run(args, side.env()), run(args, side.env(MILLION_MILES_NO_CACHE="1"))

    got = interleave(sides, case, rounds)
    return {"warm": {n: [w for w, _ in v] for n, v in got.items()},
            "cold": {n: [c for _, c in v] for n, v in got.items()}}


def measure_json(sides: dict[str, Side], args: Sequence[str], rounds: int,
                 read: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, list[tuple[Sample, dict[str, Any]]]]:
    """A command whose JSON says how much work it did: each run's sample and its counts."""
    def case(side: Side) -> tuple[Sample, dict[str, Any]]:
        sample, out = run_keeping_output(side.command(*args), side.env())
        return sample, read(json.loads(out))

    return interleave(sides, case, rounds)


# --- the section --------------------------------------------------------------------


def _median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio_text(after: Sequence[float], before: Sequence[float]) -> str:
    """``after/before`` as the median of per-round ratios, with its spread."""
    mid, low, high = ratio(after, before)
    return f"**{mid:.2f}** ({low:.2f}–{high:.2f})" if len(after) > 1 else f"**{mid:.2f}**"


def table_row(measure: str, work: str, before: Sequence[float], after: Sequence[float], fmt: str,
              peaks: tuple[float, float] | None = None) -> str:
    peak = f"{peaks[0]:.0f} → {peaks[1]:.0f}" if peaks else ""
    return (f"| {measure} | {work} | {fmt.format(_median(before))} | {fmt.format(_median(after))} "
            f"| {ratio_text(after, before)} | {peak} |")


def _peaks(samples: dict[str, list[Sample]]) -> tuple[float, float]:
    return max(s.peak_mib for s in samples["before"]), max(s.peak_mib for s in samples["after"])


def _skip(error: Exception) -> str:
    text = str(error)
    module = missing_module(text)
    if module:
        return f"skipped: the old tree needs the module `{module}`, not installed here"
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return f"skipped: {lines[-1][:200] if lines else type(error).__name__}"


def startup_rows(sides: dict[str, Side], p: Plan) -> list[str]:
    """The game to its live prompt: each with its own shipped story, then both with the old one."""
    screens = {name: first_screen(side) for name, side in sides.items()}
    own = measure_startup(sides, p.startup_rounds)
    old = sides["before"].tree / "scenes"
    same = measure_startup(sides, p.startup_rounds, old, screens["before"]["label"])
    work = (f"each its own shipped story ({screens['before']['scenes']} scenes before, "
            f"{screens['after']['scenes']} after): different stories")
    same_work = f"the same story: the old shipped one ({screens['before']['scenes']} scenes) as a folder"
    return [
        table_row("**start-up** to the live prompt, CPU ms (pty)", work, *_ms(own, 1), "{:.0f}"),
        table_row("start-up to the live prompt, wall ms (pty)", work, *_ms(own, 0), "{:.0f}"),
        table_row("start-up to the live prompt, `play --scenes`, CPU ms (pty)", same_work, *_ms(same, 1), "{:.0f}"),
        table_row("start-up to the live prompt, `play --scenes`, wall ms (pty)", same_work, *_ms(same, 0), "{:.0f}"),
    ]


def _ms(seconds: dict[str, list[tuple[float, float]]], which: int) -> tuple[list[float], list[float]]:
    """Wall (0) or CPU (1) milliseconds of each side."""
    return [s[which] * 1000 for s in seconds["before"]], [s[which] * 1000 for s in seconds["after"]]


def check_rows(sides: dict[str, Side], p: Plan, stories: Path) -> list[str]:
    from storygen import write

    rows = []
    for scenes in p.check_sizes:
        story = write(stories / f"generated-{scenes}", scenes)
        got = measure_check(sides, story, p.check_rounds)
        for kind in ("warm", "cold"):
            cpu = {n: [s.cpu for s in v] for n, v in got[kind].items()}
            label = f"`check --json`, {'**warm** cache' if kind == 'warm' else 'cold (no cache)'}, CPU s"
            rows.append(table_row(label, f"the same generated story, {scenes:,} scenes", cpu["before"], cpu["after"],
                                  "{:.3f}", _peaks(got[kind])))
        warm_cold = {n: [w.cpu / c.cpu for w, c in zip(got["warm"][n], got["cold"][n], strict=True)] for n in SIDES}
        rows.append(table_row(f"`check --json` warm as a share of cold ({scenes:,} scenes)", "(each side its own)",
                              warm_cold["before"], warm_cold["after"], "{:.2f}"))
    return rows


def _rate_rows(what: str, unit: str, work: str, got: dict[str, list[tuple[Sample, dict[str, Any]]]],
               amount: str) -> list[str]:
    whole = {n: [c[amount] / s.cpu for s, c in v] for n, v in got.items()}
    inner = {n: [c[amount] / max(c["seconds"], 1e-9) for s, c in v] for n, v in got.items()}
    peaks = _peaks({n: [s for s, _ in v] for n, v in got.items()})
    return [
        table_row(f"{what}: {unit} per CPU s, whole process", work, whole["before"], whole["after"], "{:,.0f}", peaks),
        table_row(f"{what}: {unit} per s of {'the search' if amount == 'transitions' else 'play'} (its own wall clock)",
                  work, inner["before"], inner["after"], "{:,.0f}"),
    ]


def _complete(counts: dict[str, Any]) -> str:
    return "complete" if counts["complete"] else "**incomplete** (the budget ran out)"


def _counts(got: dict[str, list[tuple[Sample, dict[str, Any]]]]) -> dict[str, dict[str, Any]]:
    return {n: v[0][1] for n, v in got.items()}


def explore_rows(sides: dict[str, Side], p: Plan, stories: Path, budgets: dict[str, int]) -> list[str]:
    from bench_explore import write_grid

    grid = write_grid(stories / "grid", p.grid)
    got = measure_json(sides, ["check", "--explore", "--json", str(grid)], p.explore_rounds, explore_counts)
    counts = _counts(got)
    c = counts["after"]
    work = (f"the same {p.grid}×{p.grid} torus: {c['states']:,} states, {c['transitions']:,} transitions, "
            f"{_complete(c)}"
            if same_work(counts, ("states", "transitions", "complete")) else
            f"**different work**: {counts['before']['transitions']:,} transitions before, {c['transitions']:,} after")
    rows = _rate_rows(f"`check --explore`, {p.grid}×{p.grid} torus", "transitions", work, got, "transitions")
    old = sides["before"].tree / "scenes"
    same = measure_json(sides, ["check", "--explore", "--json", str(old)], p.explore_rounds, explore_counts)
    o = _counts(same)
    work = (f"the same story, the old shipped one: {o['after']['states']:,} states, "
            f"{o['after']['transitions']:,} transitions, {_complete(o['after'])}" if same_work(o, ("states", "transitions", "complete")) else
            f"**different work**: {o['before']['transitions']:,} transitions before, {o['after']['transitions']:,} after")
    rows += _rate_rows("`check --explore`, the old shipped story on both", "transitions", work, same, "transitions")
    shipped = measure_json(sides, ["check", "--explore", "--json"], p.explore_rounds, explore_counts)
    s = _counts(shipped)
    work = (f"each its own shipped story: {s['before']['states']:,} states / {s['before']['transitions']:,} "
            f"transitions before ({_complete(s['before'])}), {s['after']['states']:,} / {s['after']['transitions']:,} "
            f"after ({_complete(s['after'])}): different stories")
    budgets.update({n: v["max_states"] for n, v in s.items()})
    return rows + _rate_rows("`check --explore`, each its own shipped story", "transitions", work, shipped,
                             "transitions")


def random_rows(sides: dict[str, Side], p: Plan, stories: Path) -> list[str]:
    from storygen import write

    story = write(stories / f"random-{p.random_scenes}", p.random_scenes)
    args = ["check", "--json", "--random", str(p.random_runs), "--seed", "1", str(story)]
    got = measure_json(sides, args, p.random_rounds, random_counts)
    counts = _counts(got)
    work = (f"the same {p.random_scenes}-scene story, {p.random_runs:,} runs, {counts['after']['steps']:,} steps"
            if same_work(counts, ("runs", "steps")) else
            f"**different work**: {counts['before']['steps']:,} steps before, {counts['after']['steps']:,} after")
    return _rate_rows("`check --random`", "runs", work, got, "runs")


def _guarded(name: str, make: Callable[[], list[str]], notes: list[str]) -> list[str]:
    try:
        return make()
    except (RuntimeError, KeyError, ValueError, subprocess.TimeoutExpired) as error:
        notes.append(f"- {name}: {_skip(error)}")
        return []


def _header(tree: Path, missing: list[str]) -> list[str]:
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "adventure", "scenes"],
                           capture_output=True, text=True).stdout.strip()
    after = f"`{head.stdout.strip() or '?'}`{' with uncommitted changes' if dirty else ''}"
    lines = [
        "## Before and after the redesign (`benchmarks/bench_before.py`)",
        "",
        f"The engine at `{BEFORE}` (before issue 18's redesign; `git archive` into "
        f"`{tree.relative_to(ROOT) if tree.is_relative_to(ROOT) else tree}`) against the working tree ({after}), "
        "in one run: the same interpreter and installed libraries, each side run as `python -P -m adventure` "
        "with `PYTHONPATH` set to its own tree, a fresh process every time, both trees byte-compiled. Each row "
        "alternates before and after, round by round, after an uncounted warm-up round; figures are medians, "
        "**after/before** is the median of the per-round ratios (min–max). For times, below 1 is faster after; "
        "for rates, above 1 is faster after. Peak memory is each process's own (MiB, before → after).",
        "",
    ]
    if quick():
        lines += ["**Smoke run** (`MM_BENCH_QUICK=1`): small sizes, one or two rounds; not figures to quote.", ""]
    if missing:
        lines += [f"Not installed here, though the old tree declares them: {', '.join(missing)}.", ""]
    return lines


def main() -> str:
    tree = extract_tree(ROOT, BEFORE, WORK)
    if tree is None:
        return ("## Before and after the redesign (`benchmarks/bench_before.py`)\n\n"
                f"Not measured: commit `{BEFORE}` is not in this checkout's history (a shallow clone?).\n")
    missing = missing_distributions(requirement_names((tree / "pyproject.toml").read_text(encoding="utf-8")))
    for folder in (tree / "adventure", ROOT / "adventure"):
        compileall.compile_dir(str(folder), quiet=1)
    p = plan()
    notes: list[str] = []
    budgets: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sides = {"before": Side("before", tree, work), "after": Side("after", ROOT, work)}
        for side in sides.values():
            check_side(side)
        rows: list[str] = []
        for name, make in (("start-up", lambda: startup_rows(sides, p)),
                           ("story cache", lambda: check_rows(sides, p, work)),
                           ("explore", lambda: explore_rows(sides, p, work, budgets)),
                           ("random play", lambda: random_rows(sides, p, work))):
            print(f"  bench_before: {name} …", file=sys.stderr, flush=True)
            rows += _guarded(name, make, notes)
    lines = _header(tree, missing) + [
        "| measure | work (what both sides did) | before | after | after/before | peak MiB |",
        "| --- | --- | ---: | ---: | --- | ---: |",
        *rows,
        "",
    ]
    if notes:
        lines += ["Rows not measured:", "", *notes, ""]
    lines += [
        "Where the two sides do different work: the rows marked \"each its own shipped story\" run each "
        "engine's own shipped story, which changed with the redesign (the counts are in the row); the rows on "
        "the old shipped story and on generated stories give both engines the same work, and check it (the "
        "same states and transitions explored, the same steps played) or say **different work**.",
        "",
    ]
    if budgets:
        lines += [f"The explorer's default budget: {budgets.get('before', 0):,} states before, "
                  f"{budgets.get('after', 0):,} after; each explore row says whether the search was complete.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
