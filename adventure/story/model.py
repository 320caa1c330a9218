"""The immutable story model the engine runs.

A ``Story`` is built once by :mod:`adventure.story.loader` and never changes: frozen
dataclasses and tuples, each node carrying the source location it came from so later
tools (checker, explorer, graph) can point an author at the right line. Expressions
and templates arrive parsed and type-checked, so play never meets an unknown name.

The model is data only: strings, numbers, parsed nodes (:mod:`~adventure.story.expr`
trees, :class:`~adventure.story.template.Template`) and locations. Everything that
runs (conditions, effects, computed stats) is derived from it once by
:class:`adventure.story.compiled.CompiledStory`; so a story round-trips through
:meth:`Story.to_dict` / :meth:`Story.from_dict`, which is what the story cache stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from adventure.base.messages import _
from adventure.story.expr import Node, StatType, Value
from adventure.story.template import Template

Compiled = Callable[[Sequence[Value]], Value]
Renderer = Callable[[Sequence[Value]], str]
EffectOp = Literal["set", "add", "subtract"]
EffectValue = Value | Node | Template
GotoKind = Literal["direct", "first", "random"]


MAX_TEXT = 1000
"""No text stat holds more characters: a value that would grow past it is cut, so a run file stays small."""


class Location(NamedTuple):
    """Where a node was written: the file's path, 1-based line and column.

    A named tuple rather than a frozen dataclass: the loader makes one per YAML node,
    and tuples are several times cheaper to build.
    """

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Stat:
    """A declared stat. Ints are clamped into ``[minimum, maximum]`` on every change."""

    name: str
    type: StatType
    initial: Value
    label: str
    slot: int
    minimum: int | None = None
    maximum: int | None = None
    show: bool = False
    group: str | None = None
    prefix: str = ""
    suffix: str = ""
    suffix_one: str | None = None
    """The suffix when the value is exactly 1 (`` cask`` beside `` casks``); ``suffix`` when unset."""
    zero: str | None = None
    """How the value 0 is worded where it is shown (``no savings`` rather than ``$0k``); ``None``: as any value."""
    shown_as: str | None = None
    """The value's words around its number, ``{value}`` marking the number (``${value}k``; in a translation
    ``{value} mil dólares``); ``None``: ``prefix``, number, ``suffix``. Checked to hold ``{value}`` once."""
    description: str | None = None
    saturates: bool = False
    formula: str | None = None
    inputs: tuple[str, ...] = ()
    """The stats a computed stat's formula reads (why it moved)."""
    expression: Node | None = None
    """A computed stat's parsed ``formula``."""
    location: Location | None = field(default=None, compare=False)
    show_if: Node | None = None
    """``show: "condition"``: shown only while the condition holds (before it means something, not at all)."""

    @property
    def computed(self) -> bool:
        """Whether the value follows from other stats (``compute:``) rather than effects."""
        return self.formula is not None

    def clamp(self, value: Value) -> Value:
        """Keep an int inside its declared range, text within ``MAX_TEXT`` characters."""
        if self.type is StatType.INT:
            assert isinstance(value, int)
            if self.minimum is not None and value < self.minimum:
                return self.minimum
            if self.maximum is not None and value > self.maximum:
                return self.maximum
        if self.type is StatType.TEXT and isinstance(value, str) and len(value) > MAX_TEXT:
            return value[:MAX_TEXT]
        return value

    def display(self, value: Value) -> str:
        """The value as the status panel shows it (``$3k``, ``yes``, or the ``zero`` words for 0)."""
        if self.zero is not None and value == 0 and not isinstance(value, bool):
            return self.zero
        if isinstance(value, bool):
            text = _("yes") if value else _("no")
        else:
            text = str(value)
        if self.shown_as is not None and not isinstance(value, bool):
            before, _marker, after = self.shown_as.partition(VALUE_MARK)  # never str.format: story text
            return f"{before}{text}{after}"
        suffix = self.suffix_one if value == 1 and self.suffix_one is not None and not isinstance(value, bool) \
            else self.suffix
        return f"{self.prefix}{text}{suffix}"


VALUE_MARK = "{value}"
"""Where a stat's ``shown_as`` words put the number."""


def shown_as_problem(words: str) -> str | None:
    """Why ``words`` cannot be a stat's ``shown_as`` (``None`` when it can): ``{value}`` once, no other brace."""
    if words.count(VALUE_MARK) != 1:
        return "must hold {value} exactly once, where the number goes"
    if "{" in words.replace(VALUE_MARK, "") or "}" in words.replace(VALUE_MARK, ""):
        return "may hold no brace but those of {value}"
    return None


