"""The small, safe expression language of story conditions, effects and templates.

Story files are data: a condition such as ``piloting >= 2 and not married`` must never
reach Python's ``eval``. This module has its own tokenizer and recursive-descent
parser that build a tree of frozen nodes, a static type checker run when the story
loads (so play never meets an unknown stat or a bool compared with a number), a
reference tree-walking evaluator, and a compiler that turns a tree into nested closures
over a tuple of stat values for the engine's hot path.

Typical use::

    node = parse("piloting >= 2 and savings >= 3")
    check(node, {"piloting": StatType.INT, "savings": StatType.INT}, StatType.BOOL)
    evaluate(node, {"piloting": 1, "savings": 5})              # False
    test = compile_expr(node, {"piloting": 0, "savings": 1})
    test((1, 5))                                                # False, same answer
    unmet(node, {"piloting": 1, "savings": 5}, {"piloting": "Piloting"})
    # ['Piloting ≥ 2']

Every error carries the 0-based ``offset`` of the offending token so callers can turn
it into ``file:line:column``; :func:`parse` raises :class:`ExprSyntaxError` and nothing
else, for any string.
"""

from __future__ import annotations

import enum
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "RECALLS",
    "SHOWN",
    "Binary",
    "Call",
    "Compiled",
    "Const",
    "ExprError",
    "ExprSyntaxError",
    "ExprTypeError",
    "Name",
    "Node",
    "Recall",
    "StatType",
    "Unary",
    "Value",
    "check",
    "compile_expr",
    "describe",
    "evaluate",
    "names",
    "parse",
    "recalls",
    "to_source",
    "unmet",
]

MAX_LENGTH = 500
MAX_DEPTH = 32

Value = int | bool | str
Compiled = Callable[[Sequence[Value]], Value]


class StatType(enum.Enum):
    """The three kinds of value a stat (and so an expression) can have."""

    INT = "int"
    BOOL = "bool"
    TEXT = "text"


# --------------------------------------------------------------------------- errors


class ExprError(Exception):
    """A problem with an expression, located by character offset in its source.

    The offset is 0-based into the string that was parsed (shifted by ``parse``'s
    ``offset`` argument), so a caller embedding expressions in larger text can report
    a precise column.
    """

    code = "MM300"

    def __init__(self, message: str, offset: int, hint: str | None = None, code: str | None = None,
                 subject: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.subject = subject
        """The unknown name an MM303 error is about, so a loader can tell it from a stat it already reported."""
        if code is not None:
            self.code = code


class ExprSyntaxError(ExprError):
    """The text is not an expression of the language."""

    code = "MM301"


class ExprTypeError(ExprError):
    """The expression is well formed but mixes types (MM302) or names no stat (MM303)."""

    code = "MM302"


UNKNOWN_NAME = "MM303"

# ---------------------------------------------------------------------------- nodes


@dataclass(frozen=True, slots=True)
class Const:
    """A literal. ``type`` is derived so that ``1`` and ``true`` never compare equal."""

    value: Value
    type: StatType = field(init=False)
    offset: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", _type_of_value(self.value))


@dataclass(frozen=True, slots=True)
class Name:
    """A reference to a stat by name."""

    name: str
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Unary:
    """``-x`` or ``not x``; ``offset`` is the operator's."""

    op: str
    operand: Node
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic, comparison, ``and`` or ``or``; ``offset`` is the operator's."""

    op: str
    left: Node
    right: Node
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A call of one of the language's few functions (:data:`FUNCTIONS`), e.g. ``plural(n, "cask", "casks")``."""

    name: str
    args: tuple[Node, ...]
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Recall:
    """``seen(scene_id)`` or ``chose(choice_id)``: whether the run has passed that way.

    True once the run has taken a choice in the scene (``seen``), or taken the choice
    (``chose``; ``chose(scene.choice)`` names one scene's choice, ``chose(choice)`` any
    choice with that id). The loader gives each recalled scene or choice a hidden
    true/false slot after the stats, so only what some expression reads adds state.
    """

    fn: str
    target: str
    offset: int = field(default=0, compare=False)

    @property
    def key(self) -> str:
        """How the slot is named in an environment or slot mapping: never a stat name."""
        return f"{self.fn}({self.target})"


Node = Const | Name | Unary | Binary | Call | Recall

RECALLS: dict[str, str] = {"seen": "seen(scene_id)", "chose": "chose(choice_id)"}
"""The functions that read the run's past rather than its stats, with their usage."""


def _plural(count: Value, one: Value, many: Value) -> Value:
    """``one`` for a count of exactly 1 (or -1), ``many`` otherwise: "1 cask", "2 casks"."""
    return one if count in (1, -1) else many


def _ordinal(number: Value) -> Value:
    """``1st``, ``22nd``, ``111th`` in the program's language (``1.º`` in Spanish): see :func:`adventure.base.messages.ordinal`."""
    from adventure.base.messages import ordinal

    return ordinal(int(number))


@dataclass(frozen=True, slots=True)
class Function:
    """A function the language offers: its parameter types, result type and meaning.

    ``localized`` functions answer in the player's language, which is chosen after a
    story is loaded, so their calls are never folded into constants.
    """

    params: tuple[StatType, ...]
    result: StatType
    apply: Callable[..., Value]
    usage: str
    localized: bool = False


def _shown(value: Value) -> Value:
    """A stat's value as text; the story's own wording (prefix, suffix, ``zero:``) is applied by the
    template renderer, which knows the stat (see ``adventure.story.template.render``)."""
    return str(value)


SHOWN = "shown"
"""``shown(savings)``: a stat as the status panel words it (``$3k``, or its ``zero:`` text)."""

FUNCTIONS: dict[str, Function] = {
    "plural": Function((StatType.INT, StatType.TEXT, StatType.TEXT), StatType.TEXT, _plural,
                       'plural(count, "cask", "casks")'),
    SHOWN: Function((StatType.INT,), StatType.TEXT, _shown, "shown(savings)"),
    "ordinal": Function((StatType.INT,), StatType.TEXT, _ordinal, "ordinal(n)", localized=True),
}
"""The only calls an expression can make: pure, total, type-checked at load."""


def _type_of_value(value: Value) -> StatType:
    # bool before int: bool is a subclass of int and the language keeps them apart.
    if isinstance(value, bool):
        return StatType.BOOL
    if isinstance(value, int):
        return StatType.INT
    if isinstance(value, str):
        return StatType.TEXT
    raise TypeError(f"not an expression value: {value!r}")


ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
EQUALITY = frozenset({"==", "!="})
ORDERING = frozenset({"<", "<=", ">", ">="})
COMPARISON = EQUALITY | ORDERING
LOGIC = frozenset({"and", "or"})

# ---------------------------------------------------------------------------- lexer

_DIGITS = frozenset("0123456789")
_IDENT_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_IDENT = _IDENT_START | _DIGITS
_SPACE = frozenset(" \t\r\n")
_BOOLEANS = {"true": True, "false": False, "True": True, "False": False}
_KEYWORDS = frozenset({"and", "or", "not"}) | frozenset(_BOOLEANS)
_OPS2 = frozenset({"==", "!=", "<=", ">="})
_OPS1 = frozenset("+-*/%<>")
_ESCAPES = frozenset("\\\"'")
_ID_TEXT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)?")
_ESCAPE_HINT = "only \\\\, \\\" and \\' are escapes; write other characters as they are"

