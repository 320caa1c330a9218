"""Which words of a story a translator translates, each keyed by the ids around it.

One declarative table, :data:`TRANSLATABLE`, names the translatable fields of each
model class; :data:`EXCLUDED` names the text fields that are not (ids, formulas,
file names), each with its reason. A test fails when a model class gains a ``str`` or
``Template`` field that is in neither, so a new field is one line here.

Every string gets a stable key (the PO ``msgctxt``) built from ids, e.g.
``scene:fields_rows:text`` or ``choice:fields_rows:study:label``: translations survive
reordering scenes, choices and files, and are never matched by position.

:func:`walk` visits every node that carries translatable fields, with its key prefix,
and rebuilds the story from what the visitor returns, so the same traversal both
extracts the strings (:func:`story_strings`) and applies a translation
(:func:`adventure.i18n.translate.translate_story`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, cast

from adventure.story import model as m
from adventure.story.template import Template, TemplateError, parse_template, template_names

TRANSLATABLE: Mapping[type, tuple[str, ...]] = {
    m.Story: ("title", "subtitle"),
    m.Stat: ("label", "description", "prefix", "suffix", "suffix_one", "zero", "shown_as"),
    m.Chapter: ("title", "subtitle"),
    m.Scene: ("title", "text"),
    m.Choice: ("label", "locked", "remember"),
    m.Ending: ("title", "text"),
    m.Target: ("remember",),
    m.Milestone: ("title",),
    m.Need: ("label",),
    m.Presentation: ("progress_label", "progress_sentence", "countdown_prefix", "countdown_end"),
}
"""Translatable fields by model class; the key of each is ``PREFIX:FIELD``."""

EXCLUDED: Mapping[type, Mapping[str, str]] = {
    m.Stat: {"name": "an id read by expressions", "formula": "an expression", "inputs": "stat names",
             "group": "an id; its shown name is translated once per group, as 'group:NAME'"},
    m.Effect: {"stat": "an id", "source": "an expression", "op": "a keyword"},
    m.Target: {"scene": "an id", "ending": "an id"},
    m.Goto: {"kind": "a keyword"},
    m.Choice: {"id": "an id", "renamed_from": "ids"},
    m.Scene: {"id": "an id", "chapter": "an id", "renamed_from": "ids"},
    m.Presentation: {"saves_columns": "stat names", "summary_stats": "stat names",
                     "run_header": "a comment in run files, which read the same in every language"},
    m.Ending: {"id": "an id", "chapter": "an id"},
    m.Memo: {"key": "an expression", "scene": "an id", "choice": "an id"},
    m.Chapter: {"id": "an id", "file": "a path", "scenes": "ids"},
    m.Story: {"id": "an id", "start": "an id", "fingerprint": "a digest", "root": "a path",
              "renamed": "old ids to new ids"},
}
"""Text fields that are deliberately not translated, with the reason."""

FIELD_NOTES: Mapping[str, str] = {
    "label": "its label", "text": "its text", "title": "its title", "subtitle": "its subtitle",
    "description": "its description", "prefix": "written before its value (as in $3k)",
    "suffix": "written after its value (as in $3k)", "suffix_one": "written after its value when it is 1",
    "zero": "shown instead of its value when it is 0",
    "shown_as": "how its value is worded: keep {value} where the number goes (as in ${value}k)",
    "locked": "why it is locked",
    "remember": "a line of the end-of-run summary", "progress_label": "the progress bar's label",
    "progress_sentence": "the progress line in plain mode, before the percentage",
    "countdown_prefix": "before each number of a countdown", "countdown_end": "the countdown's last words",
}
"""What a field is, for the translator's comment (``scene "Grapes" (fields_rows): its text``)."""

