"""The collector policy lives at the edge (``adventure/cli/_memory.py``): libraries leave the collector alone.

These check behaviour only (who pauses, who restores, who freezes, and when); what the
policy is worth, and how many objects a freeze moves, is measured in
``benchmarks/bench_gc.py``, which states both as thresholds.
"""

from __future__ import annotations

import gc
import re
from pathlib import Path

import pytest

from adventure.analysis.explore import explore
from adventure.analysis.randomplay import random_play
from adventure.cli import _memory, main
from adventure.story import loader

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_only_the_edge_switches_or_freezes_the_collector():
    """A library function that paused the collector would override the process's policy (issue 18 §6)."""
    touching = re.compile(r"\bgc\.(disable|enable|freeze|unfreeze|set_threshold)\(")
    found = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "adventure").rglob("*.py"))
             if touching.search(path.read_text(encoding="utf-8")) and path.name != "_memory.py"]
    assert found == []


@pytest.mark.parametrize("folder", ["mini", "analysis/flawed", "does-not-exist"])
def test_loading_leaves_the_collector_as_it_was(collector_on, folder, monkeypatch):
    seen: list[bool] = []
    real = loader._full
    monkeypatch.setattr(loader, "_full", lambda root, *a: seen.append(gc.isenabled()) or real(root, *a))
    report = loader.check_story(FIXTURES / folder, cache=False)
    assert seen == [True] and gc.isenabled()  # not paused inside the library
    if report.story is not None:
        explore(report.story)
        random_play(report.story, 20)
        assert gc.isenabled()
    gc.disable()
    loader.check_story(FIXTURES / folder, cache=False)
    assert not gc.isenabled()  # nor switched on


def test_bulk_pauses_then_restores_and_freezes(collector_on, monkeypatch):
    frozen: list[bool] = []
    monkeypatch.setattr(_memory.gc, "freeze", lambda: frozen.append(gc.isenabled()))
    with _memory.bulk():
        assert not gc.isenabled()
        assert frozen == []
    assert gc.isenabled() and frozen == [True]  # frozen after, with the collector back on


def test_bulk_restores_the_collector_when_the_load_fails(collector_on):
    with pytest.raises(RuntimeError), _memory.bulk():
        raise RuntimeError("disk on fire")
    assert gc.isenabled()


def test_bulk_does_not_switch_on_a_collector_the_caller_switched_off():
    was = gc.isenabled()
    gc.disable()
    try:
        with _memory.bulk():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.parametrize("argv", [["check"], ["check", "--explore"], ["graph"]])
def test_the_command_line_loads_in_bulk_and_freezes_after(argv, mini_dir, collector_on, monkeypatch, capsys):
    """The load runs with the collector paused; the freeze comes after it (and, to explore, after decoding)."""
    events: list[str] = []
    real = loader.check_story

    def spy(*args, **kwargs):
        events.append(f"load paused={not gc.isenabled()}")
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "check_story", spy)
    monkeypatch.setattr(_memory.gc, "freeze", lambda: events.append("freeze"))
    assert main([*argv, str(mini_dir)]) == 0
    assert events[:2] == ["load paused=True", "freeze"]
    if argv != ["check"]:
        assert events[2:] == ["freeze"]  # every scene decoded and compiled for the search, then frozen
    assert gc.isenabled()


@pytest.mark.parametrize("argv", [["check", "--explore"], ["graph"]])
def test_the_search_runs_with_the_collector_paused_and_gives_it_back(argv, mini_dir, collector_on, monkeypatch,
                                                                      capsys):
    """The explorer's search makes no cycles: the commands pause the collector around it, then restore it."""
    from adventure.analysis import search as searching

    during: list[bool] = []
    real = searching._search
    monkeypatch.setattr(searching, "_search", lambda *a: during.append(gc.isenabled()) or real(*a))
    assert main([*argv, str(mini_dir)]) == 0
    assert during == [False] and gc.isenabled()


def test_paused_restores_only_what_it_found(collector_on):
    with pytest.raises(RuntimeError), _memory.paused():
        assert not gc.isenabled()
        raise RuntimeError("search failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with _memory.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_language_server_policy_is_undone_on_leaving(monkeypatch):
    monkeypatch.setattr(_memory.gc, "freeze", lambda: None)
    before = gc.get_threshold()
    with _memory.serving():
        assert gc.get_threshold()[0] == _memory.SERVER_YOUNG_THRESHOLD
    assert gc.get_threshold() == before


def test_a_full_load_keeps_no_yaml_node_alive():
    """PyYAML's constructor memoises every node it builds; a module-level one kept them all, for good.

    At 10,000 generated scenes that was 12 MiB of the 128 MiB a cold load peaked at.
    """
    import yaml

    loader.check_story(FIXTURES / "mini", cache=False)
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, (yaml.Node, yaml.Mark))]


def test_play_starts_with_the_collector_paused_until_the_first_line(mini_dir, collector_on, monkeypatch, capsys):
    """The game's start (imports, the load, the first screen) runs paused; the first line read ends it, frozen."""
    from adventure.cli import play

    events: list[str] = []

    def reader(interactive: bool, plain: bool):
        def read(prompt: str, words) -> str:
            events.append(f"read on={gc.isenabled()}")
            if len([e for e in events if e.startswith("read")]) > 2:
                raise EOFError
            return "help"
        return read

    monkeypatch.setattr(play, "_reader", reader)
    monkeypatch.setattr(_memory.gc, "freeze", lambda: events.append("freeze"))
    assert main(["play", "--plain", "--no-save", "--scenes", str(mini_dir)]) == 0
    assert events == ["freeze", "read on=False", "freeze", "read on=True", "read on=True"]  # load, start, play
    assert gc.isenabled()


@pytest.mark.parametrize("argv", [["--scenes", "does-not-exist"], ["--watch", "--seed", "1", "--continue"]])
def test_a_play_that_fails_before_its_first_line_switches_the_collector_back_on(argv, collector_on, capsys):
    assert main(["play", "--plain", "--no-save", *argv]) != 0
    assert gc.isenabled()


def test_a_start_leaves_a_collector_the_caller_switched_off_off():
    was = gc.isenabled()
    gc.disable()
    try:
        with _memory.starting():
            _memory.started()
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
