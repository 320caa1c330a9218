"""A run as the player saw it: the pages of a replayed log, and their Rich renderings.

The replayer and the exporters share this one model: each page is the scene as shown
before a step (title, text, the offered choices with locks) and the choice taken; the
last page is the ending's epilogue or the scene where the run stands. Story text is
always put into :class:`rich.text.Text` objects, never parsed as Rich markup.

Typical use::

    transcript = build_transcript(story, record)
    for page in transcript.pages:
        console.print(render_page(page, transcript))
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from adventure import engine
from adventure.engine import RunState
from adventure.saves.runfile import RunRecord
from adventure.saves.store import check_story_matches, describe_failure, replay_record
from adventure.story.model import Story
from adventure.wording import count


@dataclass(frozen=True)
class ShownChoice:
    """A choice as offered on a page."""

    id: str
    label: str
    enabled: bool
    reason: str | None


@dataclass(frozen=True)
class Page:
    """One scene visit: what was on screen and what the player picked (``None`` on the last page)."""

    step: int
    scene: str
    title: str
    chapter: str | None
    """Chapter title when this page opens a new chapter."""
    text: str
    choices: tuple[ShownChoice, ...]
    taken: str | None
    state: RunState | None = field(default=None, compare=False, repr=False)
    """The run state the page shows (for the player's own renderables)."""


@dataclass(frozen=True)
class EndingPage:
    """The epilogue of the run's ending."""

    id: str
    title: str
    text: str
    true_ending: bool
    remembered: tuple[str, ...]


@dataclass(frozen=True)
class Transcript:
    """A replayed run, page by page."""

    story_title: str
    seed: int
    steps: int
    pages: tuple[Page, ...]
    ending: EndingPage | None
    stopped: str | None
    """Why the replay stopped early (the story changed), or ``None``."""
    final: RunState | None = field(default=None, compare=False, repr=False)
    """The state the replay reached."""


def build_transcript(story: Story, record: RunRecord) -> Transcript:
    """Replay a record and collect each page the player saw (another story: :class:`SaveError`)."""
    check_story_matches(story, record)
    result = replay_record(story, record)
    states: list[RunState] = [o.state for o in result.outcomes]
    pages = []
    chapter_seen: str | None = None
    for index, state in enumerate(states):
        if state.ending is not None:
            break
        taken = record.steps[index].choice if index < result.applied else None
        scene = story.scenes[state.scene]
        new_chapter = scene.chapter != chapter_seen
        chapter_seen = scene.chapter
        choices = tuple(ShownChoice(o.choice.id, o.label, o.enabled, o.reason) for o in engine.offers(story, state))
        pages.append(Page(index + 1, scene.id, scene.title,
                          story.chapter_of(scene.id).title if new_chapter else None,
                          engine.scene_text(story, state), choices, taken, state))
        if taken is None:
            break
    final = result.state
    ending = None
    if final.ending is not None:
        declared = story.endings[final.ending]
        ending = EndingPage(declared.id, declared.title, engine.ending_text(story, final), declared.true_ending,
                            tuple(engine.remembered(story, final)))
    stopped = describe_failure(story, record, result) if result.failure is not None else None
    return Transcript(story.title, record.seed, len(record.steps), tuple(pages), ending, stopped, final)


# -- Rich renderables ------------------------------------------------------------------


def render_page(page: Page, total: int | None = None) -> RenderableType:
    """A scene panel with its choices, the taken one marked."""
    parts: list[RenderableType] = []
    if page.chapter:
        parts.append(Text(f"— {page.chapter} —", style="bold magenta", justify="center"))
    body = Text(page.text)
    body.append("\n")
    for number, choice in enumerate(page.choices, 1):
        body.append("\n")
        taken = choice.id == page.taken
        marker = "▸ " if taken else "  "
        style = "bold green" if taken else ("dim" if not choice.enabled else "")
        body.append(f"{marker}{number}. ", style=style)
        body.append(choice.label, style=style)
        if not choice.enabled:
            body.append(f"  (locked: {choice.reason or 'not available'})", style="dim italic")
    if page.taken is None:
        counter = "where the run stands"
    else:
        counter = f"step {page.step}" + (f"/{total}" if total else "")
    parts.append(Panel(body, title=Text(page.title, style="bold"), title_align="left",
                       subtitle=Text(counter, style="dim"), subtitle_align="right", padding=(1, 2)))
    return Group(*parts)


def render_ending(ending: EndingPage) -> RenderableType:
    """The ending panel: title, epilogue, the choices that mattered."""
    body = Text(ending.text)
    if ending.remembered:
        body.append("\n\nChoices that mattered:", style="bold")
        for line in ending.remembered:
            body.append("\n  • ")
            body.append(line)
    star = "★ " if ending.true_ending else ""
    return Panel(body, title=Text(f"{star}The End: {ending.title}", style="bold yellow"), title_align="left",
                 border_style="yellow", padding=(1, 2))


def render_stopped(message: str) -> RenderableType:
    """Why the replay could not go on."""
    text = Text("The replay stops here: ", style="bold red")
    text.append(message)
    return text


# -- exports ---------------------------------------------------------------------------


def to_text(transcript: Transcript) -> str:
    """Plain text transcript."""
    lines = [transcript.story_title, "=" * len(transcript.story_title), f"seed {transcript.seed}, "
             f"{count(transcript.steps, 'step')}", ""]
    for page in transcript.pages:
        if page.chapter:
            lines += [f"* {page.chapter} *", ""]
        lines += [f"[{page.step}] {page.title}", "-" * (len(page.title) + len(str(page.step)) + 3), page.text, ""]
        for choice in page.choices:
            mark = ">" if choice.id == page.taken else " "
            lock = f"  (locked: {choice.reason or 'not available'})" if not choice.enabled else ""
            lines.append(f"  {mark} {choice.label}{lock}")
        lines.append("")
    lines += _ending_lines(transcript, heading=lambda t: [t, "-" * len(t)], bullet="  * ")
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(transcript: Transcript) -> str:
    """Markdown transcript; story text is escaped so it cannot become markup."""
    lines = [f"# {_md(transcript.story_title)}", "", f"*Seed {transcript.seed}, {count(transcript.steps, 'step')}.*", ""]
    for page in transcript.pages:
        if page.chapter:
            lines += [f"## {_md(page.chapter)}", ""]
        lines += [f"### {page.step}. {_md(page.title)}", ""]
        lines += [_md(p) + "\n" for p in page.text.split("\n\n")]
        for choice in page.choices:
            label = _md(choice.label)
            if choice.id == page.taken:
                lines.append(f"- **→ {label}**")
            elif not choice.enabled:
                lines.append(f"- ~~{label}~~ *(locked: {_md(choice.reason or 'not available')})*")
            else:
                lines.append(f"- {label}")
        lines.append("")
    if transcript.ending:
        ending = transcript.ending
        lines += [f"## The End: {_md(ending.title)}", ""] + [_md(p) + "\n" for p in ending.text.split("\n\n")]
        if ending.remembered:
            lines += ["**Choices that mattered:**", ""] + [f"- {_md(r)}" for r in ending.remembered] + [""]
    if transcript.stopped:
        lines += [f"> The replay stops here: {_md(transcript.stopped)}", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_html(transcript: Transcript, width: int = 88) -> str:
    """HTML transcript through Rich's recording console (which escapes the text)."""
    from io import StringIO

    from rich.console import Console

    console = Console(record=True, file=StringIO(), width=width, force_terminal=True, color_system="truecolor",
                      highlight=False, emoji=False)
    for renderable in renderables(transcript):
        console.print(renderable)
    return console.export_html(inline_styles=True, code_format=_HTML_PAGE.replace("{title}", _braces(_html(transcript.story_title))))


def renderables(transcript: Transcript) -> list[RenderableType]:
    """Every panel of the transcript, in order."""
    items: list[RenderableType] = [Text(transcript.story_title, style="bold underline")]
    items += [render_page(p, transcript.steps) for p in transcript.pages]
    if transcript.ending:
        items.append(render_ending(transcript.ending))
    if transcript.stopped:
        items.append(render_stopped(transcript.stopped))
    return items


def _ending_lines(transcript: Transcript, heading, bullet: str) -> list[str]:
    lines: list[str] = []
    if transcript.ending:
        ending = transcript.ending
        lines += heading(f"The End: {ending.title}") + [ending.text, ""]
        if ending.remembered:
            lines += ["Choices that mattered:"] + [bullet + r for r in ending.remembered] + [""]
    if transcript.stopped:
        lines += [f"The replay stops here: {transcript.stopped}", ""]
    return lines


_MD_SPECIAL = set("\\`*_[]<>#|~")


def _md(text: str) -> str:
    escaped = "".join("\\" + c if c in _MD_SPECIAL else c for c in text)
    if escaped[:1] in ("-", "+"):
        escaped = "\\" + escaped  # would start a list
    elif escaped.split(".", 1)[0].isdigit() and "." in escaped:
        escaped = escaped.replace(".", "\\.", 1)  # would start a numbered list
    return escaped


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _html(text: str) -> str:
    import html

    return html.escape(text, quote=True)


_HTML_PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="UTF-8">
<title>{title}</title>
<style>
{stylesheet}
body {{ color: {foreground}; background-color: {background}; }}
</style>
</head>
<body>
    <pre style="font-family:Menlo,'DejaVu Sans Mono',consolas,'Courier New',monospace"><code style="font-family:inherit">{code}</code></pre>
</body>
</html>
"""
