"""YAML read at the node level, so every value keeps its file, line and column.

PyYAML's constructed objects forget where they came from and silently accept traps
(duplicate keys, ``no`` read as ``False``, aliases that expand a small file into a huge
one). We compose nodes instead (with libyaml's C parser when installed) and convert
them into a small tree of located values, reporting each trap as a
:class:`~adventure.base.errors.Diagnostic`. Only the core YAML scalar types are built, with
PyYAML's safe constructor; no tag can ever name Python code.

Typical use::

    root, problems = read_yaml(path, "01-fields.yaml")
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml import SafeLoader
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from adventure.base.errors import Diagnostic
from adventure.base.regularfile import FileTooLarge, NotRegularFile, read_regular
from adventure.base.safetext import describe, find_control
from adventure.story.model import Location

try:  # libyaml is several times faster; fall back to pure Python quietly.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
YAML11_BOOLEANS = frozenset(
    w for base in ("yes", "no", "on", "off", "y", "n") for w in (base, base.upper(), base.title())
)
_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "bool", "null", "float")
)
_COLLECTION_TAGS = frozenset(("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"))
_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"")
_BRACKETS = re.compile(r"[\[\]{}]")
_constructor = SafeConstructor()
_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters written raw in a file (tab, and CR/LF as line breaks, are fine)."""
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_NAMED_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "v": "\v", "f": "\f", "r": "\r", "e": "\x1b", "N": "\x85"}
MAX_INT_DIGITS = 18
"""Whole numbers in a story have at most this many digits (they fit in 64 bits)."""


@dataclass(slots=True)
class YScalar:
    """A scalar with its resolved value and the text it was written as."""

    value: object
    raw: str
    plain: bool
    loc: Location


@dataclass(slots=True)
class YSeq:
    """A sequence of located values."""

    items: list[YValue]
    loc: Location


@dataclass(slots=True)
class YMap:
    """A mapping with string keys, remembering where each key was written."""

    items: dict[str, YValue]
    key_locs: dict[str, Location]
    loc: Location
    extra: dict[str, object] = field(default_factory=dict)


YValue = YScalar | YSeq | YMap


