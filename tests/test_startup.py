"""Start-up: the first screen comes before prompt_toolkit, and nothing typed meanwhile is lost.

The speed itself is measured by ``benchmarks/bench_startup.py`` (tests never assert
on timing); these tests hold the levers in place and prove they lose nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TIMEOUT = 20


def _env(save_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "COLUMNS", "LINES"}}
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm-256color", MILLION_MILES_SAVE_DIR=str(save_dir),
               LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return env


def _imported_after(code: str) -> set[str]:
    """Top-level packages imported by running ``code`` in a fresh interpreter."""
    probe = f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_the_terminal_reader_loads_prompt_toolkit_at_the_first_read_not_before() -> None:
    modules = _imported_after("from adventure.ui.prompt import terminal_reader\nterminal_reader()")
    assert "prompt_toolkit" not in modules


def test_check_json_does_not_load_rich(tmp_path: Path) -> None:
    code = ("import io, contextlib\nfrom adventure.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    main(['check', '--json', {str(FIXTURES / 'mini')!r}])")
    assert "rich" not in _imported_after(code)
    assert "prompt_toolkit" not in _imported_after(code)


def test_check_json_from_a_warm_cache_spares_the_reader_and_the_help_formatter(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """From the story cache: no YAML parser, no ``difflib`` (suggestions), no ``shutil`` (help width)."""
    monkeypatch.setenv("MILLION_MILES_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MILLION_MILES_NO_CACHE", raising=False)
    code = ("import io, contextlib\nfrom adventure.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    main(['check', '--json', {str(FIXTURES / 'mini')!r}])")
    cold = _imported_after(code)  # fills the cache
    assert "yaml" in cold and "difflib" not in cold  # suggestions only for a mistake, even when reading YAML
    warm = _imported_after(code)
    assert not {"yaml", "difflib", "shutil", "platformdirs"} & warm, warm


def test_help_is_as_wide_as_columns_says() -> None:
    out = subprocess.run([sys.executable, "-m", "adventure", "check", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "50"}, timeout=60)
    assert out.returncode == 0
    assert max(len(line) for line in out.stdout.splitlines()) <= 50
    wide = subprocess.run([sys.executable, "-m", "adventure", "check", "--help"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"}, timeout=60)
    assert max(len(line) for line in wide.stdout.splitlines()) > 80


def test_a_command_imports_only_its_own_module() -> None:
    modules = _imported_after("from adventure.cli import build_parser\nbuild_parser('check')\n"
                              "print(*[m for m in sys.modules if m.startswith('adventure.cli.')], file=sys.stderr)")
    assert "rich" not in modules and "yaml" not in modules


def _spawn(command: str, tmp_path: Path, *args: str):
    return pexpect.spawn(command, ["play", "--scenes", str(FIXTURES / "mini"), "--seed", "3", *args],
                         env=_env(tmp_path), dimensions=(40, 100), encoding="utf-8", timeout=TIMEOUT)


def test_keys_typed_before_the_first_screen_are_kept(command: str, tmp_path: Path) -> None:
    """Type two choices and a label before the game has drawn anything: all three are taken."""
    child = _spawn(command, tmp_path)
    child.send("1\r1\rgo home\r")  # long before the interpreter has even started the game
    child.expect("goes home with 2 apples")  # the epilogue: both apples picked, then home
    child.expect("quit")  # the menu after an ending
    child.send("quit\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_the_terminal_mode_is_restored_when_the_game_ends(command: str, tmp_path: Path) -> None:
    script = (f"stty -a > {tmp_path / 'before'}; {command} play --scenes {FIXTURES / 'mini'} --seed 3; "
              f"stty -a > {tmp_path / 'after'}; echo DONE")
    child = pexpect.spawn("/bin/sh", ["-c", script], env=_env(tmp_path), dimensions=(40, 100), encoding="utf-8",
                          timeout=TIMEOUT)
    child.expect("Pick an apple")
    child.expect_exact("\x1b[?2004h")  # prompt_toolkit is reading the line: the terminal is in its mode
    child.send("go home\r")
    child.expect("quit")  # the menu after an ending
    child.send("quit\r")
    child.expect("DONE")
    child.expect(pexpect.EOF)
    before, after = (tmp_path / "before").read_text(), (tmp_path / "after").read_text()
    assert " echo " in f" {after} " and " icanon " in f" {after} ", after
    assert before.split() == after.split()


_FIRST_PROMPT_PROBE = """
import io, sys
import adventure.ui.prompt
from adventure.cli import main

def first_read(stream, out=None, *, echo=True):
    def read(prompt, words):  # the moment the player could type: which libraries are loaded?
        print(' '.join(sorted(sys.modules)), file=sys.__stderr__)
        raise EOFError
    return read

adventure.ui.prompt.stream_reader = first_read
sys.stdin = io.StringIO('')
sys.exit(main(sys.argv[1:]))
"""


def _loaded_at_first_prompt(tmp_path: Path, *args: str) -> set[str]:
    """The modules loaded when a game (``play`` with ``args``) first waits for the player, and their packages."""
    env = {**_env(tmp_path / "saves"), "MILLION_MILES_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("MILLION_MILES_NO_CACHE", None)
    game = [sys.executable, "-c", _FIRST_PROMPT_PROBE, "play", *args]
    for _ in range(2):  # the first fills the story cache; the second is a player's usual start
        done = subprocess.run(game, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
    modules = set(done.stderr.split())
    return modules | {m.split(".")[0] for m in modules}


def test_a_new_game_reaches_its_first_prompt_before_yaml_and_with_no_lock_library(tmp_path: Path) -> None:
    """PyYAML is loaded at the first save, not at start (the story comes from its cache); the lock is our own."""
    loaded = _loaded_at_first_prompt(tmp_path)
    assert "adventure" in loaded and "rich" in loaded
    assert not {"yaml", "filelock", "babel", "adventure.i18n.translate", "adventure.i18n.catalog"} & loaded, loaded
    assert "adventure.run.divergence" not in loaded  # the true path's summary is for a run's end


def test_continuing_a_run_reads_it_with_yaml(tmp_path: Path) -> None:
    """The counterpart: a run file is YAML, so ``--continue`` loads the parser (and nothing for locking)."""
    saves = tmp_path / "saves"
    first = subprocess.run([sys.executable, "-m", "adventure", "play", "--plain", "--seed", "1"], input="1\n",
                           capture_output=True, text=True, env=_env(saves), timeout=120)
    assert first.returncode == 0, first.stderr
    loaded = _loaded_at_first_prompt(tmp_path, "--continue")
    assert "yaml" in loaded and "filelock" not in loaded
