"""Tests for adventure.story.expr: parsing, type checking, evaluation, compiling, describing."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from adventure.story.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    Binary,
    Const,
    ExprSyntaxError,
    ExprTypeError,
    Name,
    Node,
    StatType,
    Unary,
    Value,
    check,
    compile_expr,
    describe,
    evaluate,
    names,
    parse,
    to_source,
    unmet,
)

ENV: dict[str, Value] = {
    "a": 3, "b": -7, "c": 0, "p": True, "q": False, "s": "Pepe", "t": "",
}
TYPES = {
    "a": StatType.INT, "b": StatType.INT, "c": StatType.INT,
    "p": StatType.BOOL, "q": StatType.BOOL, "s": StatType.TEXT, "t": StatType.TEXT,
}
SLOTS = {name: i for i, name in enumerate(ENV)}
VALUES = tuple(ENV.values())

STORY_TYPES = {
    "piloting": StatType.INT, "savings": StatType.INT, "russian": StatType.INT,
    "married": StatType.BOOL, "nickname": StatType.TEXT,
}
LABELS = {"piloting": "Piloting", "savings": "Savings", "married": "Married",
          "nickname": "Nickname"}


def run_both(source: str, env: dict[str, Value] = ENV) -> Value:
    """Evaluate by tree walk and by compiled closure; they must agree, type included."""
    node = parse(source)
    slots = {name: i for i, name in enumerate(env)}
    walked = evaluate(node, env)
    compiled = compile_expr(node, slots)(tuple(env.values()))
    assert walked == compiled and type(walked) is type(compiled)
    return walked


# ----------------------------------------------------------------- evaluation table


@pytest.mark.parametrize(("source", "expected"), [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 2 - 3", 5),
    ("2 * 3 % 4", 2),
    ("7 / 2", 3),
    ("-7 / 2", -4),
    ("7 % 3", 1),
    ("-7 % 3", 2),
    ("5 / 0", 0),
    ("5 % 0", 0),
    ("a / c", 0),
    ("a % c", 0),
    ("b / a", -3),
    ("--3", 3),
    ("-a * 2", -6),
    ("a - -1", 4),
    ("a + 1 > b * 2", True),
    ("not true or true", True),
    ("not (true or true)", False),
    ("true or false and false", True),
    ("(true or false) and false", False),
    ("not 1 == 2", True),
    ("(1 < 2) == true", True),
    ("True and False", False),
    ("p and not q", True),
    ("p == q", False),
    ("p != q", True),
    ("'a' == \"a\"", True),
    ("'it\\'s'", "it's"),
    ('"say \\"hi\\" \\\\o/"', 'say "hi" \\o/'),
    ("s == 'Pepe'", True),
    ("t != ''", False),
    ("s", "Pepe"),
    ("a >= 3 and a <= 3 and a < 4 and a > 2", True),
    ("007", 7),
])
def test_evaluate_table(source: str, expected: Value) -> None:
    value = run_both(source)
    assert value == expected
    assert type(value) is type(expected)


def test_and_or_short_circuit() -> None:
    """The right side is not evaluated when the left decides (it names no stat here)."""
    assert evaluate(parse("false and missing"), {}) is False
    assert evaluate(parse("true or missing"), {}) is True
    with pytest.raises(ExprTypeError) as info:
        evaluate(parse("true and missing"), {})
    assert info.value.code == "MM303"


def test_logic_returns_bools() -> None:
    for source in ("p and p", "q or p", "p or q", "q and p", "not q"):
        assert type(run_both(source)) is bool


def test_constant_folding_keeps_division_by_zero_safe() -> None:
    assert compile_expr(parse("a + 10 / (3 - 3)"), SLOTS)(VALUES) == 3
    assert compile_expr(parse("(2 + 2) * a"), SLOTS)(VALUES) == 12


def test_int_and_bool_literals_are_different_nodes() -> None:
    assert parse("1") != parse("true")
    assert parse("0") != parse("false")
    assert parse("true") == parse("True")


def test_offsets_do_not_affect_equality() -> None:
    assert parse("a+1") == parse("  a  +  1")
    assert parse("a+1", offset=10).left.offset == 10  # type: ignore[union-attr]


def test_tree_shape() -> None:
    assert parse("not a == 1 and p") == Binary(
        "and", Unary("not", Binary("==", Name("a"), Const(1))), Name("p"))


def test_names() -> None:
    assert names(parse("a + b > 2 and not p or s == 'x'")) == {"a", "b", "p", "s"}
    assert names(parse("1 + 2")) == frozenset()


# --------------------------------------------------------------------- syntax errors


@pytest.mark.parametrize(("source", "offset", "message", "hint"), [
    ("a = 1", 2, "`=`", "use == to compare"),
    ("a && b", 2, "&&", "use and"),
    ("a || b", 2, "||", "use or"),
    ("a & b", 2, "&", "use and"),
    ("!a", 0, "`!`", "use not"),
    ("max(a, b)", 0, "no function `max`", "the functions are plural"),
    ("(a)(b)", 3, "unexpected `(`", "calls are not allowed"),
    ("a.b", 1, "attribute access", "plain names"),
    ("a[0]", 1, "indexing", "plain names"),
    ("a ** 2", 2, "power", "x * x"),
    ("a // 2", 2, "//", "already divides"),
    ("a < b < c", 6, "chained", "use and"),
    ("a == b != c", 7, "chained", "use and"),
    ("1.5", 1, "decimal point", "scale"),
    ("(a", 2, "missing `)`", "close the `(`"),
    ("a)", 1, "unmatched `)`", "remove it"),
    ("a b", 2, "expected an operator before `b`", "and/or"),
    ("a AND b", 2, "expected an operator", "lower case: `and`"),
    ("a is b", 2, "expected an operator", "use =="),
    ("a +", 3, "expected a value after `+`", "ends too early"),
    ("", 0, "empty expression", "savings >= 3"),
    ("   ", 3, "empty expression", "savings >= 3"),
    ("()", 1, "empty parentheses", "inside"),
    ("'abc", 0, "unterminated string", "close it with '"),
    ("'a\\nb'", 2, "unknown escape", "only"),
    ("a ≥ 2", 2, "≥", "write >="),
    ("a <> b", 2, "<>", "!="),
    ("a => b", 2, "=>", ">="),
    ("x\x00", 1, "U+0000", None),
    ("é", 0, "`é`", "ASCII"),
    ("a == not b", 5, "`not` cannot appear here", "parentheses"),
    ("+1", 0, "expected a value", "unary +"),
    ("a and", 5, "expected a value after `and`", None),
    ("* 2", 0, "expected a value before `*`", None),
    ("“x”", 0, "curly quote", "straight quotes"),
    ("a not b", 2, "expected an operator before `not`", "!="),
])
def test_syntax_errors_point_at_the_offending_token(
        source: str, offset: int, message: str, hint: str | None) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(source)
    error = info.value
    assert error.code == "MM301"
    assert error.offset == offset
    assert message in error.message
    if hint is None:
        assert error.hint is None or isinstance(error.hint, str)
    else:
        assert error.hint is not None and hint in error.hint


def test_error_offsets_are_shifted_by_the_base_offset() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse("a = 1", offset=40)
    assert info.value.offset == 42


# ---------------------------------------------------------------------------- limits


def test_deep_parentheses_fail_before_any_recursion() -> None:
    """The length cap is checked first, so hostile input never reaches the parser's recursion."""
    with pytest.raises(ExprSyntaxError, match="too long"):
        parse("(" * 1000 + "1" + ")" * 1000)
    with pytest.raises(ExprSyntaxError, match="too long"):
        parse("not " * 5000 + "p")


