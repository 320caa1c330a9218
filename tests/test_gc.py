"""The garbage collector: paused only inside the loader, always restored; the story frozen by the CLI.

These check behaviour only; what the policy is worth is measured in ``benchmarks/bench_gc.py``.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from adventure.analysis.explore import explore
from adventure.analysis.randomplay import random_play
from adventure.story import loader

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.parametrize("folder", ["mini", "analysis/flawed", "does-not-exist"])
def test_loading_leaves_the_collector_on(collector_on, folder):
    report = loader.check_story(FIXTURES / folder)
    assert gc.isenabled()
    if report.story is not None:
        explore(report.story)
        random_play(report.story, 20)
        assert gc.isenabled()


def test_a_loader_that_fails_midway_still_restores_the_collector(collector_on, monkeypatch):
    def broken(root):
        assert not gc.isenabled()  # paused while loading ...
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(loader, "_full", broken)
    with pytest.raises(RuntimeError):
        loader.check_story(FIXTURES / "mini")
    assert gc.isenabled()  # ... and switched back on in a finally


def test_loading_does_not_switch_on_a_collector_the_caller_switched_off():
    was = gc.isenabled()
    gc.disable()
    try:
        loader.check_story(FIXTURES / "mini")
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("argv", [["check", "--explore"], ["graph"]])
def test_the_command_line_freezes_the_loaded_story(argv, mini_dir):
    code = ("import gc, sys\nfrom adventure.cli import main\n"
            f"assert gc.get_freeze_count() == 0\nmain({argv + [str(mini_dir)]!r})\n"
            "print('frozen', gc.get_freeze_count(), gc.isenabled(), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=str(mini_dir.parent.parent.parent))
    frozen = [line for line in out.stderr.splitlines() if line.startswith("frozen")]
    assert frozen, out.stderr
    _, count, enabled = frozen[0].split()
    assert int(count) > 0 and enabled == "True"  # how much it freezes, and what that buys: benchmarks/bench_gc.py
