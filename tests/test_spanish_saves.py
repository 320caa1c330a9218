"""Issue 22 §1, E1–E9: what saving, loading and a story edit tell a Spanish player is Spanish.

Below the UI these are data (a :class:`SaveError` of phrases with its ``MM5xx`` code, a
rebase's :class:`Stopped`); the words are chosen at the edge through the program
catalogue. Each test meets one family in Spanish, as a player would (in the game, on the
command line), and checks for Spanish words, the code kept, and no English sentence left.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
from pathlib import Path

import pytest

from adventure.base.errors import SaveError
from adventure.base.messages import use_language
from adventure.cli import main
from adventure.play.notices import problem_and_advice
from adventure.play.session import Session
from adventure.run import engine
from adventure.saves.store import SaveStore, record_for
from adventure.story.loader import load_story

SKY = ["pick", "pick", "key", "open", "wait", "wait", "wait", "run", "fly"]

ENGLISH = re.compile(
    r"\b(the|is|are|not|of|file|run|runs|save|saves|saved|saving|slot|slots|story|step|steps|scene|choice|"
    r"damaged|invalid|could|cannot|backup|game|named|longer|offers|changed|since|folder|use|switched|start|"
    r"load|another|which|only|has|was|it|its|left|untouched|name|names|autosaves|checkpoint|such|first|"
    r"playing|still|apply|applies|resumed|after|empty|text)\b", re.IGNORECASE)


def english_left(text: str) -> list[str]:
    """English words in ``text``, once names, paths, flags, codes and ids are taken out."""
    text = re.sub(r"'[^']*'|«[^»]*»", " ", text)  # quoted names and ids, and a library's own words, quoted
    text = re.sub(r"\S*[/\\]\S*", " ", text)  # paths
    text = re.sub(r"--[\w-]+|million-miles \w+|MM5\d\d|\S+\.(yaml|lock)\b", " ", text)
    return ENGLISH.findall(text)


def play(story, choices, seed=3):
    state = engine.new_run(story, seed).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return state


@pytest.fixture
def story_copy(tmp_path, mini_dir) -> Path:
    return Path(shutil.copytree(mini_dir, tmp_path / "story"))


@pytest.fixture
def store(tmp_path) -> SaveStore:
    return SaveStore(tmp_path / "saves")


def run_cli(monkeypatch, capsys, args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def spanish(exc: SaveError) -> str:
    use_language("es")
    return problem_and_advice(exc)


# -- E9: a run saved against an older story --------------------------------------------------------


def test_a_run_saved_against_an_older_story_says_where_it_stops_in_spanish(mini_story, story_copy, store):
    store.write(record_for(mini_story, play(mini_story, SKY), "trip"))
    two = story_copy / "two.yaml"
    two.write_text(two.read_text().replace("      - id: fly", "      - id: soar"))
    use_language("es")
    session, notice = Session.from_record(load_story(story_copy), store.read("trip"), store)
    assert notice == ("La historia cambió desde que se guardó esta partida; se retomó después de la decisión 8 "
                      "de 9: decisión 9: la escena «city» ya no ofrece «fly».")
    assert english_left(notice) == []
    assert session.state.scene == "city"


def test_a_run_whose_every_step_still_applies_says_so_in_spanish(mini_story, story_copy, store):
    record = record_for(mini_story, play(mini_story, SKY[:6]), "r")
    one = story_copy / "one.yaml"
    one.write_text(one.read_text().replace("A gate, and", "An old gate, and"))
    use_language("es")
    _session, notice = Session.from_record(load_story(story_copy), record, store)
    assert notice is not None and "las 6 decisiones siguen valiendo" in notice and english_left(notice) == []


def test_play_continue_after_an_edit_tells_the_player_in_spanish(monkeypatch, capsys, mini_story, story_copy,
                                                                 tmp_path):
    saves = tmp_path / "saves"
    _code, _out, _err = run_cli(monkeypatch, capsys, ["play", "--plain", "--lang", "es", "--seed", "3", "--scenes",
                                                    str(story_copy), "--save-dir", str(saves)], "1\n1\n")
    two = story_copy / "one.yaml"
    two.write_text(two.read_text().replace("A gate, and", "An old gate, and"))
    _code, out, _err = run_cli(monkeypatch, capsys, ["play", "--plain", "--lang", "es", "--continue", "--scenes",
                                                    str(story_copy), "--save-dir", str(saves)], "")
    line = next(line for line in out.splitlines() if "historia" in line)
    assert "La historia cambió desde que se guardó esta partida" in line and english_left(line) == []


# -- E1, E2: slot names ---------------------------------------------------------------------------------


def test_an_autosave_name_given_to_save_is_refused_in_spanish(mini_story, store):
    session = Session.new(mini_story, 3, store)
    with pytest.raises(SaveError) as info:
        session.save("run-x")
    assert info.value.code == "MM508"
    assert str(info.value) == "'run-x' is a name for autosaves"  # the English stays for logs and JSON
    words = spanish(info.value)
    assert "es un nombre para partidas que se guardan solas" in words and english_left(words) == []


@pytest.mark.parametrize("name", ["../x", "x" * 65, "-x", "a b", "con"])
def test_an_invalid_slot_name_is_refused_in_spanish(mini_story, store, name):
    session = Session.new(mini_story, 3, store)
    with pytest.raises(SaveError) as info:
        session.save(name)
    assert info.value.code == "MM508"
    words = spanish(info.value)
    assert words.startswith("nombre de partida no válido") and english_left(words) == []


def test_in_game_save_errors_read_in_spanish(monkeypatch, capsys, mini_dir, tmp_path):
    _code, out, _err = run_cli(monkeypatch, capsys, ["play", "--plain", "--lang", "es", "--seed", "3", "--scenes",
                                                    str(mini_dir), "--save-dir", str(tmp_path / "s")],
                              "1\nguardar run-x\nguardar ../x\n")
    lines = [line for line in out.splitlines() if line.startswith("No se pudo guardar")]
    assert len(lines) == 2 and all(english_left(line) == [] for line in lines), lines


# -- E3, E4, E5: loading ---------------------------------------------------------------------------------


def test_loading_a_save_that_does_not_exist_in_spanish(mini_story, store):
    Session.new(mini_story, 3, store).save("antes")
    session = Session.new(mini_story, 4, store)
    with pytest.raises(SaveError) as info:
        session.load("noexiste")
    assert info.value.code == "MM507"
    words = spanish(info.value)
    assert "no hay ninguna partida guardada llamada «noexiste»" in words and "partidas guardadas: antes" in words
    assert english_left(words) == []


@pytest.mark.parametrize(("content", "spanish_words"), [
    (b"\xff\xfe binary", "no es texto UTF-8"),
    (b"", "está vacío"),
    (b"format: 1\nstory: mini\n", "archivo de partida no válido"),
    (b"format: 99\n", "formato de archivo de partida desconocido"),
])
def test_loading_a_damaged_run_in_spanish(mini_story, store, content, spanish_words):
    store.directory.mkdir(parents=True)
    (store.directory / "binario.yaml").write_bytes(content)
    session = Session.new(mini_story, 3, store)
    with pytest.raises(SaveError) as info:
        session.load("binario")
    assert info.value.code in {"MM502", "MM503", "MM504"}
    words = spanish(info.value)
    assert spanish_words in words and "el archivo quedó intacto" in words and english_left(words) == [], words


def test_loading_with_saving_switched_off_in_spanish(mini_story):
    session = Session.new(mini_story, 3, None)
    with pytest.raises(SaveError) as info:
        session.load("x")
    assert info.value.code == "MM511"
    words = spanish(info.value)
    assert "guardar está desactivado" in words and english_left(words) == []


# -- E6: an unwritable save folder ----------------------------------------------------------------------------


def test_an_unusable_save_folder_is_reported_in_spanish(mini_story, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    use_language("es")
    session = Session.new(mini_story, 3, SaveStore(blocker / "saves"))
    text = " ".join(m.text for m in session.pop_messages())
    assert session.save_error is not None and session.save_error.code == "MM509"
    assert text.startswith("No se pudo guardar:") and "no se pudo bloquear la partida" in text
    assert "revisa que se pueda escribir en" in text
    assert english_left(text.replace("Not a directory", "")) == [], text  # the system's own words stay


# -- E7, E8: the saves listing and the command line's errors ----------------------------------------------------


def test_the_saves_listing_words_a_damaged_file_in_spanish(monkeypatch, capsys, mini_dir, tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "roto.yaml").write_text("format: 1\nsteps: [\n")
    _code, out, _err = run_cli(monkeypatch, capsys, ["saves", "--plain", "--lang", "es", "--save-dir", str(saves),
                                                    "--scenes", str(mini_dir)])
    line = next(line for line in out.splitlines() if "MM502" in line)
    assert "el archivo está dañado: no es YAML válido en la línea 3, columna 1 (el lector de YAML dice: «" in line
    assert english_left(line.split("MM502", 1)[1]) == [], line


def test_command_line_save_errors_are_spanish_and_keep_their_codes(monkeypatch, capsys, mini_dir, tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "roto.yaml").write_bytes(b"\xff")
    code, _out, err = run_cli(monkeypatch, capsys, ["play", "--plain", "--lang", "es", "--load", "roto",
                                                    "--scenes", str(mini_dir), "--save-dir", str(saves)])
    assert code == 1 and "error MM502:" in err
    message, hint = err.split("\n  sugerencia: ")
    assert "no es texto UTF-8" in message and "no tiene respaldo" in hint
    assert english_left(message.split("MM502:", 1)[1]) == [] and english_left(hint) == []


def test_a_locked_run_is_refused_in_spanish(mini_story, store):
    first = Session.new(mini_story, 3, store)
    first.choose("pick")
    try:
        second = Session.new(mini_story, 4, store)
        with pytest.raises(SaveError) as info:
            second.load(first.slot)
        assert info.value.code == "MM510"
        words = spanish(info.value)
        assert "está abierta en otra ventana del juego" in words and english_left(words) == []
    finally:
        first.close()


def test_replay_verify_words_the_stop_in_spanish_but_keeps_json_english(monkeypatch, capsys, mini_story,
                                                                        story_copy, store):
    path = store.write(record_for(mini_story, play(mini_story, SKY), "trip"))
    two = story_copy / "two.yaml"
    two.write_text(two.read_text().replace("      - id: fly", "      - id: soar"))
    args = ["replay", str(path), "--scenes", str(story_copy), "--verify", "--lang", "es"]
    code, out, _err = run_cli(monkeypatch, capsys, [*args, "--plain"])
    assert code == 1 and "la escena «city» ya no ofrece «fly»" in out
    code, out, _err = run_cli(monkeypatch, capsys, [*args, "--json"])
    assert code == 1 and '"reason": "scene \'city\' no longer offers \'fly\'"' in out  # for tools, as before


def test_continue_after_a_damaged_run_says_what_it_did_in_spanish(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--lang", "es", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    assert run_cli(monkeypatch, capsys, [*args, "--seed", "3"], "1\n1\n")[0] == 0
    (slot,) = SaveStore(tmp_path).run_names()
    (tmp_path / f"{slot}.yaml").write_bytes(b"\xff\xfe")
    code, out, err = run_cli(monkeypatch, capsys, [*args, "--continue"], "salir\n")
    assert code == 0, err
    line = next(line for line in out.splitlines() if "dañada" in line)
    assert f"La partida «{slot}» estaba dañada" in line and "Se continúa desde su respaldo" in line
    assert "(con 1 decisión)" in line and english_left(line) == [], line


@pytest.mark.parametrize("step", ["{scene: [1, 2], choice: {a: 1}}", "[{scene: 1}, x]", "{scene: null, choice: 3}"])
def test_hostile_values_in_a_damaged_step_are_quoted_not_worded(mini_story, store, step):
    store.write(record_for(mini_story, play(mini_story, SKY[:1]), "raro"))
    path = store.path_for("raro")
    text = path.read_text()
    start = text.index("steps:\n")
    end = text.index("snapshot:")
    path.write_text(text[:start] + f"steps:\n- {step}\n" + text[end:])
    session = Session.new(mini_story, 3, store)
    with pytest.raises(SaveError) as info:
        session.load("raro")
    assert info.value.code == "MM503"
    words = spanish(info.value)
    assert "archivo de partida no válido: la decisión 1" in words, words