@dataclass(frozen=True, slots=True)
class Effect:
    """One stat change: ``set``, ``add`` or ``subtract`` a literal or computed value.

    ``value`` is a literal (``3``, ``true``, ``"Pepe"``), an expression's tree, or for a
    text stat a template (``"Keeper {name}"``).
    """

    op: EffectOp
    stat: str
    slot: int
    source: str
    value: EffectValue
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Target:
    """A place a choice can lead: exactly one of ``scene`` or ``ending``."""

    scene: str | None = None
    ending: str | None = None
    condition: Node | None = None
    weight: int = 1
    location: Location | None = field(default=None, compare=False)
    effects: tuple[Effect, ...] = ()
    """Effects of a random outcome, applied when it is drawn (before the scene's on_enter)."""
    remember: str | None = None
    """A random outcome's line for the end-of-run summary."""

    @property
    def name(self) -> str:
        """``scene:ID`` or ``ending:ID``, for reports and graphs."""
        return f"scene:{self.scene}" if self.scene else f"ending:{self.ending}"


@dataclass(frozen=True, slots=True)
class Goto:
    """How a choice resolves: one target, the first matching, or a weighted draw."""

    kind: GotoKind
    targets: tuple[Target, ...]

    @property
    def total_weight(self) -> int:
        """Sum of weights, the range of the random draw."""
        return sum(t.weight for t in self.targets)


@dataclass(frozen=True, slots=True)
class Choice:
    """A choice offered in a scene; locked (shown with ``reason``) when its test fails."""

    id: str
    label: Template
    goto: Goto
    condition: Node | None = None
    locked: Template | None = None
    hidden: bool = False
    effects: tuple[Effect, ...] = ()
    remember: str | None = None
    canon: bool = False
    """The choice the true path takes at a key decision (``canon: true``), for the ending summary."""
    location: Location | None = field(default=None, compare=False)
    renamed_from: tuple[str, ...] = ()
    """Old ids of this choice: runs logged before a rename still find it."""


@dataclass(frozen=True, slots=True)
class Scene:
    """A node of the story graph: text to show and the choices that leave it."""

    id: str
    title: str
    text: Template
    chapter: str
    choices: tuple[Choice, ...]
    on_enter: tuple[Effect, ...] = ()
    countdown: int | None = None
    location: Location | None = field(default=None, compare=False)
    renamed_from: tuple[str, ...] = ()
    """Old ids of this scene: saves and runs logged before a rename still find it."""
    assumes: Node | None = None
    """What the scene's text takes for granted (``assumes:``): proved by ``check --explore``, never tested in play."""
    assumes_location: Location | None = field(default=None, compare=False)
    passage_locations: tuple[Location, ...] = field(default=(), compare=False)
    """Where each ``{assume}`` passage of the text is written, in reading order (for ``check --explore``)."""

    def choice(self, choice_id: str) -> Choice | None:
        """The choice with this id (or an old id it was renamed from), or ``None``.

        Scenes hold a handful of choices, so a scan is fine.
        """
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        for choice in self.choices:
            if choice_id in choice.renamed_from:
                return choice
        return None


@dataclass(frozen=True, slots=True)
class Ending:
    """A declared way for a run to finish, with an epilogue template."""

    id: str
    title: str
    text: Template
    true_ending: bool = False
    chapter: str | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Need:
    """One requirement of a milestone: a templated label and the condition that meets it."""

    label: Template
    condition: Node
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Milestone:
    """The next gate of a chapter, shown in the status panel before it bites.

    ``condition`` (``if:``) says while it is the one to show; a chapter may list
    several, and the first whose condition holds is shown.
    """

    title: Template
    needs: tuple[Need, ...]
    condition: Node | None = None
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter file: its scenes in the order they were written."""

    id: str
    title: str
    file: str
    index: int
    scenes: tuple[str, ...]
    subtitle: str | None = None
    milestones: tuple[Milestone, ...] = ()
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Memo:
    """A hidden true/false slot for one ``seen()`` or ``chose()`` that the story reads.

    It turns true when a choice matching it is taken: any choice in ``scene`` (for
    ``seen``), the choice ``choice`` in any scene, or ``choice`` in ``scene`` only (for
    ``chose(scene.choice)``). Only recalled scenes and choices get one, so a story that
    reads none has exactly the state space it had without them.
    """

    key: str
    """``seen(id)`` or ``chose(id)``: its name in expressions' slot mappings and environments."""
    slot: int
    scene: str | None = None
    choice: str | None = None

    def matches(self, scene: str, choice: str) -> bool:
        """Whether taking ``choice`` in ``scene`` marks this memo."""
        return (self.scene is None or self.scene == scene) and (self.choice is None or self.choice == choice)


