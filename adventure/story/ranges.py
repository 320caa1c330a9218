"""What an expression can be, given only the declared ranges of the stats it reads.

Interval arithmetic over the expression tree: an int expression lies in ``lo..hi``, a
condition can be true, false or either. The loader uses it to say, before any search,
that ``trust >= 4`` can never hold when ``trust`` is ``0..3``, and that a ``progress``
formula can pass 100. Anything it cannot bound (division, text, functions) is "unknown",
so it never reports a false alarm.

Typical use::

    never_true(parse("trust >= 4"), {"trust": (0, 3)})   # -> the comparison that cannot hold
    bounds(parse("apples * 10"), {"apples": (0, 5)})      # -> (0, 50)
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping

from adventure.story.expr import Binary, Const, Name, Node, Unary

Interval = tuple[int, int]
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def bounds(node: Node, ranges: Mapping[str, Interval]) -> Interval | None:
    """The least and greatest value of an int expression (``None`` when it cannot be bounded)."""
    if isinstance(node, Const):
        return (node.value, node.value) if type(node.value) is int else None
    if isinstance(node, Name):
        return ranges.get(node.name)
    if isinstance(node, Unary) and node.op == "-":
        inner = bounds(node.operand, ranges)
        return (-inner[1], -inner[0]) if inner else None
    if isinstance(node, Binary) and node.op in _ARITHMETIC:
        left, right = bounds(node.left, ranges), bounds(node.right, ranges)
        if left is None or right is None:
            return None
        return _ARITHMETIC[node.op](left, right)
    return None


def _add(a: Interval, b: Interval) -> Interval:
    return a[0] + b[0], a[1] + b[1]


def _subtract(a: Interval, b: Interval) -> Interval:
    """The least difference takes the greatest subtrahend, and the other way round."""
    return a[0] - b[1], a[1] - b[0]


def _multiply(a: Interval, b: Interval) -> Interval:
    """Signs can swap which corners are extreme, so all four products are tried."""
    products = [x * y for x in a for y in b]
    return min(products), max(products)


_ARITHMETIC: dict[str, Callable[[Interval, Interval], Interval]] = {"+": _add, "-": _subtract, "*": _multiply}
"""The operators whose result interval follows from their operands' intervals."""


def outcomes(node: Node, ranges: Mapping[str, Interval]) -> set[bool]:
    """Which truth values a condition can take (both when unknown)."""
    if isinstance(node, Const) and isinstance(node.value, bool):
        return {node.value}
    if isinstance(node, Unary) and node.op == "not":
        return {not v for v in outcomes(node.operand, ranges)}
    if isinstance(node, Binary) and node.op in _LOGIC:
        return _logic_outcomes(node, ranges)
    if isinstance(node, Binary) and node.op in _FLIP:
        return _comparison_outcomes(node, ranges)
    return {True, False}


_LOGIC: dict[str, Callable[[bool, bool], bool]] = {"and": operator.and_, "or": operator.or_}
"""``and``/``or`` on two truth values (both operands are conditions, so ``&``/``|`` agree)."""


def _logic_outcomes(node: Binary, ranges: Mapping[str, Interval]) -> set[bool]:
    """Every truth value the two sides' possible values can combine into."""
    left, right = outcomes(node.left, ranges), outcomes(node.right, ranges)
    combine = _LOGIC[node.op]
    return {combine(a, b) for a in left for b in right}


def _comparison_outcomes(node: Binary, ranges: Mapping[str, Interval]) -> set[bool]:
    """A comparison of two int expressions from their intervals (both values when one cannot be bounded)."""
    low, high = bounds(node.left, ranges), bounds(node.right, ranges)
    if low is None or high is None:
        return {True, False}
    return _compare(node.op, low, high)


def _compare(op: str, a: Interval, b: Interval) -> set[bool]:
    """The truth values of ``x OP y`` for x in ``a`` and y in ``b``."""
    result: set[bool] = set()
    if op in ("<", "<="):
        strict = op == "<"
        if (a[0] < b[1]) if strict else (a[0] <= b[1]):
            result.add(True)
        if (a[1] >= b[0]) if strict else (a[1] > b[0]):
            result.add(False)
        return result
    if op in (">", ">="):
        return _compare(_FLIP[op], b, a)
    overlap = a[0] <= b[1] and b[0] <= a[1]
    always_equal = a[0] == a[1] == b[0] == b[1]
    equal = ({True} if always_equal else {True, False}) if overlap else {False}
    return equal if op == "==" else {not v for v in equal}


def never_true(node: Node, ranges: Mapping[str, Interval]) -> Binary | None:
    """The comparison that makes a condition impossible, when the ranges alone prove it is."""
    if outcomes(node, ranges) != {False}:
        return None
    return _culprit(node, ranges) or (node if isinstance(node, Binary) else None)


def _culprit(node: Node, ranges: Mapping[str, Interval]) -> Binary | None:
    if isinstance(node, Binary) and node.op in _FLIP:
        return node if outcomes(node, ranges) == {False} else None
    if isinstance(node, Binary) and node.op in ("and", "or"):
        return _culprit(node.left, ranges) or _culprit(node.right, ranges)
    return None