GROUP = "group"
"""Key prefix of a stat group's shown name: every stat of the group shares one string."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One translatable string of a story, as the catalogue shows it to a translator."""

    key: str
    source: str
    is_template: bool
    file: str
    line: int
    context: str
    """Where it is shown, e.g. ``scene "In the rows" (fields_rows)``."""
    stats: tuple[str, ...] = ()
    """The stats the template's ``{…}`` read, for the translator's comment."""

    @property
    def comment(self) -> str:
        """The extracted comment (``#.``) of the PO entry."""
        words = self.context
        if self.stats:
            words += "; {…} read the stats: " + ", ".join(self.stats)
        return words


Visit = Callable[[str, Any, str], Any]
"""``visit(prefix, node, context) -> node``: may return a changed copy of the node."""


def walk(story: m.Story, visit: Visit) -> m.Story:
    """Visit every node with translatable fields (inner first) and rebuild the story."""
    stats = tuple(visit(f"stat:{s.name}", s, f"stat '{s.name}'") for s in story.stats)
    chapters = tuple(_chapter(c, visit) for c in story.chapters)
    scenes = {key: _scene(scene, visit) for key, scene in story.scenes.items()}
    endings = {key: visit(f"ending:{e.id}", e, f"ending '{e.id}'") for key, e in story.endings.items()}
    presentation = visit("presentation", story.presentation, "the story's words for the program's screens")
    rebuilt = replace(story, stats=stats, chapters=chapters, scenes=MappingProxyType(scenes),
                      endings=MappingProxyType(endings), presentation=presentation)
    return cast(m.Story, visit("story", rebuilt, "the story"))


def _chapter(chapter: m.Chapter, visit: Visit) -> m.Chapter:
    """A chapter and its milestones, keyed by their conditions (milestones have no ids)."""
    prefix, where = f"chapter:{chapter.id}", f"chapter {chapter.index + 1} ({chapter.id})"
    milestones = getattr(chapter, "milestones", ())
    if milestones:
        rebuilt, seen = [], _Unique()
        for milestone in milestones:
            key = seen(f"{prefix}:milestone" + _when(milestone.condition))
            needs, needs_seen = [], _Unique()
            for need in milestone.needs:
                need_key = needs_seen(f"{key}:need" + _when(need.condition))
                needs.append(visit(need_key, need, f"a requirement of the milestone of {where}"))
            rebuilt.append(visit(key, replace(milestone, needs=tuple(needs)), f"the milestone of {where}"))
        chapter = replace(chapter, milestones=tuple(rebuilt))
    return cast(m.Chapter, visit(prefix, chapter, where))


def _when(condition: object) -> str:
    """``[maths >= 2]`` for a condition, nothing for none: part of a milestone's key."""
    from adventure.story.expr import to_source

    return f"[{to_source(condition)}]" if condition is not None else ""  # type: ignore[arg-type]


class _Unique:
    """Makes keys unique within one list: a repeated key gets ``#2``, ``#3``."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, key: str) -> str:
        self.seen[key] = self.seen.get(key, 0) + 1
        return key if self.seen[key] == 1 else f"{key}#{self.seen[key]}"


def _scene(scene: m.Scene, visit: Visit) -> m.Scene:
    where = f'scene "{scene.title}" ({scene.id})'
    choices = tuple(_choice(scene, choice, where, visit) for choice in scene.choices)
    return cast(m.Scene, visit(f"scene:{scene.id}", replace(scene, choices=choices), where))


def _choice(scene: m.Scene, choice: m.Choice, where: str, visit: Visit) -> m.Choice:
    prefix = f"choice:{scene.id}:{choice.id}"
    context = f"choice '{choice.id}' of {where}"
    if choice.goto.kind == "random" and type(choice.goto.targets[0]) in TRANSLATABLE:
        targets: list[m.Target] = []
        seen: set[str] = set()  # random outcomes: keyed by where they lead
        for target in choice.goto.targets:
            name = target.name.replace(":", "-")
            key = name if name not in seen else f"{name}-{len(seen)}"
            seen.add(key)
            targets.append(visit(f"{prefix}:outcome:{key}", target, f"random outcome {key} of {context}"))
        choice = replace(choice, goto=replace(choice.goto, targets=tuple(targets)))
    return cast(m.Choice, visit(prefix, choice, context))


def fields_of(node: object) -> tuple[str, ...]:
    """The translatable fields of a node's class (none for classes not in the table)."""
    return TRANSLATABLE.get(type(node), ())


