"""The full load: a story folder's YAML read, checked and built into the model.

:func:`adventure.story.loader.check_story` calls :func:`check_files` when the story
cache has no current entry (and always for an editor's unsaved buffers). It lives apart
from the loader so that a warm start never imports PyYAML or the builder.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple, TypeVar

from adventure.base.errors import Diagnostic
from adventure.base.regularfile import read_regular
from adventure.story import expr as ex
from adventure.story.builder import STORY_KEYS, StoryBuilder
from adventure.story.fields import Collector, suggest
from adventure.story.loader import FORMAT_VERSION, STORY_FILE, LoadReport, ParseMemo
from adventure.story.model import Chapter, Ending, Location, Presentation, Scene, Stat, Story
from adventure.story.yamlsrc import MAX_FILE_BYTES, YMap, YScalar, YValue, decode, parse_text, read_yaml


def check_files(root: Path, overlay: Mapping[str, str] | None = None, memo: ParseMemo | None = None) -> LoadReport:
    out = Collector()
    story_path = root / STORY_FILE
    problem = None if overlay and STORY_FILE in overlay else _not_a_file(story_path)
    if problem is not None:
        folder_problem = _not_a_folder(root)
        if folder_problem is not None:
            out.add(Diagnostic("MM103", f"story folder {root} {folder_problem}", str(root),
                               hint="point at a folder you can read, holding story.yaml"))
        elif problem == _MISSING:
            out.add(Diagnostic("MM103", f"no {STORY_FILE} found in {root}", str(story_path),
                               hint="point at the folder holding story.yaml"))
        else:
            out.add(Diagnostic("MM103", f"{STORY_FILE} {problem}", str(story_path), hint=_UNREADABLE_HINT))
        return LoadReport(None, out.errors, out.warnings)
    files = _Files(root, out, overlay, memo)
    top = files.read(STORY_FILE)
    if top is None and not out.errors:
        out.add(Diagnostic("MM103", "the story file is empty", str(story_path),
                           hint="it must declare format, id, title, start, chapters and stats"))
    builder = StoryBuilder(root, out)
    m = builder.mapping(top, "the story file", Location(str(story_path), 1, 1)) if top is not None else None
    if m is None:
        return LoadReport(None, out.errors, out.warnings, files.names)
    header = _header(builder, m)
    report = _check_files(builder, m, files, header, out, story_path, root)
    report.title = header.title
    return report


def _check_files(builder: StoryBuilder, m: YMap, files: _Files, header: _Header, out: Collector,
                 story_path: Path, root: Path) -> LoadReport:
    """Read the chapters, resolve references and build the story from the header already read."""
    chapters, scenes, endings = _chapters(builder, m, files, header.endings)
    scene_map = _unique(scenes, "scene", out)
    ending_map = _unique(endings, "ending", out)
    _unique(chapters, "chapter", out)
    renamed = _renamed(builder.renames, scene_map, out)
    if not any(d.code.startswith("MM1") for d in out.errors):
        # a file that did not parse would make every reference into it look wrong
        _check_references(builder, scene_map, ending_map, header.start, m, out, renamed, files)
        _check_recalls(builder, scene_map, out, renamed)
    if not out.errors:
        _warn_unused(builder, header.stats, scene_map, ending_map, header.start, out, story_path)
    if out.errors or header.id is None or header.title is None or header.start is None:
        return LoadReport(None, out.errors, out.warnings, files.names)
    story = Story(
        id=header.id, title=header.title, start=header.start, stats=tuple(header.stats),
        chapters=tuple(chapters), scenes=MappingProxyType(scene_map), endings=MappingProxyType(ending_map),
        fingerprint=files.digest.hexdigest()[:16], root=str(root), progress=header.progress,
        subtitle=header.subtitle, presentation=header.presentation,
        renamed=MappingProxyType(renamed), memos=tuple(builder.memos.values()),
    )
    return LoadReport(story, out.errors, out.warnings, files.names)


class _Header(NamedTuple):
    stats: list[Stat]
    id: str | None
    title: str | None
    subtitle: str | None
    start: str | None
    progress: ex.Node | None
    endings: list[Ending]
    presentation: Presentation


def _header(builder: StoryBuilder, m: YMap) -> _Header:
    """The story file's own fields: format, id, title, start, stats, progress, endings."""
    what = "the story file"
    builder.keys(m, STORY_KEYS, what)
    stats = builder.stats(m.items.get("stats"), m.loc) if "stats" in m.items else []  # first: the rest reads them
    version = builder.integer(m, "format", what)
    if version is not None and version != FORMAT_VERSION:
        builder.out.error("MM213", f"unsupported story format {version}", m.items["format"].loc,
                          f"this engine reads format {FORMAT_VERSION}")
    builder.string(m, "description", what)  # for authors only, but it must be text
    progress: ex.Node | None = None
    node = m.items.get("progress")
    if isinstance(node, YScalar) and isinstance(node.value, str):
        progress = builder.expression(node, node.value, ex.StatType.INT)
        if progress is not None:
            _check_progress(builder, node, progress)
    elif node is not None:
        builder.out.error("MM204", "'progress' must be an expression in quotes", node.loc)
    return _Header(
        stats=stats,
        id=builder.ident(m, "id", what),
        title=builder.string(m, "title", what),
        subtitle=builder.string(m, "subtitle", what),
        start=builder.ident(m, "start", what),
        progress=progress,
        endings=[e for e in (builder.ending(v, None, m.loc) for v in builder.sequence(m, "endings", what)) if e],
        presentation=builder.presentation(m.items.get("presentation"), m.loc),
    )