_BAD_PAIRS: dict[str, tuple[str, str]] = {
    "**": ("there is no power operator", "multiply instead: `x * x`"),
    "//": ("`//` is not an operator", "`/` already divides whole numbers"),
    "<>": ("`<>` is not an operator", "use != for 'not equal'"),
    "=>": ("`=>` is not an operator", "write >="),
    "=<": ("`=<` is not an operator", "write <="),
    "&&": ("`&&` is not an operator", "use and"),
    "||": ("`||` is not an operator", "use or"),
}
_BAD_CHARS: dict[str, tuple[str, str | None]] = {
    "=": ("`=` is not a comparison", "use == to compare"),
    "!": ("`!` is not an operator", "use not"),
    "&": ("`&` is not an operator", "use and"),
    "|": ("`|` is not an operator", "use or"),
    ".": ("attribute access is not allowed", "stats are plain names such as `savings`"),
    "[": ("indexing is not allowed", "stats are plain names such as `savings`"),
    "]": ("indexing is not allowed", "stats are plain names such as `savings`"),
    "{": ("braces are not allowed in an expression", None),
    "}": ("braces are not allowed in an expression", None),
    "#": ("comments are not allowed in an expression", None),
    "^": ("`^` is not an operator", "there is no power operator; multiply instead"),
    "≥": ("unexpected `≥`", "write >="),
    "≤": ("unexpected `≤`", "write <="),
    "≠": ("unexpected `≠`", "write !="),
    "−": ("unexpected `−` (a typographic minus)", "write -"),
    "×": ("unexpected `×`", "write *"),
    "÷": ("unexpected `÷`", "write /"),
    "“": ("unexpected curly quote", "use straight quotes \" or '"),
    "”": ("unexpected curly quote", "use straight quotes \" or '"),
    "‘": ("unexpected curly quote", "use straight quotes \" or '"),
    "’": ("unexpected curly quote", "use straight quotes \" or '"),
}


@dataclass(slots=True)
class _Token:
    """One lexeme: its kind (``int``, ``str``, ``name``, ``kw``, ``op``, ``(``, ``)`` or ``end``), text and place."""

    kind: str
    text: str
    offset: int
    value: Value = 0


def _show(char: str) -> str:
    """A character as an error message can print it, even NUL or a stray space."""
    if char.isprintable() and not char.isspace():
        return f"`{char}`"
    return f"U+{ord(char):04X}"


