"""``seen(scene)`` and ``chose(choice)``: what the run did, readable without a stat per event.

The fixture ``tests/fixtures/memory`` reads ``seen(porch)``, ``seen(shed)``,
``chose(keys)`` and ``chose(porch.keys)``; each gets one hidden true/false slot after
the stats, set when a matching choice is taken, so the explorer stays exact and a story
that reads none has exactly the state space it had before.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adventure.analysis.explore import explore
from adventure.base.errors import StateError, StoryLoadError
from adventure.cli import main
from adventure.run import engine
from adventure.saves.runfile import dump_record, parse_record
from adventure.saves.store import record_for, resume
from adventure.story import expr as ex
from adventure.story.compiled import compiled
from adventure.story.loader import check_story, load_story

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MEMORY = FIXTURES / "memory"


@pytest.fixture(scope="module")
def story():
    return load_story(MEMORY, cache=False)


@pytest.fixture
def memory(tmp_path) -> Path:
    """A copy of the fixture story, free to edit."""
    return Path(shutil.copytree(MEMORY, tmp_path / "memory"))


def play(story, *choices: str) -> engine.RunState:
    state = engine.new_run(story, seed=1).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return state


# -- the expression language ---------------------------------------------------------------------


def test_recall_parses_with_ids_that_hold_dashes_dots_or_quotes():
    node = ex.parse('seen(fields-x) and not chose(porch.keys) or chose( "q" )')
    assert ex.to_source(node) == "seen(fields-x) and not chose(porch.keys) or chose(q)"
    assert ex.parse(ex.to_source(node)) == node
    assert [r.key for r in ex.recalls(node)] == ["seen(fields-x)", "chose(porch.keys)", "chose(q)"]
    assert ex.check(node, {}) is ex.StatType.BOOL
    assert ex.names(node) == frozenset()


@given(st.booleans(), st.booleans(), st.booleans())
def test_compiled_recall_agrees_with_evaluate(a, b, c):
    node = ex.parse("seen(x) and not chose(s.y) or chose(z) == true")
    env = {"seen(x)": a, "chose(s.y)": b, "chose(z)": c}
    compiled = ex.compile_expr(node, {"seen(x)": 0, "chose(s.y)": 1, "chose(z)": 2})
    assert compiled((a, b, c)) == ex.evaluate(node, env)


@pytest.mark.parametrize("source, offset, message", [
    ("seen()", 5, "`seen` takes one id"),
    ("seen(a.b)", 5, "a scene id has no `.`"),
    ("seen(a", 6, "missing `)`"),
    ("chose(a b)", 8, "`chose` takes one id"),
    ("chose(1x)", 6, "`chose` takes one id"),
    ("seen(a, b)", 6, "`seen` takes one id"),
])
def test_recall_syntax_errors_are_located(source, offset, message):
    with pytest.raises(ex.ExprSyntaxError) as caught:
        ex.parse(source)
    assert (caught.value.code, caught.value.offset, caught.value.message) == ("MM301", offset, message)


@given(st.sampled_from(["seen", "chose"]), st.text(alphabet=st.sampled_from("ab_-.9 ()\"'\\,\x00é"), max_size=12))
def test_any_text_after_seen_parses_or_raises_a_syntax_error(fn, rest):
    try:
        node = ex.parse(f"{fn}({rest}")
    except ex.ExprSyntaxError as error:
        assert 0 <= error.offset <= len(fn) + 1 + len(rest)
        return
    assert ex.parse(ex.to_source(node)) == node


def test_a_recall_is_a_condition_not_a_number():
    with pytest.raises(ex.ExprTypeError, match="`\\+` needs numbers"):
        ex.check(ex.parse("seen(a) + 1"), {})


def test_a_misspelt_function_suggests_seen():
    with pytest.raises(ex.ExprSyntaxError) as caught:
        ex.parse("sen(porch)")
    assert caught.value.hint == "did you mean `seen`?"


# -- loading: one slot per recalled scene or choice, nothing else ---------------------------------


def test_slots_are_allocated_only_for_what_is_read(story):
    assert [(m.key, m.slot, m.scene, m.choice) for m in story.memos] == [
        ("chose(keys)", 1, None, "keys"),
        ("seen(porch)", 2, "porch", None),
        ("chose(porch.keys)", 3, "porch", "keys"),
        ("seen(shed)", 4, "shed", None),
    ]
    assert story.initial_values == (0, False, False, False, False)
    assert story.marks("porch", "keys") == (1, 2, 3)
    assert story.marks("porch", "hand_back") == (2,)
    assert story.marks("yard", "leave") == ()


@pytest.mark.parametrize("name", ["mini", "lighthouse", "orchard", "canon"])
def test_a_story_that_reads_no_recall_has_no_hidden_state(name):
    story = load_story(FIXTURES / name, cache=False)
    assert story.memos == ()
    assert len(story.initial_values) == len(story.stats)


def test_the_shipped_story_has_a_slot_exactly_for_each_recall_it_writes(shipped_story, scenes_dir):
    written = set()
    for path in scenes_dir.glob("*.yaml"):
        written |= {f"{fn}({target})" for fn, target in
                    re.findall(r"\b(seen|chose)\(\s*['\"]?([A-Za-z0-9_.\-]+)", path.read_text(encoding="utf-8"))}
    assert {m.key for m in shipped_story.memos} == written
    assert len(shipped_story.initial_values) == len(shipped_story.stats) + len(written)


def test_the_mini_story_explores_as_before(mini_story):
    """The state space of a story without recalls is unchanged (30 states, 62 transitions, as pinned in test_explore)."""
    r = explore(mini_story)
    assert (r.states, r.transitions) == (30, 62)


def test_recall_adds_exactly_the_states_it_distinguishes(story):
    r = explore(story)
    assert r.complete and not r.broken_assumptions
    # (hope, chose(keys), seen(porch), chose(porch.keys), seen(shed)), breadth-first
    assert [r.state(i) for i in range(r.states)] == [
        ("porch", (0, False, False, False, False)),  # the start
        ("yard", (0, True, True, True, False)),  # kept the keys
        ("yard", (1, False, True, False, False)),  # handed them back
        ("porch", (0, False, True, False, False)),  # waited: a return visit, told apart by seen(porch)
        ("shed", (0, True, True, True, False)),
        ("porch", (1, True, True, True, True)),
        ("yard", (1, True, True, True, True)),
        ("yard", (2, True, True, True, True)),
    ]


def test_unknown_ids_are_located_errors_with_did_you_mean(memory):
    text = (memory / "one.yaml").read_text(encoding="utf-8")
    text = text.replace("seen(porch)", "seen(porh)").replace("chose(porch.keys)", "chose(porch.kys)")
    (memory / "one.yaml").write_text(text, encoding="utf-8")
    story_text = (memory / "story.yaml").read_text(encoding="utf-8").replace("chose(keys)", "chose(yard)")
    (memory / "story.yaml").write_text(story_text, encoding="utf-8")
    report = check_story(memory, cache=False)
    found = {(d.code, Path(d.file).name, d.line, d.column, d.message, d.hint) for d in report.errors}
    assert found == {
        ("MM404", "story.yaml", 14, 16, "`chose(yard)`: no choice called 'yard' in any scene",
         "'yard' is a scene: write seen(yard)"),
        ("MM404", "one.yaml", 7, 40, "`seen(porh)`: no scene called 'porh'", "did you mean 'porch'?"),
        ("MM404", "one.yaml", 22, 16, "`chose(porch.kys)`: scene 'porch' has no choice 'kys'",
         "did you mean 'keys'?"),
    }


def test_check_json_carries_the_code(memory, capsys):
    path = memory / "one.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('if: "chose(keys) and', 'if: "chose(key) and'),
                    encoding="utf-8")
    code = main(["check", "--json", "--no-cache", str(memory)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(e["code"], e["hint"]) for e in data["errors"]] == [("MM404", "did you mean 'keys'?")]


def test_a_computed_stat_cannot_read_the_past(memory):
    path = memory / "story.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "stats:\n", 'stats:\n  left: {type: bool, compute: "seen(porch)", label: Left}\n'), encoding="utf-8")
    with pytest.raises(StoryLoadError) as caught:
        load_story(memory, cache=False)
    (error,) = caught.value.diagnostics
    assert (error.code, error.line) == ("MM206", 10)
    assert "cannot read `seen(porch)`" in error.message


# -- play ----------------------------------------------------------------------------------------


def test_seen_is_true_on_a_return_visit_and_chose_stays_true(story):
    state = play(story)
    assert engine.scene_text(story, state) == "Mamá waits on the porch."
    state = play(story, "wait")
    assert engine.scene_text(story, state) == "Mamá waits on the porch. She is still there."
    assert engine.scene_text(story, play(story, "keys")) == "The keys jingle in your pocket."
    assert engine.scene_text(story, play(story, "hand_back")) == "Your pockets are empty."
    finished = play(story, "keys", "shed", "back", "hand_back", "leave")
    assert engine.ending_text(story, finished) == "You drive off. Hope 2."


def test_a_locked_reason_names_the_scene_and_choice_for_players(story):
    state = play(story, "hand_back")
    (shed, _leave) = engine.offers(story, state)
    assert not shed.enabled and shed.reason == "The shed is locked."
    choice = story.scenes["yard"].choice("shed")
    env = engine.environment(story, state.values)
    assert ex.unmet(choice.condition, env, story.labels) == ["chose “Keep the keys”"]
    assert ex.describe(ex.parse("seen(shed)"), story.labels) == "seen “The Shed”"


def test_events_report_stats_only(story):
    outcome = engine.take(story, play(story), "keys")
    assert [e for e in outcome.events if isinstance(e, engine.StatChanged)] == []


def test_state_dict_holds_stats_apart_and_reads_memory_back_from_the_log(story):
    state = play(story, "wait", "keys")
    data = state.to_dict(story)
    assert data["stats"] == {"hope": 0}
    assert engine.RunState.from_dict(story, data) == state
    old_style = {k: v for k, v in data.items() if k != "remembers"}  # the shape of before: the log says it all
    assert old_style["log"] == [["porch", "wait"], ["porch", "keys"]]
    assert engine.RunState.from_dict(story, old_style) == state
    assert engine.RunState.from_dict(story, old_style).values == (0, True, True, True, False)


def test_a_saved_run_round_trips_and_resumes_with_its_memory(story):
    state = play(story, "keys", "shed", "back")
    record = parse_record(dump_record(record_for(story, state, "run-20260101-000000")))
    resumed = resume(story, record)
    assert resumed.state.values == state.values == (1, True, True, True, True)
    assert not resumed.story_changed


def test_the_stepper_marks_like_the_engine(story):
    stepper = compiled(story)
    for path in (["keys"], ["wait"], ["hand_back"], ["keys", "shed"]):
        before = play(story, *path[:-1])
        (move,) = stepper.moves(before.scene, before.values, path[-1])
        assert move.values == play(story, *path).values


def test_the_story_cache_keeps_the_memory(memory, monkeypatch, tmp_path):
    monkeypatch.setenv("MILLION_MILES_CACHE_DIR", str(tmp_path / "cache"))
    cold = load_story(memory)
    warm = load_story(memory)
    assert warm.memos == cold.memos
    state = play(warm, "keys", "shed", "back")
    assert engine.scene_text(warm, state) == "Mamá waits on the porch. She is still there."
    assert engine.offers(warm, play(warm, "keys"))[0].enabled


# -- translations ----------------------------------------------------------------------------------


def _translate(memory: Path, key: str, text: str) -> None:
    from adventure.i18n.catalog import read_catalog, write_catalog

    assert main(["i18n", "update", str(memory), "es"]) == 0
    path = memory / "locale" / "es.po"
    catalog = read_catalog(path, "es")
    for message in catalog:
        message.string = message.id if message.context != key else text
    path.write_bytes(write_catalog(catalog))


def test_a_translation_reads_seen_and_chose(memory, capsys):
    from adventure.i18n.translate import translate_story

    _translate(memory, "scene:yard:text", "{if chose(keys)}Las llaves suenan.{else}Nada.{end}")
    spanish = translate_story(load_story(memory, cache=False), "es")
    assert engine.scene_text(spanish, play(spanish, "keys")) == "Las llaves suenan."
    assert engine.scene_text(spanish, play(spanish, "hand_back")) == "Nada."


def test_a_translation_may_not_read_what_the_story_never_reads(memory, capsys):
    _translate(memory, "scene:yard:text", "{if seen(yard)}Otra vez.{end}")
    code = main(["check", "--json", "--no-cache", str(memory)])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    (error,) = data["errors"]
    assert error["code"] == "MM703" and "seen(yard), which the story itself never reads" in error["message"]


def test_check_json_lists_what_the_story_remembers_and_assumes(capsys, mini_dir):
    assert main(["check", "--json", "--no-cache", str(MEMORY)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["remembers"] == ["chose(keys)", "seen(porch)", "chose(porch.keys)", "seen(shed)"]
    assert data["assumptions"] == {"shed": "chose(keys) and not seen(shed)"}
    main(["check", "--json", "--no-cache", str(mini_dir)])
    plain = json.loads(capsys.readouterr().out)
    assert "remembers" not in plain and "assumptions" not in plain  # a story without them: the JSON of before


# -- sandbox runs: --set 'chose(keys)=true' ---------------------------------------------------------


def test_a_sandbox_start_may_set_what_the_run_remembers(story):
    from adventure.play.sandbox import parse_start

    start = parse_start(story, "yard", ["chose( keys )=yes", "seen(porch)=false"])
    assert start.values == (("chose(keys)", True), ("seen(porch)", False))
    state = engine.start_at(story, 1, start).state
    assert state.values == (0, True, False, False, False)
    assert engine.offers(story, state)[0].enabled  # the shed opens
    assert engine.scene_text(story, state) == "Your pockets are empty."  # chose(porch.keys) was not given


@pytest.mark.parametrize("sets, message", [
    (["chose(key)=true"], "the story never reads 'chose(key)'; did you mean 'chose(keys)'?"),
    (["chose(keys)=3"], "'chose(keys)' is true or false, not '3'"),
])
def test_a_sandbox_start_checks_what_it_sets(story, sets, message):
    from adventure.base.errors import UsageError
    from adventure.play.sandbox import parse_start

    with pytest.raises(UsageError, match=re.escape(message)):
        parse_start(story, "yard", sets)


def test_a_story_without_recalls_says_so(mini_story):
    from adventure.base.errors import UsageError
    from adventure.play.sandbox import parse_start

    with pytest.raises(UsageError, match=re.escape("the story never reads 'seen(gate)'; it reads none")):
        parse_start(mini_story, None, ["seen(gate)=true"])


def _random_run(story, start, picks):
    state = engine.start_at(story, 3, start).state if start else engine.new_run(story, 3).state
    for pick in picks:
        enabled = [o.choice.id for o in engine.offers(story, state) if o.enabled]
        if state.finished or not enabled:
            break
        state = engine.take(story, state, enabled[pick % len(enabled)]).state
    return state


memo_keys = st.sampled_from(["chose(keys)", "seen(porch)", "chose(porch.keys)", "seen(shed)"])
starts = st.one_of(st.none(), st.builds(
    lambda scene, flags: engine.Start(scene, tuple(flags.items())),
    st.sampled_from(["porch", "yard", "shed"]), st.dictionaries(memo_keys, st.booleans(), max_size=4)))


@given(start=starts, picks=st.lists(st.integers(0, 5), max_size=12))
def test_any_run_with_memory_round_trips_and_verifies(story, start, picks):
    from datetime import datetime, timezone

    from adventure.saves.verify import verify

    state = _random_run(story, start, picks)
    record = record_for(story, state, "prop", created=datetime(2026, 1, 1, tzinfo=timezone.utc), start=start)
    again = parse_record(dump_record(record))
    assert again == record
    assert verify(story, again).ok
    assert resume(story, again).state == state


@pytest.mark.parametrize("name", ["chose(a b)", "seen(a).x", "chose(a.b.c)", "seen()", "chose(-a)", "x(a)"])
def test_a_run_file_refuses_a_start_key_that_is_neither_a_stat_nor_a_recall(story, name):
    from adventure.base.errors import SaveError

    record = record_for(story, engine.new_run(story, 1).state, "prop", start=engine.Start("yard", ((name, True),)))
    with pytest.raises(SaveError, match="start stat"):
        parse_record(dump_record(record))


def test_a_state_dict_keeps_a_sandbox_starts_memory(story):
    state = engine.start_at(story, 1, engine.Start("yard", (("chose(keys)", True),))).state
    data = state.to_dict(story)
    assert data["remembers"] == {"chose(keys)": True, "seen(porch)": False, "chose(porch.keys)": False,
                                 "seen(shed)": False}
    assert engine.RunState.from_dict(story, data) == state  # the log alone could not say it
    with pytest.raises(StateError, match=re.escape("'seen(porch)' should be true or false")):
        engine.RunState.from_dict(story, dict(data, remembers={"seen(porch)": 1}))


def test_a_story_without_memory_keeps_the_state_dict_of_before(mini_story):
    assert "remembers" not in engine.new_run(mini_story, 1).state.to_dict(mini_story)