def _check_progress(builder: StoryBuilder, scalar: YScalar, node: ex.Node) -> None:
    """Warn (MM267) when the declared ranges let the progress formula pass 100 (the bar stops there)."""
    from adventure.story.ranges import bounds

    ranges = builder.int_ranges()
    span = bounds(node, ranges)
    if span is None or span[1] <= 100:
        return
    limits = ", ".join(f"{n} up to {ranges[n][1]}" for n in sorted(ex.names(node)) if n in ranges)
    builder.out.warn("MM267", f"'progress' can reach {span[1]} ({limits}), but the bar stops at 100: it would "
                     "sit full before the true ending", scalar.loc,
                     "scale the formula so that it reaches 100 at the true ending")


def _chapters(builder: StoryBuilder, m: YMap, files: _Files,
              endings: list[Ending]) -> tuple[list[Chapter], list[Scene], list[Ending]]:
    """Read every chapter file named by the story file, in order."""
    chapters: list[Chapter] = []
    scenes: list[Scene] = []
    endings = list(endings)
    for index, item in enumerate(builder.sequence(m, "chapters", "the story file")):
        name = _chapter_file(item, builder.out)
        if name is None:
            continue
        before = len(builder.out.errors)
        value = files.read(name, item.loc if isinstance(item, YScalar) else None)
        if value is None:
            if len(builder.out.errors) == before:
                builder.out.add(Diagnostic("MM103", "the chapter file is empty", str(files.root / name),
                                           hint="it needs 'chapter' and 'scenes'"))
            continue
        chapter, chapter_scenes, chapter_endings = builder.chapter(value, name, str(files.root / name), index)
        if chapter:
            chapters.append(chapter)
        scenes.extend(chapter_scenes)
        endings.extend(chapter_endings)
    return chapters, scenes, endings


