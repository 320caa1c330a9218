"""Piped play: a line that is not a valid choice or command is reported on stderr, and exits 1.

Scripts feed the game through a pipe; they must be able to tell a run that went as
written from one where a line missed. Interactive play keeps its on-screen hints only.
"""

from __future__ import annotations

import io
import subprocess

from adventure.play.session import Session
from adventure.ui.console import make_console
from adventure.ui.play import Game
from adventure.ui.prompt import lines_reader


def play(command: str, story: str, lines: str, save_dir) -> subprocess.CompletedProcess[str]:
    return subprocess.run([command, "play", "--plain", "--scenes", story, "--seed", "3", "--save-dir", str(save_dir)],
                          input=lines, capture_output=True, text=True, timeout=30)


def test_bad_lines_are_reported_on_stderr_and_exit_1(command, mini_dir, tmp_path):
    result = play(command, str(mini_dir), "2\nxyzzy\n\n2\n9\nlook\n1\n", tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "million-miles: input line 2: 'xyzzy' is not a choice here. Type a number (1-3), part of a label, or 'help'.",
        "million-miles: input line 4: Choice 2 is locked: You need the key and two apples.",
        "million-miles: input line 5: There is no choice 9; pick 1-3, or type 'help'.",
    ]
    assert "Apples 0 to 1" in result.stdout  # play went on after the bad lines
    assert "'xyzzy' is not a choice here" in result.stdout  # the transcript keeps its hints


def test_good_lines_exit_0_with_nothing_on_stderr(command, mini_dir, tmp_path):
    result = play(command, str(mini_dir), "2\n1\nlook\nstatus\nhelp\n", tmp_path)
    assert result.returncode == 0 and result.stderr == ""


def test_a_bad_line_before_an_ending_still_exits_1(command, mini_dir, tmp_path):
    result = play(command, str(mini_dir), "open\nhome\n", tmp_path)
    assert result.returncode == 1 and "The End: Home Again" in result.stdout
    assert result.stderr.startswith("million-miles: input line 1: Choice 3 is locked")


def test_interactive_play_keeps_hints_on_screen_only(mini_story):
    out = make_console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)
    game = Game(Session.new(mini_story, 3), out, lines_reader(["xyzzy", "9", "home"]))
    assert game.run() == 0 and game.bad_lines == 2
    assert "'xyzzy' is not a choice here" in out.file.getvalue()  # type: ignore[attr-defined]


def test_errors_stream_gets_one_line_per_bad_line(mini_story):
    out = make_console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)
    errors = io.StringIO()
    game = Game(Session.new(mini_story, 3), out, lines_reader(["", "xyzzy", "2", "2"]), errors=errors)
    assert game.run() == 1
    assert errors.getvalue() == ("million-miles: input line 2: 'xyzzy' is not a choice here. "
                                 "Type a number (1-4), part of a label, or 'help'.\n"
                                 "million-miles: input line 4: Choice 2 is locked: You need the key and two apples.\n")


def test_a_bad_line_is_escaped_on_stderr(mini_story):
    out = make_console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)
    errors = io.StringIO()
    game = Game(Session.new(mini_story, 3), out, lines_reader(["\x1b]0;pwned\x07"]), errors=errors)
    assert game.run() == 1
    assert "\x1b" not in errors.getvalue() and "\\x1b]0;pwned\\x07" in errors.getvalue()
