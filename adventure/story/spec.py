"""The story format's keys in one table: names, whether required, kinds and descriptions.

The loader (:mod:`adventure.story.builder`) takes its allowed and required keys from
here, and ``million-miles schema`` (:mod:`adventure.story.schema`) turns the same table
into a JSON Schema for editors, so the two cannot drift apart. The descriptions are
the docs' words (docs/authoring.md), shown by editors as hover text.

Typical use::

    SCENE.allowed()          # {"id": True, "title": True, ...}: key -> required
    SCENE.key("text").description
"""

from __future__ import annotations

from dataclasses import dataclass

ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_\-]*$"
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
EFFECT_OPS = ("set", "add", "subtract")


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a mapping in a story file.

    ``kind`` names the value's shape for the schema: ``text`` (a string, numbers
    accepted as their text), ``template`` (text with ``{…}``), ``id``, ``name`` (a stat
    name), ``int``, ``bool``, ``expr`` (an expression in quotes), ``condition`` (an
    expression, or true/false), ``ids`` (a list of ids), ``names`` (a list of stat
    names), ``files`` (a list of file names), or ``ref:PART`` / ``list:PART`` for
    another part of the table, or a special shape the schema module knows
    (``stats``, ``effects``, ``goto``, ``type``, ``value``, ``shown_as``: text holding ``{value}``).
    """

    name: str
    required: bool
    kind: str
    description: str


@dataclass(frozen=True, slots=True)
class Part:
    """A kind of mapping (a scene, a choice...): its keys and which of them exclude each other.

    ``one_of`` lists groups of keys of which exactly one must be present (a choice's
    ``goto``/``ending``, an effect's operation).
    """

    name: str
    description: str
    keys: tuple[Key, ...]
    one_of: tuple[tuple[str, ...], ...] = ()

    def allowed(self) -> dict[str, bool]:
        """Key name -> required, in the order written: what the loader accepts."""
        return {k.name: k.required for k in self.keys}

    def key(self, name: str) -> Key:
        """The key called ``name`` (KeyError when the part has none)."""
        for key in self.keys:
            if key.name == name:
                return key
        raise KeyError(name)


PRESENTATION = Part("presentation", "The story's own words for the engine's screens and files; every key is optional.", (
    Key("progress_label", False, "text", "The label beside the progress bar (default: Progress)."),
    Key("progress_sentence", False, "text",
        "The plain-mode sentence before the percentage, as in 'SENTENCE: 40%' (default: the progress label)."),
    Key("countdown_prefix", False, "text",
        "Words before the number in each frame of an animated countdown, e.g. 'T-minus' (default: none)."),
    Key("countdown_end", False, "text", "The closing words of a scene's countdown (default: Go!)."),
    Key("saves_columns", False, "names",
        "Stats shown as columns of 'million-miles saves', in order (default: none)."),
    Key("summary_stats", False, "names",
        "Stats listed in the ending summary, in order (default: every stat with show: true)."),
    Key("run_header", False, "text",
        "The words of a saved run file's first comment line (default: 'TITLE: a saved run')."),
))

STAT = Part("stat", "A declared stat: a value every run carries, changed by effects and read by conditions and text.", (
    Key("type", True, "type", "int, bool or text."),
    Key("initial", False, "value", "Starting value, of the stat's type (ints must lie in the range)."),
    Key("compute", False, "expr", "A formula over other stats, instead of 'initial': the stat follows it."),
    Key("min", False, "int", "Inclusive lower bound (int stats): every change is clamped into the range."),
    Key("max", False, "int", "Inclusive upper bound (int stats): every change is clamped into the range."),
    Key("label", False, "text", "Display name (defaults to the stat name)."),
    Key("show", False, "condition",
        "true to show it in the status panel and run summary (default false); or a condition in quotes: "
        "shown only while it holds, e.g. 'married' for a stat that means nothing before."),
    Key("group", False, "text", "Status-panel group, e.g. skills, family."),
    Key("prefix", False, "text", "Text before the value when displayed ($)."),
    Key("suffix", False, "text", "Text after the value when displayed (k)."),
    Key("suffix_one", False, "text",
        "The suffix when the value is exactly 1, for words with a plural (suffix ' casks', suffix_one ' cask')."),
    Key("shown_as", False, "shown_as",
        "How the value is worded, {value} marking the number: '${value}k' shows $4k; a translation may reorder "
        "it ('{value} mil dólares'). Instead of prefix and suffix; zero still words 0."),
    Key("zero", False, "text",
        "How the value 0 is worded wherever it is shown: status, changes, summary, and {shown(stat)} in text "
        "(zero 'no savings' rather than $0k)."),
    Key("description", False, "text", "One line for authors and the help screen."),
    Key("saturates", False, "bool",
        "true when reaching min/max is intended: check --explore then does not warn that the stat is clamped."),
))

ENDING = Part("ending", "A way for a run to finish, with an epilogue.", (
    Key("id", True, "id", "Stable id."),
    Key("title", True, "text", "Shown on the ending screen."),
    Key("text", True, "template", "The epilogue (a template): say what led here."),
    Key("true_ending", False, "bool", "true for the ending the story is about."),
))

STORY = Part("story", "The story file (story.yaml): title, stats, endings and the chapter files in order.", (
    Key("format", True, "int", "Format version of this file (currently 1)."),
    Key("id", True, "id", "Stable story id: saves remember it."),
    Key("title", True, "text", "The story's title."),
    Key("subtitle", False, "text", "A line under the title on the title screen."),
    Key("description", False, "text", "A few words about the story, for authors."),
    Key("start", True, "id", "Id of the first scene."),
    Key("progress", False, "expr", "An int expression, 0-100, for the progress bar."),
    Key("chapters", True, "files", "Chapter files, in reading order, relative to this file."),
    Key("stats", True, "stats", "The stats every run carries, by name."),
    Key("endings", False, "list:ending", "Endings (they may also appear in chapter files)."),
    Key("presentation", False, "ref:presentation", PRESENTATION.description),
))

NEED = Part("need", "One requirement of a milestone: a templated label and the condition that meets it.", (
    Key("label", True, "template", "What the gate asks for, as the player reads it (a template)."),
    Key("if", True, "condition", "The condition that meets it."),
))

MILESTONE = Part("milestone", "The chapter's next gate, shown before it bites: a title and its needs.", (
    Key("title", True, "template", "What the gate is (a template)."),
    Key("needs", True, "list:need", "A non-empty list of needs, each a label and a condition."),
    Key("if", False, "condition", "Show this milestone only while the condition holds (in a list, the first that holds)."),
))

CHAPTER = Part("chapter", "The chapter's own header.", (
    Key("id", True, "id", "Stable chapter id."),
    Key("title", True, "text", "Shown on the chapter's title card."),
    Key("subtitle", False, "text", "Optional second line of the title card."),
    Key("milestone", False, "milestone", "The chapter's next gate (or a list of them, each with an 'if')."),
))

EFFECT = Part("effect", "One stat change: exactly one of set, add, subtract, mapping stat names to values.", (
    Key("set", False, "value_map",
        "Set stats: a literal, or for int/bool stats an expression in quotes; text values are templates."),
    Key("add", False, "value_map", "Add to int stats: a number or an expression in quotes (clamped)."),
    Key("subtract", False, "value_map", "Subtract from int stats: a number or an expression in quotes (clamped)."),
), one_of=(EFFECT_OPS,))

TARGET = Part("target", "An entry of a conditional target list: the first whose 'if' holds wins.", (
    Key("if", False, "condition", "Condition for this target; the last entry must have none."),
    Key("scene", False, "id", "The scene to go to."),
    Key("ending", False, "id", "The ending to finish with."),
), one_of=(("scene", "ending"),))

OUTCOME = Part("outcome", "A weighted outcome of a random draw.", (
    Key("weight", True, "int", "A positive whole number: the outcome's share of the draw."),
    Key("scene", False, "id", "The scene to go to."),
    Key("ending", False, "id", "The ending to finish with."),
    Key("effects", False, "effects", "Effects applied when this outcome is drawn, before the target's on_enter."),
    Key("remember", False, "text", "A line for the end-of-run summary when this outcome is drawn."),
), one_of=(("scene", "ending"),))

RANDOM = Part("random", "A weighted draw from the run's seeded generator.", (
    Key("random", True, "list:outcome", "The outcomes, each with a weight and a scene or an ending."),
))

CHOICE = Part("choice", "A choice offered in a scene.", (
    Key("id", True, "id", "Stable id, unique within the scene."),
    Key("label", True, "template", "What the player picks (a template)."),
    Key("renamed_from", False, "ids", "Old ids of this choice, so saves and runs made before a rename still replay."),
    Key("if", False, "condition", "Condition (a bool expression); when false the choice is shown locked."),
    Key("locked", False, "template", "The reason shown when locked (a template); needs 'if'."),
    Key("hidden", False, "bool", "true: when locked, do not show the choice at all."),
    Key("effects", False, "effects", "Effects applied in order when the choice is taken."),
    Key("remember", False, "text", "A line for the end-of-run summary ('choices that mattered')."),
    Key("goto", False, "goto", "Where it leads: a scene id; a list of conditional targets; or random:."),
    Key("ending", False, "id", "An ending id: taking the choice finishes the run."),
    Key("canon", False, "bool", "true: the choice the true path takes here (at most one per scene)."),
), one_of=(("goto", "ending"),))

SCENE = Part("scene", "A scene: text to show and the choices that leave it.", (
    Key("id", True, "id", "Stable id, unique across the story (saves and replays use it)."),
    Key("renamed_from", False, "ids", "Old ids of this scene, so saves and runs made before a rename still replay."),
    Key("title", True, "text", "Scene heading."),
    Key("text", True, "template", "A template; keep it to one screenful."),
    Key("assumes", False, "condition",
        "What the scene's text takes for granted, e.g. chose(keep_keys): check --explore reports (MM606) "
        "every reachable way in where it is false; play never tests it."),
    Key("on_enter", False, "effects", "Effects applied whenever the run enters the scene."),
    Key("choices", True, "list:choice", "At least one choice."),
    Key("countdown", False, "int",
        "A number from 1 to 60: the front end counts down from it as the scene is entered."),
))

CHAPTER_FILE = Part("chapter_file", "A chapter file: the chapter's header, its scenes and optional endings.", (
    Key("chapter", True, "ref:chapter", CHAPTER.description),
    Key("scenes", True, "list:scene", "The chapter's scenes, in reading order."),
    Key("endings", False, "list:ending", "Endings declared next to their chapter."),
))

PARTS: tuple[Part, ...] = (STORY, PRESENTATION, STAT, ENDING, CHAPTER_FILE, CHAPTER, MILESTONE, NEED, SCENE, CHOICE,
                           TARGET, RANDOM, OUTCOME, EFFECT)
"""Every part of the format, the story file first."""

TEXT_KEYS = frozenset(k.name for p in PARTS for k in p.keys if k.kind in ("text", "template", "shown_as"))
"""Keys whose value is text, where a number written bare (``title: 1969``) is read as its text."""
