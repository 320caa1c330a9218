"""Build the story model from located YAML: stats, chapters, scenes, choices, endings.

Each method reads one kind of node, checks it (keys, types, ids, expressions,
templates) and returns a model object, or ``None`` after recording why; references
between nodes are collected here and resolved by the loader once every file is read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from adventure.story import expr as ex
from adventure.story import spec
from adventure.story import template as tp
from adventure.story.fields import (
    ID,
    NAME,
    RESERVED,
    Collector,
    FieldReader,
    article,
    kind,
    loc_of,
    offset_location,
    short,
    suggest,
    value_type,
)
from adventure.story.model import (
    Chapter,
    Choice,
    Effect,
    EffectValue,
    Ending,
    Goto,
    Location,
    Memo,
    Milestone,
    Need,
    Presentation,
    Scene,
    Stat,
    Target,
    shown_as_problem,
)
from adventure.story.yamlsrc import YAML11_BOOLEANS, YMap, YScalar, YSeq, YValue

STORY_KEYS = spec.STORY.allowed()
_STAT_KEYS = spec.STAT.allowed()
_CHAPTER_FILE_KEYS = spec.CHAPTER_FILE.allowed()
_CHAPTER_KEYS = spec.CHAPTER.allowed()
_MILESTONE_KEYS = spec.MILESTONE.allowed()
_NEED_KEYS = spec.NEED.allowed()
_SCENE_KEYS = spec.SCENE.allowed()
MAX_COUNTDOWN = 60
MAX_SCENE_WORDS = 180
"""One screenful of scene text at 80 columns: longer scenes get warning MM264 (docs/authoring.md)."""
_ZERO: dict[ex.StatType, ex.Value] = {ex.StatType.INT: 0, ex.StatType.BOOL: False, ex.StatType.TEXT: ""}
"""A computed stat's placeholder before its formula is evaluated."""
_CHOICE_KEYS = spec.CHOICE.allowed()
_TARGET_KEYS = spec.TARGET.allowed()
_RANDOM_KEYS = spec.OUTCOME.allowed()
_ENDING_KEYS = spec.ENDING.allowed()
_EFFECT_OPS = spec.EFFECT_OPS



