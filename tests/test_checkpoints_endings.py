"""Issue 10 §1 and §4, issue 9 §1: checkpoints that stay put, endings you can take back,
endings remembered across runs, and runs that know their story folder."""

from __future__ import annotations

import io
import json
import shutil
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from rich.console import Console

from adventure.cli import main
from adventure.play.session import Session
from adventure.saves.endings import EndingsBook
from adventure.saves.store import SaveStore
from adventure.ui.console import make_console
from adventure.ui.play import Game
from adventure.ui.prompt import lines_reader

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def console() -> Console:
    return make_console(file=io.StringIO(), width=200, color_system=None, force_terminal=False)


def output(c: Console) -> str:
    return c.file.getvalue()  # type: ignore[attr-defined]


def cli(monkeypatch, capsys, args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setenv("COLUMNS", "1000")
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- checkpoints ----------------------------------------------------------------------------------


def test_a_checkpoint_keeps_its_step_count_after_later_play(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    c = console()
    session = Session.new(mini_story, 3, store)
    Game(session, c, lines_reader(["1", "1", "save before-gate", "2", "open", "1", "undo", "1"])).run()
    text = output(c)
    assert "Checkpoint 'before-gate' saved" in text and "keeps this moment until you save over it" in text
    assert store.read("before-gate").snapshot["turn"] == 2  # later play never moved it
    assert store.read(session.slot).snapshot["turn"] == 5  # the run's own autosave went on
    assert {s.name: s.kind for s in store.slots()} == {"before-gate": "checkpoint", session.slot: "run"}


def test_saving_over_a_checkpoint_is_the_players_choice(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    session = Session.new(mini_story, 3, store)
    session.choose("pick")
    session.save("mine")
    session.choose("pick")
    session.save("mine")
    assert store.read("mine").snapshot["turn"] == 2 and store.read("mine.bak").snapshot["turn"] == 1


def test_loading_a_checkpoint_plays_on_in_a_new_run_and_leaves_it_alone(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    session = Session.new(mini_story, 3, store, clock=lambda: T0)
    session.choose("pick")
    session.save("one-apple")
    session.close()
    other = Session.new(mini_story, 5, store)
    other.load("one-apple")
    other.choose("pick")
    other.choose("pick")
    assert store.read("one-apple").snapshot["turn"] == 1
    assert other.slot.startswith("run-") and store.read(other.slot).snapshot["turn"] == 3


def test_autosave_names_are_not_checkpoint_names(mini_story, tmp_path):
    c = console()
    Game(Session.new(mini_story, 3, SaveStore(tmp_path)), c, lines_reader(["save run-x", "save autosave"])).run()
    assert output(c).count("is a name for autosaves") == 2


def test_help_says_save_name_is_a_checkpoint(mini_story):
    c = console()
    Game(Session.new(mini_story, 3), c, lines_reader(["help"])).run()
    assert "checkpoint" in output(c) and "until you save over it" in output(c)


# -- an ending is a fork ------------------------------------------------------------------------


def test_the_ending_screen_offers_undo_chapter_new_game_and_leave(mini_story, tmp_path):
    c = console()
    game = Game(Session.new(mini_story, 3, SaveStore(tmp_path)), c, lines_reader(["home", "what", "1", "home", "quit"]))
    assert game.run() == 0
    text = output(c)
    for option in ("1. undo     Take back the last choice", "2. chapter  Go back to the start of the story", "3. new      Start a new game",
                   "4. quit     Leave"):
        assert option in text
    assert "Pick what to do next" in text  # a line that is none of them
    assert "Undone: you took back your last choice." in text
    assert text.count("The End: Home Again") == 2
    assert game.session.state.ending == "home"


@pytest.mark.parametrize(("typed", "undone"), [("#undo", True), ("Take back the last choice", True),
                                                ("back", True), ("start", False), ("5", False), ("#nope", False)])
def test_the_ending_menu_reads_a_line_as_the_choices_do(mini_story, tmp_path, typed, undone):
    """The ending menu asks the same interpreter as the choices: ``#id``, a whole label and the menu's words
    pick; a fragment in two labels ("start": the story's start, a new game) or a number off the menu is refused."""
    c = console()
    game = Game(Session.new(mini_story, 3, SaveStore(tmp_path)), c, lines_reader(["home", typed, "quit"]))
    assert game.run() == 0
    text = output(c)
    assert ("Undone: you took back your last choice." in text) is undone
    assert ("Pick what to do next" in text) is not undone


def test_the_ending_menu_wraps_under_its_labels_at_40_columns(mini_story, tmp_path):
    """A long option wraps under its own label, not back at the left edge under the numbers."""
    c = make_console(file=io.StringIO(), width=40, color_system=None, force_terminal=True)
    game = Game(Session.new(mini_story, 3, SaveStore(tmp_path)), c, lines_reader(["home", "quit"]))
    assert game.run() == 0
    menu = output(c).split("What now?")[1].splitlines()
    assert all(len(line) <= 40 for line in menu)
    wrapped = [line for line in menu if line.strip() and not line.lstrip()[0].isdigit() and "quit" not in line[:2]]
    assert wrapped, "the chapter option should wrap at 40 columns"
    assert all(line.startswith("     ") for line in wrapped[:1]), menu


def test_back_to_the_start_of_the_chapter(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    c = console()
    path = ["key", "pick", "pick", "pick", "pick", "open", "stay"]  # four apples: the house (chapter 2), then home
    game = Game(Session.new(mini_story, 3, store), c, lines_reader([*path, "2", "q"]))
    game.run()
    text = output(c)
    assert "2. chapter  Go back to the start of this chapter (The Road)" in text
    assert "Back at the start of 'The Road' (6 choices in)" in text
    state = game.session.state
    assert state.turn == 6 and state.scene == "house" and not state.finished
    assert store.read(game.session.slot).snapshot["turn"] == 6


def test_restart_chapter_from_an_ending_in_chapter_two(mini_story, tmp_path):
    session = Session.new(mini_story, 3, SaveStore(tmp_path))
    for choice in ["key", "pick", "pick", "pick", "pick", "open", "stay"]:  # four apples: the house, then home
        session.choose(choice)
    assert session.state.ending == "home" and session.state.scene == "house"
    assert session.restart_chapter()
    assert session.state.turn == 6 and session.state.scene == "house" and not session.state.finished


def test_start_a_new_game_from_the_ending_keeps_the_finished_run(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    c = console()
    game = Game(Session.new(mini_story, 3, store, clock=lambda: T0), c, lines_reader(["home", "new", "1", "quit"]),
                random_seed=lambda: 11)
    game.run()
    finished = [s for s in store.slots() if s.ending == "home"]
    assert len(finished) == 1 and game.session.slot != finished[0].name
    assert store.read(game.session.slot).seed == 11 and store.read(game.session.slot).snapshot["turn"] == 1
    assert output(c).count("The Little Orchard") >= 2  # the title screen again


def test_piped_play_types_the_ending_commands_too(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path), "--seed", "3"]
    code, out, err = cli(monkeypatch, capsys, args, "home\nundo\n1\nhome\nquit\n")
    assert code == 0, err
    assert "What now?" in out and "(undo)" in out and "(chapter)" in out and "(new)" in out and "(quit)" in out
    assert "1 apples" in out


def test_continue_of_a_finished_run_offers_the_same_choices(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    assert cli(monkeypatch, capsys, [*args, "--seed", "3"], "1\nhome\nquit\n")[0] == 0
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--save-dir", str(tmp_path), "--continue"],
                         "undo\nq\n")
    assert code == 0, err
    assert "The End: Home Again" in out and "Take back the last choice" in out and "Undone" in out
    run = SaveStore(tmp_path).latest()
    assert run.snapshot["turn"] == 1 and run.ending is None


def test_the_true_ending_says_what_next_like_any_other(mini_story, tmp_path):
    """L10: the true ending dropped to the shell, and --continue then showed a menu never seen."""
    c = console()
    path = ["key", "pick", "pick", "open", "wait", "wait", "wait", "run", "fly"]
    session = Session.new(mini_story, 3, SaveStore(tmp_path))
    game = Game(session, c, lines_reader([*path, "undo", "fly", "quit"]), new_game_command="million-miles play --scenes X")
    assert game.run() == 0
    text = output(c)
    assert text.count("The End: The Sky") == 2 and text.count("What now?") == 2
    assert "Play again with: million-miles play --scenes X" in text and "1. undo     Take back the last choice" in text
    assert "Undone: you took back your last choice." in text and "Goodbye. Your run is saved" in text
    assert game.session.state.ending == "sky"


def test_continue_of_a_finished_true_run_shows_the_same_screen(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    path = "key\npick\npick\nopen\nwait\nwait\nwait\nrun\nfly\n"
    code, live, err = cli(monkeypatch, capsys, [*args, "--seed", "3"], path)
    assert code == 0, err
    code, resumed, err = cli(monkeypatch, capsys, ["play", "--plain", "--save-dir", str(tmp_path), "--continue"], "")
    assert code == 0, err
    for text in (live, resumed):
        assert "The End: The Sky" in text and "What now?" in text and "This run is saved as" in text


# -- endings remembered across runs -------------------------------------------------------------


def test_endings_are_remembered_and_listed(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    code, out, _ = cli(monkeypatch, capsys, [*args, "--seed", "3"], "1\nhome\nquit\n")
    assert code == 0 and "Endings found: 0 of 2" in out and "A new ending found. Endings found: 1 of 2" in out
    code, out, _ = cli(monkeypatch, capsys, [*args, "--seed", "4"], "home\nquit\n")
    assert "Endings found: 1 of 2" in out and "A new ending" not in out
    code, out, _ = cli(monkeypatch, capsys, ["endings", "--scenes", str(mini_dir), "--save-dir", str(tmp_path), "--json"])
    data = json.loads(out)
    assert code == 0 and data["total"] == 2 and [f["id"] for f in data["found"]] == ["home"]
    home = data["found"][0]
    assert home["title"] == "Home Again" and home["first_reached"].endswith("Z") and home["times"] == 2
    assert home["run"].startswith("run-") and home["choice"] == "leave" and home["label"] == "Go home"
    assert data["unfound"] == [{"hint": "not found yet: it waits in 'The Road'"}]
    assert "The Sky" not in out  # an unfound ending keeps its title hidden
    code, out, _ = cli(monkeypatch, capsys, ["endings", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)])
    assert code == 0 and "Endings found: 1 of 2" in out and "Home Again" in out and '"Go home"' in out
    assert "???" in out and "The Sky" not in out


def test_endings_without_saving_are_not_remembered(monkeypatch, capsys, mini_dir, tmp_path):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path))
    cli(monkeypatch, capsys, ["play", "--plain", "--no-save", "--scenes", str(mini_dir)], "home\nquit\n")
    assert not (tmp_path / "endings.json").exists()
    _code, out, _ = cli(monkeypatch, capsys, ["endings", "--scenes", str(mini_dir), "--json"])
    assert json.loads(out)["found"] == [] and json.loads(out)["total"] == 2


@pytest.mark.parametrize("damage", ["{not json", '{"format": 1, "stories": {"mini": {"home": {"times": 1e400}}}}',
                                    '{"format": 1, "stories": {"mini": {"home": {"first_reached": '
                                    '"9999-12-31T23:59:59-23:59"}}}}', "[" * 100_000, '{"format": ' + "9" * 5000 + "}"])
def test_a_damaged_endings_file_is_moved_aside(damage, mini_story, tmp_path):
    (tmp_path / "endings.json").write_text(damage)
    book = EndingsBook(tmp_path)
    assert book.found(mini_story) == [] and "damaged" in str(book.problem or "")
    session = Session.new(mini_story, 3, SaveStore(tmp_path))
    session.choose("leave")
    messages = [m.text for m in session.pop_messages()]
    assert any("endings file" in m and "moved aside" in m for m in messages)
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("endings.damaged-")]
    assert len(aside) == 1 and aside[0].suffix == ".json" and aside[0].read_text() == damage
    assert [f.id for f in EndingsBook(tmp_path).found(mini_story)] == ["home"]


# -- a run knows its story folder ------------------------------------------------------------


def test_a_run_played_from_a_folder_replays_and_continues_without_scenes(monkeypatch, capsys, mini_dir, tmp_path):
    story = Path(shutil.copytree(mini_dir, tmp_path / "my story"))
    saves = tmp_path / "saves"
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(story), "--save-dir", str(saves),
                                               "--seed", "3"], "1\nhome\nquit\n")
    assert code == 0, err
    run = SaveStore(saves).latest()
    assert run.scenes == str(story.resolve())
    code, out, err = cli(monkeypatch, capsys, ["replay", run.slot, "--verify", "--save-dir", str(saves)])
    assert code == 0 and "replay to the saved state" in out, err
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--save-dir", str(saves), "--continue"], "q\n")
    assert code == 0 and "The End: Home Again" in out, err
    shutil.move(str(story), str(tmp_path / "moved"))
    code, out, err = cli(monkeypatch, capsys, ["replay", run.slot, "--verify", "--save-dir", str(saves)])
    assert code == 1 and "MM512" in err and str(story.resolve()) in err and "--scenes" in err
    code, out, err = cli(monkeypatch, capsys, ["play", "--save-dir", str(saves), "--continue"])
    assert code == 1 and "MM512" in err and "no longer there" in err
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--save-dir", str(saves), "--continue", "--scenes",
                                               str(tmp_path / "moved")], "q\n")
    assert code == 0 and "The End: Home Again" in out


