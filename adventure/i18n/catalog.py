"""A story's translations as gettext PO catalogues, read and written with Babel.

The template (``.pot``) holds every translatable string of the story with its key as
``msgctxt``, the English as ``msgid``, the file and line as a ``#:`` reference and a
``#.`` comment saying where the string is shown and which stats its ``{…}`` read.
:func:`update_catalog` merges a new template into a language's catalogue the way
``msgmerge`` does: Babel's :meth:`Catalog.update` keeps translations whose English is
unchanged, and a string whose English changed under the same key keeps its old
translation marked ``fuzzy``, with the old English as ``#| msgid``. Babel's own fuzzy
matching (by similar English, across keys) is off: a key is the identity of a string.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from adventure.i18n.files import LOCALE_DIR, catalog_path, languages
from adventure.i18n.strings import Entry

__all__ = ["LOCALE_DIR", "CatalogError", "catalog_path", "languages", "read_catalog", "template_catalog",
           "update_catalog", "write_catalog"]

if TYPE_CHECKING:
    from babel.core import Locale
    from babel.messages.catalog import Catalog, Message

# Babel is imported where it is used: a game in English with no catalogue never loads it.

_FORMAT_FLAGS = frozenset({"python-format", "python-brace-format"})
"""Babel guesses these from ``%`` and ``{}``; story templates are neither, and
``msgfmt --check`` would check them as if they were."""


MAX_BYTES = 8 * 1024 * 1024
"""Refuse larger catalogues: the shipped story's is 0.3 MB, and Babel takes a second per megabyte."""
MAX_PLURALS = 10
"""The most plural forms a ``Plural-Forms`` header may declare (gettext's languages use at most 6)."""
MAX_PLURAL_EXPR = 200
"""The longest ``plural=`` expression accepted (the longest real one is under 100 characters)."""


class CatalogError(Exception):
    """A PO file that cannot be read, with the 1-based line Babel stopped at."""

    def __init__(self, message: str, path: str, line: int):
        super().__init__(message)
        self.message, self.path, self.line = message, path, line


def template_catalog(title: str, entries: Iterable[Entry]) -> Catalog:
    """The ``.pot`` of a story: one message per entry, keyed by its ``msgctxt``."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(project=title, version=None, msgid_bugs_address=None, charset="utf-8",
                      creation_date=datetime.now(timezone.utc).replace(second=0, microsecond=0),
                      copyright_holder=None, header_comment=_HEADER_COMMENT.format(title=title))
    for entry in entries:
        catalog.add(entry.source, locations=[(entry.file, entry.line)],
                    auto_comments=[entry.comment], context=entry.key)
    return catalog


_HEADER_COMMENT = (
    "# Translations of the story \"{title}\".\n"
    "# Each string is keyed by its msgctxt, made of ids (scene:ID:text).\n"
    "# Keep {{…}} expressions as they are: you may move them and {{if}}\n"
    "# passages, and read only the stats listed in each #. comment."
)


def update_catalog(existing: Catalog | None, template: Catalog, language: str) -> Catalog:
    """Merge the template into a language's catalogue, as ``msgmerge`` would."""
    catalog = existing if existing is not None else _new_catalog(template, language)
    earlier = _unreviewed_english(catalog)
    catalog.update(template, no_fuzzy_matching=True)
    _restore_unreviewed_english(catalog, earlier)
    _carry_changed_english(catalog)
    return catalog


def _new_catalog(template: Catalog, language: str) -> Catalog:
    """An empty catalogue for a language translated for the first time, headed like its template."""
    from babel.messages.catalog import Catalog

    return Catalog(locale=_locale(language), project=template.project, charset="utf-8",
                   header_comment=template.header_comment, fuzzy=False, revision_date=template.creation_date)


def _unreviewed_english(catalog: Catalog) -> dict[str, list[str]]:
    """The old English (``#| msgid``) of each still-fuzzy string, by key, to survive Babel's update."""
    return {m.context: m.previous_id for m in catalog if m.context and m.fuzzy and m.previous_id}


def _restore_unreviewed_english(catalog: Catalog, earlier: dict[str, list[str]]) -> None:
    """Babel's update drops the old English of a still-fuzzy string: put it back."""
    for kept in catalog:
        if kept.fuzzy and not kept.previous_id and kept.context in earlier:
            kept.previous_id = earlier[kept.context]