class StoryBuilder(FieldReader):
    """Builds the model from located YAML values, reporting as it goes."""

    def __init__(self, root: Path, out: Collector):
        super().__init__(out)
        self.root = root
        self.types: dict[str, ex.StatType] = {}
        self.slots: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self._expr_cache: dict[tuple[str, ex.StatType | None], ex.Node] = {}
        self._template_cache: dict[str, tuple[tp.Template, object]] = {}
        self.targets: list[tuple[Target, Location]] = []
        self.stat_reads: set[str] = set()
        self.declared: set[str] = set()  # ids of scenes/endings written, even if invalid
        self.broken: set[str] = set()  # stats declared with an error: known by name, so no cascade
        self.ranges: dict[str, Stat] = {}
        self.renames: list[tuple[str, str, Location]] = []  # (old scene id, current id, where written)
        self.rename_locs: dict[tuple[int, str], Location] = {}  # (id(choice), old id) -> where written
        self.pending_compute: list[tuple[Stat, YValue]] = []
        self.pending_show: list[tuple[int, YScalar]] = []
        self.derived: list[Stat] = []
        self.stat_count = 0
        self.memos: dict[str, Memo] = {}
        """The ``seen()``/``chose()`` slots, allocated as expressions first read them (after the stats)."""
        self.recall_uses: list[tuple[ex.Recall, Location]] = []
        """Every ``seen()``/``chose()`` with where it is written, checked once every scene is known."""
    # -- expressions and templates ---------------------------------------------------

    def expression(self, scalar: YScalar, source: str, expect: ex.StatType | None,
                   recall: bool = True) -> ex.Node | None:
        key = (source, expect)
        cached = self._expr_cache.get(key)
        if cached is not None:
            return cached  # its names were recorded when it was first read
        try:
            node = ex.parse(source)
            ex.check(node, self.types, expect)
        except ex.ExprError as err:
            if err.subject not in self.broken:  # a broken stat's own error already said it all
                self.out.error(err.code, f"in expression '{short(source)}': {err.message}",
                               offset_location(scalar, err.offset, self.out.lines), err.hint)
            return None
        if not recall and (found := ex.recalls(node)):
            self.out.error("MM206", f"in expression '{short(source)}': a computed stat cannot read `{found[0].key}`",
                           offset_location(scalar, found[0].offset, self.out.lines),
                           "a formula follows other stats only; test seen()/chose() in the condition instead")
            return None
        self.allocate(node, scalar)
        self._expr_cache[key] = node
        self.stat_reads.update(ex.names(node))
        return node

    def allocate(self, node: ex.Node, scalar: YScalar) -> None:
        """Give each ``seen()``/``chose()`` of ``node`` its hidden slot, and note where it is written."""
        for recall in ex.recalls(node):
            if recall.key not in self.memos:
                slot = self.stat_count + len(self.memos)
                scene, dot, choice = recall.target.partition(".")
                memo = (Memo(recall.key, slot, scene=recall.target) if recall.fn == "seen" else
                        Memo(recall.key, slot, scene=scene, choice=choice) if dot else
                        Memo(recall.key, slot, choice=recall.target))
                self.memos[recall.key] = memo
                self.slots[recall.key] = slot
            self.recall_uses.append((recall, offset_location(scalar, recall.offset, self.out.lines)))

    def condition(self, m: YMap, key: str, what: str) -> ex.Node | None:
        value = m.items.get(key)
        if value is None:
            return None
        if isinstance(value, YScalar) and isinstance(value.value, bool):
            value = YScalar(value.value, value.raw, value.plain, value.loc)
            source = "true" if value.value else "false"
        elif isinstance(value, YScalar) and isinstance(value.value, str):
            source = value.value
        else:
            self.out.error("MM204", f"'{key}' of {what} must be an expression in quotes", loc_of(value, m.loc))
            return None
        result = self.expression(value, source, ex.StatType.BOOL)
        if result is not None:
            self.impossible(value, result, key, what)
        return result

    def int_ranges(self) -> dict[str, tuple[int, int]]:
        """Each int stat's declared range, for what the ranges alone can prove."""
        return {name: (s.minimum, s.maximum) for name, s in self.ranges.items()
                if s.type is ex.StatType.INT and s.minimum is not None and s.maximum is not None}

    def impossible(self, value: YScalar, node: ex.Node, key: str, what: str) -> None:
        """Warn (MM266) when the declared ranges alone make a condition impossible."""
        from adventure.story.ranges import never_true

        ranges = self.int_ranges()
        culprit = never_true(node, ranges)
        if culprit is None:
            return
        limits = "; ".join(f"{n} is {ranges[n][0]}..{ranges[n][1]}" for n in sorted(ex.names(culprit)) if n in ranges)
        self.out.warn("MM266", f"the '{key}' of {what} can never hold: `{ex.to_source(culprit)}` is false for every "
                      f"value in range ({limits})", value.loc,
                      "fix the number or the stat's range; as written the story can never take this path")

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
            if err.subject not in self.broken:
                self.out.error(err.code, f"in {key} of {what}: {err.message}",
                               offset_location(scalar, err.offset, self.out.lines), err.hint)
            return None
        self._template_cache[text] = (template, None)
        self.stat_reads.update(tp.template_names(template))
        assert isinstance(scalar, YScalar)  # a string was read from it
        for node, _condition in tp.expressions(template):
            self.allocate(node, scalar)
        return template

    # -- story file ------------------------------------------------------------------

    def stats(self, value: YValue | None, loc: Location) -> list[Stat]:
        m = self.mapping(value, "'stats'", loc)
        if m is None:
            return []
        result: list[Stat] = []
        for name, declared in m.items.items():
            key_loc = m.key_locs[name]
            if not NAME.match(name) or name in RESERVED:
                self.out.error("MM205", f"'{name}' is not a valid stat name", key_loc,
                               "use letters, digits and '_', starting with a letter; not a keyword")
                self.broken.add(name)
                continue
            before = len(self.out.errors) + sum(self.out.per_file.values())
            stat = self.stat(name, declared, key_loc, len(result))
            reported = isinstance(declared, YMap) and bool(declared.extra)  # a value the YAML reader refused
            if stat is None and not reported and len(self.out.errors) + sum(self.out.per_file.values()) == before:
                self.out.error("MM204", f"stat '{name}' could not be read", key_loc)  # never silently dropped
            if stat is not None:
                result.append(stat)
                self.types[name] = stat.type
                self.slots[name] = stat.slot
                self.labels[name] = stat.label
                self.ranges[name] = stat
            else:
                self.known_by_name(name, declared)
        self.stat_count = len(result)
        return self.show_conditions(self.computed_stats(result))

    def known_by_name(self, name: str, spec_value: YValue) -> None:
        """Keep a stat whose declaration has an error known by name, so one mistake is one error.

        When its type can be read, expressions keep being type-checked against it (the
        story will not be built, so its placeholder slot is never read); references
        to it are not reported again as unknown.
        """
        self.broken.add(name)
        type_value = spec_value.items.get("type") if isinstance(spec_value, YMap) else None
        if isinstance(type_value, YScalar) and type_value.value in ("int", "bool", "text"):
            self.types[name] = ex.StatType(type_value.value)
            self.slots[name] = -1

    def computed_stats(self, stats: list[Stat]) -> list[Stat]:
        """Compile ``compute:`` formulas once every stat is declared.

        A computed stat is recomputed after every group of effects (the loader appends
        a ``set`` to each group), so the engine and the explorer need no special case.
        Formulas may read only ordinary stats, so the order of recomputation is free.
        """
        initial = [s.initial for s in stats]
        for stat, scalar in self.pending_compute:
            slot = stat.slot
            if not (isinstance(scalar, YScalar) and isinstance(scalar.value, str)):
                self.out.error("MM204", f"'compute' of stat '{stat.name}' must be an expression in quotes", scalar.loc)
                continue
            source = scalar.value
            node = self.expression(scalar, source, stat.type, recall=False)
            if node is None:
                continue
            loops = sorted(ex.names(node) & {s.name for s, _ in self.pending_compute})
            if loops:
                self.out.error("MM206", f"computed stat '{stat.name}' reads computed stat '{loops[0]}'", scalar.loc,
                               "write the formula in terms of ordinary stats")
                continue
            if ex.names(node) & self.broken:
                continue  # it reads a stat whose declaration has an error (already reported): no value to start from
            value = stat.clamp(ex.compile_expr(node, self.slots)(initial))
            stats[slot] = replace(stat, initial=value, formula=source, expression=node,
                                  inputs=tuple(sorted(ex.names(node))))
            initial[slot] = value
        self.derived = [s for s in stats if s.computed]
        return stats

    def show_conditions(self, stats: list[Stat]) -> list[Stat]:
        """Compile ``show: "condition"`` once every stat is declared (it may read any of them)."""
        for slot, scalar in self.pending_show:
            node = self.expression(scalar, str(scalar.value), ex.StatType.BOOL)
            if node is not None:
                stats[slot] = replace(stats[slot], show_if=node)
        return stats

    def show(self, m: YMap, what: str, slot: int) -> bool:
        """``show: true``/``false``, or a condition in quotes (kept to compile when all stats are known)."""
        value = m.items.get("show")
        if isinstance(value, YScalar) and isinstance(value.value, str):
            self.pending_show.append((slot, value))
            return True
        if value is not None and not (isinstance(value, YScalar) and isinstance(value.value, bool)):
            self.out.error("MM204", f"'show' of {what} must be true, false or a condition in quotes, found {kind(value)}",
                           value.loc, 'for example: show: "married"')
            return False
        return self.boolean(m, "show", what)

    def stat(self, name: str, value: YValue, loc: Location, slot: int) -> Stat | None:
        what = f"stat '{name}'"
        m = self.mapping(value, what, loc)
        if m is None:
            return None
        self.keys(m, _STAT_KEYS, what)
        stat_type = self.stat_type(m, what)
        if stat_type is None:
            return None
        if "compute" not in m.items and "initial" not in m.key_locs:
            self.out.error("MM203", f"{what} is missing required key 'initial'", m.loc,
                           "or give a 'compute' formula")
            return None
        initial = self.starting_value(m, stat_type, what)
        limits = self.stat_range(m, name, stat_type, initial, what)
        if limits is None or initial is None:
            return None
        low, high = limits
        stat = Stat(
            name=name, type=stat_type, initial=initial, slot=slot,
            label=self.string(m, "label", what) or name,
            minimum=low, maximum=high, show=self.show(m, what, slot),
            group=self.string(m, "group", what), prefix=self.string(m, "prefix", what) or "",
            suffix=self.string(m, "suffix", what) or "", suffix_one=self.string(m, "suffix_one", what),
            zero=self.string(m, "zero", what), shown_as=self.shown_as(m, what),
            description=self.string(m, "description", what), location=loc,
            saturates=self.boolean(m, "saturates", what),
        )
        if "compute" in m.items:
            self.pending_compute.append((stat, m.items["compute"]))
        return stat

    def stat_type(self, m: YMap, what: str) -> ex.StatType | None:
        """A stat's ``type:`` (int, bool or text), or ``None`` once an error has said why (a missing
        ``type:`` is :meth:`keys`'s to report)."""
        type_name = self.string(m, "type", what)
        try:
            return ex.StatType(type_name)
        except ValueError:
            if type_name is not None:
                self.out.error("MM204", f"unknown type '{type_name}' for {what}", m.items["type"].loc,
                               suggest(type_name, ["int", "bool", "text"]) or "use int, bool or text")
            return None

    def starting_value(self, m: YMap, stat_type: ex.StatType, what: str) -> ex.Value | None:
        """The ``initial:`` value, or for a computed stat its type's zero until :meth:`computed_stats`
        evaluates the formula (an ``initial:`` beside ``compute:`` would be ignored, so it is an error)."""
        if "compute" not in m.items:
            return self.initial(m, stat_type, what)
        if "initial" in m.items:
            self.out.error("MM206", f"computed {what} cannot also have an initial value", m.key_locs["initial"],
                           "remove 'initial': it follows from the formula")
        return _ZERO[stat_type]

    def stat_range(self, m: YMap, name: str, stat_type: ex.StatType, initial: ex.Value | None,
                   what: str) -> tuple[int | None, int | None] | None:
        """``min``/``max``: required for an int stat, whose values are clamped into them, refused for others.

        ``None`` when an int stat's range is missing or empty, so the stat cannot be built.
        """
        low, high = self.integer(m, "min", what), self.integer(m, "max", what)
        if stat_type is not ex.StatType.INT:
            if "min" in m.items or "max" in m.items:
                self.out.error("MM206", f"only int stats have a range ('{name}' is {stat_type.value})", m.loc)
            return low, high
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
        return low, high

    def shown_as(self, m: YMap, what: str) -> str | None:
        """A stat's ``shown_as`` words, when they hold ``{value}`` once and stand alone (MM220 otherwise)."""
        words = self.string(m, "shown_as", what)
        if words is None:
            return None
        where = m.items["shown_as"].loc
        problem = shown_as_problem(words)
        if problem is not None:
            self.out.error("MM220", f"'shown_as' of {what} {problem}", where)
            return None
        both = [key for key in ("prefix", "suffix", "suffix_one") if key in m.items]
        if both:
            self.out.error("MM220", f"{what} has both 'shown_as' and '{both[0]}'", where,
                           "write the words around {value} in 'shown_as' alone: '${value}k'")
            return None
        return words

    def initial(self, m: YMap, stat_type: ex.StatType, what: str) -> ex.Value | None:
        value = m.items.get("initial")
        if value is None and "initial" in m.extra:
            return None  # the YAML reader already reported why the value was dropped
        if not isinstance(value, YScalar):
            self.out.error("MM204", f"initial value of {what} must be {article(stat_type)}, found {kind(value)}",
                           loc_of(value, m.key_locs.get("initial", m.loc)))
            return None
        if value_type(value.value) is stat_type:
            return value.value  # type: ignore[return-value]
        if stat_type is ex.StatType.TEXT and isinstance(value.value, bool) and value.plain and value.raw in YAML11_BOOLEANS:
            self.out.error("MM105", f"initial value of {what} is read by YAML as a boolean",
                           value.loc, f"quote it: \"{value.raw}\"")
            return None
        self.out.error("MM204", f"initial value of {what} must be {article(stat_type)}, found {kind(value)}",
                       value.loc)
        return None

    def presentation(self, value: YValue | None, loc: Location) -> Presentation:
        """The story's own words for screens and files; defaults for every key not given."""
        if value is None:
            return Presentation()
        what = "'presentation'"
        m = self.mapping(value, what, loc)
        if m is None:
            return Presentation()
        self.keys(m, spec.PRESENTATION.allowed(), what)
        words = {key: self.string(m, key, what) for key in
                 ("progress_label", "progress_sentence", "countdown_prefix", "countdown_end", "run_header")}
        given = {key: text for key, text in words.items() if text is not None}
        summary = self.stat_list(m, "summary_stats", what)
        return replace(Presentation(**given),  # type: ignore[arg-type]
                       saves_columns=self.stat_list(m, "saves_columns", what) or (),
                       summary_stats=summary if "summary_stats" in m.items else None)

    def stat_list(self, m: YMap, key: str, what: str) -> tuple[str, ...] | None:
        """A list of declared stat names (``saves_columns: [year, savings]``)."""
        if key not in m.items:
            return None
        names: list[str] = []
        for item in self.sequence(m, key, what):
            if not (isinstance(item, YScalar) and isinstance(item.value, str)):
                self.out.error("MM204", f"each entry of '{key}' in {what} must be a stat name", item.loc)
            elif item.value not in self.types and item.value not in self.broken:
                self.out.error("MM401", f"unknown stat '{item.value}' in '{key}' of {what}", item.loc,
                               suggest(item.value, self.types) or "name a stat declared under 'stats'")
            else:
                names.append(item.value)
        return tuple(names)

    # -- chapters and scenes ----------------------------------------------------------

    def chapter(self, root: YValue | None, file: str, display: str, index: int) -> tuple[Chapter | None, list[Scene], list[Ending]]:
        loc = Location(display, 1, 1)
        m = self.mapping(root, "a chapter file", loc)
        if m is None:
            return None, [], []
        self.keys(m, _CHAPTER_FILE_KEYS, "a chapter file")
        chapter_id, title, subtitle, milestones = self.chapter_header(m)
        chapter_id = chapter_id or f"chapter{index + 1}"
        scenes = self.chapter_scenes(m, chapter_id)
        endings = [e for e in (self.ending(v, chapter_id, m.loc) for v in self.sequence(m, "endings", "a chapter file")) if e]
        chapter = Chapter(id=chapter_id, title=title or chapter_id, file=file, index=index,
                          scenes=tuple(s.id for s in scenes), subtitle=subtitle, milestones=tuple(milestones),
                          location=loc)
        return chapter, scenes, endings

    def chapter_header(self, m: YMap) -> tuple[str | None, str | None, str | None, list[Milestone]]:
        """The ``chapter:`` mapping's id, title, subtitle and milestones; none of them when it is
        missing (the chapter is then named by its place) or not a mapping."""
        header = m.items.get("chapter")
        info = self.mapping(header, "'chapter'", m.loc) if header is not None else None
        if info is None:
            return None, None, None, []
        self.keys(info, _CHAPTER_KEYS, "'chapter'")
        return (self.ident(info, "id", "the chapter"), self.string(info, "title", "the chapter"),
                self.string(info, "subtitle", "the chapter"), self.milestones(info))

    def chapter_scenes(self, m: YMap, chapter_id: str) -> list[Scene]:
        """The chapter file's scenes that could be read; an empty ``scenes:`` list is MM207 (unless
        another error already explains why none could be read)."""
        scenes = [s for s in (self.scene(v, chapter_id, m.loc) for v in self.sequence(m, "scenes", "a chapter file")) if s]
        if "scenes" in m.items and not scenes and not self.out.errors:
            self.out.error("MM207", "a chapter needs at least one scene", m.items["scenes"].loc)
        return scenes

    def milestones(self, info: YMap) -> list[Milestone]:
        """``milestone:``: one gate (a mapping) or several (a list; the first whose ``if`` holds is shown)."""
        value = info.items.get("milestone")
        if value is None:
            return []
        items = value.items if isinstance(value, YSeq) else [value]
        if isinstance(value, YSeq) and not value.items:
            self.out.error("MM204", "'milestone' of the chapter is an empty list", value.loc,
                           "give one milestone (a mapping) or remove the key")
        result = []
        for item in items:
            milestone = self.milestone(item, info.loc)
            if milestone is not None:
                result.append(milestone)
        return result

    def milestone(self, value: YValue, loc: Location) -> Milestone | None:
        what = "the chapter's milestone"
        m = self.mapping(value, what, loc)
        if m is None:
            return None
        self.keys(m, _MILESTONE_KEYS, what)
        title = self.template(m, "title", what)
        condition = self.condition(m, "if", what)
        needs: list[Need] = []
        for item in self.sequence(m, "needs", what):
            entry = self.mapping(item, f"a need of {what}", m.loc)
            if entry is None:
                continue
            self.keys(entry, _NEED_KEYS, f"a need of {what}")
            label = self.template(entry, "label", f"a need of {what}")
            need_condition = self.condition(entry, "if", f"a need of {what}")
            if label is not None and need_condition is not None:
                needs.append(Need(label, need_condition, entry.loc))
        if "needs" in m.items and isinstance(m.items["needs"], YSeq) and not m.items["needs"].items:
            self.out.error("MM204", f"'needs' of {what} is an empty list", m.items["needs"].loc,
                           "list what the gate asks for: {label: ..., if: ...}")
        if title is None or not needs:
            return None
        return Milestone(title, tuple(needs), condition, m.loc)

    def node_header(self, value: YValue, kind: str, allowed: dict[str, bool],
                    loc: Location) -> tuple[YMap, str | None, str] | None:
        """A scene's or an ending's mapping, its id (declared, so a goto to it resolves) and its name in messages.

        Both read their header alike; ``kind`` is ``scene`` or ``ending``, ``allowed`` its keys.
        """
        article = "an ending" if kind == "ending" else "a scene"
        m = self.mapping(value, article, loc)
        if m is None:
            return None
        node_id = self.ident(m, "id", article)
        self.declared.add(f"{kind}:{node_id}")
        what = f"{kind} '{node_id}'" if node_id else article
        self.keys(m, allowed, what)
        return m, node_id, what

    def scene(self, value: YValue, chapter: str, loc: Location) -> Scene | None:
        header = self.node_header(value, "scene", _SCENE_KEYS, loc)
        if header is None:
            return None
        m, scene_id, what = header
        renamed = self.old_ids(m, what)
        if scene_id is not None:
            self.renames.extend((old, scene_id, loc) for old, loc in renamed)
        title = self.string(m, "title", what)
        text = self.template(m, "text", what)
        if text is not None:
            self.scene_length(m, text, what)
        assumes = self.condition(m, "assumes", what)
        on_enter = self.effects(m, "on_enter", what)
        choices = self.unique_choices(m, what)
        self.choice_renames(choices, what)
        self.way_out(m, choices, what)
        self.canon_count(m, choices, what)
        if scene_id is None or title is None or text is None:
            return None
        return Scene(id=scene_id, title=title, text=text, chapter=chapter, choices=tuple(choices),
                     on_enter=tuple(on_enter), countdown=self.countdown(m, what), location=m.loc,
                     renamed_from=tuple(old for old, _ in renamed), assumes=assumes,
                     assumes_location=m.key_locs.get("assumes"),
                     passage_locations=self.passages(m, text))

    def scene_length(self, m: YMap, text: tp.Template, what: str) -> None:
        """Warn (MM264) when a scene's text, at its longest, runs past one screenful."""
        words = tp.longest_words(text)
        if words > MAX_SCENE_WORDS:
            self.out.warn("MM264", f"the text of {what} can run to {words} words, more than one screenful "
                          f"({MAX_SCENE_WORDS} words)", m.items["text"].loc,
                          "split the scene in two, or move a passage into an {if} branch")

    def unique_choices(self, m: YMap, what: str) -> list[Choice]:
        """The scene's choices that could be read, each id once: a run records choices by id (MM208)."""
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
        return choices

    def way_out(self, m: YMap, choices: list[Choice], what: str) -> None:
        """MM209 for ``choices: []``: a scene with no choice would strand the player."""
        if "choices" in m.items and not choices and isinstance(m.items["choices"], YSeq) and not m.items["choices"].items:
            self.out.error("MM209", f"{what} has no choices", m.items["choices"].loc,
                           "every scene needs a way out: add a choice that leads to a scene or an ending")

    def canon_count(self, m: YMap, choices: list[Choice], what: str) -> None:
        """Warn (MM265) when more than one choice is marked canon: the true path takes one per scene."""
        canon = [c for c in choices if c.canon]
        if len(canon) > 1:
            self.out.warn("MM265", f"{what} marks {len(canon)} choices as canon; the true path takes one",
                          canon[1].location or m.loc, "keep 'canon: true' on the choice the true path takes")

    def passages(self, m: YMap, text: tp.Template) -> tuple[Location, ...]:
        """Where each ``{assume}`` passage of a scene's text is written (its ``{``), in reading order."""
        scalar = m.items["text"]
        assert isinstance(scalar, YScalar)
        return tuple(offset_location(scalar, a.offset, self.out.lines) for a in tp.assumptions(text))

    def old_ids(self, m: YMap, what: str) -> list[tuple[str, Location]]:
        """``renamed_from: [old_id, ...]``: the ids a scene or choice had before, with where each is written."""
        if "renamed_from" not in m.items:
            return []
        found: list[tuple[str, Location]] = []
        for item in self.sequence(m, "renamed_from", what):
            if isinstance(item, YScalar) and isinstance(item.value, str) and ID.match(item.value):
                found.append((item.value, item.loc))
            else:
                self.out.error("MM205", f"each entry of 'renamed_from' in {what} must be an old id", item.loc,
                               "list the old ids: renamed_from: [old_name]")
        return found

    def choice_renames(self, choices: list[Choice], what: str) -> None:
        """An old choice id may name one choice of the scene only, and not be a current id."""
        current = {c.id for c in choices}
        claimed: dict[str, str] = {}
        for choice in choices:
            for old in choice.renamed_from:
                loc = self.rename_locs.get((id(choice), old), choice.location or Location("?", 0, 0))
                if old in current:
                    self.out.error("MM216", f"choice '{choice.id}' in {what} was renamed from '{old}', "
                                   f"but '{old}' is still a choice of the scene", loc,
                                   "an old id cannot also be a current one: old runs would be ambiguous")
                elif old in claimed:
                    self.out.error("MM216", f"choices '{claimed[old]}' and '{choice.id}' in {what} both claim "
                                   f"the old id '{old}'", loc, "keep the old id on the choice that replaced it")
                else:
                    claimed[old] = choice.id

    def countdown(self, m: YMap, what: str) -> int | None:
        """A countdown the front end plays as the scene is entered (1 to 60)."""
        seconds = self.integer(m, "countdown", what)
        if seconds is not None and not 1 <= seconds <= MAX_COUNTDOWN:
            self.out.error("MM206", f"countdown of {what} must be 1 to {MAX_COUNTDOWN}, found {seconds}",
                           m.items["countdown"].loc, "for example: countdown: 10")
            return None
        return seconds

    def choice(self, value: YValue, scene: str, loc: Location) -> Choice | None:
        m = self.mapping(value, f"a choice in {scene}", loc)
        if m is None:
            return None
        choice_id = self.ident(m, "id", f"a choice in {scene}")
        what = f"choice '{choice_id}' in {scene}"
        self.keys(m, _CHOICE_KEYS, what)
        label = self.template(m, "label", what)
        condition = self.condition(m, "if", what)
        hidden = self.boolean(m, "hidden", what)
        if hidden and "if" not in m.items:
            self.out.warn("MM260", f"{what} is hidden but has no condition, so it is never hidden", m.key_locs["hidden"])
        if "locked" in m.items and "if" not in m.key_locs:
            self.out.warn("MM263", f"{what} has a 'locked' reason but no 'if', so it is never locked "
                          "and the reason never shows", m.key_locs["locked"],
                          "add the condition under 'if', or remove 'locked'")
        effects = self.effects(m, "effects", what)
        goto = self.goto(m, what)
        if choice_id is None or label is None or goto is None:
            return None
        renamed = self.old_ids(m, what)
        choice = Choice(id=choice_id, label=label, goto=goto, condition=condition,
                        locked=self.template(m, "locked", what), hidden=hidden, effects=tuple(effects),
                        remember=self.string(m, "remember", what), canon=self.boolean(m, "canon", what),
                        location=m.loc,
                        renamed_from=tuple(old for old, _ in renamed))
        self.rename_locs.update(((id(choice), old), loc) for old, loc in renamed)
        return choice

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
        return self.goto_mapping(value, what)

    def goto_mapping(self, value: YMap, what: str) -> Goto | None:
        """``goto:`` written as a mapping: ``{random: [...]}``, or one target with its own effects."""
        if "random" in value.items or "random" in value.key_locs:
            self.keys(value, spec.RANDOM.allowed(), f"'goto' of {what}")
            return self.random(value, what)
        self.keys(value, {k: r for k, r in _TARGET_KEYS.items() if k != "if"}, f"'goto' of {what}")
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
            outcome = f"a random outcome of {what}"
            extra = {"effects": tuple(self.effects(entry, "effects", outcome)),
                     "remember": self.string(entry, "remember", outcome)}
            target = self.target_entry(entry, what, conditional=False, weight=weight or 1, **extra)
            if target and weight:
                targets.append(target)
        return Goto("random", tuple(targets)) if len(targets) == len(value.items) else None

    def target_entry(self, m: YMap, what: str, conditional: bool, weight: int = 1, **extra: object) -> Target | None:
        has_scene, has_ending = "scene" in m.items, "ending" in m.items
        if has_scene == has_ending:
            self.out.error("MM211", f"a target of {what} needs exactly one of 'scene' or 'ending'", m.loc)
            return None
        condition = self.condition(m, "if", what) if conditional else None
        if conditional and "if" in m.items and condition is None:
            return None
        key = "scene" if has_scene else "ending"
        name = self.ident(m, key, what)
        if name is None:
            return None
        return self.target(m.items[key].loc, name if has_scene else None, name if has_ending else None,
                           condition=condition, weight=weight, **extra)

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
                if bad is not None:
                    self.out.error("MM212", f"unknown effect '{bad}' in {what}: an effect is one of set, add, subtract",
                                   entry.key_locs[bad], effect_hint(bad))
                else:
                    self.out.error("MM212", f"an effect of {what} must be exactly one of set, add, subtract",
                                   entry.loc, "write one of set, add, subtract per list item")
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
            result.extend(Effect("set", d.name, d.slot, d.formula or "", d.expression) for d in self.derived)  # type: ignore[arg-type]
        return result

    def effect(self, op: str, stat: str, value: YValue, loc: Location, what: str) -> Effect | None:
        stat_type = self.types.get(stat)
        if stat_type is None:
            if stat not in self.broken:
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
            self.out.error("MM204", f"value for '{stat}' in {what} must be a single value", loc_of(value, loc))
            return None
        computed = self.effect_value(stat, stat_type, value, what)
        if computed is None:
            return None
        self.literal_in_range(op, stat, value)
        return Effect(op=op, stat=stat, slot=self.slots[stat], source=value.raw, value=computed, location=loc)  # type: ignore[arg-type]

    def literal_in_range(self, op: str, name: str, value: YScalar) -> None:
        """A literal that cannot fit the stat's range: an error for set, a warning for add/subtract.

        ``set: {damage: 7}`` on a 0..3 stat can never mean what it says; ``add: {lamp: 5}``
        on a 0..3 stat always lands on the bound, so it is a ``set`` in disguise.
        """
        stat = self.ranges.get(name)
        amount = value.value
        if (stat is None or stat.type is not ex.StatType.INT or not isinstance(amount, int) or isinstance(amount, bool)
                or stat.minimum is None or stat.maximum is None):
            return
        low, high = stat.minimum, stat.maximum
        if op == "set" and not low <= amount <= high:
            self.out.error("MM215", f"set {name} to {amount}: outside its range {low}..{high}", value.loc,
                           f"use a value from {low} to {high}, or widen the stat's range")
        elif op != "set" and abs(amount) > high - low and not stat.saturates:
            bound = high if (amount > 0) == (op == "add") else low
            self.out.warn("MM262", f"{op} {amount} to {name} ({low}..{high}) always clamps: the result is always {bound}",
                          value.loc, f"write 'set: {{{name}: {bound}}}' if that is meant, or a smaller amount")

    def effect_value(self, stat: str, stat_type: ex.StatType, value: YScalar, what: str) -> EffectValue | None:
        """What an effect sets or adds: a literal, an expression's tree, or a text template."""
        literal = value.value
        if stat_type is ex.StatType.TEXT:
            if isinstance(literal, str) and ("{" in literal or "}" in literal):
                return self.text_value(value, literal, what)
            if isinstance(literal, str):
                return literal
            if isinstance(literal, bool) and value.plain and value.raw in YAML11_BOOLEANS:
                self.out.error("MM105", f"value for '{stat}' is read by YAML as a boolean", value.loc,
                               f"quote it: \"{value.raw}\"")
                return None
        elif value_type(literal) is stat_type:
            return literal  # type: ignore[return-value]  # value_type: one of int, bool, str
        elif isinstance(literal, str):
            return self.expression(value, literal, stat_type)
        self.out.error("MM302", f"value for {stat_type.value} stat '{stat}' in {what} must be {article(stat_type)}, "
                       f"found {kind(value)}", value.loc)
        return None

    def text_value(self, scalar: YScalar, text: str, what: str) -> tp.Template | None:
        """A text stat's new value is a template like any story text: ``"Keeper {name}"``."""
        try:
            template = tp.parse_template(text)
            tp.check_template(template, self.types)
            for node, _condition in tp.expressions(template):
                self.allocate(node, scalar)
        except tp.TemplateError as err:
            if err.subject not in self.broken:
                self.out.error(err.code, f"in a text value of {what}: {err.message}",
                               offset_location(scalar, err.offset, self.out.lines),
                               err.hint or "text values are templates: write {{ and }} for literal braces")
            return None
        self.stat_reads.update(tp.template_names(template))
        return template

    def ending(self, value: YValue, chapter: str | None, loc: Location) -> Ending | None:
        header = self.node_header(value, "ending", _ENDING_KEYS, loc)
        if header is None:
            return None
        m, ending_id, what = header
        title = self.string(m, "title", what)
        text = self.template(m, "text", what)
        if ending_id is None or title is None or text is None:
            return None
        return Ending(id=ending_id, title=title, text=text, true_ending=self.boolean(m, "true_ending", what),
                      chapter=chapter, location=m.loc)



_EFFECT_WORDS = {
    "sub": "subtract", "minus": "subtract", "dec": "subtract", "decrease": "subtract", "remove": "subtract",
    "lose": "subtract", "take": "subtract", "inc": "add", "increase": "add", "plus": "add", "gain": "add",
    "assign": "set", "let": "set", "put": "set",
}


def effect_hint(word: str) -> str:
    """"did you mean 'subtract'?" for ``sub:``, ``minus:``, ``substract:`` and the like."""
    lowered = word.lower()
    meant = _EFFECT_WORDS.get(lowered) or next((op for op in _EFFECT_OPS if op.startswith(lowered) and lowered), None)
    if meant is None:
        close = suggest(lowered, _EFFECT_OPS)
        return close or "write one of set, add, subtract per list item"
    return f"did you mean '{meant}'?"