def test_the_hints_to_play_again_need_no_scenes(monkeypatch, capsys, mini_dir, tmp_path):
    _code, out, _ = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)],
                       "1\nquit\n")
    assert "million-miles play --continue --save-dir" in out and "--scenes" not in out.split("Continue it with:")[1]


def test_the_shipped_story_is_not_recorded_as_a_folder(monkeypatch, capsys, tmp_path):
    cli(monkeypatch, capsys, ["play", "--plain", "--save-dir", str(tmp_path)], "1\nquit\n")
    assert SaveStore(tmp_path).latest().scenes is None


def test_save_and_load_work_at_the_ending_screen(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    session = Session.new(mini_story, 3, store)
    session.choose("pick")
    session.save("one-apple")
    c = console()
    game = Game(session, c, lines_reader(["home", "save at-home", "load one-apple", "1", "quit"]))
    game.run(fresh=False)
    assert store.read("at-home").ending == "home" and store.read("one-apple").snapshot["turn"] == 1
    assert "Loaded 'one-apple' (1 choice in)" in output(c) and game.session.state.turn == 2


def test_endings_list_in_an_ascii_terminal(command, mini_story, mini_dir, tmp_path):
    import subprocess

    session = Session.new(mini_story, 3, SaveStore(tmp_path))
    session.choose("leave")
    session.close()
    env = {"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "ascii", "MILLION_MILES_SAVE_DIR": str(tmp_path)}
    result = subprocess.run([command, "endings", "--scenes", str(mini_dir)], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "+  Home Again" in result.stdout and "Endings found: 1 of 2" in result.stdout


def test_a_sandbox_run_does_not_count_its_endings(monkeypatch, capsys, mini_dir, tmp_path):
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path),
                                               "--start", "house"], "stay\nquit\n")
    assert code == 0 and "The End: Home Again" in out, err
    code, out, _ = cli(monkeypatch, capsys, ["endings", "--scenes", str(mini_dir), "--save-dir", str(tmp_path), "--json"])
    assert json.loads(out)["found"] == []
    assert SaveStore(tmp_path).run_names() == []  # and it is not among the player's runs


