"""The pygls server: routes each LSP request to :mod:`adventure.lsp.features`, never dies.

Diagnostics: an edit schedules a check of its story folder after a short pause (the
debounce); the check runs in a worker thread with the open buffers over the folder's
files, and the diagnostics of every file of the folder are published, cleared ones
included. A save also starts the explorer in a separate process; its findings join the
diagnostics when it finishes, unless a newer save made them stale.

Every handler is wrapped: an exception (a binary file, a vanished folder, a request for
a file nobody opened) is logged to the client and the request gets an empty answer.
"""

from __future__ import annotations

import asyncio
import functools
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer

from adventure import __version__
from adventure.lsp import features
from adventure.lsp.explorer import Explored, explore_folder
from adventure.lsp.workspace import StoryFolder, story_root

DEBOUNCE_SECONDS = 0.3
"""The pause after a keystroke before the story is checked again."""

R = TypeVar("R")


class StoryServer(LanguageServer):
    """A language server over the story folders of the files an editor opens."""

    def __init__(self, max_states: int, explore_on_save: bool = True, debounce: float = DEBOUNCE_SECONDS):
        super().__init__("million-miles", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Full)
        self.folders: dict[Path, StoryFolder] = {}
        self.max_states = max_states
        self.explore_on_save = explore_on_save
        self.debounce = debounce
        self.pending: dict[Path, asyncio.Task[None]] = {}
        self.explored: dict[Path, Explored] = {}
        self.exploring: set[Path] = set()
        self.explore_again: set[Path] = set()
        self._explorer: ProcessPoolExecutor | None = None

    # --- plumbing ---

    def log(self, message: str, level: t.MessageType = t.MessageType.Log) -> None:
        try:
            self.window_log_message(t.LogMessageParams(type=level, message=message))
        except Exception:
            pass

    def folder_for(self, uri: str) -> tuple[StoryFolder, str] | None:
        """The story folder holding the file at ``uri`` and the file's name in it."""
        try:
            path = features.path_of(uri)
            root = story_root(path)
        except (OSError, ValueError):
            return None
        if root is None:
            return None
        root = root.resolve()
        folder = self.folders.setdefault(root, StoryFolder(root))
        name = folder.name_of(path)
        return (folder, name) if name is not None else None

    def explorer(self) -> ProcessPoolExecutor:
        if self._explorer is None:
            import multiprocessing

            self._explorer = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return self._explorer

    # --- diagnostics ---

    def schedule(self, folder: StoryFolder, delay: float, translations: bool = False) -> None:
        previous = self.pending.get(folder.root)
        if previous is not None and not previous.done():
            previous.cancel()
        self.pending[folder.root] = asyncio.get_running_loop().create_task(
            self._check_later(folder, delay, translations))

    async def _check_later(self, folder: StoryFolder, delay: float, translations: bool) -> None:
        try:
            await asyncio.sleep(delay)
            await self.check_now(folder, translations)
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            self.log(f"million-miles: checking {folder.root} failed: {exc!r}\n{traceback.format_exc()}",
                     t.MessageType.Error)

    async def check_now(self, folder: StoryFolder, translations: bool = False) -> None:
        loop = asyncio.get_running_loop()
        checked = await loop.run_in_executor(None, folder.check, translations)
        self.log(f"million-miles: checked {folder.root} in {checked.seconds * 1000:.0f} ms "
                 f"({len(checked.report.errors)} errors, {len(checked.report.warnings)} warnings)")
        self.publish(folder)

    def publish(self, folder: StoryFolder) -> None:
        checked = folder.checked
        if checked is None:
            return
        diagnostics: dict[str, list[t.Diagnostic]] = {}
        for file, found in checked.by_file.items():
            lines = (folder.text_of(folder.name_of(Path(file)) or "") or "").splitlines()
            diagnostics.setdefault(file, []).extend(features.lsp_diagnostic(d, lines) for d in found)
        explored = self.explored.get(folder.root)
        if explored is not None and checked.report.ok:
            fallback = str(folder.root / "story.yaml")
            for finding, path in explored.findings:
                file, diag = features.finding_diagnostic(finding, path, fallback)
                diagnostics.setdefault(file, []).append(diag)
        open_files = {str(folder.root / name) for name in folder.buffers}
        for file in set(diagnostics) | folder.published | open_files:
            self.text_document_publish_diagnostics(
                t.PublishDiagnosticsParams(uri=features.uri_of(file), diagnostics=diagnostics.get(file, [])))
        folder.published = set(diagnostics)

    async def explore(self, folder: StoryFolder) -> None:
        """Explore the saved folder; saves during a search ask for one more search, not one each."""
        if folder.root in self.exploring:
            self.explore_again.add(folder.root)
            return
        self.exploring.add(folder.root)
        try:
            while True:
                self.explore_again.discard(folder.root)
                await self._explore_once(folder)
                if folder.root not in self.explore_again:
                    break
        finally:
            self.exploring.discard(folder.root)

    async def _explore_once(self, folder: StoryFolder) -> None:
        loop = asyncio.get_running_loop()
        self.log(f"million-miles: exploring {folder.root} (budget {self.max_states:,} states)…", t.MessageType.Info)
        try:
            explored = await loop.run_in_executor(self.explorer(), explore_folder, str(folder.root), self.max_states)
        except Exception as exc:
            self.log(f"million-miles: the explorer failed: {exc!r}", t.MessageType.Error)
            return
        if folder.root in self.explore_again:
            return  # saved again meanwhile: this result is stale, the next search replaces it
        if not explored.loaded:
            self.log("million-miles: the saved story does not load, so it was not explored", t.MessageType.Info)
            return
        self.explored[folder.root] = explored
        used = f"{explored.states:,} of {explored.max_states:,} states"
        if explored.complete:
            self.log(f"million-miles: exploration complete ({used}), {len(explored.findings)} findings",
                     t.MessageType.Info)
        else:
            self.window_show_message(t.ShowMessageParams(
                type=t.MessageType.Warning,
                message=f"million-miles: exploration incomplete ({used}): unreachability is not proven; "
                        "raise the budget with 'million-miles lsp --max-states N'"))
        self.publish(folder)

    def close(self) -> None:
        """Stop a search still running: leaving must not wait for it."""
        if self._explorer is not None:
            for process in list(getattr(self._explorer, "_processes", {}).values()):
                process.terminate()
            self._explorer.shutdown(wait=False, cancel_futures=True)