class _Lexer:
    """Produces tokens on demand, so errors surface in left-to-right order."""

    def __init__(self, source: str, base: int) -> None:
        self.source = source
        self.base = base
        self.pos = 0

    def error(self, message: str, at: int, hint: str | None = None) -> ExprSyntaxError:
        return ExprSyntaxError(message, self.base + at, hint)

    def next(self) -> _Token:
        src, n = self.source, len(self.source)
        i = self.pos
        while i < n and src[i] in _SPACE:
            i += 1
        if i >= n:
            self.pos = n
            return _Token("end", "", self.base + n)
        char = src[i]
        if char in _DIGITS:
            return self._number(i)
        if char in _IDENT_START:
            return self._word(i)
        if char in "\"'":
            return self._string(i)
        return self._symbol(i)

    def ident(self) -> tuple[str | None, int]:
        """An id right after ``seen(``: ``scene-id``, ``scene.choice`` or a quoted one.

        Ids may hold ``-``, which elsewhere is an operator, so they are read here as
        raw text rather than as tokens. Returns the id (``None`` if there is none) and
        the offset where it was looked for.
        """
        src, n, i = self.source, len(self.source), self.pos
        while i < n and src[i] in _SPACE:
            i += 1
        at = self.base + i
        quote = src[i] if i < n and src[i] in "\"'" else ""
        j = i + 1 if quote else i
        start = j
        while j < n and (src[j] in _IDENT or src[j] in "-."):
            j += 1
        text = src[start:j]
        if quote:
            if j >= n or src[j] != quote:
                return None, at
            j += 1
        if not _ID_TEXT.fullmatch(text):
            return None, at
        self.pos = j
        return text, at

    def _emit(self, kind: str, start: int, end: int, value: Value = 0) -> _Token:
        self.pos = end
        return _Token(kind, self.source[start:end], self.base + start, value)

    def _number(self, start: int) -> _Token:
        src, n, i = self.source, len(self.source), start
        while i < n and src[i] in _DIGITS:
            i += 1
        if i < n and src[i] == ".":
            raise self.error("numbers are whole: there is no decimal point", i,
                             "scale the stat instead (dollars in thousands)")
        return self._emit("int", start, i, int(src[start:i]))

    def _word(self, start: int) -> _Token:
        src, n, i = self.source, len(self.source), start
        while i < n and src[i] in _IDENT:
            i += 1
        word = src[start:i]
        if word in _KEYWORDS:
            return self._emit("kw", start, i, _BOOLEANS.get(word, 0))
        return self._emit("name", start, i)

    def _string(self, start: int) -> _Token:
        src, n = self.source, len(self.source)
        quote, i, chars = src[start], start + 1, []
        while i < n and src[i] != quote:
            if src[i] == "\\":
                if i + 1 >= n:
                    break
                if src[i + 1] not in _ESCAPES:
                    raise self.error(f"unknown escape `\\{src[i + 1]}`", i, _ESCAPE_HINT)
                i += 1
            chars.append(src[i])
            i += 1
        if i >= n:
            raise self.error("unterminated string", start, f"close it with {quote}")
        self.pos = i + 1
        return _Token("str", src[start:i + 1], self.base + start, "".join(chars))

    def _symbol(self, i: int) -> _Token:
        src = self.source
        pair, char = src[i:i + 2], src[i]
        if pair in _OPS2:
            return self._emit("op", i, i + 2)
        if pair in _BAD_PAIRS:
            message, hint = _BAD_PAIRS[pair]
            raise self.error(message, i, hint)
        if char in _OPS1:
            return self._emit("op", i, i + 1)
        if char in "(),":
            return self._emit(char, i, i + 1)
        if char in _BAD_CHARS:
            message, bad_hint = _BAD_CHARS[char]
            raise self.error(message, i, bad_hint)
        letter_hint = "stat names use ASCII letters, digits and _" if char.isalpha() else None
        raise self.error(f"unexpected character {_show(char)}", i, letter_hint)


# --------------------------------------------------------------------------- parser

_OR, _AND = frozenset({"or"}), frozenset({"and"})
_SUM, _PRODUCT = frozenset({"+", "-"}), frozenset({"*", "/", "%"})
_AFTER_VALUE_HINTS = {
    "is": "use == to compare",
    "in": "there is no `in`; compare with == and join with or",
    "if": "there are no conditional expressions; use {if} in text",
    "else": "there are no conditional expressions; use {if} in text",
    "then": "there are no conditional expressions; use {if} in text",
}


