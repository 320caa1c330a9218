"""How typed words are compared with choice labels: one place for every matcher of the game.

The play loop (taking a choice), the ending menu and Tab completion all ask here, so a
change to how text is compared (accents, say) is made once for all of them.

Typical use::

    contains("Call the hotel", "HOTEL")      # True
    committable("the", "Call the hotel")     # False: too short to take a choice by itself
    contains("Universidad del Pacífico", "pacifico")   # True: accents are not needed
"""

from __future__ import annotations

import unicodedata

MIN_PARTIAL = 4
"""A typed fragment shorter than this (in letters) never takes a choice by itself: "the"
is in too many labels to mean one. It still completes (Tab) and still lists what it matches."""


def fold(text: str) -> str:
    """The form in which typed text and labels are compared: case-free, accent-free, spaces collapsed.

    Many players type on keyboards without accents (a US keyboard in a Spanish-speaking
    home): ``electronica`` must find "electrónica", ``estado si`` mean ``estado sí``.
    Both sides are decomposed (NFKD) and their combining marks dropped, so "é", "é"
    (e + U+0301) and "e" compare equal; ``ñ`` folds to ``n`` the same way.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split()).casefold()


def contains(label: str, typed: str) -> bool:
    """Whether ``typed`` is part of ``label`` (anywhere: players type the word they remember)."""
    return fold(typed) in fold(label)


def same(label: str, typed: str) -> bool:
    """Whether ``typed`` is the whole of ``label``."""
    return fold(typed) == fold(label)


def starts(word: str, typed: str) -> bool:
    """Whether ``word`` (a command) begins with ``typed``."""
    return fold(word).startswith(fold(typed))


def committable(typed: str, label: str) -> bool:
    """Whether ``typed``, the one label it matches, is enough to take that choice at once.

    The whole label always is; a fragment is when it has at least :data:`MIN_PARTIAL`
    letters or digits (a short one is asked about instead, see ``interpret``).
    """
    return same(label, typed) or sum(ch.isalnum() for ch in typed) >= MIN_PARTIAL
