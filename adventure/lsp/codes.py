"""What each ``MM`` code means, for hover: read from the docs' own table, never a copy.

docs/authoring.md lists every code with one line of explanation; the wheel ships that
file inside the package (pyproject's force-include), a checkout reads it in place.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

_ROW = re.compile(r"^\| `(MM\d{3})`( \((?:warning|error)[^)]*\))? \| (.+?) \|\s*$")
_PLACES = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md",
           Path(__file__).resolve().parents[1] / "docs" / "authoring.md")


@cache
def explanations() -> dict[str, str]:
    """``MM402`` -> its line in the docs (empty when the docs are not installed)."""
    for place in _PLACES:
        try:
            text = place.read_text(encoding="utf-8")
        except OSError:
            continue
        table: dict[str, str] = {}
        for line in text.splitlines():
            row = _ROW.match(line)
            if row:
                table.setdefault(row.group(1), row.group(3) + (row.group(2) or ""))
        return table
    return {}


def explain(code: str) -> str | None:
    return explanations().get(code)