class _Parser:
    """Recursive descent, one function per precedence level, depth bounded up front."""

    def __init__(self, source: str, base: int) -> None:
        self.lexer = _Lexer(source, base)
        self.prev: _Token | None = None
        self.tok = self.lexer.next()
        self.depth = 0

    def error(self, message: str, tok: _Token, hint: str | None = None) -> ExprSyntaxError:
        return ExprSyntaxError(message, tok.offset, hint)

    def advance(self) -> _Token:
        self.prev, self.tok = self.tok, self.lexer.next()
        return self.prev

    def at(self, ops: frozenset[str]) -> bool:
        return self.tok.kind in ("op", "kw") and self.tok.text in ops

    def enter(self, tok: _Token) -> None:
        """Count one nesting level; refuse before Python's own stack is at risk."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                             tok, "split it into simpler expressions")

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error("empty expression", self.tok,
                             "write a value or a condition such as `savings >= 3`")
        node = self.or_()
        if self.tok.kind != "end":
            raise self.trailing()
        return node

    def or_(self) -> Node:
        node = self.and_()
        while self.at(_OR):
            tok = self.advance()
            node = Binary("or", node, self.and_(), tok.offset)
        return node

    def and_(self) -> Node:
        node = self.not_()
        while self.at(_AND):
            tok = self.advance()
            node = Binary("and", node, self.not_(), tok.offset)
        return node

    def not_(self) -> Node:
        if not (self.tok.kind == "kw" and self.tok.text == "not"):
            return self.comparison()
        tok = self.advance()
        self.enter(tok)
        operand = self.not_()
        self.depth -= 1
        return Unary("not", operand, tok.offset)

    def comparison(self) -> Node:
        node = self.sum()
        if not self.at(COMPARISON):
            return node
        tok = self.advance()
        node = Binary(tok.text, node, self.sum(), tok.offset)
        if self.at(COMPARISON):
            raise self.error("comparisons cannot be chained", self.tok,
                             "use and: `a < b and b < c`")
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.at(_SUM):
            tok = self.advance()
            node = Binary(tok.text, node, self.product(), tok.offset)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.at(_PRODUCT):
            tok = self.advance()
            node = Binary(tok.text, node, self.unary(), tok.offset)
        return node

    def unary(self) -> Node:
        if not (self.tok.kind == "op" and self.tok.text == "-"):
            return self.atom()
        tok = self.advance()
        self.enter(tok)
        operand = self.unary()
        self.depth -= 1
        return Unary("-", operand, tok.offset)

    def atom(self) -> Node:
        tok = self.tok
        if tok.kind in ("int", "str"):
            self.advance()
            return Const(tok.value, tok.offset)
        if tok.kind == "kw" and tok.text in _BOOLEANS:
            self.advance()
            return Const(_BOOLEANS[tok.text], tok.offset)
        if tok.kind == "name":
            self.advance()
            if self.tok.kind == "(":
                return self.recall(tok) if tok.text in RECALLS else self.call(tok)
            return Name(tok.text, tok.offset)
        if tok.kind == "(":
            return self.group()
        raise self.expected_value()

    def call(self, name: _Token) -> Node:
        """``plural(n, "cask", "casks")``: only the functions of :data:`FUNCTIONS`."""
        if name.text not in FUNCTIONS:
            from difflib import get_close_matches  # only for a mistake: spare every start-up its import

            close = get_close_matches(name.text, [*FUNCTIONS, *RECALLS], n=1)
            hint = (f"did you mean `{close[0]}`?" if close else
                    "the functions are " + ", ".join([*(f.usage for f in FUNCTIONS.values()), *RECALLS.values()]))
            raise self.error(f"there is no function `{name.text}`", name, hint)
        opening = self.advance()
        self.enter(opening)
        args: list[Node] = []
        if self.tok.kind != ")":
            args.append(self.or_())
            while self.tok.kind == ",":
                self.advance()
                args.append(self.or_())
        if self.tok.kind != ")":
            if self.tok.kind == "end":
                raise self.error("missing `)`", self.tok, f"close the call: {FUNCTIONS[name.text].usage}")
            raise self.trailing()
        self.advance()
        self.depth -= 1
        return Call(name.text, tuple(args), name.offset)

    def recall(self, name: _Token) -> Node:
        """``seen(scene_id)``, ``chose(choice_id)``: an id (or ``scene.choice``), bare or quoted."""
        usage = RECALLS[name.text]
        target, at = self.lexer.ident()
        if target is None:
            raise ExprSyntaxError(f"`{name.text}` takes one id", at, f"write {usage}")
        if "." in target and name.text == "seen":
            raise ExprSyntaxError("a scene id has no `.`", at, f"write {usage}")
        self.tok = self.lexer.next()
        if self.tok.kind != ")":
            if self.tok.kind == "end":
                raise self.error("missing `)`", self.tok, f"close the call: {usage}")
            raise self.error(f"`{name.text}` takes one id", self.tok, f"write {usage}")
        self.advance()
        return Recall(name.text, target, name.offset)

    def group(self) -> Node:
        opening = self.advance()
        self.enter(opening)
        if self.tok.kind == ")":
            raise self.error("empty parentheses", self.tok, "put an expression inside")
        node = self.or_()
        if self.tok.kind != ")":
            if self.tok.kind == "end":
                raise self.error("missing `)`", self.tok, "close the `(` opened earlier")
            raise self.trailing()
        self.advance()
        self.depth -= 1
        return node

    def expected_value(self) -> ExprSyntaxError:
        tok = self.tok
        if tok.kind == "end":
            after = f" after `{self.prev.text}`" if self.prev else ""
            return self.error(f"expected a value{after}", tok, "the expression ends too early")
        if tok.kind == "kw" and tok.text == "not":
            return self.error("`not` cannot appear here", tok,
                              "put it in parentheses: `(not …)`")
        if tok.kind == "op" and tok.text == "+":
            return self.error("expected a value before `+`", tok, "there is no unary +; drop it")
        if tok.kind == ",":
            return self.error("unexpected `,`", tok, "there are no lists; join conditions with and/or")
        return self.error(f"expected a value before `{tok.text}`", tok)

    def trailing(self) -> ExprSyntaxError:
        """The error for a token that cannot follow a complete expression."""
        tok = self.tok
        if tok.kind == ")":
            return self.error("unmatched `)`", tok, "remove it or add the missing `(`")
        if tok.kind == ",":
            return self.error("unexpected `,`", tok, "there are no lists; join conditions with and/or")
        if tok.kind == "(":
            return self.error("unexpected `(`", tok,
                              "calls are not allowed; put an operator before `(`")
        lower = tok.text.lower()
        if tok.kind == "name" and lower in ("and", "or", "not"):
            hint = f"keywords are lower case: `{lower}`"
        elif tok.kind == "kw" and tok.text == "not":
            hint = "use != to compare, or put not first: `not a`"
        else:
            hint = _AFTER_VALUE_HINTS.get(
                lower, "join conditions with and/or, or values with an operator")
        return self.error(f"expected an operator before `{tok.text}`", tok, hint)


def parse(source: str, offset: int = 0) -> Node:
    """Parse ``source`` into a tree, or raise :class:`ExprSyntaxError` (only that).

    ``offset`` is added to every node and error offset: a template passes where the
    expression starts so errors point into the whole text.
    """
    if len(source) > MAX_LENGTH:
        raise ExprSyntaxError(
            f"expression too long ({len(source)} characters, at most {MAX_LENGTH})",
            offset + MAX_LENGTH, "split it up, or keep an intermediate stat")
    return _Parser(source, offset).parse()


# ----------------------------------------------------------------------- type check

_KIND = {StatType.INT: "a number", StatType.BOOL: "true or false", StatType.TEXT: "text"}
_PLURAL = {StatType.INT: "numbers", StatType.BOOL: "true-or-false values", StatType.TEXT: "text"}
_NEEDED = {
    StatType.INT: "a number is needed here",
    StatType.BOOL: "a condition must be true or false",
    StatType.TEXT: "text is needed here",
}


def _start(node: Node) -> int:
    """Offset where a node's text begins (binary nodes record their operator)."""
    while isinstance(node, Binary):
        node = node.left
    return node.offset


