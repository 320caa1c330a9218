"""The play loop and the ``play`` command, driven by scripted lines and an in-memory console."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console

from adventure.base.errors import SaveError
from adventure.cli import main
from adventure.play.session import Session
from adventure.run import engine
from adventure.saves.store import SaveStore
from adventure.ui import play as play_module
from adventure.ui.commands import Command, Hint, Take, interpret
from adventure.ui.console import make_console
from adventure.ui.play import Game
from adventure.ui.prompt import lines_reader, make_completer, matching, stream_reader

SKY_PATH = ["2", "1", "1", "open", "1", "1", "1", "run", "fly"]
"""Seed 3: key, pick, pick, open the gate, wait three times on the road, run, fly."""


def console(width: int = 80) -> Console:
    return make_console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)


def output(c: Console) -> str:
    return c.file.getvalue()  # type: ignore[attr-defined]


def game(story, lines, *, store=None, plain=False, seed=3, width=80, **options):
    c = console(width)
    session = Session.new(story, seed, store=store)
    return Game(session, c, lines_reader(lines), plain=plain, **options), c


# -- interpreting a line -------------------------------------------------------------------------


@pytest.fixture()
def gate_offers(mini_story):
    return engine.offers(mini_story, engine.new_run(mini_story, 3).state)


def test_interpret_numbers_labels_and_commands(gate_offers):
    assert interpret("1", gate_offers) == Take("pick")
    assert interpret("  2 ", gate_offers) == Take("key")
    assert interpret("APPLE", gate_offers) == Take("pick")
    assert interpret("home", gate_offers) == Take("leave")
    assert interpret("", gate_offers) is None
    assert interpret("q", gate_offers) == Command("quit")
    assert interpret("exit", gate_offers) == Command("quit")
    assert interpret("save my-run", gate_offers) == Command("save", "my-run")
    assert interpret("load", gate_offers) == Command("load", None)
    assert interpret("Status", gate_offers) == Command("status")
    assert interpret("status OFF", gate_offers) == Command("status", "off")


def test_interpret_choice_ids_when_no_label_matches(gate_offers):
    """Scripts can name choices by their stable ids ('leave' is in no label here)."""
    assert interpret("leave", gate_offers) == Take("leave")
    assert interpret("key", gate_offers) == Take("key")  # also a label match: the same choice
    assert isinstance(interpret("open", gate_offers), Hint)  # an id of a locked choice is still locked
    assert interpret("#pick", gate_offers) == Take("pick")  # '#' always means an id
    assert interpret("#open", gate_offers).message == "Choice 3 is locked: You need the key and two apples."
    assert "here: #pick, #key, #open, #leave" in interpret("#nope", gate_offers).message


def test_interpret_hints(gate_offers):
    locked = interpret("3", gate_offers)
    assert isinstance(locked, Hint) and "You need the key and two apples." in locked.message
    assert isinstance(interpret("open", gate_offers), Hint)  # the label of a locked choice
    assert "no choice 9" in interpret("9", gate_offers).message  # type: ignore[union-attr]
    assert "no choice 0" in interpret("0", gate_offers).message  # type: ignore[union-attr]
    gibberish = interpret("xyzzy plugh", gate_offers)
    assert isinstance(gibberish, Hint) and "not a choice" in gibberish.message
    ambiguous = interpret("the", gate_offers)  # "Take the key", "Open the gate"
    assert isinstance(ambiguous, Hint) and "several" in ambiguous.message
    assert "2. Take the key from the post" in ambiguous.message and "3. Open the gate" in ambiguous.message


def test_completion_matches_labels_anywhere_and_commands_by_prefix():
    labels = ["Pick an apple", "Go home"]
    assert matching("app", labels) == ["Pick an apple"]
    assert matching("s", labels) == ["status", "save"]
    assert matching("", labels) == labels
    from prompt_toolkit.document import Document

    completer = make_completer(lambda: labels)
    found = [c.text for c in completer.get_completions(Document("HOM"), None)]  # type: ignore[arg-type]
    assert found == ["Go home"]


def test_stream_reader_echoes_and_ends():
    out = io.StringIO()
    read = stream_reader(io.StringIO("1\nfoo\r\n"), out)
    assert read("> ", []) == "1" and read("> ", []) == "foo"
    with pytest.raises(EOFError):
        read("> ", [])
    assert out.getvalue() == "> 1\n> foo\n> \n"


# -- playing -------------------------------------------------------------------------------------


def test_play_to_the_true_ending_with_countdown(mini_story):
    g, c = game(mini_story, SKY_PATH, plain=True)
    assert g.run() == 0
    text = output(c)
    assert "The Little Orchard" in text and "Chapter 2: The Road" in text
    assert "The End: The Sky" in text and "- Opened the gate" in text
    assert "3 2 1 ... Lift-off!" in text  # the city scene declares `countdown: 3`
    assert text.index("Lift-off!") < text.index("Lights.") < text.index("The End: The Sky")
    assert g.session.state.ending == "sky"


def test_animated_countdown_uses_the_injected_sleep(mini_story):
    slept: list[float] = []
    g, c = game(mini_story, SKY_PATH, animate=True, sleep=slept.append)
    assert g.run() == 0
    assert len(slept) == 3
    assert "Lift-off!" in output(c)  # a non-terminal console keeps only the last frame


def test_other_ending_has_no_countdown(mini_story):
    g, c = game(mini_story, ["home"])
    assert g.run() == 0
    assert "The End: Home Again" in output(c) and "Lift-off" not in output(c)


def test_bad_input_gets_hints_and_play_goes_on(mini_story):
    g, c = game(mini_story, ["", "xyzzy", "42", "3", "the", "4"])
    assert g.run() == 0
    text = output(c)
    assert "'xyzzy' is not a choice here" in text
    assert "There is no choice 42" in text
    assert "Choice 3 is locked: You need the key and two apples." in text
    assert "matches several choices" in text
    assert g.session.state.ending == "home"


def test_ctrl_c_once_warns_twice_leaves(mini_story):
    g, c = game(mini_story, [KeyboardInterrupt(), KeyboardInterrupt(), "1"])
    assert g.run() == 0
    assert "(press Ctrl-C again or Ctrl-D to leave)" in output(c)
    assert "Goodbye" in output(c)
    assert g.session.state.turn == 0


def test_ctrl_c_then_input_resets_then_eof_leaves(mini_story, tmp_path):
    g, c = game(mini_story, [KeyboardInterrupt(), "1", KeyboardInterrupt()], store=SaveStore(tmp_path))
    assert g.run() == 0
    assert g.session.state.turn == 1
    text = output(c)
    assert f"Your run is saved as '{g.session.slot}'" in text and "million-miles play --continue" in text


def test_status_toggle_help_and_look(mini_story):
    g, c = game(mini_story, ["status off", "status", "help", "look"], width=80)
    assert g.show_status  # on by default from 80 columns
    g.run()
    text = output(c)
    assert "Status hidden; 'status' shows it once" in text
    assert not g.show_status
    assert text.count("╭─ Status") == 2  # the first screen, then 'status' (not after 'look')
    assert "Commands" in text and "take back the last choice" in text
    assert text.count("╭─ The Gate") == 2  # first screen and look
    narrow, _ = game(mini_story, [], width=40)
    assert not narrow.show_status


def test_undo(mini_story, tmp_path):
    g, c = game(mini_story, ["undo", "1", "undo"], store=SaveStore(tmp_path))
    g.run()
    assert "Nothing to undo" in output(c) and "Undone" in output(c)
    assert g.session.state.turn == 0
    assert SaveStore(tmp_path).read(g.session.slot).steps == ()


def test_save_and_load_named_slots(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    g, c = game(mini_story, ["1", "save mine", "1", "load", "load mine", "load nosuch", "save ../x"], store=store)
    g.run()
    text = output(c)
    assert "Checkpoint 'mine' saved" in text
    assert "Checkpoints: mine." in text
    # a checkpoint keeps its moment: the second choice went to the run, not to 'mine'
    assert "Loaded 'mine' (1 choice in)" in text and "(2 choices in)" not in text
    assert g.session.state.turn == 1
    assert "Could not load" in text and "Could not save" in text  # shown, and the game goes on
    assert store.read("mine").story_id == "mini"


def test_no_store_means_save_is_refused_politely(mini_story):
    g, c = game(mini_story, ["save", "load x", "load"])
    g.run()
    text = output(c)
    assert "saving is switched off" in text and "(--no-save)" in text
    assert "this run is not kept" in text


class FailingStore(SaveStore):
    def write(self, record):
        raise SaveError("disk full", hint="free some space")


def test_failing_autosave_is_reported_and_play_continues(mini_story, tmp_path):
    c = console()
    session = Session.new(mini_story, 3)
    session.store = FailingStore(tmp_path)
    g = Game(session, c, lines_reader(["1", "home"]))
    assert g.run() == 0
    assert "Could not save: disk full (free some space)" in output(c)
    assert session.state.ending == "home"


def test_resume_shows_where_the_run_is(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    first, _ = game(mini_story, SKY_PATH[:4], store=store)
    first.run()
    record = store.latest()
    session, notice = Session.from_record(mini_story, record, store)
    c = console()
    Game(session, c, lines_reader([])).run(fresh=False, notice=notice)
    text = output(c)
    assert f"Resuming '{record.slot}' after 4 choices." in text and "CHAPTER 2" in text and "The Road" in text
    assert "The Little Orchard" not in text  # no title screen on resume


def test_render_at_40_columns_never_overflows(mini_story):
    g, c = game(mini_story, ["status", *SKY_PATH, ], width=40)
    g.run()
    for line in output(c).splitlines():
        assert len(line) <= 40, line


# -- the command -----------------------------------------------------------------------------------


def run_cli(monkeypatch, capsys, args, stdin: str):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_piped_plain_game(monkeypatch, capsys, mini_dir, tmp_path):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path))
    code, out, err = run_cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--seed", "3"], "1\n2\n")
    assert code == 0, err
    assert "> 1\n" in out and "> 2\n" in out and "Goodbye" in out
    assert "╭" not in out and "\x1b" not in out
    assert SaveStore(tmp_path).latest().seed == 3


def test_cli_continue_and_load(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    assert run_cli(monkeypatch, capsys, [*args, "--seed", "3"], "2\n1\n")[0] == 0
    code, out, _ = run_cli(monkeypatch, capsys, [*args, "--continue"], "")
    slot = SaveStore(tmp_path).latest().slot
    assert code == 0 and f"Resuming '{slot}' after 2 choices" in out
    code, out, _ = run_cli(monkeypatch, capsys, [*args, "--load", str(tmp_path / f"{slot}.yaml")], "")
    assert code == 0 and f"Resuming '{slot}' after 2 choices" in out
    code, out, err = run_cli(monkeypatch, capsys, [*args, "--load", "nosuch"], "")
    assert code == 1 and "no save named 'nosuch'" in err


def test_cli_continue_without_saves_starts_new(monkeypatch, capsys, mini_dir, tmp_path):
    code, out, _ = run_cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir",
                                                 str(tmp_path), "--continue"], "")
    assert code == 0 and "no saved run to continue" in out and "The Little Orchard" in out


def test_cli_no_save_writes_nothing(monkeypatch, capsys, mini_dir, tmp_path):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path / "saves"))
    code, out, _ = run_cli(monkeypatch, capsys, ["play", "--no-save", "--scenes", str(mini_dir)], "1\n")
    assert code == 0 and not (tmp_path / "saves").exists()
    assert "not kept" in out


def test_cli_no_arguments_plays_the_shipped_story(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path))
    code, out, err = run_cli(monkeypatch, capsys, [], "")
    assert code == 0, err
    assert "Chapter 1" in out.replace("CHAPTER 1", "Chapter 1")


def test_cli_story_load_errors_exit_1(monkeypatch, capsys, tmp_path):
    (tmp_path / "story.yaml").write_text("format: 1\nid: x\n", encoding="utf-8")
    code, _out, err = run_cli(monkeypatch, capsys, ["play", "--scenes", str(tmp_path), "--no-save"], "")
    assert code == 1 and "MM203" in err


def test_cli_usage_errors(monkeypatch, capsys, mini_dir, tmp_path):
    assert run_cli(monkeypatch, capsys, ["play", "--scenes", str(tmp_path / "none")], "")[0] == 2
    assert run_cli(monkeypatch, capsys, ["play", "--scenes", str(mini_dir), "--seed", "1", "--continue"], "")[0] == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["play", "--load", "a", "--continue"])
    assert exit_info.value.code == 2


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["play", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--scenes", "--seed", "--plain", "--load", "--continue", "--save-dir", "--no-save"):
        assert flag in out


def test_random_seed_is_recorded(monkeypatch, capsys, mini_dir, tmp_path):
    seeds = set()
    for _ in range(3):
        run_cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)], "1\n")
        seeds.add(SaveStore(tmp_path).latest().seed)
    assert len(seeds) > 1


def test_prompt_toolkit_is_not_imported_for_piped_play(mini_dir, tmp_path):
    """Regression: piped start-up must stay fast, so prompt_toolkit is only loaded for a terminal."""
    import subprocess

    code = ("import sys, io; sys.stdin = io.StringIO(''); from adventure.cli import main; "
            f"main(['play', '--no-save', '--plain', '--scenes', {str(mini_dir)!r}]); "
            "sys.stderr.write(str('prompt_toolkit' in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent.parent, timeout=20)
    assert result.stderr.strip().endswith("False"), result.stderr


def test_ctrl_c_warns_again_after_a_line_in_between(mini_story):
    """One Ctrl-C only warns; a line typed after it resets the count, so it takes two more to leave."""
    g, c = game(mini_story, [KeyboardInterrupt(), "1", KeyboardInterrupt(), KeyboardInterrupt(), "1"])
    assert g.run() == 0
    assert output(c).count(play_module.LEAVE_HINT) == 2
    assert "press Ctrl-C again" in play_module.LEAVE_HINT  # the words the player reads
    assert g.session.state.turn == 1  # the choice between the two warnings was taken, the last line never read


def test_a_bad_slot_name_is_not_reported_as_a_failed_autosave(tmp_path):
    """Regression: 'save ../evil' made the goodbye message claim the autosave had failed."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "adventure", "play", "--plain", "--seed", "1", "--scenes", "tests/fixtures/mini",
         "--save-dir", str(tmp_path)],
        input="1\nsave ../evil\nquit\n", capture_output=True, text=True, timeout=60,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent),
    )
    assert result.returncode == 0
    assert "invalid slot name '../evil'" in result.stdout
    assert "autosave failed" not in result.stdout
    assert not (tmp_path.parent / "evil.yaml").exists()


