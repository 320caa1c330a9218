"""Count-aware words for the program's own summaries: "1 chapter", "2 chapters".

Typical use::

    count(1, "chapter")                   # '1 chapter'
    count(3, "choice")                    # '3 choices'
    count(2, "story", "stories")          # '2 stories'
"""

from __future__ import annotations


def plural(number: int, singular: str, many: str | None = None) -> str:
    """The word's form for ``number``: singular for exactly one, else the plural.

    The plural defaults to English's regular forms (``choice`` → ``choices``,
    ``box`` → ``boxes``), which cover the program's own words.
    """
    if number in (1, -1):
        return singular
    if many is not None:
        return many
    if singular.endswith(("s", "x", "ch", "sh")):
        return singular + "es"
    return singular + "s"


def count(number: int, singular: str, many: str | None = None) -> str:
    """``number`` and the word in the matching form: ``count(1, "error")`` is ``'1 error'``."""
    return f"{number} {plural(number, singular, many)}"
