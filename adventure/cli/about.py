"""``million-miles about``: the author's note (what is true, and what the story changed), and the version.

The note ships inside the package, so an installed copy can show what the last screen
points to. It is chosen by language like the story (``--lang``, else the environment):
``author-note.LANG.md`` when that translation exists, else the English ``author-note.md``.
In a terminal it is drawn as Markdown; piped or ``--plain``, it is printed as written.

Exit codes: 0 shown, 1 the note is missing from this installation, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys

from adventure.base.messages import _
from adventure.i18n.language import add_argument as add_language_argument

MAX_NOTE = 1 << 20
"""The note is a page of prose; a file past this size is not the note."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``about`` sub-command."""
    p = commands.add_parser(
        "about",
        help=_("the author's note: what is true, and what the story changed"),
        description=_("Print the author's note that comes with the game (in your language when it is "
        "translated). Exit 0 when shown, 1 when this installation lacks it, 2 on usage errors."),
    )
    p.add_argument("--plain", action="store_true", help=_("print the note as written (also when piped)"))
    add_language_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Show the note; returns the exit code."""
    from adventure.base.errors import MillionMilesError
    from adventure.base.resources import author_note, default_scenes_dir
    from adventure.base.safetext import escape_controls
    from adventure.i18n.language import choose

    language = choose(args.lang, default_scenes_dir())
    path = author_note(language)
    if path is None:
        raise MillionMilesError(_("the author's note is not part of this installation (docs/author-note.md)"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_NOTE + 1)
    except OSError as exc:
        raise MillionMilesError(_("cannot read the author's note {path}: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    if len(data) > MAX_NOTE:
        raise MillionMilesError(_("the author's note {path} is larger than {limit} bytes").format(path=path, limit=MAX_NOTE))
    text = escape_controls(data.decode("utf-8", "replace"))
    from adventure.ui.console import make_console, stdout_is_terminal

    if args.plain or not stdout_is_terminal():
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    from rich.markdown import Markdown

    make_console().print(Markdown(text))
    return 0