def test_status_panel_gives_way_to_a_line_when_the_scene_would_scroll_off(shipped_story):
    """At 80x24 the real story's full status panel would push the scene off screen."""
    import io


    def first_screen(width, height):
        c = make_console(file=io.StringIO(), width=width, height=height, force_terminal=True, color_system=None)
        session = Session.new(shipped_story, 1)
        Game(session, c, lines_reader([]), show_status=True).run()
        return c.file.getvalue()

    small = first_screen(80, 24)
    assert "╭─ Status" not in small and "Year 1972 · Age 10" in small and "('status' for all)" in small
    tall = first_screen(120, 60)
    assert "╭─ Status" in tall and "('status' for all)" not in tall


def test_a_screen_is_laid_out_once_and_printed_as_laid_out(shipped_story, monkeypatch):
    """Counting the lines that fit reuses the layout that is printed: the status panel is laid out once.

    Its layout (every split of the groups, every meter size) is the costliest part of the
    first screen; laying it out a second time only to count its lines cost start-up ~40 ms.
    """
    from adventure.ui import render

    laid_out = []
    original = render.StatusPanel.__rich_console__

    def counted(self, console, options):
        laid_out.append(self)
        yield from original(self, console, options)

    monkeypatch.setattr(render.StatusPanel, "__rich_console__", counted)
    screen = make_console(file=io.StringIO(), width=120, height=60, force_terminal=True, color_system=None)
    session = Session.new(shipped_story, 1)
    Game(session, screen, lines_reader([]), show_status=True).run()
    assert len(laid_out) == 1
    direct = make_console(file=io.StringIO(), width=120, height=60, force_terminal=True, color_system=None)
    for part in (render.scene_panel(shipped_story, session.state), render.status_panel(shipped_story, session.state),
                 render.progress_line(shipped_story, session.state),
                 render.choice_list(engine.offers(shipped_story, session.state))):
        direct.print(part)
    assert output(direct) in output(screen)  # the same characters as printing each part itself


