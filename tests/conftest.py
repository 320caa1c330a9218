"""Shared fixtures: the fixture story, the shipped story, the installed command, shared/."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Timing is for benchmarks, not tests: no per-example deadline, so a busy CI machine
# cannot turn a slow example into a failure. CI runs derandomized for reproducible runs.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# The story cache lives in a temporary folder, never the user's, and each test has its
# own (below), so a test that patches the loader cannot hand its story to another test.
# Subprocesses (the installed command) inherit it.
_CACHE = tempfile.TemporaryDirectory(prefix="mm-cache-")
os.environ["MILLION_MILES_CACHE_DIR"] = _CACHE.name
os.environ.pop("MILLION_MILES_NO_CACHE", None)


@pytest.fixture(autouse=True)
def _own_story_cache(tmp_path_factory, monkeypatch):
    """Each test its own cache folder, and the cache on: ``main(["--no-cache", ...])`` in process sets
    ``MILLION_MILES_NO_CACHE`` for the rest of the process (as it must for the command's own
    subprocesses), which switched the cache off for every later test."""
    monkeypatch.setenv("MILLION_MILES_CACHE_DIR", str(tmp_path_factory.mktemp("story-cache")))
    monkeypatch.delenv("MILLION_MILES_NO_CACHE", raising=False)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture()
def short_tmp():
    """A temporary folder with a short path, for tests that look for a path in a screen of 100 columns.

    pytest's own (``/tmp/pytest-of-root/pytest-12/popen-gw1/test_a_long_name0``) is long
    enough under pytest-xdist to wrap such a line, and then the test fails for its length.
    """
    folder = Path(tempfile.mkdtemp(prefix="mm-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def mini_dir() -> Path:
    """The small readable fixture story used by engine tests."""
    return FIXTURES / "mini"


@pytest.fixture(scope="session")
def mini_story(mini_dir):
    from adventure.story.loader import load_story

    return load_story(mini_dir)


@pytest.fixture(scope="session")
def scenes_dir() -> Path:
    """The shipped story in this checkout."""
    return ROOT / "scenes"


@pytest.fixture(scope="session")
def shipped_story(scenes_dir):
    from adventure.story.loader import load_story

    return load_story(scenes_dir)


def installed_command() -> str | None:
    """The installed ``million-miles`` script: next to this Python first, then PATH."""
    beside = Path(sys.executable).parent / "million-miles"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("million-miles")


@pytest.fixture(scope="session")
def command() -> str:
    """Path of the installed console script; skips when the package is not installed."""
    found = installed_command()
    if found is None:
        pytest.skip("million-miles is not installed (pip install '.[test]')")
    return found


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project; tests that read it skip in a user's fresh clone."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(autouse=True)
def _english_program_words():
    """A test that plays in Spanish in-process must not leave the program's words in Spanish."""
    yield
    from adventure.base.messages import use_language

    use_language("en")
