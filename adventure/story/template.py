"""Text templates: scene text, choice labels and epilogues with values and conditions.

A template is literal text with ``{expr}`` interpolations,
``{if expr}…{elif expr}…{else}…{end}`` passages (which nest) and ``{assume expr}…{end}``
passages (always shown: the condition is what the passage takes for granted, proved by
``check --explore`` and never tested in play); ``{{`` and ``}}`` write literal braces.
Templates are parsed and type-checked when the story loads and compiled to closures,
like expressions, so play only joins strings. Expressions inside braces
are parsed with their offset in the whole text, so every error points at the right
character of the template.

Typical use::

    t = parse_template("You are {year - 1962}.{if married} Ana waits.{end}")
    check_template(t, {"year": StatType.INT, "married": StatType.BOOL})
    render(t, {"year": 1972, "married": False})          # 'You are 10.'
    show = compile_template(t, {"year": 0, "married": 1})
    show((1972, True))                                   # 'You are 10. Ana waits.'

The words ``if``, ``elif``, ``else``, ``end`` and ``assume`` open tags, so a stat named
like them cannot be interpolated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from adventure.base.messages import _
from adventure.story.expr import (
    MAX_DEPTH,
    SHOWN,
    Call,
    ExprError,
    Name,
    Node,
    StatType,
    Value,
    check,
    compile_expr,
    evaluate,
    names,
    parse,
)

__all__ = [
    "Assume",
    "Cond",
    "Interp",
    "Literal",
    "Part",
    "Renderer",
    "Shown",
    "Template",
    "TemplateError",
    "assumptions",
    "check_template",
    "compile_template",
    "compile_text_value",
    "expressions",
    "is_static",
    "longest_words",
    "parse_template",
    "render",
    "shown_stat",
    "template_names",
]

Renderer = Callable[[Sequence[Value]], str]


class TemplateError(Exception):
    """A template problem, located by 0-based ``offset`` in the template text.

    Errors of inner expressions are re-raised as this class with their own code
    (MM301-MM303), so callers handle a single exception type per template.
    """

    def __init__(self, message: str, offset: int, hint: str | None = None, code: str = "MM310",
                 subject: str | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint
        self.code = code
        self.subject = subject

    @classmethod
    def from_expr(cls, error: ExprError) -> TemplateError:
        """Wrap an expression error; its offset is already in template coordinates."""
        return cls(error.message, error.offset, error.hint, error.code, error.subject)


@dataclass(frozen=True, slots=True)
class Literal:
    """Text shown as written (escaped braces already unescaped)."""

    text: str


@dataclass(frozen=True, slots=True)
class Interp:
    """``{expr}``: the value of an expression, as text."""

    node: Node
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Cond:
    """An ``{if}`` passage: the first branch whose condition holds is shown.

    A branch condition of ``None`` is the ``{else}``.
    """

    branches: tuple[tuple[Node | None, Template], ...]
    offset: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Assume:
    """An ``{assume expr}…{end}`` passage: always shown; ``condition`` is what its words take for granted."""

    condition: Node
    body: Template
    offset: int = field(default=0, compare=False)


Part = Literal | Interp | Cond | Assume


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: a sequence of parts, and the text it was parsed from.

    ``source`` is kept (and ignored by equality) so the text can be offered to
    translators as written; passages nested in ``{if}`` leave it empty.
    """

    parts: tuple[Part, ...]
    source: str = field(default="", compare=False)


# -------------------------------------------------------------------------- parsing

_BRACE = re.compile(r"[{}]")
_KEYWORD = re.compile(r"\s*(if|elif|else|end|assume)(?![A-Za-z0-9_])(.*)\Z", re.DOTALL)
_CLOSE_WORDS = frozenset({"endif", "end if", "/if", "fi", "done"})


@dataclass(slots=True)
class _Frame:
    """An open ``{if}`` while parsing: finished branches plus the one being filled."""

    offset: int
    branches: list[tuple[Node | None, Template]]
    condition: Node | None
    parts: list[Part]
    seen_else: bool = False
    assume: bool = False

    def close_branch(self) -> None:
        self.branches.append((self.condition, Template(tuple(self.parts))))
        self.parts = []


def _tag_end(text: str, start: int) -> int:
    """Index of the ``}`` closing the tag opened at ``start``, or -1 when unclosed.

    Quoted strings are skipped so ``{if name == "}"}`` works; an unterminated quote
    falls back to the first ``}`` so the expression parser can report the quote.
    A ``{`` before the close means this tag was never closed.
    """
    i, n = start + 1, len(text)
    while i < n:
        char = text[i]
        if char == "}":
            return i
        if char == "{":
            return -1
        if char in "\"'":
            j = i + 1
            while j < n and text[j] != char:
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return _plain_end(text, start)
            i = j
        i += 1
    return -1


