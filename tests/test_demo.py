"""``adventure.saves.demo``: the tool that writes the demo runs CI replays (saves/, tests/runs/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from adventure.analysis.explore import explore
from adventure.saves.demo import shortest_runs, write_runs
from adventure.saves.runfile import parse_record
from adventure.saves.verify import verify

ROOT = Path(__file__).resolve().parent.parent


def test_shortest_runs_reach_every_ending_by_a_shortest_path(mini_story):
    shortest = explore(mini_story).ending_paths
    first = shortest_runs(mini_story, seed=0)
    assert "home" in first and first["home"].turn == len(shortest["home"] or ())  # no random draw on the way
    found = dict(first)
    for seed in range(1, 20):  # an ending behind a random draw needs a seed whose draw goes its way
        for ending, state in shortest_runs(mini_story, seed=seed).items():
            found.setdefault(ending, state)
    assert set(found) == set(mini_story.endings)
    for ending, state in found.items():
        path = shortest[ending]
        assert state.finished and state.ending == ending
        assert path is not None and state.turn >= len(path), ending  # never shorter than possible


def test_written_runs_verify_and_are_reproducible(mini_story, tmp_path):
    first = write_runs(mini_story, tmp_path / "a", prefix="mini-", scenes_hint="../fixtures/mini")
    second = write_runs(mini_story, tmp_path / "b", prefix="mini-", scenes_hint="../fixtures/mini")
    assert [p.name for p in first] == ["mini-home.yaml", "mini-sky.yaml"]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()  # fixed time and seed: the same bytes every time
        record = parse_record(a.read_bytes(), a)
        assert record.scenes == "../fixtures/mini" and record.slot == a.stem
        report = verify(mini_story, record, a.name)
        assert report.ok and report.applied == report.steps == len(record.steps) > 0
        assert report.ending == a.stem.removeprefix("mini-")
    assert not list((tmp_path / "a").glob(".*.tmp"))


def test_the_documented_command_writes_verified_runs_of_the_shipped_story(tmp_path):
    """``python -m adventure.saves.demo scenes OUT`` (saves/README.md): one verified run per ending found.

    Each is named like the shipped run for that ending; the shipped runs themselves are
    verified by tests/test_replay_verify.py (they may take other paths: re-recorded by hand).
    """
    from adventure.story.loader import load_story

    out = tmp_path / "saves"
    result = subprocess.run([sys.executable, "-m", "adventure.saves.demo", "scenes", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in out.glob("*.yaml"))
    shipped = sorted(p.name for p in (ROOT / "saves").glob("*.yaml"))
    assert set(written) <= set(shipped) and len(written) >= 3
    assert result.stdout.split() == [str(out / name) for name in written]
    story = load_story(ROOT / "scenes")
    for name in written:
        record = parse_record((out / name).read_bytes(), out / name)
        report = verify(story, record, name)
        assert report.ok and report.ending is not None and name == report.ending.replace("_", "-") + ".yaml"
