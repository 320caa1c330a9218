"""``{ordinal(n)}``: 1st, 2nd, 3rd, 11th, 22nd, and 1.º / 22.º in Spanish.

The category comes from the language's CLDR ordinal rule (Babel), the written form from
the program's catalogue, so a language is a catalogue entry, not code. Calls are never
folded into constants, because the language is chosen after the story is loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adventure.base.messages import current_language, ordinal, use_language
from adventure.cli import main
from adventure.run import engine
from adventure.story import expr as ex
from adventure.story.loader import load_story
from tests.storybuilder import write_story


@pytest.fixture
def spanish():
    before = current_language()
    use_language("es")
    yield
    use_language(before)


@pytest.mark.parametrize("number, text", [
    (0, "0th"), (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
    (21, "21st"), (22, "22nd"), (23, "23rd"), (101, "101st"), (111, "111th"), (112, "112th"), (-1, "-1st"),
])
def test_english_ordinals(number, text):
    assert ordinal(number) == text
    assert ex.evaluate(ex.parse("ordinal(n)"), {"n": number}) == text


@pytest.mark.parametrize("number", [1, 2, 3, 11, 22, 23, 111])
def test_spanish_ordinals_come_from_the_catalogue(spanish, number):
    assert ordinal(number) == f"{number}.º"


def test_an_unknown_language_counts_in_english():
    before = current_language()
    use_language("xx")
    try:
        assert ordinal(22) == "22nd"
    finally:
        use_language(before)


def test_ordinal_is_type_checked():
    assert ex.check(ex.parse("ordinal(year - 1988)"), {"year": ex.StatType.INT}) is ex.StatType.TEXT
    with pytest.raises(ex.ExprTypeError, match="value 1 of `ordinal` must be a number"):
        ex.check(ex.parse('ordinal("x")'), {})
    with pytest.raises(ex.ExprTypeError, match="`ordinal` takes 1 values, found 2"):
        ex.check(ex.parse("ordinal(1, 2)"), {})


def test_a_constant_ordinal_follows_the_language_chosen_after_loading(tmp_path, spanish):
    use_language("en")
    chapter = """\
chapter:
  id: one
  title: One
scenes:
  - id: a
    title: A
    text: "The {ordinal(3)} try, the {ordinal(skill + 21)} day."
    choices:
      - id: finish
        label: Finish
        ending: done
"""
    story = load_story(write_story(tmp_path / "s", chapter=chapter), cache=False)
    state = engine.new_run(story, 1).state
    assert engine.scene_text(story, state) == "The 3rd try, the 21st day."
    use_language("es")
    assert engine.scene_text(story, state) == "The 3.º try, the 21.º day."


def test_a_translation_may_write_its_own_feminine_ordinal(tmp_path, capsys):
    from adventure.i18n.catalog import read_catalog, write_catalog
    from adventure.i18n.translate import translate_story

    chapter = """\
chapter:
  id: one
  title: One
scenes:
  - id: a
    title: A
    text: "Your {ordinal(skill + 1)} application."
    choices:
      - id: finish
        label: Finish
        ending: done
"""
    folder = write_story(tmp_path / "s", chapter=chapter)
    assert main(["i18n", "update", str(folder), "es"]) == 0
    path: Path = folder / "locale" / "es.po"
    catalog = read_catalog(path, "es")
    for message in catalog:
        message.string = "Tu {skill + 1}.ª solicitud." if message.context == "scene:a:text" else message.id
    path.write_bytes(write_catalog(catalog))
    spanish = translate_story(load_story(folder, cache=False), "es")
    assert engine.scene_text(spanish, engine.new_run(spanish, 1).state) == "Tu 1.ª solicitud."