def _plain_end(text: str, start: int) -> int:
    end = text.find("}", start + 1)
    opening = text.find("{", start + 1)
    return -1 if opening != -1 and opening < end else end


def _expr(source: str, offset: int) -> Node:
    try:
        return parse(source, offset)
    except ExprError as error:
        raise TemplateError.from_expr(error) from None


class _Builder:
    """Turns the stream of literal text and tags into nested parts, with a stack."""

    def __init__(self) -> None:
        self.root: list[Part] = []
        self.stack: list[_Frame] = []
        self.chunks: list[str] = []

    @property
    def parts(self) -> list[Part]:
        return self.stack[-1].parts if self.stack else self.root

    def literal(self, text: str) -> None:
        if text:
            self.chunks.append(text)

    def flush(self) -> None:
        if self.chunks:
            self.parts.append(Literal("".join(self.chunks)))
            self.chunks = []

    def tag(self, content: str, start: int, opening: int) -> None:
        """Handle the text between braces; ``start`` is its offset, ``opening`` the ``{``."""
        self.flush()
        match = _KEYWORD.match(content)
        if match is None:
            self._interpolation(content, start, opening)
            return
        word, rest = match.group(1), match.group(2)
        rest_offset = start + match.start(2)
        if word in ("if", "elif", "assume"):
            self._condition(word, rest, rest_offset, opening)
        elif rest.strip():
            hint = "write {elif …}" if word == "else" and rest.split()[0] == "if" else None
            at = rest_offset + len(rest) - len(rest.lstrip())
            raise TemplateError(f"`{{{word}}}` takes nothing after it", at, hint)
        elif word == "else":
            self._else(opening)
        else:
            self._end(opening)

    def _interpolation(self, content: str, start: int, opening: int) -> None:
        stripped = content.strip()
        if not stripped:
            raise TemplateError("empty `{}`", opening, "write {{}} for literal braces")
        if stripped in _CLOSE_WORDS:
            raise TemplateError(f"`{{{stripped}}}` is not a tag", opening,
                                "close passages with {end}")
        self.parts.append(Interp(_expr(content, start), start))

    def _condition(self, word: str, source: str, offset: int, opening: int) -> None:
        if not source.strip():
            raise TemplateError(f"`{{{word}}}` needs a condition", opening,
                                f"e.g. {{{word} savings >= 3}}")
        node = _expr(source, offset)
        if word in ("if", "assume"):
            if len(self.stack) >= MAX_DEPTH:
                raise TemplateError(f"passages nested too deeply (more than {MAX_DEPTH})",
                                    opening, "flatten them with and/or")
            self.stack.append(_Frame(opening, [], node, [], assume=word == "assume"))
            return
        frame = self._open_frame("elif", opening)
        frame.close_branch()
        frame.condition = node

    def _else(self, opening: int) -> None:
        frame = self._open_frame("else", opening)
        frame.close_branch()
        frame.condition = None
        frame.seen_else = True

    def _end(self, opening: int) -> None:
        if not self.stack:
            raise TemplateError("`{end}` without an `{if …}`", opening,
                                "remove it or open a passage")
        frame = self.stack.pop()
        frame.close_branch()
        if frame.assume:
            ((condition, body),) = frame.branches
            assert condition is not None
            self.parts.append(Assume(condition, body, frame.offset))
            return
        self.parts.append(Cond(tuple(frame.branches), frame.offset))

    def _open_frame(self, word: str, opening: int) -> _Frame:
        if not self.stack:
            raise TemplateError(f"`{{{word}}}` without an `{{if …}}`", opening,
                                "start the passage with {if …}")
        frame = self.stack[-1]
        if frame.assume:
            raise TemplateError(f"`{{{word}}}` inside an `{{assume …}}` passage", opening,
                                "an assumed passage is always shown: close it with {end}, then write {if …}")
        if frame.seen_else:
            raise TemplateError(f"`{{{word}}}` after `{{else}}`", opening, "{else} must come last")
        return frame

    def finish(self, source: str = "") -> Template:
        self.flush()
        if self.stack:
            word = "assume" if self.stack[-1].assume else "if"
            raise TemplateError(f"`{{{word} …}}` is never closed", self.stack[-1].offset,
                                "close the passage with {end}")
        return Template(_tuck_lines(tuple(self.root)), source)