def _safe(default: Callable[[], R]) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Run a handler; on any exception log it to the client and answer ``default()``."""
    def wrap(handler: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(handler)
        def run(server: StoryServer, params: Any) -> R:
            try:
                return handler(server, params)
            except Exception as exc:
                server.log(f"million-miles: {handler.__name__} failed: {exc!r}\n{traceback.format_exc()}",
                           t.MessageType.Error)
                return default()
        return run
    return wrap


def _none() -> Any:
    return None


def _empty() -> list[Any]:
    return []


def _changed(ls: StoryServer, uri: str, immediately: bool = False) -> None:
    """Take the editor's buffer as the file's text and schedule a check (at once on open, debounced on typing)."""
    found = ls.folder_for(uri)
    if found is None:
        ls.log(f"million-miles: {uri} is not in a story folder (no story.yaml above it)")
        return
    folder, name = found
    document = ls.workspace.get_text_document(uri)
    folder.buffers[name] = document.source
    ls.schedule(folder, 0 if immediately else ls.debounce, translations=immediately)


def did_open(ls: StoryServer, params: t.DidOpenTextDocumentParams) -> None:
    _changed(ls, params.text_document.uri, immediately=True)


def did_change(ls: StoryServer, params: t.DidChangeTextDocumentParams) -> None:
    _changed(ls, params.text_document.uri)


def did_save(ls: StoryServer, params: t.DidSaveTextDocumentParams) -> None:
    found = ls.folder_for(params.text_document.uri)
    if found is None:
        return
    ls.schedule(found[0], 0, translations=True)
    if ls.explore_on_save:
        asyncio.get_running_loop().create_task(ls.explore(found[0]))


def did_close(ls: StoryServer, params: t.DidCloseTextDocumentParams) -> None:
    found = ls.folder_for(params.text_document.uri)
    if found is not None:
        found[0].buffers.pop(found[1], None)
        ls.schedule(found[0], 0)


def _located(ls: StoryServer, uri: str) -> tuple[StoryFolder, str] | None:
    """The folder and file name of ``uri``, checked once if a request comes before any edit (None: no story)."""
    found = ls.folder_for(uri)
    if found is None:
        ls.log(f"million-miles: no story folder holds {uri}")
        return None
    if found[0].checked is None:
        found[0].check(translations=True)
    return found


def _lines_of(ls: StoryServer, uri: str, folder: StoryFolder, name: str) -> list[str]:
    return (folder.text_of(name) or "").splitlines()


def completion(ls: StoryServer, params: t.CompletionParams) -> t.CompletionList | None:
    found = _located(ls, params.text_document.uri)
    if found is None:
        return None
    folder, name = found
    assert folder.checked is not None
    path = str(folder.root / name)
    try:
        files = [p.name for p in folder.root.glob("*.yaml")]
    except OSError:
        files = []
    items = features.completion(folder.checked.index, path, _lines_of(ls, params.text_document.uri, folder, name),
                                params.position.line, params.position.character, files)
    return t.CompletionList(is_incomplete=False, items=items)


def definition(ls: StoryServer, params: t.DefinitionParams) -> list[t.Location]:
    found = _located(ls, params.text_document.uri)
    if found is None or found[0].checked is None:
        return []
    return features.definition(found[0].checked.index, str(found[0].root / found[1]),
                               params.position.line, params.position.character)


def references(ls: StoryServer, params: t.ReferenceParams) -> list[t.Location]:
    found = _located(ls, params.text_document.uri)
    if found is None or found[0].checked is None:
        return []
    return features.references(found[0].checked.index, str(found[0].root / found[1]), params.position.line,
                               params.position.character, params.context.include_declaration)


def hover(ls: StoryServer, params: t.HoverParams) -> t.Hover | None:
    found = _located(ls, params.text_document.uri)
    if found is None:
        return None
    folder, name = found
    lines = _lines_of(ls, params.text_document.uri, folder, name)
    line_text = lines[params.position.line] if params.position.line < len(lines) else ""
    explored = ls.explored.get(folder.root)
    return features.hover(folder, str(folder.root / name), params.position.line, params.position.character,
                          line_text, explored.reached if explored and explored.complete else None)


def rename(ls: StoryServer, params: t.RenameParams) -> t.WorkspaceEdit | None:
    found = _located(ls, params.text_document.uri)
    if found is None or found[0].checked is None:
        return None
    try:
        return features.rename(found[0].checked.index, found[0], str(found[0].root / found[1]),
                               params.position.line, params.position.character, params.new_name)
    except features.RenameError as exc:
        ls.window_show_message(t.ShowMessageParams(type=t.MessageType.Warning, message=f"million-miles: {exc}"))
        return None


def document_symbols(ls: StoryServer, params: t.DocumentSymbolParams) -> list[t.DocumentSymbol]:
    found = _located(ls, params.text_document.uri)
    if found is None or found[0].checked is None:
        return []
    return features.document_symbols(found[0].checked.index, str(found[0].root / found[1]))


def workspace_symbols(ls: StoryServer, params: t.WorkspaceSymbolParams) -> list[t.WorkspaceSymbol]:
    result: list[t.WorkspaceSymbol] = []
    root = ls.workspace.root_path
    if not ls.folders and root and (Path(root) / "story.yaml").is_file():
        ls.folders[Path(root).resolve()] = StoryFolder(Path(root).resolve())
    for folder in list(ls.folders.values()):
        if folder.checked is None:
            folder.check()
        if folder.checked is not None:
            result += features.workspace_symbols(folder.checked.index, params.query)
    return result

_FEATURES: tuple[tuple[str, Any, Callable[[], Any], Callable[..., Any]], ...] = (
    (t.TEXT_DOCUMENT_DID_OPEN, None, _none, did_open),
    (t.TEXT_DOCUMENT_DID_CHANGE, None, _none, did_change),
    (t.TEXT_DOCUMENT_DID_SAVE, None, _none, did_save),
    (t.TEXT_DOCUMENT_DID_CLOSE, None, _none, did_close),
    (t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=[":", " ", "{", "-"]), _none, completion),
    (t.TEXT_DOCUMENT_DEFINITION, None, _empty, definition),
    (t.TEXT_DOCUMENT_REFERENCES, None, _empty, references),
    (t.TEXT_DOCUMENT_HOVER, None, _none, hover),
    (t.TEXT_DOCUMENT_RENAME, None, _none, rename),
    (t.TEXT_DOCUMENT_DOCUMENT_SYMBOL, None, _empty, document_symbols),
    (t.WORKSPACE_SYMBOL, None, _empty, workspace_symbols),
)
"""Each LSP method the server answers: its options, what it answers when the handler fails, the handler."""


def build_server(max_states: int, explore_on_save: bool = True, debounce: float = DEBOUNCE_SECONDS) -> StoryServer:
    """A server with every feature of :data:`_FEATURES` registered, each under :func:`_safe`."""
    server = StoryServer(max_states, explore_on_save, debounce)
    for method, options, fallback, handler in _FEATURES:
        server.feature(method, options)(_safe(fallback)(handler))
    return server
