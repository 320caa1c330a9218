"""Build a translated story from a language's PO catalogue, checking it like the English.

A translation replaces strings of the loaded story (frozen dataclasses, rebuilt with
``dataclasses.replace``); ids, stats, effects and the fingerprint stay, so runs record
the same ids in every language and replay in any of them. A translated template is
parsed and type-checked like the English and may move ``{…}`` expressions and
``{if}`` passages, but may read only the stats the English reads and show only values
the English shows; every problem is located in the ``.po`` file (file, line, column).
A missing string, or one that does not check, falls back to the English, for that
string only; a fuzzy or stale one (its English changed) is shown, with MM706 in
``check``, until a translator reviews it (unless the translator flagged it
``english-until-reviewed``: then that string reads in English until then). Long texts are translated paragraph by
paragraph (:func:`adventure.i18n.strings.paragraphs`), so an edit affects one paragraph.

Codes (``docs/authoring.md``): MM701 unreadable catalogue, MM702 a translated template
that does not parse or type-check, MM703 it reads a stat the English does not, MM704 it
shows a value the English does not (``plural()`` with its own words and ``ordinal()`` of a shown
value are allowed), MM705 missing, MM706 stale (fuzzy or English
changed), MM707 a key the story does not have, MM708 a control character (a catalogue may
come from a stranger, like a story), MM709 a stat's ``shown_as`` words without ``{value}`` once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.base.errors import Diagnostic, Severity, StoryLoadError
from adventure.base.messages import N_, _
from adventure.base.safetext import describe, escape_controls, find_control
from adventure.i18n.catalog import CatalogError, Counts, by_key, catalog_path, read_catalog, status
from adventure.i18n.files import inside_story
from adventure.i18n.strings import (
    GROUP,
    PARAGRAPH,
    Entry,
    defaults_of,
    fields_of,
    follow_renames,
    kept_whole,
    paragraph_key,
    paragraphs,
    renamed_key,
    story_strings,
    walk,
)
from adventure.story import expr as ex
from adventure.story.model import Story, shown_as_problem
from adventure.story.template import Template, TemplateError, check_template, expressions, parse_template

if TYPE_CHECKING:
    from babel.messages.catalog import Message

ENGLISH = "en"

ENGLISH_UNTIL_REVIEWED = "english-until-reviewed"
"""A PO flag a translator puts on a string whose stale translation should not be shown:
until it is reviewed (the ``fuzzy`` flag cleared), that one string reads in English."""


@dataclass
class TranslationReport:
    """What checking one language's catalogue found, and the translated story when valid."""

    language: str
    path: str
    counts: Counts
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    story: Story | None = None


def translate_story(story: Story, language: str) -> Story:
    """The story in ``language`` (itself for English or when no catalogue exists).

    Raises :class:`StoryLoadError` when the catalogue cannot be read at all. A string
    whose translation is wrong (``check`` reports it) is English, as missing and stale
    strings are: one bad string never takes the whole language away.
    """
    if _is_english(language):
        return story
    path = catalog_path(story.root, language)
    if not path.is_file():
        return story
    report = check_translation(story, language)
    if report.story is None:
        raise StoryLoadError(report.errors, report.warnings)
    return report.story


PRESENTATION_DEFAULTS = (N_("Progress"), N_("Go!"))
"""The presentation's English defaults (``adventure.story.model.Presentation``), marked here
so the program's catalogue carries them."""


def program_defaults(story: Story) -> Story:
    """The story with default words it did not write itself (``Progress``, ``Go!``) in the
    program's language: they are the program's words, translated with its catalogue."""
    changes: dict[str, Any] = {name: _(value) for name, value in defaults_of(story.presentation).items()}
    if not any(changes[name] != getattr(story.presentation, name) for name in changes):
        return story
    return replace(story, presentation=replace(story.presentation, **changes))


def _is_english(language: str) -> bool:
    return language.split("_", maxsplit=1)[0].split("-", maxsplit=1)[0].lower() in {ENGLISH, "c", "posix", ""}


