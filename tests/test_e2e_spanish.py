"""End-to-end: the fixture story played in Spanish in a pseudo-terminal, at 40 and 100 columns.

The fixture ``tests/fixtures/orchard`` carries a complete Spanish catalogue; the program's
own words come from the package's Spanish catalogue. The language comes from ``--lang``
in one test and from ``LANG`` in the other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_e2e_terminal import Player

pytestmark = pytest.mark.e2e

ORCHARD = Path(__file__).resolve().parent / "fixtures" / "orchard"


def prose(screen: str) -> str:
    """The screen's words with panel borders and line breaks gone, to find wrapped sentences."""
    return " ".join(re.sub("[\u2500-\u257f]", " ", screen).split())


@pytest.mark.parametrize(("cols", "how"), [(40, "flag"), (100, "environment")])
def test_play_to_the_true_ending_in_spanish(command, tmp_path, cols, how):
    args = ["play", "--scenes", str(ORCHARD), "--seed", "3"]
    env = {"LANG": "es_MX.UTF-8", "LC_ALL": ""} if how == "environment" else {}
    if how == "flag":
        args += ["--lang", "es"]
    player = Player(command, args, tmp_path, rows=40, cols=cols, **env)
    player.wait_prompt()
    text = player.text()
    assert "El pequeño huerto" in text and "¿Una reja? ¡Y Pepe frente a ella!" in prose(text)
    assert all(len(line) <= cols for line in player.display().splitlines())
    assert "Escribe el número de una opción" in text and "bloqueada" in text and "locked" not in text
    player.type("ayuda")
    assert "Comandos" in player.recent() and "deshacer" in player.recent()
    player.type("2")  # tomar la llave
    assert "La llave está tibia en tu mano." in prose(player.recent())
    player.type("1")
    player.type("manzana")
    player.type("abrir")
    assert "El camino" in player.display()
    for letters in (1, 2, 3):
        player.type("1")
        assert f"Cartas hasta ahora: {letters}." in prose(player.display())
    player.send("correr")
    player.wait_text("Luces.", timeout=20)
    player.wait_prompt()
    player.send("volar")
    player.wait_text("Tu partida")
    player.wait_prompt()  # the true ending asks what next, in Spanish too
    assert "¿Y ahora qué?" in player.display() and "deshacer" in player.display()
    player.send("salir")
    assert player.finish() == 0
    text = prose(player.text())
    assert "Arriba y lejos, con 3 cartas en el bolsillo." in text and "Abriste la reja" in text
    assert "Fin: El cielo" in text and "Decisiones que importaron" in text and "¡Ya!" in text
    assert [p for p in tmp_path.glob("*.yaml") if ".bak" not in p.name]  # the run was saved
