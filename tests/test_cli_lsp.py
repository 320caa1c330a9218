"""``million-miles lsp`` without the lsp extra: the install line and exit 1, no traceback."""

from __future__ import annotations

import sys

import pytest

from adventure.cli import main


def test_without_pygls_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)  # import pygls now raises ImportError
    assert main(["lsp"]) == 1
    err = capsys.readouterr().err
    assert err == "million-miles: the language server needs pygls: pip install 'million-miles[lsp]'\n"


def test_it_is_listed_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "lsp" in capsys.readouterr().out


def test_every_code_the_docs_list_has_an_explanation_for_hover() -> None:
    from adventure.lsp.codes import explain, explanations

    table = explanations()
    assert len(table) > 60 and explain("MM402") == "a reference to an unknown scene"
    assert explain("MM266").startswith("a condition the stats' declared ranges never allow")
    assert explain("MM705") == "a string not translated (an error with `--strict-translations`) (warning)"