def test_one_choice_scenes_take_enter_and_never_say_pick_1_1(mini_story):
    """A lone choice: Enter alone takes it, and the hints name '1', not '1-1'."""
    offers = engine.offers(mini_story, _house(mini_story))
    assert len(offers) == 1
    assert interpret("", offers) == Take("stay")
    assert interpret("   ", offers) == Take("stay")
    hint = interpret("2", offers)
    assert isinstance(hint, Hint) and "1-1" not in hint.message and "press Enter" in hint.message
    hint = interpret("xyzzy", offers)
    assert isinstance(hint, Hint) and "1-1" not in hint.message
    from adventure.ui import render

    listing = render.choice_list(offers)
    console = make_console(file=io.StringIO(), width=60, color_system=None)
    console.print(listing)
    assert "1. Stay  (or press Enter)" in console.file.getvalue()


def _house(story):
    """The house scene (one choice), reached from the gate with four apples."""
    state = engine.new_run(story, 3).state
    for choice in ("key", "pick", "pick", "pick", "pick", "open"):
        state = engine.take(story, state, choice).state
    assert state.scene == "house"
    return state


def test_the_next_milestone_shows_every_turn_even_with_the_status_hidden():
    """Plain mode and narrow screens hide the per-turn panel; the gate ahead stays in view."""
    from adventure.story.loader import load_story

    story = load_story(Path(__file__).resolve().parent / "fixtures" / "canon")
    g, c = game(story, ["study", "settle"], plain=True, width=200)
    g.run()
    text = output(c)
    assert "Next milestone: The exam of 2002. Skill 0 of 2 (not met); No settled home (not met)." in text
    assert "Next milestone: The exam of 2004. Skill 2 of 2 (met); A settled home (met)." in text
    assert "Changed at The Kitchen: Year 2000 to 2001" in text and "Recomputed: Age 10 to 11 (follows Year)" in text
    g, c = game(story, ["study"], width=40)
    g.run()
    assert "Next: The exam of 2003\n  ✗ Skill 1 of 2  ✗ No settled home" in output(c)  # the name stays


