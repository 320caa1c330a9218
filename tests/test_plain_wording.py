"""What a screen-reader user hears: ``--plain`` play, replay, endings, saves and check in words, unwrapped.

Symbols a speech synthesiser reads by name ("right arrow") or not at all (``·``,
``???``, ``▸``) are said in words; ``28/83`` is "step 28 of 83". Lines are not hard
wrapped: one line per paragraph, with no trailing spaces, for the terminal, pager or
reader to wrap.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TRUE_PATH = ROOT / "saves" / "true-path.yaml"
SYMBOLS = ("→", "·", "???", "▸", "★", "✓", "✗", "│", "─", "━", "┃", "█", "░")


def _env(tmp_path: Path) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR"}}
    values.update(MILLION_MILES_SAVE_DIR=str(tmp_path / "saves"), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return values


def _run(command: str, tmp_path: Path, *args: str, stdin: str = "") -> str:
    result = subprocess.run([command, *args], input=stdin, capture_output=True, text=True, timeout=120,
                            env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def transcript(command, tmp_path_factory) -> str:
    """The whole true path played in ``--plain`` through a pipe, by stable ids, then the endings list."""
    tmp = tmp_path_factory.mktemp("plain")
    steps = yaml.safe_load(TRUE_PATH.read_text(encoding="utf-8"))["steps"]
    moves = "".join(f"#{step['choice']}\n" for step in steps)
    played = _run(command, tmp, "play", "--plain", stdin="status\n" + moves)
    replayed = _run(command, tmp, "replay", str(TRUE_PATH), "--plain", "--speed", "0")
    endings = _run(command, tmp, "endings", "--plain")
    saves = _run(command, tmp, "saves", "--plain")
    checked = _run(command, tmp, "check", "--plain")
    return "\n".join((played, replayed, endings, saves, checked))


def test_no_symbol_a_reader_reads_by_name_or_not_at_all(transcript):
    assert "The End: A Million Miles" in transcript  # the whole run was played
    found = {symbol: transcript.count(symbol) for symbol in SYMBOLS if symbol in transcript}
    assert not found, found


def test_the_words_that_replace_them(transcript):
    assert "Changed: Hope 1 to 2" in transcript
    assert "step 28 of 84: " in transcript and "step 28/84" not in transcript
    assert "An ending not yet found: " in transcript and "The true ending: A Million Miles" in transcript
    assert "; " in transcript  # the spoken separator between changes
    assert "valid: " in transcript and "(the true ending)" in transcript  # check --plain


def test_one_line_per_paragraph_and_no_trailing_spaces(transcript):
    lines = transcript.split("\n")
    assert not [line for line in lines if line != line.rstrip() and line != "> "]  # a prompt met at end of input
    assert max(len(line) for line in lines) > 200  # paragraphs are not cut at 80 columns
    assert "Play again with: million-miles play" not in lines  # a command stays on one line


def test_saves_plain_draws_no_table(command, tmp_path):
    _run(command, tmp_path, "play", "--plain", stdin="1\nquit\n")
    listing = _run(command, tmp_path, "saves", "--plain")
    assert "run-" in listing and not set(listing) & set("┏━┳┓┃│╇═╭╮╰╯─")


def _phonemes(path_or_text: str | Path) -> str:
    args = ["-f", str(path_or_text)] if isinstance(path_or_text, Path) else [path_or_text]
    return subprocess.run(["espeak-ng", "-q", "-x", *args], capture_output=True, text=True, timeout=300).stdout


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_speaks_no_symbol_names(transcript, tmp_path):
    """espeak-ng says no "right" (its word for ``→``) and no "slash" in the program's own words around
    the story: what each choice changed, and the replay's step counter."""
    ours = [line for line in transcript.split("\n") if line.startswith(("Changed", "Recomputed"))]
    ours += [line.split(":")[0] for line in transcript.split("\n") if line.startswith("step ")]
    assert len(ours) > 100
    sample = tmp_path / "ours.txt"
    sample.write_text("\n".join(ours), encoding="utf-8")
    spoken = _phonemes(sample)
    probes = {"→": _phonemes("→").strip(), "/": _phonemes("/").strip()}
    assert probes["→"] in _phonemes("Hope 1 → 2") and probes["/"] in _phonemes("step 28/83")  # the probes work
    said = [symbol for symbol, phonemes in probes.items() if phonemes in spoken]
    assert not said, said


def test_piped_output_is_not_hard_wrapped_either(command, tmp_path):
    """Without --plain, a pipe still gets whole lines of text (boxes keep their width) and no trailing spaces."""
    checked = _run(command, tmp_path, "check")
    summary = next(line for line in checked.splitlines() if ": valid — " in line)
    assert summary.endswith("0 warnings")  # one line, not cut at 80 columns
    assert any(line.startswith("endings ") and line.endswith("★") for line in checked.splitlines())  # no lone ★
    played = _run(command, tmp_path, "play", "--no-save", stdin="1\nquit\n")
    assert not [line for line in (checked + played).split("\n") if line != line.rstrip()]