def check_translation(story: Story, language: str, strict: bool = False) -> TranslationReport:
    """Check a language's catalogue against the story; ``strict`` makes gaps errors."""
    path = catalog_path(story.root, language)
    entries = story_strings(story)
    display = str(path)
    known_keys = {e.key for e in entries}
    if not inside_story(path, story.root):  # chapter files outside the folder are refused (MM214): the same rule
        report = TranslationReport(language, display, Counts(len(entries), 0, len(entries), 0))
        report.errors.append(Diagnostic("MM214", "the catalogue is outside the story folder (a symbolic link leads "
                                        "out of it)", display, 0, hint="make locale/ a real folder inside the story"))
        return report
    try:
        catalog = read_catalog(path, language)
    except CatalogError as err:
        report = TranslationReport(language, display, Counts(len(entries), 0, len(entries), 0))
        report.errors.append(Diagnostic("MM701", err.message, err.path, err.line,
                                        hint="a PO editor (Poedit) or 'msgfmt --check' shows what is wrong"))
        return report
    messages = by_key(catalog)
    whole = kept_whole(renamed_key(k, story) for k in messages if k not in known_keys)
    if whole:
        entries = story_strings(story, whole)  # texts this catalogue translates whole
    for old, new in follow_renames([e.key for e in entries], messages, story).items():
        messages[new] = messages.pop(old)  # a renamed scene or choice keeps its translation
    checker = _Checker(story, display, _po_lines(path), "error" if strict else "warning")
    translated: dict[str, str] = {}
    states = [checker.entry(entry, messages.get(entry.key), translated) for entry in entries]
    known = {e.key for e in entries}
    for key, message in messages.items():
        if key not in known:
            checker.add(Diagnostic("MM707", f"the story has no string '{escape_controls(key, one_line=True)}'", display,
                                   message.lineno or 0, hint="run 'million-miles i18n update' to mark it obsolete",
                                   severity="warning"))
    counts = Counts(len(entries), states.count("translated"), states.count("missing"), states.count("stale"))
    report = TranslationReport(language, display, counts, checker.errors, checker.warnings)
    report.story = apply(story, translated, checker.templates)  # a string with an error stays English
    return report


def apply(story: Story, translated: dict[str, str], templates: dict[str, Template]) -> Story:
    """A copy of the story with each translated string in place of the English."""

    def swap(prefix: str, node: object, context: str) -> object:
        changes: dict[str, object] = {}
        for name in fields_of(node):
            key = f"{prefix}:{name}"
            if key in templates:
                changes[name] = templates[key]
            elif key in translated and isinstance(getattr(node, name), str):
                changes[name] = translated[key]
            elif isinstance(value := getattr(node, name), Template):
                joined = _joined(key, value, translated)
                if joined is not None:
                    changes[name] = joined
        return replace(node, **changes) if changes else node  # type: ignore[type-var]

    result = walk(story, swap)
    groups = {s.group: translated[f"{GROUP}:{s.group}"] for s in story.stats
              if s.group and f"{GROUP}:{s.group}" in translated}
    if groups:
        # a translated group keeps its shown name; the renderer capitalises ids only
        stats = tuple(replace(s, group=groups[s.group]) if s.group in groups else s for s in result.stats)
        result = replace(result, stats=stats)
    return result


def _joined(key: str, english: Template, translated: dict[str, str]) -> Template | None:
    """A text whose paragraphs are translated one by one: each translated paragraph in place
    of its English, the others English (``None`` when no paragraph is translated)."""
    chunks = paragraphs(english.source)
    if chunks is None:
        return None
    pieces = [translated.get(paragraph_key(key, n), chunk) for n, chunk in enumerate(chunks, start=1)]
    if pieces == chunks:
        return None
    text = PARAGRAPH.join(pieces)
    try:
        return replace(parse_template(text), source=text)
    except TemplateError:  # each piece parses alone; a join that does not is left English
        return None


