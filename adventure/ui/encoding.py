"""Plain characters for a console whose encoding cannot show the game's symbols.

Under ``PYTHONIOENCODING=ascii`` or ``latin-1`` (or an old ``LANG=C`` terminal) the
standard streams cannot encode ``→``, ``★``, ``█`` or a story's accented letters, and a
strict stream raises on the first one: the game would stop with a traceback. Rich
already draws ASCII boxes and meters when its console's encoding is not UTF-8; this
module registers an error handler that writes every other character the stream cannot
encode as its nearest plain form (``→`` as ``->``, ``é`` as ``e``, anything else as
``?``), and puts it on the standard streams. No Rich import here: the CLI edge sets
the streams up before any command runs.

Typical use::

    fit_streams()                 # once, at start-up
    print("Apples 0 → 1")         # 'Apples 0 -> 1' on an ASCII console
"""

from __future__ import annotations

import codecs
import sys
import unicodedata

HANDLER = "million-miles-plain"
"""The codec error handler's name, for ``TextIOWrapper.reconfigure(errors=...)``."""

FALLBACKS = {
    "→": "->", "←": "<-", "↑": "^", "↓": "v", "·": "-", "•": "*", "★": "*", "☆": "*",
    "✓": "ok", "✔": "ok", "✗": "x", "✘": "x", "▸": ">", "►": ">", "▶": ">", "◂": "<",
    "—": "--", "–": "-", "…": "...", "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'",
    "«": '"', "»": '"', "█": "#", "▓": "#", "▒": "-", "░": "-", "│": "|", "┃": "|",
    "─": "-", "━": "-", "═": "=", "║": "|", "×": "x", "±": "+/-", "°": " deg",
    "\u00a0": " ", "\ufffd": "?",
}
"""Plain stand-ins for the symbols the screens use (box drawing, bars, arrows, marks)."""


def plain_form(char: str) -> str:
    """The nearest ASCII form of one character: a known stand-in, its base letter, or ``?``."""
    known = FALLBACKS.get(char)
    if known is not None:
        return known
    base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return base or "?"


def _plain_handler(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start:error.end]
    return "".join(plain_form(c) for c in chunk), error.end


codecs.register_error(HANDLER, _plain_handler)


def can_show(encoding: str | None, sample: str = "→★█é") -> bool:
    """Whether text in ``encoding`` can show the symbols the screens use."""
    try:
        sample.encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def fit_streams() -> None:
    """Make the standard streams survive a narrow encoding.

    Output streams that cannot encode the game's symbols write plain stand-ins instead
    of raising; standard input that cannot decode what is typed reads it as ``?``-like
    replacement characters instead of ending the game. UTF-8 streams are left alone.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not can_show(getattr(stream, "encoding", None)):
            _reconfigure(stream, HANDLER)
    stdin = sys.stdin
    if not can_show(getattr(stdin, "encoding", None)):
        _reconfigure(stdin, "replace")


def _reconfigure(stream: object, errors: str) -> None:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return
    try:
        reconfigure(errors=errors)
    except (ValueError, OSError):  # a closed or unusual stream: leave it be
        pass