def _default(node: object, name: str) -> object:
    """The dataclass default of a field (``MISSING`` when it has none)."""
    spec = getattr(type(node), "__dataclass_fields__", {}).get(name)
    return getattr(spec, "default", None) if spec is not None else None


def defaults_of(node: object) -> dict[str, str]:
    """The translatable fields of a node still holding their English default text."""
    return {name: value for name in fields_of(node)
            if isinstance(value := getattr(node, name), str) and value and value == _default(node, name)}


def group_title(name: str) -> str:
    """How a stat group's id is shown in English (``family`` -> ``Family``)."""
    return name.replace("_", " ").capitalize()


def story_strings(story: m.Story, whole: Collection[str] = ()) -> list[Entry]:
    """Every translatable string of the story in reading order, with its key and place.

    A long text is keyed paragraph by paragraph, except the texts named in ``whole``: a
    catalogue that translates a text whole (its passages moved across paragraphs) keeps it
    whole, and it then goes stale whole.
    """
    files = _SourceLines(Path(story.root))
    entries: list[Entry] = []

    def collect(prefix: str, node: object, context: str) -> object:
        location = getattr(node, "location", None)
        if isinstance(node, (m.Story, m.Presentation)):
            location = m.Location(str(Path(story.root) / "story.yaml"), 1, 1)
        for name in fields_of(node):
            value = getattr(node, name)
            if isinstance(value, Template):
                text, stats = value.source, tuple(sorted(template_names(value)))
            elif isinstance(value, str):
                text, stats = value, ()
            else:
                continue
            if not text or value == _default(node, name):
                continue  # a default is the program's word, translated with the program
            file, line = files.place(location, name, story)
            where = f"{context}: {FIELD_NOTES[name]}" if name in FIELD_NOTES else context
            chunks = paragraphs(text) if isinstance(value, Template) and f"{prefix}:{name}" not in whole else None
            if chunks is None:
                entries.append(Entry(f"{prefix}:{name}", text, isinstance(value, Template), file, line, where, stats))
                continue
            before = 0
            for number, chunk in enumerate(chunks, start=1):
                names = tuple(sorted(template_names(parse_template(chunk))))
                entries.append(Entry(paragraph_key(f"{prefix}:{name}", number), chunk, True, file,
                                     line + 1 + before, f"{where}, paragraph {number} of {len(chunks)}", names))
                before += chunk.count("\n") + 2
        return node

    walk(story, collect)
    seen: set[str] = set()
    for stat in story.stats:
        if stat.group and stat.group not in seen:
            seen.add(stat.group)
            file, line = files.place(stat.location, "group", story)
            entries.append(Entry(f"{GROUP}:{stat.group}", group_title(stat.group), False, file, line,
                                 f"the heading of the stats grouped as '{stat.group}'"))
    order = {name: index for index, name in enumerate(["story.yaml", *(c.file for c in story.chapters)])}
    entries.sort(key=lambda e: (order.get(e.file, len(order)), e.file, e.line))
    return entries


PARAGRAPH = "\n\n"
"""What separates the paragraphs of a text: each is translated (and goes stale) on its own."""


def paragraph_key(key: str, number: int) -> str:
    """The key of a text's paragraph: ``scene:fields_rows:text:p2``."""
    return f"{key}:p{number}"


def paragraphs(source: str) -> list[str] | None:
    """A text cut at its blank lines into pieces that are each a whole template, or ``None``.

    A one-word edit of the English then makes one paragraph stale, not the scene. An
    ``{if}`` that spans a blank line keeps its paragraphs together in one piece; a text
    of one piece is not cut (its key stays ``scene:ID:text``). Joined with
    :data:`PARAGRAPH`, the pieces give the source back exactly.
    """
    parts = source.split(PARAGRAPH)
    if len(parts) < 2:
        return None
    chunks: list[str] = []
    current: list[str] = []
    for part in parts:
        current.append(part)
        text = PARAGRAPH.join(current)
        try:
            parse_template(text)
        except TemplateError:
            continue
        chunks.append(text)
        current = []
    if current or len(chunks) < 2:
        return None
    return chunks


