"""The shared run log, and runs whose cost grows with their length, not its square."""

from __future__ import annotations

import copy
import pickle
import random
import sys
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from adventure.run import engine
from adventure.run.runlog import EMPTY, Log, Step

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

steps_st = st.lists(st.builds(Step, st.sampled_from("abc"), st.sampled_from("xyz")), max_size=12)


@given(steps_st)
def test_a_log_reads_like_the_tuple_of_its_steps(steps):
    log = Log.of(steps)
    as_tuple = tuple(steps)
    assert log == as_tuple and as_tuple == log and not (log != as_tuple)  # noqa: SIM202 - __ne__ itself
    assert hash(log) == hash(as_tuple)
    assert len(log) == len(as_tuple) and bool(log) == bool(as_tuple)
    assert list(log) == steps and list(reversed(log)) == steps[::-1]
    for i in range(-len(steps), len(steps)):
        assert log[i] == as_tuple[i]
    for cut in range(-len(steps) - 1, len(steps) + 2):
        assert log[:cut] == as_tuple[:cut]
    assert log[1::2] == as_tuple[1::2]
    assert Log.of(steps) == log  # built apart, equal by content
    probe = Step("a", "x")
    assert (probe in log) == (probe in as_tuple) and log.count(probe) == as_tuple.count(probe)
    if probe in as_tuple:
        assert log.index(probe) == as_tuple.index(probe)
    assert isinstance(log, Sequence)
    assert pickle.loads(pickle.dumps(log)) == log and copy.deepcopy(log) == log


def test_a_log_is_shared_not_copied():
    a = EMPTY.append(Step("gate", "pick"))
    b = a.append(Step("road", "wait"))
    assert b.parent == a and b[:-1] == a and b[:1] == a and b.last == Step("road", "wait")
    assert a == (Step("gate", "pick"),) and len(b) == 2
    assert a._steps is b._steps  # the newest log grows the list it shares
    branch = a.append(Step("road", "run"))  # a second step from an older log: a list of its own
    assert branch._steps is not b._steps and list(branch) == [Step("gate", "pick"), Step("road", "run")]
    assert list(b) == [Step("gate", "pick"), Step("road", "wait")] and len(a) == 1  # neither changed
    again = a.append(Step("road", "wait"))  # the very step the shared list goes on with: shared
    assert again._steps is b._steps and again == b
    with pytest.raises(IndexError):
        b[2]
    assert b != a and b != (Step("gate", "pick"),) and b != "not a log"


def test_a_long_log_compares_and_frees_without_recursion():
    log = EMPTY
    for i in range(300_000):  # far deeper than any C stack would survive recursing
        log = log.append(Step("s", str(i % 7)))
    other = Log.of(iter(log))
    assert other == log and len(other) == 300_000
    del log, other  # freeing a long chain must not overflow the C stack


@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from("ab")), max_size=30))
def test_logs_branched_anywhere_stay_what_they_were(moves):
    """Any order of appends from older and newer logs: each log keeps exactly its own steps."""
    logs: list[tuple[Log, tuple[Step, ...]]] = [(EMPTY, ())]
    for pick, choice in moves:
        log, steps = logs[pick % len(logs)]
        step = Step("s", choice)
        logs.append((log.append(step), (*steps, step)))
        for each, expected in logs:
            assert each == expected and tuple(each) == expected and len(each) == len(expected)
            assert [each[i] for i in range(len(each))] == list(expected)


def test_a_long_log_costs_a_pointer_a_step():
    """Before: one chain node and one Step record a step (~120 bytes); now a shared list entry."""
    def grow() -> Log:
        log = EMPTY
        for i in range(100_000):
            log = log.append(Step("s", str(i % 7)))
        return log

    peak = _peak(grow)
    assert peak < 12 * 100_000, f"{peak / 100_000:.0f} bytes a step"


def test_each_step_adds_one_node_to_the_log_it_shares(mini_story):
    first = engine.new_run(mini_story, 9).state
    second = engine.take(mini_story, first, "pick").state
    third = engine.take(mini_story, second, "pick").state
    assert isinstance(third.log, Log) and third.log.parent == second.log and third.log._steps is second.log._steps
    assert third.log == (Step("gate", "pick"), Step("gate", "pick"))
    restored = engine.RunState.from_dict(mini_story, third.to_dict(mini_story))
    assert restored == third and hash(restored) == hash(third)


def test_replay_streams_its_outcomes(mini_story):
    state = engine.take(mini_story, engine.take(mini_story, engine.new_run(mini_story, 9).state, "pick").state,
                        "pick").state
    seen: list[engine.Outcome] = []
    result = engine.replay(mini_story, 9, iter(state.log), visit=seen.append)  # any iterable, read once
    assert result.complete and result.applied == 2 and result.state == state
    assert [o.state.turn for o in seen] == [0, 1, 2] and result.last is seen[-1]
    assert not hasattr(result, "outcomes")


