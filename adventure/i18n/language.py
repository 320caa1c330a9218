"""Which language to play in: ``--lang``, else the environment, read as gettext reads it.

gettext looks at ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` in that order
and uses the first that is set and not empty; ``LANGUAGE`` may list several languages
separated by colons, tried in turn. A value such as ``es_MX.UTF-8@euro`` is tried as
``es_MX`` and then ``es``; ``C`` and ``POSIX`` mean untranslated (English). The first
language there is a translation for wins; English when none matches.

Typical use::

    detect({"LANG": "es_MX.UTF-8"}, {"es"})      # 'es'
    detect({"LANGUAGE": "fr:es", "LANG": "C"}, {"es"})   # 'es'
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.base.errors import UsageError
from adventure.base.messages import _

if TYPE_CHECKING:
    import argparse

    from adventure.story.model import Story

ENGLISH = "en"
ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_CODE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")


def candidates(value: str) -> Iterator[str]:
    """The languages one variable names, most specific first (``es_MX``, then ``es``)."""
    for item in value.split(":"):
        item = item.strip()
        if not item:
            continue
        if item in {"C", "POSIX"} or item.startswith(("C.", "C@", "POSIX.")):
            yield ENGLISH
            continue
        code = item.split(".")[0].split("@")[0].replace("-", "_")
        if not _CODE.match(code):
            continue
        yield code
        if "_" in code:
            yield code.split("_")[0]


def detect(environ: Mapping[str, str], available: Collection[str]) -> str:
    """The language gettext would pick among ``available`` (English when none matches)."""
    for name in ENV_VARIABLES:
        value = environ.get(name, "")
        if not value:
            continue
        for code in candidates(value):
            if code == ENGLISH or code.split("_")[0] == ENGLISH:
                return ENGLISH
            if code in available:
                return code
        return ENGLISH  # the first variable set decides, as in gettext
    return ENGLISH


def available(story_root: str | Path | None) -> set[str]:
    """Languages with a translation: the story's catalogues and the program's own."""
    from adventure.base.messages import program_languages
    from adventure.i18n.files import languages

    found = set(program_languages())
    if story_root is not None:
        found.update(languages(story_root))
    return found


def choose(requested: str | None, story_root: str | Path | None,
           environ: Mapping[str, str] | None = None) -> str:
    """``--lang`` when given (a usage error when nothing is translated to it), else the environment."""
    known = available(story_root)
    if requested is None:
        return detect(os.environ if environ is None else environ, known)
    code = requested.strip().replace("-", "_")
    if not _CODE.match(code):
        raise UsageError(_("'{requested}' is not a language code (for example en, es, es_MX)").format(requested=requested))
    for candidate in (code, code.split("_")[0]):
        if candidate.lower() == ENGLISH or candidate in known:
            return ENGLISH if candidate.lower() == ENGLISH else candidate
    listed = ", ".join(sorted({ENGLISH, *known}))
    raise UsageError(_("there is no '{requested}' translation (languages: {listed})").format(
        requested=requested, listed=listed))


def load_in(folder: str | Path, requested: str | None) -> Story:
    """Load a story in the language asked for (or the environment's), and set the program's words to it.

    Raises :class:`StoryLoadError` for a broken story or catalogue, :class:`UsageError`
    for a language nothing is translated to.
    """
    from adventure.base.messages import use_language
    from adventure.story.loader import load_story

    story = load_story(folder)
    language = choose(requested, story.root)
    use_language(language)
    if language == ENGLISH:  # the story's own words, and the program's defaults as they are: no translator loaded
        return story
    from adventure.i18n.translate import program_defaults, translate_story

    return program_defaults(translate_story(story, language))


def add_argument(parser: argparse.ArgumentParser) -> None:
    """The ``--lang`` option, the same for every command that shows the story."""
    parser.add_argument("--lang", default=None, metavar="LANG",
                        help=_("language to show the story in, e.g. es (default: from LANGUAGE, LC_ALL, "
                        "LC_MESSAGES or LANG; English when there is no translation)"))
