"""The benchmark harness stays honest without timing anything.

``benchmarks/run.py`` runs the modules in its ORDER: a new ``bench_*.py`` left out of
it would never reach RESULTS.md. ``bench_before.py`` runs the engine at an old commit
beside the working tree: its helpers must find that commit's files, run *them* (not the
working tree's, which the working folder would shadow), and read what each command did
from either engine's JSON.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_before  # noqa: E402
import run  # noqa: E402

MODULES = sorted(p.stem for p in BENCH.glob("bench_*.py"))


def test_every_benchmark_module_is_run_and_every_run_module_exists() -> None:
    assert sorted(run.ORDER) == MODULES
    assert len(set(run.ORDER)) == len(run.ORDER)


@pytest.mark.parametrize("name", MODULES)
def test_every_benchmark_module_imports_and_has_a_main(name: str) -> None:
    module = importlib.import_module(name)
    assert callable(module.main)


def test_run_selects_named_modules_in_order_and_refuses_unknown_ones() -> None:
    assert run.select(["bench_before", "bench_load"]) == ["bench_load", "bench_before"]
    assert run.select([]) == [n for n in run.ORDER if (BENCH / f"{n}.py").exists()]
    with pytest.raises(ValueError, match="not a benchmark module: bench_nope"):
        run.select(["bench_nope"])


def test_run_says_how_long_each_module_and_the_whole_run_took() -> None:
    text = run.timings_section([("bench_load", 12.34), ("bench_cache", 75.2)])
    assert "| `bench_load` | 12.3 s |" in text
    assert "| `bench_cache` | 1 min 15 s |" in text
    assert "| **total** | **1 min 28 s** |" in text


def test_a_smoke_run_never_writes_results_md(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MM_BENCH_OUTPUT", raising=False)
    monkeypatch.delenv("MM_BENCH_QUICK", raising=False)
    assert run.output_path() == BENCH / "RESULTS.md"
    monkeypatch.setenv("MM_BENCH_QUICK", "1")
    assert run.output_path() != BENCH / "RESULTS.md" and run.quick() and bench_before.quick()
    assert bench_before.plan() == bench_before.QUICK
    monkeypatch.setenv("MM_BENCH_OUTPUT", str(tmp_path / "r.md"))
    assert run.output_path() == tmp_path / "r.md"
    monkeypatch.setenv("MM_BENCH_QUICK", "0")
    assert bench_before.plan() == bench_before.FULL


def test_unknown_module_names_exit_2_with_a_message() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "bench_nope"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "not a benchmark module: bench_nope" in done.stderr
    assert "Traceback" not in done.stderr


def test_requirements_are_read_from_pyproject() -> None:
    text = '[project]\ndependencies = ["rich>=13.7", "prompt_toolkit>=3.0.43", "pyyaml", "x[extra]~=1; python_version>\'3\'"]\n'
    assert bench_before.requirement_names(text) == ["rich", "prompt_toolkit", "pyyaml", "x"]
    assert bench_before.requirement_names("[project]\n") == []
    assert bench_before.missing_distributions(["pyyaml", "surely-not-installed-mm"]) == ["surely-not-installed-mm"]


def test_a_missing_module_is_named_from_stderr() -> None:
    err = "Traceback ...\nModuleNotFoundError: No module named 'watchfiles'\n"
    assert bench_before.missing_module(err) == "watchfiles"
    assert bench_before.missing_module("exited 1: some other failure") is None
    assert "`watchfiles`" in bench_before._skip(RuntimeError(err))


def test_counts_are_read_from_either_engines_json() -> None:
    explore = {"explore": {"states": 3, "transitions": 5, "seconds": 0.5, "complete": True, "max_states": 9}}
    assert bench_before.explore_counts(explore)["transitions"] == 5
    old = {"random": {"runs": 2, "steps": 7, "seconds": 0.1}}
    new = {"explore": {"random": {"runs": 2, "steps": 7, "seconds": 0.2}}}
    assert bench_before.random_counts(old)["steps"] == bench_before.random_counts(new)["steps"] == 7
    with pytest.raises(KeyError):
        bench_before.random_counts({"explore": {"random": None}})
    assert bench_before.same_work({"before": old["random"], "after": new["explore"]["random"]}, ("runs", "steps"))
    assert not bench_before.same_work({"before": {"steps": 1}, "after": {"steps": 2}}, ("steps",))


def test_cases_alternate_sides_round_by_round_after_an_uncounted_warm_up(tmp_path: Path) -> None:
    sides = {n: bench_before.Side(n, tmp_path, tmp_path) for n in bench_before.SIDES}
    calls: list[str] = []

    def case(side: bench_before.Side) -> int:
        calls.append(side.name)
        return len(calls)

    got = bench_before.interleave(sides, case, rounds=2)
    assert calls == ["before", "after"] * 3
    assert got == {"before": [3, 5], "after": [4, 6]}


def test_ratios_are_after_over_before() -> None:
    row = bench_before.table_row("m", "w", [2.0, 2.0], [1.0, 3.0], "{:.1f}", (10.0, 12.0))
    assert row == "| m | w | 2.0 | 2.0 | **1.00** (0.50–1.50) | 10 → 12 |"


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@t", "HOME": str(repo), "PATH": "/usr/bin:/bin"})
    return done.stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_an_old_commit_is_unpacked_once_and_an_unknown_one_is_none(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "adventure").mkdir(parents=True)
    (repo / "adventure" / "__init__.py").write_text("OLD = True\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "old")
    old = _git(repo, "rev-parse", "--short", "HEAD")
    (repo / "adventure" / "__init__.py").write_text("OLD = False\n", encoding="utf-8")
    dest = tmp_path / "before"
    assert bench_before.extract_tree(repo, old, dest) == dest
    assert (dest / "adventure" / "__init__.py").read_text(encoding="utf-8") == "OLD = True\n"
    (dest / "left-by-a-run").write_text("", encoding="utf-8")
    assert bench_before.extract_tree(repo, old, dest) == dest and (dest / "left-by-a-run").exists()  # reused
    (dest / ".commit").write_text("0" * 40 + "\n", encoding="ascii")  # another commit's files: replaced
    assert bench_before.extract_tree(repo, old, dest) == dest and not (dest / "left-by-a-run").exists()
    assert bench_before.extract_tree(repo, "0123456789abcdef", tmp_path / "x") is None
    assert bench_before.resolve_commit(tmp_path / "not-a-repo", "HEAD") is None


def test_each_side_runs_its_own_tree_even_from_a_folder_that_holds_another(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the checkout's root ``python -m adventure`` would import the checkout's package; -P stops that."""
    tree = tmp_path / "old"
    (tree / "adventure").mkdir(parents=True)
    (tree / "adventure" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    bench_before.check_side(bench_before.Side("before", tree, tmp_path))
    bench_before.check_side(bench_before.Side("after", ROOT, tmp_path))
    with pytest.raises(RuntimeError, match="not its tree"):
        bench_before.check_side(bench_before.Side("before", tmp_path / "elsewhere", tmp_path))


def test_without_the_old_commit_the_section_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_before, "resolve_commit", lambda repo, commit: None)
    section = bench_before.main()
    assert "Not measured" in section and bench_before.BEFORE in section


