"""The CLI edge: every way a run can end badly ends with a message and an exit code."""

from __future__ import annotations

import argparse
import subprocess

from adventure.base.errors import SaveError
from adventure.cli._edge import EXIT_INTERNAL, run_command


def test_unexpected_exception_is_a_message_not_a_traceback(capsys, monkeypatch):
    monkeypatch.delenv("MILLION_MILES_DEBUG", raising=False)

    def broken(args):
        raise KeyError("boom")

    assert run_command(broken, argparse.Namespace()) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err and "Traceback" not in err


def test_expected_errors_keep_their_hint(capsys):
    def failing(args):
        raise SaveError("the file is damaged", "/x/run.yaml", "load its backup", code="MM502")

    assert run_command(failing, argparse.Namespace()) == 1
    assert capsys.readouterr().err == ("million-miles: error MM502: /x/run.yaml: the file is damaged\n"
                                       "  hint: load its backup\n")


def test_keyboard_interrupt_exits_130(capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    assert run_command(interrupted, argparse.Namespace()) == 130


def test_closed_stdin_is_end_of_input(command, tmp_path, mini_dir):
    """Regression: `million-miles <&-` crashed reading from a stdin that was None."""
    result = subprocess.run(
        ["bash", "-c", f'"{command}" play --plain --scenes "{mini_dir}" --save-dir "{tmp_path}" <&-'],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "The Gate" in result.stdout
