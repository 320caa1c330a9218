"""The program's named styles: what each screen element looks like, in one table.

Screens and reports name what a piece of text *is* (``choice.locked``, ``stat.up``,
``border.scene``); this table says how that looks. The console factory
(:func:`adventure.ui.console.make_console`) installs :data:`THEME`, or :data:`PLAIN_THEME`
(every name styled ``none``) for ``--plain``, so no renderable asks whether it is plain
to pick a colour: ``plain`` only chooses a layout (boxes or lines).

Rich ignores an unknown name inside a :class:`~rich.text.Text` but raises for one given
as a panel's ``border_style``: render with a console from the factory (tests too).

Typical use::

    Text(offer.label, style="choice.locked")
    Panel(body, border_style="border.scene")
"""

from __future__ import annotations

from rich.theme import Theme

STYLES: dict[str, str] = {
    # text everywhere
    "heading": "bold",  # a title, a label that leads a line, a panel's title
    "heading.group": "bold underline",  # a group of stats; a transcript's title
    "subtitle": "italic",
    "muted": "dim",  # secondary text: counts, notes, paths
    "hint": "dim italic",  # how to use a screen: keys, what Enter does
    "emphasis": "bold",  # a word to type, a value that matters
    "warning": "yellow",
    "notice": "cyan",  # the game speaking about itself (saved, loaded, undone)
    "good": "green",
    "bad": "red",
    "error": "bold red",
    "success": "bold green",
    # choices and menus
    "choice.number": "bold cyan",
    "choice.locked": "dim",
    "choice.reason": "dim italic",
    "choice.taken": "bold green",
    "menu.word": "cyan",
    # stats, their changes and the gates ahead
    "change": "dim",  # what a step changed
    "change.cause": "italic",  # where it happened, what a recomputed stat follows
    "stat.label": "bold",
    "stat.up": "green",  # the filled part of a meter or progress bar
    "stat.empty": "dim",  # its empty part
    "need.met": "bold green",
    "need.unmet": "bold red",
    # chapters, countdowns and endings
    "chapter.title": "bold magenta",  # a chapter as a replay transcript marks it
    "countdown": "bold yellow",
    "countdown.line": "bold",  # the whole countdown on one line (plain mode, a replay)
    "ending.title": "bold yellow",
    "fork": "cyan",  # a choice to try next time
    # the saves listing
    "slot.name": "bold",
    "slot.ending": "yellow",
    "slot.unreadable": "red",
    # borders
    "border.title": "bright_blue",
    "border.chapter": "yellow",
    "border.scene": "blue",
    "border.status": "magenta",
    "border.ending": "white",
    "border.ending.true": "yellow",
    "border.summary": "dim",
    "border.countdown": "red",
    "border.countdown.end": "yellow",
    "border.transcript.ending": "yellow",
    # author diagnostics (check)
    "diagnostic.error": "bold red",
    "diagnostic.warning": "bold yellow",
    "diagnostic.caret.error": "red",
    "diagnostic.caret.warning": "yellow",
    "diagnostic.hint": "cyan",
}
"""Each name and its look: Rich style definitions (``"bold cyan"``)."""

THEME = Theme(STYLES)
"""The colour theme, for a terminal (Rich drops the colours itself under ``NO_COLOR``)."""

PLAIN_THEME = Theme(dict.fromkeys(STYLES, "none"))
"""``--plain``: every name is unstyled, so a screen reader or a log gets the words alone."""