def test_length_limit_is_exact() -> None:
    ok = "1" + "+1" * ((MAX_LENGTH - 1) // 2)
    assert len(ok) <= MAX_LENGTH
    assert evaluate(parse(ok), {}) == (MAX_LENGTH + 1) // 2
    too_long = "1" * (MAX_LENGTH + 1)
    with pytest.raises(ExprSyntaxError) as info:
        parse(too_long)
    assert info.value.offset == MAX_LENGTH


def test_long_flat_chain_is_not_too_deep() -> None:
    """Flat chains nest only in the tree; they are bounded by the length limit."""
    source = " and ".join(["p"] * 80)
    node = parse(source)
    assert run_both(source) is True
    assert parse(to_source(node)) == node


@pytest.mark.parametrize(("opener", "width"), [("(", 1), ("-", 1), ("not ", 4)])
def test_nesting_depth_limit(opener: str, width: int) -> None:
    closer = ")" if opener == "(" else ""
    leaf = "p" if opener == "not " else "1"
    parse(opener * MAX_DEPTH + leaf + closer * MAX_DEPTH)
    with pytest.raises(ExprSyntaxError) as info:
        parse(opener * (MAX_DEPTH + 1) + leaf + closer * (MAX_DEPTH + 1))
    assert info.value.offset == MAX_DEPTH * width
    assert "nested too deeply" in info.value.message


# ----------------------------------------------------------------------- type errors


@pytest.mark.parametrize(("source", "expected"), [
    ("savings + 1", StatType.INT),
    ("-savings", StatType.INT),
    ("married", StatType.BOOL),
    ("not married and savings > 2", StatType.BOOL),
    ("nickname", StatType.TEXT),
    ("nickname == 'Pepe'", StatType.BOOL),
    ("married == true", StatType.BOOL),
])
def test_check_returns_the_type(source: str, expected: StatType) -> None:
    assert check(parse(source), STORY_TYPES) is expected


@pytest.mark.parametrize(("source", "offset", "message", "hint"), [
    ("married + 1", 0, "`+` needs numbers, this is true or false", "not a number"),
    ("savings and married", 0, "`and` needs true-or-false values, this is a number",
     "compare it, e.g. `savings > 0`"),
    ("married or nickname", 11, "this is text", 'compare it, e.g. `nickname == "…"`'),
    ("married == 1", 8, "cannot compare true or false with a number", "not numbers"),
    ("nickname != 2", 9, "cannot compare text with a number", "same type"),
    ("married < true", 0, "`<` orders numbers only, this is true or false", "=="),
    ("savings >= nickname", 11, "orders numbers only, this is text", "=="),
    ("nickname + 'x'", 0, "`+` needs numbers, this is text", "side by side"),
    ("not savings", 4, "`not` needs true-or-false values, this is a number", "savings > 0"),
    ("-married", 1, "`-` needs numbers", None),
    ("1 + (savings + married)", 15, "this is true or false", None),
])
def test_type_errors(source: str, offset: int, message: str, hint: str | None) -> None:
    with pytest.raises(ExprTypeError) as info:
        check(parse(source), STORY_TYPES)
    error = info.value
    assert error.code == "MM302"
    assert error.offset == offset
    assert message in error.message
    if hint is not None:
        assert error.hint is not None and hint in error.hint


def test_unknown_name_suggests_the_closest() -> None:
    with pytest.raises(ExprTypeError) as info:
        check(parse("russain >= 2"), STORY_TYPES)
    assert info.value.code == "MM303"
    assert info.value.offset == 0
    assert info.value.message == "unknown stat `russain`"
    assert info.value.hint == "did you mean `russian`?"


def test_unknown_name_without_a_close_match() -> None:
    with pytest.raises(ExprTypeError) as info:
        check(parse("savings + zzz"), STORY_TYPES)
    assert (info.value.code, info.value.offset) == ("MM303", 10)
    assert info.value.hint is not None and "stats:" in info.value.hint


def test_expected_type_mismatch() -> None:
    with pytest.raises(ExprTypeError) as info:
        check(parse("savings"), STORY_TYPES, StatType.BOOL)
    assert info.value.code == "MM302"
    assert info.value.message == "a condition must be true or false, this is a number"
    assert info.value.hint == "compare it, e.g. `savings > 0`"
    with pytest.raises(ExprTypeError, match="a number is needed here, this is true or false"):
        check(parse("married"), STORY_TYPES, StatType.INT)
    assert check(parse("married"), STORY_TYPES, StatType.BOOL) is StatType.BOOL


def test_expected_mismatch_points_at_the_start() -> None:
    with pytest.raises(ExprTypeError) as info:
        check(parse("  savings * 2 + 1"), STORY_TYPES, StatType.BOOL)
    assert info.value.offset == 2


def test_compile_rejects_names_without_slots() -> None:
    with pytest.raises(ExprTypeError) as info:
        compile_expr(parse("a + zz"), SLOTS)
    assert (info.value.code, info.value.offset) == ("MM303", 4)


# ----------------------------------------------------------------- describe / unmet


@pytest.mark.parametrize(("source", "expected"), [
    ("piloting >= 2 and savings >= 3", "Piloting ≥ 2 and Savings ≥ 3"),
    ("not married", "not Married"),
    ("married", "Married"),
    ("married == true", "Married"),
    ("true == married", "Married"),
    ("married == false", "not Married"),
    ("married != true", "not Married"),
    ("married != false", "Married"),
    ("savings > 1 and married == false", "Savings > 1 and not Married"),
    ("nickname == 'Pepe'", 'Nickname = "Pepe"'),
    ("savings != 3", "Savings ≠ 3"),
    ("savings <= 3 or savings > 9", "Savings ≤ 3 or Savings > 9"),
    ("not (married or piloting < 1)", "not (Married or Piloting < 1)"),
    ("(savings + 1) * 2 <= 10", "(Savings + 1) * 2 ≤ 10"),
    ("russian > 0", "russian > 0"),
])
def test_describe(source: str, expected: str) -> None:
    assert describe(parse(source), LABELS) == expected


def test_unmet_lists_failing_conjuncts() -> None:
    node = parse("piloting >= 2 and savings >= 3")
    assert unmet(node, {"piloting": 1, "savings": 5}, LABELS) == ["Piloting ≥ 2"]
    assert unmet(node, {"piloting": 0, "savings": 0}, LABELS) == ["Piloting ≥ 2", "Savings ≥ 3"]
    assert unmet(node, {"piloting": 3, "savings": 3}, LABELS) == []


def test_unmet_splits_nested_and_but_not_or() -> None:
    env = {"piloting": 0, "savings": 0, "married": False}
    node = parse("(piloting > 1 and married) and (savings > 1 or married)")
    assert unmet(node, env, LABELS) == ["Piloting > 1", "Married", "Savings > 1 or Married"]
    assert unmet(parse("not (married or savings < 1)"), env, LABELS) == [
        "not (Married or Savings < 1)"]


# ------------------------------------------------------------------------ to_source


@pytest.mark.parametrize(("source", "canonical"), [
    ("a-(b-c)", "a - (b - c)"),
    ("(a-b)-c", "a - b - c"),
    ("(p and q) and p", "p and q and p"),
    ("p and (q and p)", "p and (q and p)"),
    ("not not p", "not not p"),
    ("-(-a)", "--a"),
    ("(not p) == q", "(not p) == q"),
    ("p == (not q)", "p == (not q)"),
    ("(a < b) == (b < a)", "(a < b) == (b < a)"),
    ("-(a + b) * 2", "-(a + b) * 2"),
    ("'it\\'s' == \"x\\\\\"", '"it\'s" == "x\\\\"'),
    ("(p or q) and not (p and q)", "(p or q) and not (p and q)"),
])
def test_to_source(source: str, canonical: str) -> None:
    node = parse(source)
    assert to_source(node) == canonical
    assert parse(canonical) == node


# ------------------------------------------------------------------------ hypothesis

Case = tuple[str, Value, StatType]
KEYWORD_SPACE = st.sampled_from([" ", "  ", "\n", "\t"])
OP_SPACE = st.sampled_from(["", " ", "  "])
INT_OPS = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: 0 if y == 0 else x // y,
    "%": lambda x, y: 0 if y == 0 else x % y,
}
CMP_OPS = {
    "==": lambda x, y: x == y, "!=": lambda x, y: x != y,
    "<": lambda x, y: x < y, "<=": lambda x, y: x <= y,
    ">": lambda x, y: x > y, ">=": lambda x, y: x >= y,
}


