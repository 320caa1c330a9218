"""``replay --export``: an asciicast of the replay, an SVG screen, standard output, and one content for every document."""

from __future__ import annotations

import html
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adventure.cli import main
from adventure.cli.replay import load_record, story_for
from adventure.saves.transcript import build_transcript
from adventure.ui.console import make_console
from adventure.ui.exports import export_notes, plain_lines
from adventure.ui.playback import screen_for

ROOT = Path(__file__).resolve().parent.parent
TRUE_PATH = str(ROOT / "saves" / "true-path.yaml")
RESTAURANT = str(ROOT / "saves" / "restaurant.yaml")


def _export(capsys, run: str, *args: str) -> str:
    capsys.readouterr()
    assert main(["replay", run, "--export", "-", *args]) == 0
    return capsys.readouterr().out


def _cast(capsys, *args: str) -> tuple[dict, list]:
    lines = _export(capsys, TRUE_PATH, "--format", "cast", *args).splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


def _screen(header: dict, events: list) -> list[str]:
    pyte = pytest.importorskip("pyte")
    screen = pyte.Screen(header["width"], header["height"])
    stream = pyte.Stream(screen)
    for _time, _kind, text in events:
        stream.feed(text)
    return [line.rstrip() for line in screen.display]


def _visible(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


# -- asciicast ---------------------------------------------------------------------------------------


def test_the_cast_is_asciicast_v2_with_paced_output_events(capsys):
    header, events = _cast(capsys)
    assert header["version"] == 2 and header["width"] == 100 and header["height"] == 40
    assert events and all(isinstance(t, float | int) and kind == "o" and isinstance(text, str)
                          for t, kind, text in events)
    times = [t for t, _kind, _text in events]
    assert times == sorted(times) and times[0] == 0 and times[-1] > 83  # at least a second a page at speed 1
    assert not any("\n" in text.replace("\r\n", "") for _t, _k, text in events)  # a terminal's line ends


def test_speed_paces_the_cast(capsys):
    _header, slow = _cast(capsys)
    _header, fast = _cast(capsys, "--speed", "4")
    assert fast[-1][0] == pytest.approx(slow[-1][0] / 4, rel=0.01)


def test_the_cast_ends_on_the_screen_replay_shows(capsys):
    """pyte fed the events shows the ending screen as replay draws it at that width."""
    header, events = _cast(capsys, "--width", "90")
    assert header["width"] == 90
    record = load_record(TRUE_PATH, None)
    story = story_for(record, None)
    ending = plain_lines_at(screen_for(build_transcript(story, record), story), 90)
    shown = _visible(_screen(header, events))
    tail = ending[-(header["height"] - 2):]
    assert shown[-len(tail):] == tail


def test_a_cast_to_step_n_stops_there(capsys):
    header, events = _cast(capsys, "--to", "6", "--speed", "0")
    shown = _visible(_screen(header, events))
    assert shown[-1] == "Stopped after step 6 of 84 (--to)."
    assert all(t == 0 for t, _k, _text in events)  # --speed 0: no pauses


def plain_lines_at(renderable, width: int) -> list[str]:
    from io import StringIO


    console = make_console(file=StringIO(), width=width, color_system=None, force_terminal=False, record=True, _environ={})
    console.print(renderable)
    return _visible([line.rstrip() for line in console.export_text().split("\n")])


# -- SVG ---------------------------------------------------------------------------------------------


def _svg_text(svg: str) -> str:
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return "".join(root.itertext()).replace("\xa0", " ")


def test_the_svg_is_the_last_screen(capsys):
    text = _svg_text(_export(capsys, TRUE_PATH, "--format", "svg"))
    assert "The End: A Million Miles" in text and "Choices that mattered" in text


def test_the_svg_of_step_n_shows_that_step(capsys):
    record = load_record(TRUE_PATH, None)
    story = story_for(record, None)
    page = build_transcript(story, record).pages[28]
    text = _svg_text(_export(capsys, TRUE_PATH, "--format", "svg", "--to", "29"))
    assert page.title in text and "step 29/84" in text and "The End" not in text


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium to render the SVG")
def test_a_browser_renders_the_svg(tmp_path):
    svg = tmp_path / "run.svg"
    assert main(["replay", TRUE_PATH, "--export", str(svg)]) == 0
    shot = tmp_path / "shot.png"
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={shot}",
                    "--window-size=1300,900", svg.as_uri()], capture_output=True, timeout=120)
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


