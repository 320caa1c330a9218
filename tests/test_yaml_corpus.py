"""Hostile input: every case of the YAML test suite, dropped in as a chapter file.

Each must end in a loaded story or clean, located errors: never an exception, never a
hang. The corpus lives in ../shared, beside the project; in a fresh clone it is absent
and this module skips.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adventure.story.loader import check_story

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "yaml-test-suite"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "in.yaml").is_file()) if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(not CASES, reason="../shared/corpus/yaml-test-suite is not present")


@pytest.fixture(scope="module")
def template_dir(mini_dir: Path) -> Path:
    return mini_dir


@pytest.mark.parametrize("case", CASES)
def test_case_loads_or_fails_cleanly(case: str, tmp_path: Path, template_dir: Path) -> None:
    for item in template_dir.iterdir():
        shutil.copy(item, tmp_path / item.name)
    shutil.copy(CORPUS / case / "in.yaml", tmp_path / "two.yaml")
    report = check_story(tmp_path)
    if report.story is None:
        assert report.errors, "a failed load must say why"
        for error in report.errors:
            assert error.code.startswith("MM") and error.message
            assert error.file, "every error names its file"
            assert error.hint, f"every error has a hint: {error}"
    if (CORPUS / case / "error").exists():
        # Invalid YAML never becomes a story. (PyYAML accepts a few of these cases; the
        # schema then rejects them, still with a located error in the chapter file.)
        assert report.story is None
        assert any(e.file.endswith("two.yaml") and e.line >= 1 for e in report.errors)
