"""What a typed line asks for: one interpreter for the choices on screen, commands and menus.

Every place that reads a line from the player (the scene's choices and commands, the
title and ending menus) asks here, and every comparison of typed text with a label goes through
:mod:`adventure.ui.matching`, so numbers, ids, words and fragments mean the same thing
on every screen. It is pure: no console, no reader, no session.

Typical use::

    interpret("2", offers)                  # Take("...") for the second choice
    interpret("save mine", offers)          # Command("save", "mine")
    pick("undo", (Entry("Take back", "undo"), Entry("Leave", "quit")))   # Take("undo")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adventure.base.messages import _, pgettext
from adventure.run.engine import Offer
from adventure.ui import matching

MAX_NUMBER_DIGITS = 6
"""A typed number longer than this cannot be a choice's number."""
QUIT_WORDS = {"quit", "q", "exit"}
HELP_WORDS = {"help", "?", "h"}


@dataclass(frozen=True)
class Take:
    """Take this choice (at a menu: this entry, by its id)."""

    choice: str


@dataclass(frozen=True)
class Command:
    """Run a command (``name`` is canonical: help, status, look, undo, save, load, quit)."""

    name: str
    argument: str | None = None


@dataclass(frozen=True)
class Hint:
    """The line could not be used; tell the player why, briefly."""

    message: str


Action = Take | Command | Hint


def interpret(line: str, offers: Sequence[Offer]) -> Action | None:
    """What a line of input asks for, given the choices on screen (``None`` for a blank line).

    Commands are whole words; ``#id`` names a choice by its stable id; a number picks
    by position; anything else must match exactly one label as a case-insensitive
    substring, or else be a choice's id. A fragment of fewer than four letters ("the")
    that is in one label only is asked about, not taken: the whole label, or the
    choice's id, still takes it (see :mod:`adventure.ui.matching`).
    """
    text = " ".join(line.split())
    if not text:  # Enter alone goes on when there is only one way on
        only = offers[0] if len(offers) == 1 and offers[0].enabled else None
        return Take(only.choice.id) if only is not None else None
    return command(text) or _choice(text, entries(offers))


def command_words() -> dict[str, str]:
    """Every word that names a command, mapped to the command's English name.

    English names always work (scripts and muscle memory); the words of the program's
    current language work too (``ayuda``, ``salir`` in Spanish), from its catalogue.
    Keys are folded (:func:`adventure.ui.matching.fold`): look a typed word up by its fold.
    """
    words = {word: "quit" for word in QUIT_WORDS} | {word: "help" for word in HELP_WORDS}
    words |= {name: name for name in ("look", "undo", "status", "save", "load")}
    for word, name in translated_commands().items():
        words.setdefault(matching.fold(word), name)
    return words


def translated_commands() -> dict[str, str]:
    """The command words of the program's language (none in English), lower-cased."""
    translated = {
        "help": pgettext("command", "help"), "status": pgettext("command", "status"),
        "look": pgettext("command", "look"), "undo": pgettext("command", "undo"),
        "save": pgettext("command", "save"), "load": pgettext("command", "load"),
        "quit": pgettext("command", "quit"),
    }
    return {word.lower(): name for name, word in translated.items() if word != name}


def menu_word(command: str) -> str:
    """The word that picks an ending-menu entry, in the program's language (English works too)."""
    words = {"undo": pgettext("command", "undo"), "quit": pgettext("command", "quit"),
             "chapter": pgettext("ending menu", "chapter"), "new": pgettext("ending menu", "new")}
    return words.get(command, command)


def _switch(argument: str | None) -> str | None:
    """``on``/``off`` of ``status``, in English or the current language; ``?`` when neither."""
    if argument is None:
        return None
    folded = matching.fold(argument)
    switches = {"on": pgettext("status switch", "on"), "off": pgettext("status switch", "off")}
    for english, word in switches.items():
        if folded in (english, matching.fold(word)):
            return english
    return "?"


def _numbers(count: int) -> str:
    """How to pick by number: ``pick 1-4`` for several, ``type 1 (or just press Enter)`` for one, never ``1-1``."""
    return _("type 1 (or just press Enter)") if count == 1 else _("pick 1-{count}").format(count=count)


def command(text: str) -> Command | None:
    word, _space, rest = text.partition(" ")
    name = command_words().get(matching.fold(word))
    argument = rest.strip() or None
    if name in {"quit", "help", "look", "undo"} and not argument:
        return Command(name)
    if name == "status" and _switch(argument) != "?":
        return Command("status", _switch(argument))
    if name in {"save", "load"}:
        return Command(name, argument)
    return None


@dataclass(frozen=True)
class Entry:
    """One thing a line can pick: a choice on screen, or an entry of a menu.

    ``id`` is what :class:`Take` carries (a choice's stable id, a menu entry's command);
    a locked entry (``enabled`` false) is never taken: picking it says ``reason``.
    """

    label: str
    id: str
    enabled: bool = True
    reason: str = ""


def entries(offers: Sequence[Offer]) -> tuple[Entry, ...]:
    """The choices on screen as entries to pick from."""
    return tuple(Entry(o.label, o.choice.id, o.enabled, o.reason or "") for o in offers)


