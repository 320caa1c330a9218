"""An installed copy carries what the game points to: demo runs, the author's note, a licence, completion, a man page."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from adventure import __version__
from adventure.base import resources as paths
from adventure.cli import build_parser, main
from adventure.cli.manpage import manpage

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# -- metadata ------------------------------------------------------------------------------------------


def test_the_metadata_names_its_licence_pythons_and_languages():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    classifiers = set(project["classifiers"])
    for needed in ("Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.12",
                   "Programming Language :: Python :: 3.13", "Natural Language :: English",
                   "Natural Language :: Spanish", "Operating System :: OS Independent",
                   "Intended Audience :: End Users/Desktop"):
        assert needed in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert project["dynamic"] == ["version"] and PYPROJECT["tool"]["hatch"]["version"]["path"] == "adventure/__init__.py"
    assert f"## {__version__} " in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert not (ROOT / "imp.txt").exists()


def test_players_do_not_install_the_authors_watcher():
    project = PYPROJECT["project"]
    assert not any(d.startswith("watchfiles") for d in project["dependencies"])
    assert any(d.startswith("watchfiles") for d in project["optional-dependencies"]["author"])


def test_watch_without_its_package_names_the_install_line(monkeypatch, capsys, mini_dir, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "watchfiles" else real(name, *a))
    code = main(["play", "--watch", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and "play --watch needs the package 'watchfiles'" in err and "million-miles[author]" in err
    assert not list(tmp_path.iterdir())  # no run was started


def test_dash_v_is_the_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["-V"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"million-miles {__version__}\n"


# -- demo runs and the author's note ---------------------------------------------------------------------


def test_a_bare_demo_name_replays_the_packaged_run(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MILLION_MILES_SAVE_DIR", str(tmp_path / "saves"))
    assert main(["replay", "true-path", "--verify"]) == 0
    assert "true-path: 84 steps replay to the saved state" in capsys.readouterr().out


def test_a_players_own_slot_comes_before_a_demo(monkeypatch, capsys, tmp_path, mini_dir):
    saves = tmp_path / "saves"
    saves.mkdir()
    shutil.copy(ROOT / "tests" / "runs" / next(p.name for p in (ROOT / "tests" / "runs").glob("*.yaml")),
                saves / "launch.yaml")
    from adventure.saves.store import SaveStore

    assert SaveStore(saves).locate("launch") == saves / "launch.yaml"
    assert SaveStore(saves).locate("true-path") == paths.demo_runs_dir() / "true-path.yaml"


def test_saves_demos_lists_every_demo(capsys):
    capsys.readouterr()
    assert main(["saves", "--demos", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    names = {slot["name"] for slot in data["slots"]}
    assert names == set(paths.demo_names()) and {"true-path", "launch", "restaurant"} <= names
    assert all(slot["ending"] for slot in data["slots"])


def test_about_prints_the_authors_note(capsys):
    capsys.readouterr()
    assert main(["about", "--plain"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Author's note") and "../shared" not in out


def test_about_in_spanish(capsys, monkeypatch):
    """`about --lang es` (and LANG=es_MX) shows the Spanish note the true ending points to."""
    capsys.readouterr()
    assert main(["about", "--plain", "--lang", "es"]) == 0
    assert capsys.readouterr().out.startswith("# Nota del autor")
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.delenv("MILLION_MILES_LANG", raising=False)
    assert main(["about", "--plain"]) == 0
    assert capsys.readouterr().out.startswith("# Nota del autor")


def test_the_note_is_chosen_by_language(monkeypatch, tmp_path):
    docs = tmp_path / "pkg" / "docs"
    docs.mkdir(parents=True)
    (docs / "author-note.md").write_text("English")
    (docs / "author-note.es.md").write_text("Español")
    monkeypatch.setattr(paths, "_PACKAGE", tmp_path / "pkg")
    assert paths.author_note("es_MX").name == "author-note.es.md"
    assert paths.author_note("es").name == "author-note.es.md"
    assert paths.author_note("fr").name == "author-note.md" and paths.author_note(None).name == "author-note.md"
    assert paths.author_note("../etc").name == "author-note.md"


# -- completion and the man page -------------------------------------------------------------------------


def test_the_man_page_is_generated_from_the_parsers():
    committed = (ROOT / "docs" / "million-miles.1").read_text(encoding="utf-8")
    assert committed == manpage(build_parser()), "regenerate: python -m adventure.cli.manpage > docs/million-miles.1"
    for flag in ("\\-\\-export", "\\-\\-demos", "\\-\\-plain", "completion"):
        assert flag in committed


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_renders_the_page():
    result = subprocess.run(["man", "-l", str(ROOT / "docs" / "million-miles.1")], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat", "PAGER": "cat"})
    assert result.returncode == 0 and "million-miles replay" in result.stdout
    assert "warning" not in result.stderr.lower()


def _bash_complete(command: str, words: list[str]) -> list[str]:
    script = (f'source <("{command}" completion bash) && COMP_WORDS=({" ".join(words)}) && '
              f"COMP_CWORD={len(words) - 1} && COMP_LINE=\"{' '.join(words)}\" && COMP_POINT=${{#COMP_LINE}} && "
              '_shtab_million_miles && printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_bash_completion_loads_and_completes(command):
    assert _bash_complete(command, ["million-miles", "rep"]) == ["replay"]
    assert "--export" in _bash_complete(command, ["million-miles", "replay", "x", "--ex"])
    assert _bash_complete(command, ["million-miles", "play", "--start", "fields_ro"]) == ["fields_road", "fields_rows"]
    assert _bash_complete(command, ["million-miles", "completion", "f"]) == ["fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_parse(command, shell):
    script = subprocess.run([command, "completion", shell], capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "million-miles" in script.stdout and "--export" in script.stdout.replace(
        "-l export", "--export")
    if shell == "fish":
        assert "-l start -x -a 'cand_arrival" in script.stdout
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed to parse the script")
    checked = subprocess.run([shell, "-n"], input=script.stdout, capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    if shell == "fish":
        completed = subprocess.run(["fish", "--no-config", "-c", "source; complete -C 'million-miles play --start fields_ro'"],
                                   input=script.stdout, capture_output=True, text=True, timeout=60)
        assert [line.split("\t")[0] for line in completed.stdout.splitlines()] == ["fields_road", "fields_rows"]


# -- the wheel -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """``pip wheel .`` (without build isolation: the test extra has hatchling and Babel, so no network)."""
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("src") / "million-miles"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", ".hypothesis",
                                                                 ".pytest_cache", "build", "dist"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(out), str(source)], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.skip(f"the wheel could not be built here: {result.stderr.strip()[-300:]}")
    (built,) = out.glob("million_miles-*.whl")
    return built


def test_the_wheel_carries_demos_note_licence_and_man_page(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "adventure/demos/true-path.yaml" in names and "adventure/docs/author-note.md" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith(".data/data/share/man/man1/million-miles.1") for n in names)
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-File: LICENSE" in metadata and "Provides-Extra: author" in metadata


@pytest.mark.e2e
def test_the_wheel_in_a_clean_venv_elsewhere_replays_a_demo_and_prints_the_note(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)]
    installed = subprocess.run(pip, capture_output=True, text=True, timeout=600)
    if installed.returncode != 0:
        pytest.skip(f"the dependencies could not be installed (no package index?): {installed.stderr.strip()[-300:]}")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"COVERAGE_PROCESS_START", "PYTHONPATH"}}
    env.update(MILLION_MILES_SAVE_DIR=str(tmp_path / "saves"), LANG="C.UTF-8")
    command = str(venv / "bin" / "million-miles")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([command, *args], capture_output=True, text=True, timeout=300, cwd=elsewhere, env=env)

    verified = run("replay", "true-path", "--verify")
    assert verified.returncode == 0 and "true-path: 84 steps replay" in verified.stdout, verified.stderr
    about = run("about")
    assert about.returncode == 0 and about.stdout.startswith("# Author's note"), about.stderr
    assert run("about", "--lang", "es").stdout.startswith("# Nota del autor")
    assert "site-packages/adventure" in run("saves", "--demos", "--json").stdout
    assert run("completion", "bash").returncode == 0
    assert (venv / "share" / "man" / "man1" / "million-miles.1").is_file()
