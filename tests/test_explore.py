"""The explorer (adventure/analysis/explore.py) and ``check --explore`` / ``--random``.

Planted mistakes in tests/fixtures/analysis/flawed are each found with the right path;
every reported path replays through the real engine (random draws forced) to the state
the explorer claims; and the explorer's step agrees with :func:`engine.take`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.analysis.explore import (
    PathStep,
    draws_in,
    explore,
    random_play,
    reachable_scenes,
    seed_for,
)
from adventure.base.errors import ChoiceLocked, UnknownChoice
from adventure.cli import main
from adventure.run import engine, rng
from adventure.story.compiled import compiled
from adventure.story.expr import StatType
from adventure.story.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
ANALYSIS = Path(__file__).resolve().parent / "fixtures" / "analysis"
FLAWED = ANALYSIS / "flawed"


def P(*steps: str) -> tuple[PathStep, ...]:
    """``P("hall:cellar>scene:garden", "garden:jump")``: a path in a compact spelling."""
    result = []
    for text in steps:
        where, _, outcome = text.partition(">")
        scene, choice = where.split(":")
        result.append(PathStep(scene, choice, outcome or None))
    return tuple(result)


def forced_rng(total: int, rolls: frozenset[int]) -> int:
    """A generator state whose next draw of ``range(total)`` lands in ``rolls``."""
    state = 0
    while rng.draw(state, total)[0] not in rolls:
        state += 1
    return state


def follow(story, path) -> engine.RunState:
    """Play ``path`` through :func:`engine.take`, forcing each random draw to the reported outcome."""
    state = engine.new_run(story, seed=0).state
    for step in path:
        assert state.scene == step.scene, f"path expects scene {step.scene}, run is in {state.scene}"
        if step.outcome is not None:
            (draw,) = draws_in(story, [step])
            state = dataclasses.replace(state, rng=forced_rng(*draw))
        outcome = engine.take(story, state, step.choice)
        drawn = [e.target for e in outcome.events if isinstance(e, engine.RandomDrawn)]
        assert drawn == ([step.outcome] if step.outcome is not None else [])
        state = outcome.state
    return state


@pytest.fixture(scope="module")
def flawed():
    return load_story(FLAWED)


@pytest.fixture(scope="module")
def flawed_result(flawed):
    return explore(flawed)


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """The benchmark's generated torus, 2x2: every goto kind, set expressions, clamps at both ends."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_explore", ROOT / "benchmarks" / "bench_explore.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return load_story(module.write_grid(tmp_path_factory.mktemp("grid"), size=2))


# -- planted mistakes -----------------------------------------------------------------------


def test_flawed_story_is_explored_completely(flawed_result):
    r = flawed_result
    assert r.complete
    # hall, cellar, maze, garden, pit: 4 coin values each
    assert r.states == 20
    assert r.expanded == 20


def test_soft_lock_found_with_shortest_path(flawed, flawed_result):
    r = flawed_result
    assert r.soft_lock_count == 2
    assert r.soft_lock_scenes == {"pit": 2}
    first = r.soft_locks[0]
    assert first.scene == "pit"
    assert first.values == (0, 0, False)
    assert first.path == P("hall:cellar>scene:garden", "garden:jump")
    assert r.soft_locks[1].path == P("hall:work", "hall:cellar>scene:garden", "garden:jump")
    end = follow(flawed, first.path)
    assert (end.scene, end.values) == ("pit", (0, 0, False))
    assert not any(o.enabled for o in engine.offers(flawed, end))


def test_trap_cycle_found_with_path(flawed, flawed_result):
    r = flawed_result
    assert r.trap_count == 8
    assert r.trap_scenes == {"cellar": 4, "maze": 4}
    assert r.traps[0].scene == "cellar"
    assert r.traps[0].path == P("hall:cellar>scene:cellar")
    maze = next(t for t in r.traps if t.scene == "maze")
    assert maze.path == P("hall:cellar>scene:cellar", "cellar:down")


