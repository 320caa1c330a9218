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

from collections.abc import Mapping

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
    if isinstance(node, Binary) and node.op in ("+", "-", "*"):
        left, right = bounds(node.left, ranges), bounds(node.right, ranges)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left[0] + right[0], left[1] + right[1]
        if node.op == "-":
            return left[0] - right[1], left[1] - right[0]
        products = [a * b for a in left for b in right]
        return min(products), max(products)
    return None


def outcomes(node: Node, ranges: Mapping[str, Interval]) -> set[bool]:
    """Which truth values a condition can take (both when unknown)."""
    both = {True, False}
    if isinstance(node, Const) and isinstance(node.value, bool):
        return {node.value}
    if isinstance(node, Unary) and node.op == "not":
        return {not v for v in outcomes(node.operand, ranges)}
    if isinstance(node, Binary) and node.op in ("and", "or"):
        left, right = outcomes(node.left, ranges), outcomes(node.right, ranges)
        if node.op == "and":
            return {a and b for a in left for b in right}
        return {a or b for a in left for b in right}
    if isinstance(node, Binary) and node.op in _FLIP:
        low, high = bounds(node.left, ranges), bounds(node.right, ranges)
        if low is None or high is None:
            return both
        return _compare(node.op, low, high)
    return both


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
