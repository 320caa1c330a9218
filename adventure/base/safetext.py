"""Text made safe for a terminal: control characters shown, never obeyed.

Story and save files may come from a stranger, and a terminal obeys control
characters in what it prints: ``ESC ] 0 ;`` renames the window, ``ESC [ 2 J`` clears
the screen, ``ESC [ 6 n`` makes the terminal type its cursor position into the prompt,
``ESC ] 52 ;`` writes the clipboard, and the single C1 character U+009B does what
``ESC [`` does. The loader rejects such characters (``MM110``); every output path
escapes whatever still gets through, with this module.

The visible form is the one Python's ``repr`` uses, so a message that quotes a value
with ``!r`` and one escaped here agree: ESC is shown as the four characters ``\\x1b``,
U+009B as ``\\x9b``. Newline and tab are kept where text may span lines; every other
character of Unicode category Cc (C0 controls, DEL, C1 controls) is escaped.

Typical use::

    sys.stderr.write(escape_controls(message) + "\\n")
    position = find_control(title)        # None when the text is clean
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""What :func:`escape_controls` replaces: all of category Cc except tab and newline."""
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\udc80-\udcff]")
_SHOWN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\udc80-\udcff]")
"""What :func:`escape_controls` writes out: :data:`_UNSAFE`, and the lone surrogates that stand for
bytes not valid in the console's encoding (``surrogateescape``), which a stream would write back raw
(``0x9b`` is the 8-bit CSI)."""
_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw: DEL, the C1 controls, and lone surrogates
(an undecodable byte of a path, which stdout would write back raw)."""

_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE",
    0x90: "DEVICE CONTROL STRING", 0x9B: "CONTROL SEQUENCE INTRODUCER", 0x9C: "STRING TERMINATOR",
    0x9D: "OPERATING SYSTEM COMMAND",
}


def find_control(text: str) -> int | None:
    """The index of the first control character other than newline and tab, or ``None``.

    This is what story text may not contain: carriage return included, which would
    let a line overwrite itself on screen.
    """
    match = _UNSAFE.search(text)
    return match.start() if match else None


def describe(char: str) -> str:
    """``U+001B (ESCAPE)``: a control character named for a message."""
    code = ord(char)
    name = _NAMES.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00 if code >= 0xDC80 else code:02x}"  # an undecodable byte shows as the byte


def escape_controls(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character written out (``\\x1b``), newline and tab kept.

    With ``one_line`` newline and tab are escaped too, for a value quoted inside a
    sentence. Text without control characters comes back unchanged (the same object).
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _SHOWN
    if pattern.search(text) is None:
        return text
    return pattern.sub(_visible, text)


def has_controls(text: str) -> bool:
    """Whether :func:`escape_controls` would change ``text``."""
    return _SHOWN.search(text) is not None


def dumps_json(data: object, *, indent: int | None = 2) -> str:
    """JSON for a terminal: like ``json.dumps(ensure_ascii=False)``, with DEL and C1 as ``\\u`` escapes.

    JSON always escapes C0 controls; ``ensure_ascii=False`` keeps the text readable
    but would leave U+0080-U+009F raw. The value a JSON reader gets is unchanged.
    """
    import json  # only the JSON commands pay for it

    text = json.dumps(data, indent=indent, ensure_ascii=False)
    if _JSON_UNSAFE.search(text) is None:
        return text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
