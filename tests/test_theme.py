"""The named styles: every name a screen uses is in the theme, and the plain theme styles none of them."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.panel import Panel
from rich.style import Style
from rich.text import Text

from adventure.ui.console import make_console
from adventure.ui.theme import PLAIN_THEME, STYLES, THEME

PACKAGE = Path(__file__).resolve().parent.parent / "adventure"
NAMED = re.compile(r"""(?:style|border_style)\s*=\s*f?["']([a-z_.{}]+)["']|\(\s*[^()]*,\s*["']([a-z]+\.[a-z.]+)["']\)""")


def _names_in_source() -> set[str]:
    found: set[str] = set()
    for folder in ("ui", "cli"):
        for path in (PACKAGE / folder).glob("*.py"):
            for match in NAMED.finditer(path.read_text(encoding="utf-8")):
                found.add(match.group(1) or match.group(2))
    return found


def test_every_style_a_screen_names_is_in_the_theme():
    """A literal colour in ui/ or cli/ is a style that belongs in the theme; an unknown name breaks a panel."""
    names = _names_in_source()
    assert "border.scene" in names and "choice.locked" in names  # the scan finds names at all
    for name in names:
        if "{" in name:  # diagnostic.{kind}: both kinds are in the theme
            assert {name.replace("{kind}", k) for k in ("error", "warning")} <= STYLES.keys(), name
            continue
        assert name in STYLES, f"{name!r} is used in ui/ or cli/ but not named in ui/theme.py"


def test_the_plain_theme_styles_nothing():
    assert PLAIN_THEME.styles.keys() >= STYLES.keys()
    assert all(PLAIN_THEME.styles[name] == Style.null() for name in STYLES)
    assert THEME.styles["choice.locked"] == Style.parse("dim")


@pytest.mark.parametrize("plain", [False, True])
def test_the_factory_gives_every_console_the_theme(plain):
    console = make_console(file=io.StringIO(), width=40, plain=plain, force_terminal=True, color_system="truecolor"
                           if not plain else None)
    console.print(Panel(Text("x", style="choice.locked"), border_style="border.scene"))  # raises on an unknown name
    out = console.file.getvalue()
    assert ("\x1b[34m" in out and "\x1b[2m" in out) is not plain  # blue border, dim text; plain: no codes at all
    assert "\x1b[" not in out or not plain


LITERAL = re.compile(r'"(?:dim|bold|italic|underline|reverse|red|green|yellow|blue|magenta|cyan|white|black|'
                     r'bright_[a-z]+)(?: [a-z_ ]+)?"')


def test_no_screen_spells_out_a_colour():
    """``"bold red"`` in ui/ or cli/ is a look chosen outside the theme (and one ``--plain`` cannot turn off)."""
    found = [f"{path.name}:{text.count(chr(10), 0, m.start()) + 1} {m.group(0)}"
             for folder in ("ui", "cli") for path in sorted((PACKAGE / folder).glob("*.py")) if path.name != "theme.py"
             for text in [path.read_text(encoding="utf-8")] for m in LITERAL.finditer(text)]
    assert found == []