# -- where the export goes ---------------------------------------------------------------------------


def test_export_to_a_file_says_nothing_and_stdout_gets_the_same_text(tmp_path, capsys):
    for fmt in ("txt", "md", "html"):
        target = tmp_path / f"run.{fmt}"
        capsys.readouterr()
        assert main(["replay", RESTAURANT, "--export", str(target)]) == 0
        assert capsys.readouterr().out == ""
        assert target.read_text(encoding="utf-8") == _export(capsys, RESTAURANT, "--format", fmt)
    target = tmp_path / "out.md"
    assert main(["replay", RESTAURANT, "-o", str(target)]) == 0 and capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8") == (tmp_path / "run.md").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["replay", RESTAURANT, "--format", "txt"]) == 0  # like graph --format: standard output
    assert capsys.readouterr().out == (tmp_path / "run.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, words", [
    (["--export", "-"], "--format"),
    (["--export", "a.txt", "-o", "b.txt"], "not both"),
    (["--export", "run.pdf"], ".cast or .svg"),
])
def test_unclear_exports_are_usage_errors(capsys, args, words):
    assert main(["replay", RESTAURANT, *args]) == 2
    assert words in capsys.readouterr().err


def test_a_folder_is_no_export_target(tmp_path, capsys):
    assert main(["replay", RESTAURANT, "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


# -- one content ---------------------------------------------------------------------------------------


def _words(fmt: str, text: str) -> str:
    if fmt == "html":
        text = html.unescape(re.sub(r"<[^>]+>", "", text))
    if fmt == "md":
        text = re.sub(r"\\(.)", r"\1", text).replace("*", "")
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_every_document_carries_the_same_content(capsys, fmt):
    record = load_record(RESTAURANT, None)
    story = story_for(record, None)
    transcript = build_transcript(story, record)
    notes = export_notes(transcript, story)
    text = _words(fmt, _export(capsys, RESTAURANT, "--format", fmt))
    changes = [line for lines in notes.changes.values() for line in lines]
    assert len(changes) > 20
    for line in changes:
        assert re.sub(r"\s+", " ", line) in text
    assert "How this run differed from the true path" in text and "Next time, try" in text
    for line in notes.summary:
        assert re.sub(r"\s+", " ", line.removeprefix("- ")) in text, line
    for page in transcript.pages:
        assert page.title in text
    assert transcript.ending is not None and transcript.ending.title in text


def test_the_summary_is_the_games_own_ending_summary():
    record = load_record(RESTAURANT, None)
    story = story_for(record, None)
    transcript = build_transcript(story, record)
    from adventure.ui import render

    assert export_notes(transcript, story).summary == plain_lines(render.run_summary(story, transcript.final, plain=True))



# -- the cast's events, for any text --------------------------------------------------------------------

@given(st.lists(st.text(max_size=300), max_size=30), st.lists(st.floats(0, 1e6), max_size=30))
def test_cast_events_round_trip_any_text_with_terminal_line_ends(writes, pauses):
    from adventure.ui.recording import _Clock, _EventWriter

    clock = _Clock()
    out = _EventWriter(clock)
    for index, text in enumerate(writes):
        out.write(text)
        if index < len(pauses):
            clock.pause(pauses[index])
    lines = [json.dumps([t, "o", text], ensure_ascii=False) for t, text in out.events]
    events = [json.loads(line) for line in lines]
    assert all("\n" not in line for line in lines)  # one event per line of the file, whatever the text
    assert "".join(text for _t, _k, text in events) == "".join(w.replace("\r\n", "\n").replace("\n", "\r\n")
                                                              for w in writes)
    times = [t for t, _k, _text in events]
    assert times == sorted(times)
