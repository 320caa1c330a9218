"""The answers to an editor's requests, from a checked story folder and its id index.

Each function is pure over its inputs (a :class:`~adventure.lsp.workspace.StoryFolder`'s
last check, a file's text, a position) and returns lsprotocol types, so the server only
routes requests here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as t

from adventure.analysis.findings import Finding
from adventure.analysis.paths import PathStep
from adventure.base.errors import Diagnostic
from adventure.lsp import codes
from adventure.lsp.index import STORY_FILE, Occurrence, Outline, StoryIndex
from adventure.lsp.workspace import StoryFolder, read_text
from adventure.story import spec

SOURCE = "million-miles"
_WORD = re.compile(r"[A-Za-z0-9_\-]+")
_CODE = re.compile(r"MM\d{3}")


def path_of(uri: str) -> Path:
    """A ``file://`` URI's path."""
    return Path(unquote(urlparse(uri).path))


def uri_of(path: str | Path) -> str:
    return Path(path).absolute().as_uri()


# --- diagnostics ---

def lsp_diagnostic(diag: Diagnostic, lines: list[str] | None = None) -> t.Diagnostic:
    """A loader diagnostic in the editor: the code, the words ``check`` prints, the hint."""
    line = max(diag.line - 1, 0)
    start = max(diag.column - 1, 0)
    end = start + 1
    source = diag.source_line if diag.source_line is not None else (lines[line] if lines and line < len(lines) else "")
    word = _WORD.match(source or "", start)
    if word:
        end = word.end()
    message = diag.message + (f"\nhint: {diag.hint}" if diag.hint else "")
    severity = t.DiagnosticSeverity.Error if diag.severity == "error" else t.DiagnosticSeverity.Warning
    return t.Diagnostic(range=_range(line, start, end), message=message, severity=severity, code=diag.code,
                        source=SOURCE)


def finding_diagnostic(finding: Finding, path: str | None, fallback_file: str) -> tuple[str, t.Diagnostic]:
    """An explorer finding on its scene or choice (file, diagnostic), its shortest path as related information."""
    file = finding.file or fallback_file
    line, column = max(finding.line - 1, 0), max(finding.column - 1, 0)
    severity = t.DiagnosticSeverity.Error if finding.severity == "error" else t.DiagnosticSeverity.Warning
    related = None
    if path is not None:
        place = t.Location(uri=uri_of(file), range=_range(line, column, column + 1))
        related = [t.DiagnosticRelatedInformation(location=place, message=f"shortest path: {path}")]
    return file, t.Diagnostic(range=_range(line, column, column + 1), message=f"{finding.message} (explorer)",
                              severity=severity, code=finding.code, source=SOURCE, related_information=related)


def path_text(path: tuple[PathStep, ...]) -> str:
    """``scene/choice → scene/choice (outcome)``: a path as one line."""
    return " → ".join(f"{s.scene}/{s.choice}" + (f" ({s.outcome})" if s.outcome else "") for s in path) or "(the start)"


def _range(line: int, start: int, end: int) -> t.Range:
    return t.Range(start=t.Position(line=line, character=start), end=t.Position(line=line, character=end))


def _occ_range(o: Occurrence) -> t.Range:
    return _range(o.line, o.character, o.end)


def _location(o: Occurrence) -> t.Location:
    return t.Location(uri=uri_of(o.file), range=_occ_range(o))


# --- definition, references ---

def definition(index: StoryIndex, path: str, line: int, character: int) -> list[t.Location]:
    here = index.at(path, line, character)
    if here is None:
        return []
    if here.kind == "file":
        target = Path(path).parent / here.name
        return [t.Location(uri=uri_of(target), range=_range(0, 0, 0))] if target.is_file() else []
    return [_location(o) for o in index.definitions(here.kind, here.name, here.scope)]


def references(index: StoryIndex, path: str, line: int, character: int, include_declaration: bool) -> list[t.Location]:
    here = index.at(path, line, character)
    if here is None:
        return []
    return [_location(o) for o in index.uses(here) if include_declaration or o.role != "def"]


# --- hover ---