def test_unreachable_scene_ending_and_choices(flawed_result):
    r = flawed_result
    assert r.unreachable_scenes == ["vault"]
    assert r.unreachable_endings == ["rich"]
    assert r.ending_paths["rich"] is None
    assert r.ending_paths["home"] == P("hall:leave")
    # never offered: a hidden choice locked everywhere, and the choices of an unreachable scene
    assert r.unreachable_choices == [("hall", "secret"), ("vault", "loot")]
    assert r.never_enabled_choices == [("hall", "door")]


def test_constant_and_clamped_stats(flawed, flawed_result):
    r = flawed_result
    assert r.constant_stats == ["keys", "lamp"]
    (clamp,) = r.clamped_stats
    assert (clamp.stat, clamp.bound, clamp.value) == ("coins", "max", 3)
    assert clamp.path == P("hall:work", "hall:work", "hall:work", "hall:work")
    assert follow(flawed, clamp.path).values[0] == 3


def test_mini_story_is_clean_and_reaches_both_endings(mini_story):
    r = explore(mini_story)
    assert r.complete
    assert r.soft_lock_count == 0 and r.trap_count == 0
    assert r.unreachable_endings == [] and r.unreachable_scenes == []
    assert r.ending_paths["home"] == P("gate:leave")
    sky = r.ending_paths["sky"]
    assert len(sky) == 9
    assert [s.outcome for s in sky if s.outcome] == ["scene:road"] * 3
    assert follow(mini_story, sky).ending == "sky"
    assert r.constant_stats == []  # the text stat 'name' is not a balance problem
    assert {(c.stat, c.bound) for c in r.clamped_stats} == {("apples", "max"), ("letters", "max")}


def test_budget_stops_early_and_withholds_unreachability(flawed):
    r = explore(flawed, max_states=5)
    assert not r.complete
    assert r.states == 5
    assert r.unreachable_scenes == [] and r.unreachable_choices == [] and r.constant_stats == []
    # traps stay sound: states that might still reach the unexplored part are not traps
    full = explore(flawed)
    full_traps = {full.state(i) for i in range(full.states)} & {(t.scene, t.values) for t in full.traps}
    assert {(t.scene, t.values) for t in r.traps} <= full_traps


def test_structural_reachability_assumes_conditions_can_hold(flawed, mini_story):
    # the vault's door is never enabled, but structurally it leads somewhere
    assert reachable_scenes(flawed) == {"hall", "cellar", "maze", "garden", "pit", "vault"}
    assert reachable_scenes(mini_story) == set(mini_story.scenes)


# -- paths replay through the engine ----------------------------------------------------------


MEMORY = Path(__file__).resolve().parent / "fixtures" / "memory"
STORIES = [Path(__file__).resolve().parent / "fixtures" / "mini", FLAWED, MEMORY]


@pytest.fixture(scope="module")
def memory():
    """seen()/chose(): hidden slots after the stats, set by the choices they recall."""
    return load_story(MEMORY)


@pytest.mark.parametrize("folder", STORIES, ids=lambda p: p.name)
def test_every_stored_state_path_replays(folder):
    story = load_story(folder)
    r = explore(story)
    for index in range(r.states):
        scene, values = r.state(index)
        end = follow(story, r.path_to(index))
        assert (end.scene, end.values, end.ending) == (scene, values, None)
        assert end.turn == len(r.path_to(index))