def _quote(text: str, quote: str) -> str:
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


@st.composite
def leaves(draw: st.DrawFn, kind: StatType) -> Case:
    """A literal or a stat name of the given type, with its value."""
    stats = [name for name, t in TYPES.items() if t is kind]
    if draw(st.booleans()):
        name = draw(st.sampled_from(stats))
        return name, ENV[name], kind
    if kind is StatType.INT:
        number = draw(st.integers(0, 10**6))
        return str(number), number, kind
    if kind is StatType.BOOL:
        word = draw(st.sampled_from(["true", "false", "True", "False"]))
        return word, word.lower() == "true", kind
    text = draw(st.text(alphabet=st.sampled_from("ab '\"\\{}é\n"), max_size=8))
    return _quote(text, draw(st.sampled_from("'\""))), text, kind


@st.composite
def typed(draw: st.DrawFn, kind: StatType, depth: int = 4) -> Case:
    """A well-typed, fully parenthesised expression and its value, computed here.

    The reference evaluation is independent of the module under test: Python ints,
    floor division with the language's divide-by-zero rule.
    """
    if kind is StatType.TEXT or depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(leaves(kind))
    ks, os = draw(KEYWORD_SPACE), draw(OP_SPACE)
    if kind is StatType.INT:
        if draw(st.integers(0, 4)) == 0:
            src, value, _ = draw(typed(StatType.INT, depth - 1))
            return f"(-{os}{src})", -value, kind
        op = draw(st.sampled_from(sorted(INT_OPS)))
        (ls, lv, _), (rs, rv, _) = draw(typed(kind, depth - 1)), draw(typed(kind, depth - 1))
        return f"({ls}{os}{op}{os}{rs})", INT_OPS[op](lv, rv), kind
    shape = draw(st.sampled_from(["not", "and", "or", "order", "equal"]))
    if shape == "not":
        src, value, _ = draw(typed(StatType.BOOL, depth - 1))
        return f"(not{ks}{src})", not value, kind
    if shape in ("and", "or"):
        (ls, lv, _), (rs, rv, _) = draw(typed(kind, depth - 1)), draw(typed(kind, depth - 1))
        value = (lv and rv) if shape == "and" else (lv or rv)
        return f"({ls}{ks}{shape}{ks}{rs})", value, kind
    side = StatType.INT if shape == "order" else draw(st.sampled_from(list(StatType)))
    ops = sorted(CMP_OPS) if side is StatType.INT else ["==", "!="]
    op = draw(st.sampled_from(ops))
    (ls, lv, _), (rs, rv, _) = draw(typed(side, depth - 1)), draw(typed(side, depth - 1))
    return f"({ls}{os}{op}{os}{rs})", CMP_OPS[op](lv, rv), kind