def test_the_before_commit_is_in_the_history_or_the_clone_is_shallow() -> None:
    if bench_before.resolve_commit(ROOT, bench_before.BEFORE) is None:
        pytest.skip(f"{bench_before.BEFORE} is not in this checkout's history (shallow clone or no git)")
    shown = subprocess.run(["git", "-C", str(ROOT), "show", f"{bench_before.BEFORE}:pyproject.toml"],
                           capture_output=True, text=True, check=True).stdout
    names = bench_before.requirement_names(shown)
    assert "rich" in names and "pyyaml" in names  # what the old tree needs is read from its own pyproject


def test_a_failing_module_gets_a_section_saying_so(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = type(sys)("bench_broken")
    broken.main = lambda: (_ for _ in ()).throw(RuntimeError("no story"))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bench_broken", broken)
    section = run.run_one("bench_broken")
    assert section.startswith(run.FAILED) and "RuntimeError: no story" in section


def test_a_pty_case_reports_the_cpu_its_process_used() -> None:
    pytest.importorskip("pexpect")
    import measure

    busy = [sys.executable, "-c", "sum(i * i for i in range(3 * 10**6)); print('done')"]
    wall, cpu = measure.pty_until_with_cpu(busy, {"PATH": "/usr/bin:/bin"}, (b"done",), timeout=60)
    assert cpu > 0 and wall > 0
    idle = [sys.executable, "-c", "import time; print('done'); time.sleep(30)"]
    _, little = measure.pty_until_with_cpu(idle, {"PATH": "/usr/bin:/bin"}, (b"done",), timeout=60)
    assert little < cpu  # killed at the marker: the sleeping process is not charged for what it never ran