class _Files:
    """Reads the story's files in order, fingerprinting their bytes as it goes."""

    def __init__(self, root: Path, out: Collector, overlay: Mapping[str, str] | None = None,
                 memo: ParseMemo | None = None):
        self.root, self.out = root, out
        self.overlay = overlay or {}
        self.memo = memo
        self.digest = hashlib.sha256()
        self.names: list[str] = []

    def read(self, name: str, ref: Location | None = None) -> YValue | None:
        """One file's located YAML, or ``None`` after reporting why it could not be read."""
        self.names.append(name)
        path = self.root / name
        display = str(path)
        if name in self.overlay:
            return self._parse(self.overlay[name].encode("utf-8", "surrogatepass"), name, display)
        problem = _not_a_file(path)
        if problem not in (None, _MISSING) and ref is not None:
            self.out.error("MM103", f"chapter file '{name}' {problem}", ref, _UNREADABLE_HINT)
            return None
        if not _inside(path, self.root):
            self.out.error("MM214", f"chapter file '{name}' is outside the story folder", ref or Location(display, 0, 0))
            return None
        if problem == _MISSING and ref is not None:
            self.out.error("MM103", f"chapter file '{name}' not found", ref, _file_hint(self.root, name, self.names))
            return None
        data = _read_bytes(path)
        if data is None:  # let read_yaml name the problem (missing, too large, unreadable)
            value, problems = read_yaml(path, display)
            for diag in problems:
                self.out.add(diag)
            return value
        return self._parse(data, name, display)

    def _parse(self, data: bytes, name: str, display: str) -> YValue | None:
        """Fingerprint, decode and parse one file's bytes, reporting its problems."""
        if len(data) > MAX_FILE_BYTES:
            self.out.add(Diagnostic("MM108", f"file is larger than {MAX_FILE_BYTES} bytes", display))
            return None
        self.digest.update(name.encode() + b"\0" + data + b"\0")
        text, problems = decode(data, display)
        value = None
        if text is not None:
            self.out.lines[display] = text.splitlines()
            known = self.memo.get((display, text)) if self.memo is not None else None
            if known is None:
                known = parse_text(text, display, self.out.lines[display])
                if self.memo is not None:
                    self.memo[(display, text)] = known
            value, problems = known
        for diag in problems:
            self.out.add(diag)
        return value


_MISSING = "not found"
_UNREADABLE_HINT = "it must be a regular file you can read ('ls -l' shows its type and permissions)"


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a story file (``None`` when it is a regular file).

    Every way the file system can refuse is a sentence for the author, never an
    exception: a symbolic link loop, a folder or a pipe where a file should be, a
    file or folder the user may not read.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return _MISSING
    except (OSError, RuntimeError) as exc:
        return _os_problem(exc)
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a pipe, socket or device)"
    if not os.access(path, os.R_OK):
        return "cannot be read: permission denied"
    return None


def _not_a_folder(path: Path) -> str | None:
    """Why ``path`` is not a story folder we can look into (``None`` when it is one)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "does not exist"
    except (OSError, RuntimeError) as exc:
        return _os_problem(exc)
    if not stat.S_ISDIR(mode):
        return "is not a folder"
    if not os.access(path, os.R_OK | os.X_OK):
        return "cannot be read: permission denied"
    return None


def _os_problem(exc: BaseException) -> str:
    """An operating-system refusal as the end of a sentence ("... is a symbolic link loop")."""
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "is a symbolic link loop"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    return f"cannot be read: {getattr(exc, 'strerror', None) or exc}"


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symbolic link loop (RuntimeError before Python 3.13)
        return False


def _read_bytes(path: Path) -> bytes | None:
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except OSError:
        return None


def _file_hint(root: Path, name: str, listed: list[str]) -> str:
    """A file of the folder the name may have meant: one not listed already (that one is found)."""
    present = [p for p in _yaml_files(root) if p not in listed]
    return suggest(name, present) or "paths are relative to the folder holding story.yaml"


def _yaml_files(root: Path) -> list[str]:
    """The folder's ``.yaml`` files other than story.yaml (never a chapter)."""
    try:
        return sorted(p.name for p in root.glob("*.yaml") if p.name != STORY_FILE)
    except OSError:
        return []