any_typed = st.sampled_from(list(StatType)).flatmap(typed)


@settings(max_examples=400)
@given(any_typed)
def test_random_typed_expressions_match_the_reference(case: Case) -> None:
    source, expected, kind = case
    assume(len(source) <= MAX_LENGTH)
    node = parse(source)
    assert check(node, TYPES) is kind
    value = evaluate(node, ENV)
    assert value == expected and type(value) is type(expected)
    compiled = compile_expr(node, SLOTS)(VALUES)
    assert compiled == expected and type(compiled) is type(expected)
    assert parse(to_source(node)) == node


TOKENS = [
    "(", ")", "not", "and", "or", "-", "+", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=",
    "a", "b", "p", "s", "zz", "0", "12", "true", "False", "'x'", '"y"', "'", '"', "\\",
    "=", "!", "&&", "||", "**", ".", "[", "]", ",", "\x00", "é", " ", "\n", "{", "}",
]
token_soup = st.lists(st.sampled_from(TOKENS), max_size=40)
token_strings = st.one_of(token_soup.map("".join), token_soup.map(" ".join))


def _parse_or_error(source: str) -> Node | None:
    """Parse must return a node or raise ExprSyntaxError with a sane offset."""
    try:
        return parse(source)
    except ExprSyntaxError as error:
        assert error.code == "MM301"
        assert 0 <= error.offset <= len(source)
        assert error.message
        assert error.hint is None or isinstance(error.hint, str)
        return None


