"""Load a story folder into a validated, immutable :class:`Story`, or explain why not.

The loader works like a compiler front end: it reads every file, checks every key,
type, id, reference and expression, and collects all problems (up to a cap) as
located :class:`~adventure.errors.Diagnostic` values before giving up, so an author
fixes a file in one pass rather than one error per run. Nothing is evaluated from the
files beyond YAML's core scalars and our own expression language.

Typical use::

    story = load_story("scenes")            # raises StoryLoadError with .diagnostics
    report = check_story("scenes")           # never raises; .story is None on errors
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from adventure.errors import Diagnostic, StoryLoadError
from adventure.story import expr as ex
from adventure.story import template as tp
from adventure.story.model import (
    Chapter, Choice, Effect, Ending, Goto, Location, Scene, Stat, Story, Target,
)
from adventure.story.yamlsrc import (
    MAX_FILE_BYTES, YAML11_BOOLEANS, YMap, YScalar, YSeq, YValue, decode, diagnostic, parse_text, read_yaml,
)

STORY_FILE = "story.yaml"
FORMAT_VERSION = 1
MAX_ERRORS_PER_FILE = 50
MAX_ERRORS = 200
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED = frozenset({"and", "or", "not", "true", "false", "True", "False", "if", "elif", "else", "end"})

_STORY_KEYS = {"format": True, "id": True, "title": True, "start": True, "chapters": True,
               "stats": True, "endings": False, "progress": False, "subtitle": False,
               "description": False}
_STAT_KEYS = {"type": True, "initial": False, "compute": False, "min": False, "max": False, "label": False,
              "show": False, "group": False, "prefix": False, "suffix": False, "description": False,
              "saturates": False}
_CHAPTER_FILE_KEYS = {"chapter": True, "scenes": True, "endings": False}
_CHAPTER_KEYS = {"id": True, "title": True, "subtitle": False}
_SCENE_KEYS = {"id": True, "title": True, "text": True, "choices": True, "on_enter": False}
_CHOICE_KEYS = {"id": True, "label": True, "if": False, "locked": False, "hidden": False,
                "effects": False, "remember": False, "goto": False, "ending": False}
_TARGET_KEYS = {"if": False, "scene": False, "ending": False}
_RANDOM_KEYS = {"weight": True, "scene": False, "ending": False}
_ENDING_KEYS = {"id": True, "title": True, "text": True, "true_ending": False}
_EFFECT_OPS = ("set", "add", "subtract")


@dataclass
class LoadReport:
    """What :func:`check_story` found: the story (when valid) and every diagnostic."""

    story: Story | None
    errors: list[Diagnostic]
    warnings: list[Diagnostic]
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.story is not None and not self.errors


class _Collector:
    """Holds diagnostics and source lines for the file being read."""

    def __init__(self) -> None:
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.lines: dict[str, list[str]] = {}
        self.per_file: dict[str, int] = {}

    def add(self, diag: Diagnostic) -> None:
        if diag.severity == "warning":
            self.warnings.append(diag)
            return
        count = self.per_file.get(diag.file, 0)
        self.per_file[diag.file] = count + 1
        if count < MAX_ERRORS_PER_FILE and len(self.errors) < MAX_ERRORS:
            self.errors.append(diag)

    def error(self, code: str, message: str, loc: Location, hint: str | None = None) -> None:
        self.add(diagnostic(code, message, loc, self.lines.get(loc.file, []), hint))

    def warn(self, code: str, message: str, loc: Location, hint: str | None = None) -> None:
        d = diagnostic(code, message, loc, self.lines.get(loc.file, []), hint)
        self.add(Diagnostic(d.code, d.message, d.file, d.line, d.column, d.hint, "warning", d.source_line))


def suggest(word: str, options: Iterable[str]) -> str | None:
    """A "did you mean" hint for a misspelt name, or ``None``."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Builder:
    """Builds the model from located YAML values, reporting as it goes."""

    def __init__(self, root: Path, out: _Collector):
        self.root = root
        self.out = out
        self.types: dict[str, ex.StatType] = {}
        self.slots: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self._expr_cache: dict[tuple[str, ex.StatType | None], tuple[ex.Node, object]] = {}
        self._template_cache: dict[str, tuple[tp.Template, object]] = {}
        self.targets: list[tuple[Target, Location]] = []
        self.stat_reads: set[str] = set()
        self.declared: set[str] = set()  # ids of scenes/endings written, even if invalid
        self.pending_compute: list[tuple[Stat, YValue]] = []
        self.derived: list[Stat] = []

    # -- generic field readers ------------------------------------------------------

    def mapping(self, value: YValue | None, what: str, loc: Location) -> YMap | None:
        if isinstance(value, YMap):
            return value
        self.out.error("MM201", f"{what} must be a mapping (key: value pairs)", _loc(value, loc),
                       "check the indentation")
        return None

    def keys(self, m: YMap, allowed: dict[str, bool], what: str) -> None:
        for key, loc in m.key_locs.items():
            if key not in allowed:
                hint = suggest(key, allowed) or "allowed keys: " + ", ".join(allowed)
                self.out.error("MM202", f"unknown key '{key}' in {what}", loc, hint)
        for key, required in allowed.items():
            if required and key not in m.key_locs:
                self.out.error("MM203", f"{what} is missing required key '{key}'", m.loc)

    def string(self, m: YMap, key: str, what: str) -> str | None:
        value = m.items.get(key)
        if value is None:
            return None
        if isinstance(value, YScalar) and isinstance(value.value, str):
            return value.value
        if isinstance(value, YScalar) and value.plain and value.raw in YAML11_BOOLEANS:
            self.out.error("MM105", f"'{key}' of {what} is read by YAML as a boolean ({value.raw})",
                           value.loc, f"quote it if you meant the word: \"{value.raw}\"")
            return None
        if isinstance(value, YScalar) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
            if key in {"label", "title", "text", "subtitle", "locked", "remember", "prefix", "suffix"}:
                return value.raw
        self.out.error("MM204", f"'{key}' of {what} must be text, found {_kind(value)}", value.loc,
                       _surprise_hint(value))
        return None

    def boolean(self, m: YMap, key: str, what: str, default: bool = False) -> bool:
        value = m.items.get(key)
        if value is None:
            return default
        if isinstance(value, YScalar) and isinstance(value.value, bool):
            return value.value
        self.out.error("MM204", f"'{key}' of {what} must be true or false, found {_kind(value)}", value.loc)
        return default

    def integer(self, m: YMap, key: str, what: str) -> int | None:
        value = m.items.get(key)
        if value is None:
            return None
        if isinstance(value, YScalar) and isinstance(value.value, int) and not isinstance(value.value, bool):
            if value.plain and ":" in value.raw:
                self.out.error("MM105", f"'{key}' of {what} ({value.raw}) is read by YAML 1.1 as the number {value.value}",
                               value.loc, f"quote it if you meant text: \"{value.raw}\"")
                return None
            return value.value
        self.out.error("MM204", f"'{key}' of {what} must be a whole number, found {_kind(value)}", value.loc)
        return None

    def sequence(self, m: YMap, key: str, what: str) -> list[YValue]:
        value = m.items.get(key)
        if value is None:
            return []
        if isinstance(value, YSeq):
            return value.items
        self.out.error("MM204", f"'{key}' of {what} must be a list, found {_kind(value)}", value.loc,
                       "start each item on its own line with '- '")
        return []

    def ident(self, m: YMap, key: str, what: str) -> str | None:
        text = self.string(m, key, what)
        if text is not None and not _ID.match(text):
            self.out.error("MM205", f"'{text}' is not a valid id for {what}", m.items[key].loc,
                           "use letters, digits, '_' and '-', starting with a letter")
            return None
        return text

    # -- expressions and templates ---------------------------------------------------

    def expression(self, scalar: YScalar, source: str, expect: ex.StatType | None) -> tuple[ex.Node, object] | None:
        key = (source, expect)
        cached = self._expr_cache.get(key)
        if cached is not None:
            return cached  # its names were recorded when it was first compiled
        try:
            node = ex.parse(source)
            ex.check(node, self.types, expect)
        except ex.ExprError as err:
            self.out.error(err.code, f"in expression '{_short(source)}': {err.message}",
                           _offset_loc(scalar, err.offset, self.out.lines), err.hint)
            return None
        compiled = ex.compile_expr(node, self.slots)
        self._expr_cache[key] = (node, compiled)
        self.stat_reads.update(ex.names(node))
        return node, compiled

    def condition(self, m: YMap, key: str, what: str) -> tuple[ex.Node, object] | tuple[None, None]:
        value = m.items.get(key)
        if value is None:
            return None, None
        if isinstance(value, YScalar) and isinstance(value.value, bool):
            value = YScalar(value.value, value.raw, value.plain, value.loc)
            source = "true" if value.value else "false"
        elif isinstance(value, YScalar) and isinstance(value.value, str):
            source = value.value
        else:
            self.out.error("MM204", f"'{key}' of {what} must be an expression in quotes", _loc(value, m.loc))
            return None, None
        result = self.expression(value, source, ex.StatType.BOOL)
        return result if result is not None else (None, None)

    def template(self, m: YMap, key: str, what: str) -> tp.Template | None:
        text = self.string(m, key, what)
        if text is None:
            return None
        cached = self._template_cache.get(text)
        if cached is not None:
            return cached[0]  # its names were recorded when it was first parsed
        scalar = m.items[key]
        try:
            template = tp.parse_template(text)
            tp.check_template(template, self.types)
        except tp.TemplateError as err:
            assert isinstance(scalar, YScalar)
            self.out.error(err.code, f"in {key} of {what}: {err.message}",
                           _offset_loc(scalar, err.offset, self.out.lines), err.hint)
            return None
        self._template_cache[text] = (template, None)
        self.stat_reads.update(tp.template_names(template))
        return template

    # -- story file ------------------------------------------------------------------

    def stats(self, value: YValue | None, loc: Location) -> list[Stat]:
        m = self.mapping(value, "'stats'", loc)
        if m is None:
            return []
        result: list[Stat] = []
        for name, spec in m.items.items():
            key_loc = m.key_locs[name]
            if not _NAME.match(name) or name in _RESERVED:
                self.out.error("MM205", f"'{name}' is not a valid stat name", key_loc,
                               "use letters, digits and '_', starting with a letter; not a keyword")
                continue
            stat = self.stat(name, spec, key_loc, len(result))
            if stat is not None:
                result.append(stat)
                self.types[name] = stat.type
                self.slots[name] = stat.slot
                self.labels[name] = stat.label
        return self.computed_stats(result)

    def computed_stats(self, stats: list[Stat]) -> list[Stat]:
        """Compile ``compute:`` formulas once every stat is declared.

        A computed stat is recomputed after every group of effects (the loader appends
        a ``set`` to each group), so the engine and the explorer need no special case.
        Formulas may read only ordinary stats, so the order of recomputation is free.
        """
        initial = [s.initial for s in stats]
        for index, (stat, scalar) in enumerate(self.pending_compute):
            slot = stat.slot
            source = scalar.value if isinstance(scalar, YScalar) and isinstance(scalar.value, str) else None
            if source is None:
                self.out.error("MM204", f"'compute' of stat '{stat.name}' must be an expression in quotes", scalar.loc)
                continue
            compiled = self.expression(scalar, source, stat.type)
            if compiled is None:
                continue
            loops = sorted(ex.names(compiled[0]) & {s.name for s, _ in self.pending_compute})
            if loops:
                self.out.error("MM206", f"computed stat '{stat.name}' reads computed stat '{loops[0]}'", scalar.loc,
                               "write the formula in terms of ordinary stats")
                continue
            compute = compiled[1]
            value = stat.clamp(compute(initial))  # type: ignore[operator]
            stats[slot] = replace(stat, initial=value, formula=source, compute=compute)
            initial[slot] = value
        self.derived = [s for s in stats if s.computed]
        return stats

    def stat(self, name: str, value: YValue, loc: Location, slot: int) -> Stat | None:
        what = f"stat '{name}'"
        m = self.mapping(value, what, loc)
        if m is None:
            return None
        self.keys(m, _STAT_KEYS, what)
        type_name = self.string(m, "type", what)
        try:
            stat_type = ex.StatType(type_name)
        except ValueError:
            if type_name is not None:
                self.out.error("MM204", f"unknown type '{type_name}' for {what}", m.items["type"].loc,
                               suggest(type_name, ["int", "bool", "text"]) or "use int, bool or text")
            return None
        if "compute" in m.items:
            if "initial" in m.items:
                self.out.error("MM206", f"computed {what} cannot also have an initial value", m.key_locs["initial"],
                               "remove 'initial': it follows from the formula")
            initial: ex.Value | None = {"int": 0, "bool": False, "text": ""}[stat_type.value]
        elif "initial" not in m.key_locs:
            self.out.error("MM203", f"{what} is missing required key 'initial'", m.loc,
                           "or give a 'compute' formula")
            return None
        else:
            initial = self.initial(m, stat_type, what)
        low, high = self.integer(m, "min", what), self.integer(m, "max", what)
        if stat_type is ex.StatType.INT:
            if low is None or high is None:
                self.out.error("MM203", f"int {what} needs 'min' and 'max'", m.loc,
                               "values are clamped into this range")
                return None
            if low > high:
                self.out.error("MM206", f"{what} has min {low} greater than max {high}", m.loc)
                return None
            if isinstance(initial, int) and not low <= initial <= high and "compute" not in m.items:
                self.out.error("MM206", f"initial value {initial} of {what} is outside {low}..{high}",
                               m.items["initial"].loc)
        elif "min" in m.items or "max" in m.items:
            self.out.error("MM206", f"only int stats have a range ('{name}' is {stat_type.value})", m.loc)
        if initial is None:
            return None
        stat = Stat(
            name=name, type=stat_type, initial=initial, slot=slot,
            label=self.string(m, "label", what) or name,
            minimum=low, maximum=high, show=self.boolean(m, "show", what),
            group=self.string(m, "group", what), prefix=self.string(m, "prefix", what) or "",
            suffix=self.string(m, "suffix", what) or "",
            description=self.string(m, "description", what), location=loc,
            saturates=self.boolean(m, "saturates", what),
        )
        if "compute" in m.items:
            self.pending_compute.append((stat, m.items["compute"]))
        return stat

    def initial(self, m: YMap, stat_type: ex.StatType, what: str) -> ex.Value | None:
        value = m.items.get("initial")
        if not isinstance(value, YScalar):
            return None
        if _value_type(value.value) is stat_type:
            return value.value  # type: ignore[return-value]
        if stat_type is ex.StatType.TEXT and isinstance(value.value, bool) and value.plain and value.raw in YAML11_BOOLEANS:
            self.out.error("MM105", f"initial value of {what} is read by YAML as a boolean",
                           value.loc, f"quote it: \"{value.raw}\"")
            return None
        self.out.error("MM204", f"initial value of {what} must be {_article(stat_type)}, found {_kind(value)}",
                       value.loc)
        return None

    # -- chapters and scenes ----------------------------------------------------------

    def chapter(self, root: YValue | None, file: str, display: str, index: int) -> tuple[Chapter | None, list[Scene], list[Ending]]:
        loc = Location(display, 1, 1)
        m = self.mapping(root, "a chapter file", loc)
        if m is None:
            return None, [], []
        self.keys(m, _CHAPTER_FILE_KEYS, "a chapter file")
        header = m.items.get("chapter")
        info = self.mapping(header, "'chapter'", m.loc) if header is not None else None
        chapter_id = title = subtitle = None
        if info is not None:
            self.keys(info, _CHAPTER_KEYS, "'chapter'")
            chapter_id = self.ident(info, "id", "the chapter")
            title = self.string(info, "title", "the chapter")
            subtitle = self.string(info, "subtitle", "the chapter")
        chapter_id = chapter_id or f"chapter{index + 1}"
        scenes = [s for s in (self.scene(v, chapter_id, m.loc) for v in self.sequence(m, "scenes", "a chapter file")) if s]
        if "scenes" in m.items and not scenes and not self.out.errors:
            self.out.error("MM207", "a chapter needs at least one scene", m.items["scenes"].loc)
        endings = [e for e in (self.ending(v, chapter_id, m.loc) for v in self.sequence(m, "endings", "a chapter file")) if e]
        chapter = Chapter(id=chapter_id, title=title or chapter_id, file=file, index=index,
                          scenes=tuple(s.id for s in scenes), subtitle=subtitle, location=loc)
        return chapter, scenes, endings

    def scene(self, value: YValue, chapter: str, loc: Location) -> Scene | None:
        m = self.mapping(value, "a scene", loc)
        if m is None:
            return None
        scene_id = self.ident(m, "id", "a scene")
        self.declared.add(f"scene:{scene_id}")
        what = f"scene '{scene_id}'" if scene_id else "a scene"
        self.keys(m, _SCENE_KEYS, what)
        title = self.string(m, "title", what)
        text = self.template(m, "text", what)
        on_enter = self.effects(m, "on_enter", what)
        choices: list[Choice] = []
        seen: dict[str, Location] = {}
        for item in self.sequence(m, "choices", what):
            choice = self.choice(item, what, m.loc)
            if choice is None:
                continue
            if choice.id in seen:
                self.out.error("MM208", f"duplicate choice id '{choice.id}' in {what} (first at line {seen[choice.id].line})",
                               choice.location or m.loc, "choice ids must be unique within a scene")
                continue
            seen[choice.id] = choice.location or m.loc
            choices.append(choice)
        if "choices" in m.items and not choices and isinstance(m.items["choices"], YSeq) and not m.items["choices"].items:
            self.out.error("MM209", f"{what} has no choices", m.items["choices"].loc,
                           "every scene needs a way out: add a choice that leads to a scene or an ending")
        if scene_id is None or title is None or text is None:
            return None
        return Scene(id=scene_id, title=title, text=text, chapter=chapter, choices=tuple(choices),
                     on_enter=tuple(on_enter), location=m.loc)

    def choice(self, value: YValue, scene: str, loc: Location) -> Choice | None:
        m = self.mapping(value, f"a choice in {scene}", loc)
        if m is None:
            return None
        choice_id = self.ident(m, "id", f"a choice in {scene}")
        what = f"choice '{choice_id}' in {scene}"
        self.keys(m, _CHOICE_KEYS, what)
        label = self.template(m, "label", what)
        condition, test = self.condition(m, "if", what)
        hidden = self.boolean(m, "hidden", what)
        if hidden and "if" not in m.items:
            self.out.warn("MM260", f"{what} is hidden but has no condition, so it is never hidden", m.key_locs["hidden"])
        effects = self.effects(m, "effects", what)
        goto = self.goto(m, what)
        if choice_id is None or label is None or goto is None:
            return None
        return Choice(id=choice_id, label=label, goto=goto, condition=condition, test=test,  # type: ignore[arg-type]
                      locked=self.string(m, "locked", what), hidden=hidden, effects=tuple(effects),
                      remember=self.string(m, "remember", what), location=m.loc)

    def goto(self, m: YMap, what: str) -> Goto | None:
        if "goto" in m.items and "ending" in m.items:
            self.out.error("MM211", f"{what} has both 'goto' and 'ending'", m.key_locs["ending"],
                           "a choice leads to one place: keep one of them")
            return None
        if "ending" in m.items:
            ending = self.ident(m, "ending", what)
            return Goto("direct", (self.target(ending=ending, loc=m.items["ending"].loc),)) if ending else None
        value = m.items.get("goto")
        if value is None:
            if "goto" not in m.key_locs:
                self.out.error("MM203", f"{what} needs 'goto' (a scene) or 'ending'", m.loc)
            return None
        if isinstance(value, YScalar):
            scene = self.ident(m, "goto", what)
            return Goto("direct", (self.target(scene=scene, loc=value.loc),)) if scene else None
        if isinstance(value, YSeq):
            return self.first_of(value, what)
        assert isinstance(value, YMap)
        if "random" in value.items or "random" in value.key_locs:
            self.keys(value, {"random": True}, f"'goto' of {what}")
            return self.random(value, what)
        self.keys(value, {"scene": False, "ending": False}, f"'goto' of {what}")
        target = self.target_entry(value, what, conditional=False)
        return Goto("direct", (target,)) if target else None

    def first_of(self, seq: YSeq, what: str) -> Goto | None:
        targets: list[Target] = []
        for index, item in enumerate(seq.items):
            m = self.mapping(item, f"a target of {what}", seq.loc)
            if m is None:
                continue
            self.keys(m, _TARGET_KEYS, f"a target of {what}")
            last = index == len(seq.items) - 1
            if last and "if" in m.items:
                self.out.error("MM210", f"the last target of {what} has a condition", m.key_locs["if"],
                               "end the list with an entry without 'if', so some target always applies")
            elif not last and "if" not in m.key_locs:
                self.out.warn("MM261", f"a target of {what} has no 'if', so the targets after it are never used",
                              m.loc)
            target = self.target_entry(m, what, conditional=True)
            if target:
                targets.append(target)
        if not seq.items:
            self.out.error("MM210", f"'goto' of {what} is an empty list", seq.loc)
        return Goto("first", tuple(targets)) if targets and len(targets) == len(seq.items) else None

    def random(self, m: YMap, what: str) -> Goto | None:
        value = m.items.get("random")
        if not isinstance(value, YSeq) or not value.items:
            self.out.error("MM210", f"'random' of {what} must be a non-empty list", m.loc)
            return None
        targets: list[Target] = []
        for item in value.items:
            entry = self.mapping(item, f"a random target of {what}", value.loc)
            if entry is None:
                continue
            self.keys(entry, _RANDOM_KEYS, f"a random target of {what}")
            weight = self.integer(entry, "weight", f"a random target of {what}")
            if weight is not None and weight < 1:
                self.out.error("MM210", f"weight must be at least 1, found {weight}", entry.items["weight"].loc)
                weight = None
            target = self.target_entry(entry, what, conditional=False, weight=weight or 1)
            if target and weight:
                targets.append(target)
        return Goto("random", tuple(targets)) if len(targets) == len(value.items) else None

    def target_entry(self, m: YMap, what: str, conditional: bool, weight: int = 1) -> Target | None:
        has_scene, has_ending = "scene" in m.items, "ending" in m.items
        if has_scene == has_ending:
            self.out.error("MM211", f"a target of {what} needs exactly one of 'scene' or 'ending'", m.loc)
            return None
        condition, test = self.condition(m, "if", what) if conditional else (None, None)
        if conditional and "if" in m.items and condition is None:
            return None
        key = "scene" if has_scene else "ending"
        name = self.ident(m, key, what)
        if name is None:
            return None
        return self.target(loc=m.items[key].loc, condition=condition, test=test, weight=weight,
                           **{key: name})

    def target(self, loc: Location, scene: str | None = None, ending: str | None = None, **extra: object) -> Target:
        target = Target(scene=scene, ending=ending, location=loc, **extra)  # type: ignore[arg-type]
        self.targets.append((target, loc))
        return target

    def effects(self, m: YMap, key: str, what: str) -> list[Effect]:
        result: list[Effect] = []
        for item in self.sequence(m, key, what):
            entry = self.mapping(item, f"an effect of {what}", m.loc)
            if entry is None:
                continue
            if len(entry.key_locs) != 1 or next(iter(entry.key_locs)) not in _EFFECT_OPS:
                bad = next((k for k in entry.key_locs if k not in _EFFECT_OPS), None)
                hint = (suggest(bad, _EFFECT_OPS) if bad else None) or "write one of set, add, subtract per list item"
                self.out.error("MM212", f"an effect of {what} must be exactly one of set, add, subtract", entry.loc, hint)
                continue
            op = next(iter(entry.key_locs))
            changes = self.mapping(entry.items.get(op), f"'{op}' in {what}", entry.loc)
            if changes is None:
                continue
            for stat, value in changes.items.items():
                effect = self.effect(op, stat, value, changes.key_locs[stat], what)
                if effect:
                    result.append(effect)
        if result:  # keep computed stats in step with what these effects changed
            result.extend(Effect("set", d.name, d.slot, d.formula or "", d.compute) for d in self.derived)  # type: ignore[arg-type]
        return result

    def effect(self, op: str, stat: str, value: YValue, loc: Location, what: str) -> Effect | None:
        stat_type = self.types.get(stat)
        if stat_type is None:
            self.out.error("MM401", f"unknown stat '{stat}' in {what}", loc,
                           suggest(stat, self.types) or "declare it under 'stats' in story.yaml")
            return None
        if any(d.name == stat for d in self.derived):
            self.out.error("MM206", f"stat '{stat}' is computed and cannot be changed by an effect", loc,
                           "change the stats its formula reads instead")
            return None
        if op != "set" and stat_type is not ex.StatType.INT:
            self.out.error("MM302", f"cannot {op} to {stat_type.value} stat '{stat}'", loc, "use 'set'")
            return None
        if not isinstance(value, YScalar):
            self.out.error("MM204", f"value for '{stat}' in {what} must be a single value", _loc(value, loc))
            return None
        compute = self.effect_value(stat, stat_type, value, what)
        if compute is None:
            return None
        return Effect(op=op, stat=stat, slot=self.slots[stat], source=value.raw, compute=compute, location=loc)  # type: ignore[arg-type]

    def effect_value(self, stat: str, stat_type: ex.StatType, value: YScalar, what: str) -> Callable | None:
        literal = value.value
        if stat_type is ex.StatType.TEXT:
            if isinstance(literal, str):
                return _constant(literal)
            if isinstance(literal, bool) and value.plain and value.raw in YAML11_BOOLEANS:
                self.out.error("MM105", f"value for '{stat}' is read by YAML as a boolean", value.loc,
                               f"quote it: \"{value.raw}\"")
                return None
        elif _value_type(literal) is stat_type:
            return _constant(literal)
        elif isinstance(literal, str):
            result = self.expression(value, literal, stat_type)
            return result[1] if result else None  # type: ignore[return-value]
        self.out.error("MM302", f"value for {stat_type.value} stat '{stat}' in {what} must be {_article(stat_type)}, "
                       f"found {_kind(value)}", value.loc)
        return None

    def ending(self, value: YValue, chapter: str | None, loc: Location) -> Ending | None:
        m = self.mapping(value, "an ending", loc)
        if m is None:
            return None
        ending_id = self.ident(m, "id", "an ending")
        self.declared.add(f"ending:{ending_id}")
        what = f"ending '{ending_id}'" if ending_id else "an ending"
        self.keys(m, _ENDING_KEYS, what)
        title = self.string(m, "title", what)
        text = self.template(m, "text", what)
        if ending_id is None or title is None or text is None:
            return None
        return Ending(id=ending_id, title=title, text=text, true_ending=self.boolean(m, "true_ending", what),
                      chapter=chapter, location=m.loc)


