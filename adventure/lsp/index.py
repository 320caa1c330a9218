"""Where every scene, ending, stat, choice and chapter id is defined and used, file by file.

The loader builds a model, not a cross-reference: an editor asks "what is under the
cursor, where is it defined, who uses it" of files that may not even load. This index
reads each file's located YAML (the loader's own reader, :mod:`adventure.story.yamlsrc`)
and records each id occurrence with its exact place: ``goto:``/``scene:``/``ending:``
values, ``id:`` keys, stat names as effect keys, in expressions and inside ``{…}``.
A file that does not parse contributes nothing, and the rest of the index still works.

Positions here are 0-based (line, character), as the Language Server Protocol counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from adventure.story.fields import offset_location
from adventure.story.model import Location
from adventure.story.yamlsrc import YMap, YScalar, YSeq, YValue

Kind = Literal["scene", "ending", "stat", "choice", "chapter", "file"]
Role = Literal["def", "ref", "old"]
"""``def`` where the id is declared, ``ref`` where it is used, ``old`` a ``renamed_from`` entry."""

STORY_FILE = "story.yaml"
_NAME = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|([A-Za-z_][A-Za-z0-9_]*)")
_TAG = re.compile(r"\{([^{}]*)\}")
_TEMPLATE_KEYS = frozenset({"text", "label", "locked", "remember", "title", "subtitle"})
_EXPR_KEYS = frozenset({"if", "compute", "progress"})
_EFFECT_KEYS = ("set", "add", "subtract")
_STAT_LISTS = frozenset({"saves_columns", "summary_stats"})


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One id written somewhere: what it names, and exactly where."""

    kind: Kind
    name: str
    role: Role
    file: str
    line: int
    character: int
    scope: str | None = None
    """For a choice, the scene it belongs to (choice ids are unique per scene only)."""
    context: str | None = None
    """For a stat reference in an effect, ``scene/choice`` that changes it."""

    @property
    def end(self) -> int:
        return self.character + len(self.name)

    def covers(self, line: int, character: int) -> bool:
        return self.line == line and self.character <= character <= self.end

    @property
    def key(self) -> tuple[Kind, str, str | None]:
        return self.kind, self.name, self.scope


@dataclass(slots=True)
class Outline:
    """A node of a file's outline (chapter, scene, choice, ending, stat), with its extent."""

    kind: Kind
    name: str
    title: str
    line: int
    character: int
    end_line: int
    children: list[Outline] = field(default_factory=list)


@dataclass(slots=True)
class SceneInfo:
    """What a hover says about a scene or ending, read from its YAML even when the story fails."""

    title: str
    chapter: str | None
    text: str
    file: str


@dataclass(slots=True)
class StatInfo:
    """A stat's declaration as written: its type, range, initial value or formula."""

    type: str
    minimum: object = None
    maximum: object = None
    initial: object = None
    compute: str | None = None
    label: str | None = None


@dataclass(slots=True)
class FileIndex:
    """One file's occurrences and outline (empty when the file does not parse)."""

    path: str
    occurrences: list[Occurrence] = field(default_factory=list)
    outline: list[Outline] = field(default_factory=list)
    chapter_files: list[str] = field(default_factory=list)
    scenes: dict[str, SceneInfo] = field(default_factory=dict)
    stats: dict[str, StatInfo] = field(default_factory=dict)
    parsed: bool = False


