"""Playing a translation: the language from --lang or the environment, runs across languages,
and Spanish text rendered at every width and in plain mode."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from rich.console import Group

from adventure.base.errors import UsageError
from adventure.i18n.language import choose, detect
from adventure.i18n.translate import translate_story
from adventure.run import engine
from adventure.story.loader import load_story
from adventure.ui import render
from adventure.ui.console import make_console

ORCHARD = Path(__file__).resolve().parent / "fixtures" / "orchard"
GOLDEN = Path(__file__).resolve().parent / "golden" / "i18n"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "en"),
    ({"LANG": "es_MX.UTF-8"}, "es"),
    ({"LANG": "es"}, "es"),
    ({"LANG": "es_ES@euro"}, "es"),
    ({"LANG": "C"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LC_MESSAGES": "es_AR.UTF-8", "LANG": "en_US.UTF-8"}, "es"),
    ({"LC_ALL": "C", "LANG": "es_MX.UTF-8"}, "en"),
    ({"LC_ALL": "es_CO.UTF-8", "LC_MESSAGES": "C"}, "es"),
    ({"LANGUAGE": "fr:es", "LANG": "en_US.UTF-8"}, "es"),
    ({"LANGUAGE": "en:es", "LANG": "es_MX.UTF-8"}, "en"),
    ({"LANGUAGE": "", "LANG": "es_MX.UTF-8"}, "es"),
    ({"LANGUAGE": "de", "LANG": "es_MX.UTF-8"}, "en"),  # the first variable set decides, as in gettext
    ({"LANG": "es_MX.UTF-8"}, "es"),
])
def test_language_from_the_environment_as_gettext_reads_it(environ, expected):
    assert detect(environ, {"es"}) == expected


def test_a_more_specific_catalogue_wins():
    assert detect({"LANG": "pt_BR.UTF-8"}, {"pt", "pt_BR"}) == "pt_BR"
    assert detect({"LANG": "pt_PT.UTF-8"}, {"pt", "pt_BR"}) == "pt"


def test_lang_flag_beats_the_environment_and_refuses_unknown_languages():
    assert choose("es", ORCHARD, {"LANG": "C"}) == "es"
    assert choose("es-MX", ORCHARD, {}) == "es"
    assert choose("en", ORCHARD, {"LANG": "es_MX.UTF-8"}) == "en"
    assert choose(None, ORCHARD, {"LANG": "es_MX.UTF-8"}) == "es"
    with pytest.raises(UsageError, match="no 'xx' translation"):
        choose("xx", ORCHARD, {})
    with pytest.raises(UsageError, match="not a language code"):
        choose("../../etc", ORCHARD, {})


# -- runs across languages ------------------------------------------------------------------


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "COLUMNS"}}
    env.update(extra)
    return env


def run(command: str, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([command, *args], input=stdin, capture_output=True, text=True, timeout=60,
                          env=clean_env(**env), encoding="utf-8")


def test_a_run_played_in_spanish_verifies_and_continues_in_english_and_back(command, tmp_path):
    saves = str(tmp_path)
    played = run(command, "play", "--scenes", str(ORCHARD), "--plain", "--save-dir", saves, "--seed", "3",
                 stdin="Tomar la llave\n1\n", LANG="es_MX.UTF-8")
    assert played.returncode == 0, played.stderr
    assert "¿Una reja? ¡Y Pepe frente a ella!" in played.stdout
    assert "Manzanas de 0 a 1" in played.stdout  # plain mode says it in words
    (slot,) = [p.stem for p in tmp_path.glob("*.yaml") if ".bak" not in p.name]
    verified = run(command, "replay", slot, "--save-dir", saves, "--scenes", str(ORCHARD), "--verify", LANG="C")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    english = run(command, "play", "--continue", "--scenes", str(ORCHARD), "--plain", "--save-dir", saves,
                  stdin="Pick\n", LANG="C")
    assert english.returncode == 0, english.stderr
    assert "Pick an apple" in english.stdout and "Manzanas" not in english.stdout
    assert "Apples 1 to 2" in english.stdout
    again = run(command, "replay", slot, "--save-dir", saves, "--scenes", str(ORCHARD), "--verify",
                "--lang", "es")
    assert again.returncode == 0, again.stdout + again.stderr
    export = tmp_path / "run.md"
    exported = run(command, "replay", slot, "--save-dir", saves, "--scenes", str(ORCHARD),
                   "--export", str(export), "--lang", "es", LANG="C")
    assert exported.returncode == 0, exported.stderr
    text = export.read_text(encoding="utf-8")
    assert "La reja" in text and "Tomar la llave del poste" in text and "The Gate" not in text
    assert "Semilla 3" in text and "locked" not in text
    page = tmp_path / "run.html"
    exported = run(command, "replay", slot, "--save-dir", saves, "--scenes", str(ORCHARD), "--export", str(page),
                   LANG="es_MX.UTF-8")
    assert exported.returncode == 0, exported.stderr
    html = page.read_text(encoding="utf-8")
    assert '<html lang="es">' in html and "Una partida repetida" in html and "La reja" in html


def test_an_unknown_lang_is_a_usage_error(command, tmp_path):
    result = run(command, "play", "--scenes", str(ORCHARD), "--plain", "--no-save", "--lang", "xx")
    assert result.returncode == 2
    assert "no 'xx' translation" in result.stderr


# -- rendering ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spanish():
    return translate_story(load_story(ORCHARD), "es")


def rendered(renderable, width: int) -> str:
    console = make_console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"


def spanish_screen(story, plain: bool):
    state = engine.new_run(story, 3).state
    state = engine.take(story, state, "pick").state
    return Group(render.chapter_card(story, "orchard", plain=plain), render.scene_panel(story, state, plain=plain),
                 render.status_panel(story, state, plain=plain),
                 render.choice_list(engine.offers(story, state), plain=plain))


@pytest.mark.parametrize(("width", "plain"), [(40, False), (100, False), (200, False), (40, True), (200, True)])
def test_spanish_scene_golden(spanish, width, plain):
    """Accents and ¿¡ wrap and align like any letter, boxed or plain. UPDATE_GOLDEN=1 rewrites."""
    from adventure.base.messages import use_language

    use_language("es")  # the program's words too
    text = rendered(spanish_screen(spanish, plain), width)
    path = GOLDEN / f"scene-{'plain' if plain else 'styled'}-{width}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert "¿Una reja? ¡Y Pepe frente a ella!" in text
    assert "CAPÍTULO 1" in text or "Capítulo 1" in text
    assert "bloqueada:" in text and "Estado" in text and "locked" not in text
    if plain:
        assert "Opciones:" in text
    assert all(len(line) <= width for line in text.splitlines())


# -- Spanish command words ------------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), [
    ("ayuda", ("help", None)), ("AYUDA", ("help", None)), ("estado", ("status", None)),
    ("estado no", ("status", "off")), ("estado sí", ("status", "on")), ("estado off", ("status", "off")),
    ("deshacer", ("undo", None)), ("guardar mi-partida", ("save", "mi-partida")), ("cargar", ("load", None)),
    ("salir", ("quit", None)), ("mirar", ("look", None)),
    ("help", ("help", None)), ("quit", ("quit", None)), ("undo", ("undo", None)),  # English still works
])
def test_spanish_command_words(mini_story, line, expected):
    from adventure.base.messages import use_language
    from adventure.ui.commands import Command, interpret

    offers = engine.offers(mini_story, engine.new_run(mini_story, 3).state)
    use_language("es")
    assert interpret(line, offers) == Command(*expected)


def test_spanish_words_are_commands_only_in_spanish(mini_story):
    from adventure.ui.commands import Command, Hint, interpret

    offers = engine.offers(mini_story, engine.new_run(mini_story, 3).state)
    assert isinstance(interpret("salir", offers), Hint)  # in English, 'salir' is not a command
    assert interpret("quit", offers) == Command("quit")


def test_a_spanish_game_obeys_spanish_commands(command, tmp_path):
    result = run(command, "play", "--scenes", str(ORCHARD), "--plain", "--save-dir", str(tmp_path), "--seed", "3",
                 "--lang", "es", stdin="2\ndeshacer\nguardar partida\nsalir\n")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "partida.yaml").is_file()
    assert result.stderr == ""


# -- the writing loop keeps the language --------------------------------------------------------


def test_watch_reloads_stay_in_the_language(tmp_path):
    import shutil

    from test_watch import edit, live, screen

    folder = Path(shutil.copytree(ORCHARD, tmp_path / "orchard"))
    two = folder / "two.yaml"

    def reword():
        edit(two, "text: Lights.", "text: Lights!")  # its translation goes stale: English for that one

    game, out, _watcher = live(folder, ["2", reword, "look"])
    game.language = "es"
    game.session.story = translate_story(game.session.story, "es")
    assert game.run() == 0
    after = screen(out)[screen(out).index("the story was reloaded"):]
    assert "La reja" in after and "The Gate" not in after
