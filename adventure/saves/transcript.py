"""A run as the player saw it: the pages of a replayed log, as data, and its plain exports.

The replayer and the exporters share this one model: each page is the scene as shown
before a step (title, text, the offered choices with locks) and the choice taken; the
last page is the ending's epilogue or the scene where the run stands. The replay is
streamed page by page. Plain text and Markdown exports live here; the Rich panels,
the HTML export and the terminal playback are in :mod:`adventure.ui.transcript_panels` and
:mod:`adventure.ui.playback` (``saves/`` is persistence only: no Rich below ``ui/``).

Typical use::

    transcript = build_transcript(story, record)
    print(to_markdown(transcript))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from adventure.base.messages import _, ngettext
from adventure.run import engine
from adventure.run.engine import RunState
from adventure.run.rebase import Stopped
from adventure.saves.runfile import RunRecord
from adventure.saves.store import check_story_matches, replay_record
from adventure.story.model import Story


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
    stopped: Stopped | None
    """Where and why the replay stopped early (the story changed), or ``None``."""
    final: RunState | None = field(default=None, compare=False, repr=False)
    """The state the replay reached."""


def build_transcript(story: Story, record: RunRecord) -> Transcript:
    """Replay a record and collect each page the player saw (another story: :class:`SaveError`)."""
    check_story_matches(story, record)
    pages: list[Page] = []
    chapter_seen: str | None = None
    open_page = True

    def visit(outcome: engine.Outcome) -> None:
        nonlocal chapter_seen, open_page
        state = outcome.state
        if state.ending is not None or not open_page:
            return
        index = len(pages)
        taken = record.steps[index].choice if index < len(record.steps) else None
        scene = story.scenes[state.scene]
        new_chapter = scene.chapter != chapter_seen
        chapter_seen = scene.chapter
        choices = tuple(ShownChoice(o.choice.id, o.label, o.enabled, o.reason) for o in engine.offers(story, state))
        pages.append(Page(index + 1, scene.id, scene.title,
                          story.chapter_of(scene.id).title if new_chapter else None,
                          engine.scene_text(story, state), choices, taken, state))
        open_page = taken is not None

    result = replay_record(story, record, visit)
    if result.stopped is not None and pages and pages[-1].taken is not None:
        pages[-1] = replace(pages[-1], taken=None)  # the step that no longer applies was not taken
    final = result.state
    ending = None
    if final.ending is not None:
        declared = story.endings[final.ending]
        ending = EndingPage(declared.id, declared.title, engine.ending_text(story, final), declared.true_ending,
                            tuple(engine.remembered(story, final)))
    return Transcript(story.title, record.seed, len(record.steps), tuple(pages), ending, result.stopped, final)


# -- exports ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportNotes:
    """What the game showed around the pages, as plain lines, so every export carries the same content.

    The front end words them (``ui/``: the same words as on screen); the exporters here
    only lay them out.
    """

    changes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Per step: what the choice taken changed (``Hope 2 to 3``), one line per cause."""
    summary: tuple[str, ...] = ()
    """The ending's summary: choices made, stats from start to finish, the choices that
    mattered, how the run differed from the true path and a fork to try next time
    (a line starting ``- `` is a list item; an empty line separates blocks)."""
    stopped: str | None = None
    """Why the replay stops early (``step 9: scene 'city' no longer offers 'fly'``), worded by the front end."""


def to_text(transcript: Transcript, notes: ExportNotes | None = None) -> str:
    """Plain text transcript (with ``notes``: each step's changes and the ending's summary too)."""
    notes = notes or ExportNotes()
    lines = [transcript.story_title, "=" * len(transcript.story_title), _seed_line(transcript), ""]
    for page in transcript.pages:
        if page.chapter:
            lines += [f"* {page.chapter} *", ""]
        lines += [f"[{page.step}] {page.title}", "-" * (len(page.title) + len(str(page.step)) + 3), page.text, ""]
        for choice in page.choices:
            mark = ">" if choice.id == page.taken else " "
            lock = _("  (locked: {reason})").format(reason=choice.reason or _("not available")) if not choice.enabled else ""
            lines.append(f"  {mark} {choice.label}{lock}")
        lines += [f"    {line}" for line in notes.changes.get(page.step, ())]
        lines.append("")
    lines += _ending_lines(transcript, heading=lambda t: [t, "-" * len(t)], bullet="  * ", summary=notes.summary,
                           stopped=notes.stopped)
    return "\n".join(lines).rstrip() + "\n"


