"""The HTML export is a readable page: prose in a column, stat changes, escaped text, no terminal dump."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from adventure import engine
from adventure.cli import main
from adventure.saves.store import SaveStore, record_for
from adventure.saves.transcript import build_transcript
from adventure.story.loader import load_story
from adventure.ui.html_export import transcript_html

SKY = ["pick", "pick", "key", "open", "wait", "wait", "wait", "run", "fly"]
LONG = ("The road runs on past the last orchard and the irrigation ditch and the packing shed, "
        "and the letters keep coming: {letters}.")


@pytest.fixture
def story(tmp_path, mini_dir):
    """The mini story with a long line and text that looks like markup and HTML."""
    folder = Path(shutil.copytree(mini_dir, tmp_path / "story"))
    one = folder / "one.yaml"
    one.write_text(one.read_text().replace("A gate, and {name} in front of it.",
                                           "A [bold red]gate[/bold red] <script>alert(1)</script> & *stars*."))
    two = folder / "two.yaml"
    two.write_text(two.read_text().replace('"The road runs on. Letters so far: {letters}."', f'"{LONG}"'))
    return load_story(folder)


def _record(story, choices=SKY, seed=3):
    state = engine.new_run(story, seed).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return record_for(story, state, "trip")


def test_the_page_is_readable_html(story):
    page = transcript_html(build_transcript(story, _record(story)), story)
    assert page.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in page
    assert "<title>The Little Orchard — The Sky</title>" in page and "<h1>The Little Orchard</h1>" in page
    assert "<pre" not in page and "monospace" not in page and "max-width: 40rem" in page
    assert not set(page) & set("╭╮╰╯│─═║╔╗╚╝┏┓┗┛━┃")  # no boxes drawn in a proportional font
    assert 'style="color: #1e7832; text-decoration-color: #1e7832; font-weight: bold"' in page  # inline styles
    assert "The End: The Sky" in page and "Opened the gate" in page and "Progress toward the launch pad: 100%" in page


def test_story_text_is_escaped_and_never_markup(story):
    page = transcript_html(build_transcript(story, _record(story)), story)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "[bold red]gate[/bold red]" in page


def test_stat_changes_are_included(story):
    page = transcript_html(build_transcript(story, _record(story)), story)
    text = re.sub(r"<[^>]+>", "", page)
    assert "Apples 0 → 1" in text and "Letters 0 → 1" in text and "Trust 2 → 1" in text


def test_paragraphs_are_not_hard_wrapped(story):
    """The browser wraps to the reader's window: a long paragraph is one line of the page."""
    page = transcript_html(build_transcript(story, _record(story)), story)
    assert LONG.replace("{letters}", "1") in page


def test_cli_export_writes_the_page(tmp_path, story):
    path = SaveStore(tmp_path / "s").write(_record(story))
    out = tmp_path / "trip.html"
    assert main(["replay", str(path), "--scenes", story.root, "--export", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h1>The Little Orchard</h1>" in page and "Apples 0 → 1" in re.sub(r"<[^>]+>", "", page)
