"""A second, unrelated story (a lighthouse keeper) through every command, in its own words.

The engine must belong to no story: none of the shipped story's words may reach the
screens, saves, replays or exports of another one, and ``saves`` shows the columns
that story asks for (``presentation: saves_columns``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from adventure.run import engine
from adventure.story.loader import load_story
from adventure.ui.console import make_console

LIGHTHOUSE = Path(__file__).resolve().parent / "fixtures" / "lighthouse"
DAWN = ["#store", "#take_oil", "#up", "#trim", "#log", "#watch", "#next_night", "#watch", "#next_night",
        "#tend", "#stay_up", "#signal"]
SHIPPED_WORDS = re.compile(
    r"\b(launch\w*|lift-off|nasa|jos[ée]|years?|applications?|shuttle|astronauts?|orbit|houston|adela|"
    r"stockton|t-minus|million miles away)\b", re.I)


def shipped_words(text: str) -> list[str]:
    """The shipped story's words found in ``text`` (the list a test wants empty)."""
    return sorted({m.group(0).lower() for m in SHIPPED_WORDS.finditer(text)})


def run(command: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([command, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_the_word_list_catches_the_shipped_story(command, tmp_path):
    """The check can fail: the shipped story's own screens are full of these words."""
    result = run(command, "play", "--plain", "--no-save", "--seed", "1", stdin="quit\n")
    assert shipped_words(result.stdout)


def test_the_lighthouse_story_loads_with_its_own_presentation():
    story = load_story(LIGHTHOUSE)
    words = story.presentation
    assert (words.progress_label, words.sentence, words.countdown_end) == (
        "Lamp oil", "Nights kept on Gull Rock", "The lamp is lit!")
    assert words.saves_columns == ("night", "oil")
    assert [s.name for s in story.summary_stats] == ["night", "oil", "courage"]
    state = engine.new_run(story, 3).state
    for step in DAWN:
        state = engine.take(story, state, step[1:]).state
    assert state.ending == "dawn"
    assert "2 casks of oil" in engine.ending_text(story, state)


def test_a_stat_with_a_suffix_pair_says_one_cask_not_one_casks(tmp_path):
    """Issue 9 found "1 casks": a stat's suffix has a singular form (``suffix_one``) for the value 1,
    in the status panel, the saves table and the ending summary alike, and translatable like the rest."""
    story = load_story(LIGHTHOUSE)
    oil = story.stat("oil")
    assert (oil.display(1), oil.display(2), oil.display(0)) == ("1 cask", "2 casks", "0 casks")
    from adventure.i18n.strings import story_strings

    keys = {entry.key for entry in story_strings(story)}
    assert "stat:oil:suffix_one" in keys


@pytest.mark.parametrize("plain", [True, False], ids=["plain", "piped-rich"])
def test_play_save_replay_verify_export_without_a_word_of_the_shipped_story(command, tmp_path, plain):
    saves = tmp_path / "saves"
    flags = ["--plain"] if plain else []
    played = run(command, "play", "--scenes", str(LIGHTHOUSE), "--seed", "3", "--save-dir", str(saves), *flags,
                 stdin="\n".join(DAWN) + "\n")
    assert played.returncode == 0, played.stderr
    screens = played.stdout + played.stderr
    assert "The End: Dawn on Gull Rock" in screens
    assert "3 2 1 ... The lamp is lit!" in screens  # the gallery's countdown, in the story's words
    assert ("Nights kept on Gull Rock: " if plain else "Lamp oil ") in screens
    moved = "Courage: from 1 to 2" if plain else "Courage: 1 → 2"
    assert moved in screens and "Lamp: 0 " not in screens and "Lamp: from" not in screens  # summary_stats only
    run_file = next(p for p in saves.glob("run-*.yaml") if ".bak" not in p.name)  # the run's own slot
    saved = run_file.read_text(encoding="utf-8")
    assert saved.startswith("# The Keeper of Gull Rock: a kept log.")

    wide = subprocess.run([command, "saves", "--save-dir", str(saves), "--scenes", str(LIGHTHOUSE)],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "100"})
    header = next(line for line in wide.stdout.splitlines() if "slot" in line)
    assert re.search(r"slot\W+chapter\W+Night\W+Oil\W+ending", header), wide.stdout
    assert "2 casks" in wide.stdout
    listed = run(command, "saves", "--save-dir", str(saves), "--scenes", str(LIGHTHOUSE), "--plain")
    assert "; Oil 2 casks; ending: Dawn on Gull Rock" in listed.stdout  # --plain: a block per slot, no table, nothing cut
    assert "…" not in listed.stdout, listed.stdout

    verified = run(command, "replay", run_file.stem, "--save-dir", str(saves), "--scenes", str(LIGHTHOUSE), "--verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    replayed = run(command, "replay", run_file.stem, "--save-dir", str(saves), "--scenes", str(LIGHTHOUSE),
                   "--speed", "0", "--plain")
    assert replayed.returncode == 0 and "Dawn on Gull Rock" in replayed.stdout

    exports = []
    for suffix in ("txt", "md", "html"):
        target = tmp_path / f"run.{suffix}"
        exported = run(command, "replay", run_file.stem, "--save-dir", str(saves), "--scenes", str(LIGHTHOUSE),
                       "--export", str(target))
        assert exported.returncode == 0, exported.stderr
        exports.append(target.read_text(encoding="utf-8"))
    assert all("Dawn on Gull Rock" in text for text in exports)

    everything = "\n".join([screens, saved, listed.stdout, verified.stdout, replayed.stdout, *exports])
    assert shipped_words(everything) == []


def test_saves_shows_no_stat_columns_for_a_story_without_them(command, tmp_path, mini_dir):
    saves = tmp_path / "saves"
    run(command, "play", "--scenes", str(mini_dir), "--seed", "1", "--save-dir", str(saves), "--plain",
        stdin="1\nquit\n")
    listed = run(command, "saves", "--save-dir", str(saves), "--scenes", str(mini_dir))
    header = next(line for line in listed.stdout.splitlines() if "slot" in line)
    assert re.search(r"slot\W+chapter\W+ending", header), listed.stdout


def test_random_outcomes_carry_their_own_effects_and_memories():
    """`effects:` and `remember:` on a random outcome: the engine, the explorer and the summary agree."""
    from adventure.story.compiled import compiled

    story = load_story(LIGHTHOUSE)
    start = engine.new_run(story, 0).state
    values = tuple(3 if s.name == "night" else v for s, v in zip(story.stats, start.values, strict=True))
    courage = story.stat("courage").slot
    moves = {m.scene: m.values for m in compiled(story).moves("squall", values, "go_down")}
    assert moves["wreckage"][courage] == values[courage] + 1
    assert moves["driftwood"][courage] == values[courage] - 1
    seen = {}
    for seed in range(20):
        state = engine.RunState("squall", values, seed, engine.new_run(story, seed).state.rng)
        after = engine.take(story, state, "go_down").state
        assert after.values == moves[after.scene]
        seen[after.scene] = after
    assert set(seen) == {"wreckage", "driftwood"}


def test_a_drawn_outcome_is_remembered_in_the_summary():
    story = load_story(LIGHTHOUSE)
    steps = DAWN[:10] + ["#go_down", "#climb_back", "#signal"]
    state = engine.new_run(story, 5).state
    for step in steps:
        state = engine.take(story, state, step[1:]).state
    lines = engine.remembered(story, state)
    assert lines[-1] == "Signalled the ship"
    assert lines[-2] in {"Found the stove-in boat", "Shivered at the driftwood"}


def test_the_shipped_story_declares_its_own_words(shipped_story, tmp_path):
    from io import StringIO

    from adventure.cli.saves import print_slots
    from adventure.saves.store import SaveStore, record_for

    words = shipped_story.presentation
    assert (words.progress_label, words.countdown_prefix, words.countdown_end) == ("Launch pad", "T-minus", "Lift-off!")
    assert words.saves_columns == ("year",)
    store = SaveStore(tmp_path)
    store.write(record_for(shipped_story, engine.new_run(shipped_story, 1).state, "mine"))
    assert (tmp_path / "mine.yaml").read_text(encoding="utf-8").startswith("# A Million Miles Away: a saved run.")
    out = StringIO()
    print_slots(make_console(file=out, width=120), tmp_path, store.slots(), shipped_story)
    header = next(line for line in out.getvalue().splitlines() if "slot" in line)
    assert re.search(r"slot\W+chapter\W+Year\W+ending", header)
    assert re.search(r"\b1972\b", out.getvalue())


def test_run_header_words_cannot_break_the_run_file():
    """Story words go into a YAML comment: line breaks and control characters must not end it."""
    from datetime import datetime, timezone

    from adventure.saves.runfile import RunRecord, dump_record, parse_record

    moment = datetime(2026, 1, 1, tzinfo=timezone.utc)
    snapshot = {"scene": "a", "chapter": None, "ending": None, "turn": 0, "seed": 1, "rng": 1, "stats": {}}
    record = RunRecord(format=1, story_id="x", fingerprint="f", engine_version="0", seed=1, created=moment,
                       updated=moment, slot="s", steps=(), snapshot=snapshot, header="Two\nlines\u2028and \x1b]0;escapes\x07 \x85here")
    text = dump_record(record)
    assert text.splitlines()[0] == "# Two lines and ]0;escapes here. The steps are the truth; the snapshot is checked against them."
    assert parse_record(text).story_id == "x"


def test_saves_column_labels_are_not_markup(tmp_path):
    """A stat label such as '[bold]Oil[/]' is story text: shown as written, never read as markup."""
    from io import StringIO

    from adventure.cli.saves import print_slots
    from adventure.saves.store import SaveStore, record_for

    folder = tmp_path / "story"
    shutil.copytree(LIGHTHOUSE, folder)
    text = (folder / "story.yaml").read_text(encoding="utf-8")
    (folder / "story.yaml").write_text(text.replace("label: Oil,", 'label: "[bold]Oil[/]",'), encoding="utf-8")
    story = load_story(folder)
    store = SaveStore(tmp_path / "saves")
    store.write(record_for(story, engine.new_run(story, 1).state, "one"))
    out = StringIO()
    print_slots(make_console(file=out, width=160), tmp_path / "saves", store.slots(), story)
    assert "[bold]Oil[/]" in out.getvalue()
