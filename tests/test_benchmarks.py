"""The benchmarks' own measuring tools take the figure they claim to take.

Regression: an earlier RESULTS.md reported the peak memory of the benchmark process
itself ("133 MiB" at every run length), because on Linux a child's ``ru_maxrss`` starts
at its parent's size; and it timed the game's first paint as if it were a live prompt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import measure  # noqa: E402

ALLOCATE = "x = bytearray({mib} * 2**20)\nfor i in range(0, len(x), 4096): x[i] = 1"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is read from /proc (Linux)")
def test_a_child_started_from_a_large_process_reports_its_own_peak() -> None:
    ballast = bytearray(300 * 2**20)
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    sample = measure.run([sys.executable, "-c", ALLOCATE.format(mib=40)], dict(os.environ))
    assert 40 <= sample.peak_mib < 120, sample  # its own 40 MiB and an interpreter, not our 300
    inside = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
                             "import measure; print(measure.own_peak_mib())"], capture_output=True, text=True,
                            check=True)
    assert float(inside.stdout) < 120  # read inside the child: its own address space too
    del ballast


def test_a_failing_command_is_an_error_not_a_figure() -> None:
    with pytest.raises(RuntimeError, match="exited 3"):
        measure.run([sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))


def test_the_floor_app_is_timed_to_its_live_prompt_not_its_first_paint() -> None:
    pytest.importorskip("pexpect")
    env = dict(os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1")
    app = [sys.executable, str(ROOT / "benchmarks" / "floor_app.py"), "First way", "Second way"]
    painted = measure.pty_until(app, env, (b"Second way",), timeout=60)
    live = measure.pty_until([*app, "prompt"], env, (b"Second way", measure.LIVE_PROMPT), timeout=60)
    assert painted > 0 and live > 0
    import pexpect

    with pytest.raises(pexpect.EOF):  # without "prompt" it exits without ever reading keys
        measure.pty_until(app, env, (measure.LIVE_PROMPT,), timeout=10)


def test_ratios_are_medians_of_rounds() -> None:
    assert measure.ratio([2.0, 4.0, 9.0], [1.0, 1.0, 3.0]) == (3.0, 2.0, 4.0)


def test_the_generated_story_plays_the_same_in_choicescript(tmp_path: Path) -> None:
    """randomtest plays the ChoiceScript version to its ending (needs node and a checkout)."""
    import bench_random

    checkout = bench_random.choicescript_dir()
    if checkout is None:
        pytest.skip("no node or no ChoiceScript checkout ($CHOICESCRIPT_DIR, benchmarks/.work/choicescript)")
    game = bench_random.write_choicescript(checkout, tmp_path / "cs", 4)
    done = subprocess.run(["node", "randomtest.js", "num=30", "game=generated", "seed=0", "avoidUsedOptions=false",
                           "showChoices=true", "showCoverage=false"], cwd=game, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "RANDOMTEST PASSED" in done.stdout, done.stdout[-800:] + done.stderr[-800:]
    assert "#Go on" in done.stdout and "#Train in room 0" in done.stdout


def test_the_startup_cases_reach_their_live_prompts_and_the_import_log_is_read(tmp_path: Path) -> None:
    """New game and ``--continue`` show the markers the start-up benchmark waits for; importtime lines parse."""
    pytest.importorskip("pexpect")
    import bench_startup

    cases = bench_startup._interactive_cases(*bench_startup.first_labels())
    saves, steps = bench_startup.prepare_run(tmp_path, 10)
    assert steps > 0
    for name in ("game_prompt", "continue_prompt", "floor_prompt"):
        args, until, resumes = cases[name]
        env = bench_startup._env(tmp_path, MILLION_MILES_SAVE_DIR=str(saves if resumes else tmp_path / name))
        wall, cpu = bench_startup.pty_sample(args, env, until, timeout=60)
        assert wall > 0 and (cpu is None or 0 < cpu <= wall * 2), (name, wall, cpu)
    log = bench_startup._import_log(["-c", "import json; print('ready')"], bench_startup._env(tmp_path),
                                    tmp_path / "imports.log", (b"ready",))
    assert "json" in log and all(seconds >= 0 for seconds in log.values())
    assert bench_startup._grouped({"adventure.story.model": 0.02, "adventure.story.expr": 0.01, "yaml.reader": 0.005,
                                   "yaml": 0.001}) == [("adventure.story.model", 0.02), ("adventure.story.expr", 0.01),
                                                        ("yaml", 0.006)]
