"""``check --explore`` findings: typed, coded, and located at the file and line involved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adventure.analysis.explore import explore
from adventure.analysis.findings import Finding, explore_findings
from adventure.analysis.randomplay import random_play
from adventure.cli import main
from adventure.story.loader import load_story

ANALYSIS = Path(__file__).resolve().parent / "fixtures" / "analysis"
FLAWED = ANALYSIS / "flawed"
LOCKS = ANALYSIS / "locks"


def where(finding: Finding) -> tuple[str, str, int]:
    return finding.code, Path(finding.file or "").name, finding.line


def test_every_flawed_finding_names_its_file_and_line():
    story = load_story(FLAWED)
    found = explore_findings(story, explore(story), None)
    assert [where(f) for f in found] == [
        ("MM601", "grounds.yaml", 32),  # ending 'rich'
        ("MM603", "grounds.yaml", 15),  # soft-lock: scene 'pit'
        ("MM604", "house.yaml", 33),    # trap: scene 'cellar'
        ("MM611", "grounds.yaml", 24),  # scene 'vault' unreachable
        ("MM612", "house.yaml", 19),    # choice 'secret' never offered
        ("MM612", "grounds.yaml", 28),  # choice 'loot' never offered
        ("MM614", "house.yaml", 14),    # locked 'door' whose condition never holds
        ("MM615", "story.yaml", 14),    # stat 'keys' constant
        ("MM615", "story.yaml", 15),    # stat 'lamp' constant
        ("MM616", "house.yaml", 12),    # the effect that clamps coins
    ]
    assert [f.severity for f in found][:3] == ["error"] * 3 and {f.severity for f in found[3:]} == {"warning"}
    clamp = found[-1]
    assert clamp.message == "stat 'coins' hits its maximum (3) and is clamped by `add: {coins: 1}`"
    assert clamp.column == 19 and clamp.where.endswith("house.yaml:12:19")


def test_a_locked_reason_that_can_never_come_true_is_a_warning():
    story = load_story(LOCKS)
    x = explore(story)
    assert x.locked_never_true == [("yard", "vault")]
    found = {f.data.get("choice"): f for f in explore_findings(story, x, None) if f.code != "MM619"}  # MM619 (inert) may name the same choice
    vault, ladder = found["vault"], found["ladder"]
    assert (vault.code, vault.severity, Path(vault.file or "").name, vault.line) == ("MM614", "warning", "yard.yaml", 16)
    assert "skill >= 3" in vault.message and "never be unlocked" in vault.message
    # reachable elsewhere (the gym), only never where offered: the softer warning
    assert (ladder.code, ladder.line) == ("MM613", 21)


def test_an_incomplete_search_says_it_fell_back_to_random_play(capsys):
    assert main(["check", "--explore", "--json", "--max-states", "5", str(FLAWED)]) == 1
    x = json.loads(capsys.readouterr().out)["explore"]
    assert x["random_fallback"] is True and x["locked_never_true"] is None
    (note,) = [f for f in x["findings"] if f["code"] == "MM610"]
    assert "fell back to 2000 seeded random runs (seed 0)" in note["message"] and note["data"]["random_fallback"]
    stuck = next(f for f in x["findings"] if f["code"] == "MM605")
    assert stuck["severity"] == "error" and stuck["file"].endswith("grounds.yaml") and stuck["line"] == 15
    rich = next(f for f in x["findings"] if f["code"] == "MM602")
    assert rich["line"] == 32 and rich["severity"] == "warning"


def test_random_play_alone_is_not_called_a_fallback(capsys):
    main(["check", "--random", "20", "--json", str(FLAWED)])
    x = json.loads(capsys.readouterr().out)["explore"]
    assert x["random_fallback"] is False and not any(f["code"] == "MM610" for f in x["findings"])


def test_json_findings_and_the_human_report_carry_the_locations(capsys):
    assert main(["check", "--explore", "--json", str(FLAWED)]) == 1
    x = json.loads(capsys.readouterr().out)["explore"]
    assert x["problems"] == [f["message"] for f in x["findings"] if f["severity"] == "error"]
    assert x["clamped_stats"][0]["effect"] == "add: {coins: 1}" and x["clamped_stats"][0]["line"] == 12
    assert x["soft_locks"][0]["line"] == 15 and x["traps"][0]["file"].endswith("house.yaml")
    assert main(["check", "--explore", str(FLAWED)]) == 1
    out = capsys.readouterr().out
    assert "grounds.yaml:32:5" in out and "house.yaml:12:19" in out and "house.yaml:14:9" in out


@pytest.mark.parametrize("runs", [50])
def test_findings_of_random_play_are_located(runs):
    story = load_story(FLAWED)
    found = explore_findings(story, None, random_play(story, runs, seed=1))
    assert found  # the flawed story has findings random play reaches: an empty list would pass vacuously
    assert all(f.file is not None for f in found if f.code != "MM617")