@settings(max_examples=500)
@given(st.text(max_size=MAX_LENGTH + 20))
def test_parse_any_text_raises_only_syntax_errors(source: str) -> None:
    node = _parse_or_error(source)
    if node is not None:
        assert parse(to_source(node)) == node


@settings(max_examples=1000)
@given(token_strings)
def test_parse_token_soup(source: str) -> None:
    node = _parse_or_error(source)
    if node is None:
        return
    assert parse(to_source(node)) == node
    assert to_source(parse(to_source(node))) == to_source(node)
    try:
        check(node, TYPES)
    except ExprTypeError as error:
        assert error.code in ("MM302", "MM303")
        return
    walked = evaluate(node, ENV)
    compiled = compile_expr(node, SLOTS)(VALUES)
    assert walked == compiled and type(walked) is type(compiled)


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF), max_size=30))
def test_string_literals_round_trip(text: str) -> None:
    for quote in "'\"":
        node = parse(_quote(text, quote))
        assert node == Const(text)
        assert parse(to_source(node)) == node


def _trees() -> st.SearchStrategy[Node]:
    """Arbitrary trees, ill-typed ones included, to stress the printer's parentheses."""
    atoms = st.one_of(
        st.integers(0, 99).map(Const), st.booleans().map(Const),
        st.text(alphabet="x'\"\\ ", max_size=3).map(Const), st.sampled_from("abpq").map(Name),
    )
    ops = sorted(INT_OPS) + sorted(CMP_OPS) + ["and", "or"]
    return st.recursive(atoms, lambda inner: st.one_of(
        st.tuples(st.sampled_from(["-", "not"]), inner).map(lambda t: Unary(*t)),
        st.tuples(st.sampled_from(ops), inner, inner).map(lambda t: Binary(*t)),
    ), max_leaves=12)