class _Checker:
    """Checks translated strings, collecting diagnostics located in the PO file."""

    def __init__(self, story: Story, path: str, lines: list[str], gap: Severity):
        self.story, self.path, self.lines, self.gap = story, path, lines, gap
        self.types = {s.name: s.type for s in story.stats}
        self.memos = {m.key for m in story.memos}
        self.english = _english_templates(story)
        self.templates: dict[str, Template] = {}
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    def add(self, diag: Diagnostic) -> None:
        """Keep a diagnostic; at most ``MAX_ERRORS_PER_FILE`` of each severity, as for a story file.

        A stranger's catalogue of 40,000 unknown keys would otherwise print 40,000
        warnings (the counts in the report stay whole).
        """
        from adventure.story.fields import MAX_ERRORS_PER_FILE  # the loader's limits (and PyYAML): not at start-up

        kept = self.errors if diag.severity == "error" else self.warnings
        if len(kept) < MAX_ERRORS_PER_FILE:
            kept.append(diag)

    def entry(self, entry: Entry, message: Message | None, translated: dict[str, str]) -> str:
        """Classify one string (``translated``, ``missing``, ``stale``), keeping a usable translation."""
        state = status(entry, message)
        english = f"{entry.file}:{entry.line}"
        if state == "missing":
            line = message.lineno if message is not None and message.lineno else 0
            where = self.path if line else str(Path(self.story.root) / entry.file)
            self.add(Diagnostic("MM705", f"'{entry.key}' is not translated", where, line if line else entry.line,
                                hint=f"the English is at {english}", severity=self.gap))
        elif state == "stale":
            assert message is not None
            why = "marked fuzzy" if message.fuzzy and message.id == entry.source else "its English has changed"
            self.add(Diagnostic("MM706", f"the translation of '{entry.key}' is stale ({why}); it is shown until "
                                "reviewed", self.path, message.lineno or 0, severity=self.gap,
                                hint=f"review it against the English at {english}, then clear the fuzzy flag "
                                "('million-miles i18n update' marks changes)"))
            held = ENGLISH_UNTIL_REVIEWED in message.flags  # the translator's choice for this string
            if not held and self.accept(entry, message, quiet=True):  # a near translation reads better than English
                translated[entry.key] = str(message.string)
        elif message is not None and self.accept(entry, message):
            translated[entry.key] = str(message.string)
        return state

    def accept(self, entry: Entry, message: Message, quiet: bool = False) -> bool:
        """Whether the translation may be used; a template's problems are recorded (``quiet``: a stale
        translation that no longer fits its English is simply not shown; MM706 already says why)."""
        if quiet:
            kept = len(self.errors)
            accepted = self.accept(entry, message)
            del self.errors[kept:]
            return accepted
        text = str(message.string)
        if not self.safe_text(entry, message, text):
            return False
        if not entry.is_template:
            return True
        english = self.english.get(entry.key)
        template = self.parsed(entry, message, text)
        if template is None or english is None:
            return False
        if not self.fits_english(entry, message, template, english):
            return False
        self.templates[entry.key] = replace(template, source=text)
        return True

    def safe_text(self, entry: Entry, message: Message, text: str) -> bool:
        """No control character (MM708), and ``shown_as`` words that still hold ``{value}`` (MM709)."""
        at = find_control(text)
        if at is not None:
            self.error("MM708", f"the translation of '{entry.key}' holds the control character {describe(text[at])}",
                       message, at, "a catalogue may come from a stranger: only newlines and tabs are allowed")
            return False
        problem = shown_as_problem(text) if entry.key.endswith(":shown_as") else None
        if problem is not None:
            self.error("MM709", f"the translation of '{entry.key}' {problem}", message, 0,
                       "keep {value} where the number goes: '{value} mil dólares'")
            return False
        return True

    def parsed(self, entry: Entry, message: Message, text: str) -> Template | None:
        """The translated template, parsed and type-checked like the English, or ``None`` after MM702."""
        try:
            template = parse_template(text)
            check_template(template, self.types)
        except TemplateError as err:
            self.error("MM702", f"in the translation of '{entry.key}': {err.message} ({err.code})", message, err.offset, err.hint)
            return None
        return template

    def fits_english(self, entry: Entry, message: Message, template: Template, english: Template) -> bool:
        """Every ``{…}`` of the translation reads and shows only what the English does (the first that
        does not is reported)."""
        allowed_names = _names(english)
        shown = {node for node, condition in expressions(english) if not condition}
        for node, condition in expressions(template):
            problem = self.reaches_beyond(entry, node, condition, allowed_names, shown)
            if problem is not None:
                code, text, offset, hint = problem
                self.error(code, text, message, offset, hint)
                return False
        return True

    def reaches_beyond(self, entry: Entry, node: ex.Node, condition: bool, allowed_names: set[str],
                       shown: set[ex.Node]) -> tuple[str, str, int, str] | None:
        """How one ``{…}`` of a translation tells more than the English, as (code, message, offset, hint):
        a stat the English does not read (MM703), a ``seen()``/``chose()`` the story never reads
        (MM703), or a value the English does not show (MM704)."""
        for name in ex.names(node):
            if name not in allowed_names:
                return ("MM703", f"the translation of '{entry.key}' reads stat '{name}', which the English does not",
                        _offset_of(node, name), "use only the stats listed in the entry's comment")
        for recall in ex.recalls(node):
            if recall.key not in self.memos:
                return ("MM703", f"the translation of '{entry.key}' reads {recall.key}, which the story "
                        "itself never reads", recall.offset,
                        "a translation may read the seen()/chose() that the English story reads")
        if not condition and node not in shown and not _shows_nothing_new(node, shown):
            return ("MM704", f"the translation of '{entry.key}' shows {{{ex.to_source(node)}}}, "
                    "which the English does not show", _node_offset(node),
                    "show the same {…} values as the English; conditions may differ")
        return None

    def error(self, code: str, text: str, message: Message, offset: int, hint: str | None) -> None:
        line, column = _locate(self.lines, message, offset)
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        self.add(Diagnostic(code, text, self.path, line, column, hint, "error", source))


