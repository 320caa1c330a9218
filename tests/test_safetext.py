"""Control characters: refused by the loader (MM110), escaped by every output layer in-process.

The subprocess side (plain and interactive games, exports, graphs, check reports, run
files) is in tests/test_terminal_safety.py.
"""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from rich.panel import Panel
from rich.text import Text

from adventure.base.errors import Diagnostic
from adventure.base.safetext import describe, dumps_json, escape_controls, find_control
from adventure.story import yamlsrc
from adventure.story.loader import check_story, load_story
from adventure.ui.console import SafeConsole, escaped_text, make_console

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SGR = re.compile(r"\x1b\[[0-9;]*m")
"""Rich's own styling: the only escape sequence a styled screen may contain."""


def write_story(folder: Path, chapter: str, *, title: str = "Safe") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(
        f"format: 1\nid: t\ntitle: {title}\nstart: a\nchapters: [c.yaml]\nstats: {{}}\n"
        "endings:\n  - {id: out, title: Out, text: Bye.}\n", encoding="utf-8")
    (folder / "c.yaml").write_text(chapter, encoding="utf-8", newline="")
    return folder


def one_scene(title: str = "A", text: str = "Text.", label: str = "Go") -> str:
    return (f"chapter: {{id: c, title: C}}\nscenes:\n  - id: a\n    title: {title}\n    text: {text}\n"
            f"    choices:\n      - {{id: go, label: {label}, ending: out}}\n")


@pytest.fixture()
def hostile_story(monkeypatch):
    """The hostile fixture story, loaded as a loader without the MM110 check would load it."""
    monkeypatch.setattr(yamlsrc._Reader, "clean", lambda self, node: True)
    return load_story(HOSTILE, cache=False)  # never into the cache the real loader reads


def no_raw_controls(output: str) -> None:
    """No ESC beyond Rich's own colour codes, and no other control character but newline and tab."""
    unstyled = SGR.sub("", output)
    assert "\x1b" not in unstyled, repr(unstyled[max(0, unstyled.find("\x1b") - 40):][:120])
    assert find_control(unstyled) is None, repr(unstyled)


# -- the module -------------------------------------------------------------------------------


def test_escape_controls_writes_them_as_python_does():
    assert escape_controls("a\x1b]0;x\x07b\x9b2J") == "a\\x1b]0;x\\x07b\\x9b2J"
    assert escape_controls("line\n\ttab") == "line\n\ttab"
    assert escape_controls("line\n\ttab", one_line=True) == "line\\x0a\\x09tab"
    assert escape_controls("\r\x7f\x85") == "\\x0d\\x7f\\x85"
    clean = "Plain — text é"
    assert escape_controls(clean) is clean


def test_find_control_and_describe():
    assert find_control("ok\nfine\t") is None
    assert find_control("ab\rc") == 2
    assert describe("\x1b") == "U+001B (ESCAPE)" and describe("\x9b").startswith("U+009B")
    assert describe("\x01") == "U+0001"


def test_json_keeps_values_and_escapes_c1():
    data = {"title": "x\x9by\x7f", "esc": "\x1b[2J", "accent": "é"}
    text = dumps_json(data)
    assert find_control(text.replace("\n", "")) is None
    assert "é" in text and json.loads(text) == data


# -- the loader (MM110, MM111) ---------------------------------------------------------------


def test_hostile_story_is_refused_at_every_string():
    """Regression: escape sequences in every kind of story string loaded and were printed raw."""
    report = check_story(HOSTILE)
    assert report.story is None
    assert {d.code for d in report.errors} == {"MM110"}
    where = {(Path(d.file).name, d.line) for d in report.errors}
    story = (HOSTILE / "story.yaml").read_text().splitlines()
    chapter = (HOSTILE / "chapter.yaml").read_text().splitlines()
    expected = {("story.yaml", n) for n, line in enumerate(story, 1) if "\\e" in line or "\\x9b" in line}
    expected |= {("chapter.yaml", n) for n, line in enumerate(chapter, 1) if "\\e" in line or "\\x9b" in line}
    assert where == expected  # title, subtitle, stat label/group/prefix/description, ending, chapter, scene, choices...
    assert all("U+00" in (d.hint or "") for d in report.errors)


def test_control_character_is_located_at_its_escape(tmp_path):
    folder = write_story(tmp_path / "s", one_scene(text='"Knock.\\e[6n twice"'))
    (error,) = check_story(folder).errors
    assert (error.code, error.line, error.column) == ("MM110", 5, 18)
    assert error.message == "control character U+001B (ESCAPE) in the text"
    assert "U+001B" in (error.hint or "")
    assert error.excerpt() == ('    text: "Knock.\\e[6n twice"', 17)


@pytest.mark.parametrize("escape, code", [("\\x9b", "U+009B"), ("\\r", "U+000D"), ("\\a", "U+0007"),
                                          ("\\u001b", "U+001B"), ("\\N", "U+0085"), ("\\x7f", "U+007F")])