@pytest.mark.parametrize("width", [40, 60, 100])
def test_the_endings_list_wraps_under_its_words(mini_story, tmp_path, width):
    """L5 of the play-test: a found ending's long line wrapped to column 0; it hangs under its title."""
    from adventure.cli.endings import print_endings

    session = Session.new(mini_story, 3, SaveStore(tmp_path))
    session.choose("leave")
    session.close()
    book = EndingsBook(tmp_path)
    c = make_console(file=io.StringIO(), width=width, color_system=None)
    print_endings(c, mini_story, book, book.found(mini_story))
    lines = c.file.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "Home Again" in line)
    assert lines[start].startswith("  ✓  Home Again")
    rest = lines[start + 1:]
    assert rest and all(line.startswith("     ") or line.startswith("  ?  ") for line in rest), lines
    assert len(rest) >= 2 or width == 100


# -- the title screen offers to continue --------------------------------------------------------


def _played(story, store, *choices, seed=3):
    session = Session.new(story, seed, store)
    for choice in choices:
        session.choose(choice)
    session.close()
    return session.slot


def _title_game(story, store, lines, resumable):
    c = console()
    game = Game(Session.new(story, 5, store), c, lines_reader(lines), resumable=resumable)
    return game, c


def test_the_title_offers_to_continue_and_enter_takes_it(mini_story, tmp_path):
    from adventure.cli.play import _resumable

    store = SaveStore(tmp_path)
    slot = _played(mini_story, store, "key")
    offer = _resumable(mini_story, store, None)
    assert offer is not None and (offer.slot, offer.steps, offer.chapter, offer.ending) == (slot, 1, "The Orchard", None)
    game, c = _title_game(mini_story, store, ["", "pick", "quit"], offer)
    assert game.run() == 0
    text = output(c)
    assert f"1. Continue '{slot}' (The Orchard, 1 choice in)" in text and "2. Start a new game" in text
    assert f"Resuming '{slot}' after 1 choice." in text and "New run" not in text
    assert game.session.slot == slot and store.read(slot).snapshot["turn"] == 2
    assert [s.name for s in store.slots()] == [slot]  # the new game left nothing behind
    assert {p.name for p in tmp_path.iterdir() if p.name.endswith(".lock")} <= {f".{slot}.lock"}  # nor a lock