def _keyed_game(story, keys):
    """A game reading through the real prompt_toolkit reader, fed ``keys`` one prompt at a time."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from adventure.ui.prompt import TerminalReader

    pending = list(keys)
    with create_pipe_input() as pipe:
        terminal = TerminalReader(input=pipe, output=DummyOutput())

        def read(prompt, words):
            if not pending:
                raise EOFError
            pipe.send_text(pending.pop(0))
            return terminal(prompt, words)

        g, c = game(story, [])
        g.read_line = read
        assert g.run() == 0
    return g, output(c), pending


def test_the_terminal_reader_in_process():
    """The real prompt_toolkit reader, driven through a pipe: a line, Ctrl-C, Ctrl-D."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from adventure.ui.prompt import LineCancelled, TerminalReader

    with create_pipe_input() as pipe:
        read = TerminalReader(input=pipe, output=DummyOutput())
        pipe.send_text("go home\r")
        assert read("> ", ["go home"]) == "go home"
        pipe.send_text("\x03")
        with pytest.raises(KeyboardInterrupt):
            read("> ", [])
        pipe.send_text("abc\x03")  # typed, then Ctrl-C: only that line is cancelled
        with pytest.raises(LineCancelled):
            read("> ", [])
        pipe.send_text("\x04")
        with pytest.raises(EOFError):
            read("> ", [])
        pipe.send_text("after\r")  # and the reader still reads after all that
        assert read("> ", []) == "after"