def test_every_c0_and_c1_control_is_refused(tmp_path, escape, code):
    folder = write_story(tmp_path / "s", one_scene(label=f'"Go {escape}on"'))
    errors = check_story(folder).errors
    assert [(e.code, e.line) for e in errors] == [("MM110", 7)]
    assert errors[0].message.startswith(f"control character {code}")


def test_newline_and_tab_are_still_allowed(tmp_path):
    folder = write_story(tmp_path / "s", one_scene(text='"one\\ttwo\\nthree"'))
    assert check_story(folder).ok


def test_keys_ids_and_story_title_are_checked_too(tmp_path):
    folder = write_story(tmp_path / "s", 'chapter: {id: c, title: C}\nscenes:\n  - id: "a\\e"\n    "t\\e": x\n',
                         title='"T\\x9b"')
    errors = check_story(folder).errors
    assert [(Path(e.file).name, e.line, e.code) for e in errors if e.code == "MM110"] == [
        ("story.yaml", 3, "MM110"), ("c.yaml", 3, "MM110"), ("c.yaml", 4, "MM110")]


def test_raw_control_character_in_a_file_is_mm110_and_never_echoed(tmp_path):
    """Regression: the check report echoed the source line, raw ESC included."""
    folder = write_story(tmp_path / "s", one_scene(title="Door \x1b]0;PWNED\x07 here"))
    (error,) = check_story(folder).errors
    assert (error.code, error.line, error.column) == ("MM110", 4, 17)
    assert "\x1b" in (error.source_line or "")  # kept for tools; shown escaped:
    shown, caret = error.excerpt() or ("", 0)
    assert shown == "    title: Door \\x1b]0;PWNED\\x07 here" and shown[caret:].startswith("\\x1b")
    from adventure.cli.check import render_diagnostic

    out = StringIO()
    make_console(file=out, width=100).print(render_diagnostic(error))
    no_raw_controls(out.getvalue())
    assert "\\x1b]0;PWNED" in out.getvalue()


def test_long_source_lines_are_cut_around_the_column():
    diag = Diagnostic("MM111", "too large", "f.yaml", 1, 4000, source_line="x: " + "9" * 5000)
    shown, caret = diag.excerpt() or ("", 0)
    assert len(shown) <= 110 and shown.startswith("...") and shown.endswith("...")
    assert shown[caret] == "9"


def test_huge_numbers_are_mm111_not_a_crash(tmp_path):
    """Regression: a 5000-digit number hit Python's int str-digits limit."""
    folder = write_story(tmp_path / "s", one_scene())
    story = folder / "story.yaml"
    story.write_text(story.read_text().replace("format: 1", "format: " + "9" * 5000))
    (error,) = check_story(folder).errors
    assert error.code == "MM111" and "5000 characters" in error.message and len(error.message) < 120
    story.write_text(story.read_text().replace("format: " + "9" * 5000, "format: 1000000000000000000"))
    assert [e.code for e in check_story(folder).errors] == ["MM111"]


# -- the screens ------------------------------------------------------------------------------


def test_safe_console_escapes_story_text_and_keeps_styles():
    out = StringIO()
    console = SafeConsole(file=out, width=60, force_terminal=True, color_system="standard", highlight=False)
    console.print(Panel(Text("A \x1b]0;PWNED\x07 B \x9b2J", style="bold"), title=Text("T \x1b[2J")))
    console.print("str \x1b[6n", markup=False)
    output = out.getvalue()
    assert SGR.search(output)  # Rich's styling is still there
    no_raw_controls(output)
    assert "\\x1b]0;PWNED" in output and "\\x9b2J" in output and "\\x1b[6n" in output


def test_escaped_text_keeps_styles_on_the_same_characters():
    text = Text("a")
    text.append("\x1b", style="red")
    text.append("b", style="blue")
    copy = escaped_text(text)
    assert copy.plain == "a\\x1bb"
    assert [(copy.plain[s.start:s.end], s.style) for s in copy.spans] == [("\\x1b", "red"), ("b", "blue")]


@pytest.mark.parametrize("plain", [True, False])
def test_hostile_story_plays_without_a_raw_escape(hostile_story, plain):
    from adventure.play.session import Session
    from adventure.ui.play import Game
    from adventure.ui.prompt import lines_reader

    out = StringIO()
    console = make_console(file=out, width=100, force_terminal=not plain, color_system=None if plain else "standard")
    game = Game(Session.new(hostile_story, 1), console, lines_reader(["1", "status", "2", "\x1b[2J", "3"]),
                plain=plain, show_status=True)
    assert game.run(fresh=True) == 0
    output = out.getvalue()
    no_raw_controls(output)
    for shown in ("\\x1b]0;PWNED-TITLE", "\\x1b[2J", "\\x1b[6n", "\\x1b]52;c;", "\\x9b", "\\x1b]0;PWNED-LOCK",
                  "\\x1b]0;PWNED-ENDING", "\\x1b]0;PWNED-CHAPTER", "Knocked \\x1b[2J"):
        assert shown in output, shown