def _snippet(node: Node) -> str:
    text = to_source(node)
    return text if len(text) <= 30 else "…"


def _fix_hint(node: Node, actual: StatType, need: StatType) -> str | None:
    """How to turn a value of the wrong type into the right one, when there is a way."""
    if need is StatType.BOOL and actual is StatType.INT:
        return f"compare it, e.g. `{_snippet(node)} > 0`"
    if need is StatType.BOOL and actual is StatType.TEXT:
        return f'compare it, e.g. `{_snippet(node)} == "…"`'
    if need is StatType.INT and actual is StatType.TEXT:
        return "text cannot be calculated with; put values side by side in the text instead"
    if need is StatType.INT and actual is StatType.BOOL:
        return "true/false is not a number; use and, or, not"
    return None


def _require(node: Node, actual: StatType, need: StatType, op: str) -> None:
    if actual is not need:
        raise ExprTypeError(f"`{op}` needs {_PLURAL[need]}, this is {_KIND[actual]}",
                            _start(node), _fix_hint(node, actual, need))


def _unknown_name(node: Name, known: Sequence[str], compared: bool = False) -> ExprTypeError:
    """MM303; beside ``==``/``!=`` the word was probably meant as text, so say how to quote it."""
    from difflib import get_close_matches

    close = get_close_matches(node.name, known, n=1)
    hint = f"did you mean `{close[0]}`?" if close else "declare it under `stats:` in story.yaml"
    if compared:
        quote = f'if you meant the text, quote it: "{node.name}"'
        hint = f"{hint[:-1]}, or {quote}?" if close else quote
    return ExprTypeError(f"unknown stat `{node.name}`", node.offset, hint, UNKNOWN_NAME, node.name)


def check(node: Node, types: Mapping[str, StatType], expect: StatType | None = None) -> StatType:
    """Type-check ``node`` against the declared stats and return its type.

    Run when the story loads, so that evaluation never meets a type it cannot handle.
    Raises :class:`ExprTypeError` (MM302 mismatch, MM303 unknown name).
    """
    actual = _infer(node, types)
    if expect is not None and actual is not expect:
        raise ExprTypeError(f"{_NEEDED[expect]}, this is {_KIND[actual]}", _start(node),
                            _fix_hint(node, actual, expect))
    return actual