def hover(folder: StoryFolder, path: str, line: int, character: int, line_text: str,
          reached: set[str] | None) -> t.Hover | None:
    """A scene's title, chapter and first lines; a stat's type, range and changers; a code's meaning."""
    for match in _CODE.finditer(line_text):
        if match.start() <= character <= match.end() and codes.explain(match.group()):
            return _markdown(f"**{match.group()}**: {codes.explain(match.group())}")
    checked = folder.checked
    if checked is None:
        return None
    here = checked.index.at(path, line, character)
    if here is None:
        return None
    if here.kind in ("scene", "ending"):
        return _markdown(_scene_hover(checked.index, here, reached))
    if here.kind == "stat":
        return _markdown(_stat_hover(checked.index, here.name))
    if here.kind == "choice":
        return _markdown(f"choice **{here.name}** in scene `{here.scope}`")
    return None


def _markdown(text: str) -> t.Hover:
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text))


def _scene_hover(index: StoryIndex, here: Occurrence, reached: set[str] | None) -> str:
    info = index.scene_info(here.name)
    if info is None:
        return f"no {here.kind} called `{here.name}`"
    first = "\n".join(info.text.strip().splitlines()[:3])
    lines = [f"**{info.title}** ({here.kind} `{here.name}`)",
             f"chapter `{info.chapter}` · {Path(info.file).name}" if info.chapter else Path(info.file).name,
             "", first]
    if reached is not None and here.kind == "scene":
        lines += ["", "reached by the explorer" if here.name in reached else "**not reached by the explorer**"]
    return "\n".join(lines)


def _stat_hover(index: StoryIndex, name: str) -> str:
    info = index.stat_info(name)
    if info is None:
        return f"no stat called `{name}`"
    head = f"stat **{name}**: {info.type}"
    if info.minimum is not None or info.maximum is not None:
        head += f", {_shown(info.minimum)}..{_shown(info.maximum)}"
    lines = [head, f"computed: `{info.compute}`" if info.compute else f"initial: {_shown(info.initial)}"]
    changers = sorted({o.context for o in index.all() if o.kind == "stat" and o.name == name and o.context})
    if changers:
        lines.append("changed by: " + ", ".join(f"`{c}`" for c in changers))
    else:
        lines.append("no choice changes it")
    return "\n\n".join(lines)


def _shown(value: object) -> str:
    return "?" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


# --- completion ---

_ID_VALUE = re.compile(r"(?:^|[\s{,])(goto|scene|start|ending):\s*([A-Za-z0-9_\-]*)$")
_KEY_START = re.compile(r"^(\s*)(-\s+)?([A-Za-z_]*)$")


def completion(index: StoryIndex, path: str, lines: list[str], line: int, character: int,
               folder_files: Iterable[str]) -> list[t.CompletionItem]:
    """What may be typed at the cursor: the first of :data:`_COMPLETERS` that knows the place answers."""
    typed = _Typed(index, path, lines, line, lines[line][:character] if line < len(lines) else "", folder_files)
    for complete in _COMPLETERS:
        items = complete(typed)
        if items is not None:
            return items
    return []


@dataclass(frozen=True, slots=True)
class _Typed:
    """Where completion was asked: the line up to the cursor, with what the answer is drawn from."""

    index: StoryIndex
    path: str
    lines: list[str]
    line: int
    text: str
    """The line up to the cursor."""
    folder_files: Iterable[str]

    @property
    def story_file(self) -> bool:
        return Path(self.path).name == STORY_FILE


def _complete_id(typed: _Typed) -> list[t.CompletionItem] | None:
    """After ``goto:``, ``scene:``, ``start:`` or ``ending:``: the scene (or ending) ids."""
    value = _ID_VALUE.search(typed.text)
    if value is None:
        return None
    kind = "ending" if value.group(1) == "ending" else "scene"
    return [_id_item(typed.index, kind, n) for n in typed.index.names(kind)]  # type: ignore[arg-type]


def _complete_expression(typed: _Typed) -> list[t.CompletionItem] | None:
    """Inside a condition, a computed value or an open ``{…}``: the stat names."""
    return _stat_items(typed.index) if _in_expression(typed.text) else None


def _complete_chapter_file(typed: _Typed) -> list[t.CompletionItem] | None:
    """An item of ``story.yaml``'s ``chapters:`` list: the folder's YAML files, saying which are listed."""
    if not (typed.story_file and _under(typed.lines, typed.line, "chapters") and re.match(r"^\s*-\s*\S*$", typed.text)):
        return None
    listed = set(typed.index.chapter_files())
    return [t.CompletionItem(label=f, kind=t.CompletionItemKind.File, detail="listed" if f in listed else "not listed yet")
            for f in sorted(typed.folder_files) if f != STORY_FILE]


