"""``million-miles endings``: the endings found so far across runs, and hints for the others.

Exit codes: 0 listed (none found included), 1 the story does not load, 2 usage error.
``--json`` prints ``{"found": [{"id", "title", "first_reached", ...}], "total": N, ...}``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.base.messages import _, moment_in_words, ngettext
from adventure.i18n.language import add_argument as add_language_argument

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from adventure.saves.endings import EndingsBook, FoundEnding
    from adventure.story.model import Story


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``endings`` sub-command."""
    p = commands.add_parser(
        "endings",
        help=_("list the endings found so far"),
        description=_("List the endings you have reached in any run (when first, in which run, by which choice), "
        "and a hint for each one still to find. They are remembered in the save folder."),
    )
    p.add_argument("--scenes", type=Path, default=None, metavar="DIR", help=_("story folder (default: the shipped story)"))
    p.add_argument("--save-dir", type=Path, default=None, metavar="DIR",
                   help=_("save folder (default: $MILLION_MILES_SAVE_DIR or the user data folder)"))
    p.add_argument("--json", action="store_true", help=_("print one JSON object"))
    p.add_argument("--plain", action="store_true", help=_("no colour"))
    add_language_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List found and unfound endings; returns 0."""
    from adventure.base.errors import UsageError
    from adventure.base.resources import default_scenes_dir
    from adventure.i18n.language import load_in
    from adventure.saves.endings import EndingsBook
    from adventure.saves.store import default_save_dir

    folder = args.scenes or default_scenes_dir()
    if not folder.is_dir():
        raise UsageError(f"story folder '{folder}' does not exist or is not a folder")
    story = load_in(folder, args.lang)
    book = EndingsBook(args.save_dir or default_save_dir())
    found = book.found(story)
    if args.json:
        from adventure.cli._args import json_document

        sys.stdout.write(json_document(as_json(story, book, found)))
        return 0
    from adventure.ui.console import make_console

    print_endings(make_console(plain=args.plain), story, book, found, plain=args.plain)
    return 0


def as_json(story: Story, book: EndingsBook, found: list[FoundEnding]) -> dict[str, Any]:
    """The promised shape (``found``, ``total``) plus the story, the file and hints for the rest."""
    from adventure.saves.endings import ending_hint

    seen = {f.id for f in found}
    return {
        "found": [{"id": f.id, "title": story.endings[f.id].title, "first_reached": f.first_reached,
                   "true_ending": story.endings[f.id].true_ending, **f.to_dict()} for f in found],
        "total": len(story.endings),
        "story": story.id,
        "file": str(book.path),
        "problem": str(book.problem) if book.problem else None,
        "unfound": [{"hint": ending_hint(story, e)} for e in story.endings if e not in seen],
    }


def print_endings(console: Console, story: Story, book: EndingsBook, found: list[FoundEnding], *,
                  plain: bool = False) -> None:
    """One line per ending: found ones with when and how, the others as a hint without their title.

    ``plain`` says in words what the marks say (a screen reader reads ``???`` as nothing,
    or as "question question question").
    """
    from rich.text import Text

    from adventure.play.notices import say
    from adventure.saves.endings import ending_hint, reached_at

    if book.problem:
        console.print(Text(_("The endings file {path} could not be used: {problem}.").format(
            path=book.path, problem=say(book.problem)), style="warning"))
    console.print(Text(_("Endings found: {found} of {total}").format(found=len(found), total=len(story.endings)),
                       style="heading"))
    unicode = (console.encoding or "").lower().replace("-", "").startswith("utf")
    true_mark, found_mark = ("★", "✓") if unicode else ("*", "+")  # plain characters where UTF-8 is not spoken
    by_id = {f.id: f for f in found}
    for ending_id, ending in story.endings.items():
        entry = by_id.get(ending_id)
        if entry is None:
            line = Text("- " + _("An ending not yet found: ") if plain else "???  ", style="muted")
            line.append(ending_hint(story, ending_id))
            if plain:
                console.print(line)
            else:
                _hanging(console, Text("  ?  ", style="muted"), line)
            continue
        when = moment_in_words(reached_at(entry).astimezone())
        line = Text("- " + (_("The true ending: ") if ending.true_ending else _("Found: "))) if plain else Text()
        line.append(ending.title, style="heading")
        line.append(_("  first reached {when} in run '{run}'").format(when=when, run=entry.run), style="muted")
        label = _shown_label(story, entry)
        if label:
            line.append(_(", choosing \"{label}\"").format(label=label), style="muted")
        if entry.times > 1:
            line.append(ngettext(" ({times} time)", " ({times} times)", entry.times).format(times=entry.times),
                        style="muted")
        if plain:
            console.print(line)
        else:
            _hanging(console, Text(f"  {true_mark if ending.true_ending else found_mark}  "), line)


def _hanging(console: Console, mark: Text, line: Text) -> None:
    """``mark`` then ``line``, wrapped under its own first word (not back to column 0), no padding after."""
    from rich.text import Text

    width = max(10, console.width - mark.cell_len)
    for number, part in enumerate(line.wrap(console, width)):
        part.rstrip()
        console.print(Text.assemble(mark if number == 0 else " " * mark.cell_len, part), overflow="fold")


def _shown_label(story: Story, entry: FoundEnding) -> str:
    """The label of the choice that ended the run, in the language shown now when it is plain text.

    The endings file keeps the label as it was shown (perhaps in another language); the
    scene and choice ids find the current words, unless the label is a template.
    """
    from adventure.story.template import is_static

    scene = story.scenes.get(entry.scene)
    choice = scene.choice(entry.choice) if scene is not None else None
    if choice is not None and is_static(choice.label):
        return " ".join(choice.label.source.split()) or entry.label
    return entry.label