def _infer(node: Node, types: Mapping[str, StatType]) -> StatType:
    if isinstance(node, Const):
        return node.type
    if isinstance(node, Name):
        if node.name not in types:
            raise _unknown_name(node, list(types))
        return types[node.name]
    if isinstance(node, Unary):
        need = StatType.INT if node.op == "-" else StatType.BOOL
        _require(node.operand, _infer(node.operand, types), need, node.op)
        return need
    if isinstance(node, Call):
        return _infer_call(node, types)
    if isinstance(node, Recall):
        return StatType.BOOL
    return _infer_binary(node, types)


def _infer_call(node: Call, types: Mapping[str, StatType]) -> StatType:
    function = FUNCTIONS[node.name]
    if len(node.args) != len(function.params):
        raise ExprTypeError(f"`{node.name}` takes {len(function.params)} values, found {len(node.args)}",
                            node.offset, f"write {function.usage}")
    if node.name == SHOWN and not isinstance(node.args[0], Name):  # it words a stat, not a sum
        raise ExprTypeError(f"`{SHOWN}` takes a stat's name", _start(node.args[0]), f"write {function.usage}")
    for number, (arg, need) in enumerate(zip(node.args, function.params, strict=True), 1):
        actual = _infer(arg, types)
        if actual is not need:
            raise ExprTypeError(f"value {number} of `{node.name}` must be {_KIND[need]}, this is {_KIND[actual]}",
                                _start(arg), f"write {function.usage}")
    return function.result


def _infer_binary(node: Binary, types: Mapping[str, StatType]) -> StatType:
    op, left, right = node.op, node.left, node.right
    if op in EQUALITY:  # `name == Keeper`: a word meant as text, not a stat
        for side in (left, right):
            if isinstance(side, Name) and side.name not in types:
                raise _unknown_name(side, list(types), compared=True)
    lt = _infer(left, types)
    rt = _infer(right, types)
    if op in EQUALITY:
        if lt is not rt:
            hint = ("true/false values compare with true or false, not numbers"
                    if {lt, rt} == {StatType.INT, StatType.BOOL}
                    else f"both sides of `{op}` must be the same type")
            raise ExprTypeError(f"cannot compare {_KIND[lt]} with {_KIND[rt]}", node.offset, hint)
        return StatType.BOOL
    if op in ORDERING:
        for side, t in ((left, lt), (right, rt)):
            if t is not StatType.INT:
                raise ExprTypeError(f"`{op}` orders numbers only, this is {_KIND[t]}",
                                    _start(side), f"{_KIND[t]} can only be compared with == or !=")
        return StatType.BOOL
    need = StatType.BOOL if op in LOGIC else StatType.INT
    _require(left, lt, need, op)
    _require(right, rt, need, op)
    return need


# ----------------------------------------------------------------------- evaluation


def _div(a: Any, b: Any) -> Any:
    """Floor division where dividing by zero gives 0, so no story can crash play."""
    return a // b if b else 0


def _mod(a: Any, b: Any) -> Any:
    return a % b if b else 0


