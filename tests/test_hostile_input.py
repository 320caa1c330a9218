"""Hostile input gives one clear message and exit 1 (2 for usage), never "a bug" (exit 70).

Each test names the attack; the subprocess tests run the installed command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from adventure.cli._edge import run_command
from adventure.story.loader import check_story
from adventure.ui.commands import Hint, interpret

BIG = "9" * 5000


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES", "PYTHONIOENCODING"}}
    values.update(MILLION_MILES_SAVE_DIR=str(tmp_path / "saves"), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    values.update(extra)
    return values


def run(command: str, args: list[str], tmp_path: Path, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([command, *args], input=stdin.encode(), capture_output=True, timeout=60,
                          env=env(tmp_path, **extra))


def no_bug(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode != 70 and "internal error" not in err and "Traceback" not in err, err
    return err


@pytest.fixture()
def story_copy(tmp_path, mini_dir) -> Path:
    folder = tmp_path / "story"
    shutil.copytree(mini_dir, folder)
    return folder


# -- huge numbers ------------------------------------------------------------------------------


def test_huge_format_in_story_yaml(command, tmp_path, story_copy):
    path = story_copy / "story.yaml"
    path.write_text(path.read_text().replace("format: 1", f"format: {BIG}"))
    result = run(command, ["check", str(story_copy)], tmp_path)
    no_bug(result)
    out = result.stdout.decode()
    assert result.returncode == 1 and "MM111" in out and "too large" in out
    assert "9" * 200 not in out  # the message and the source excerpt stay short


@pytest.mark.parametrize("args", [["play", "--plain", "--no-save", "--seed", BIG],
                                  ["check", "--random", "2", "--seed", BIG], ["check", "--random", BIG]])
def test_huge_numbers_on_the_command_line_are_usage_errors(command, tmp_path, args):
    result = run(command, args, tmp_path)
    err = no_bug(result)
    assert result.returncode == 2 and "expected a whole number" in err and len(err) < 1000


def test_seed_range(command, tmp_path, mini_dir):
    ok = run(command, ["play", "--plain", "--no-save", "--scenes", str(mini_dir), "--seed", "-18446744073709551616"],
             tmp_path, "q\n")
    assert ok.returncode == 0, ok.stderr
    too_big = run(command, ["play", "--plain", "--no-save", "--seed", str(2 ** 64)], tmp_path)
    assert too_big.returncode == 2


def test_huge_number_typed_at_the_prompt(command, tmp_path, mini_dir):
    """Regression: a 5000-digit number typed at the prompt killed the game (int str-digits limit)."""
    result = run(command, ["play", "--plain", "--no-save", "--scenes", str(mini_dir)], tmp_path, f"{BIG}\n²\n1\n")
    no_bug(result)
    out = result.stdout.decode()
    # two piped lines were not choices: reported on stderr, exit 1 (issue 9), never a crash
    assert result.returncode == 1 and "There is no choice 999" in out and "'²' is not a choice here" in out
    assert result.stderr.decode().count("million-miles: input line") == 2
    assert "Apples 0 to 1" in out  # the game went on


def test_interpret_numbers(mini_story):
    from adventure.run import engine

    offers = engine.offers(mini_story, engine.new_run(mini_story, 1).state)
    assert interpret(BIG, offers) == Hint(f"There is no choice {BIG[:27]}...; pick 1-{len(offers)}, or type 'help'.")
    assert isinstance(interpret("²", offers), Hint)  # str.isdigit() is true, int() raises
    assert interpret("0000001", offers) == interpret("1", offers)


# -- narrow encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_play_in_a_narrow_encoding(command, tmp_path, story_copy, encoding):
    """Regression: PYTHONIOENCODING=ascii or latin-1 stopped the game at the first box or arrow."""
    path = story_copy / "story.yaml"
    path.write_text(path.read_text().replace("The Little Orchard", "The Little Orchard of Señora Núñez"))
    result = run(command, ["play", "--no-save", "--scenes", str(story_copy), "--seed", "3"], tmp_path,
                 "1\nstatus\nhelp\nnonsense\nGo home\n", PYTHONIOENCODING=encoding, COLUMNS="90")
    no_bug(result)
    assert result.returncode == 1  # 'nonsense' is not a choice: piped play reports it and exits 1
    assert result.stderr.decode(encoding).startswith("million-miles: input line 4: 'nonsense' is not a choice")
    out = result.stdout.decode(encoding)  # every byte is valid in the console's encoding
    assert "Apples 0 -> 1" in out and "The End: Home Again" in out
    assert "+---" in out or "+-" in out  # boxes in plain characters
    if encoding == "latin-1":
        assert "Señora Núñez" in out
    else:
        assert "Senora Nunez" in out


@pytest.mark.parametrize("args", [["check", "{scenes}"], ["graph", "{scenes}"], ["saves"],
                                  ["play", "--plain", "--no-save", "--scenes", "{scenes}"]])
def test_other_commands_in_ascii(command, tmp_path, scenes_dir, args):
    result = run(command, [a.format(scenes=scenes_dir) for a in args], tmp_path, "1\n", PYTHONIOENCODING="ascii")
    no_bug(result)
    assert result.returncode == 0
    result.stdout.decode("ascii")


def test_fit_streams_handler():
    from adventure.ui.encoding import HANDLER, plain_form

    assert "Apples 0 → 1 · ★ é █".encode("ascii", HANDLER) == b"Apples 0 -> 1 - * e #"
    assert "ñ→".encode("latin-1", HANDLER) == "ñ->".encode("latin-1")
    assert plain_form("中") == "?"


# -- the file system -----------------------------------------------------------------------------


def test_chapter_that_is_a_symlink_loop(command, tmp_path, story_copy):
    (story_copy / "two.yaml").unlink()
    (story_copy / "two.yaml").symlink_to("two.yaml")
    result = run(command, ["check", str(story_copy)], tmp_path)
    no_bug(result)
    assert result.returncode == 1 and "chapter file 'two.yaml' is a symbolic link loop" in result.stdout.decode()
    played = run(command, ["play", "--plain", "--no-save", "--scenes", str(story_copy)], tmp_path)
    no_bug(played)
    assert played.returncode == 1


def test_story_file_that_is_a_symlink_loop(tmp_path, story_copy):
    (story_copy / "story.yaml").unlink()
    (story_copy / "story.yaml").symlink_to("story.yaml")
    (error,) = check_story(story_copy).errors
    assert error.code == "MM103" and "symbolic link loop" in error.message


def test_chapter_that_is_a_folder_or_a_fifo(tmp_path, story_copy):
    (story_copy / "two.yaml").unlink()
    (story_copy / "two.yaml").mkdir()
    (error,) = check_story(story_copy).errors
    assert (error.code, error.message) == ("MM103", "chapter file 'two.yaml' is a folder, not a file")
    (story_copy / "two.yaml").rmdir()
    os.mkfifo(story_copy / "two.yaml")
    (error,) = check_story(story_copy).errors  # and it did not hang reading the pipe
    assert error.message == "chapter file 'two.yaml' is not a regular file (a pipe, socket or device)"


def test_unreadable_chapter_in_process(story_copy, monkeypatch):
    """Root ignores mode bits, so the refusal is simulated where the loader asks."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p).endswith("two.yaml") else real_access(p, mode))
    (error,) = check_story(story_copy).errors
    assert (error.code, error.message) == ("MM103", "chapter file 'two.yaml' cannot be read: permission denied")