class _Reader:
    """Converts one composed document, collecting problems instead of stopping."""

    def __init__(self, name: str, lines: list[str], escapes: bool = True):
        self.name = name
        self.lines = lines
        self.problems: list[Diagnostic] = []
        self.seen: set[int] = set()
        self.escapes = escapes
        """Whether the file has a backslash or CR: only then can a value hold a control character."""

    def loc(self, node: Node) -> Location:
        mark = node.start_mark
        return Location(self.name, mark.line + 1, mark.column + 1)

    def problem(self, code: str, message: str, loc: Location, hint: str | None = None) -> None:
        self.problems.append(diagnostic(code, message, loc, self.lines, hint))

    def convert(self, node: Node, depth: int = 0) -> YValue | None:
        if id(node) in self.seen:
            self.problem(
                "MM106",
                "YAML aliases (*name) are not allowed in story files",
                self.loc(node),
                "write the value out again; aliases can blow a small file up into a huge one",
            )
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.problem("MM101", f"nesting deeper than {MAX_DEPTH} levels", self.loc(node))
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if node.tag not in _COLLECTION_TAGS:
            self.problem("MM107", f"unsupported YAML tag {node.tag!r}", self.loc(node),
                         "story files use plain strings, numbers, booleans, lists and mappings")
            return None
        if isinstance(node, SequenceNode):
            items = [self.convert(child, depth + 1) for child in node.value]
            return YSeq([i for i in items if i is not None], self.loc(node))
        assert isinstance(node, MappingNode)
        return self.mapping(node, depth)

    def scalar(self, node: ScalarNode) -> YScalar | None:
        loc = self.loc(node)
        if node.tag not in _CORE_TAGS:
            self.problem(
                "MM107",
                f"unsupported YAML tag {node.tag!r}",
                loc,
                "story files use plain strings, numbers, booleans, lists and mappings",
            )
            return None
        if node.tag == _STR_TAG:  # the common case; what SafeConstructor would do
            if self.escapes and not self.clean(node):
                return None
            return YScalar(node.value, node.value, not node.style, loc)
        too_large = node.tag == _INT_TAG and len(node.value) > 4 * MAX_INT_DIGITS  # before int() parses it
        try:
            value = None if too_large else _constructor.construct_object(node)
            _constructor.constructed_objects.pop(node, None)  # its memo would keep every node alive for good
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problem("MM101", f"cannot read scalar: {exc}", loc)
            return None
        if too_large or (isinstance(value, int) and abs(value) >= 10 ** MAX_INT_DIGITS):
            self.problem("MM111", f"the number {_short_digits(node.value)} is too large "
                         f"(at most {MAX_INT_DIGITS} digits)", loc)
            return None
        return YScalar(value, node.value, not node.style, loc)

    def mapping(self, node: MappingNode, depth: int) -> YMap:
        """Convert a mapping; plain keys and string values take an inlined fast path.

        This loop runs for most nodes of a story, so it avoids a method call per plain
        key and per string value (measured in benchmarks/bench_load.py).
        """
        name, seen = self.name, self.seen
        mark = node.start_mark
        items: dict[str, YValue] = {}
        key_locs: dict[str, Location] = {}
        result = YMap(items, key_locs, Location(name, mark.line + 1, mark.column + 1))
        for key_node, value_node in node.value:
            if type(key_node) is ScalarNode and (key_node.style or key_node.value not in YAML11_BOOLEANS):
                key = key_node.value
                if self.escapes and not self.clean(key_node):
                    seen.add(id(value_node))
                    continue
            else:
                key = self.key(key_node)
                if key is None:
                    continue
            mark = key_node.start_mark
            key_loc = Location(name, mark.line + 1, mark.column + 1)
            if key in key_locs:
                self.problem(
                    "MM104",
                    f"duplicate key '{key}' (first written at line {key_locs[key].line})",
                    key_loc,
                    "YAML keeps only the last value of a repeated key; remove or rename one",
                )
                seen.add(id(value_node))
                continue
            key_locs[key] = key_loc
            if type(value_node) is ScalarNode and value_node.tag == _STR_TAG and id(value_node) not in seen:
                seen.add(id(value_node))
                mark = value_node.start_mark
                text = value_node.value
                if self.escapes and not self.clean(value_node):
                    result.extra[key] = None
                    continue
                items[key] = YScalar(text, text, not value_node.style, Location(name, mark.line + 1, mark.column + 1))
                continue
            value = self.convert(value_node, depth + 1)
            if value is None:
                result.extra[key] = None
            else:
                items[key] = value
        return result

    def clean(self, node: ScalarNode) -> bool:
        """Whether a string scalar is free of control characters; reports the first one if not.

        A file cannot hold them raw (see :func:`raw_control`), but a double-quoted
        scalar can write them as escapes (``"\\e]0;title\\a"``), which is how a story
        would reach the player's terminal.
        """
        index = find_control(node.value)
        if index is None:
            return True
        char = node.value[index]
        self.problems.append(control_diagnostic(char, self.escape_location(node, char), self.lines))
        return False

    def escape_location(self, node: ScalarNode, char: str) -> Location:
        """Where in the source the escape that wrote ``char`` starts (the scalar's start if not found)."""
        start, end = node.start_mark, node.end_mark
        for line in range(start.line, min(end.line, len(self.lines) - 1) + 1):
            text = self.lines[line]
            first = start.column if line == start.line else 0
            last = end.column if line == end.line else len(text)
            for match in _ESCAPE.finditer(text, first, last):
                if _unescape(match.group(1)) == char:
                    return Location(self.name, line + 1, match.start() + 1)
        return self.loc(node)

    def key(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            self.problem("MM109", "mapping keys must be plain names", self.loc(node))
            return None
        if self.escapes and not self.clean(node):
            return None
        if not node.style and node.value in YAML11_BOOLEANS:
            self.problem(
                "MM105",
                f"key '{node.value}' is read by YAML as a boolean",
                self.loc(node),
                f"quote it: \"{node.value}\"",
            )
            return None
        return str(node.value)


def diagnostic(
    code: str, message: str, loc: Location, lines: list[str], hint: str | None = None
) -> Diagnostic:
    """Build a located diagnostic, attaching the offending source line when known."""
    source = lines[loc.line - 1] if 0 < loc.line <= len(lines) else None
    return Diagnostic(code, message, loc.file, loc.line, loc.column, hint, "error", source)


def control_diagnostic(char: str, loc: Location, lines: list[str]) -> Diagnostic:
    """``MM110``: a control character where story text is read, named by its code point (U+001B) in the hint."""
    return diagnostic(
        "MM110", f"control character {describe(char)} in the text", loc, lines,
        f"remove the {describe(char).split(' ')[0]} character: terminals obey control characters "
        "(clear the screen, retitle the window); story text may hold only newline and tab",
    )


def raw_control(text: str, name: str, lines: list[str]) -> Diagnostic | None:
    """``MM110`` for the first control character written raw in a file, located exactly."""
    match = _RAW_CONTROL.search(text)
    if match is None:
        return None
    before = text[: match.start()]
    line = before.count("\n") + 1
    column = match.start() - (before.rfind("\n") + 1) + 1
    end = text.find("\n", match.start())
    source = text[before.rfind("\n") + 1: end if end >= 0 else len(text)].rstrip("\r")
    diag = control_diagnostic(match.group(), Location(name, line, column), [])
    return Diagnostic(diag.code, diag.message, diag.file, diag.line, diag.column, diag.hint, diag.severity, source)


def _unescape(escape: str) -> str:
    """The character a YAML double-quoted escape (without its backslash) stands for."""
    if escape[0] in "xuU" and len(escape) > 1:
        return chr(int(escape[1:], 16))
    return _NAMED_ESCAPES.get(escape, escape)


def _short_digits(raw: str) -> str:
    return raw if len(raw) <= 24 else f"{raw[:10]}...{raw[-4:]} ({len(raw)} characters)"


def decode(data: bytes, name: str) -> tuple[str | None, list[Diagnostic]]:
    """Strict UTF-8 (a BOM is allowed), locating the first bad byte by line and column."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [
            Diagnostic(
                "MM102",
                f"file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
                name, line, column,
                "save the file as UTF-8 in your editor",
            )
        ]


def nests_deeper_than(text: str, limit: int) -> bool:
    """Whether brackets or block indentation may nest beyond ``limit`` levels.

    libyaml's composer recurses in C, so a file nested thousands of levels deep
    crashes the whole process instead of raising. A cheap over-estimate (it ignores
    closing structure inside block scalars) decides when to parse with the pure-Python
    loader instead, whose recursion ends in a catchable RecursionError.
    """
    if re.search(rf"^[ \t\-?:]{{{4 * limit},}}", text, re.M):
        return True
    depth = 0
    for match in _BRACKETS.finditer(_QUOTED.sub("", text)):
        depth = depth + 1 if match.group() in "[{" else max(0, depth - 1)
        if depth > limit:
            return True
    return False


def safe_data(text: str) -> object:
    """Plain Python data from one YAML document, built by the safe loader only.

    For files that need no locations (run files). The same guard as for stories
    applies: deep nesting goes to the pure-Python loader, which fails cleanly.
    """
    loader = (SafeLoader if nests_deeper_than(text, MAX_DEPTH) else _Loader)(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse_text(text: str, name: str, lines: list[str] | None = None) -> tuple[YValue | None, list[Diagnostic]]:
    """Compose one YAML document from text and convert it to located values."""
    lines = text.splitlines() if lines is None else lines
    control = raw_control(text, name, lines)
    if control is not None:  # the YAML reader would refuse it too, less helpfully
        return None, [control]
    loader = SafeLoader if nests_deeper_than(text, MAX_DEPTH) else _Loader
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        return None, [_marked_diagnostic(exc, name, lines)]
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)
        loc = _offset_location(text, position, name)
        return None, [diagnostic("MM101", f"invalid YAML: {_one_line(exc)}", loc, lines)]
    except RecursionError:
        return None, [
            Diagnostic("MM101", "invalid YAML: nesting is too deep to read", name, 1, 1)
        ]
    if node is None:
        return None, []
    reader = _Reader(name, lines, "\\" in text or "\r" in text)
    return reader.convert(node), reader.problems


def _marked_diagnostic(exc: yaml.MarkedYAMLError, name: str, lines: list[str]) -> Diagnostic:
    """``MM101`` for an error PyYAML located, in plain words (:func:`plain_yaml_problem`) at its place."""
    problem = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
    loc = _problem_location(exc, problem, name)
    source = lines[loc.line - 1] if 0 < loc.line <= len(lines) else ""
    message, hint = plain_yaml_problem(problem, source, loc.column)
    return diagnostic("MM101", message, loc, lines, hint)


def _problem_location(exc: yaml.MarkedYAMLError, problem: str, name: str) -> Location:
    """Where to point for a located PyYAML error.

    PyYAML reports an unclosed quote at the end of the file, where nothing is wrong:
    the place that needs fixing is where the quote opened (its context mark).
    """
    unclosed = "quoted scalar" in problem and "end of stream" in problem
    mark = (exc.context_mark if unclosed else None) or exc.problem_mark or exc.context_mark
    return Location(name, mark.line + 1, mark.column + 1) if mark else Location(name, 0, 0)


def read_yaml(path: Path, name: str) -> tuple[YValue | None, list[Diagnostic]]:
    """Read a story file from disk: size cap, strict UTF-8, then :func:`parse_text`."""
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except FileTooLarge:
        return None, [Diagnostic("MM108", f"file is larger than {MAX_FILE_BYTES} bytes", name)]
    except NotRegularFile as exc:
        if exc.kind == "a folder":
            return None, [Diagnostic("MM103", "expected a file, found a folder", name)]
        return None, [Diagnostic("MM103", f"{exc.strerror}", name)]
    except FileNotFoundError:
        return None, [Diagnostic("MM103", "file not found", name, hint="check the file name in story.yaml")]
    except IsADirectoryError:
        return None, [Diagnostic("MM103", "expected a file, found a folder", name)]
    except OSError as exc:
        return None, [Diagnostic("MM103", f"cannot read file: {exc.strerror or exc}", name)]
    return parse_bytes(data, name)


def parse_bytes(data: bytes, name: str) -> tuple[YValue | None, list[Diagnostic]]:
    """Decode (strict UTF-8) and parse file contents already read from disk."""
    text, problems = decode(data, name)
    if text is None:
        return None, problems
    return parse_text(text, name)


def _offset_location(text: str, position: int | None, name: str) -> Location:
    if position is None:
        return Location(name, 0, 0)
    before = text[:position]
    return Location(name, before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


_FLOW_VALUE = re.compile(r"(?:^|:\s|-\s)\s*([\[{])")


_Wording = tuple[str, str]
"""A plain-English message and its hint."""


def plain_yaml_problem(problem: str, line: str, column: int) -> _Wording:
    """PyYAML's parser wording ("mapping values are not allowed here") in plain words, with a hint.

    ``line`` is the source line the problem points at and ``column`` its 1-based
    column, so the message can name the culprit (a tab, an unquoted ``{``). The
    culprits seen in the line come first, since they cause whichever of PyYAML's
    wordings follows; then :data:`_PARSER_WORDINGS`, in order.
    """
    culprit = _tab_in_indentation(problem, line, column) or _malformed_flow_value(problem, line)
    if culprit is not None:
        return culprit
    for matches, message, hint in _PARSER_WORDINGS:
        if matches(problem):
            return message, hint
    if "cannot start any token" in problem:
        return _cannot_start(line, column)
    return (f"the YAML cannot be read here ({problem})", "docs/authoring.md shows each construct")


def _tab_in_indentation(problem: str, line: str, column: int) -> _Wording | None:
    """A tab before the culprit's column (or in the indentation): PyYAML names it only sometimes."""
    if "\t" in line[: max(column, len(line) - len(line.lstrip()))] or "tab" in problem:
        return ("a tab character in the indentation: YAML indents with spaces only",
                "replace the tab with spaces (set your editor to insert spaces)")
    return None


def _malformed_flow_value(problem: str, line: str) -> _Wording | None:
    """A value that starts with ``[`` or ``{`` (``text: {count} rows``) is a YAML list or mapping,
    which an author usually meant as text: say so, rather than blame the indentation."""
    flow = _FLOW_VALUE.search(line.split("#", 1)[0])
    if flow and ("flow" in problem or "expected key" in problem or "expected <block end>" in problem):
        kind = "a mapping" if flow.group(1) == "{" else "a list"
        return (f"a value starting with '{flow.group(1)}' is read by YAML as {kind}, and this one is not well formed",
                "quote the whole value if it is text: text: \"{count} rows\"")
    return None


def _cannot_start(line: str, column: int) -> _Wording:
    """A character YAML reserves (``@``, a backquote) opens a value: name it, and quote the value."""
    char = line[column - 1] if 0 < column <= len(line) else "?"
    return (f"a value cannot start with '{char}' in YAML", f"quote the whole value: \"{line[column - 1:].strip()}\"")


def _in_flow(problem: str) -> bool:
    return "flow sequence" in problem or "flow mapping" in problem


_PARSER_WORDINGS: tuple[tuple[Callable[[str], bool], str, str], ...] = (
    (lambda p: "mapping values are not allowed" in p,
     "YAML did not expect a 'key:' here: the value before it contains ': ', "
     "or this line is indented more than the key above it",
     "quote a value that contains ': ' (title: \"Note: this\"), or line the key up with the keys above"),
    (lambda p: "did not find expected key" in p or "expected <block end>" in p,
     "this line is indented differently from the keys of the mapping it belongs to",
     "line it up with the keys above it, using spaces"),
    (lambda p: "expected '-' indicator" in p,
     "a list item was expected here: this line is indented like the list's '- ' items but is not one",
     "start it with '- ', or indent it under the item it belongs to"),
    (lambda p: "could not find expected ':'" in p,
     "this line is not a 'key: value' pair: no ':' was found",
     "add ':' after the key, or, for text over several lines, write 'text: |' and indent the lines"),
    (lambda p: "quoted scalar" in p and "end of stream" in p,
     "a quoted text opened here is never closed",
     "close the quote; inside \"…\" write \\\" for a quote mark, inside '…' write ''"),
    (lambda p: _in_flow(p) and "sequence" in p,
     "a [...] list is not closed, or its items are not separated by commas",
     "close the brackets, or quote the value if the brackets are text"),
    (_in_flow,
     "a {...} mapping is not closed, or its items are not separated by commas",
     "close the brackets, or quote the value if the brackets are text"),
    (lambda p: "undefined alias" in p,
     "a value starting with '*' is read by YAML as an alias, which story files do not use",
     "quote the value: \"*like this*\""),
    (lambda p: "single document" in p,
     "a second document ('---') starts here; a story file holds one",
     "remove the '---' line, or put the rest in a chapter file"),
)
"""PyYAML's wordings (a test on the problem text) and the plain words for each, first match wins."""