def _carry_changed_english(catalog: Catalog) -> None:
    """Keep the translation of a string whose English changed under the same key.

    Babel knows a message by its English, so it files the old one as obsolete and adds
    the new one untranslated; a key is the identity of a string here, so the new
    message takes the old translation, marked fuzzy, and the obsolete entry goes.
    """
    waiting = {m.context: m for m in catalog if m.id and m.context and not m.string}
    for key, old in list(catalog.obsolete.items()):
        message = waiting.get(old.context) if old.context else None
        if message is None or not old.string:
            continue
        _take_translation(message, old)
        del catalog.obsolete[key]


def _take_translation(message: Message, old: Message) -> None:
    """Give ``message`` the translation and comments of ``old``, fuzzy, with the English it was translated from."""
    message.string = old.string
    message.flags.add("fuzzy")
    if old.fuzzy and old.previous_id:  # still unreviewed: the English it was translated from
        message.previous_id = list(old.previous_id)
    else:
        message.previous_id = [old.id] if isinstance(old.id, str) else list(old.id)
    message.user_comments = list(old.user_comments)


def rekey(catalog: Catalog, moves: dict[str, str]) -> None:
    """Move messages to new keys (old ``msgctxt`` -> new), keeping translation, flags and comments."""
    for message in list(catalog):
        if message.id and message.context in moves:
            catalog.delete(message.id, context=message.context)
            catalog.add(message.id, message.string, locations=message.locations, flags=message.flags,
                        user_comments=message.user_comments, previous_id=message.previous_id,
                        context=moves[message.context])


def _locale(language: str) -> Locale | None:
    from babel.core import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def write_catalog(catalog: Catalog) -> bytes:
    """The catalogue as PO text, previous English (``#|``) included."""
    from babel.messages.pofile import write_po

    for message in catalog:
        message.flags -= _FORMAT_FLAGS
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=False, sort_output=False)
    return _with_previous(buffer.getvalue(), catalog)


def _with_previous(text: bytes, catalog: Catalog) -> bytes:
    """Put each fuzzy message's old English back as ``#| msgid`` lines, as msgmerge writes them.

    Babel writes a multi-line previous msgid as one wrapped comment (``#| msgid "" "a\\n"
    "b"``) that msgfmt, Poedit and Babel's own reader cannot read back, so a second update
    turned it into a translator comment. Written here line by line, it reads back
    (unwrapped: Babel's wrapping with a prefix doubles the last line break).
    """
    from babel.messages.pofile import normalize

    lines = text.decode("utf-8").split("\n")
    before: dict[str, str] = {}
    for message in catalog:
        if message.id and message.context and message.previous_id:
            head = f"msgctxt {normalize(message.context, width=76)}".split("\n")[0]
            before[head] = "#| msgid " + normalize(message.previous_id[0], prefix="#| ", width=0)
    out = []
    for line in lines:
        if line in before:
            out.append(before.pop(line))
        out.append(line)
    return "\n".join(out).encode("utf-8")


def _take_previous(catalog: Catalog) -> Catalog:
    """Read ``#| msgid`` lines (Babel keeps them as ``| …`` translator comments) as the old English."""
    from babel.messages.pofile import denormalize

    for message in catalog:
        marked = [c for c in message.user_comments if c.startswith("|")]
        if not marked:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        quoted = [c[1:].strip() for c in marked if not c[1:].strip().startswith("msgctxt")]
        if quoted and quoted[0].startswith("msgid "):
            quoted[0] = quoted[0][len("msgid "):]
            try:
                message.previous_id = [denormalize("\n".join(quoted))]
            except (ValueError, IndexError):
                message.previous_id = []
    return catalog