def test_permission_error_anywhere_is_a_message_naming_the_path(capsys):
    def refused(args):
        raise PermissionError(13, "Permission denied", "/srv/story/secret.yaml")

    assert run_command(refused, argparse.Namespace()) == 1
    err = capsys.readouterr().err
    assert err.startswith("million-miles: error: /srv/story/secret.yaml: Permission denied")
    assert "bug" not in err


def as_nobody(command: str, environment: dict[str, str]) -> list[str]:
    """The prefix that runs ``command`` as nobody, or a skip saying why nobody cannot start it."""
    from unprivileged import nobody_prefix

    return nobody_prefix(command, environment)


@pytest.fixture()
def world_readable_copy(mini_dir):
    """A copy of the mini story an unprivileged user can reach (pytest's tmp folders are root-only)."""
    base = Path(tempfile.mkdtemp(prefix="mm-perm-"))
    base.chmod(0o755)
    folder = base / "story"
    shutil.copytree(mini_dir, folder)
    folder.chmod(0o755)
    for item in folder.iterdir():
        item.chmod(0o644)
    yield folder
    for path in (base, folder, *folder.iterdir()):
        path.chmod(0o755)
    shutil.rmtree(base)


@pytest.mark.parametrize("target", ["folder", "parent", "story.yaml", "two.yaml"])
def test_unreadable_story_as_an_unprivileged_user(command, tmp_path, world_readable_copy, target):
    """Regression: an unreadable story folder ended in "internal error" (exit 70)."""
    unprivileged = env(tmp_path, HOME="/nonexistent")
    unprivileged.pop("COVERAGE_PROCESS_CONFIG", None)  # it could not write coverage data here
    prefix = as_nobody(command, unprivileged)
    folder = world_readable_copy
    locked = {"folder": folder, "parent": folder.parent, "story.yaml": folder / "story.yaml",
              "two.yaml": folder / "two.yaml"}[target]
    locked.chmod(0)
    for args in (["check", str(folder)], ["play", "--plain", "--no-save", "--scenes", str(folder)]):
        result = subprocess.run([*prefix, command, *args], capture_output=True, timeout=60, env=unprivileged)
        text = no_bug(result) + result.stdout.decode()
        assert result.returncode == 1, text
        assert "permission denied" in text.lower() and locked.name in text, text


# -- a full disk ----------------------------------------------------------------------------------


@pytest.mark.parametrize("args, stdin", [(["check"], ""), (["check", "--json"], ""), (["graph"], ""),
                                         (["play", "--plain", "--no-save", "--scenes"], "1\n2\n")])
def test_stdout_on_a_full_disk(command, tmp_path, scenes_dir, args, stdin):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        result = subprocess.run([command, *args, str(scenes_dir)], input=stdin.encode(), stdout=full,
                                stderr=subprocess.PIPE, timeout=60, env=env(tmp_path))
    err = no_bug(result)
    assert result.returncode == 1
    assert err == ("million-miles: error: could not write the output: No space left on device\n"
                   "  hint: free some space or write the output elsewhere\n")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_interactive_play_in_a_narrow_encoding(command, tmp_path, mini_dir, encoding):
    """The prompt_toolkit game in a pseudo-terminal whose encoding cannot show boxes or arrows."""
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(command, ["play", "--no-save", "--scenes", str(mini_dir), "--seed", "3"],
                          env=env(tmp_path, PYTHONIOENCODING=encoding, PROMPT_TOOLKIT_NO_CPR="1",
                                  TERM="xterm-256color", LANG="C", LC_ALL="C"),
                          dimensions=(30, 100), timeout=15)
    child.expect(b"\x1b\\[\\?2004h")  # the prompt reads a line
    child.sendline("1")
    child.expect(b"Apples 0 -> 1")
    child.expect(b"\x1b\\[\\?2004h")
    child.sendline("Go home")
    child.expect(b"The End: Home Again")
    child.expect(b"\x1b\\[\\?2004h")  # the ending offers what next (issue 10): leave
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
