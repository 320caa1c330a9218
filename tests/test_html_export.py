"""The HTML export is a readable page: prose in a column, stat changes, escaped text, no terminal dump."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.run import engine
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
    assert '<li class="chosen">' in page and "<style>" in page  # one stylesheet, no inline styles
    assert "The End: The Sky" in page and "Opened the gate" in page and "Progress toward the launch pad: 100%" in page


def test_story_text_is_escaped_and_never_markup(story):
    page = transcript_html(build_transcript(story, _record(story)), story)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "[bold red]gate[/bold red]" in page


def test_stat_changes_are_included(story):
    page = transcript_html(build_transcript(story, _record(story)), story)
    text = re.sub(r"<[^>]+>", "", page)
    assert "Apples 0 to 1" in text and "Letters 0 to 1" in text and "Trust 2 to 1" in text


def test_paragraphs_are_not_hard_wrapped(story):
    """The browser wraps to the reader's window: a long paragraph is one line of the page."""
    page = transcript_html(build_transcript(story, _record(story)), story)
    assert LONG.replace("{letters}", "1") in page


def test_cli_export_writes_the_page(tmp_path, story):
    path = SaveStore(tmp_path / "s").write(_record(story))
    out = tmp_path / "trip.html"
    assert main(["replay", str(path), "--scenes", story.root, "--export", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<h1>The Little Orchard</h1>" in page and "Apples 0 to 1" in re.sub(r"<[^>]+>", "", page)


# -- accessibility (issue 21) -------------------------------------------------------------------------


class _Outline(__import__("html.parser").parser.HTMLParser):
    """The page's headings, lists and hidden text, as a screen reader would navigate them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self._heading: str | None = None
        self._text = ""
        self.chosen: list[str] = []
        self._in_chosen = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in {"h1", "h2", "h3"}:
            self._heading, self._text = tag, ""
        if tag == "li" and ("class", "chosen") in attrs:
            self._in_chosen, self._chosen_text = True, ""

    def handle_endtag(self, tag):
        if tag == self._heading:
            self.headings.append((tag, self._text.strip()))
            self._heading = None
        if tag == "li" and self._in_chosen:
            self.chosen.append(self._chosen_text)
            self._in_chosen = False

    def handle_data(self, data):
        if self._heading:
            self._text += data
        if self._in_chosen:
            self._chosen_text += data


def _outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def test_the_page_has_headings_lists_and_contents(story):
    transcript = build_transcript(story, _record(story))
    outline = _outline(transcript_html(transcript, story))
    levels = [level for level, _text in outline.headings]
    assert levels[0] == "h1" and levels.count("h1") == 1
    chapters = [p.chapter for p in transcript.pages if p.chapter]
    assert [t.removeprefix("★ ") for lvl, t in outline.headings if lvl == "h2"] == ["Contents", *chapters, "The End: The Sky"]
    assert [t for lvl, t in outline.headings if lvl == "h3"] == [
        f"{p.title} " + (f"step {p.step} of {transcript.steps}" if p.taken else "where the run stands")
        for p in transcript.pages]
    assert "nav" in outline.tags and outline.tags.count("ol") >= len(transcript.pages)
    taken = [next(c.label for c in p.choices if c.id == p.taken) for p in transcript.pages if p.taken]
    assert [text.replace("▸", "").strip() for text in outline.chosen] == [f"Chosen: {label}" for label in taken]


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_the_review():
    assert round(contrast("#8f8f8d", "#fdfcf8"), 2) == 3.16  # the grey the review measured
    assert round(contrast("#222222", "#fdfcf8"), 1) == 15.5


def test_every_colour_of_both_schemes_is_readable(story):
    """Text colours at 4.5:1 or more against the background (WCAG AA), in the light and the dark scheme."""
    page = transcript_html(build_transcript(story, _record(story)), story)
    style = page[page.index("<style>"):page.index("</style>")]
    light, dark = style.split("@media (prefers-color-scheme: dark)")
    assert "color-scheme" in page
    for scheme in (light, dark):
        colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", scheme))
        background = colours.pop("background")
        assert len(colours) >= 6
        for name, colour in colours.items():
            assert contrast(colour, background) >= 4.5, (name, colour, contrast(colour, background))
    assert not re.findall(r"(?<!-)color:\s*#", style)  # every colour comes from the checked variables


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no /usr/bin/chromium to render the page")
@pytest.mark.parametrize("width", [390, 1280])
def test_a_browser_renders_the_page_at_phone_and_desktop_width(tmp_path, width):
    import subprocess

    page = tmp_path / "run.html"
    assert main(["replay", str(Path(__file__).resolve().parent.parent / "saves" / "restaurant.yaml"),
                 "--export", str(page)]) == 0
    shot = tmp_path / "shot.png"
    subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--screenshot={shot}", f"--window-size={width},1600", page.as_uri()],
                   capture_output=True, timeout=120)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(data[16:20], "big") == width
    assert len(data) > 20_000  # text was drawn, not a blank page