def _unlisted(root: Path, listed: list[str], kind: str, name: str) -> str | None:
    """The hint for an id defined in a chapter file that story.yaml does not list."""
    pattern = re.compile(rf"^\s*-?\s*id:\s*['\"]?{re.escape(name)}['\"]?\s*(#.*)?$", re.MULTILINE)
    for file in _yaml_files(root):
        if file in listed:
            continue
        data = _read_bytes(root / file)
        if data is not None and pattern.search(data.decode("utf-8", "replace")):
            return f"'{name}' is a {kind} in {file}, which story.yaml does not list: add '- {file}' under 'chapters'"
    return None


def _chapter_file(item: YValue, out: Collector) -> str | None:
    if isinstance(item, YScalar) and isinstance(item.value, str) and item.value.strip():
        return item.value
    out.error("MM204", "each chapter entry must be a file name", item.loc, "for example: - 01-fields.yaml")
    return None


_Item = TypeVar("_Item", Scene, Ending, Chapter)


def _unique(items: list[_Item], kind: str, out: Collector) -> dict[str, _Item]:
    result: dict[str, _Item] = {}
    for item in items:
        if item.id in result:
            first = result[item.id].location
            where = f" (first in {first.file} line {first.line})" if first else ""
            out.error("MM208", f"duplicate {kind} id '{item.id}'{where}", item.location or Location("?", 0, 0),
                      f"{kind} ids must be unique across the story")
            continue
        result[item.id] = item
    return result


def _renamed(renames: list[tuple[str, str, Location]], scenes: Mapping[str, Scene], out: Collector) -> dict[str, str]:
    """Old scene id -> current id; an old id that is a current scene or claimed twice is MM216."""
    result: dict[str, str] = {}
    for old, new, loc in renames:
        if old in scenes:
            out.error("MM216", f"scene '{new}' was renamed from '{old}', but '{old}' is still a scene", loc,
                      "an old id cannot also be a current one: old runs would be ambiguous")
        elif old in result and result[old] != new:
            out.error("MM216", f"scenes '{result[old]}' and '{new}' both claim the old id '{old}'", loc,
                      "keep the old id on the scene that replaced it")
        else:
            result[old] = new
    return result


def _check_references(builder: StoryBuilder, scenes: dict[str, Scene], endings: dict[str, Ending], start: str | None,
                      m: YMap, out: Collector,
                      renamed: dict[str, str] | None = None, files: _Files | None = None) -> None:
    """MM402/MM403: the start scene, and every scene or ending a choice leads to, exists."""
    renamed = renamed or {}
    _check_start(builder, scenes, start, m, out, renamed)
    for target, loc in builder.targets:
        if target.name in builder.declared:
            continue  # written but invalid: its own error already says why
        if target.scene is not None and target.scene not in scenes:
            out.error("MM402", f"no scene called '{target.scene}'", loc,
                      _missing_scene_hint(target.scene, scenes, endings, renamed, files))
        if target.ending is not None and target.ending not in endings:
            out.error("MM403", f"no ending called '{target.ending}'", loc,
                      _missing_ending_hint(target.ending, scenes, endings, files))


def _check_start(builder: StoryBuilder, scenes: dict[str, Scene], start: str | None, m: YMap, out: Collector,
                 renamed: dict[str, str]) -> None:
    """MM402 for a ``start:`` naming no scene (one written with an error already has its own)."""
    if start is not None and start not in scenes and f"scene:{start}" not in builder.declared:
        out.error("MM402", f"start scene '{start}' does not exist", m.items["start"].loc,
                  _was_renamed(start, renamed) or suggest(start, scenes) or "name a scene id from a chapter file")


def _missing_scene_hint(name: str, scenes: dict[str, Scene], endings: dict[str, Ending], renamed: dict[str, str],
                        files: _Files | None) -> str:
    """The likeliest reason a scene is missing, first found wins: it was renamed, its file is
    not listed, it is misspelt, or it is an ending."""
    return (_was_renamed(name, renamed) or _unlisted_in(files, "scene", name)
            or suggest(name, scenes) or _other_kind(name, endings, "ending"))


