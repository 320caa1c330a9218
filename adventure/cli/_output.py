"""Where a command's text goes: standard output, or the file ``-o FILE`` names."""

from __future__ import annotations

import sys
from pathlib import Path

from adventure.base.errors import MillionMilesError


def write_output(text: str, output: Path | None, failure: type[MillionMilesError] = MillionMilesError) -> None:
    """Print ``text``, or write it to ``output``; a file that cannot be written is a ``failure`` naming it.

    ``failure`` keeps each command's documented exit code (``schema`` has no exit 1).
    Standard output is flushed here, so a closed pipe is reported by the edge as one.
    """
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise failure(f"cannot write '{output}': {exc.strerror or exc}") from None
