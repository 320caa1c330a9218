"""The command line in Spanish (issue 22 §1): --help, argparse's own words, our argument
errors, the error/hint lines, the piped-input prefix, replay --verify and dates in prose.

Stable things stay English: codes, command and flag names, JSON keys.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from adventure.base import messages
from adventure.base.errors import MillionMilesError
from adventure.cli import main
from adventure.cli._edge import run_command

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "MILLION_MILES_LANG")


@pytest.fixture(autouse=True)
def _english_afterwards(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    yield
    messages.use_language("en")


def _spanish(monkeypatch):
    monkeypatch.setenv("LANG", "es_MX.UTF-8")


def test_help_is_spanish_under_a_spanish_locale(monkeypatch, capsys):
    _spanish(monkeypatch)
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert out.startswith("uso: million-miles") and "opciones:" in out and "muestra esta ayuda y termina" in out
    assert "usage:" not in out and "show this help" not in out
    assert "play" in out and "--version" in out  # command and flag names stay


@pytest.mark.parametrize("command", ["play", "check", "replay", "saves", "endings", "graph", "schema", "i18n",
                                     "lsp", "about", "completion"])
def test_every_commands_help_is_spanish_with_lang(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help", "--lang", "es"] if command != "i18n" else [command, "--help", "--lang=es"])
    out = capsys.readouterr().out
    assert out.startswith(f"uso: million-miles {command}") and "opciones:" in out, out[:300]
    assert "show this help" not in out and "(default" not in out, out


def test_argparse_errors_are_spanish(monkeypatch, capsys):
    _spanish(monkeypatch)
    with pytest.raises(SystemExit) as exit_:
        main(["play", "--bogus"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "uso: million-miles" in err and "error: argumentos no reconocidos: --bogus" in err, err
    with pytest.raises(SystemExit):
        main(["play", "--seed", "abc"])
    assert "argumento --seed: se esperaba un número entero menor que 2**64 y llegó 'abc'" in capsys.readouterr().err


def test_unknown_language_is_said_in_the_players_language(monkeypatch, capsys):
    _spanish(monkeypatch)
    assert main(["about", "--lang", "xx"]) == 2
    assert "no hay traducción «xx» (idiomas: en, es)" in capsys.readouterr().err


def test_error_and_hint_lines_are_spanish_and_keep_the_code(capsys):
    messages.use_language("es")

    def failing(args: argparse.Namespace) -> int:
        error = MillionMilesError("algo")
        error.hint = "otra cosa"  # type: ignore[attr-defined]
        error.code = "MM502"  # type: ignore[attr-defined]
        raise error

    assert run_command(failing, argparse.Namespace()) == 1
    assert capsys.readouterr().err == "million-miles: error MM502: algo\n  sugerencia: otra cosa\n"


def test_piped_input_prefix_is_spanish(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "MILLION_MILES_SAVE_DIR": str(tmp_path), "LANG": "es_MX.UTF-8"}
    done = subprocess.run([sys.executable, "-m", "adventure", "play", "--plain", "--no-save"], input="xyz\n",
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)
    assert "million-miles: línea de entrada 1: «xyz» no es una opción aquí" in done.stderr, done.stderr
    assert "input line" not in done.stderr


def test_replay_verify_is_spanish_and_json_keeps_english_keys(capsys):
    run = str(ROOT / "saves" / "true-path.yaml")
    assert main(["replay", run, "--verify", "--lang", "es", "--plain"]) == 0
    out = capsys.readouterr().out
    assert "decisiones repetidas llegan al estado guardado, final «launch»" in out, out
    assert "replay to the saved state" not in out
    assert main(["replay", run, "--verify", "--lang", "es", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["ending"] == "launch" and "steps" in data


def test_dates_in_sentences_are_written_as_a_reader_writes_them():
    moment = datetime(2026, 12, 6, 22, 51)
    messages.use_language("es")
    assert messages.moment_in_words(moment) == "el 6 de diciembre de 2026 a las 22:51"
    messages.use_language("en")
    assert messages.moment_in_words(moment) == "on December 6, 2026 at 10:51\u202fPM" or \
        messages.moment_in_words(moment) == "on December 6, 2026 at 10:51 PM"


def test_endings_list_says_the_date_in_spanish(tmp_path, capsys):
    from datetime import timezone

    from adventure.run import engine
    from adventure.saves.endings import EndingsBook
    from adventure.saves.runfile import parse_record
    from adventure.story.loader import load_story

    story = load_story(ROOT / "scenes")
    record = parse_record((ROOT / "saves" / "launch.yaml").read_bytes())
    state = engine.replay(story, record.seed, record.steps).state
    assert state.ending == "launch"
    EndingsBook(tmp_path).record(story, state, "run-x", datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc))  # noon: the 6th in every zone
    assert main(["endings", "--lang", "es", "--plain", "--save-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "descubierto el 6 de diciembre de 2026 a las " in out and "2026-12-06" not in out, out
