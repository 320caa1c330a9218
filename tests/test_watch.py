"""``play --watch``: carrying a run onto an edited story, the live game, the watcher, wakeable readers.

The game is driven by scripted lines; a fake watcher reports a change when a script
step edits the story, so every reload happens at a known point without waiting.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
from rich.console import Console

from adventure.play.notices import stopped_at
from adventure.play.session import Session
from adventure.run import engine
from adventure.run.engine import Start, Step
from adventure.run.rebase import rebase
from adventure.ui.console import make_console
from adventure.ui.prompt import WakeableStreamReader, Woken
from adventure.ui.watch import LiveGame, StoryWatcher

WAIT = 15.0
"""Seconds to wait for the file watcher before failing (never a timing assertion)."""


@pytest.fixture()
def story_dir(short_tmp, mini_dir) -> Path:
    folder = short_tmp / "story"  # a short path: the tests find it whole in a located error line
    shutil.copytree(mini_dir, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- carrying a run over (rebasing its log) ------------------------------------------------------------------------------


def test_carry_over_keeps_every_step_that_applies(mini_story, story_dir):
    from adventure.story.loader import load_story

    steps = engine.replay(mini_story, 3, [Step("gate", "key"), Step("gate", "pick")]).state.log
    edit(story_dir / "one.yaml", "A gate, and", "A green gate, and")
    carried = rebase(load_story(story_dir), 3, steps)
    assert carried.complete and carried.applied == carried.total == 2 and carried.state.log == steps


def test_carry_over_stops_at_the_divergence_and_says_why(mini_story, story_dir):
    from adventure.story.loader import load_story

    steps = [Step("gate", "key"), Step("gate", "pick"), Step("gate", "pick")]
    edit(story_dir / "one.yaml", "- id: pick", "- id: pluck")
    carried = rebase(load_story(story_dir), 3, steps)
    assert not carried.complete and carried.applied == 1 and carried.state.log == (Step("gate", "key"),)
    assert carried.stopped is not None
    assert stopped_at(carried.stopped) == "step 2 (scene 'gate', choice 'pick'): scene 'gate' no longer offers 'pick'"


def test_carry_over_a_sandbox_whose_start_is_gone(story_dir):
    from adventure.story.loader import load_story

    edit(story_dir / "story.yaml", "  letters:", "  post:")
    edit(story_dir / "two.yaml", "Letters so far: {letters}", "Post so far: {post}")
    edit(story_dir / "two.yaml", "add: {letters: 1}", "add: {post: 1}")
    edit(story_dir / "two.yaml", "letters >= 3", "post >= 3")
    edit(story_dir / "two.yaml", "{letters} letters", "{post} letters")
    edit(story_dir / "story.yaml", "letters * 5", "post * 5")
    carried = rebase(load_story(story_dir), 3, [Step("road", "wait")], Start("road", (("letters", 2),)))
    assert carried.start_lost and carried.stopped is not None and carried.state.scene == "gate"
    assert (carried.stopped.step, carried.stopped.detail) == (0, "there is no stat called 'letters'")


# -- the live game --------------------------------------------------------------------------------------


class FakeWatcher:
    """Reports a change after a script step touched the story."""

    def __init__(self) -> None:
        self.changed: list[str] | None = None
        self.stopped = False

    def take(self) -> list[str] | None:
        changed, self.changed = self.changed, None
        return changed

    def stop(self) -> None:
        self.stopped = True


def live(story_dir: Path, script, *, start: Start | None = None, store=None):
    """A LiveGame over ``story_dir`` whose reader runs ``script``: lines, or callables that edit files."""
    from adventure.story.loader import load_story

    watcher = FakeWatcher()
    items = iter(script)

    def read(prompt, words):
        for item in items:
            if callable(item):
                item()
                watcher.changed = ["one.yaml"]
                raise Woken
            return item
        raise EOFError

    out = make_console(file=io.StringIO(), width=100, color_system=None, force_terminal=False)
    session = Session.new(load_story(story_dir), 3, store=store, start=start)
    game = LiveGame(session, out, read, folder=story_dir, watcher=watcher)
    return game, out, watcher


def screen(console: Console) -> str:
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_an_edit_redraws_the_scene_and_keeps_the_position(story_dir):
    one = story_dir / "one.yaml"
    game, out, watcher = live(story_dir, ["2", "1", lambda: edit(one, "A gate, and", "A green gate, and"), "look"])
    assert game.run() == 0 and watcher.stopped
    text = screen(out)
    after = text[text.index("the story was reloaded"):]
    assert "A green gate, and Pepe" in after and "The key is warm in your hand." in after
    assert "Reloaded (one.yaml changed): all 2 choices still apply." in after
    assert game.session.state.log == (Step("gate", "key"), Step("gate", "pick"))
    assert "Watching" in text


def test_a_broken_save_shows_located_errors_and_the_old_story_plays_on(story_dir):
    one = story_dir / "one.yaml"
    script = ["2", lambda: edit(one, "goto: gate\n", "goto: gaet\n"), "1",
              lambda: edit(one, "goto: gaet\n", "goto: gate\n"), "1"]
    game, out, _ = live(story_dir, script)
    assert game.run() == 0
    text = screen(out)
    assert f"error MM402  {one}:17:15" in text and "no scene called 'gaet'" in text and "did you mean 'gate'?" in text
    assert "17 │         goto: gaet" in text
    assert "The story does not load (1 error), so the last good version keeps playing." in text
    broken_at = text.index("does not load")
    assert "Apples 0 → 1" in text[broken_at:]  # the line after the break was played on the old story
    assert "Reloaded (one.yaml changed): all 2 choices still apply." in text
    assert [s.choice for s in game.session.state.log] == ["key", "pick", "pick"]


def test_a_divergence_stops_before_the_step_and_undoing_the_edit_restores_it(story_dir):
    one = story_dir / "one.yaml"
    script = ["2", "1", "1", lambda: edit(one, "- id: pick", "- id: pluck"),
              lambda: edit(one, "- id: pluck", "- id: pick")]
    game, out, _ = live(story_dir, script)
    game.run()
    text = screen(out)
    assert ("The run no longer applies at step 2 (scene 'gate', choice 'pick'): scene 'gate' no longer offers "
            "'pick'. Stopped after step 1 of 3, in scene 'gate'.") in " ".join(text.split())
    assert "all 3 choices still apply" in text  # the edit was undone: the whole path is back
    assert len(game.session.state.log) == 3


def test_a_choice_after_a_divergence_becomes_the_path(story_dir):
    one = story_dir / "one.yaml"
    script = ["2", "1", "1", lambda: edit(one, "- id: pick", "- id: pluck"), "1",
              lambda: edit(one, "A gate, and", "A green gate, and")]
    game, out, _ = live(story_dir, script)
    game.run()
    assert [s.choice for s in game.session.state.log] == ["key", "pluck"]
    assert "all 2 choices still apply" in screen(out)


def test_nothing_an_author_does_ends_the_game(story_dir, monkeypatch):
    story = story_dir / "story.yaml"
    moved = story_dir.parent / "moved"

    def explode(folder):
        raise RuntimeError("disk on fire")

    script = [lambda: story.write_text("format: [", encoding="utf-8"), "1",
              lambda: story_dir.rename(moved), "1",
              lambda: moved.rename(story_dir), "1",
              lambda: monkeypatch.setattr("adventure.story.loader.check_story", explode), "1"]
    game, out, _ = live(story_dir, script)
    assert game.run() == 0
    text = screen(out)
    assert "MM101" in text or "MM102" in text  # the YAML error, located
    assert f"story folder {story_dir} does not exist" in text
    assert "Could not reload the story (RuntimeError: disk on fire)" in text
    assert [s.choice for s in game.session.state.log] == ["pick", "pick", "pick", "pick"]


def test_an_edit_that_ends_the_run_does_not_end_the_game(story_dir):
    one = story_dir / "one.yaml"
    script = ["1", lambda: edit(one, "goto: gate\n", "ending: home\n"), "1", "undo", "look"]
    game, out, _ = live(story_dir, script)
    assert game.run() == 0
    text = screen(out)
    assert "The run now ends here: 'undo' steps back" in text and "Home Again" in text
    assert "There is nothing to choose here." in text and "Undone" in text
    assert game.session.state.turn == 0


def test_a_sandbox_run_is_carried_from_its_start(story_dir):
    two = story_dir / "two.yaml"
    script = ["1", lambda: edit(two, "The road runs on.", "The long road runs on.")]
    game, out, _ = live(story_dir, script, start=Start("road", (("letters", 1),)))
    game.run()
    assert "The long road runs on. Letters so far: 2." in screen(out)
    assert game.session.start == Start("road", (("letters", 1),))


def test_a_reload_does_not_write_the_save(story_dir, tmp_path):
    from adventure.saves.store import SaveStore

    store = SaveStore(tmp_path / "saves")
    one = story_dir / "one.yaml"
    game, _, _ = live(story_dir, ["1", "1", lambda: edit(one, "- id: pick", "- id: pluck")], store=store)
    game.run()
    assert len(game.session.state.log) == 0
    assert len(store.read(game.session.slot).steps) == 2  # only a choice autosaves, never an edit


# -- the watcher ------------------------------------------------------------------------------------------


def reported(woken: threading.Event, watcher: StoryWatcher, change, name: str) -> bool:
    """Make ``change`` until the watcher reports ``name`` (the watch may still be starting)."""
    for _ in range(int(WAIT * 2)):
        change()
        while woken.wait(0.5):
            woken.clear()
            if name in (watcher.take() or []):
                return True
    return False


def test_watcher_reports_saves_and_survives_the_folder_going(story_dir):
    woken = threading.Event()
    watcher = StoryWatcher(story_dir, woken.set).start()
    counter = iter(range(1000))

    def touch(name: str):
        return lambda: (story_dir / name).write_text((story_dir / name).read_text() + f"# {next(counter)}\n")

    try:
        assert reported(woken, watcher, touch("one.yaml"), "one.yaml")
        assert watcher.take() is None
        shutil.rmtree(story_dir)
        assert woken.wait(WAIT), "the folder's removal was not reported"
        shutil.copytree(Path(__file__).parent / "fixtures" / "mini", story_dir)
        assert reported(woken, watcher, lambda: None, "story.yaml"), "the folder's return was not reported"
        assert reported(woken, watcher, touch("two.yaml"), "two.yaml")
        (story_dir / "notes.txt").write_text("not a story file", encoding="utf-8")
        assert reported(woken, watcher, touch("one.yaml"), "one.yaml")
        assert watcher.failure is None
    finally:
        watcher.stop()


def test_watcher_ignores_files_that_are_not_yaml(story_dir):
    from watchfiles import Change

    from adventure.ui.watch import _story_files

    accept = _story_files(str(story_dir))
    assert accept(Change.modified, str(story_dir / "one.yaml")) and accept(Change.deleted, str(story_dir))
    (story_dir / "chapters").mkdir()
    assert accept(Change.added, str(story_dir / "chapters"))
    assert not accept(Change.added, str(story_dir / "4913")) and not accept(Change.added, str(story_dir / "sedPHcC6p"))
    assert not accept(Change.modified, str(story_dir / "notes.txt"))
    assert not accept(Change.modified, str(story_dir / ".one.yaml.swp"))
    assert not accept(Change.modified, str(story_dir / "one.yaml~"))


# -- readers that can be woken ---------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="select() on pipes is POSIX")
def test_wakeable_stream_reader_lines_wake_and_end():
    read_fd, write_fd = os.pipe()
    out = io.StringIO()
    reader = WakeableStreamReader(read_fd, out, echo=True)
    os.write(write_fd, "one\ntwo\r\nthré".encode())
    assert reader("> ", ()) == "one" and reader("> ", ()) == "two"
    reader.wake()
    with pytest.raises(Woken):
        reader("> ", ())
    threading.Timer(0.05, reader.wake).start()  # from another thread, while blocked
    with pytest.raises(Woken):
        reader("> ", ())
    os.close(write_fd)
    assert reader("> ", ()) == "thré"
    with pytest.raises(EOFError):
        reader("> ", ())
    assert out.getvalue() == "> one\n> two\n> > > thré\n> \n"
    os.close(read_fd)


def test_play_help_lists_the_writing_flags(capsys):
    from adventure.cli import main

    with pytest.raises(SystemExit):
        main(["play", "--help"])
    out = capsys.readouterr().out
    for flag in ("--watch", "--start SCENE", "--set STAT=VALUE"):
        assert flag in out


def test_watch_with_piped_input_plays_and_reloads_nothing(command, mini_dir, tmp_path):
    """Piped play with --watch reads its lines as usual and exits at the end of input."""
    import subprocess

    folder = tmp_path / "story"
    shutil.copytree(mini_dir, folder)
    result = subprocess.run([command, "play", "--plain", "--watch", "--scenes", str(folder), "--seed", "3",
                             "--save-dir", str(tmp_path / "saves")], input="2\n1\n", capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0, result.stderr
    assert "Watching" in result.stdout and "Apples 0 to 1" in result.stdout and "Goodbye" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="select() on pipes is POSIX")
def test_wakeable_stream_reader_echo_is_escaped():
    read_fd, write_fd = os.pipe()
    out = io.StringIO()
    reader = WakeableStreamReader(read_fd, out, echo=True)
    os.write(write_fd, b"\x1b[2Jhi\n")
    assert reader("> ", ()) == "\x1b[2Jhi"
    assert out.getvalue() == "> \\x1b[2Jhi\n"
    os.close(write_fd)
    os.close(read_fd)


def test_an_edited_weight_that_moves_a_passed_draw_is_said(story_dir):
    """Issue 20: every choice still applied, the run landed elsewhere, and the reload said nothing."""
    from adventure.story.loader import load_story

    story = load_story(story_dir)
    landed = engine.take(story, engine.start_at(story, 3, Start("road")).state, "wait").state.scene
    other = "house" if landed == "road" else "road"
    edits = [("{weight: 3, scene: road}", "{weight: 1, scene: road}"),
             ("{weight: 1, scene: house}", "{weight: 999, scene: house}")]
    if other == "road":
        edits = [("{weight: 3, scene: road}", "{weight: 999, scene: road}")]

    def reweigh() -> None:
        for old, new in edits:
            edit(story_dir / "two.yaml", old, new)

    game, out, _ = live(story_dir, ["#wait", reweigh, "look"], start=Start("road"))
    assert game.run() == 0
    words = " ".join(screen(out).split())
    assert (f"your one choice still applies, but the last one now leads to scene '{other}' instead of "
            f"scene '{landed}' (its random draw or conditional target goes another way).") in words
