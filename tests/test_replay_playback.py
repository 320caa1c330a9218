"""Replaying a run in the terminal and exporting its transcript (sleep and input injected)."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from adventure.cli import main
from adventure.play.notices import stopped_step
from adventure.run import engine
from adventure.saves.store import SaveStore, record_for
from adventure.saves.transcript import build_transcript, to_markdown, to_text
from adventure.story.loader import load_story
from adventure.ui.console import make_console
from adventure.ui.notes import export_notes
from adventure.ui.playback import play_back
from adventure.ui.transcript_panels import to_html

SKY = ["pick", "pick", "key", "open", "wait", "wait", "wait", "run", "fly"]


def _record(story, choices=SKY, seed=3):
    state = engine.new_run(story, seed).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return record_for(story, state, "trip")


def _console() -> Console:
    return make_console(file=StringIO(), width=72, color_system=None, force_terminal=False, highlight=False)


class Waits:
    """A fake clock-and-keyboard: records every pause and answers with scripted keys."""

    def __init__(self, keys=()):
        self.delays: list[float] = []
        self.keys = list(keys)

    def __call__(self, seconds: float):
        self.delays.append(seconds)
        return self.keys.pop(0) if self.keys else None


def test_transcript_pages_follow_the_log(mini_story):
    transcript = build_transcript(mini_story, _record(mini_story))
    assert [p.taken for p in transcript.pages] == SKY
    assert transcript.pages[0].chapter == "The Orchard" and transcript.pages[4].chapter == "The Road"
    assert transcript.pages[1].chapter is None
    assert transcript.ending.id == "sky" and "3 letters" in transcript.ending.text
    assert transcript.ending.remembered == ("Opened the gate",)
    locked = [c for c in transcript.pages[0].choices if not c.enabled]
    assert locked[0].id == "open" and locked[0].reason == "You need the key and two apples."


def test_playback_shows_every_page_then_the_ending(mini_story):
    console, waits = _console(), Waits()
    transcript = build_transcript(mini_story, _record(mini_story))
    assert play_back(transcript, console, speed=2.0, pause=waits) == 0
    out = console.file.getvalue()
    assert out.count("The Gate") == 4 and "The End: The Sky" in out and "step 9/9" in out
    assert len(waits.delays) == 9 and all(d > 0 for d in waits.delays)
    assert "━" in out  # the progress bar


def test_q_stops_cleanly(mini_story):
    console, waits = _console(), Waits([None, None, "q"])
    assert play_back(build_transcript(mini_story, _record(mini_story)), console, pause=waits) == 0
    out = console.file.getvalue()
    assert "Stopped at step 3 of 9." in out and "The End" not in out and len(waits.delays) == 3


def test_any_other_key_skips_ahead(mini_story):
    waits = Waits([" "] * 20)
    assert play_back(build_transcript(mini_story, _record(mini_story)), _console(), pause=waits) == 0
    assert len(waits.delays) == 9


def test_step_mode_waits_for_enter(mini_story):
    console, answers = _console(), iter(["", "", "q"])
    prompts = []

    def ask(prompt):
        prompts.append(prompt)
        return next(answers)

    waits = Waits()
    assert play_back(build_transcript(mini_story, _record(mini_story)), console, step_mode=True, ask=ask,
                     pause=waits) == 0
    assert len(prompts) == 3 and waits.delays == []
    assert "Stopped at step 3 of 9." in console.file.getvalue()


def test_to_stops_after_step_n(mini_story):
    console, waits = _console(), Waits()
    assert play_back(build_transcript(mini_story, _record(mini_story)), console, stop_after=4, pause=waits) == 0
    out = console.file.getvalue()
    assert "step 4/9" in out and "step 5/9" not in out and "The End" not in out
    assert "Stopped after step 4 of 9 (--to)." in out and len(waits.delays) == 3


def test_speed_zero_and_non_terminal_never_wait(mini_story):
    transcript = build_transcript(mini_story, _record(mini_story))
    waits = Waits()
    play_back(transcript, _console(), speed=0, pause=waits)
    console = _console()
    play_back(transcript, console, animate=False, pause=waits)
    assert waits.delays == [] and "━" not in console.file.getvalue()


def test_unfinished_run_ends_where_it_stands(mini_story):
    console = _console()
    play_back(build_transcript(mini_story, _record(mini_story, SKY[:5])), console, pause=Waits())
    out = console.file.getvalue()
    assert "where the run stands" in out and "The End" not in out


@pytest.fixture
def marked_up(tmp_path, mini_dir):
    """A story whose text looks like Rich markup and HTML: it must be shown as written."""
    folder = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    one = folder / "one.yaml"
    one.write_text(one.read_text().replace("A gate, and {name} in front of it.",
                                           "A [bold red]gate[/bold red] <script>alert(1)</script> & *stars*."))
    return load_story(folder)


def test_story_text_is_never_markup(marked_up):
    console = _console()
    play_back(build_transcript(marked_up, _record(marked_up)), console, pause=Waits())
    assert "[bold red]gate[/bold red]" in console.file.getvalue()


def test_exports_escape_story_text(marked_up):
    transcript = build_transcript(marked_up, _record(marked_up))
    text = to_text(transcript)
    assert "A [bold red]gate[/bold red] <script>alert(1)</script> & *stars*." in text
    assert "> Open the gate" in text and "The End: The Sky" in text and "Opened the gate" in text
    md = to_markdown(transcript)
    assert "\\<script\\>" in md and "\\*stars\\*" in md and "**→ Open the gate**" in md
    html = to_html(transcript)
    assert "<script>" not in html and "&lt;script&gt;" in html and "The End: The Sky" in html
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_cli_export_and_plain_playback(tmp_path, mini_dir, mini_story, capsys):
    store = SaveStore(tmp_path / "s")
    path = store.write(_record(mini_story))
    for suffix in ("txt", "md", "html"):
        out = tmp_path / f"trip.{suffix}"
        assert main(["replay", str(path), "--scenes", str(mini_dir), "--export", str(out)]) == 0
        assert "The Sky" in out.read_text(encoding="utf-8")
    assert main(["replay", str(path), "--scenes", str(mini_dir), "--speed", "0"]) == 0
    out = capsys.readouterr().out
    assert "The Gate" in out and "The End: The Sky" in out
    assert main(["replay", str(path), "--scenes", str(mini_dir), "--to", "2", "--plain"]) == 0
    assert "Stopped after step 2 of 9" in capsys.readouterr().out


def test_cli_ctrl_c_exits_130(tmp_path, mini_dir, mini_story, monkeypatch, capsys):
    import adventure.ui.console as ui_console
    import adventure.ui.playback as playback

    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(ui_console, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(playback, "terminal_pause", interrupted)
    path = SaveStore(tmp_path / "s").write(_record(mini_story))
    assert main(["replay", str(path), "--scenes", str(mini_dir)]) == 130
    assert "Traceback" not in capsys.readouterr().err


def test_replay_after_a_story_edit_says_where_it_stops(tmp_path, mini_dir, mini_story):
    folder = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    two = folder / "two.yaml"
    two.write_text(two.read_text().replace("      - id: fly", "      - id: soar"))
    edited = load_story(folder)
    transcript = build_transcript(edited, _record(mini_story))
    assert transcript.stopped is not None and stopped_step(transcript.stopped) == "step 9: scene 'city' no longer offers 'fly'"
    assert "The replay stops here: step 9" in to_text(transcript, export_notes(transcript, edited))


def test_step_mode_with_closed_input_stops(mini_story):
    def closed(prompt):
        raise EOFError

    console = _console()
    assert play_back(build_transcript(mini_story, _record(mini_story)), console, step_mode=True, ask=closed) == 0
    assert "Stopped at step 1 of 9." in console.file.getvalue()


def test_playback_of_another_storys_run_is_an_error(tmp_path, mini_dir, mini_story, capsys):
    folder = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    (folder / "story.yaml").write_text((folder / "story.yaml").read_text().replace("id: mini", "id: other"))
    path = SaveStore(tmp_path / "s").write(_record(mini_story))
    assert main(["replay", str(path), "--scenes", str(folder), "--speed", "0"]) == 1
    assert "belongs to the story 'mini'" in capsys.readouterr().err


def test_playback_with_the_games_own_screens(mini_story):
    pytest.importorskip("adventure.ui.render")
    console, waits = _console(), Waits()
    transcript = build_transcript(mini_story, _record(mini_story))
    assert play_back(transcript, console, story=mini_story, pause=waits) == 0
    out = console.file.getvalue()
    assert "▸ step 1/9: Pick an apple" in out and "▸ step 9/9: Fly" in out
    assert "The Orchard" in out and "The End: The Sky" in out and len(waits.delays) == 9
    plain = _console()
    play_back(transcript, plain, story=mini_story, plain=True, animate=False)
    assert "╭" not in plain.file.getvalue() and "Fly" in plain.file.getvalue()


def test_speed_multiplies_the_pace(mini_story):
    """--speed 20 is twenty times faster than --speed 1, not slower."""
    transcript = build_transcript(mini_story, _record(mini_story))
    paces = {}
    for speed in (1.0, 2.0, 20.0):
        waits = Waits()
        play_back(transcript, _console(), speed=speed, pause=waits)
        paces[speed] = waits.delays
    assert paces[2.0] == pytest.approx([d / 2 for d in paces[1.0]])
    assert paces[20.0] == pytest.approx([d / 20 for d in paces[1.0]])
    assert sum(paces[20.0]) < sum(paces[1.0]) / 10
