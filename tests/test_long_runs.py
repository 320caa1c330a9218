"""Long runs stay flat: the headless replay, the one-walk true-path report, compact run files.

Each test here pins one of the changes that made a run of 100,000 steps cost time and
memory in proportion to its length with a small constant (issue 19, "Long runs flat"):
what ``replay --verify`` and loading a run replay headlessly must be exactly what the
engine's replay gives, the ending screen's report must equal its three parts, and a
run file's steps must cost a pointer each once read.
"""

from __future__ import annotations

import random
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.run import divergence, engine
from adventure.run.rebase import rebase, replay_headless
from adventure.run.runlog import Step
from adventure.story.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def stories(tmp_path_factory):
    from bench_runs import write_story
    from bench_verify import write_story as write_bench

    folder = tmp_path_factory.mktemp("long")
    return {
        "loop": load_story(write_story(folder / "loop")),
        "bench": load_story(write_bench(folder / "bench")),
        "canon": load_story(FIXTURES / "canon"),
        "mini": load_story(FIXTURES / "mini"),
    }


def _walk(story, seed: int, steps: int, chooser: random.Random, avoid: str = "") -> engine.RunState:
    state = engine.new_run(story, seed).state
    for _ in range(steps):
        offers = [o.choice.id for o in engine.offers(story, state) if o.enabled and o.choice.id != avoid]
        if not offers:
            break
        state = engine.take(story, state, chooser.choice(offers)).state
    return state


def _spoil(story, log: list[Step], chooser: random.Random, how: int) -> list[Step]:
    """A log made wrong in one of the ways a stale or hand-edited run is wrong."""
    if not log:
        return log
    at = chooser.randrange(len(log))
    scene = story.scenes[log[at].scene]
    other = chooser.choice([c.id for c in scene.choices])
    if how == 0:  # another choice of the same scene (maybe locked, maybe leading elsewhere)
        log[at] = Step(log[at].scene, other)
    elif how == 1:  # a choice the scene never had
        log[at] = Step(log[at].scene, "no_such_choice")
    elif how == 2:  # a scene the run is not in
        log[at] = Step(chooser.choice(list(story.scenes)), log[at].choice)
    elif how == 3:  # steps after the run has ended, or a log cut anywhere
        log = log + log[:at] if chooser.random() < 0.5 else log[:at]
    return log


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["loop", "bench", "canon", "mini"]), st.integers(0, 2**32), st.integers(0, 60),
       st.integers(0, 4))
def test_the_headless_replay_is_the_engines_replay(stories, name, seed, length, how):
    story = stories[name]
    chooser = random.Random(seed)
    log = _spoil(story, list(_walk(story, seed, length, chooser).log), chooser, how)
    expected = engine.replay(story, seed, log)
    got = replay_headless(story, seed, log)
    assert got.state == expected.state and got.state.log == expected.state.log
    assert got.applied == expected.applied and got.last == expected.last  # the last outcome's events too
    assert type(got.failure) is type(expected.failure) and str(got.failure) == str(expected.failure)


def test_verifying_a_run_takes_no_engine_step_but_the_last(stories, monkeypatch):
    """Before: every step of ``replay --verify`` went through ``engine.take`` (events, a state, a log node)."""
    from adventure.saves.runfile import dump_record, parse_record
    from adventure.saves.store import record_for
    from adventure.saves.verify import verify

    story = stories["loop"]
    state = _walk(story, 5, 500, random.Random(5), "leave")
    record = parse_record(dump_record(record_for(story, state, "loop")))
    taken = []
    real = engine.take
    monkeypatch.setattr(engine, "take", lambda *a, **k: taken.append(a) or real(*a, **k))
    report = verify(story, record)
    assert report.ok and report.applied == 500 and len(taken) == 1


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32), st.integers(0, 40))
def test_the_true_path_report_is_its_three_parts(stories, seed, length):
    story = stories["canon"]
    state = _walk(story, seed, length, random.Random(seed))
    report = divergence.true_path(story, state)
    found, shut = divergence.divergences(story, state), divergence.closed(story, state)
    assert report.found == found and report.shut == shut
    assert report.fork == divergence.next_fork(story, state)


def test_the_ending_summary_walks_the_run_twice_not_five_times(stories, monkeypatch):
    """The summary's remembered choices and its true-path report: one walk each (before: up to five)."""
    from adventure.ui.render import run_summary

    story = stories["canon"]
    state = _walk(story, 3, 40, random.Random(3))
    taken = []
    real = engine.take
    monkeypatch.setattr(engine, "take", lambda *a, **k: taken.append(a) or real(*a, **k))
    run_summary(story, state, plain=True)
    assert len(taken) <= 2 * len(state.log)


def test_a_read_run_costs_a_pointer_a_step(stories):
    """Before: a dict of two fresh strings a step while reading (~500 bytes), a Step record each after."""
    from adventure.saves.runfile import dump_record, parse_record
    from adventure.saves.store import record_for

    story = stories["loop"]
    state = _walk(story, 9, 20_000, random.Random(9), "leave")
    data = dump_record(record_for(story, state, "loop")).encode("utf-8")
    tracemalloc.start()
    try:
        record = parse_record(data)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert record.steps == tuple(state.log) and len(record.steps) == 20_000
    assert held < 24 * 20_000, f"{held / 20_000:.0f} bytes a step held"
    assert peak < 2 * len(data) + 64 * 20_000, f"{peak / 20_000:.0f} bytes a step at peak"
    assert len({id(s) for s in record.steps}) <= 3 * len(story.scenes)  # equal steps are one object


