"""No escape sequence from a story, a run file or typed input reaches the terminal raw.

Two layers, tested separately:

* the installed ``million-miles`` refuses the hostile fixture story (MM110) and its
  check report, echoing source lines, stays free of control characters;
* ``tests/hostile_cli.py`` (the same CLI with the loader's MM110 check switched off)
  plays, exports and graphs the hostile story: every output path must escape what a
  loader bug would let through. The interactive game runs in a pseudo-terminal and
  pyte replays the output: the window title must not change.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adventure.base.safetext import find_control

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
HARNESS = [sys.executable, str(ROOT / "tests" / "hostile_cli.py")]
PAYLOADS = ("\x1b]0;", "\x1b]52;", "\x1b[6n", "\x1b[2J", "\x9b", "\x1b[5m", "\x1b[31m")
"""The story's own sequences: none may appear raw in any output."""
SHOWN = ("\\x1b]0;PWNED-TITLE", "\\x1b[6n", "\\x1b]52;c;", "\\x9b", "\\x1b[2J")


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES"}}
    values.update(MILLION_MILES_SAVE_DIR=str(tmp_path / "saves"), LANG="C.UTF-8", LC_ALL="C.UTF-8",
                  PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color")
    values.update(extra)
    return values


def run(args: list[str], tmp_path: Path, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, input=stdin, capture_output=True, text=True, timeout=60, env=env(tmp_path, **extra))


def assert_clean(output: str) -> None:
    for payload in PAYLOADS:
        assert payload not in output, f"{payload!r} reached the output"
    assert find_control(output) is None, repr(output[:300])


# -- the loader's answer ---------------------------------------------------------------------


def test_installed_command_refuses_the_hostile_story(command, tmp_path):
    result = run([command, "play", "--plain", "--no-save", "--scenes", str(HOSTILE)], tmp_path, "1\n")
    assert result.returncode == 1
    assert "MM110" in result.stderr and "U+001B" in result.stderr and "internal error" not in result.stderr
    assert_clean(result.stdout + result.stderr)


def test_check_report_escapes_a_raw_control_character_in_the_source_line(command, tmp_path):
    """Regression: `check` echoed the offending source line, raw ESC and all."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for name in ("story.yaml", "chapter.yaml"):
        text = (HOSTILE / name).read_text(encoding="utf-8")
        (folder / name).write_text(text.replace("\\e", "\x1b").replace("\\x9b", "\x9b").replace("\\a", "\x07"),
                                   encoding="utf-8")
    result = run([command, "check", str(folder)], tmp_path)
    assert result.returncode == 1
    assert "MM110" in result.stdout and "\\x1b]0;PWNED-TITLE" in result.stdout
    assert_clean(result.stdout + result.stderr)
    as_json = run([command, "check", str(folder), "--json"], tmp_path)
    assert as_json.returncode == 1 and '"MM110"' in as_json.stdout
    assert_clean(as_json.stdout)


# -- defence in depth: the hostile story played, exported and graphed ------------------------------


def test_plain_game_escapes_every_story_string(tmp_path):
    result = run([*HARNESS, "play", "--plain", "--no-save", "--scenes", str(HOSTILE), "--seed", "1"], tmp_path,
                 "1\nstatus\n2\n\x1b]0;typed\x07\n3\n")
    assert result.returncode == 1, result.stderr  # two lines were not choices: reported, escaped, exit 1
    assert "\x1b" not in result.stderr and "input line 4: '\\x1b]0;typed\\x07' is not a choice" in result.stderr
    assert_clean(result.stdout + result.stderr)
    for shown in (*SHOWN, "\\x1b]0;PWNED-ENDING", "\\x1b]0;PWNED-LOCK", "\\x1b]0;typed"):
        assert shown in result.stdout, shown


def test_styled_game_on_a_pipe_escapes_every_story_string(tmp_path):
    result = run([*HARNESS, "play", "--no-save", "--scenes", str(HOSTILE), "--seed", "1"], tmp_path,
                 "1\nstatus\n3\n", COLUMNS="100")
    assert result.returncode == 0, result.stderr
    assert_clean(result.stdout + result.stderr)
    assert all(shown in result.stdout for shown in SHOWN)


def test_exports_and_verify_json_escape_the_story(tmp_path):
    saves = tmp_path / "saves"
    played = run([*HARNESS, "play", "--plain", "--scenes", str(HOSTILE), "--seed", "1", "--save-dir", str(saves)],
                 tmp_path, "1\n3\n")
    assert played.returncode == 0, played.stderr
    slot = next(p.stem for p in saves.glob("run-*.yaml") if ".bak" not in p.name)  # the run's own slot
    for suffix in ("txt", "md", "html"):
        target = tmp_path / f"run.{suffix}"
        result = run([*HARNESS, "replay", slot, "--save-dir", str(saves), "--scenes", str(HOSTILE),
                      "--export", str(target)], tmp_path)
        assert result.returncode == 0, result.stderr
        exported = target.read_text(encoding="utf-8")
        assert_clean(exported.replace("\n", " "))
        assert "PWNED-TITLE" in exported and "\\x1b" in exported and "\\x9b" in exported, suffix
    svg = tmp_path / "run.svg"
    result = run([*HARNESS, "replay", slot, "--save-dir", str(saves), "--scenes", str(HOSTILE), "--export", str(svg),
                  "--to", "1"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert_clean(svg.read_text(encoding="utf-8").replace("\n", " "))
    cast = run([*HARNESS, "replay", slot, "--save-dir", str(saves), "--scenes", str(HOSTILE), "--export", "-",
                "--format", "cast", "--speed", "0"], tmp_path)
    assert cast.returncode == 0, cast.stderr
    assert find_control(cast.stdout.replace("\n", " ")) is None  # the file itself: JSON lines
    import json

    drawn = "".join(json.loads(line)[2] for line in cast.stdout.splitlines()[1:])  # what a player replays
    for payload in PAYLOADS[:5]:  # Rich's own colour codes are fine; the story's sequences are not
        assert payload not in drawn, payload
    assert any(shown in drawn for shown in SHOWN), "the story's sequences are drawn written out"
    assert "\\x1b]0;PWNED-TITLE" in json.loads(cast.stdout.splitlines()[0])["title"]
    verified = run([*HARNESS, "replay", slot, "--save-dir", str(saves), "--scenes", str(HOSTILE),
                    "--verify", "--json"], tmp_path)
    assert verified.returncode == 0, verified.stderr
    assert_clean(verified.stdout.replace("\n", " "))
    watched = run([*HARNESS, "replay", slot, "--save-dir", str(saves), "--scenes", str(HOSTILE),
                   "--speed", "0"], tmp_path)
    assert watched.returncode == 0, watched.stderr
    assert_clean(watched.stdout + watched.stderr)


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_graph_escapes_the_story(tmp_path, fmt):
    result = run([*HARNESS, "graph", str(HOSTILE), "--format", fmt], tmp_path)
    assert result.returncode == 0, result.stderr
    assert_clean(result.stdout.replace("\n", " "))
    assert "x1b]0;PWNED-CHAPTER" in result.stdout and "x1b[2J" in result.stdout


# -- a hostile run file ------------------------------------------------------------------------


def run_file(scenes: str, extra: str = "") -> str:
    return (f"format: 1\nstory: mini\nfingerprint: abc\nengine: '1'\nseed: 1\n"
            f"created: '2026-01-01T00:00:00Z'\nupdated: '2026-01-01T00:00:00Z'\nslot: autosave\n"
            f"scenes: \"{scenes}\"\n{extra}steps: []\n"
            "snapshot: {scene: gate, chapter: orchard, ending: null, turn: 0, seed: 1, rng: 1, stats: {}}\n")


def test_run_file_fields_echoed_on_stderr_are_escaped(command, tmp_path):
    """Regression: the run file's `scenes:` field was echoed raw in the error message."""
    path = tmp_path / "evil.yaml"
    path.write_text(run_file("\\e]0;PWNED\\a\\e[2J"), encoding="utf-8")
    result = run([command, "replay", str(path)], tmp_path)
    assert result.returncode in (1, 2) and "internal error" not in result.stderr
    assert "\\x1b]0;PWNED" in result.stderr
    assert_clean(result.stdout + result.stderr)
    path.write_text(run_file("x", extra='"\\e]52;c;ZXZpbA==\\a": 1\n'), encoding="utf-8")
    result = run([command, "replay", str(path)], tmp_path)
    assert result.returncode == 1 and "unknown field" in result.stderr
    assert_clean(result.stdout + result.stderr)


def test_saves_listing_escapes_a_hostile_slot(command, tmp_path):
    saves = tmp_path / "saves"
    saves.mkdir()
    (saves / "evil.yaml").write_text(run_file("x", extra='"\\e]0;PWNED\\a": 1\n'), encoding="utf-8")
    for args in ([], ["--json"]):
        result = run([command, "saves", "--save-dir", str(saves), *args], tmp_path)
        assert result.returncode == 0, result.stderr
        assert_clean((result.stdout + result.stderr).replace("\n", " "))


def test_argument_errors_are_escaped(command, tmp_path):
    result = run([command, "check", "a", "\x1b]0;PWNED\x07"], tmp_path)
    assert result.returncode == 2 and "\\x1b]0;PWNED" in result.stderr
    assert_clean(result.stderr.replace("\n", " "))


# -- the interactive game in a pseudo-terminal ---------------------------------------------------


def test_interactive_game_never_sends_the_story_sequences(tmp_path):
    """The story tried to retitle the window, clear the screen, query the cursor and write the clipboard."""
    pexpect = pytest.importorskip("pexpect")
    pyte = pytest.importorskip("pyte")
    screen = pyte.Screen(100, 40)
    stream = pyte.Stream(screen)
    child = pexpect.spawn(HARNESS[0], [*HARNESS[1:], "play", "--no-save", "--scenes", str(HOSTILE), "--seed", "1"],
                          env=env(tmp_path), dimensions=(40, 100), encoding="utf-8", timeout=15)
    raw = ""

    def read_until(marker: str, start: int) -> None:
        nonlocal raw
        deadline = time.monotonic() + 15
        while marker not in raw[start:]:
            assert time.monotonic() < deadline, f"timed out waiting for {marker!r}: {raw[-500:]!r}"
            try:
                chunk = child.read_nonblocking(65536, timeout=0.2)
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                break
            raw += chunk
            stream.feed(chunk)

    prompt = "\x1b[?2004h"  # prompt_toolkit starts reading a line
    read_until(prompt, 0)
    for line in ("1", "status"):
        mark = len(raw)
        child.sendline(line)
        read_until(prompt, mark)
    mark = len(raw)
    child.sendline("3")
    read_until("The End", mark)
    read_until(prompt, mark)  # the ending offers what next (issue 10): leave
    child.sendline("quit")
    read_until("\uffff", len(raw))  # to the end of output
    child.close()
    assert child.exitstatus == 0
    assert screen.title == "" and screen.icon_name == ""
    story_part = raw.replace("\x1b[?2004h", "").replace("\x1b[?2004l", "")
    for payload in ("\x1b]0;", "\x1b]52;", "\x1b[6n", "\x1b[2J", "\x9b", "\x1b[5m"):
        assert payload not in story_part, f"{payload!r} reached the terminal"
    shown = "\n".join(screen.display)
    assert "\\x1b]0;PWNED" in raw and re.search(r"\\x1b\[6n|\\x1b\]52", shown)
