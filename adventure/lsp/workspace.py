"""A story folder as the editor sees it: the files on disk with the open buffers over them.

Each check runs :func:`adventure.story.loader.check_story` (the loader and checker of
``million-miles check``) with the unsaved buffers as an overlay, and builds the id index
from the same texts. The last story that loaded is kept, so hover and the explorer's
findings still have a model while a buffer is half typed.
"""

from __future__ import annotations

import os
import stat
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from adventure.base.errors import Diagnostic
from adventure.lsp.index import STORY_FILE, FileIndex, StoryIndex, index_file, stat_names
from adventure.story.loader import LoadReport, ParseMemo, check_story
from adventure.story.model import Story
from adventure.story.yamlsrc import MAX_FILE_BYTES, YValue, parse_text


def story_root(path: Path) -> Path | None:
    """The story folder a file belongs to: the nearest folder upwards holding story.yaml."""
    for folder in [path.parent, *path.parent.parents][:6]:
        try:
            if (folder / STORY_FILE).is_file():
                return folder
        except OSError:
            return None
    return None


def read_text(path: Path) -> str | None:
    """A file's text if it is a regular, readable, bounded UTF-8 file; else ``None``."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


@dataclass
class Checked:
    """One check of a story folder: the load report, the index, diagnostics by file."""

    report: LoadReport
    index: StoryIndex
    by_file: dict[str, list[Diagnostic]]
    seconds: float = 0.0


@dataclass
class StoryFolder:
    """One story folder: its open buffers, its last check and its last good story."""

    root: Path
    buffers: dict[str, str] = field(default_factory=dict)
    """Open buffers by file name relative to the folder (``02-ward.yaml``)."""
    checked: Checked | None = None
    good: Story | None = None
    good_index: StoryIndex | None = None
    """The index of the last check that loaded: where ids were before an edit broke them."""
    published: set[str] = field(default_factory=set)
    """Files that were last sent diagnostics (so clearing them is remembered)."""
    lock: threading.Lock = field(default_factory=threading.Lock)
    checking: threading.Lock = field(default_factory=threading.Lock)
    memo: ParseMemo = field(default_factory=dict)
    """Each file's parse by its text, shared by the loader and the index: an edit re-parses one file."""
    indexed: dict[tuple[str, str, tuple[str, ...]], FileIndex] = field(default_factory=dict)
    translated: list[Diagnostic] = field(default_factory=list)
    """The last check of the story's translations (``locale/*.po``)."""

    def name_of(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return None

    def text_of(self, name: str) -> str | None:
        """The buffer if open, else the file on disk."""
        if name in self.buffers:
            return self.buffers[name]
        return read_text(self.root / name)

    def check(self, translations: bool = False) -> Checked:
        """Load the folder with the buffers over it; index it; sort diagnostics by file.

        One check at a time per folder (a check still running when the next edit's
        starts is finished first): they share the parse memo. ``translations`` also
        checks each ``locale/*.po`` against the story, as ``check`` does (on opening and
        saving: a keystroke in a chapter does not move a catalogue's lines, so its last
        findings stand meanwhile).
        """
        with self.checking:
            return self._check(translations)

    def _check(self, translations: bool = False) -> Checked:
        import time

        start = time.perf_counter()
        with self.lock:
            buffers = dict(self.buffers)
        overlay = {name: text for name, text in buffers.items() if _plain_name(name)}
        report = check_story(self.root, overlay=overlay, memo=self.memo)  # the collector: cli/_memory.py serving()
        index = self.build_index()
        self.prune(index)
        if translations and report.story is not None and report.ok:
            self.translated = translation_diagnostics(report.story)
        by_file = sort_by_file(self.root, [*report.errors, *report.warnings, *self.translated])
        mirror(by_file, report.errors, index, self.good_index)
        checked = Checked(report, index, by_file, time.perf_counter() - start)
        self.checked = checked
        if report.story is not None:
            self.good, self.good_index = report.story, index
        return checked

    def build_index(self) -> StoryIndex:
        index = StoryIndex()
        story_text = self.text_of(STORY_FILE) or ""
        story_path = str(self.root / STORY_FILE)
        stats = tuple(stat_names(self.parse(story_path, story_text)))
        index.files[story_path] = self.index_one(story_path, story_text, stats, True)
        for name in index.files[story_path].chapter_files:
            if not _plain_name(name):
                continue
            text = self.text_of(name)
            path = str(self.root / name)
            index.files[path] = self.index_one(path, text, stats, False) if text is not None else FileIndex(path)
        return index

    def parse(self, path: str, text: str) -> YValue | None:
        """A file's located YAML, from the memo the loader filled when it can."""
        known = self.memo.get((path, text))
        if known is None:
            try:
                known = parse_text(text, path, text.splitlines())
            except (RecursionError, MemoryError, ValueError):
                known = (None, [])
            self.memo[(path, text)] = known
        return known[0]

    def index_one(self, path: str, text: str, stats: tuple[str, ...], story_file: bool) -> FileIndex:
        key = (path, text, stats)
        if key not in self.indexed:
            self.indexed[key] = index_file(path, self.parse(path, text), text.splitlines(), stats, story_file)
        return self.indexed[key]

    def prune(self, index: StoryIndex) -> None:
        """Forget the parses of texts no longer current (each edit would otherwise keep one)."""
        current = {(path, self.text_of(self.name_of(Path(path)) or "") or "") for path in index.files}
        for key in [k for k in self.memo if k not in current]:
            del self.memo[key]
        for ikey in [k for k in self.indexed if (k[0], k[1]) not in current]:
            del self.indexed[ikey]


def translation_diagnostics(story: Story) -> list[Diagnostic]:
    """Every language's problems, as ``check`` reports them (missing strings left to ``check``)."""
    from adventure.i18n.files import languages

    found = languages(story.root)
    if not found:
        return []
    from adventure.i18n.translate import check_translation

    result: list[Diagnostic] = []
    for language in found:
        report = check_translation(story, language)
        result += [d for d in [*report.errors, *report.warnings] if d.code != "MM705"]
    return result


def _plain_name(name: str) -> bool:
    """A file name the overlay may stand for: inside the folder, no parent steps."""
    return bool(name) and not name.startswith("/") and ".." not in Path(name).parts


def sort_by_file(root: Path, diagnostics: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    """Diagnostics by the absolute path of their file (a folder-level one goes to story.yaml)."""
    result: dict[str, list[Diagnostic]] = defaultdict(list)
    for diag in diagnostics:
        path = Path(diag.file)
        if not path.is_absolute():
            path = root / path
        if path == root or not path.suffix:
            path = root / STORY_FILE
        result[str(path)].append(diag)
    return dict(result)


def mirror(by_file: dict[str, list[Diagnostic]], errors: list[Diagnostic], index: StoryIndex,
           previous: StoryIndex | None) -> None:
    """Show an error in the other file it comes from, too.

    A ``goto`` to a scene that another chapter renamed or removed is reported at the
    ``goto``; the author is editing the other file, so the error appears there as well, at
    the place the id was defined (in the previous check, when it is gone now). A
    duplicate id appears at its first definition too.
    """
    import re

    for diag in errors:
        found = re.match(r"no (scene|ending) called '([^']*)'", diag.message) or \
            re.match(r"duplicate (scene|ending) id '([^']*)'", diag.message)
        if not found:
            continue
        kind, name = found.group(1), found.group(2)
        places = index.definitions(kind, name)  # type: ignore[arg-type]
        if not places and previous is not None:
            places = previous.definitions(kind, name)  # type: ignore[arg-type]
        for place in places:
            if place.file == diag.file and place.line + 1 == diag.line:
                continue
            by_file.setdefault(place.file, []).append(Diagnostic(
                diag.code, f"{diag.message} (from {os.path.basename(diag.file)}:{diag.line})", place.file,
                place.line + 1, place.character + 1, diag.hint, diag.severity))
            break