_OPERATORS: dict[str, Callable[[Value, Value], Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _div,
    "%": _mod,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def evaluate(node: Node, env: Mapping[str, Value]) -> Value:
    """Walk the tree: the reference semantics that :func:`compile_expr` must match.

    ``and``/``or`` short-circuit and return a bool; ``x / 0`` and ``x % 0`` are 0.
    """
    if isinstance(node, Const):
        return node.value
    if isinstance(node, (Name, Recall)):
        return _look_up(node, env)
    if isinstance(node, Unary):
        value = evaluate(node.operand, env)
        return not value if node.op == "not" else -value  # type: ignore[operator]
    if isinstance(node, Call):
        return FUNCTIONS[node.name].apply(*(evaluate(a, env) for a in node.args))
    if node.op == "and":
        return True if evaluate(node.left, env) and evaluate(node.right, env) else False
    if node.op == "or":
        return True if evaluate(node.left, env) or evaluate(node.right, env) else False
    return _OPERATORS[node.op](evaluate(node.left, env), evaluate(node.right, env))


def _look_up(node: Name | Recall, env: Mapping[str, Value]) -> Value:
    """A stat's (or a ``seen()``/``chose()``'s) value in ``env``; MM303 when it has none."""
    try:
        return env[node.name if isinstance(node, Name) else node.key]
    except KeyError:
        raise (_unknown_name(node, list(env)) if isinstance(node, Name) else _unknown_recall(node)) from None


# ------------------------------------------------------------------------ compiling

_GENERIC: dict[str, Callable[[Compiled, Compiled], Compiled]] = {
    "+": lambda f, g: lambda v: f(v) + g(v),  # type: ignore[operator]
    "-": lambda f, g: lambda v: f(v) - g(v),  # type: ignore[operator]
    "*": lambda f, g: lambda v: f(v) * g(v),  # type: ignore[operator]
    "/": lambda f, g: lambda v: _div(f(v), g(v)),
    "%": lambda f, g: lambda v: _mod(f(v), g(v)),
    "==": lambda f, g: lambda v: f(v) == g(v),
    "!=": lambda f, g: lambda v: f(v) != g(v),
    "<": lambda f, g: lambda v: f(v) < g(v),  # type: ignore[operator]
    "<=": lambda f, g: lambda v: f(v) <= g(v),  # type: ignore[operator]
    ">": lambda f, g: lambda v: f(v) > g(v),  # type: ignore[operator]
    ">=": lambda f, g: lambda v: f(v) >= g(v),  # type: ignore[operator]
    "and": lambda f, g: lambda v: True if f(v) and g(v) else False,
    "or": lambda f, g: lambda v: True if f(v) or g(v) else False,
}

# `stat OP constant` is by far the commonest shape (`savings >= 3`, `year - 1962`):
# one closure that indexes the tuple directly, with no nested calls.
_SLOT_CONST: dict[str, Callable[[int, Value], Compiled]] = {
    "+": lambda i, c: lambda v: v[i] + c,  # type: ignore[operator]
    "-": lambda i, c: lambda v: v[i] - c,  # type: ignore[operator]
    "*": lambda i, c: lambda v: v[i] * c,  # type: ignore[operator]
    "/": lambda i, c: lambda v: v[i] // c,  # type: ignore[operator]
    "%": lambda i, c: lambda v: v[i] % c,  # type: ignore[operator]
    "==": lambda i, c: lambda v: v[i] == c,
    "!=": lambda i, c: lambda v: v[i] != c,
    "<": lambda i, c: lambda v: v[i] < c,  # type: ignore[operator]
    "<=": lambda i, c: lambda v: v[i] <= c,  # type: ignore[operator]
    ">": lambda i, c: lambda v: v[i] > c,  # type: ignore[operator]
    ">=": lambda i, c: lambda v: v[i] >= c,  # type: ignore[operator]
}


def compile_expr(node: Node, slots: Mapping[str, int]) -> Compiled:
    """Turn a (checked) tree into a closure over a tuple of stat values.

    The engine evaluates conditions for every offered choice and the explorer for
    every reachable state, so the tree is walked once here instead of on each call.
    Constant sub-trees are folded; results agree exactly with :func:`evaluate`.
    Raises :class:`ExprTypeError` (MM303) when a name has no slot.
    """
    for name in names(node):
        if name not in slots:
            bad = next(n for n in _walk(node) if isinstance(n, Name) and n.name == name)
            raise _unknown_name(bad, list(slots))
    for recall in _recall_nodes(node):
        if recall.key not in slots:
            raise _unknown_recall(recall)
    return _compile(_fold(node), slots)


def _unknown_recall(node: Recall) -> ExprTypeError:
    """A ``seen()``/``chose()`` with no slot: only the loader allocates them, for what the story reads."""
    return ExprTypeError(f"`{node.key}` is not known here", node.offset,
                         "seen() and chose() read only the scenes and choices the story's own expressions read",
                         UNKNOWN_NAME, node.key)


def _fold(node: Node) -> Node:
    """Replace every sub-tree without names by its value."""
    if isinstance(node, Unary):
        operand = _fold(node.operand)
        node = Unary(node.op, operand, node.offset)
        if isinstance(operand, Const):
            return Const(evaluate(node, {}), node.offset)
    elif isinstance(node, Binary):
        left, right = _fold(node.left), _fold(node.right)
        node = Binary(node.op, left, right, node.offset)
        if isinstance(left, Const) and isinstance(right, Const):
            return Const(evaluate(node, {}), node.offset)
    elif isinstance(node, Call):
        node = Call(node.name, tuple(_fold(a) for a in node.args), node.offset)
        if all(isinstance(a, Const) for a in node.args) and not FUNCTIONS[node.name].localized:
            return Const(evaluate(node, {}), node.offset)
    return node


def _constant(value: Value) -> Compiled:
    return lambda v: value


def _compile(node: Node, slots: Mapping[str, int]) -> Compiled:
    if isinstance(node, Const):
        return _constant(node.value)
    if isinstance(node, Name):
        return operator.itemgetter(slots[node.name])
    if isinstance(node, Recall):
        return operator.itemgetter(slots[node.key])
    if isinstance(node, Unary):
        return _compile_unary(node, slots)
    if isinstance(node, Call):
        apply = FUNCTIONS[node.name].apply
        args = tuple(_compile(a, slots) for a in node.args)
        return lambda v: apply(*(f(v) for f in args))
    left, right, op = node.left, node.right, node.op
    if isinstance(right, Const) and op in ("/", "%") and right.value == 0:
        return _constant(0)
    if isinstance(left, Name) and isinstance(right, Const) and op in _SLOT_CONST:
        return _SLOT_CONST[op](slots[left.name], right.value)
    return _GENERIC[op](_compile(left, slots), _compile(right, slots))


def _compile_unary(node: Unary, slots: Mapping[str, int]) -> Compiled:
    operand = node.operand
    if isinstance(operand, Name):
        i = slots[operand.name]
        if node.op == "not":
            return lambda v: not v[i]
        return lambda v: -v[i]  # type: ignore[operator]
    f = _compile(operand, slots)
    if node.op == "not":
        return lambda v: not f(v)
    return lambda v: -f(v)  # type: ignore[operator]


# --------------------------------------------------------------------- inspection


def _walk(node: Node) -> list[Node]:
    """Every node of the tree, without recursion."""
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        if isinstance(current, Unary):
            stack.append(current.operand)
        elif isinstance(current, Call):
            stack.extend(reversed(current.args))
        elif isinstance(current, Binary):
            stack.extend((current.right, current.left))
    return found


def names(node: Node) -> frozenset[str]:
    """The stat names an expression reads, for dependency reports and slot checks."""
    return frozenset(n.name for n in _walk(node) if isinstance(n, Name))


def _recall_nodes(node: Node) -> list[Recall]:
    return [n for n in _walk(node) if isinstance(n, Recall)]


def recalls(node: Node) -> tuple[Recall, ...]:
    """The ``seen()``/``chose()`` calls of an expression, in reading order (each with its offset)."""
    return tuple(sorted(_recall_nodes(node), key=lambda r: r.offset))


_PRECEDENCE = {"or": 1, "and": 2, **{op: 4 for op in COMPARISON},
               "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
_NOT_LEVEL, _COMPARE_LEVEL, _NEG_LEVEL, _ATOM_LEVEL = 3, 4, 7, 8


def _level(node: Node) -> int:
    if isinstance(node, Binary):
        return _PRECEDENCE[node.op]
    if isinstance(node, Unary):
        return _NOT_LEVEL if node.op == "not" else _NEG_LEVEL
    return _ATOM_LEVEL


def _render(node: Node, leaf: Callable[[Node], str], symbol: Callable[[str], str]) -> str:
    """Print a tree with the fewest parentheses that keep its shape on re-parsing."""
    if isinstance(node, Unary):
        inner = _render(node.operand, leaf, symbol)
        if _level(node.operand) < _level(node):
            inner = f"({inner})"
        return f"{symbol('not')} {inner}" if node.op == "not" else f"-{inner}"
    if isinstance(node, Call):
        return f"{node.name}(" + ", ".join(_render(a, leaf, symbol) for a in node.args) + ")"
    if isinstance(node, Binary):
        level = _PRECEDENCE[node.op]
        left = _render(node.left, leaf, symbol)
        right = _render(node.right, leaf, symbol)
        left_level = _level(node.left)
        # Operators are left-associative; comparisons do not associate at all.
        if left_level < level or (level == _COMPARE_LEVEL and left_level == level):
            left = f"({left})"
        if _level(node.right) <= level:
            right = f"({right})"
        return f"{left} {symbol(node.op)} {right}"
    return leaf(node)


def _source_leaf(node: Node) -> str:
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Recall):
        return node.key
    assert isinstance(node, Const)
    value = node.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_source(node: Node) -> str:
    """Canonical text for a tree; parsing it gives an equal tree back."""
    return _render(node, _source_leaf, str)


_PRETTY = {">=": "≥", "<=": "≤", "!=": "≠", "==": "="}


def _humanise(node: Node) -> Node:
    """Rewrite ``x == true`` as ``x`` and ``x == false`` as ``not x`` for players."""
    if isinstance(node, Unary):
        return Unary(node.op, _humanise(node.operand), node.offset)
    if isinstance(node, Call):
        return Call(node.name, tuple(_humanise(a) for a in node.args), node.offset)
    if not isinstance(node, Binary):
        return node
    left, right = _humanise(node.left), _humanise(node.right)
    if node.op in EQUALITY:
        for const, other in ((right, left), (left, right)):
            if isinstance(const, Const) and const.type is StatType.BOOL and not isinstance(other, Const):
                positive = const.value == (node.op == "==")
                return other if positive else Unary("not", other, node.offset)
    return Binary(node.op, left, right, node.offset)


def describe(node: Node, labels: Mapping[str, str]) -> str:
    """Render a condition for players, with stat labels: ``Piloting ≥ 2 and not Married``."""

    def leaf(n: Node) -> str:
        if isinstance(n, Name):
            return labels.get(n.name, n.name)
        if isinstance(n, Recall):
            return labels.get(n.key, n.key)
        return _source_leaf(n)

    return _render(_humanise(node), leaf, _pretty)


def _pretty(op: str) -> str:
    """An operator as players read it: symbols for comparisons, words in their language."""
    from adventure.base.messages import pgettext

    if op in _PRETTY:
        return _PRETTY[op]
    words = {"and": pgettext("condition", "and"), "or": pgettext("condition", "or"),
             "not": pgettext("condition", "not")}
    return words.get(op, op)


def unmet(node: Node, env: Mapping[str, Value], labels: Mapping[str, str]) -> list[str]:
    """The parts of a condition that fail, so a locked choice can say what it needs.

    Top-level ``and`` is split recursively; any other false part is described whole.
    A condition that holds has no unmet parts.
    """
    if evaluate(node, env):
        return []
    if isinstance(node, Binary) and node.op == "and":
        return unmet(node.left, env, labels) + unmet(node.right, env, labels)
    return [describe(node, labels)]