def read_catalog(path: str | Path, language: str | None = None) -> Catalog:
    """Read a PO file, or raise :class:`CatalogError` pointing at the bad line."""
    from babel.messages.pofile import PoFileError

    from adventure.base.regularfile import FileTooLarge, NotRegularFile, read_regular

    display = str(path)
    try:
        data = read_regular(path, MAX_BYTES)  # a FIFO or /dev/zero is refused, never waited on
    except (NotRegularFile, FileTooLarge) as exc:
        raise CatalogError(f"cannot read the catalogue: it {exc.strerror}", display, 0) from None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalogue: {exc.strerror or exc}", display, 0) from None
    try:
        return _take_previous(_parse_po(data, language))
    except _PluralFormsError as exc:
        return _raise(exc.args[0], display, _header_line(data))
    except MemoryError:
        return _raise("the catalogue is too large to read", display, 0)
    except PoFileError as exc:
        return _raise(str(exc).rsplit(" on ", 1)[0], display, exc.lineno + 1)
    except (UnicodeDecodeError, LookupError) as exc:
        return _raise(f"the catalogue is not valid text in its charset ({exc})", display, 0)
    except (ValueError, IndexError, TypeError) as exc:  # Babel's parser on broken quoting
        return _raise(f"the catalogue could not be parsed ({exc})", display, 0)


class _PluralFormsError(ValueError):
    """A ``Plural-Forms`` header that would make the parser allocate without bound."""


def _parse_po(data: bytes, language: str | None) -> Catalog:
    """Babel's ``read_po``, with the ``Plural-Forms`` header checked the moment it is read.

    Babel makes a list of ``nplurals`` strings for every plural entry: a stranger's
    ``nplurals=99999999999999999999999`` would allocate until memory runs out.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileParser

    class _Checked(Catalog):
        def _set_mime_headers(self, headers: Iterable[tuple[str, str]]) -> None:
            super()._set_mime_headers(headers)
            _check_plurals(self._num_plurals, self._plural_expr)

    catalog = _Checked(locale=_locale(language) if language else None)
    PoFileParser(catalog, False, abort_invalid=True).parse(io.BytesIO(data))
    return catalog


def _check_plurals(count: int | None, expression: str | None) -> None:
    if count is not None and not 1 <= count <= MAX_PLURALS:
        raise _PluralFormsError(f"the Plural-Forms header's nplurals is {_short_number(count)}; a language has 1 to "
                                f"{MAX_PLURALS} plural forms")
    if expression is not None and (len(expression) > MAX_PLURAL_EXPR or not _PLURAL_EXPR.fullmatch(expression)):
        raise _PluralFormsError(f"the Plural-Forms header's plural= expression is not a gettext expression of at "
                                f"most {MAX_PLURAL_EXPR} characters (n, numbers, ?:, comparisons, && || and ( ))")


_PLURAL_EXPR = re.compile(r"[\sn0-9?:%()<>=!&|+\-*/]*")
"""The characters of gettext's C-like plural expressions; nothing else is ever read as one."""


def _short_number(count: int) -> str:
    return str(count) if abs(count) < 10**12 else f"a number of {len(str(abs(count)))} digits"


def _header_line(data: bytes) -> int:
    """The 1-based line of the ``Plural-Forms`` header in the raw file (0 when not found)."""
    at = data.find(b"Plural-Forms")
    return data.count(b"\n", 0, at) + 1 if at >= 0 else 0


def _raise(message: str, path: str, line: int) -> Catalog:
    raise CatalogError(message, path, line)


def by_key(catalog: Catalog) -> dict[str, Message]:
    """The catalogue's messages by key (``msgctxt``); entries without a key are ignored."""
    return {m.context: m for m in catalog if m.id and m.context}


@dataclass(frozen=True, slots=True)
class Counts:
    """How much of a story a catalogue covers; translated + missing + stale == total."""

    total: int
    translated: int
    missing: int
    stale: int

    def to_dict(self) -> dict[str, int]:
        return {"total": self.total, "translated": self.translated, "missing": self.missing, "stale": self.stale}


def status(entry: Entry, message: Message | None) -> str:
    """``translated``, ``missing`` or ``stale`` (fuzzy, or the English changed since)."""
    if message is None or not message.string:
        return "missing"
    if message.id != entry.source or message.fuzzy:
        return "stale"
    return "translated"


