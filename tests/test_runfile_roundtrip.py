"""Every run file the program writes reads back as the record it was written from.

Hostile values at and past the limits: text with control characters, line and paragraph
separators, lone surrogates and 5,000 characters; numbers at the 20-digit edge; slot
names of 64 characters; folder names that are not UTF-8; and logs from empty to a few
thousand steps, repeating a few ids (the shared-step reading path) or each one new.
A record that cannot be read back is refused before writing (MM509), never written.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.base.errors import SaveError
from adventure.run.runlog import Step
from adventure.saves.runfile import FORMAT, SEED_LIMIT, RunRecord, encode_record, parse_record

ids = st.from_regex(r"[A-Za-z_][A-Za-z0-9_\-]{0,40}", fullmatch=True)
long_ids = st.from_regex(r"[A-Za-z_][A-Za-z0-9_\-]{200,300}", fullmatch=True)
hostile_text = st.one_of(
    st.text(min_size=1, max_size=40),
    st.text(alphabet=st.sampled_from("\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff\ud800 \n\t'\":#&*!|>-{}[]%@`"),
            min_size=1, max_size=40),
    st.builds(lambda c, n: c * n, st.characters(), st.integers(4990, 5010)),
)
edge_ints = st.one_of(st.integers(-(SEED_LIMIT - 1), SEED_LIMIT - 1),
                      st.sampled_from([SEED_LIMIT - 1, -(SEED_LIMIT - 1), 0, 2**63, 2**64]))
moments = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(8999, 12, 30)).map(
    lambda d: d.replace(microsecond=0, tzinfo=timezone.utc))


@st.composite
def logs(draw) -> tuple[Step, ...]:
    pool = draw(st.lists(st.builds(Step, st.one_of(ids, long_ids), ids), min_size=1, max_size=6))
    repeated = [pool[i % len(pool)] for i in range(draw(st.integers(0, 3000)))]  # long logs, cheaply
    fresh = draw(st.lists(st.builds(Step, ids, ids), max_size=20))
    return tuple(repeated + fresh)


@st.composite
def records(draw) -> RunRecord:
    steps = draw(logs())
    seed = draw(edge_ints)
    stats = draw(st.dictionaries(ids, st.one_of(edge_ints, st.booleans(), hostile_text), max_size=6))
    snapshot = {"scene": draw(ids), "chapter": draw(st.none() | ids), "ending": draw(st.none() | ids),
                "turn": len(steps), "seed": seed, "rng": draw(st.integers(0, SEED_LIMIT - 1)), "stats": stats}
    folder = draw(st.none() | st.text(min_size=1, max_size=30).filter(lambda t: "\0" not in t)
                  | st.binary(min_size=1, max_size=20).filter(lambda b: b"\0" not in b).map(os.fsdecode))
    return RunRecord(format=FORMAT, story_id=draw(ids), fingerprint=draw(hostile_text), engine_version=draw(hostile_text),
                     seed=seed, created=draw(moments), updated=draw(moments),
                     slot=draw(st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}", fullmatch=True)), steps=steps,
                     snapshot=snapshot, scenes=folder, header=draw(hostile_text))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example,
                                                                 HealthCheck.data_too_large])
@given(records())
def test_every_run_written_reads_back_as_written(record):
    try:
        data = encode_record(record)
    except SaveError as exc:  # only text that is not Unicode (a lone surrogate) is refused, and said so
        assert exc.code == "MM509"
        assert any("\ud800" <= c <= "\udfff" for field in (record.fingerprint, record.engine_version,
                                                           *(v for v in record.stats.values() if isinstance(v, str)))
                   for c in field)
        return
    back = parse_record(data, "run.yaml")
    assert back == record  # every field but where it was read from and the comment line
    assert back.steps == record.steps and type(back.steps) is tuple
    assert parse_record(data.decode("utf-8")) == back  # read as text, the same record