@pytest.mark.parametrize("typed", ["def", "x\x7f"], ids=["typed", "typed-and-erased"])
def test_typing_after_ctrl_c_starts_the_count_again(mini_story, typed):
    """Ctrl-C, then typing, then Ctrl-C cancels that line only: it takes one more Ctrl-C to leave."""
    _g, text, pending = _keyed_game(mini_story, ["\x03", typed + "\x03", "\x03", "1\r"])
    assert text.count(play_module.LEAVE_HINT) == 2 and "Goodbye" in text
    assert pending == ["1\r"]  # left at the third Ctrl-C, never at the second


def test_two_ctrl_c_on_an_empty_line_still_leave(mini_story):
    _g, text, pending = _keyed_game(mini_story, ["\x03", "\x03", "1\r"])
    assert text.count(play_module.LEAVE_HINT) == 1 and "Goodbye" in text and pending == ["1\r"]


def test_a_short_fragment_in_one_label_is_asked_about_not_taken(gate_offers):
    """'the' took 'Call the hotel…' at once; under four letters a lone match is shown, not taken."""
    for fragment in ("go", "app", "Go ", "ple"):
        hint = interpret(fragment, gate_offers)
        assert isinstance(hint, Hint), fragment
    assert interpret("go", gate_offers).message == (  # type: ignore[union-attr]
        "'go' is part of choice 4, “Go home”. Type its number, or more of the label.")
    assert interpret("appl", gate_offers) == Take("pick")  # four letters: taken
    assert interpret("home", gate_offers) == Take("leave")
    assert interpret("go home", gate_offers) == Take("leave")  # the whole label
    assert interpret("key", gate_offers) == Take("key")  # the choice's own id
    assert interpret("#key", gate_offers) == Take("key") and interpret("4", gate_offers) == Take("leave")
    assert interpret("quit", gate_offers) == Command("quit")
    locked = interpret("ope", gate_offers)  # only in the locked "Open the gate": why it is locked, at once
    assert isinstance(locked, Hint) and locked.message == "Choice 3 is locked: You need the key and two apples."


