"""Tests for adventure.story.template: parsing, checking, rendering, compiling."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adventure.story.expr import MAX_DEPTH, Name, StatType, Value
from adventure.story.template import (
    Cond,
    Interp,
    Literal,
    Template,
    TemplateError,
    check_template,
    compile_template,
    is_static,
    parse_template,
    render,
    template_names,
)

ENV: dict[str, Value] = {
    "year": 1972, "savings": 3, "trust": 8, "married": False, "pilot": True, "nickname": "Pepe",
}
TYPES = {
    "year": StatType.INT, "savings": StatType.INT, "trust": StatType.INT,
    "married": StatType.BOOL, "pilot": StatType.BOOL, "nickname": StatType.TEXT,
}
SLOTS = {name: i for i, name in enumerate(ENV)}


def show(text: str, env: dict[str, Value] = ENV) -> str:
    """Render by tree walk and by compiled closure; they must agree."""
    template = parse_template(text)
    check_template(template, TYPES)
    rendered = render(template, env)
    slots = {name: i for i, name in enumerate(env)}
    assert compile_template(template, slots)(tuple(env.values())) == rendered
    return rendered


# -------------------------------------------------------------------------- rendering


@pytest.mark.parametrize(("text", "expected"), [
    ("", ""),
    ("plain text\n\nwith paragraphs", "plain text\n\nwith paragraphs"),
    ("You are {year - 1962} years old.", "You are 10 years old."),
    ("{savings}k, married: {married}, pilot: {pilot}, {nickname}!",
     "3k, married: no, pilot: yes, Pepe!"),
    ("{savings > 2}", "yes"),
    ("{{literal}} and }}{{", "{literal} and }{"),
    ("{{{savings}}}", "{3}"),
    ("{ nickname }", "Pepe"),
    ("{if trust >= 8}proud{end}.", "proud."),
    ("{if trust > 8}proud{end}.", "."),
    ("{if married}A{elif pilot}B{else}C{end}", "B"),
    ("{if married}A{elif not pilot}B{else}C{end}", "C"),
    ("{if pilot}A{elif pilot}B{else}C{end}", "A"),
    ("{if pilot}{if married}both{else}pilot only{end}{end}", "pilot only"),
    ("{if pilot}x{if savings > 1}{savings}{if married}m{end}{end}y{end}", "x3y"),
    ("{if nickname == \"}\"}brace{else}{nickname}{end}", "Pepe"),
    ("{ if pilot }spaced{ end }", "spaced"),
    ("{if(pilot)}paren{end}", "paren"),
])
def test_render(text: str, expected: str) -> None:
    assert show(text) == expected


def test_ints_one_and_zero_are_not_bools() -> None:
    """bool is an int subclass; 1 and 0 must still print as numbers."""
    assert show("{savings} {married}", {**ENV, "savings": 1}) == "1 no"
    assert show("{savings} {pilot}", {**ENV, "savings": 0}) == "0 yes"


def test_render_picks_each_branch() -> None:
    text = "{if savings < 2}poor{elif savings < 5}modest{else}rich{end}"
    assert [show(text, {**ENV, "savings": n}) for n in (0, 3, 9)] == ["poor", "modest", "rich"]


def test_structure() -> None:
    template = parse_template("a{savings}{if pilot}b{else}c{end}")
    assert template == Template((
        Literal("a"),
        Interp(Name("savings")),
        Cond(((Name("pilot"), Template((Literal("b"),))), (None, Template((Literal("c"),))))),
    ))


def test_adjacent_literals_merge_and_empty_ones_vanish() -> None:
    assert parse_template("a {{ b }} c").parts == (Literal("a { b } c"),)
    assert parse_template("{if pilot}{end}").parts == (Cond(((Name("pilot"), Template(())),)),)


def test_is_static_and_names() -> None:
    assert is_static(parse_template("no {{braces}} here"))
    assert is_static(parse_template(""))
    template = parse_template("{year}{if married and trust > 2}{nickname}{elif pilot}{end}")
    assert not is_static(template)
    assert template_names(template) == {"year", "married", "trust", "nickname", "pilot"}
    assert template_names(parse_template("static")) == frozenset()


def test_expression_offsets_are_in_template_coordinates() -> None:
    template = parse_template("Hi {if pilot}x{end} {savings}")
    cond, interp = template.parts[1], template.parts[3]
    assert isinstance(cond, Cond) and isinstance(interp, Interp)
    assert cond.offset == 3
    assert cond.branches[0][0] is not None and cond.branches[0][0].offset == 7
    assert interp.node.offset == 21


def test_constant_interpolation() -> None:
    template = parse_template("{1 + 1} {true} {'x'}")
    assert render(template, {}) == "2 yes x"
    assert compile_template(template, {})(()) == "2 yes x"


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("text", "offset", "code", "message", "hint"), [
    ("Hello {name", 6, "MM310", "unclosed `{`", "{{"),
    ("Hello {name {end}", 6, "MM310", "unclosed `{`", None),
    ("a } b", 2, "MM310", "lone `}`", "}}"),
    ("ok {if pilot}a", 3, "MM310", "never closed", "{end}"),
    ("{if pilot}{if married}a{end}", 0, "MM310", "never closed", "{end}"),
    ("x{end}", 1, "MM310", "`{end}` without", None),
    ("{else}", 0, "MM310", "`{else}` without", "{if"),
    ("{elif pilot}", 0, "MM310", "`{elif}` without", "{if"),
    ("{if pilot}{else}{else}{end}", 16, "MM310", "after `{else}`", "last"),
    ("{if pilot}{else}{elif married}{end}", 16, "MM310", "after `{else}`", "last"),
    ("{if pilot}{else if married}{end}", 16, "MM310", "takes nothing", "{elif"),
    ("{if pilot}{end x}", 15, "MM310", "takes nothing", None),
    ("{}", 0, "MM310", "empty", "{{}}"),
    ("{  }", 0, "MM310", "empty", "{{}}"),
    ("{if}x{end}", 0, "MM310", "needs a condition", None),
    ("{if pilot}x{endif}", 11, "MM310", "not a tag", "{end}"),
    ("Year {year +}", 12, "MM301", "expected a value", None),
    ("{if year = 1}x{end}", 9, "MM301", "`=`", "use == to compare"),
    ("ab {if pilot}{elif a && b}{end}", 21, "MM301", "&&", "use and"),
    ('{"abc}', 1, "MM301", "unterminated string", None),
    ("{max(year)}", 1, "MM301", "no function `max`", "the functions are plural"),
])
def test_parse_errors(text: str, offset: int, code: str, message: str, hint: str | None) -> None:
    with pytest.raises(TemplateError) as info:
        parse_template(text)
    error = info.value
    assert (error.offset, error.code) == (offset, code)
    assert message in error.message
    if hint is not None:
        assert error.hint is not None and hint in error.hint


@pytest.mark.parametrize(("text", "offset", "code", "message"), [
    ("{if savings}rich{end}", 4, "MM302", "a condition must be true or false, this is a number"),
    ("{if pilot}a{elif nickname}b{end}", 17, "MM302", "this is text"),
    ("{savings + married}", 11, "MM302", "needs numbers"),
    ("text {if pilot}{if trust == married}x{end}{end}", 25, "MM302", "cannot compare"),
    ("{russain}", 1, "MM303", "unknown stat `russain`"),
])
def test_check_errors(text: str, offset: int, code: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        check_template(parse_template(text), TYPES)
    assert (info.value.offset, info.value.code) == (offset, code)
    assert message in info.value.message


def test_check_reports_the_first_error_in_reading_order() -> None:
    template = parse_template("{if pilot}{if savings}x{end}{end}{nickname + 1}")
    with pytest.raises(TemplateError) as info:
        check_template(template, TYPES)
    assert info.value.offset == 14


def test_unknown_name_hint_survives_wrapping() -> None:
    with pytest.raises(TemplateError) as info:
        check_template(parse_template("{savngs}"), TYPES)
    assert info.value.hint == "did you mean `savings`?"


def test_compile_and_render_wrap_unknown_names() -> None:
    template = parse_template("x {ghost}")
    with pytest.raises(TemplateError) as info:
        compile_template(template, SLOTS)
    assert (info.value.code, info.value.offset) == ("MM303", 3)
    with pytest.raises(TemplateError):
        render(template, ENV)


def test_nesting_depth_limit() -> None:
    ok = "{if pilot}" * MAX_DEPTH + "deep" + "{end}" * MAX_DEPTH
    assert show(ok) == "deep"
    too_deep = "{if pilot}" * (MAX_DEPTH + 1) + "{end}" * (MAX_DEPTH + 1)
    with pytest.raises(TemplateError) as info:
        parse_template(too_deep)
    assert info.value.offset == len("{if pilot}") * MAX_DEPTH
    assert "nested too deeply" in info.value.message


def test_long_text_with_many_tags() -> None:
    text = "word {savings} " * 5000
    assert show(text) == "word 3 " * 5000


# ------------------------------------------------------------------------ hypothesis

PIECES = [
    "{", "}", "{{", "}}", "{if ", "{elif ", "{else}", "{end}", "{if pilot}", "{savings}",
    "pilot", "married", "savings", "nickname", "ghost", " ", "\n", "==", "=", "1", "and",
    "not ", "'", '"', "\\", "text", "(", ")", "é", "\x00",
]
template_soup = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _parse_or_error(text: str) -> Template | None:
    try:
        return parse_template(text)
    except TemplateError as error:
        assert 0 <= error.offset <= len(text)
        assert error.code in ("MM301", "MM310")
        assert error.message
        return None


@settings(max_examples=500)
@given(st.text(max_size=200))
def test_parse_any_text_raises_only_template_errors(text: str) -> None:
    _parse_or_error(text)


@settings(max_examples=1000)
@given(template_soup)
def test_template_soup(text: str) -> None:
    template = _parse_or_error(text)
    if template is None:
        return
    try:
        check_template(template, TYPES)
    except TemplateError as error:
        assert error.code in ("MM302", "MM303")
        assert 0 <= error.offset <= len(text)
        return
    assert compile_template(template, SLOTS)(tuple(ENV.values())) == render(template, ENV)


@given(st.text(max_size=100))
def test_escaped_text_renders_as_written(text: str) -> None:
    escaped = text.replace("{", "{{").replace("}", "}}")
    template = parse_template(escaped)
    assert is_static(template)
    assert render(template, {}) == text
    assert compile_template(template, {})(()) == text


def test_a_false_passage_alone_on_its_line_leaves_no_paragraph_break():
    """Regression: ``a\\n{if x}b{end}\\nc`` rendered ``a\\n\\nc`` when x was false, and the
    blank line split the paragraph in two (found in two endings of the shipped story)."""
    from adventure.run.engine import render_text

    t = parse_template("You trained.\n{if x}You flew.{end}\nYou ran.\n\nLater.")
    assert render_text(t, {"x": False}) == "You trained. You ran.\n\nLater."
    assert render_text(t, {"x": True}) == "You trained. You flew. You ran.\n\nLater."


def test_a_passage_between_paragraphs_keeps_them_apart_either_way():
    from adventure.run.engine import render_text

    t = parse_template("One.\n\n{if x}\nTwo.\n{end}\n\nThree.")
    assert render_text(t, {"x": True}) == "One.\n\nTwo.\n\nThree."
    assert render_text(t, {"x": False}) == "One.\n\nThree."


def test_tucked_lines_compile_and_render_alike():
    t = parse_template("a\n  {if x}b{elif y}c{else}{end}  \nd")
    show = compile_template(t, {"x": 0, "y": 1})
    for x in (True, False):
        for y in (True, False):
            assert show((x, y)) == render(t, {"x": x, "y": y})