_LINE_END = re.compile(r"\n[ \t]*\Z")
_LINE_START = re.compile(r"\A[ \t]*\n")


def _tuck_lines(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """Let a passage that stands alone on its line take that line's break with it.

    Authors put a conditional sentence on a line of its own (``a\\n{if x}b{end}\\nc``).
    Rendered as written, a false condition leaves ``a\\n\\nc``: a blank line, which reads
    as a paragraph break. Moving the line break in front of the passage into every
    branch keeps each true rendering identical and makes the false one ``a\\nc``.
    """
    out: list[Part] = []
    for index, part in enumerate(parts):
        if isinstance(part, Assume):
            out.append(Assume(part.condition, Template(_tuck_lines(part.body.parts)), part.offset))
            continue
        if not isinstance(part, Cond):
            out.append(part)
            continue
        branches = tuple((c, Template(_tuck_lines(body.parts))) for c, body in part.branches)
        before = out[-1] if out else None
        after = parts[index + 1] if index + 1 < len(parts) else None
        if (isinstance(before, Literal) and isinstance(after, Literal)
                and _LINE_END.search(before.text) and _LINE_START.match(after.text)):
            cut = before.text.rindex("\n")
            out.pop()
            if before.text[:cut]:
                out.append(Literal(before.text[:cut]))
            branches = tuple((c, Template(_prepend(before.text[cut:], body.parts))) for c, body in branches)
        out.append(Cond(branches, part.offset))
    return tuple(out)


def _prepend(text: str, parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """``parts`` with ``text`` in front, merged into a leading literal as the parser would."""
    if parts and isinstance(parts[0], Literal):
        return (Literal(text + parts[0].text), *parts[1:])
    return (Literal(text), *parts)


def parse_template(text: str) -> Template:
    """Parse template text, or raise :class:`TemplateError` (only that, for any text)."""
    builder, pos = _Builder(), 0
    while True:
        match = _BRACE.search(text, pos)
        if match is None:
            builder.literal(text[pos:])
            return builder.finish(text)
        i = match.start()
        builder.literal(text[pos:i])
        if text.startswith(("{{", "}}"), i):
            builder.literal(text[i])
            pos = i + 2
        elif text[i] == "}":
            raise TemplateError("lone `}`", i, "write }} for a literal brace")
        else:
            end = _tag_end(text, i)
            if end < 0:
                raise TemplateError("unclosed `{`", i,
                                    "close it with } or write {{ for a literal brace")
            builder.tag(text[i + 1:end], i + 1, i)
            pos = end + 1


# ------------------------------------------------------------------ using templates


def expressions(t: Template) -> Iterator[tuple[Node, bool]]:
    """Every expression in document order, flagged True when it is a condition."""
    for part in t.parts:
        if isinstance(part, Interp):
            yield part.node, False
        elif isinstance(part, Cond):
            for condition, body in part.branches:
                if condition is not None:
                    yield condition, True
                yield from expressions(body)
        elif isinstance(part, Assume):
            yield part.condition, True
            yield from expressions(part.body)


def assumptions(t: Template) -> Iterator[Assume]:
    """Every ``{assume}`` passage, in reading order (inside ``{if}`` branches too)."""
    for part in t.parts:
        if isinstance(part, Assume):
            yield part
            yield from assumptions(part.body)
        elif isinstance(part, Cond):
            for _condition, body in part.branches:
                yield from assumptions(body)


def check_template(t: Template, types: Mapping[str, StatType]) -> None:
    """Type-check every expression: interpolations may be any type, conditions bools.

    Raises :class:`TemplateError` for the first problem in reading order.
    """
    try:
        for node, is_condition in expressions(t):
            check(node, types, StatType.BOOL if is_condition else None)
    except ExprError as error:
        raise TemplateError.from_expr(error) from None


def template_names(t: Template) -> frozenset[str]:
    """The stat names a template reads."""
    found: set[str] = set()
    for node, _condition in expressions(t):
        found |= names(node)
    return frozenset(found)


def longest_words(t: Template) -> int:
    """Words in the longest way the template can render, each ``{value}`` one word.

    Only one branch of an ``{if}`` shows at a time, so a scene whose source is long
    but whose branches are exclusive still fits a screen; this is the figure the
    "one screenful" check compares with its limit.
    """
    total = 0
    for part in t.parts:
        if isinstance(part, Literal):
            total += len(part.text.split())
        elif isinstance(part, Interp):
            total += 1
        elif isinstance(part, Assume):
            total += longest_words(part.body)
        else:
            total += max(longest_words(branch) for _, branch in part.branches)
    return total


def is_static(t: Template) -> bool:
    """True when the template is plain text, so callers can skip rendering."""
    return all(isinstance(part, Literal) for part in t.parts)


def _format(value: Value) -> str:
    """Bools read as yes/no to players; ints and text as they are."""
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, int):
        return int_text(value)
    return str(value)


_HUGE = 10**100


def int_text(value: int) -> str:
    """An int as digits; one past 100 digits as ``1.2345e4410``, so no size ever fails ``str()``.

    Stats are clamped to 18 digits, but an expression may multiply them (``{a*a*a}``),
    and Python refuses to print an int of over 4,300 digits.
    """
    if -_HUGE < value < _HUGE:
        return str(value)
    sign, magnitude = ("-" if value < 0 else ""), abs(value)
    exponent = int(magnitude.bit_length() * 0.30102999566398) - 1
    while magnitude >= 10 ** (exponent + 1):
        exponent += 1
    while magnitude < 10**exponent:
        exponent -= 1
    lead = magnitude // 10 ** (exponent - 4)
    return f"{sign}{lead // 10000}.{lead % 10000:04d}e{exponent}"


Shown = Callable[[str, Value], str]
"""How a story words a stat's value (``$3k``, ``no savings``), by stat name: for ``{shown(stat)}``."""


def render(t: Template, env: Mapping[str, Value], shown: Shown | None = None) -> str:
    """The reference rendering that :func:`compile_template` must match.

    ``shown`` words ``{shown(stat)}`` as the story's status does; without it, the bare number.
    """
    try:
        return "".join(_render_part(part, env, shown) for part in t.parts)
    except ExprError as error:
        raise TemplateError.from_expr(error) from None


def _render_part(part: Part, env: Mapping[str, Value], shown: Shown | None) -> str:
    if isinstance(part, Literal):
        return part.text
    if isinstance(part, Interp):
        stat = shown_stat(part.node)
        if stat is not None and shown is not None:
            return shown(stat, env[stat])
        return _format(evaluate(part.node, env))
    if isinstance(part, Assume):  # play never tests an assumption
        return "".join(_render_part(p, env, shown) for p in part.body.parts)
    for condition, body in part.branches:
        if condition is None or evaluate(condition, env):
            return "".join(_render_part(p, env, shown) for p in body.parts)
    return ""


def shown_stat(node: Node) -> str | None:
    """The stat of a ``{shown(stat)}`` interpolation, or ``None`` for any other expression."""
    if isinstance(node, Call) and node.name == SHOWN and len(node.args) == 1 and isinstance(node.args[0], Name):
        return node.args[0].name
    return None


def compile_template(t: Template, slots: Mapping[str, int]) -> Renderer:
    """Compile to a closure over a tuple of stat values; agrees with :func:`render`."""
    try:
        return _compile(t, slots)
    except ExprError as error:
        raise TemplateError.from_expr(error) from None


def compile_text_value(t: Template, slots: Mapping[str, int]) -> Renderer:
    """A text stat's new value from a template (``set: {title: "Keeper {name}"}``): one line.

    Rendered like story text, then its whitespace folded to single spaces, since a
    stat's value is shown inline.
    """
    show = compile_template(t, slots)
    return lambda values: " ".join(show(values).split())


def _compile(t: Template, slots: Mapping[str, int]) -> Renderer:
    if is_static(t):
        text = "".join(part.text for part in t.parts)  # type: ignore[union-attr]
        return lambda v: text
    pieces = tuple(_compile_part(part, slots) for part in t.parts)
    if len(pieces) == 1:
        return pieces[0]
    return lambda v: "".join([piece(v) for piece in pieces])


def _compile_part(part: Part, slots: Mapping[str, int]) -> Renderer:
    if isinstance(part, Literal):
        text = part.text
        return lambda v: text
    if isinstance(part, Interp):
        value = compile_expr(part.node, slots)
        return lambda v: _format(value(v))
    if isinstance(part, Assume):
        return _compile(part.body, slots)
    branches = tuple(
        (None if condition is None else compile_expr(condition, slots), _compile(body, slots))
        for condition, body in part.branches
    )

    def choose(v: Sequence[Value]) -> str:
        for test, body in branches:
            if test is None or test(v):
                return body(v)
        return ""

    return choose
