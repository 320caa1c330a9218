"""Typed fields from located YAML, with a diagnostic for every way a value can be wrong.

The story loader asks for "the string under `title`" or "the list under `choices`";
this module answers, or records why it cannot (wrong type, unknown key with a
suggestion, a YAML 1.1 boolean where text was meant) and carries on, so one pass
finds every problem in a file. Nothing here knows what a scene is.

Typical use::

    out = Collector()
    reader = FieldReader(out)
    title = reader.string(mapping, "title", "scene 'a'")
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from adventure.base.errors import Diagnostic
from adventure.story import expr as ex
from adventure.story.model import Location
from adventure.story.spec import TEXT_KEYS
from adventure.story.yamlsrc import YAML11_BOOLEANS, YMap, YScalar, YSeq, YValue, diagnostic

MAX_ERRORS_PER_FILE = 50
MAX_ERRORS = 200
ID = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
RESERVED = frozenset({"and", "or", "not", "true", "false", "True", "False", "if", "elif", "else", "end", "assume"})


DEFAULT_HINTS = {
    "MM101": "fix the YAML syntax at this position; docs/authoring.md shows each construct",
    "MM102": "save the file as UTF-8 in your editor",
    "MM103": "check the file name and that the file holds the YAML described in docs/authoring.md",
    "MM104": "YAML keeps only the last value of a repeated key; remove or rename one",
    "MM105": "quote the value if you meant the text",
    "MM106": "write the value out again instead of using an alias",
    "MM107": "remove the tag: story files use plain strings, numbers, booleans, lists and mappings",
    "MM108": "split the chapter into several files",
    "MM109": "use a plain name as the key",
    "MM201": "check the indentation: this should be `key: value` pairs",
    "MM202": "remove the key or fix its spelling; docs/authoring.md lists every key",
    "MM203": "add the missing key; docs/authoring.md lists what each part needs",
    "MM204": "docs/authoring.md gives the type of every key",
    "MM205": "use letters, digits, '_' and '-', starting with a letter",
    "MM206": "make the range, initial value and formula agree",
    "MM207": "add a scene, or remove the chapter from story.yaml",
    "MM208": "ids must be unique: rename one of them",
    "MM209": "add a choice that leads to a scene or an ending",
    "MM210": "end the list with an entry without 'if', and give random entries a weight of 1 or more",
    "MM211": "give exactly one of 'scene' or 'ending' (or 'goto' or 'ending' on a choice)",
    "MM212": "write one of set, add, subtract per list item",
    "MM213": "set 'format: 1'",
    "MM214": "keep chapter files inside the story folder",
    "MM215": "use a value inside the stat's range, or widen the range",
    "MM216": "an old id may belong to one scene (or one choice of a scene) only, and not be a current id",
    "MM220": "write the number's place as {value}, once: shown_as: '${value}k'",
    "MM262": "use set for the bound, or a smaller amount",
    "MM263": "add the condition under 'if', or remove 'locked'",
    "MM264": "split the scene in two",
    "MM265": "mark one choice per scene as canon: the one the true path takes",
    "MM266": "fix the number or the stat's range",
    "MM267": "scale the formula so that it reaches 100 at the true ending",
    "MM301": "see the expression syntax in docs/authoring.md",
    "MM302": "compare values of the same type; conditions must be true or false",
    "MM303": "declare the stat under 'stats' in story.yaml, or fix the spelling",
    "MM310": "close every {if} with {end}; write {{ and }} for literal braces",
    "MM401": "declare the stat under 'stats' in story.yaml, or fix the spelling",
    "MM402": "declare the scene in a chapter file, or fix the spelling",
    "MM403": "declare the ending, or fix the spelling",
    "MM404": "seen() takes a scene id, chose() a choice id (or scene.choice)",
}
"""A hint for every code, used when the place that found the problem has no better one."""


class Collector:
    """Holds diagnostics and source lines for the file being read."""

    def __init__(self) -> None:
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.lines: dict[str, list[str]] = {}
        self.per_file: dict[str, int] = {}

    def add(self, diag: Diagnostic) -> None:
        if diag.hint is None and diag.code in DEFAULT_HINTS:
            diag = replace(diag, hint=DEFAULT_HINTS[diag.code])
        if diag.severity == "warning":
            self.warnings.append(diag)
            return
        count = self.per_file.get(diag.file, 0)
        self.per_file[diag.file] = count + 1
        if count < MAX_ERRORS_PER_FILE and len(self.errors) < MAX_ERRORS:
            self.errors.append(diag)

    def error(self, code: str, message: str, loc: Location, hint: str | None = None) -> None:
        self.add(diagnostic(code, message, loc, self.lines.get(loc.file, []), hint))

    def warn(self, code: str, message: str, loc: Location, hint: str | None = None) -> None:
        d = diagnostic(code, message, loc, self.lines.get(loc.file, []), hint)
        self.add(Diagnostic(d.code, d.message, d.file, d.line, d.column, d.hint, "warning", d.source_line))


def suggest(word: str, options: Iterable[str]) -> str | None:
    """A "did you mean" hint for a misspelt name, or ``None``."""
    close = _close_matches(word, options)
    return f"did you mean '{close[0]}'?" if close else None


def _close_matches(word: str, options: Iterable[str]) -> list[str]:
    """The closest known name, if any (difflib is imported only for a mistake: a valid story never needs it)."""
    from difflib import get_close_matches

    return get_close_matches(word, list(options), n=1, cutoff=0.6)


class FieldReader:
    """Reads typed fields from located mappings, reporting problems to a :class:`Collector`."""

    def __init__(self, out: Collector):
        self.out = out

    def mapping(self, value: YValue | None, what: str, loc: Location) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.out.error("MM201", f"{what} must be a mapping (key: value pairs)", loc_of(value, loc),
                       "check the indentation")
        return None

    def keys(self, m: YMap, allowed: dict[str, bool], what: str) -> None:
        """Report unknown keys (with the closest known one) and missing required keys.

        A misspelt required key is reported once, as the misspelling: "unknown key
        'lable' (did you mean 'label'?)" says all there is to say.
        """
        misspelt: set[str] = set()
        for key, loc in m.key_locs.items():
            if key not in allowed:
                close = _close_matches(key, allowed)
                misspelt.update(close)
                hint = f"did you mean '{close[0]}'?" if close else "allowed keys: " + ", ".join(allowed)
                self.out.error("MM202", f"unknown key '{key}' in {what}", loc, hint)
        for key, required in allowed.items():
            if required and key not in m.key_locs and key not in misspelt:
                self.out.error("MM203", f"{what} is missing required key '{key}'", m.loc)

    def string(self, m: YMap, key: str, what: str) -> str | None:
        value = m.items.get(key)
        if value is None:
            return None
        if isinstance(value, YScalar) and isinstance(value.value, str):
            return value.value
        if isinstance(value, YScalar) and value.plain and value.raw in YAML11_BOOLEANS:
            self.out.error("MM105", f"'{key}' of {what} is read by YAML as a boolean ({value.raw})",
                           value.loc, f"quote it if you meant the word: \"{value.raw}\"")
            return None
        if (isinstance(value, YScalar) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool)
                and key in TEXT_KEYS):
            return value.raw
        self.out.error("MM204", f"'{key}' of {what} must be text, found {kind(value)}", value.loc,
                       _surprise_hint(value))
        return None

    def boolean(self, m: YMap, key: str, what: str, default: bool = False) -> bool:
        value = m.items.get(key)
        if value is None:
            return default
        if isinstance(value, YScalar) and isinstance(value.value, bool):
            return value.value
        self.out.error("MM204", f"'{key}' of {what} must be true or false, found {kind(value)}", value.loc)
        return default

    def integer(self, m: YMap, key: str, what: str) -> int | None:
        value = m.items.get(key)
        if value is None:
            return None
        if isinstance(value, YScalar) and isinstance(value.value, int) and not isinstance(value.value, bool):
            if value.plain and ":" in value.raw:
                self.out.error("MM105", f"'{key}' of {what} ({value.raw}) is read by YAML 1.1 as the number {value.value}",
                               value.loc, f"quote it if you meant text: \"{value.raw}\"")
                return None
            return value.value
        self.out.error("MM204", f"'{key}' of {what} must be a whole number, found {kind(value)}", value.loc)
        return None

    def sequence(self, m: YMap, key: str, what: str) -> list[YValue]:
        value = m.items.get(key)
        if value is None:
            return []
        if isinstance(value, YSeq):
            return value.items
        self.out.error("MM204", f"'{key}' of {what} must be a list, found {kind(value)}", value.loc,
                       "start each item on its own line with '- '")
        return []

    def ident(self, m: YMap, key: str, what: str) -> str | None:
        text = self.string(m, key, what)
        if text is not None and not ID.match(text):
            self.out.error("MM205", f"'{text}' is not a valid id for {what}", m.items[key].loc,
                           "use letters, digits, '_' and '-', starting with a letter")
            return None
        return text


def value_type(value: object) -> ex.StatType | None:
    if isinstance(value, bool):
        return ex.StatType.BOOL
    if isinstance(value, int):
        return ex.StatType.INT
    if isinstance(value, str):
        return ex.StatType.TEXT
    return None


def article(stat_type: ex.StatType) -> str:
    return {"int": "a whole number", "bool": "true or false", "text": "text"}[stat_type.value]


def kind(value: YValue | None) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YSeq):
        return "a list"
    if value is None:
        return "nothing"
    v = value.value
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"a boolean ({value.raw})"
    if isinstance(v, int):
        return f"a number ({value.raw})"
    if isinstance(v, float):
        return f"a decimal number ({value.raw})"
    return f"text ({short(str(v))!r})"


def _surprise_hint(value: YValue | None) -> str | None:
    if isinstance(value, YScalar) and value.value is None:
        return "write a value after the colon"
    return None


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def loc_of(value: YValue | None, fallback: Location) -> Location:
    return value.loc if value is not None else fallback


def offset_location(scalar: YScalar, offset: int, lines: dict[str, list[str]]) -> Location:
    """Map an offset inside a scalar's value to a file position, as well as YAML allows.

    Plain and quoted one-line scalars map exactly; block scalars (``|``) start on the
    next line at its indentation. Folded and multi-line flow scalars are approximate.
    """
    loc = scalar.loc
    value = scalar.value if isinstance(scalar.value, str) else scalar.raw
    file_lines = lines.get(loc.file, [])
    head = file_lines[loc.line - 1][loc.column - 1:] if 0 < loc.line <= len(file_lines) else ""
    if head[:1] in "|>":
        before = value[:offset]
        line = loc.line + 1 + before.count("\n")
        text_line = file_lines[line - 1] if 0 < line <= len(file_lines) else ""
        indent = len(text_line) - len(text_line.lstrip(" "))
        return Location(loc.file, line, indent + offset - (before.rfind("\n") + 1) + 1)
    quote = 1 if head[:1] in "'\"" else 0
    return Location(loc.file, loc.line, loc.column + quote + offset)