def regroup_paragraphs(catalog: Catalog, entries: Iterable[Entry]) -> None:
    """Carry translations across a change in how a text is cut into paragraphs, losing none.

    A text kept whole (``scene:ID:text``) is now translated paragraph by paragraph
    (``scene:ID:text:p1``…): its translation is cut at the same blank lines. A translation
    whose paragraphs do not answer the English ones (a passage moved across a blank line)
    stays whole: :func:`adventure.i18n.strings.kept_whole` then keys that text whole. A text that can no longer be cut gets its paragraphs
    joined back. A paragraph whose English moved (one inserted above it) follows its
    English to its new number, so only a paragraph whose words changed goes stale.
    """
    from adventure.i18n.strings import PARAGRAPH, paragraph_key

    wanted = {e.key: e for e in entries}
    present = by_key(catalog)
    bases = {key.rsplit(":", 1)[0] for key in wanted if re.search(r":p\d+$", key)}
    for base in sorted(bases):
        if base in present and base not in wanted:
            _split(catalog, present[base], base)
    present = by_key(catalog)
    for key in wanted:
        parts = [present[k] for n in range(1, 1000) if (k := paragraph_key(key, n)) in present] \
            if key not in present and paragraph_key(key, 1) in present else []
        if parts:
            _join(catalog, key, parts, PARAGRAPH)
    present = by_key(catalog)
    for base in sorted(bases):
        _follow_english(catalog, base, wanted, present)


def _split(catalog: Catalog, old: Message, base: str) -> None:
    from adventure.i18n.strings import paragraph_key as key_of
    from adventure.i18n.strings import paragraphs

    english, translation = str(old.id), str(old.string or "")
    en_chunks = paragraphs(english) or [english]
    tr_chunks = (paragraphs(translation) or [translation]) if translation else [""] * len(en_chunks)
    if translation and not _pairs(en_chunks, tr_chunks):
        return  # its passages moved across paragraphs: the catalogue keeps translating it whole
    catalog.delete(old.id, context=old.context)
    for number, (en, tr) in enumerate(zip(en_chunks, tr_chunks, strict=True), start=1):
        catalog.add(en, tr, flags=set(old.flags) & {"fuzzy"}, user_comments=list(old.user_comments),
                    context=key_of(base, number))


def _pairs(english: list[str], translated: list[str]) -> bool:
    """Whether a translation's paragraphs answer the English ones, one for one (same count, and each
    reads only the stats of its own English paragraph)."""
    from adventure.story.template import TemplateError, parse_template, template_names

    if len(english) != len(translated):
        return False
    try:
        return all(template_names(parse_template(t)) <= template_names(parse_template(e))
                   for e, t in zip(english, translated, strict=True))
    except TemplateError:
        return False


def _join(catalog: Catalog, key: str, parts: list[Message], separator: str) -> None:
    fuzzy = any(p.fuzzy or not p.string for p in parts)
    for part in parts:
        catalog.delete(part.id, context=part.context)
    catalog.add(separator.join(str(p.id) for p in parts), separator.join(str(p.string or "") for p in parts),
                flags={"fuzzy"} if fuzzy else set(), context=key)


def _follow_english(catalog: Catalog, base: str, wanted: dict[str, Entry], present: dict[str, Message]) -> None:
    """Move a paragraph's translation to the number its unchanged English has now."""
    olds = _paragraphs_of(base, present)
    moves = _moved_paragraphs(olds, _paragraphs_of(base, wanted))
    if not moves:
        return
    taken = [olds[old] for old in moves]
    for message in taken:
        catalog.delete(message.id, context=message.context)
    for message in taken:
        target = moves[str(message.context)]
        if target in olds and target not in moves:  # the paragraph that was there is superseded
            catalog.delete(olds[target].id, context=target)
        catalog.add(message.id, message.string, flags=message.flags, user_comments=message.user_comments,
                    context=target)


_Keyed = TypeVar("_Keyed")


def _paragraphs_of(base: str, by_key: dict[str, _Keyed]) -> dict[str, _Keyed]:
    """The entries keyed as paragraphs of the text ``base`` (``base:p1``, ``base:p2``…)."""
    return {k: v for k, v in by_key.items() if k.startswith(base + ":p") and re.fullmatch(r"p\d+", k[len(base) + 1:])}


def _moved_paragraphs(olds: dict[str, Message], news: dict[str, Entry]) -> dict[str, str]:
    """Old paragraph key -> new key, for each translated paragraph whose English now has another number.

    A paragraph whose English is unchanged at its own number is settled and never moves;
    of the others, a translation follows its exact English to wherever it went.
    """
    settled = {k for k, e in news.items() if k in olds and olds[k].id == e.source}
    free = {str(m.id): k for k, m in olds.items() if k not in settled and m.string}
    moves = {free[e.source]: k for k, e in news.items() if k not in settled and e.source in free}
    return {old: new for old, new in moves.items() if old != new}