def _complete_effect_stat(typed: _Typed) -> list[t.CompletionItem] | None:
    """A key under ``set:``, ``add:`` or ``subtract:`` is a stat name."""
    key = _KEY_START.match(typed.text)
    if key is None or key_path(typed.lines, typed.line, len(key.group(1)))[-1:] not in (["set"], ["add"], ["subtract"]):
        return None
    return _stat_items(typed.index)


def _complete_key(typed: _Typed) -> list[t.CompletionItem] | None:
    """A key at the start of a line: the keys of the part of the format it belongs to, less those written."""
    key = _KEY_START.match(typed.text)
    part = part_at(typed.lines, typed.line, typed.story_file) if key else None
    if key is None or part is None:
        return None
    present = _sibling_keys(typed.lines, typed.line, len(key.group(1)) + len(key.group(2) or ""))
    return [t.CompletionItem(label=k.name, kind=t.CompletionItemKind.Property, detail=part.name,
                             documentation=k.description, insert_text=f"{k.name}: ")
            for k in part.keys if k.name not in present]


_COMPLETERS: tuple[Callable[[_Typed], list[t.CompletionItem] | None], ...] = (
    _complete_id, _complete_expression, _complete_chapter_file, _complete_effect_stat, _complete_key)
"""Most specific place first: a value, an expression, a chapter file, an effect's stat, a key."""


def _stat_items(index: StoryIndex) -> list[t.CompletionItem]:
    return [_stat_item(index, n) for n in index.names("stat")]


def _id_item(index: StoryIndex, kind: str, name: str) -> t.CompletionItem:
    info = index.scene_info(name)
    detail = f"{kind}: {info.title}" if info else kind
    return t.CompletionItem(label=name, kind=t.CompletionItemKind.Reference, detail=detail)


def _stat_item(index: StoryIndex, name: str) -> t.CompletionItem:
    info = index.stat_info(name)
    detail = "stat"
    if info is not None:
        detail = f"{info.type}"
        if info.minimum is not None or info.maximum is not None:
            detail += f" {_shown(info.minimum)}..{_shown(info.maximum)}"
        if info.compute:
            detail += f" = {info.compute}"
    return t.CompletionItem(label=name, kind=t.CompletionItemKind.Variable, detail=detail)


def _in_expression(text: str) -> bool:
    """In an ``if:``/``compute:``/``progress:`` value, an effect's stat, or an open ``{…}``."""
    if re.search(r"(?:^|[\s{,])(if|compute|progress):\s*['\"]?[^'\"]*$", text):
        return True
    if re.search(r"(?:^|\s)-?\s*(set|add|subtract):\s*\{[^}]*$", text):
        return True
    if re.search(r"^\s*(set|add|subtract):\s*$", text):
        return False
    return text.rfind("{") > text.rfind("}")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _under(lines: list[str], line: int, key: str) -> bool:
    """Whether ``line`` is inside the block of the top-level ``key:``."""
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if text.strip() and _indent(text) == 0 and not text.startswith("#"):
            return text.startswith(f"{key}:")
    return False


def key_path(lines: list[str], line: int, column: int) -> list[str]:
    """The keys enclosing a key written at ``column`` of ``line`` (``-`` for a list item)."""
    path: list[str] = []
    limit, after_item = column, False
    for text in _written_above(lines, line):
        item = re.match(r"^(\s*)-(\s|$)", text)
        if item:
            dash = len(item.group(1))
            if dash < limit:
                path += _item_keys(text, dash, limit)
                limit, after_item = dash, True
            continue
        indent = _indent(text)
        key = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_]*):", text)
        if key and (indent < limit or (after_item and indent == limit and text.rstrip().endswith(":"))):
            path.append(key.group(1))
            limit, after_item = indent, False
        if limit == 0 and not after_item:
            break
    return list(reversed(path))


def _written_above(lines: list[str], line: int) -> Iterator[str]:
    """The lines above ``line``, nearest first, less blank lines and comments (they enclose nothing)."""
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if text.strip() and not text.lstrip().startswith("#"):
            yield text