@pytest.mark.parametrize("which", ["mini", "flawed", "grid", "memory"])
def test_reported_paths_replay(which, explored):
    story, r = explored[which]
    for clamp in r.clamped_stats:
        follow(story, clamp.path)  # replays without error
    for ending, path in r.ending_paths.items():
        if path is not None:
            assert follow(story, path).ending == ending
    for found in [*r.soft_locks, *r.traps]:
        end = follow(story, found.path)
        assert (end.scene, end.values) == (found.scene, found.values)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_step_agrees_with_engine_take_on_any_values(data, mini_story, flawed, grid, memory):
    """The explorer's step against engine.take, on arbitrary in-range values (reachable or not)."""
    story = data.draw(st.sampled_from([mini_story, flawed, grid, memory]))
    stepper = compiled(story)
    scene = data.draw(st.sampled_from(list(story.scenes)))
    values = []
    for stat in story.stats:
        if stat.type is StatType.INT:
            values.append(data.draw(st.integers(stat.minimum, stat.maximum)))
        elif stat.type is StatType.BOOL:
            values.append(data.draw(st.booleans()))
        else:
            values.append(data.draw(st.sampled_from(["Pepe", 'a "quoted" name'])))
    values += [data.draw(st.booleans()) for _memo in story.memos]  # seen()/chose()
    values = tuple(values)
    choice = data.draw(st.sampled_from([c.id for c in story.scenes[scene].choices]))
    seed = data.draw(st.integers(0, 2**32))
    state = engine.RunState(scene, values, seed, rng.seed_state(seed))
    enabled = choice in stepper.enabled(scene, values)
    try:
        outcome = engine.take(story, state, choice)
    except (ChoiceLocked, UnknownChoice):
        assert not enabled
        return
    assert enabled
    moves = stepper.moves(scene, values, choice)
    after = outcome.state
    drawn = [e.target for e in outcome.events if isinstance(e, engine.RandomDrawn)]
    got = (drawn[0] if drawn else None, None if after.ending else after.scene, after.ending, after.values)
    assert got in [(m.outcome, m.scene, m.ending, m.values) for m in moves]
    # and every random outcome the explorer branches into is one the engine can draw
    for move in moves:
        if move.outcome is not None:
            (draw,) = draws_in(story, [PathStep(scene, choice, move.outcome, move.draw)])
            forced = engine.take(story, dataclasses.replace(state, rng=forced_rng(*draw)), choice).state
            assert (forced.values, forced.ending or None) == (move.values, move.ending)


@pytest.fixture(scope="module")
def explored(mini_story, flawed, grid, memory):
    return {"mini": (mini_story, explore(mini_story)), "flawed": (flawed, explore(flawed)),
            "grid": (grid, explore(grid)), "memory": (memory, explore(memory))}


def test_grid_is_big_enough_to_matter(explored):
    _story, r = explored["grid"]
    assert r.complete and r.states > 1000
    assert {(c.stat, c.bound) for c in r.clamped_stats} >= {("energy", "max"), ("coins", "min")}
    for path in r.ending_paths.values():
        assert path is not None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 10**9), which=st.sampled_from(["mini", "flawed", "grid"]))
def test_any_explored_state_is_where_its_path_leads(index, which, explored):
    story, r = explored[which]
    i = index % r.states
    end = follow(story, r.path_to(i))
    assert (end.scene, end.values) == r.state(i)


# -- random play and seeds --------------------------------------------------------------------


def test_random_play_is_deterministic_and_counts(mini_story):
    a = random_play(mini_story, 300, seed=4)
    b = random_play(mini_story, 300, seed=4)
    assert a.endings == b.endings and a.steps == b.steps
    assert sum(a.endings.values()) + a.stuck + a.capped == 300
    assert a.scenes_visited == {"gate", "road", "house", "city"}
    for ending, path in a.ending_paths.items():
        assert follow(mini_story, path).ending == ending


def test_random_play_finds_the_soft_lock(flawed):
    report = random_play(flawed, 400, seed=1)
    assert report.stuck > 0
    assert report.stuck_example.scene == "pit"
    end = follow(flawed, report.stuck_example.path)
    assert end.scene == "pit" and not any(o.enabled for o in engine.offers(flawed, end))