def _missing_ending_hint(name: str, scenes: dict[str, Scene], endings: dict[str, Ending], files: _Files | None) -> str:
    """The likeliest reason an ending is missing: its file is not listed, it is misspelt, or it is a scene."""
    return _unlisted_in(files, "ending", name) or suggest(name, endings) or _other_kind(name, scenes, "scene")


def _unlisted_in(files: _Files | None, kind: str, name: str) -> str | None:
    """:func:`_unlisted` for the files read so far (none known: no hint)."""
    return _unlisted(files.root, files.names, kind, name) if files is not None else None


def _check_recalls(builder: StoryBuilder, scenes: dict[str, Scene], out: Collector, renamed: dict[str, str]) -> None:
    """MM404: every ``seen()`` names a scene and every ``chose()`` a choice, with a "did you mean"."""
    every_choice = sorted({c.id for scene in scenes.values() for c in scene.choices})
    reported: set[tuple[str, Location]] = set()
    for recall, loc in builder.recall_uses:
        problem = _recall_problem(recall, scenes, every_choice, renamed)
        if problem is not None and (recall.key, loc) not in reported:
            reported.add((recall.key, loc))
            out.error("MM404", f"`{recall.key}`: {problem[0]}", loc, problem[1])


def _recall_problem(recall: ex.Recall, scenes: dict[str, Scene], every_choice: list[str],
                    renamed: dict[str, str]) -> tuple[str, str] | None:
    """What is wrong with a ``seen()``/``chose()`` target (message, hint), or ``None``."""
    scene_id, dot, choice_id = recall.target.partition(".")
    if recall.fn == "seen" or dot:
        if scene_id not in scenes:
            return (f"no scene called '{scene_id}'",
                    _was_renamed(scene_id, renamed) or suggest(scene_id, scenes) or "name a scene id from a chapter file")
        if recall.fn == "seen":
            return None
        ids = [c.id for c in scenes[scene_id].choices]
        if choice_id in ids:
            return None
        return (f"scene '{scene_id}' has no choice '{choice_id}'",
                suggest(choice_id, ids) or "its choices are: " + ", ".join(ids))
    if recall.target in every_choice:
        return None
    hint = suggest(recall.target, every_choice)
    if recall.target in scenes:
        hint = f"'{recall.target}' is a scene: write seen({recall.target})"
    return f"no choice called '{recall.target}' in any scene", hint or "name a choice id (or scene.choice)"


def _was_renamed(name: str, renamed: dict[str, str]) -> str | None:
    """The hint for a reference to an old id: old runs still find it, the story must use the new one."""
    return f"'{name}' was renamed to '{renamed[name]}': use the new id" if name in renamed else None


def _other_kind(name: str, other: Mapping[str, object], kind: str) -> str:
    if name in other:
        return f"'{name}' is {'an' if kind == 'ending' else 'a'} {kind}: use '{kind}: {name}'"
    return "declare it, or check the spelling"


def _warn_unused(builder: StoryBuilder, stats: list[Stat], scenes: dict[str, Scene], endings: dict[str, Ending],
                 start: str | None, out: Collector, story_path: Path) -> None:
    targeted_scenes = {t.scene for t, _ in builder.targets if t.scene} | {start}
    targeted_endings = {t.ending for t, _ in builder.targets if t.ending}
    for scene in scenes.values():
        if scene.id not in targeted_scenes:
            out.warn("MM250", f"scene '{scene.id}' is never the target of a choice", scene.location or Location("?", 0, 0),
                     "link to it from a choice, or remove it")
    for ending in endings.values():
        if ending.id not in targeted_endings:
            out.warn("MM251", f"ending '{ending.id}' is never the target of a choice", ending.location or Location("?", 0, 0))
    for declared in stats:
        if declared.name not in builder.stat_reads and not declared.show:
            out.warn("MM252", f"stat '{declared.name}' is never read by a condition or text, and not shown",
                     declared.location or Location(str(story_path), 0, 0),
                     "read it somewhere, set show: true, or remove it")
