"""A run's transcript as a readable web page: prose in a comfortable column, not a terminal dump.

Everything goes through Rich's recording console and ``export_html`` (which escapes
the text; story text is only ever put in :class:`~rich.text.Text`, never parsed as
markup), with inline styles and a light terminal theme. Nothing is drawn with boxes:
the page is headings, paragraphs, the choices (the one taken marked), what each choice
changed, and the ending with its summary. Lines are not hard-wrapped (the console is
recorded unbounded), so the browser wraps them to the reader's window.

Typical use::

    Path("run.html").write_text(transcript_html(transcript, story), encoding="utf-8")
"""

from __future__ import annotations

import html
from io import StringIO
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.terminal_theme import TerminalTheme
from rich.text import Text

from adventure import engine
from adventure.errors import EngineError
from adventure.messages import _, current_language, ngettext

if TYPE_CHECKING:
    from adventure.saves.transcript import Page, Transcript
    from adventure.story.model import Story

UNBOUNDED = 10_000
"""Recording width: wide enough that Rich never wraps a paragraph; the browser does."""

PAGE_THEME = TerminalTheme(
    (253, 252, 248), (34, 34, 34),
    [(34, 34, 34), (170, 40, 40), (30, 120, 50), (150, 110, 0), (40, 80, 160), (130, 50, 140), (20, 120, 130),
     (200, 200, 200)],
    [(110, 110, 110), (200, 60, 60), (40, 150, 70), (180, 130, 0), (60, 100, 200), (160, 70, 170), (30, 140, 150),
     (240, 240, 240)],
)
"""Ink on paper: a light page with the usual colour meanings (green taken, yellow endings)."""


def transcript_html(transcript: Transcript, story: Story | None = None) -> str:
    """The whole run as one HTML page (with ``story``, each choice's stat changes are shown too)."""
    console = Console(record=True, file=StringIO(), width=UNBOUNDED, force_terminal=True, color_system="truecolor",
                      highlight=False, emoji=False, soft_wrap=True)
    for renderable in _blocks(transcript, story):
        console.print(renderable, soft_wrap=True)
    title = transcript.story_title
    if transcript.ending is not None:
        title += f" — {transcript.ending.title}"
    template = _PAGE.replace("{title}", _braces(html.escape(title))).replace(
        "{heading}", _braces(html.escape(transcript.story_title))).replace(
        "{about}", _braces(html.escape(_about(transcript)))).replace(
        '<html lang="en">', f'<html lang="{current_language().replace("_", "-")}">')
    return console.export_html(theme=PAGE_THEME, inline_styles=True, code_format=template)


def _about(transcript: Transcript) -> str:
    if transcript.ending:
        return ngettext("A replayed run: {count} choice, seed {seed}, ending: {ending}.",
                        "A replayed run: {count} choices, seed {seed}, ending: {ending}.", transcript.steps).format(
            count=transcript.steps, seed=transcript.seed, ending=transcript.ending.title)
    return ngettext("A replayed run: {count} choice, seed {seed}.", "A replayed run: {count} choices, seed {seed}.",
                    transcript.steps).format(count=transcript.steps, seed=transcript.seed)


def _blocks(transcript: Transcript, story: Story | None) -> list[RenderableType]:
    blocks: list[RenderableType] = []
    for page in transcript.pages:
        blocks.extend(_page(page, transcript.steps, story))
    if transcript.ending is not None:
        ending = transcript.ending
        star = "★ " if ending.true_ending else ""
        blocks += [Text(""), Text(star + _("The End: {title}").format(title=ending.title), style="bold yellow"), Text("")]
        blocks += _paragraphs(ending.text)
        if story is not None and transcript.final is not None:
            from adventure.ui import render

            blocks += [Text(""), render.run_summary(story, transcript.final, plain=True)]
        elif ending.remembered:
            blocks += [Text(""), Text(_("Choices that mattered:"), style="bold")]
            blocks += [Text.assemble("• ", line) for line in ending.remembered]
    if transcript.stopped is not None:
        blocks += [Text(""), Text.assemble((_("The replay stops here: {reason}").format(reason=""), "bold red"),
                                           transcript.stopped)]
    return blocks


def _page(page: Page, total: int, story: Story | None) -> list[RenderableType]:
    blocks: list[RenderableType] = []
    if page.chapter:
        blocks += [Text(""), Text(page.chapter.upper(), style="bold magenta")]
    heading = Text.assemble((page.title, "bold blue"),
                            ("   " + (_("step {step} of {total}").format(step=page.step, total=total) if page.taken
                                     else _("where the run stands")), "dim"))
    blocks += [Text(""), heading]
    blocks += _paragraphs(page.text)
    blocks.append(Text(""))
    for number, choice in enumerate(page.choices, 1):
        taken = choice.id == page.taken
        line = Text("▸ " if taken else "   ", style="bold green" if taken else "")
        style = "bold green" if taken else ("dim" if not choice.enabled else "")
        line.append(f"{number}. ", style=style)
        line.append(choice.label, style=style)
        if not choice.enabled:
            line.append(_("  (locked: {reason})").format(reason=choice.reason or _("not available")), style="dim italic")
        blocks.append(line)
    changes = _changes(page, story)
    if changes is not None:
        blocks.append(changes)
    return blocks


def _changes(page: Page, story: Story | None) -> RenderableType | None:
    """What the taken choice changed, by cause, as the player saw it after choosing."""
    if story is None or page.state is None or page.taken is None:
        return None
    from adventure.ui import render

    try:
        outcome = engine.take(story, page.state, page.taken)
    except EngineError:
        return None
    return render.changes_line(story, outcome.events, values=outcome.state.values)


def _paragraphs(text: str) -> list[RenderableType]:
    blocks: list[RenderableType] = []
    for paragraph in text.split("\n\n"):
        blocks += [Text(""), Text(paragraph)]
    return blocks


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{stylesheet}
body {{ color: {foreground}; background-color: {background}; margin: 0; }}
main {{ max-width: 40rem; margin: 0 auto; padding: 2rem 1.25rem 4rem;
       font-family: Georgia, 'Iowan Old Style', 'Palatino Linotype', serif; font-size: 1.1rem; line-height: 1.6; }}
h1 {{ font-size: 1.8rem; line-height: 1.2; margin: 0 0 0.25rem; }}
.about {{ color: #6b6b6b; font-style: italic; margin: 0 0 1.5rem; }}
.run {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
</style>
</head>
<body>
<main>
<h1>{heading}</h1>
<p class="about">{about}</p>
<div class="run">{code}</div>
</main>
</body>
</html>
"""