@settings(max_examples=500)
@given(_trees())
def test_to_source_round_trips_any_tree(node: Node) -> None:
    source = to_source(node)
    try:
        reparsed = parse(source)
    except ExprSyntaxError as error:
        assume("nested too deeply" not in error.message)
        raise
    assert reparsed == node
    assert to_source(reparsed) == source


# -- plural(): the one function ---------------------------------------------------------


@pytest.mark.parametrize("count, expected", [(0, "casks"), (1, "cask"), (2, "casks"), (-1, "cask")])
def test_plural_picks_the_form_for_the_count(count, expected):
    node = parse('plural(oil, "cask", "casks")')
    assert check(node, {"oil": StatType.INT}) is StatType.TEXT
    assert evaluate(node, {"oil": count}) == expected
    assert compile_expr(node, {"oil": 0})((count,)) == expected
    assert to_source(node) == 'plural(oil, "cask", "casks")'


def test_plural_is_type_checked_at_load():
    with pytest.raises(ExprTypeError, match="value 1 of `plural` must be a number"):
        check(parse('plural(name, "a", "b")'), {"name": StatType.TEXT})
    with pytest.raises(ExprTypeError, match="takes 3 values, found 2"):
        check(parse('plural(1, "a")'), {})


def test_plural_of_constants_folds():
    assert compile_expr(parse('plural(2 - 1, "day", "days")'), {})(()) == "day"