@dataclass(slots=True)
class StoryIndex:
    """Every file's index, and lookups across them."""

    files: dict[str, FileIndex] = field(default_factory=dict)

    def all(self) -> Iterator[Occurrence]:
        for index in self.files.values():
            yield from index.occurrences

    def at(self, path: str, line: int, character: int) -> Occurrence | None:
        index = self.files.get(path)
        if index is None:
            return None
        return next((o for o in index.occurrences if o.covers(line, character)), None)

    def definitions(self, kind: Kind, name: str, scope: str | None = None) -> list[Occurrence]:
        return [o for o in self.all() if o.role == "def" and o.kind == kind and o.name == name
                and (kind != "choice" or scope is None or o.scope == scope)]

    def uses(self, target: Occurrence) -> list[Occurrence]:
        """Every occurrence of the same id (its definition, its uses, its old names)."""
        return [o for o in self.all() if o.kind == target.kind and o.name == target.name
                and (target.kind != "choice" or o.scope == target.scope)]

    def names(self, kind: Kind) -> list[str]:
        seen: dict[str, None] = {}
        for o in self.all():
            if o.kind == kind and o.role == "def":
                seen.setdefault(o.name)
        return list(seen)

    def scene_info(self, name: str) -> SceneInfo | None:
        return next((f.scenes[name] for f in self.files.values() if name in f.scenes), None)

    def stat_info(self, name: str) -> StatInfo | None:
        return next((f.stats[name] for f in self.files.values() if name in f.stats), None)

    def chapter_files(self) -> list[str]:
        story = next((f for p, f in self.files.items() if p.endswith(STORY_FILE)), None)
        return story.chapter_files if story else []


def stat_names(value: YValue | None) -> list[str]:
    """The stat names declared in a story file's ``stats:`` (none when it does not parse)."""
    if isinstance(value, YMap) and isinstance(value.items.get("stats"), YMap):
        stats = value.items["stats"]
        assert isinstance(stats, YMap)
        return list(stats.items)
    return []


def index_file(path: str, value: YValue | None, lines: list[str], stats: Iterable[str], story_file: bool) -> FileIndex:
    """Index one file's located YAML; ``stats`` are the names that count as stat references."""
    result = FileIndex(path)
    if not isinstance(value, YMap):
        return result
    result.parsed = True
    _Walker(result, frozenset(stats), {path: lines}).file(value, story_file)
    return result


