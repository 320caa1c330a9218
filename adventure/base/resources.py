"""Where the shipped story, its demo runs and the author's note live, from a wheel or a checkout.

The wheel carries them inside the package (``adventure/scenes``, ``adventure/demos``,
``adventure/docs``); a source checkout or editable install keeps them at the
repository's top level (``scenes/``, ``saves/``, ``docs/``). The working directory is
never consulted, so the game starts from anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the adventure package


def default_scenes_dir() -> Path:
    """The folder holding the shipped ``story.yaml``."""
    packaged = _PACKAGE / "scenes"
    if (packaged / "story.yaml").is_file():
        return packaged
    return _PACKAGE.parent / "scenes"


def is_shipped(folder: Path | str) -> bool:
    """Whether ``folder`` is the shipped story, which a run never records by path.

    A run of the shipped story names no folder, so it replays wherever the game is
    installed and wherever the run file is copied.
    """
    try:
        return Path(folder).resolve() == default_scenes_dir().resolve()
    except OSError:
        return False


def demo_runs_dir() -> Path:
    """The folder of demo runs: a finished run to each ending of the shipped story, and its true path."""
    packaged = _PACKAGE / "demos"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "saves"


_DEMO_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def demo_run(name: str) -> Path | None:
    """The demo run called ``name`` (``true-path``), or ``None``: a bare name only, never a path."""
    if not _DEMO_NAME.fullmatch(name):
        return None
    path = demo_runs_dir() / f"{name}.yaml"
    return path if path.is_file() else None


def demo_names() -> list[str]:
    """The demo runs' names, sorted."""
    folder = demo_runs_dir()
    try:
        return sorted(p.stem for p in folder.glob("*.yaml") if _DEMO_NAME.fullmatch(p.stem))
    except OSError:
        return []


def author_note(language: str | None = None) -> Path | None:
    """The author's note in ``language`` (``author-note.es.md``) if there is one, else the English one."""
    packaged = _PACKAGE / "docs"
    folder = packaged if packaged.is_dir() else _PACKAGE.parent / "docs"
    for tag in ([language, language.split("_")[0].split("-")[0]] if language else []):
        if tag and re.fullmatch(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})?", tag):
            translated = folder / f"author-note.{tag}.md"
            if translated.is_file():
                return translated
    english = folder / "author-note.md"
    return english if english.is_file() else None
