"""``million-miles i18n``: the translator's tools for a story's gettext catalogues.

``i18n extract DIR -o FILE.pot`` writes the template of every translatable string;
``i18n update DIR LANG`` merges it into ``DIR/locale/LANG.po`` (created when absent),
marking strings whose English changed ``fuzzy`` with the old English kept as
``#| msgid``, as ``msgmerge`` does. Exit codes: 0 done, 1 the story or the catalogue
could not be read or written, 2 usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.base.errors import SaveError, StoryLoadError, UsageError
from adventure.base.messages import _

if TYPE_CHECKING:
    from adventure.story.model import Story

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``i18n`` sub-command and its ``extract`` and ``update`` actions."""
    p = commands.add_parser(
        "i18n",
        help=_("translate a story: extract its strings, update a language's catalogue"),
        description=_("Work with a story's translations as gettext PO catalogues (Poedit, Weblate, msgfmt). "
        "'extract' writes the template (.pot); 'update' merges it into DIR/locale/LANG.po."),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    extract = actions.add_parser("extract", help=_("write the catalogue template (.pot) of a story"),
                                 description=_("Write every translatable string of the story to a PO template."))
    extract.add_argument("scenes", metavar="SCENES_DIR", help=_("folder holding story.yaml"))
    extract.add_argument("-o", "--output", type=Path, default=None, metavar="FILE.pot",
                         help=_("where to write the template (default: standard output)"))
    extract.set_defaults(handler=run_extract)
    update = actions.add_parser("update", help=_("create or update DIR/locale/LANG.po from the story"),
                                description=_("Merge the story's strings into DIR/locale/LANG.po: new strings are "
                                "added empty, strings whose English changed are marked fuzzy (the old English kept "
                                "as '#| msgid'), strings no longer in the story become obsolete ('#~')."))
    update.add_argument("scenes", metavar="SCENES_DIR", help=_("folder holding story.yaml"))
    update.add_argument("language", metavar="LANG", help=_("language code, e.g. es or pt_BR"))
    update.set_defaults(handler=run_update)


def _story(folder: str) -> Story:
    from adventure.cli._memory import bulk
    from adventure.story.loader import load_story

    path = Path(folder)
    if not path.is_dir():
        raise UsageError(f"story folder '{folder}' does not exist or is not a folder")
    with bulk():
        return load_story(path)


def run_extract(args: argparse.Namespace) -> int:
    """Write the template to a file or standard output."""
    from adventure.i18n.catalog import template_catalog, write_catalog
    from adventure.i18n.strings import story_strings

    story = _story(args.scenes)
    entries = story_strings(story)
    data = write_catalog(template_catalog(story.title, entries))
    if args.output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    _write_output(args.output, data)
    _note(f"wrote {len(entries)} strings to {args.output}")
    return 0


def run_update(args: argparse.Namespace) -> int:
    """Merge the story's strings into its catalogue for one language."""
    from adventure.i18n.catalog import (
        CatalogError,
        by_key,
        catalog_path,
        read_catalog,
        status,
        template_catalog,
        update_catalog,
        write_catalog,
    )
    from adventure.i18n.strings import story_strings

    if not _LANGUAGE.match(args.language):
        raise UsageError(f"'{args.language}' is not a language code (for example es, es_MX, pt_BR)")
    story = _story(args.scenes)
    entries = story_strings(story)
    path = catalog_path(story.root, args.language)
    _inside_story(path, story)
    existing = None
    if path.exists():
        try:
            existing = read_catalog(path, args.language)
        except CatalogError as err:
            from adventure.base.errors import Diagnostic

            raise StoryLoadError([Diagnostic("MM701", err.message, err.path, err.line,
                                             hint="fix the catalogue (msgfmt --check shows the problem) and run update again")]) from None
    if existing is not None:
        from adventure.i18n.catalog import regroup_paragraphs, rekey
        from adventure.i18n.strings import follow_renames

        rekey(existing, follow_renames([e.key for e in entries], by_key(existing), story))
        regroup_paragraphs(existing, entries)  # whole texts become paragraphs, with their translations
        from adventure.i18n.strings import kept_whole

        known = {e.key for e in entries}
        whole = kept_whole(k for k in by_key(existing) if k not in known)
        if whole:
            entries = story_strings(story, whole)
    catalog = update_catalog(existing, template_catalog(story.title, entries), args.language)
    _write(path, write_catalog(catalog))
    messages = by_key(catalog)
    states = [status(e, messages.get(e.key)) for e in entries]
    _note(f"{path}: {len(entries)} strings, {states.count('translated')} translated, "
          f"{states.count('missing')} missing, {states.count('stale')} stale")
    return 0


def _note(text: str) -> None:
    """A line for stderr; it names paths from the command line, so control characters are written out."""
    from adventure.base.safetext import escape_controls

    print(escape_controls(text), file=sys.stderr)


def _inside_story(path: Path, story: Story) -> None:
    """Refuse (MM214) a catalogue that resolves outside the story folder (a ``locale/`` link out of it)."""
    from adventure.base.errors import Diagnostic
    from adventure.i18n.files import inside_story

    if not inside_story(path, story.root):
        raise StoryLoadError([Diagnostic("MM214", f"the catalogue '{path}' is outside the story folder "
                                         "(a symbolic link leads out of it)", str(path),
                                         hint="make locale/ a real folder inside the story folder")])


def _write_output(path: Path, data: bytes) -> None:
    """Write ``-o`` as ``graph -o`` does: through a FIFO or device, never renamed over one.

    A regular file (or a new name) is written atomically; a pipe or character device
    (``/dev/stdout``, ``>(cmd)``) is written through, so its reader gets the text; a
    folder, socket or block device is refused.
    """
    import stat

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise SaveError(f"cannot write the template: {exc.strerror or exc}", str(path)) from None
    if mode is None or stat.S_ISREG(mode):
        _write(path, data)
        return
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        raise UsageError(f"'{path}' is not a file (a folder, socket or device); give a file name for -o")
    try:
        with open(path, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise SaveError(f"cannot write the template: {exc.strerror or exc}", str(path)) from None


def _write(path: Path, data: bytes) -> None:
    """Write a catalogue in one step (a temporary file renamed over the old one)."""
    from adventure.saves.atomic import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, data)
    except OSError as exc:
        raise SaveError(f"cannot write the catalogue: {exc.strerror or exc}", str(path)) from None
