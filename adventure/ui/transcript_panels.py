"""A replayed run in Rich: a panel per page, the ending panel, and the HTML export.

The pages come from :func:`adventure.saves.transcript.build_transcript` as plain data;
story text is always put into :class:`rich.text.Text` objects, never parsed as Rich
markup, and the HTML export (:mod:`adventure.ui.html_export`) goes through Rich's recording
console, which escapes it.

Typical use::

    for renderable in renderables(build_transcript(story, record)):
        console.print(renderable)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from adventure.base.messages import _
from adventure.saves.transcript import EndingPage, Page, Transcript

if TYPE_CHECKING:
    from adventure.run.rebase import Stopped
    from adventure.story.model import Story


def render_page(page: Page, total: int | None = None) -> RenderableType:
    """A scene panel with its choices, the taken one marked."""
    parts: list[RenderableType] = []
    if page.chapter:
        parts.append(Text(f"— {page.chapter} —", style="chapter.title", justify="center"))
    body = Text(page.text)
    body.append("\n")
    for number, choice in enumerate(page.choices, 1):
        body.append("\n")
        taken = choice.id == page.taken
        marker = "▸ " if taken else "  "
        style = "choice.taken" if taken else ("choice.locked" if not choice.enabled else "")
        body.append(f"{marker}{number}. ", style=style)
        body.append(choice.label, style=style)
        if not choice.enabled:
            body.append(_("  (locked: {reason})").format(reason=choice.reason or _("not available")), style="choice.reason")
    if page.taken is None:
        counter = _("where the run stands")
    else:
        counter = (_("step {step}/{total}") if total else _("step {step}")).format(step=page.step, total=total)
    parts.append(Panel(body, title=Text(page.title, style="heading"), title_align="left",
                       subtitle=Text(counter, style="muted"), subtitle_align="right", padding=(1, 2)))
    return Group(*parts)


def render_ending(ending: EndingPage) -> RenderableType:
    """The ending panel: title, epilogue, the choices that mattered."""
    body = Text(ending.text)
    if ending.remembered:
        body.append("\n\n" + _("Choices that mattered:"), style="heading")
        for line in ending.remembered:
            body.append("\n  • ")
            body.append(line)
    star = "★ " if ending.true_ending else ""
    return Panel(body, title=Text(star + _("The End: {title}").format(title=ending.title), style="ending.title"), title_align="left",
                 border_style="border.transcript.ending", padding=(1, 2))


def render_stopped(stopped: Stopped | None) -> RenderableType:
    """Why the replay could not go on."""
    from adventure.play.notices import stopped_step

    text = Text(_("The replay stops here: {reason}").format(reason=""), style="error")
    text.append(stopped_step(stopped) if stopped is not None else "")
    return text


# -- HTML ------------------------------------------------------------------------------


def to_html(transcript: Transcript, story: Story | None = None) -> str:
    """The transcript as a readable web page (see :mod:`adventure.ui.html_export`)."""
    from adventure.ui.html_export import transcript_html

    return transcript_html(transcript, story)


def renderables(transcript: Transcript) -> list[RenderableType]:
    """Every panel of the transcript, in order."""
    items: list[RenderableType] = [Text(transcript.story_title, style="heading.group")]
    items += [render_page(p, transcript.steps) for p in transcript.pages]
    if transcript.ending:
        items.append(render_ending(transcript.ending))
    if transcript.stopped:
        items.append(render_stopped(transcript.stopped))
    return items
