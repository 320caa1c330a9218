"""``million-miles check``: exit codes, the JSON contract, and the human report."""

from __future__ import annotations

import json

import pytest
from storybuilder import CHAPTER, write_story

from adventure.cli import main


def run_json(capsys, *args):
    code = main(["check", "--json", *map(str, args)])
    return code, json.loads(capsys.readouterr().out)


def test_valid_story_json(capsys, mini_dir):
    code, data = run_json(capsys, mini_dir)
    assert code == 0
    assert data == {
        "ok": True, "chapters": 2, "scenes": 4, "choices": 8,
        "endings": ["home", "sky"], "stats": ["apples", "letters", "trust", "has_key", "name"],
        "errors": [], "warnings": [],
        "story": {"title": "The Little Orchard", "folder": str(mini_dir.resolve())},
        "format": 1, "translations": {},
    }


def test_invalid_story_json_exit_1(capsys, tmp_path):
    code, data = run_json(capsys, write_story(tmp_path, chapter=CHAPTER.replace("goto: a", "goto: b")))
    assert code == 1
    assert data["ok"] is False
    (error,) = data["errors"]
    assert {k: error[k] for k in ("code", "line", "column", "message")} == {
        "code": "MM402", "line": 13, "column": 15, "message": "no scene called 'b'"}
    assert error["file"].endswith("one.yaml")


def test_missing_folder_is_a_usage_error(capsys, tmp_path):
    assert main(["check", str(tmp_path / "absent")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--max-states", "lots"])
    assert info.value.code == 2


def test_human_report_shows_the_source_line_and_hint(capsys, tmp_path):
    write_story(tmp_path, chapter=CHAPTER.replace("ending: done", "ending: dome"))
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "error MM403" in out
    assert "        ending: dome" in out
    assert "hint: did you mean 'done'?" in out


def test_human_summary_for_a_valid_story(capsys, mini_dir):
    assert main(["check", str(mini_dir)]) == 0
    out = capsys.readouterr().out
    assert "The Little Orchard" in out and "valid" in out and "sky ★" in out


def test_story_text_is_never_read_as_markup(capsys, tmp_path):
    write_story(tmp_path, chapter=CHAPTER.replace("goto: a", "goto: '[red]b'"))
    main(["check", str(tmp_path)])
    assert "[red]b" in capsys.readouterr().out


def test_check_without_a_folder_reads_the_story_in_the_current_folder(capsys, tmp_path, monkeypatch):
    """Regression: `check` in a story folder silently checked the shipped story instead."""
    folder = write_story(tmp_path / "mine")
    monkeypatch.chdir(folder)
    code, data = run_json(capsys)
    assert code == 0
    assert data["story"] == {"title": "Tiny", "folder": str(folder.resolve())}
    assert main(["check"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"Checking “Tiny” in {folder.resolve()}" in out


def test_check_without_a_folder_elsewhere_checks_the_shipped_story_and_says_so(capsys, tmp_path, monkeypatch,
                                                                                scenes_dir):
    monkeypatch.chdir(tmp_path)
    _code, data = run_json(capsys)
    assert data["story"]["folder"] == str(scenes_dir.resolve())
    assert data["story"]["title"]


def test_a_story_with_errors_still_says_which_story(capsys, tmp_path):
    folder = write_story(tmp_path, chapter=CHAPTER.replace("goto: a", "goto: b"))
    assert main(["check", str(folder)]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert f"Checking “Tiny” in {folder.resolve()}" in out