class _Walker:
    """Walks one file's located YAML, recording occurrences by the key each value sits under."""

    def __init__(self, out: FileIndex, stats: frozenset[str], lines: Mapping[str, list[str]]):
        self.out, self.stats, self.lines = out, stats, dict(lines)
        self.last_line = max(len(next(iter(lines.values()), [])) - 1, 0)

    def add(self, kind: Kind, name: object, role: Role, loc: Location, scope: str | None = None,
            context: str | None = None, offset: int = 0) -> None:
        if isinstance(name, str) and name and loc.line > 0:
            self.out.occurrences.append(Occurrence(kind, name, role, self.out.path, loc.line - 1,
                                                   max(loc.column - 1 + offset, 0), scope, context))

    def scalar_id(self, kind: Kind, value: YValue | None, role: Role, scope: str | None = None) -> str | None:
        if isinstance(value, YScalar) and isinstance(value.value, str):
            quote = 1 if value.raw[:1] in "'\"" or self._quoted(value) else 0
            self.add(kind, value.value, role, value.loc, scope, offset=quote)
            return value.value
        return None

    def _quoted(self, value: YScalar) -> bool:
        lines = self.lines.get(value.loc.file, [])
        line = lines[value.loc.line - 1] if 0 < value.loc.line <= len(lines) else ""
        return line[value.loc.column - 1:value.loc.column] in ("'", '"')

    def file(self, m: YMap, story_file: bool) -> None:
        if story_file:
            self.story(m)
        else:
            self.chapter_file(m)

    # --- the story file ---

    def story(self, m: YMap) -> None:
        self.scalar_id("scene", m.items.get("start"), "ref")
        self.expression(m.items.get("progress"))
        chapters = m.items.get("chapters")
        if isinstance(chapters, YSeq):
            for item in chapters.items:
                if isinstance(item, YScalar) and isinstance(item.value, str):
                    self.out.chapter_files.append(item.value)
                    self.add("file", item.value, "ref", item.loc)
        stats = m.items.get("stats")
        if isinstance(stats, YMap):
            for name, spec in stats.items.items():
                self.add("stat", name, "def", stats.key_locs[name])
                self.out.stats[name] = _stat_info(spec)
                self.out.outline.append(Outline("stat", name, self.out.stats[name].label or name,
                                                stats.key_locs[name].line - 1, stats.key_locs[name].column - 1,
                                                stats.key_locs[name].line - 1))
                if isinstance(spec, YMap):
                    self.expression(spec.items.get("compute"))
                    self.expression(spec.items.get("show"))
        self.endings(m.items.get("endings"), None)
        presentation = m.items.get("presentation")
        if isinstance(presentation, YMap):
            for key in _STAT_LISTS:
                names = presentation.items.get(key)
                if isinstance(names, YSeq):
                    for item in names.items:
                        self.scalar_id("stat", item, "ref")

    # --- a chapter file ---

    def chapter_file(self, m: YMap) -> None:
        chapter = m.items.get("chapter")
        chapter_id = None
        if isinstance(chapter, YMap):
            chapter_id = self.scalar_id("chapter", chapter.items.get("id"), "def")
            self.generic(chapter, None)
            if chapter_id:
                title = chapter.items.get("title")
                self.out.outline.append(Outline("chapter", chapter_id, _text(title) or chapter_id,
                                                chapter.loc.line - 1, chapter.loc.column - 1, self.last_line))
        scenes = m.items.get("scenes")
        if isinstance(scenes, YSeq):
            for number, item in enumerate(scenes.items):
                end = _end_line(scenes.items, number, self.last_line)
                if isinstance(item, YMap):
                    self.scene(item, chapter_id, end)
        self.endings(m.items.get("endings"), chapter_id)

    def scene(self, m: YMap, chapter: str | None, end: int) -> None:
        scene_id = self.scalar_id("scene", m.items.get("id"), "def")
        self.old_ids("scene", m.items.get("renamed_from"), None)
        node = Outline("scene", scene_id or "?", _text(m.items.get("title")) or (scene_id or "?"),
                       m.loc.line - 1, m.loc.column - 1, end)
        if scene_id:
            self.out.scenes[scene_id] = SceneInfo(_text(m.items.get("title")) or scene_id, chapter,
                                                  _text(m.items.get("text")) or "", self.out.path)
            self._attach(node)
        for key in ("title", "text"):
            self.template(m.items.get(key))
        self.effects(m.items.get("on_enter"), f"{scene_id} (on entering)")
        choices = m.items.get("choices")
        if isinstance(choices, YSeq):
            for number, item in enumerate(choices.items):
                if isinstance(item, YMap):
                    child = self.choice(item, scene_id, _end_line(choices.items, number, end))
                    if child is not None:
                        node.children.append(child)

    def _attach(self, node: Outline) -> None:
        chapter = next((o for o in self.out.outline if o.kind == "chapter"), None)
        (chapter.children if chapter else self.out.outline).append(node)

    def choice(self, m: YMap, scene: str | None, end: int) -> Outline | None:
        choice_id = self.scalar_id("choice", m.items.get("id"), "def", scene)
        self.old_ids("choice", m.items.get("renamed_from"), scene)
        for key in ("label", "locked", "remember"):
            self.template(m.items.get(key))
        self.expression(m.items.get("if"))
        self.effects(m.items.get("effects"), f"{scene}/{choice_id}")
        self.goto(m.items.get("goto"))
        self.scalar_id("ending", m.items.get("ending"), "ref")
        if choice_id is None:
            return None
        return Outline("choice", choice_id, _text(m.items.get("label")) or choice_id, m.loc.line - 1,
                       m.loc.column - 1, end)

    def goto(self, value: YValue | None) -> None:
        if isinstance(value, YScalar):
            self.scalar_id("scene", value, "ref")
        elif isinstance(value, YSeq):
            for item in value.items:
                self.target(item)
        elif isinstance(value, YMap):
            draws = value.items.get("random")
            if isinstance(draws, YSeq):
                for item in draws.items:
                    self.target(item)

    def target(self, item: YValue) -> None:
        if isinstance(item, YMap):
            self.scalar_id("scene", item.items.get("scene"), "ref")
            self.scalar_id("ending", item.items.get("ending"), "ref")
            self.expression(item.items.get("if"))
            self.effects(item.items.get("effects"), None)
            self.template(item.items.get("remember"))

    def endings(self, value: YValue | None, chapter: str | None) -> None:
        if not isinstance(value, YSeq):
            return
        for item in value.items:
            if isinstance(item, YMap):
                ending_id = self.scalar_id("ending", item.items.get("id"), "def")
                if ending_id:
                    self.out.scenes[ending_id] = SceneInfo(_text(item.items.get("title")) or ending_id, chapter,
                                                           _text(item.items.get("text")) or "", self.out.path)
                    self._attach(Outline("ending", ending_id, _text(item.items.get("title")) or ending_id,
                                         item.loc.line - 1, item.loc.column - 1, item.loc.line - 1))
                for key in ("title", "text"):
                    self.template(item.items.get(key))

    def old_ids(self, kind: Kind, value: YValue | None, scope: str | None) -> None:
        items = value.items if isinstance(value, YSeq) else [value] if value is not None else []
        for item in items:
            self.scalar_id(kind, item, "old", scope)

    def effects(self, value: YValue | None, context: str | None) -> None:
        if not isinstance(value, YSeq):
            return
        for item in value.items:
            if not isinstance(item, YMap):
                continue
            for op in _EFFECT_KEYS:
                changes = item.items.get(op)
                if isinstance(changes, YMap):
                    for name, amount in changes.items.items():
                        self.add("stat", name, "ref", changes.key_locs[name], context=context)
                        if isinstance(amount, YScalar) and isinstance(amount.value, str):
                            if "{" in amount.value:
                                self.template(amount)
                            else:
                                self.expression(amount)

    def generic(self, value: YValue | None, key: str | None) -> None:
        """Milestones and the like: templates and conditions wherever their keys say."""
        if isinstance(value, YMap):
            for k, v in value.items.items():
                if k in _TEMPLATE_KEYS:
                    self.template(v)
                elif k in _EXPR_KEYS:
                    self.expression(v)
                else:
                    self.generic(v, k)
        elif isinstance(value, YSeq):
            for item in value.items:
                self.generic(item, key)

    # --- names inside expressions and templates ---

    def expression(self, value: YValue | None, base: int = 0, source: str | None = None) -> None:
        if not isinstance(value, YScalar) or not isinstance(value.value, str):
            return
        text = value.value if source is None else source
        for match in _NAME.finditer(text):
            name = match.group(1)
            if name and name in self.stats:
                loc = offset_location(value, base + match.start(1), self.lines)
                self.add("stat", name, "ref", loc)

    def template(self, value: YValue | None) -> None:
        if not isinstance(value, YScalar) or not isinstance(value.value, str):
            return
        for tag in _TAG.finditer(value.value):
            self.expression(value, tag.start(1), tag.group(1))


def _stat_info(spec: YValue) -> StatInfo:
    if not isinstance(spec, YMap):
        return StatInfo("?")

    def get(key: str) -> object:
        v = spec.items.get(key)
        return v.value if isinstance(v, YScalar) else None

    compute = get("compute")
    label = get("label")
    return StatInfo(str(get("type") or "?"), get("min"), get("max"), get("initial"),
                    compute if isinstance(compute, str) else None, label if isinstance(label, str) else None)


def _text(value: YValue | None) -> str | None:
    return str(value.value) if isinstance(value, YScalar) and value.value is not None else None


def _end_line(items: list[YValue], number: int, last: int) -> int:
    """The last line of list item ``number``: the line before the next item, or ``last``."""
    if number + 1 < len(items):
        return max(items[number + 1].loc.line - 2, items[number].loc.line - 1)
    return last
