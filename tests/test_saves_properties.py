"""Properties of run files: any run round-trips; any damage is a SaveError, never a crash."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.base.errors import SaveError
from adventure.run import engine
from adventure.saves.runfile import dump_record, parse_record
from adventure.saves.store import record_for, resume
from adventure.saves.verify import verify

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _random_run(story, seed: int, picks: list[int]):
    state = engine.new_run(story, seed).state
    for pick in picks:
        enabled = [o.choice.id for o in engine.offers(story, state) if o.enabled]
        if state.finished or not enabled:
            break
        state = engine.take(story, state, enabled[pick % len(enabled)]).state
    return state


runs = st.tuples(st.integers(-(2**63), 2**64), st.lists(st.integers(0, 10), max_size=25))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(run=runs)
def test_any_run_round_trips_and_verifies(mini_story, run):
    state = _random_run(mini_story, *run)
    record = record_for(mini_story, state, "prop", created=T0, now=T0)
    again = parse_record(dump_record(record))
    assert again == record
    assert verify(mini_story, again).ok
    assert resume(mini_story, again).state == state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(run=runs, position=st.integers(0, 10_000), junk=st.binary(min_size=1, max_size=8))
def test_damaged_files_fail_only_with_save_error(mini_story, run, position, junk):
    text = dump_record(record_for(mini_story, _random_run(mini_story, *run), "prop", now=T0)).encode()
    at = position % len(text)
    damaged = text[:at] + junk + text[at + len(junk):]
    try:
        record = parse_record(damaged, "damaged.yaml")
    except SaveError as exc:
        assert "damaged.yaml" in str(exc) and exc.hint
        return
    try:  # it parsed: loading it into the story must still fail cleanly or succeed
        resume(mini_story, record)
    except SaveError:
        pass