def _item_keys(text: str, dash: int, limit: int) -> list[str]:
    """What a list item above adds to the path, innermost first: the key it opens when ours is nested under
    it (``- set:``), then ``-``."""
    inner = re.match(r"^\s*-\s+([A-Za-z_][A-Za-z0-9_]*):\s*(#.*)?$", text)
    return [inner.group(1), "-"] if inner and dash + 2 < limit else ["-"]


_PARTS = {
    ("scenes", "-"): spec.SCENE, ("choices", "-"): spec.CHOICE, ("endings", "-"): spec.ENDING,
    ("chapter",): spec.CHAPTER, ("milestone",): spec.MILESTONE, ("milestone", "-"): spec.MILESTONE,
    ("needs", "-"): spec.NEED, ("presentation",): spec.PRESENTATION, ("goto", "-"): spec.TARGET,
    ("random", "-"): spec.OUTCOME, ("effects", "-"): spec.EFFECT, ("on_enter", "-"): spec.EFFECT,
    ("goto",): spec.RANDOM,
}


def part_at(lines: list[str], line: int, story_file: bool) -> spec.Part | None:
    """Which part of the format a key typed on ``line`` belongs to."""
    text = lines[line] if line < len(lines) else ""
    match = _KEY_START.match(text) or re.match(r"^(\s*)(-\s+)?", text)
    column = len(match.group(1)) + len(match.group(2) or "") if match else 0
    path = key_path(lines, line, column)
    if match and match.group(2):
        path.append("-")
    if not path:
        return spec.STORY if story_file else spec.CHAPTER_FILE
    if story_file and len(path) == 2 and path[0] == "stats":
        return spec.STAT
    for size in (2, 1):
        part = _PARTS.get(tuple(path[-size:]))
        if part is not None:
            return part
    return None


def _sibling_keys(lines: list[str], line: int, column: int) -> set[str]:
    """Keys already written at ``column`` in the same mapping (so they are not offered again)."""
    found: set[str] = set()
    for step in (-1, 1):
        number = line + step
        while 0 <= number < len(lines):
            text = lines[number]
            number += step
            if not text.strip() or text.lstrip().startswith("#"):
                continue
            item = re.match(r"^(\s*)-\s+([A-Za-z_]+):", text)
            if item and len(item.group(1)) + 2 == column:
                found.add(item.group(2))  # the first key of this list item: the mapping starts here
                break
            if _indent(text) < column:
                break
            key = re.match(r"^\s*([A-Za-z_]+):", text)
            if _indent(text) == column and key:
                found.add(key.group(1))
    return found


# --- rename ---

class RenameError(ValueError):
    """A rename that cannot be done (a bad new name, one already taken)."""


def rename(index: StoryIndex, folder: StoryFolder, path: str, line: int, character: int,
           new_name: str) -> t.WorkspaceEdit:
    """Every occurrence renamed; a scene or choice keeps its old id in ``renamed_from``."""
    here = _renamable(index, path, line, character, new_name)
    edits: dict[str, list[t.TextEdit]] = {}
    for o in index.uses(here):
        if o.role != "old":
            edits.setdefault(uri_of(o.file), []).append(t.TextEdit(range=_occ_range(o), new_text=new_name))
    if here.kind in ("stat", "ending"):
        _catalogue_edits(folder, here.kind, here.name, new_name, edits)
    if here.kind in ("scene", "choice"):
        _renamed_from_edits(index, folder, here, edits)
    return t.WorkspaceEdit(changes=edits)


def _renamable(index: StoryIndex, path: str, line: int, character: int, new_name: str) -> Occurrence:
    """The id under the cursor, when it may take ``new_name``; else a :class:`RenameError` saying why not."""
    here = index.at(path, line, character)
    if here is None or here.kind in ("file", "chapter"):
        raise RenameError("put the cursor on a scene, ending, stat or choice id")
    if here.role == "old":
        raise RenameError(f"'{here.name}' is an old id kept for saved runs: rename the current id")
    pattern = spec.NAME_PATTERN if here.kind == "stat" else spec.ID_PATTERN
    if not re.match(pattern, new_name):
        raise RenameError(f"'{new_name}' is not a valid {here.kind} id")
    if new_name != here.name and index.definitions(here.kind, new_name, here.scope):
        raise RenameError(f"there is already a {here.kind} called '{new_name}'")
    return here