def to_markdown(transcript: Transcript, notes: ExportNotes | None = None) -> str:
    """Markdown transcript; story text is escaped so it cannot become markup."""
    notes = notes or ExportNotes()
    lines = [f"# {_md(transcript.story_title)}", "", f"*{_seed_line(transcript)}.*", ""]
    for page in transcript.pages:
        lines += _md_page(page, notes.changes.get(page.step, ()))
    if transcript.ending:
        lines += _md_ending(transcript.ending, notes.summary)
    if notes.stopped:
        lines += ["> " + _("The replay stops here: {reason}").format(reason=_md(notes.stopped)), ""]
    return "\n".join(lines).rstrip() + "\n"


def _md_page(page: Page, changed: tuple[str, ...]) -> list[str]:
    """One page in Markdown: its headings, paragraphs, the choices as a list, then what the step changed."""
    lines = [f"## {_md(page.chapter)}", ""] if page.chapter else []
    lines += [f"### {page.step}. {_md(page.title)}", ""]
    lines += [_md(p) + "\n" for p in page.text.split("\n\n")]
    lines += [_md_choice(choice, page.taken) for choice in page.choices]
    if changed:
        lines += ["", "  \n".join(f"*{_md(line)}*" for line in changed)]
    return [*lines, ""]


def _md_choice(choice: ShownChoice, taken: str | None) -> str:
    """A list item: the choice taken in bold with an arrow, a locked one struck through with its reason."""
    label = _md(choice.label)
    if choice.id == taken:
        return f"- **→ {label}**"
    if not choice.enabled:
        return f"- ~~{label}~~ *" + _("(locked: {reason})").format(reason=_md(choice.reason or _("not available"))) + "*"
    return f"- {label}"


def _md_ending(ending: EndingPage, summary: tuple[str, ...]) -> list[str]:
    """The epilogue, then the ending's summary (or, without one, the choices that mattered)."""
    lines = ["## " + _("The End: {title}").format(title=_md(ending.title)), ""]
    lines += [_md(p) + "\n" for p in ending.text.split("\n\n")]
    if summary:
        lines += _md_summary(summary)
    elif ending.remembered:
        lines += ["**" + _("Choices that mattered:") + "**", ""] + [f"- {_md(r)}" for r in ending.remembered] + [""]
    return lines


def _md_summary(summary: tuple[str, ...]) -> list[str]:
    """The ending's summary in Markdown: list items stay a list, the other lines are paragraphs."""
    lines: list[str] = []
    for line in summary:
        if line.startswith("- "):
            lines.append("- " + _md(line[2:]))
        elif line:
            if lines and lines[-1].startswith("- "):
                lines.append("")
            lines += [_md(line), ""]
    return [*lines, ""]


def _ending_lines(transcript: Transcript, heading: Callable[[str], list[str]], bullet: str,
                  summary: tuple[str, ...] = (), stopped: str | None = None) -> list[str]:
    lines: list[str] = []
    if transcript.ending:
        ending = transcript.ending
        lines += heading(_("The End: {title}").format(title=ending.title)) + [ending.text, ""]
        if summary:
            lines += [*summary, ""]
        elif ending.remembered:
            lines += [_("Choices that mattered:")] + [bullet + r for r in ending.remembered] + [""]
    if stopped:
        lines += [_("The replay stops here: {reason}").format(reason=stopped), ""]
    return lines


def _seed_line(transcript: Transcript) -> str:
    """``Seed 3, 12 steps``: how the run was played, under the title."""
    return ngettext("Seed {seed}, {count} step", "Seed {seed}, {count} steps", transcript.steps).format(
        seed=transcript.seed, count=transcript.steps)


_MD_SPECIAL = set("\\`*_[]<>#|~")


def _md(text: str) -> str:
    escaped = "".join("\\" + c if c in _MD_SPECIAL else c for c in text)
    if escaped[:1] in ("-", "+"):
        escaped = "\\" + escaped  # would start a list
    elif escaped.split(".", 1)[0].isdigit() and "." in escaped:
        escaped = escaped.replace(".", "\\.", 1)  # would start a numbered list
    return escaped