def test_a_short_whole_label_is_taken(mini_story):
    """'Fly' is the whole label, three letters: typing it takes it."""
    offers = engine.offers(mini_story, engine.new_run(mini_story, 3).state)
    assert interpret("pick an apple", offers) == Take("pick")
    from adventure.ui.matching import committable

    assert committable("fly", "Fly") and committable("FLY", "Fly") and not committable("fl", "Fly")


def test_the_shipped_scrub_scene_asks_about_the(shipped_story):
    """The play-test's case: at the scrubbed launch, 'the' is in one label only."""
    from adventure.play.sandbox import parse_start

    state = engine.start_at(shipped_story, 1, parse_start(shipped_story, "launch_scrub", [])).state
    offers = engine.offers(shipped_story, state)
    assert sum("the" in o.label.lower() for o in offers) == 1
    picked = interpret("the", offers)
    assert isinstance(picked, Hint) and "Call the hotel" in picked.message


@pytest.mark.parametrize(("scene_id", "choice"), [("letters_question", "director"), ("person_papa", "kneel"),
                                                  ("cand_review", "adela"), ("fields_young_again", "go")])
def test_a_chapter_opening_keeps_the_change_just_made_on_a_40_row_screen(shipped_story, scene_id, choice):
    """L6 of the play-test: at 100x40 a chapter opening ran to 42 lines and the changes scrolled away."""
    from adventure.play.sandbox import parse_start

    session = Session.new(shipped_story, 1, start=parse_start(shipped_story, scene_id, []))
    c = make_console(file=io.StringIO(), width=100, height=40, force_terminal=True, color_system=None)
    g = Game(session, c, lines_reader([]), show_status=True)
    outcome = session.choose(choice)
    assert shipped_story.scenes[session.state.scene].chapter != shipped_story.scenes[scene_id].chapter
    g.present(outcome.events)
    lines = c.file.getvalue().splitlines()
    assert len(lines) + 2 <= 40, "\n".join(lines)  # with the line typed above and the prompt below
    first = next(line for line in lines if line.strip())
    assert "→" in first or "CHAPTER" in first  # what the choice changed (or the card) heads the screen
