"""A run's transcript as an accessible web page: headings, paragraphs and lists, not a terminal dump.

The page has the structure a screen reader navigates by: ``h1`` the story, a table of
contents, ``h2`` per chapter, ``h3`` per scene, ``p`` per paragraph, the choices as an
ordered list with the one taken marked in words ("Chosen:") as well as by its look, and
the ending's summary as paragraphs and lists. The words around the story are the
game's plain-mode words (:func:`adventure.ui.exports.export_notes`), the same content
the text and Markdown exports carry. Every piece of story text is escaped with
:func:`html.escape`; none is ever markup. Colours are CSS custom properties, a light
scheme and a dark one (``prefers-color-scheme``), each with text at least 4.5:1 against
its background (tests compute the ratios from this stylesheet).

Typical use::

    Path("run.html").write_text(transcript_html(transcript, story), encoding="utf-8")
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from adventure.base.messages import _, current_language, ngettext

if TYPE_CHECKING:
    from adventure.saves.transcript import ExportNotes, Page, Transcript
    from adventure.story.model import Story


def transcript_html(transcript: Transcript, story: Story | None = None) -> str:
    """The whole run as one HTML page (with ``story``, each choice's changes and the ending's summary too)."""
    from adventure.saves.transcript import ExportNotes

    notes = ExportNotes()
    if story is not None:
        from adventure.ui.notes import export_notes

        notes = export_notes(transcript, story)
    title = transcript.story_title
    if transcript.ending is not None:
        title += f" — {transcript.ending.title}"
    body = [f"<h1>{escape(transcript.story_title)}</h1>", f'<p class="about">{escape(_about(transcript))}</p>',
            *_contents(transcript), *_chapters(transcript, notes), *_ending(transcript, notes)]
    head = (f'<!DOCTYPE html>\n<html lang="{escape(current_language().replace("_", "-"))}">\n<head>\n'
            '<meta charset="UTF-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="color-scheme" content="light dark">\n<title>{escape(title)}</title>\n'
            f"<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n")
    return head + "\n".join(body) + "\n</main>\n</body>\n</html>\n"


def _about(transcript: Transcript) -> str:
    if transcript.ending:
        return ngettext("A replayed run: {count} choice, seed {seed}, ending: {ending}.",
                        "A replayed run: {count} choices, seed {seed}, ending: {ending}.", transcript.steps).format(
            count=transcript.steps, seed=transcript.seed, ending=transcript.ending.title)
    return ngettext("A replayed run: {count} choice, seed {seed}.", "A replayed run: {count} choices, seed {seed}.",
                    transcript.steps).format(count=transcript.steps, seed=transcript.seed)


def _contents(transcript: Transcript) -> list[str]:
    """A short table of contents: the chapters and the ending (a long run is many screens on a phone)."""
    items = [f'<li><a href="#step-{p.step}">{escape(p.chapter)}</a></li>' for p in transcript.pages if p.chapter]
    if transcript.ending is not None:
        items.append(f'<li><a href="#ending">{escape(_ending_title(transcript))}</a></li>')
    if not items:
        return []
    heading = escape(_("Contents"))
    return ['<nav aria-labelledby="contents">', f'<h2 id="contents">{heading}</h2>', "<ol>", *items, "</ol>", "</nav>"]


def _chapters(transcript: Transcript, notes: ExportNotes) -> list[str]:
    out: list[str] = []
    opened = False
    for page in transcript.pages:
        if page.chapter:
            if opened:
                out.append("</section>")
            out += ["<section>", f'<h2 class="chapter">{escape(page.chapter)}</h2>']
            opened = True
        out += _page(page, transcript.steps, notes)
    if opened:
        out.append("</section>")
    return out


def _page(page: Page, total: int, notes: ExportNotes) -> list[str]:
    where = (_("step {step} of {total}").format(step=page.step, total=total) if page.taken
             else _("where the run stands"))
    out = [f'<section id="step-{page.step}" class="scene">',
           f'<h3>{escape(page.title)} <span class="step">{escape(where)}</span></h3>',
           *_paragraphs(page.text)]
    if page.choices:
        out.append('<ol class="choices">')
        for choice in page.choices:
            label = escape(choice.label)
            if choice.id == page.taken:
                chosen = escape(_("Chosen:"))
                out.append(f'<li class="chosen"><span class="mark" aria-hidden="true">▸</span> '
                           f'<span class="visually-hidden">{chosen} </span><strong>{label}</strong></li>')
            elif not choice.enabled:
                reason = escape(_("(locked: {reason})").format(reason=choice.reason or _("not available")))
                out.append(f'<li class="locked">{label} <span class="note">{reason}</span></li>')
            else:
                out.append(f"<li>{label}</li>")
        out.append("</ol>")
    changes = notes.changes.get(page.step, ())
    if changes:
        out.append('<p class="changes">' + "<br>".join(escape(line) for line in changes) + "</p>")
    out.append("</section>")
    return out


def _ending_title(transcript: Transcript) -> str:
    assert transcript.ending is not None
    return _("The End: {title}").format(title=transcript.ending.title)


def _ending(transcript: Transcript, notes: ExportNotes) -> list[str]:
    out: list[str] = []
    if transcript.ending is not None:
        ending = transcript.ending
        star = '<span aria-hidden="true">★ </span>' if ending.true_ending else ""
        out += ['<section id="ending" class="ending">', f"<h2>{star}{escape(_ending_title(transcript))}</h2>",
                *_paragraphs(ending.text)]
        summary = notes.summary or ((_("Choices that mattered:"), *(f"- {r}" for r in ending.remembered))
                                    if ending.remembered else ())
        out += _summary(summary)
        out.append("</section>")
    if transcript.stopped is not None:
        from adventure.play.notices import stopped_step

        reason = stopped_step(transcript.stopped)
        out.append(f'<p class="stopped">{escape(_("The replay stops here: {reason}").format(reason=reason))}</p>')
    return out


def _summary(lines: tuple[str, ...]) -> list[str]:
    """The ending's summary: ``- `` lines become a list, the others paragraphs."""
    out: list[str] = []
    in_list = False
    for line in lines:
        if line.startswith("- "):
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{escape(line[2:])}</li>")
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        if line:
            out.append(f"<p>{escape(line)}</p>")
    if in_list:
        out.append("</ul>")
    return out