TWO_DRAWS_STORY = """\
format: 1
id: twice
title: Twice
start: s0
chapters: [one.yaml]
stats:
  x: {type: int, initial: 2, min: 0, max: 5, label: X}
endings:
  - {id: end, title: End, text: Done.}
"""

TWO_DRAWS_CHAPTER = """\
chapter: {id: one, title: One}
scenes:
  - id: s0
    title: S0
    text: Here.
    choices:
      - {id: done, label: Done, goto: {ending: end}}
      - id: gamble
        label: Gamble
        if: "x >= 2"
        goto:
          random:
            - {weight: 1, scene: s0, effects: [{subtract: {x: 1}}]}
            - {weight: 1, scene: s0}
"""


def test_two_draws_to_one_place_are_told_apart(tmp_path):
    """Outcomes of one random goto that lead to the same scene with different effects: a reported path
    names the one taken by its index, so the rolls (and the seed of a run written for it) draw that one."""
    from storybuilder import write_story

    story = load_story(write_story(tmp_path / "twice", story=TWO_DRAWS_STORY, chapter=TWO_DRAWS_CHAPTER))
    kept = PathStep("s0", "gamble", "scene:s0", 1)
    assert draws_in(story, [kept]) == [(2, frozenset({1}))]
    assert draws_in(story, [PathStep("s0", "gamble", "scene:s0", 0)]) == [(2, frozenset({0}))]
    path = (kept, kept, kept, PathStep("s0", "done"))
    seed = seed_for(story, path)
    assert seed is not None  # had the first outcome been drawn, the next gamble would be locked
    result = engine.replay(story, seed, [engine.Step(s.scene, s.choice) for s in path])
    assert result.complete and result.state.ending == "end" and result.state.values == (2,)
    moves = compiled(story).moves("s0", (2,), "gamble")
    assert [(m.outcome, m.draw, m.values) for m in moves] == [("scene:s0", 0, (1,)), ("scene:s0", 1, (2,))]


def test_seed_for_follows_the_draws(mini_story):
    path = explore(mini_story).ending_paths["sky"]
    seed = seed_for(mini_story, path)
    assert seed is not None
    result = engine.replay(mini_story, seed, [engine.Step(s.scene, s.choice) for s in path])
    assert result.complete and result.state.ending == "sky"
    assert seed_for(mini_story, path, budget=0) is None