def test_rebase_with_a_snapshot_still_finds_the_difference(stories):
    story = stories["loop"]
    state = _walk(story, 2, 300, random.Random(2), "leave")
    from adventure.run.rebase import snapshot_of

    snapshot = {**snapshot_of(story, state), "rng": 1}
    rebased = rebase(story, 2, tuple(state.log), snapshot=snapshot)
    assert rebased.stopped is not None and rebased.stopped.reason == "snapshot" and "rng" in rebased.changed
    assert snapshot_of(story, state)["stats"] == state.to_dict(story)["stats"]


_scalars = st.one_of(st.text(max_size=8), st.sampled_from(["1", "true", "null", "~", "0x1F", "1e3", "2026-01-02", ".inf",
                                                          "yes", "", "0o17", "1_000"]),
                     st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))


@settings(max_examples=80, deadline=None)
@given(st.lists(_scalars, max_size=8), st.sampled_from([None, "'", '"']), st.integers(1, 4))
def test_repeated_scalars_read_as_the_safe_loader_reads_them(values, style, times):
    """Each distinct scalar is resolved once per document and reused: never across styles or tags."""
    import yaml

    from adventure.saves.yamlevents import plain_data

    text = yaml.safe_dump({"steps": [list(values) for _ in range(times)], "same": [v if isinstance(v, str) else str(v) for v in values]},
                          default_style=style, allow_unicode=True)
    expected = yaml.safe_load(text)
    assert plain_data(text) == expected
    assert plain_data(text.encode("utf-8"), lambda item: item, "steps") == expected


def test_writing_a_long_run_costs_its_text_not_a_dict_a_step(stories):
    """Before: every autosave built a dict and a fresh line per step (~330 bytes a step at 100,000 steps)."""
    from adventure.saves.runfile import encode_record, parse_record
    from adventure.saves.store import record_for

    story = stories["loop"]
    state = _walk(story, 4, 20_000, random.Random(4), "leave")
    record = record_for(story, state, "loop")
    data = encode_record(record)
    tracemalloc.start()
    try:
        encode_record(record)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(record.steps) == 20_000
    assert peak < 3 * len(data) + 16 * 20_000, f"{peak / 20_000:.0f} bytes a step at peak ({len(data)} bytes written)"
    assert parse_record(data).steps == record.steps


def _two_runs(stories, folder: Path):
    from adventure.saves.store import SaveStore, record_for

    story = stories["loop"]
    store = SaveStore(folder)
    for n, slot in enumerate(("run-20260101-000000", "run-20260102-000000")):
        store.write(record_for(story, _walk(story, n, 50 + n, random.Random(n), "leave"), slot))
    return story, store


def test_continue_reads_the_newest_run_once(stories, tmp_path, monkeypatch):
    """Before: the listing read every run, then ``continuation`` read the newest again."""
    from adventure.saves import store as store_module
    from adventure.saves.store import SaveStore, continuation

    _story, _ = _two_runs(stories, tmp_path)
    read = []
    real = store_module.parse_record
    monkeypatch.setattr(store_module, "parse_record", lambda data, path=None: read.append(path) or real(data, path))
    found = continuation(SaveStore(tmp_path))
    assert found.record is not None and found.record.slot == "run-20260102-000000" and len(found.record.steps) == 51
    assert sorted(p.name for p in read) == ["run-20260101-000000.yaml", "run-20260102-000000.yaml"]


def test_a_run_changed_after_the_listing_is_read_again(stories, tmp_path):
    import os

    from adventure.saves.store import SaveStore, record_for

    story, _ = _two_runs(stories, tmp_path)
    store = SaveStore(tmp_path)
    newest = max(store.slots(), key=lambda s: s.path.stat().st_mtime_ns)
    longer = record_for(story, _walk(story, 7, 80, random.Random(7), "leave"), newest.name)
    SaveStore(tmp_path).write(longer)  # another game wrote it since
    os.utime(newest.path, ns=(newest.path.stat().st_atime_ns, newest.path.stat().st_mtime_ns + 10**9))
    assert len(store.reread(newest.path).steps) == 80


@pytest.mark.parametrize("blank", ["", "\n \t\n", "\u00a0\u3000\n", "\u2028\u2029", "\ufeff\n"])
def test_a_run_file_of_white_space_is_empty_read_as_bytes_or_text(blank):
    from adventure.base.errors import SaveError
    from adventure.saves.runfile import parse_record

    said = []
    for data in (blank, blank.encode("utf-8")):
        with pytest.raises(SaveError) as caught:
            parse_record(data, "x.yaml")
        said.append(str(caught.value))
    assert said[0] == said[1]  # read raw or decoded, the same words
    assert ("the file is empty" in said[0]) == (blank != "\ufeff\n")