def kept_whole(keys: Iterable[str]) -> set[str]:
    """The texts a catalogue translates whole: a key present without its first paragraph's key."""
    present = set(keys)
    return {key for key in present if paragraph_key(key, 1) not in present}


class _SourceLines:
    """Finds the line of a field inside a node, for the ``#:`` references of a catalogue.

    The model keeps where each node starts; the field's own line is the first line at or
    after it that opens that key. When the key cannot be found (flow style, say) the
    node's line is used.
    """

    def __init__(self, root: Path):
        self.root = root
        self.cache: dict[str, list[str]] = {}

    def place(self, location: m.Location | None, field: str, story: m.Story) -> tuple[str, int]:
        if location is None:
            return "story.yaml", 0
        name = self.relative(location.file)
        lines = self.lines(location.file)
        start = max(location.line - 1, 0)
        if start < len(lines) and re.search(rf"[{{,]\s*{re.escape(field)}\s*:", lines[start]):
            return name, location.line  # a flow mapping: {label: ..., if: ...}
        pattern = re.compile(rf"^\s*(?:-\s+)*{re.escape(field)}\s*:")
        for number in range(start, min(len(lines), location.line + 400)):
            if pattern.match(lines[number]):
                return name, number + 1
        return name, location.line

    def relative(self, file: str) -> str:
        try:
            return Path(file).resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return Path(file).name

    def lines(self, file: str) -> list[str]:
        if file not in self.cache:
            try:
                self.cache[file] = Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self.cache[file] = []
        return self.cache[file]


def text_fields(cls: type) -> Iterator[str]:
    """The fields of a model class typed as text (``str``, ``Template``, optional or tuples of them)."""
    for f in getattr(cls, "__dataclass_fields__", {}).values():
        annotation = re.sub(r"(Mapping|dict)\[str, ", "Mapping[", str(f.type))  # ids as keys are not text
        if re.search(r"\b(str|Template)\b", annotation):
            yield f.name


def renamed_prefixes(story: m.Story) -> list[tuple[str, str]]:
    """(current key prefix, old key prefix) for every ``renamed_from`` of a scene or choice.

    Keys are made of ids, so renaming a scene or a choice would orphan its translations;
    with ``renamed_from`` the old keys still name the same strings (``choice:ward:dose``
    was ``choice:ward:camphor``), newest rename first.
    """
    pairs: list[tuple[str, str]] = []
    for scene in story.scenes.values():
        scene_ids = (scene.id, *scene.renamed_from)
        for old_scene in scene.renamed_from:
            pairs.append((f"scene:{scene.id}", f"scene:{old_scene}"))
        for choice in scene.choices:
            for s in scene_ids:
                for c in (choice.id, *choice.renamed_from):
                    if (s, c) != (scene.id, choice.id):
                        pairs.append((f"choice:{scene.id}:{choice.id}", f"choice:{s}:{c}"))
    return pairs


def renamed_key(key: str, story: m.Story) -> str:
    """A key under the scene's or choice's current id, when it names an id given in ``renamed_from``."""
    for new, old in renamed_prefixes(story):
        if key.startswith(old + ":"):
            return new + key[len(old):]
    return key


def follow_renames(keys: list[str], found: Mapping[str, Any], story: m.Story) -> dict[str, str]:
    """Old key -> current key, for each current key without a translation whose old key has one."""
    pairs = renamed_prefixes(story)
    if not pairs:
        return {}
    current = set(keys)
    moves: dict[str, str] = {}
    for key in keys:
        if key in found:
            continue
        for new, old in pairs:
            if key.startswith(new + ":"):
                candidate = old + key[len(new):]
                if candidate in found and candidate not in current and candidate not in moves:
                    moves[candidate] = key
                    break
    return moves