def _renamed_from_edits(index: StoryIndex, folder: StoryFolder, here: Occurrence,
                        edits: dict[str, list[t.TextEdit]]) -> None:
    """Scenes and choices keep the old id in ``renamed_from``, so saved runs still replay."""
    for d in index.definitions(here.kind, here.name, here.scope):
        lines = (folder.text_of(Path(d.file).name) or "").splitlines()
        edit = _renamed_from_edit(lines, d, here.name)
        if edit is not None:
            edits.setdefault(uri_of(d.file), []).append(edit)


def _catalogue_edits(folder: StoryFolder, kind: str, old: str, new: str, edits: dict[str, list[t.TextEdit]]) -> None:
    """Stats and endings have no ``renamed_from``: their translations' keys are renamed instead."""
    pattern = re.compile(rf'^msgctxt "{kind}:({re.escape(old)}):')
    try:
        catalogues = sorted((folder.root / "locale").glob("*.po"))
    except OSError:
        return
    for po in catalogues:
        text = read_text(po)
        for number, line in enumerate((text or "").splitlines()):
            found = pattern.match(line)
            if found:
                edits.setdefault(uri_of(po), []).append(
                    t.TextEdit(range=_range(number, found.start(1), found.end(1)), new_text=new))


def _renamed_from_edit(lines: list[str], d: Occurrence, old: str) -> t.TextEdit | None:
    """Add ``old`` to the definition's ``renamed_from`` (making the key if there is none)."""
    if d.line >= len(lines):
        return None
    text = lines[d.line]
    key = re.search(r"\bid\s*:", text)
    if key is None:
        return None
    column = key.start()
    if "{" in text[:column]:  # a flow mapping: {id: x, ...}
        return t.TextEdit(range=_range(d.line, d.end, d.end), new_text=f", renamed_from: [{old}]")
    number = d.line + 1
    while number < len(lines) and (not lines[number].strip() or _indent(lines[number]) > column
                                   or (_indent(lines[number]) == column and not lines[number].lstrip().startswith("-"))):
        existing = re.match(r"^(\s*)renamed_from:\s*(.*)$", lines[number])
        if existing and len(existing.group(1)) == column:
            rest = existing.group(2)
            start = len(lines[number]) - len(rest)
            if rest.startswith("["):
                return t.TextEdit(range=_range(number, start + 1, start + 1), new_text=f"{old}, ")
            if rest.strip():
                return t.TextEdit(range=_range(number, start, len(lines[number])),
                                  new_text=f"[{rest.strip()}, {old}]")
            return t.TextEdit(range=_range(number + 1, 0, 0), new_text=" " * (column + 2) + f"- {old}\n")
        number += 1
    return t.TextEdit(range=_range(d.line + 1, 0, 0), new_text=" " * column + f"renamed_from: [{old}]\n")


# --- symbols ---

_SYMBOL_KINDS = {"chapter": t.SymbolKind.Module, "scene": t.SymbolKind.Class, "choice": t.SymbolKind.Method,
                 "ending": t.SymbolKind.Event, "stat": t.SymbolKind.Variable}


def document_symbols(index: StoryIndex, path: str) -> list[t.DocumentSymbol]:
    file_index = index.files.get(path)
    return [_symbol(o) for o in file_index.outline] if file_index else []


def _symbol(o: Outline) -> t.DocumentSymbol:
    whole = t.Range(start=t.Position(line=o.line, character=0), end=t.Position(line=max(o.end_line, o.line), character=0))
    name_range = _range(o.line, o.character, o.character)
    return t.DocumentSymbol(name=o.name, detail=o.title, kind=_SYMBOL_KINDS.get(o.kind, t.SymbolKind.Key),
                            range=whole, selection_range=name_range,
                            children=[_symbol(c) for c in o.children] or None)


def workspace_symbols(index: StoryIndex, query: str) -> list[t.WorkspaceSymbol]:
    query = query.lower()
    return [t.WorkspaceSymbol(name=o.name, kind=_SYMBOL_KINDS.get(o.kind, t.SymbolKind.Key), location=_location(o),
                              container_name=o.scope or o.kind)
            for o in index.all() if o.role == "def" and o.kind in _SYMBOL_KINDS and query in o.name.lower()]
