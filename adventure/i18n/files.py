"""Where a story's catalogues live: ``STORY_DIR/locale/LANG.po``.

Kept apart from :mod:`adventure.i18n.catalog` so that asking "does this story have
translations?" (every ``check``) costs a folder listing, not the catalogue machinery.
"""

from __future__ import annotations

from pathlib import Path

LOCALE_DIR = "locale"
"""Catalogues live in ``STORY_DIR/locale/LANG.po``."""


def catalog_path(root: str | Path, language: str) -> Path:
    """Where a language's catalogue of a story lives."""
    return Path(root) / LOCALE_DIR / f"{language}.po"


def languages(root: str | Path) -> list[str]:
    """The languages a story has catalogues for, sorted."""
    folder = Path(root) / LOCALE_DIR
    try:
        return sorted(p.stem for p in folder.glob("*.po") if p.is_file())
    except OSError:
        return []


def inside_story(path: str | Path, root: str | Path) -> bool:
    """Whether ``path`` resolves inside the story folder ``root`` (a ``locale/`` link out of it does not)."""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError):  # a symbolic link loop
        return False
