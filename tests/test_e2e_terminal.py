"""End-to-end: the installed ``million-miles`` in a pseudo-terminal, played as a person would.

Each test spawns the console script with pexpect at a fixed size, with
``PROMPT_TOOLKIT_NO_CPR=1`` and a temporary save folder, and gives every expect a
timeout. pyte replays the output to read the screen as the player sees it.
Run ``pip install .`` first: these tests drive the installed command, not the checkout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

pytestmark = pytest.mark.e2e

ROWS, COLS = 30, 100
TIMEOUT = 15


def environment(save_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES"}}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", MILLION_MILES_SAVE_DIR=str(save_dir),
               LANG="C.UTF-8", LC_ALL="C.UTF-8")
    env.update(extra)
    return env


ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78DEHM])|[\x08\r]")
PROMPT_START = "\x1b[?2004h"
"""prompt_toolkit switches bracketed paste on each time it starts reading a line."""


class Player:
    """A spawned game plus a virtual screen fed with everything it prints.

    ``send`` marks where the output stood; ``wait`` looks only at output after the mark,
    so a match can never come from an earlier screen.
    """

    def __init__(self, command: str, args: list[str], save_dir: Path, rows: int = ROWS, cols: int = COLS, **env: str):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        self.child = pexpect.spawn(command, args, env=environment(save_dir, **env), dimensions=(rows, cols),
                                   encoding="utf-8", timeout=TIMEOUT)
        self.raw = ""
        self.mark = 0
        self.ended = False

    def _pump(self, timeout: float = 0.1) -> bool:
        try:
            chunk = self.child.read_nonblocking(65536, timeout=timeout)
        except pexpect.TIMEOUT:
            return False
        except pexpect.EOF:
            self.ended = True
            return False
        self.raw += chunk
        self.stream.feed(chunk)
        return True

    def _settle(self) -> None:
        while self._pump(0.15):
            pass

    def wait(self, condition, what: str, timeout: float = TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.ended or time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; screen:\n{self.display()}\n"
                                     f"output since the mark:\n{self.recent()[-2000:]}")
            self._pump()
        self._settle()

    def wait_text(self, text: str, timeout: float = TIMEOUT) -> None:
        self.wait(lambda: text in self.recent(), repr(text), timeout)

    def wait_prompt(self, timeout: float = TIMEOUT) -> None:
        self.wait(lambda: PROMPT_START in self.raw[self.mark:], "the prompt", timeout)

    def send(self, line: str) -> None:
        self.mark = len(self.raw)
        self.child.sendline(line)

    def type(self, line: str) -> None:
        """Type a line and wait for the next prompt."""
        self.send(line)
        self.wait_prompt()

    def recent(self) -> str:
        return ANSI.sub("", self.raw[self.mark:])

    def text(self) -> str:
        return ANSI.sub("", self.raw)

    def display(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def finish(self) -> int:
        deadline = time.monotonic() + TIMEOUT
        while not self.ended and time.monotonic() < deadline:
            self._pump()
        self.child.close()
        assert self.ended, "the game did not exit"
        return self.child.exitstatus


@pytest.fixture()
def mini_args(mini_dir) -> list[str]:
    return ["play", "--scenes", str(mini_dir), "--seed", "3"]


def test_play_to_the_true_ending(command, mini_args, tmp_path):
    """Take the key, pick two apples, open the gate, wait for three letters, run, fly: lift-off."""
    player = Player(command, mini_args, tmp_path)
    player.wait_prompt()
    assert "The Little Orchard" in player.text() and "locked: You need the key and two apples." in player.text()
    assert "4. Go home" in player.display()
    player.type("2")  # take the key (the choice is hidden once taken)
    player.type("1")
    player.type("apple")
    assert "2. Open the gate" in player.display()
    player.type("open")
    assert "CHAPTER 2" in player.recent() and "The Road" in player.display()
    for letters in (1, 2, 3):
        player.type("1")
        assert f"Letters so far: {letters}." in player.display()
    player.send("run")
    player.wait_text("Lift-off!", timeout=20)  # the city scene declares `countdown: 3`
    player.wait_prompt()
    assert "Lights." in player.display()
    player.send("fly")
    player.wait_text("Your run")
    player.wait_prompt()  # the true ending says what next, as every ending does: no drop to the shell
    screen = player.display()
    assert "What now?" in screen and "1. undo     Take back the last choice" in screen and "4. quit     Leave" in screen
    assert "Play again with:" in player.recent()
    player.send("4")
    assert player.finish() == 0
    text = player.text()
    assert "The End: The Sky" in text and "Opened the gate" in text and "T-minus 3" in text
    assert len([p for p in tmp_path.glob("run-*.yaml") if ".bak" not in p.name]) == 1  # the run's own slot
    for args in (["play", "--continue"], ["play", "--scenes", mini_args[2]]):  # the same screen, both ways back
        again = Player(command, args, tmp_path)
        again.wait_prompt()
        if "--continue" not in args:  # the title offers the finished run; Enter takes it
            assert "1. Continue 'run-" in again.display() and "finished: The Sky" in again.display()
            again.send("")
            again.wait_prompt()
        assert "The End: The Sky" in again.recent() and "What now?" in again.display()
        again.send("quit")
        assert again.finish() == 0


def test_the_title_offers_to_continue_the_last_run(command, mini_dir, tmp_path):
    """L10: 'million-miles' alone always started a new game; now its title screen offers the last run."""
    first = Player(command, ["play", "--scenes", str(mini_dir)], tmp_path)
    first.wait_prompt()
    assert "Continue" not in first.display()  # nothing to continue yet
    first.type("2")  # take the key
    first.send("quit")
    assert first.finish() == 0
    again = Player(command, ["play", "--scenes", str(mini_dir)], tmp_path)
    again.wait_prompt()
    screen = again.display()
    assert re.search(r"1\. Continue 'run-[0-9-]+' \(The Orchard, 1 choice in\)", screen), screen
    assert "2. Start a new game" in screen and "Enter alone continues." in screen
    again.type("")
    assert re.search(r"Resuming 'run-[0-9-]+' after 1 choice\.", again.recent())
    assert "The Gate" in again.display() and "Take the key" not in again.display()  # the key is taken
    again.send("quit")
    assert again.finish() == 0
    assert len([p for p in tmp_path.glob("run-*.yaml") if ".bak" not in p.name]) == 1  # no second run
    fresh = Player(command, ["play", "--scenes", str(mini_dir)], tmp_path)
    fresh.wait_prompt()
    fresh.type("2")  # a new game instead
    assert "Take the key" in fresh.display()
    fresh.send("quit")
    assert fresh.finish() == 0


def test_play_to_going_home(command, mini_args, tmp_path):
    player = Player(command, mini_args, tmp_path)
    player.wait_prompt()
    player.send("Go home")
    player.wait_text("Your run")
    player.wait_prompt()
    assert "Take back the last choice" in player.display()
    player.send("quit")
    assert player.finish() == 0
    assert "The End: Home Again" in player.text() and "Lift-off" not in player.text()


def test_gibberish_gets_a_hint(command, mini_args, tmp_path):
    player = Player(command, mini_args, tmp_path)
    player.wait_prompt()
    player.type("xyzzy")
    assert "'xyzzy' is not a choice here" in player.display()
    player.type("3")
    assert "Choice 3 is locked: You need the key and two apples." in player.display()
    player.send("quit")
    assert player.finish() == 0


def test_ctrl_c_then_ctrl_d_leaves_cleanly(command, mini_args, tmp_path):
    player = Player(command, mini_args, tmp_path)
    player.wait_prompt()
    player.type("1")
    player.mark = len(player.raw)
    player.child.sendintr()
    player.wait_text("(press Ctrl-C again or Ctrl-D to leave)")
    player.wait_prompt()
    player.mark = len(player.raw)
    player.child.sendeof()
    player.wait_text("Continue it with:")
    assert player.finish() == 0
    assert "million-miles play --continue" in player.text()
    again = Player(command, ["play", "--scenes", mini_args[2], "--continue"], tmp_path)
    again.wait_prompt()
    assert re.search(r"Resuming 'run-[0-9-]+' after 1 choice\.", again.text())
    again.send("q")
    assert again.finish() == 0


def test_typing_after_ctrl_c_starts_the_count_again(command, mini_args, tmp_path):
    """L1 of the play-test: Ctrl-C, typing, Ctrl-C left the game; it only cancels the typed line now."""
    player = Player(command, mini_args, tmp_path)
    player.wait_prompt()
    player.mark = len(player.raw)
    player.child.sendintr()
    player.wait_text("(press Ctrl-C again or Ctrl-D to leave)")
    player.wait_prompt()
    player.mark = len(player.raw)
    player.child.send("def")
    player.wait(lambda: "def" in player.recent(), "the typed letters")
    player.child.sendintr()
    player.wait_text("(press Ctrl-C again or Ctrl-D to leave)")
    player.wait_prompt()
    assert not player.ended and "Goodbye" not in player.text()
    player.mark = len(player.raw)
    player.child.sendintr()  # now twice in a row: leave
    player.wait_text("Goodbye")
    assert player.finish() == 0


def test_an_ending_is_undoable(command, mini_args, tmp_path):
    """Issue 10: an ending is a fork. Undo at the ending screen, play on, and --continue a finished run."""
    player = Player(command, mini_args, tmp_path)
    player.wait_prompt()
    player.type("1")  # pick an apple
    player.send("Go home")
    player.wait_text("The End: Home Again")
    player.wait_prompt()
    screen = player.display()
    assert "1. undo     Take back the last choice" in screen and "3. new      Start a new game" in screen and "4. quit     Leave" in screen
    player.type("undo")
    assert "Undone: you took back your last choice." in player.recent()
    assert "The Gate" in player.display() and "Apples" in player.recent()
    player.type("1")  # a second apple: the run goes on from before the ending
    player.send("Go home")
    player.wait_text("The End: Home Again")
    player.wait_prompt()
    player.send("quit")
    assert player.finish() == 0
    assert "2 apples" in player.text()
    again = Player(command, ["play", "--continue"], tmp_path)  # the run recorded its story folder
    again.wait_prompt()
    assert "The End: Home Again" in again.text() and "Take back the last choice" in again.display()
    again.type("1")
    assert "Undone" in again.recent() and "The Gate" in again.display()
    again.send("q")
    assert again.finish() == 0


def test_completion_with_tab(command, mini_args, tmp_path):
    player = Player(command, mini_args, tmp_path)
    player.wait_prompt()
    player.child.send("hom\t")
    player.wait(lambda: "> Go home" in player.display(), "the completed label")
    player.child.send("\r")
    player.wait_text("The End: Home Again")
    player.wait_prompt()
    player.send("4")
    assert player.finish() == 0


def test_piped_stdin_plays_and_exits(command, mini_dir, tmp_path):
    result = subprocess.run([command, "play", "--plain", "--scenes", str(mini_dir), "--seed", "3"], input="1\n2\n",
                            capture_output=True, text=True, timeout=20, env=environment(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("The Gate") == 3  # the first scene and one after each choice
    assert "> 1\n" in result.stdout and "> 2\n" in result.stdout
    assert "\x1b[" not in result.stdout


def test_narrow_terminal(command, mini_args, tmp_path):
    player = Player(command, mini_args, tmp_path, cols=40)
    player.wait_prompt()
    player.type("status")
    assert "Trust" in player.display()
    assert all(len(line) <= 40 for line in player.display().splitlines())
    # the family group beside the others, inside the panel (which takes the whole narrow width)
    assert re.search(r"Trust  2 ██░ +│$", player.display(), re.M)
    player.send("q")
    assert player.finish() == 0


def test_dumb_terminal_and_no_color(command, mini_args, tmp_path):
    player = Player(command, mini_args, tmp_path, TERM="dumb", NO_COLOR="1")
    player.wait_text("4. Go home")
    player.wait_text("> ")
    player.send("home")
    player.wait_text("Home Again")
    player.wait_text("> ")
    player.send("quit")
    assert player.finish() == 0
    assert "\x1b[3" not in player.raw


def test_shipped_story_first_screens(command, tmp_path):
    check = subprocess.run([sys.executable, "-m", "adventure", "check"], capture_output=True, text=True, timeout=60,
                           cwd=Path(__file__).resolve().parent.parent)
    assert check.returncode == 0, f"the shipped story does not load:\n{check.stdout}{check.stderr}"
    player = Player(command, [], tmp_path)
    player.wait_prompt()
    assert "CHAPTER 1" in player.text() and "1." in player.display()
    player.type("1")
    player.send("q")
    assert player.finish() == 0


def test_shipped_story_played_to_the_launch(command, shipped_story, tmp_path):
    """The real story, start to lift-off, typed by number as a player reads the screen.

    The choice numbers come from the engine's offers (what the screen lists); the test
    checks each scene's title on screen before typing, so a drifting UI fails here.
    """
    from test_story import PATHS

    from adventure.run import engine

    state = engine.new_run(shipped_story, seed=0).state
    player = Player(command, ["play", "--seed", "0"], tmp_path, rows=50, cols=100)
    player.wait_prompt()
    for step, choice in enumerate(PATHS["launch"].split(), 1):
        title = shipped_story.scenes[state.scene].title
        assert title in player.recent(), f"step {step}: {title!r} not on screen"
        numbers = [o.choice.id for o in engine.offers(shipped_story, state)]
        player.mark = len(player.raw)
        state = engine.take(shipped_story, state, choice).state
        if state.ending is not None:
            player.send(str(numbers.index(choice) + 1))
            break
        player.type(str(numbers.index(choice) + 1))
    player.wait_text("Your run", timeout=30)
    player.wait_prompt()
    assert "What now?" in player.display()
    player.send("quit")
    assert player.finish() == 0
    text = player.text()
    assert "A Million Miles" in text and "Saw the Earth from orbit" in text
    assert text.index("T-minus 10") < text.index("Lift-Off") < text.index("The Window")