# -- reading and writing long run files ------------------------------------------------------


def _long_record(tmp_path, steps: int):
    from bench_runs import write_story

    from adventure.saves.store import record_for
    from adventure.story.loader import load_story

    story = load_story(write_story(tmp_path / "loop"))
    chooser = random.Random(steps)
    state = engine.new_run(story, 1).state
    for _ in range(steps):
        ids = [o.choice.id for o in engine.offers(story, state) if o.enabled and o.choice.id != "leave"]
        state = engine.take(story, state, chooser.choice(ids)).state
    return story, record_for(story, state, "loop")


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_reading_and_verifying_a_long_run_takes_memory_in_proportion(tmp_path):
    """Before: PyYAML's node tree (~2 KB a step) and a log copied at every step."""
    from adventure.saves.runfile import dump_record, parse_record
    from adventure.saves.verify import verify

    story, short = _long_record(tmp_path, 2_000)
    _, long = _long_record(tmp_path, 8_000)
    texts = {n: dump_record(r) for n, r in ((2_000, short), (8_000, long))}
    for text in texts.values():
        assert verify(story, parse_record(text)).ok
    peaks = {n: _peak(lambda t=text: verify(story, parse_record(t))) for n, text in texts.items()}
    assert peaks[8_000] < 6 * 2**20, f"{peaks[8_000] / 2**20:.1f} MiB to read and verify 8,000 steps"
    assert peaks[8_000] < 5 * peaks[2_000]  # four times the steps, about four times the memory
    dumped = _peak(lambda: dump_record(long))
    assert dumped < 4 * 2**20, f"{dumped / 2**20:.1f} MiB to write 8,000 steps"


@given(st.lists(st.builds(Step, st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12)), max_size=6))
def test_run_files_are_written_as_yaml_safe_dump_writes_them(mini_story, steps):
    import dataclasses

    from adventure.saves.runfile import dump_record
    from adventure.saves.store import record_for

    record = dataclasses.replace(record_for(mini_story, engine.new_run(mini_story, 1).state, "x"), steps=tuple(steps))
    expected = yaml.safe_dump(record.to_dict(), sort_keys=False, allow_unicode=True,
                                       default_flow_style=False, width=100)
    header, body = dump_record(record).split("\n", 1)
    assert header.startswith("#") and body == expected  # after the comment line, exactly safe_dump's text


@pytest.mark.parametrize("text", [
    "a: 1\nb: [x, 'y', 2.5, null, true, 2026-01-02T03:04:05Z]\nc: {d: {e: []}}\n",
    "- {scene: gate, choice: pick}\n- {scene: 'true', choice: '007'}\n",
    "", "plain\n", "!!str 12\n", "k: !!binary aGk=\n",
])
def test_event_built_data_equals_the_safe_loader(text):
    from adventure.saves.yamlevents import plain_data

    assert plain_data(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text, message", [
    ("a: &x [1]\nb: *x\n", "alias"),
    ("a: !!python/object:os.system x\n", "tag"),
    ("a: !!python/tuple [1]\n", "tag"),
    ("a: 1\n---\nb: 2\n", "single document"),
    ("? [1]\n: 2\n", "unhashable"),
    ("a: [1\n", "expected"),
])
def test_event_built_data_refuses_what_the_safe_loader_refuses(text, message):
    from adventure.saves.yamlevents import plain_data

    with pytest.raises(yaml.YAMLError, match=message):
        plain_data(text)


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                     st.floats(allow_nan=False, allow_infinity=False))
_data = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)


@given(_data, st.booleans())
def test_event_built_data_equals_the_safe_loader_on_any_dumped_data(data, flow):
    from adventure.saves.yamlevents import plain_data

    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert plain_data(text) == yaml.safe_load(text)


def test_a_sandbox_run_file_is_written_as_yaml_safe_dump_writes_it(mini_story):
    import dataclasses

    from adventure.saves.runfile import dump_record, parse_record
    from adventure.saves.store import record_for

    state = engine.take(mini_story, engine.new_run(mini_story, 1).state, "pick").state
    record = dataclasses.replace(record_for(mini_story, state, "x"), start=engine.Start("gate", (("apples", 2),)))
    expected = yaml.safe_dump(record.to_dict(), sort_keys=False, allow_unicode=True,
                                       default_flow_style=False, width=100)
    header, body = dump_record(record).split("\n", 1)
    assert header.startswith("#") and body == expected  # after the comment line, exactly safe_dump's text
    assert parse_record(dump_record(record)).start == record.start
