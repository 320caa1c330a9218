"""Every error Million Miles raises on purpose, in one hierarchy.

Errors are values with a stable code and a location so the CLI edge can turn them
into one readable paragraph (or a JSON object) and an exit code; nothing below the
CLI prints. Codes are part of the public contract: tools and CI match on them.

Code ranges: ``MM1xx`` YAML and files, ``MM2xx`` story structure, ``MM3xx``
expressions and templates, ``MM4xx`` references, ``MM5xx`` saves and runs, ``MM6xx``
findings of ``check --explore``, ``MM7xx`` translation catalogues.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from adventure.base.safetext import escape_controls

Severity = Literal["error", "warning"]
EXCERPT_WIDTH = 100
"""Source lines longer than this are shown as a window around the reported column."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a story, located as precisely as the source allows.

    ``line`` and ``column`` are 1-based (0 when unknown); ``source_line`` is the text
    of that line so the message can show it without re-reading the file.
    """

    code: str
    message: str
    file: str
    line: int = 0
    column: int = 0
    hint: str | None = None
    severity: Severity = "error"
    source_line: str | None = None

    @property
    def where(self) -> str:
        """``file:line:column`` as compilers print it (omitting unknown parts)."""
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"

    def to_dict(self) -> dict[str, object]:
        """The JSON shape promised by ``check --json``."""
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity,
        }

    def __str__(self) -> str:
        hint = f" (hint: {self.hint})" if self.hint else ""
        return escape_controls(f"{self.where}: {self.severity} {self.code}: {self.message}{hint}")

    def excerpt(self, width: int = EXCERPT_WIDTH) -> tuple[str, int] | None:
        """The source line as it may be shown, and the caret's 0-based position in it.

        The line comes from a file that may be hostile: control characters are written
        out (``\\x1b``), with the caret still under the character it points at; tabs
        become spaces; a line longer than ``width`` is cut to a window around the column.
        """
        if self.source_line is None or not self.line:
            return None
        line = self.source_line.rstrip("\r\n ")
        column = max(0, self.column - 1)
        before = escape_controls(line[:column].replace("\t", " "), one_line=True)
        shown = before + escape_controls(line[column:].replace("\t", " "), one_line=True)
        caret = len(before)
        if len(shown) <= width:
            return shown, caret
        start = max(0, min(caret - width // 2, len(shown) - width))
        head = "..." if start else ""
        tail = "..." if start + width < len(shown) else ""
        return head + shown[start:start + width] + tail, caret - start + len(head)


class MillionMilesError(Exception):
    """Base of every expected failure; the CLI turns these into messages."""

    exit_code = 1


class StoryLoadError(MillionMilesError):
    """The story could not be loaded; carries every diagnostic found (up to a cap)."""

    def __init__(self, diagnostics: list[Diagnostic], warnings: list[Diagnostic] | None = None):
        self.diagnostics = tuple(diagnostics)
        self.warnings = tuple(warnings or ())
        first = diagnostics[0] if diagnostics else None
        summary = str(first) if first else "story failed to load"
        more = len(diagnostics) - 1
        if more > 0:
            summary += f" (and {more} more error{'s' if more > 1 else ''})"
        super().__init__(summary)


class EngineError(MillionMilesError):
    """A request the engine cannot honour in the current run state."""


class UnknownChoice(EngineError):
    """The choice id is not offered in the current scene (typo, or a story edit)."""

    def __init__(self, scene: str, choice: str, available: tuple[str, ...]):
        self.scene, self.choice, self.available = scene, choice, available
        listed = ", ".join(available) or "none"
        super().__init__(f"scene '{scene}' has no choice '{choice}' (choices: {listed})")


class ChoiceLocked(EngineError):
    """The choice exists but its condition is false in this state."""

    def __init__(self, scene: str, choice: str, reason: str):
        self.scene, self.choice, self.reason = scene, choice, reason
        super().__init__(f"choice '{choice}' in scene '{scene}' is locked: {reason}")


class RunFinished(EngineError):
    """The run has reached an ending; there is nothing more to choose."""

    def __init__(self, ending: str):
        self.ending = ending
        super().__init__(f"the run has already ended ('{ending}')")


class StateError(EngineError):
    """A run state does not fit the story (unknown scene, wrong stat values)."""


class SaveError(MillionMilesError):
    """A save or run file could not be read, written, or trusted.

    ``code`` is stable (``MM5xx``, see :data:`SAVE_CODES`): tools match on it, and the
    session decides from it whether a file is *damaged* (moved aside before anything
    is written to its slot) or merely not for us (a newer format, another story).

    The error is data: :attr:`what` and :attr:`advice` are :class:`Phrase` s (an English
    catalogue id with named ``{placeholders}`` filled from ``fields``), so the edge words
    it in the player's language (:func:`adventure.play.notices.say`); ``str()``,
    :attr:`message` and :attr:`hint` are the English, for logs and JSON.
    """

    def __init__(self, message: str | Phrase, path: str | None = None, hint: str | Phrase | None = None, *,
                 code: str = "MM500", fields: Mapping[str, object] | None = None):
        self.path, self.code = path, code
        self.what = message if isinstance(message, Phrase) else Phrase(message, dict(fields or {}))
        """The problem, without the path."""
        self.advice = hint if isinstance(hint, Phrase) or hint is None else Phrase(hint, dict(fields or {}))
        """What to do about it."""
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{self.message}")

    @property
    def message(self) -> str:
        """The problem in English, without the path."""
        return str(self.what)

    @property
    def hint(self) -> str | None:
        """What to do about it, in English."""
        return str(self.advice) if self.advice is not None else None

    @property
    def damaged(self) -> bool:
        """The file is broken (unreadable YAML, bad fields, cut short), not just foreign."""
        return self.code in DAMAGED_CODES


@dataclass(frozen=True)
class Phrase:
    """Words to be said in the reader's language: an English catalogue id (marked ``N_``) and the
    values of its named ``{placeholders}``, which may be phrases themselves.

    Errors and reports below the UI carry phrases, not sentences; the edge translates them
    (:func:`adventure.play.notices.say`). ``str()`` is the English, for logs and JSON.
    """

    template: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return fill(self.template, self.fields)


def fill(template: str, fields: Mapping[str, object]) -> str:
    """``template`` with its named placeholders filled; a template without fields is taken as it is
    (it may hold braces, and no placeholder)."""
    return template.format_map(fields) if fields else template


SAVE_CODES: dict[str, str] = {
    "MM500": "any other save problem",
    "MM501": "a save file or the save folder could not be read (permissions, not a folder, name too long)",
    "MM502": "a run file is damaged: not UTF-8, not YAML, empty, cut short, too large, too deep, aliases",
    "MM503": "a run file has an invalid field (type, range, date, slot name, step)",
    "MM504": "a run file of an unknown (newer) format",
    "MM505": "a run that belongs to another story",
    "MM506": "a run whose log no longer replays on the same story, or disagrees with its snapshot",
    "MM507": "no such save slot or run file",
    "MM508": "an invalid slot name",
    "MM509": "a save could not be written (folder not writable, disk full)",
    "MM510": "the slot is in use by another game on this save folder",
    "MM511": "saving is switched off for this game (--no-save)",
    "MM512": "the story folder a run was played from is gone",
}
"""Every ``SaveError`` code and what it means (documented in README.md)."""

DAMAGED_CODES = frozenset({"MM502", "MM503"})


class MissingExtra(MillionMilesError):
    """An optional feature whose package is not installed; the hint is the install line that brings it."""

    def __init__(self, feature: str, package: str, extra: str):
        super().__init__(f"{feature} needs the package '{package}', which is not installed")
        self.hint = (f"install the '{extra}' extra: pipx inject million-miles {package}, "
                     f"or pip install 'million-miles[{extra}]' (from a checkout: pip install '.[{extra}]')")


class UsageError(MillionMilesError):
    """Bad command-line usage: the CLI exits with code 2."""

    exit_code = 2