def _shows_nothing_new(node: ex.Node, shown: set[ex.Node]) -> bool:
    """A value the English does not show that tells the player nothing the English hides.

    ``plural(count, "hijo", "hijos")`` with words of the translator's own (Spanish needs a
    noun where the English needs none; the count is a condition, and conditions may
    differ); ``ordinal(x)`` of a value the English shows; and ``x`` where the English
    shows ``ordinal(x)`` (a translator writing ``{n}.ª`` for a feminine ordinal).
    """
    if isinstance(node, ex.Call):
        if node.name == "plural" and all(isinstance(a, ex.Const) for a in node.args[1:]):
            return True
        if node.name == "ordinal" and node.args[0] in shown:
            return True
    return ex.Call("ordinal", (node,)) in shown


def _english_templates(story: Story) -> dict[str, Template]:
    found: dict[str, Template] = {}

    def collect(prefix: str, node: object, context: str) -> object:
        for name in fields_of(node):
            value = getattr(node, name)
            if isinstance(value, Template):
                found[f"{prefix}:{name}"] = value
        return node

    walk(story, collect)
    for key, template in list(found.items()):
        for number, chunk in enumerate(paragraphs(template.source) or (), start=1):
            found[paragraph_key(key, number)] = parse_template(chunk)
    return found


def _names(t: Template) -> set[str]:
    return {name for node, _ in expressions(t) for name in ex.names(node)}


def _offset_of(node: ex.Node, name: str) -> int:
    if isinstance(node, ex.Name) and node.name == name:
        return node.offset
    for child in _children(node):
        if name in ex.names(child):
            return _offset_of(child, name)
    return node.offset


def _node_offset(node: ex.Node) -> int:
    children = _children(node)
    return min([node.offset, *(_node_offset(c) for c in children)])


def _children(node: ex.Node) -> tuple[ex.Node, ...]:
    if isinstance(node, ex.Unary):
        return (node.operand,)
    if isinstance(node, ex.Binary):
        return (node.left, node.right)
    if isinstance(node, ex.Call):
        return node.args
    return ()


def _po_lines(path: Path) -> list[str]:
    from adventure.base.regularfile import read_regular
    from adventure.i18n.catalog import MAX_BYTES

    try:
        return read_regular(path, MAX_BYTES).decode("utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _locate(lines: list[str], message: Message, offset: int) -> tuple[int, int]:
    """The PO line and column of character ``offset`` of a message's ``msgstr``.

    ``msgstr`` may be split over several quoted lines; each is unescaped to count
    characters the way the parser did. Falls back to the ``msgid`` line.
    """
    from babel.messages.pofile import unescape

    start = (message.lineno or 1) - 1
    index = next((i for i in range(start, min(len(lines), start + 500)) if lines[i].startswith("msgstr")), None)
    if index is None:
        return message.lineno or 0, 0
    seen = 0
    i = index
    while i < len(lines):
        raw = lines[i]
        quote = raw.find('"')
        if quote < 0 or (i > index and not raw.startswith('"')):
            break
        body = raw[quote:].strip()
        text = unescape(body)
        if offset < seen + len(text):
            return i + 1, quote + 2 + _raw_width(body[1:-1], offset - seen)
        seen += len(text)
        i += 1
    return index + 1, 1


def _raw_width(escaped: str, count: int) -> int:
    """How many characters of escaped PO text hold the first ``count`` unescaped ones."""
    i = 0
    while count > 0 and i < len(escaped):
        i += 2 if escaped[i] == "\\" else 1
        count -= 1
    return i
