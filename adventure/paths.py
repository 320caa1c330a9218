"""Where the shipped story lives, whether installed from a wheel or run from a checkout.

The wheel carries the story inside the package (``adventure/scenes``); a source
checkout or editable install keeps it at the repository's top-level ``scenes/``. The
working directory is never consulted, so the game starts from anywhere.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


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