def _paragraphs(text: str) -> list[str]:
    return [f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip()]


STYLE = """:root {
  --background: #fdfcf8; --text: #222222; --secondary: #5c5c5c; --scene: #2850a0;
  --chapter: #82328c; --chosen: #1e7832; --ending: #7a5800; --locked: #5c5c5c;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --background: #1b1b1d; --text: #e8e6e3; --secondary: #b0b0b0; --scene: #9cbcff;
    --chapter: #dda6e6; --chosen: #86d996; --ending: #e6c35c; --locked: #b0b0b0;
  }
}
body { color: var(--text); background-color: var(--background); margin: 0; }
main { max-width: 40rem; margin: 0 auto; padding: 2rem 1.25rem 4rem;
       font-family: Georgia, 'Iowan Old Style', 'Palatino Linotype', serif; font-size: 1.1rem; line-height: 1.6;
       overflow-wrap: anywhere; }
h1 { font-size: 1.8rem; line-height: 1.2; margin: 0 0 0.25rem; }
h2 { font-size: 1.2rem; margin: 2.5rem 0 0.5rem; }
h2.chapter { color: var(--chapter); font-variant: small-caps; letter-spacing: 0.05em; }
h3 { color: var(--scene); font-size: 1.1rem; margin: 2rem 0 0.5rem; }
.step, .about, .changes, .note { color: var(--secondary); }
.step { font-weight: normal; font-size: 0.9rem; margin-left: 0.5rem; }
.about { font-style: italic; margin: 0 0 1.5rem; }
ol.choices { padding-left: 2rem; }
ol.choices li { margin: 0.25rem 0; }
li.chosen { color: var(--chosen); }
li.chosen .mark { margin-right: 0.2rem; }
li.locked { color: var(--locked); }
.note { font-style: italic; }
.changes { font-size: 0.95rem; }
.ending h2 { color: var(--ending); }
.stopped { color: var(--text); font-weight: bold; }
nav ol { padding-left: 1.5rem; }
a { color: var(--scene); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
                   clip-path: inset(50%); white-space: nowrap; }
"""
"""The page's stylesheet; its colours are checked for contrast by the tests."""