# -- the command line ---------------------------------------------------------------------------


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["check", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_cli_flawed_exits_1_with_paths(capsys):
    code, data = run_json(capsys, "--explore", "--json", str(FLAWED))
    assert code == 1
    x = data["explore"]
    assert x["complete"] is True and x["states"] == 20 and x["transitions"] == 34
    assert x["ending_states"] == 4  # 'home' with 0..3 coins (the pit adds no new value tuple)
    assert isinstance(x["seconds"], float)
    assert x["endings"]["home"] == {**x["endings"]["home"], "reachable": True,
                                    "path": [{"scene": "hall", "choice": "leave"}]}
    assert x["endings"]["rich"]["reachable"] is False and x["endings"]["rich"]["path"] is None
    assert x["unreachable_scenes"] == ["vault"]
    assert x["unreachable_choices"] == [{"scene": "hall", "choice": "secret"}, {"scene": "vault", "choice": "loot"}]
    assert x["never_enabled_choices"] == [{"scene": "hall", "choice": "door", "condition": "keys >= 1"}]
    assert x["soft_lock_count"] == 2
    assert x["soft_locks"][0]["path"] == [{"scene": "hall", "choice": "cellar", "outcome": "scene:garden"},
                                          {"scene": "garden", "choice": "jump"}]
    assert x["soft_locks"][0]["stats"] == {"coins": 0, "keys": 0, "lamp": False}
    assert x["trap_count"] == 8
    assert x["traps"][0]["path"] == [{"scene": "hall", "choice": "cellar", "outcome": "scene:cellar"}]
    assert x["constant_stats"] == ["keys", "lamp"]
    assert x["clamped_stats"][0]["stat"] == "coins" and x["clamped_stats"][0]["bound"] == "max"
    assert len(x["problems"]) == 3


def test_cli_mini_exits_0(capsys):
    code, data = run_json(capsys, "--explore", "--json", str(STORIES[0]))
    assert code == 0
    x = data["explore"]
    assert x["complete"] and x["problems"] == [] and x["random"] is None
    assert x["endings"]["sky"]["random_draws"] == 3
    assert any("apples" in w for w in x["warnings"])


def test_cli_budget_falls_back_to_random(capsys):
    code, data = run_json(capsys, "--explore", "--json", "--max-states", "5", "--seed", "2", str(STORIES[0]))
    x = data["explore"]
    assert code == 0
    assert x["complete"] is False and x["states"] == 5
    assert x["random"]["runs"] == 2000 and x["random"]["seed"] == 2
    assert x["random"]["scene_coverage"] == 1.0
    assert sum(x["random"]["endings"].values()) == 2000
    assert x["endings"]["sky"]["reachable"] is True
    assert any("max-states" in w for w in x["warnings"])
    assert x["unreachable_scenes"] is None and x["constant_stats"] is None  # not proven either way


def test_cli_random_alone(capsys):
    code, data = run_json(capsys, "--random", "50", "--json", str(FLAWED))
    x = data["explore"]
    assert x["explored"] is False and x["random"]["runs"] == 50
    assert x["endings"]["rich"]["reachable"] is None  # not seen, not disproved
    assert code == (1 if x["random"]["stuck"] else 0)


def test_cli_rich_report(capsys):
    code = main(["check", "--explore", str(FLAWED)])
    out = capsys.readouterr().out
    assert code == 1
    assert "soft-lock in 'pit'" in out
    assert "ending 'rich' is unreachable" in out
    assert "hall:cellar (draw scene:garden) → garden:jump" in out


def test_cli_write_runs_verify(tmp_path, capsys):
    mini = STORIES[0]
    code = main(["check", "--explore", "--json", "--write-runs", str(tmp_path), str(mini)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    written = {w["ending"]: w for w in data["explore"]["written_runs"]}
    assert set(written) == {"home", "sky"}
    for ending, info in written.items():
        code = main(["replay", "--verify", "--json", info["file"]])
        verdict = json.loads(capsys.readouterr().out)
        assert code == 0, verdict
        assert verdict["ok"] and verdict["ending"] == ending


def test_cli_run_prefix_names_runs_by_their_ending(tmp_path, capsys):
    """``--run-prefix ''`` is how the demo runs in saves/ are written (saves/README.md)."""
    code = main(["check", "--explore", "--json", "--write-runs", str(tmp_path), "--run-prefix", "", str(STORIES[0])])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert sorted(Path(w["file"]).name for w in data["explore"]["written_runs"]) == ["home.yaml", "sky.yaml"]
    assert main(["replay", "--verify", str(tmp_path / "sky.yaml")]) == 0


@pytest.mark.parametrize("args", [["--run-prefix", "x"], ["--write-runs", "{out}", "--run-prefix", "../x"],
                                  ["--write-runs", "{out}", "--run-prefix=-x"]])
def test_cli_a_run_prefix_that_cannot_name_a_run_is_a_usage_error(tmp_path, capsys, args):
    out = tmp_path / "runs"
    code = main(["check", "--explore", *(a.format(out=out) for a in args), str(STORIES[0])])
    assert code == 2 and "--run-prefix" in capsys.readouterr().err
    assert not out.exists()  # refused before exploring, so nothing is written


def test_the_documented_command_rewrites_the_shipped_demo_runs(tmp_path, capsys):
    """saves/README.md: one verified run per ending, named as the shipped ones are."""
    out = tmp_path / "saves"
    code = main(["check", str(ROOT / "scenes"), "--explore", "--json", "--write-runs", str(out), "--run-prefix", ""])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["explore"]["skipped_runs"] == []
    shipped = {p.name for p in (ROOT / "saves").glob("*.yaml")}
    written = {p.name for p in out.glob("*.yaml")}
    assert written == {f"{e}.yaml" for e in data["endings"]} and shipped - written == {"true-path.yaml"}
    for run in sorted(out.glob("*.yaml")):
        assert main(["replay", "--verify", "--json", str(run)]) == 0
        assert json.loads(capsys.readouterr().out)["ending"] == run.stem
        assert "\nscenes:" not in run.read_text()  # the shipped story names no folder: the file replays anywhere


def test_cli_write_runs_skips_unlucky_paths(tmp_path, flawed):
    from adventure.cli.runwriter import write_runs

    path = P("hall:cellar>scene:garden", "garden:back", "hall:leave")
    written, skipped = write_runs(flawed, {"home": path}, tmp_path, budget=0)
    assert written == []
    assert skipped == [{"ending": "home", "reason": "no seed below 0 follows its 1 random draws"}]
    written, skipped = write_runs(flawed, {"home": path}, tmp_path)
    assert [w["ending"] for w in written] == ["home"] and skipped == []


def test_rich_report_golden_lines(mini_story):
    from argparse import Namespace
    from io import StringIO

    from adventure.cli.check import check_explore
    from adventure.ui.console import make_console

    out = StringIO()  # wide: the located lines must not wrap
    args = Namespace(explore=True, max_states=200_000, random=None, seed=0, write_runs=None)
    report = check_explore(mini_story, args, make_console(plain=True, width=200, file=out))
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    assert report.outcome.exit_code == 0
    assert re.sub(r"\d+\.\d\d s ·", "T s ·", lines[0]) == ("Exploration  complete · 30 states · 62 transitions · T s · "
                                                          "0% of the budget of 200,000 states")
    assert "│ home   │ ✓ │     1 │ gate:leave" in "\n".join(lines)
    assert lines[-5:] == [
        "! stat 'apples' hits its maximum (5) and is clamped by `add: {apples: 1}`",
        f"    at {mini_story.scenes['gate'].location.file}:16:19",
        "! stat 'letters' hits its maximum (3) and is clamped by `add: {letters: 1}`",
        f"    at {mini_story.scenes['road'].location.file}:12:19",
        "✓ every explored state can still reach an ending",
    ]


def test_shipped_story_explores_completely_and_cleanly(scenes_dir):
    """The shipped story explores completely and cleanly (its time is a benchmark figure)."""
    story = load_story(scenes_dir)  # a story that does not load is a failure, never a skip
    r = explore(story)  # its speed (< 2 s) is measured in benchmarks/bench_explore.py, not here
    assert r.complete
    assert (r.soft_lock_count, r.trap_count, r.unreachable_endings) == (0, 0, [])
    for ending, path in r.ending_paths.items():
        assert follow(story, path).ending == ending


def test_saturating_stats_are_clamped_without_a_warning(tmp_path, capsys):
    """`saturates: true` declares a clamp intended; others are reported as balance warnings."""
    from storybuilder import STORY, write_story

    from adventure.cli import main

    for saturates, expect_warning in ((False, True), (True, False)):
        story = STORY.replace("label: Skill, show: true}", f"label: Skill, show: true, saturates: {str(saturates).lower()}}}")
        root = write_story(tmp_path / str(saturates), story=story)
        assert main(["check", "--explore", "--json", str(root)]) == 0
        explore = json.loads(capsys.readouterr().out)["explore"]
        assert [(c["stat"], c["bound"], c["expected"]) for c in explore["clamped_stats"]] == [("skill", "max", saturates)]
        assert any("'skill' hits its maximum" in w for w in explore["warnings"]) is expect_warning