def test_the_title_can_start_the_new_game_instead(mini_story, tmp_path):
    from adventure.cli.play import _resumable

    store = SaveStore(tmp_path)
    slot = _played(mini_story, store, "key")
    game, c = _title_game(mini_story, store, ["what", "2", "pick", "quit"], _resumable(mini_story, store, None))
    assert game.run() == 0
    assert "Type 1 (or press Enter) to continue" in output(c)
    assert game.session.slot != slot and store.read(slot).snapshot["turn"] == 1  # the old run untouched
    assert store.read(game.session.slot).snapshot["turn"] == 1


@pytest.mark.parametrize(("typed", "new_run"), [("start a new game", True), ("#new", True), ("n", True),
                                                ("continue", False), ("#continue", False), ("1", False)])
def test_the_title_reads_a_line_as_the_choices_do(mini_story, tmp_path, typed, new_run):
    """The title menu asks the same interpreter as the choices: a whole label, ``#id``, a number or a word."""
    from adventure.cli.play import _resumable

    store = SaveStore(tmp_path)
    slot = _played(mini_story, store, "key")
    game, c = _title_game(mini_story, store, [typed, "quit"], _resumable(mini_story, store, None))
    assert game.run() == 0
    assert "Type 1 (or press Enter) to continue" not in output(c)
    assert (game.session.slot != slot) is new_run


