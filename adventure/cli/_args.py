"""Argument types shared by the commands, so every command rejects bad numbers alike."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any, NoReturn

from adventure.base.messages import _
from adventure.base.safetext import escape_controls


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with error messages escaped: "unrecognized arguments" echoes them raw.

    Its sub-parsers are of this class too, so they share the formatter below.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        super().error(escape_controls(message))


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, given the terminal's width without importing :mod:`shutil`.

    argparse makes a formatter for every argument it registers (to check its metavar),
    and the stock one imports ``shutil`` (and with it ``bz2`` and ``lzma``) for the
    width: about 2 ms of every command's start-up, for help that is rarely printed.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position, terminal_width() - 2 if width is None else width)


def terminal_width() -> int:
    """Columns, as :func:`shutil.get_terminal_size` finds them: ``$COLUMNS``, the terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def speak_the_language(argv: list[str]) -> None:
    """Word the command line (``--help``, argparse's errors, ours) in the player's language.

    The language is the one ``--lang`` names, else the environment's, among the program's
    catalogues; an unknown ``--lang`` is left to the command, which reports it. argparse
    words its usage lines and errors through :mod:`gettext`'s global functions (the
    ``messages`` domain, which nothing installs); they are pointed at our catalogue, which
    carries argparse's own strings (``adventure/cli/_argparse_words.py`` marks them).
    """
    from adventure.base.messages import program_languages, use_language
    from adventure.i18n.language import detect

    known = set(program_languages())
    requested = _requested_language(argv)
    language = detect(os.environ, known)
    if requested is not None:
        code = requested.strip().replace("-", "_")
        language = next((c for c in (code, code.split("_")[0]) if c in known), "en" if code.startswith("en") else language)
    use_language(language)
    localise_argparse()


def localise_argparse() -> None:
    """Point argparse's ``_`` and ``ngettext`` at the program's catalogue (see :func:`speak_the_language`)."""
    from adventure.base import messages

    argparse._ = messages._  # type: ignore[attr-defined]
    argparse.ngettext = messages.ngettext  # type: ignore[attr-defined]


def _requested_language(argv: list[str]) -> str | None:
    """The value of ``--lang`` in the arguments (``--lang es`` or ``--lang=es``), if any."""
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def positive_int(value: str) -> int:
    """A whole number of at least 1 (argparse turns the error into exit code 2)."""
    try:
        number = int(value) if len(value) <= 30 else None
    except ValueError:
        number = None
    if number is None:
        raise argparse.ArgumentTypeError(_("expected a whole number, got {value}").format(value=repr(_short(value)))) from None
    if number < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1"))
    return number


SEED_LIMIT = 1 << 64
"""Seeds are 64-bit: the generator keeps only the low 64 bits anyway."""


def seed_number(value: str) -> int:
    """A whole number in ``[-2**64, 2**64)``; longer ones are refused before ``int()`` sees them.

    ``int()`` of thousands of digits raises (Python's str-digits limit) and would echo
    the whole number in argparse's message.
    """
    text = value.strip()
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 20 or not text.lstrip("+-").isdigit() or not text.isascii():
        raise argparse.ArgumentTypeError(_("expected a whole number below 2**64, got {value}").format(value=repr(_short(value))))
    number = int(text)
    if not -SEED_LIMIT <= number < SEED_LIMIT:
        raise argparse.ArgumentTypeError(_("expected a whole number below 2**64, got {value}").format(value=repr(_short(value))))
    return number


def _short(value: str, limit: int = 24) -> str:
    return value if len(value) <= limit else f"{value[:limit - 3]}..."


JSON_FORMAT = 1
"""The shape version every ``--json`` document carries as ``"format"``: raised when a key changes meaning
or goes away (keys are only ever added within a version)."""


def json_document(data: Mapping[str, object]) -> str:
    """One ``--json`` document: ``{"format": JSON_FORMAT, ...data}`` on one line, with a newline."""
    from adventure.base.safetext import dumps_json

    return dumps_json({"format": JSON_FORMAT, **data}) + "\n"
