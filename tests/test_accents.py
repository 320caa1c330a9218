"""Input as a Spanish speaker types it: choices, commands, the ending menu and Tab complete without accents.

Many of the game's readers type on US keyboards: ``pacifico`` must take "Vete a la
Universidad del Pacífico", ``estado si`` must mean ``estado sí``. Every matcher asks
:func:`adventure.ui.matching.fold`, so these tests go through the real entry points.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adventure.base.messages import use_language
from adventure.i18n.translate import translate_story
from adventure.play.session import Session
from adventure.run import engine
from adventure.ui import matching
from adventure.ui.commands import Command, Take, interpret
from adventure.ui.console import make_console
from adventure.ui.play import Game
from adventure.ui.prompt import lines_reader, make_completer
from adventure.ui.prompt import matching as completions

SKY_PATH = ["2", "1", "1", "open", "1", "1", "1", "run", "fly"]
"""The fixture story's road to its true ending (seed 3), as in test_play."""


@pytest.fixture(scope="module")
def spanish_story(shipped_story):
    return translate_story(shipped_story, "es")


def offers_at(story, scene: str):
    start = engine.Start(scene, (("maths", 2), ("settled", True)))  # the college choice open
    return engine.offers(story, engine.start_at(story, 3, start).state, include_hidden=True)


@pytest.mark.parametrize(("typed", "label"), [
    ("pacifico", "Universidad del Pacífico"), ("PACIFICO", "pacífico"), ("electronica", "electrónica"),
    ("nino", "niño"), ("e\u0301", "é"), ("é", "e\u0301"), ("  Lle  ", "Llévate"), ("strasse", "Straße"),
])
def test_fold_drops_accents_and_case_on_both_sides(typed, label):
    assert matching.contains(label, typed)
    assert matching.fold(label) == matching.fold(matching.fold(label))  # folding twice changes nothing


def test_fold_keeps_letters_that_are_not_accents_apart():
    assert not matching.contains("Pacífico", "pacifica")
    assert matching.fold("Ángel  Núñez") == "angel nunez"


@pytest.mark.parametrize(("scene", "typed", "choice"), [
    ("fields_crossroads", "pacifico", "college"),
    ("eng_campus", "electronica", "lab"),
    ("eng_degree", "llevate el titulo", "yours"),
])
def test_a_choice_is_taken_without_its_accents(spanish_story, scene, typed, choice):
    assert interpret(typed, offers_at(spanish_story, scene)) == Take(choice)


@pytest.mark.parametrize(("line", "expected"), [
    ("estado si", ("status", "on")), ("ESTADO SÍ", ("status", "on")), ("Estado  No", ("status", "off")),
    ("AYUDA", ("help", None)), ("Deshacer", ("undo", None)), ("guardar mi-partida", ("save", "mi-partida")),
    ("cargar", ("load", None)), ("salir", ("quit", None)), ("mirar", ("look", None)),
])
def test_spanish_commands_match_without_accents(mini_story, line, expected):
    offers = engine.offers(mini_story, engine.new_run(mini_story, 3).state)
    use_language("es")
    assert interpret(line, offers) == Command(*expected)


def test_tab_completes_a_label_typed_without_its_accent(spanish_story):
    from prompt_toolkit.document import Document

    labels = [o.label for o in offers_at(spanish_story, "eng_degree")]
    mine = next(label for label in labels if label.startswith("Llévate"))
    assert completions("Lle", labels) == [mine]
    found = [c.text for c in make_completer(lambda: labels).get_completions(Document("lle"), None)]  # type: ignore[arg-type]
    assert found == [mine]
    assert completions("pacifico", ["Vete a la Universidad del Pacífico"]) == ["Vete a la Universidad del Pacífico"]


def _spanish_game(story, lines):
    use_language("es")
    out = make_console(file=io.StringIO(), width=80, color_system=None, force_terminal=False)
    return Game(Session.new(story, 3), out, lines_reader(lines), plain=True), out


@pytest.mark.parametrize("word", ["capitulo", "CAPÍTULO", "capítulo"])
def test_the_ending_menu_takes_its_spanish_words_without_accents(mini_story, word):
    game, out = _spanish_game(mini_story, [*SKY_PATH, word, "salir"])
    assert game.run() == 0
    text = out.file.getvalue()  # type: ignore[attr-defined]
    assert "De vuelta al inicio" in text and "Elige qué hacer ahora" not in text



@pytest.mark.e2e
def test_a_spanish_player_types_without_accents_in_a_terminal(command, scenes_dir, tmp_path):
    """``Lle`` + Tab completes "Llévate…", ``estado si`` shows the status, ``electronica`` takes a choice."""
    from test_e2e_terminal import Player

    player = Player(command, ["play", "--lang", "es", "--scenes", str(scenes_dir), "--seed", "3",
                              "--start", "eng_campus"], tmp_path)
    player.wait_prompt()
    player.type("estado no")
    player.type("estado si")
    assert "El estado se muestra después de cada decisión." in player.recent()
    player.send("electronica")
    player.wait_prompt()
    assert "no es una opción" not in player.recent()
    assert "Llévate el título" in player.recent()  # the lab led on to the degree
    player.mark = len(player.raw)
    player.child.send("Lle\t")
    player.wait(lambda: "> Llévate el título" in player.display(), "the completed label")
    player.send("")
    player.wait_prompt()
    assert "no es una opción" not in player.recent() and "Llévate" not in player.recent().split("\n", 1)[1]
    player.send("salir")
    assert player.finish() == 0


@given(st.text(max_size=60))
def test_fold_is_the_same_for_every_spelling_of_a_text(text):
    import unicodedata

    folded = matching.fold(text)
    assert matching.fold(folded) == folded
    assert matching.fold(unicodedata.normalize("NFC", text)) == matching.fold(unicodedata.normalize("NFD", text)) \
        == folded
    assert not any(unicodedata.combining(ch) for ch in folded)