def test_the_title_continues_a_finished_run_to_its_ending_screen(mini_story, tmp_path):
    from adventure.cli.play import _resumable

    store = SaveStore(tmp_path)
    slot = _played(mini_story, store, "leave")
    offer = _resumable(mini_story, store, None)
    game, c = _title_game(mini_story, store, ["continue", "undo", "quit"], offer)
    assert game.run() == 0
    text = output(c)
    assert f"Continue '{slot}' (finished: Home Again, 1 choice)" in text
    assert "The End: Home Again" in text and "What now?" in text and "Undone" in text
    assert store.read(slot).snapshot["turn"] == 0


def test_a_run_in_use_is_not_taken_and_the_new_game_goes_on(mini_story, tmp_path):
    from adventure.cli.play import _resumable

    store = SaveStore(tmp_path)
    slot = _played(mini_story, store, "key")
    held = store.lock(slot)
    try:
        game, c = _title_game(mini_story, store, ["1", "pick", "quit"], _resumable(mini_story, store, None))
        assert game.run() == 0
    finally:
        held.release()
    text = output(c)
    assert f"Could not continue '{slot}'" in text and "in use by another game" in text and "A new game starts" in text
    assert game.session.slot != slot and store.read(slot).snapshot["turn"] == 1


def test_no_offer_for_another_story_or_folder_or_a_damaged_run(mini_story, tmp_path):
    from adventure.cli.play import _resumable

    store = SaveStore(tmp_path)
    assert _resumable(mini_story, store, None) is None  # no run yet
    slot = _played(mini_story, store, "key")
    assert _resumable(mini_story, store, "/somewhere/else") is None  # played from another folder
    (tmp_path / f"{slot}.yaml").write_text("{broken", encoding="utf-8")
    assert _resumable(mini_story, store, None) is None


def test_ctrl_c_after_typing_at_the_title_cancels_the_line_not_the_game(mini_story, tmp_path):
    """Found replaying as a newcomer: 'abc' then Ctrl-C at the title left the game; at a scene it
    cancels the line. Menus now do the same; Ctrl-C on an empty line still leaves."""
    from adventure.cli.play import _resumable
    from adventure.ui.prompt import LineCancelled

    store = SaveStore(tmp_path)
    slot = _played(mini_story, store, "key")
    game, c = _title_game(mini_story, store, [LineCancelled(), "", "pick", "quit"], _resumable(mini_story, store, None))
    assert game.run() == 0
    assert f"Resuming '{slot}' after 1 choice." in output(c)
    game, c = _title_game(mini_story, store, [KeyboardInterrupt()], _resumable(mini_story, store, None))
    assert game.run() == 0 and "Resuming" not in output(c)
    assert f"'{slot}' is kept as it was" in output(c) and "no run to keep" not in output(c)