@dataclass(frozen=True, slots=True)
class Presentation:
    """The story's own words for the engine's screens and files (``presentation:`` in story.yaml).

    The engine knows no story: the progress bar's label, the countdown's closing words,
    the columns of the saves table and the run-file header come from here, each with a
    neutral default.
    """

    progress_label: str = "Progress"
    progress_sentence: str | None = None
    countdown_prefix: str = ""
    countdown_end: str = "Go!"
    saves_columns: tuple[str, ...] = ()
    summary_stats: tuple[str, ...] | None = None
    run_header: str | None = None

    @property
    def sentence(self) -> str:
        """The plain-mode words before the percentage (the label unless a sentence is given)."""
        return self.progress_sentence or self.progress_label

    def header(self, title: str) -> str:
        """The first comment line of a saved run, without the leading ``#``."""
        return self.run_header or f"{title}: a saved run"

    def tick(self, number: int) -> str:
        """One number of a countdown, with its prefix (``T-minus 3``)."""
        return f"{self.countdown_prefix} {number}" if self.countdown_prefix else str(number)


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Story:
    """The whole loaded story. Immutable; the engine reads it and never writes."""

    id: str
    title: str
    start: str
    stats: tuple[Stat, ...]
    chapters: tuple[Chapter, ...]
    scenes: Mapping[str, Scene]
    endings: Mapping[str, Ending]
    fingerprint: str
    root: str
    progress: Node | None = None
    subtitle: str | None = None
    presentation: Presentation = Presentation()
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Old scene id -> current id, from the scenes' ``renamed_from``."""
    memos: tuple[Memo, ...] = ()
    """The hidden slots of ``seen()``/``chose()``, after the stats' slots, in slot order."""

    def marks(self, scene_id: str, choice_id: str) -> tuple[int, ...]:
        """The memo slots that taking ``choice_id`` in ``scene_id`` sets (current ids)."""
        return tuple(m.slot for m in self.memos if m.matches(scene_id, choice_id))

    @property
    def slots(self) -> dict[str, int]:
        """Every name an expression can read, with its slot: stats, then ``seen()``/``chose()`` keys."""
        found = {s.name: s.slot for s in self.stats}
        found.update((m.key, m.slot) for m in self.memos)
        return found

    def scene_id(self, scene_id: str) -> str:
        """The current id of a scene known by ``scene_id``, which may be an old one."""
        return self.renamed.get(scene_id, scene_id)

    def stat(self, name: str) -> Stat:
        """The declared stat called ``name`` (KeyError when unknown)."""
        for stat in self.stats:
            if stat.name == name:
                return stat
        raise KeyError(name)

    @property
    def stat_names(self) -> tuple[str, ...]:
        """Stat names in slot order, the order of values in a run state."""
        return tuple(s.name for s in self.stats)

    @property
    def initial_values(self) -> tuple[Value, ...]:
        """The values a new run starts with: the stats', then every memo false."""
        return tuple(s.initial for s in self.stats) + (False,) * len(self.memos)

    @property
    def summary_stats(self) -> tuple[Stat, ...]:
        """The stats the ending summary lists: the presentation's choice, else the shown ones."""
        names = self.presentation.summary_stats
        if names is None:
            return tuple(s for s in self.stats if s.show)
        return tuple(self.stat(n) for n in names)

    @property
    def labels(self) -> dict[str, str]:
        """Display labels by stat name, used to explain locked choices."""
        labels = {s.name: s.label for s in self.stats}
        labels.update((m.key, self._memo_label(m)) for m in self.memos)
        return labels

    def _memo_label(self, memo: Memo) -> str:
        """``seen()``/``chose()`` as a player reads it in a lock reason: the scene's title, the choice's label."""
        if memo.choice is None:
            scene = self.scenes.get(memo.scene or "")
            return _("seen “{title}”").format(title=scene.title) if scene else memo.key
        scenes: Iterable[Scene] = self.scenes.values() if memo.scene is None else (
            [self.scenes[memo.scene]] if memo.scene in self.scenes else [])
        for scene in scenes:
            choice = scene.choice(memo.choice)
            if choice is not None:
                return _("chose “{label}”").format(label=" ".join(choice.label.source.split()) or choice.id)
        return memo.key

    def chapter_of(self, scene_id: str) -> Chapter:
        """The chapter a scene belongs to."""
        chapter_id = self.scenes[scene_id].chapter
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    @property
    def choice_count(self) -> int:
        """How many choices the story declares, for summaries."""
        return sum(len(s.choices) for s in self.scenes.values())

    def to_dict(self) -> dict[str, object]:
        """The story as plain JSON values (see :mod:`adventure.story.codec`)."""
        from adventure.story.codec import story_to_dict

        return story_to_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Story:
        """The story :meth:`to_dict` wrote; ``ValueError``/``TypeError``/``KeyError`` on anything else."""
        from adventure.story.codec import story_from_dict

        return story_from_dict(data)
