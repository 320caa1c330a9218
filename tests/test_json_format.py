"""Every ``--json`` document carries ``"format"``, and its keys do not depend on whether things went well."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.cli._args import JSON_FORMAT

ROOT = Path(__file__).resolve().parent.parent


def _json(capsys, *args: str) -> dict:
    capsys.readouterr()
    main(list(args))
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("args", [
    ["saves", "--json"],
    ["endings", "--json"],
    ["check", "--json"],
    ["replay", str(ROOT / "saves" / "fields.yaml"), "--verify", "--json"],
    ["replay", "no-such-run", "--verify", "--json"],
])
def test_every_json_document_names_its_format(capsys, tmp_path, monkeypatch, args):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path))
    assert _json(capsys, *args)["format"] == JSON_FORMAT == 1


def test_check_json_has_the_same_keys_whether_or_not_the_story_loaded(capsys, tmp_path, mini_dir):
    loaded = _json(capsys, "check", "--json", str(mini_dir))
    (tmp_path / "story.yaml").write_text("title: [unclosed\n")
    failed = _json(capsys, "check", "--json", str(tmp_path))
    assert loaded["ok"] and not failed["ok"]
    assert set(loaded) == set(failed) and "translations" in failed


def test_verify_json_has_the_same_keys_on_success_and_error(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path))
    good = _json(capsys, "replay", str(ROOT / "saves" / "fields.yaml"), "--verify", "--json")
    bad = _json(capsys, "replay", "no-such-run", "--verify", "--json")
    assert good["ok"] and not bad["ok"] and set(good) == set(bad)
