"""End-to-end ``play --watch`` in a pseudo-terminal: edit, break and fix the story while playing.

Driven like tests/test_e2e_terminal.py (pexpect + pyte, every wait with a timeout). The
watcher starts with the game, so a test repeats an edit until the screen shows it:
rewriting the same text is harmless (an unchanged story is not redrawn).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_e2e_terminal import TIMEOUT, Player

pytestmark = pytest.mark.e2e

ATTEMPTS = 4


@pytest.fixture()
def story_dir(short_tmp, mini_dir) -> Path:
    folder = short_tmp / "story"  # a short path: the tests find it whole in a located error line
    shutil.copytree(mini_dir, folder)
    return folder


def replace(path: Path, old: str, new: str):
    """An edit that can be repeated: replaces ``old`` once if it is still there, else rewrites the file."""
    def edit() -> None:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def edit_until(player: Player, edit, text: str) -> None:
    """Save the edit and wait for ``text`` on screen, saving again if the watcher was not yet up."""
    player.mark = len(player.raw)
    for attempt in range(ATTEMPTS):
        edit()
        try:
            player.wait_text(text, timeout=TIMEOUT if attempt == ATTEMPTS - 1 else TIMEOUT / ATTEMPTS)
            return
        except AssertionError:
            if attempt == ATTEMPTS - 1:
                raise


def test_edit_break_fix_while_playing(command, story_dir, tmp_path):
    one = story_dir / "one.yaml"
    player = Player(command, ["play", "--scenes", str(story_dir), "--watch", "--seed", "3"], tmp_path / "saves")
    player.wait_prompt()
    assert "Watching" in player.text()
    player.type("2")  # the key
    player.type("1")  # an apple
    # edit the current scene's text: the new text, at the same place
    edit_until(player, replace(one, "A gate, and", "A green gate, and"), "all 2 choices still apply")
    player.wait_prompt()
    screen = player.display()
    assert "A green gate, and Pepe in front of it." in screen and "The key is warm in your hand." in screen
    assert "Apples 1" in screen and "Take the key" not in screen
    # break it: the located error on screen, and the game goes on with the last good story
    edit_until(player, replace(one, "goto: gate\n", "goto: gaet\n"), "so the last good version keeps playing")
    player.wait_prompt()
    screen = player.display()
    assert f"error MM402  {one}:17:15" in screen
    assert "no scene called 'gaet'" in screen and "did you mean 'gate'?" in screen
    player.type("1")
    assert "Apples 1 → 2" in player.recent()
    # fix it: play on from where the run is
    edit_until(player, replace(one, "goto: gaet\n", "goto: gate\n"), "all 3 choices still apply")
    player.wait_prompt()
    assert "Apples 2" in player.display() and "A green gate" in player.display()
    player.type("open")
    assert "The Road" in player.display()
    player.send("quit")
    assert player.finish() == 0


def test_plain_watch_wakes_the_line_reader(command, story_dir, tmp_path):
    two = story_dir / "two.yaml"
    player = Player(command, ["play", "--plain", "--scenes", str(story_dir), "--watch", "--start", "road",
                              "--set", "letters=2", "--seed", "3"], tmp_path / "saves")
    player.wait_text("Letters so far: 2.")
    player.wait_text("> ")
    edit_until(player, replace(two, "The road runs on.", "The dusty road runs on."), "you are at the start")
    assert "--- the story was reloaded ---" in player.recent()
    assert "The dusty road runs on. Letters so far: 2." in player.recent()
    player.send("1")
    player.wait_text("Letters so far: 3.")
    player.send("q")
    assert player.finish() == 0
    assert (tmp_path / "saves" / "scratch" / "sandbox.yaml").is_file()
    assert not (tmp_path / "saves" / "autosave.yaml").exists()


def test_a_reload_keeps_the_line_being_typed(command, story_dir, tmp_path):
    one = story_dir / "one.yaml"
    player = Player(command, ["play", "--scenes", str(story_dir), "--watch", "--seed", "3"], tmp_path / "saves")
    player.wait_prompt()
    player.child.send("Go ho")
    player.wait(lambda: "> Go ho" in player.display(), "the typed text")
    edit_until(player, replace(one, "A gate, and", "A tall gate, and"), "you are at the start")
    player.wait(lambda: "> Go ho" in player.display() and "A tall gate" in player.display(), "the line kept")
    player.child.send("me\r")
    player.wait_text("The End: Home Again")
    player.wait_prompt()  # the ending offers what next (issue 10): leave
    player.send("quit")
    assert player.finish() == 0