def pick(text: str, menu: Sequence[Entry], words: dict[str, str] | None = None) -> Take | Hint:
    """Which entry of ``menu`` the (non-blank) line ``text`` names, or a hint saying why none.

    ``words`` maps folded extra words (``q``, ``back``, the words of the program's
    language) to an entry's id, or to what the menu does besides its entries (``quit``);
    then come, as for choices, ``#id``, a number, a unique (or exactly matching) part of a
    label, and a bare id.
    """
    if words:
        named = words.get(matching.fold(text))
        if named is not None:
            return Take(named)
    return _choice(" ".join(text.split()), menu)


def _choice(text: str, menu: Sequence[Entry]) -> Take | Hint:
    count = len(menu)
    if text.startswith("#") and len(text) > 1:  # "#id": by stable id, unambiguous for scripts
        picked = _by_id(text[1:], menu)
        ids = ", ".join("#" + e.id for e in menu)
        return picked or Hint(_("No choice here has the id '{id}' (here: {ids}).").format(id=_short(text[1:]), ids=ids))
    if text.isascii() and text.isdigit():
        # int() of thousands of digits raises (Python's str-digits limit): no choice is that long
        number = int(text) if len(text.lstrip("0")) <= MAX_NUMBER_DIGITS else 0
        if not 1 <= number <= count:
            return Hint(_("There is no choice {number}; {how}, or type 'help'.").format(
                number=_short(text), how=_numbers(count)) if count else _("There is nothing to choose here."))
        return _pick(menu[number - 1], number)
    return _by_label(text, menu) or _by_id(text, menu) or Hint(  # a bare id: scripts survive reworded labels
        (_("'{text}' is not a choice here. Type 1 (or just press Enter), part of a label, or 'help'.") if count == 1
         else _("'{text}' is not a choice here. Type a number (1-{count}), part of a label, or 'help'.")
         ).format(text=_short(text), count=count))


def _by_label(text: str, menu: Sequence[Entry]) -> Take | Hint | None:
    """The entry whose label holds ``text`` (the exact label wins among several); ``None`` if none does."""
    found = [(i, e) for i, e in enumerate(menu, 1) if matching.contains(e.label, text)]
    if len(found) > 1:
        exact = [(i, e) for i, e in found if matching.same(e.label, text)]
        if len(exact) == 1:
            found = exact
    if len(found) == 1:
        number, entry = found[0]
        if matching.committable(text, entry.label) or entry.id == text or not entry.enabled:
            return _pick(entry, number)  # (a locked one says why at once: nothing would be taken)
        return Hint(_("'{text}' is part of choice {number}, “{label}”. Type its number, or more of the label.").format(
            text=text, number=number, label=entry.label))
    if found:
        listed = "; ".join(f"{i}. {e.label}" for i, e in found)
        return Hint(_("'{text}' matches several choices: {choices}. Type more of the label, or its number.").format(
            text=text, choices=listed))
    return None


def _by_id(entry_id: str, menu: Sequence[Entry]) -> Take | Hint | None:
    for number, entry in enumerate(menu, 1):
        if entry.id == entry_id:
            return _pick(entry, number)
    return None


def _pick(entry: Entry, number: int) -> Take | Hint:
    if not entry.enabled:
        return Hint(_("Choice {number} is locked: {reason}").format(number=number, reason=entry.reason))
    return Take(entry.id)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


ENDING_WORDS = {"q": "quit", "exit": "quit", "leave": "quit", "back": "undo", "restart": "chapter",
                "new game": "new"}
"""Words the ending menu takes besides its entries' numbers, labels and command names."""


def ending_words() -> dict[str, str]:
    """Every extra word of the ending menu, folded, mapped to the entry it picks.

    English always works; the program's language adds its own (``deshacer``, ``capítulo``).
    """
    words = {name: name for name in ("undo", "chapter", "new", "quit")} | ENDING_WORDS
    words.update({word: name for word, name in command_words().items() if name in ("undo", "quit")})
    for name in ("chapter", "new"):
        words.setdefault(matching.fold(menu_word(name)), name)
    return words


TITLE_WORDS = {"continue": "continue", "c": "continue", "resume": "continue", "new": "new", "new game": "new",
               "n": "new", "quit": "quit", "q": "quit", "exit": "quit"}
"""Words the title menu takes besides its numbers and labels (and Enter alone, which continues)."""


def title_words() -> dict[str, str]:
    """Every extra word of the title menu, folded: English, and the program's language."""
    words = dict(TITLE_WORDS)
    words.setdefault(matching.fold(pgettext("title menu", "continue")), "continue")
    for name in ("new", "quit"):
        words.setdefault(matching.fold(menu_word(name)), name)
    return words


def interpret_menu(line: str, menu: Sequence[Entry], words: dict[str, str]) -> Action | None:
    """What a line typed at a menu asks for (``None`` for a blank line).

    ``help``, ``save`` and ``load`` work as on any screen; anything else must pick one of
    ``menu``'s entries (see :func:`pick`), or it is a :class:`Hint`.
    """
    text = " ".join(line.split())
    if not text:
        return None
    asked = command(text)
    if asked is not None and asked.name in {"help", "save", "load"}:
        return asked
    return pick(text, menu, words)