def check_story(folder: str | Path) -> LoadReport:
    """Load and validate a story folder, returning every problem found; never raises.

    The cyclic garbage collector is paused while loading: the loader allocates many
    small acyclic objects, and collections triggered by them made load time grow
    faster than the story (measured in benchmarks/bench_load.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _check_story(Path(folder))
    finally:
        if was_enabled:
            gc.enable()


def _check_story(root: Path) -> LoadReport:
    out = _Collector()
    story_path = root / STORY_FILE
    if not story_path.is_file():
        missing = "folder" if not root.is_dir() else "story file"
        out.add(Diagnostic("MM103", f"no {STORY_FILE} found in {root}" if missing == "story file"
                           else f"story folder {root} does not exist", str(story_path) if missing == "story file" else str(root),
                           hint="point at the folder holding story.yaml"))
        return LoadReport(None, out.errors, out.warnings)
    builder = _Builder(root, out)
    files = [STORY_FILE]
    digest = hashlib.sha256()
    top = _read(root, STORY_FILE, out, digest)
    if top is None:
        if not out.errors:
            out.add(Diagnostic("MM103", "the story file is empty", str(story_path),
                               hint="it must declare format, id, title, start, chapters and stats"))
        return LoadReport(None, out.errors, out.warnings, files)
    m = builder.mapping(top, "the story file", Location(str(story_path), 1, 1))
    if m is None:
        return LoadReport(None, out.errors, out.warnings, files)
    builder.keys(m, _STORY_KEYS, "the story file")
    version = builder.integer(m, "format", "the story file")
    if version is not None and version != FORMAT_VERSION:
        out.error("MM213", f"unsupported story format {version}", m.items["format"].loc,
                  f"this engine reads format {FORMAT_VERSION}")
    stats = builder.stats(m.items.get("stats"), m.loc) if "stats" in m.items else []
    story_id = builder.ident(m, "id", "the story file")
    title = builder.string(m, "title", "the story file")
    start = builder.ident(m, "start", "the story file")
    progress = None, None
    if "progress" in m.items:
        node = m.items["progress"]
        if isinstance(node, YScalar) and isinstance(node.value, str):
            progress = builder.expression(node, node.value, ex.StatType.INT) or (None, None)
        else:
            out.error("MM204", "'progress' must be an expression in quotes", node.loc)
    endings = [e for e in (builder.ending(v, None, m.loc) for v in builder.sequence(m, "endings", "the story file")) if e]
    chapters: list[Chapter] = []
    scenes: list[Scene] = []
    for index, item in enumerate(builder.sequence(m, "chapters", "the story file")):
        name = _chapter_file(item, out)
        if name is None:
            continue
        files.append(name)
        before = len(out.errors)
        root_value = _read(root, name, out, digest, item.loc if isinstance(item, YScalar) else None)
        if root_value is None and len(out.errors) == before:
            out.add(Diagnostic("MM103", "the chapter file is empty", str(root / name), hint="it needs 'chapter' and 'scenes'"))
        if root_value is None:
            continue
        chapter, chapter_scenes, chapter_endings = builder.chapter(root_value, name, str(root / name), index)
        if chapter:
            chapters.append(chapter)
        scenes.extend(chapter_scenes)
        endings.extend(chapter_endings)
    scene_map = _unique(scenes, "scene", out)
    ending_map = _unique(endings, "ending", out)
    _unique(chapters, "chapter", out)
    unreadable = any(d.code.startswith("MM1") for d in out.errors)
    if not unreadable:  # a file that did not parse would make every reference into it look wrong
        _check_references(builder, scene_map, ending_map, start, m, out)
    if not out.errors:
        _warn_unused(builder, stats, scene_map, ending_map, start, out, story_path)
    if out.errors or story_id is None or title is None or start is None:
        return LoadReport(None, out.errors, out.warnings, files)
    story = Story(
        id=story_id, title=title, start=start, stats=tuple(stats), chapters=tuple(chapters),
        scenes=MappingProxyType(scene_map), endings=MappingProxyType(ending_map),
        fingerprint=digest.hexdigest()[:16], root=str(root), progress=progress[0],
        progress_value=progress[1], subtitle=builder.string(m, "subtitle", "the story file"),  # type: ignore[arg-type]
    )
    return LoadReport(story, out.errors, out.warnings, files)


def load_story(folder: str | Path) -> Story:
    """Load a story or raise :class:`StoryLoadError` carrying every diagnostic."""
    report = check_story(folder)
    if report.story is None:
        raise StoryLoadError(report.errors, report.warnings)
    return report.story


def _read(root: Path, name: str, out: _Collector, digest: "hashlib._Hash", ref: Location | None = None) -> YValue | None:
    path = root / name
    display = str(path)
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except OSError:
        inside = False
    if not inside:
        out.error("MM214", f"chapter file '{name}' is outside the story folder", ref or Location(display, 0, 0))
        return None
    if not path.is_file() and ref is not None:
        out.error("MM103", f"chapter file '{name}' not found", ref, _file_hint(root, name))
        return None
    if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
        try:
            data = path.read_bytes()
        except OSError:
            data = None
    else:
        data = None
    if data is None:  # let read_yaml name the problem (missing, too large, unreadable)
        value, problems = read_yaml(path, display)
    else:
        digest.update(name.encode() + b"\0" + data + b"\0")
        text, problems = decode(data, display)
        value = None
        if text is not None:
            out.lines[display] = text.splitlines()
            value, problems = parse_text(text, display, out.lines[display])
    for problem in problems:
        out.add(problem)
    return value


def _file_hint(root: Path, name: str) -> str:
    try:
        present = sorted(p.name for p in root.glob("*.yaml"))
    except OSError:
        present = []
    return suggest(name, present) or "paths are relative to the folder holding story.yaml"


def _chapter_file(item: YValue, out: _Collector) -> str | None:
    if isinstance(item, YScalar) and isinstance(item.value, str) and item.value.strip():
        return item.value
    out.error("MM204", "each chapter entry must be a file name", item.loc, "for example: - 01-fields.yaml")
    return None


def _unique(items: list, kind: str, out: _Collector) -> dict:
    result: dict = {}
    for item in items:
        if item.id in result:
            first = result[item.id].location
            where = f" (first in {first.file} line {first.line})" if first else ""
            out.error("MM208", f"duplicate {kind} id '{item.id}'{where}", item.location or Location("?", 0, 0),
                      f"{kind} ids must be unique across the story")
            continue
        result[item.id] = item
    return result


def _check_references(builder: _Builder, scenes: dict, endings: dict, start: str | None, m: YMap, out: _Collector) -> None:
    if start is not None and start not in scenes and f"scene:{start}" not in builder.declared:
        out.error("MM402", f"start scene '{start}' does not exist", m.items["start"].loc,
                  suggest(start, scenes) or "name a scene id from a chapter file")
    for target, loc in builder.targets:
        if target.name in builder.declared:
            continue  # written but invalid: its own error already says why
        if target.scene is not None and target.scene not in scenes:
            out.error("MM402", f"no scene called '{target.scene}'", loc,
                      suggest(target.scene, scenes) or _other_kind(target.scene, endings, "ending"))
        if target.ending is not None and target.ending not in endings:
            out.error("MM403", f"no ending called '{target.ending}'", loc,
                      suggest(target.ending, endings) or _other_kind(target.ending, scenes, "scene"))


def _other_kind(name: str, other: dict, kind: str) -> str:
    if name in other:
        return f"'{name}' is {'an' if kind == 'ending' else 'a'} {kind}: use '{kind}: {name}'"
    return f"declare it, or check the spelling"


def _warn_unused(builder: _Builder, stats: list[Stat], scenes: dict, endings: dict, start: str | None, out: _Collector, story_path: Path) -> None:
    targeted_scenes = {t.scene for t, _ in builder.targets if t.scene} | {start}
    targeted_endings = {t.ending for t, _ in builder.targets if t.ending}
    for scene in scenes.values():
        if scene.id not in targeted_scenes:
            out.warn("MM250", f"scene '{scene.id}' is never the target of a choice", scene.location or Location("?", 0, 0),
                     "link to it from a choice, or remove it")
    for ending in endings.values():
        if ending.id not in targeted_endings:
            out.warn("MM251", f"ending '{ending.id}' is never the target of a choice", ending.location or Location("?", 0, 0))
    for stat in stats:
        if stat.name not in builder.stat_reads and not stat.show:
            out.warn("MM252", f"stat '{stat.name}' is never read by a condition or text, and not shown",
                     stat.location or Location(str(story_path), 0, 0), "read it somewhere, set show: true, or remove it")


def _constant(value: object) -> Callable:
    return lambda values, _v=value: _v


def _value_type(value: object) -> ex.StatType | None:
    if isinstance(value, bool):
        return ex.StatType.BOOL
    if isinstance(value, int):
        return ex.StatType.INT
    if isinstance(value, str):
        return ex.StatType.TEXT
    return None


def _article(stat_type: ex.StatType) -> str:
    return {"int": "a whole number", "bool": "true or false", "text": "text"}[stat_type.value]


def _kind(value: YValue | None) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YSeq):
        return "a list"
    if value is None:
        return "nothing"
    v = value.value
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"a boolean ({value.raw})"
    if isinstance(v, int):
        return f"a number ({value.raw})"
    if isinstance(v, float):
        return f"a decimal number ({value.raw})"
    return f"text ({_short(str(v))!r})"


def _surprise_hint(value: YValue | None) -> str | None:
    if isinstance(value, YScalar) and value.value is None:
        return "write a value after the colon"
    return None


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _loc(value: YValue | None, fallback: Location) -> Location:
    return value.loc if value is not None else fallback


def _offset_loc(scalar: YScalar, offset: int, lines: dict[str, list[str]]) -> Location:
    """Map an offset inside a scalar's value to a file position, as well as YAML allows.

    Plain and quoted one-line scalars map exactly; block scalars (``|``) start on the
    next line at its indentation. Folded and multi-line flow scalars are approximate.
    """
    loc = scalar.loc
    value = scalar.value if isinstance(scalar.value, str) else scalar.raw
    file_lines = lines.get(loc.file, [])
    head = file_lines[loc.line - 1][loc.column - 1:] if 0 < loc.line <= len(file_lines) else ""
    if head[:1] in "|>":
        before = value[:offset]
        line = loc.line + 1 + before.count("\n")
        text_line = file_lines[line - 1] if 0 < line <= len(file_lines) else ""
        indent = len(text_line) - len(text_line.lstrip(" "))
        return Location(loc.file, line, indent + offset - (before.rfind("\n") + 1) + 1)
    quote = 1 if head[:1] in "'\"" else 0
    return Location(loc.file, loc.line, loc.column + quote + offset)
