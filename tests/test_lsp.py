"""``million-miles lsp`` end to end: a real LSP client (pytest-lsp) over stdio, one test per feature.

Each test copies a fixture story into a temporary folder, starts the server as an editor
would (``python -m adventure lsp``), opens files and asks. Diagnostics arrive as
notifications, so the tests wait for them (with a timeout) rather than sleep.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types as t  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.asyncio


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", folder)
    return folder


def _config(*extra: str) -> ClientServerConfig:
    return ClientServerConfig(server_command=[sys.executable, "-m", "adventure", "lsp", *extra])


@pytest_lsp.fixture(config=_config("--no-explore"))
async def client(lsp_client: LanguageClient, story: Path):
    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=client_capabilities("neovim"), root_uri=story.as_uri(),
        workspace_folders=[t.WorkspaceFolder(uri=story.as_uri(), name="mini")]))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_config("--max-states", "50000"))
async def exploring(lsp_client: LanguageClient, story: Path):
    await lsp_client.initialize_session(t.InitializeParams(capabilities=client_capabilities("neovim"),
                                                           root_uri=story.as_uri()))
    yield
    await lsp_client.shutdown_session()


def uri(path: Path) -> str:
    return path.as_uri()


def open_file(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    text = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(t.DidOpenTextDocumentParams(text_document=t.TextDocumentItem(
        uri=uri(path), language_id="yaml", version=version, text=text)))
    return text


def edit(client: LanguageClient, path: Path, text: str, version: int) -> None:
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))


async def wait_for(predicate: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("timed out waiting for the server")
        await asyncio.sleep(0.05)


def codes(client: LanguageClient, path: Path) -> list[str]:
    return [str(d.code) for d in client.diagnostics.get(uri(path), [])]


def position_of(path_text: str, needle: str, occurrence: int = 0, offset: int = 0) -> t.Position:
    start = -1
    for _ in range(occurrence + 1):
        start = path_text.index(needle, start + 1)
    line = path_text.count("\n", 0, start)
    column = start - (path_text.rfind("\n", 0, start) + 1)
    return t.Position(line=line, character=column + offset)


async def test_diagnostics_as_you_type_with_the_words_of_check(client: LanguageClient, story: Path) -> None:
    one = story / "one.yaml"
    text = open_file(client, one)
    await wait_for(lambda: uri(one) in client.diagnostics)
    assert codes(client, one) == []
    broken = text.replace("goto: gate\n", "goto: gaet\n", 1)  # unsaved: only in the buffer
    edit(client, one, broken, 2)
    await wait_for(lambda: "MM402" in codes(client, one))
    diag = next(d for d in client.diagnostics[uri(one)] if d.code == "MM402")
    assert diag.message.startswith("no scene called 'gaet'")
    assert "hint: did you mean 'gate'?" in diag.message
    expected = position_of(broken, "gaet")
    assert (diag.range.start.line, diag.range.start.character) == (expected.line, expected.character)
    assert diag.range.end.character == expected.character + 4
    assert diag.source == "million-miles" and diag.severity == t.DiagnosticSeverity.Error
    edit(client, one, text, 3)
    await wait_for(lambda: codes(client, one) == [])


async def test_an_error_from_another_chapter_shows_in_both_files(client: LanguageClient, story: Path) -> None:
    one, two = story / "one.yaml", story / "two.yaml"
    open_file(client, one)
    two_text = open_file(client, two)
    await wait_for(lambda: uri(two) in client.diagnostics and uri(one) in client.diagnostics)
    edit(client, two, two_text.replace("  - id: road\n", "  - id: raod\n"), 2)  # one.yaml goes to road
    await wait_for(lambda: "MM402" in codes(client, one) and "MM402" in codes(client, two))
    mirrored = [d for d in client.diagnostics[uri(two)] if d.code == "MM402" and "one.yaml" in d.message]
    assert len(mirrored) == 1 and mirrored[0].message.startswith("no scene called 'road' (from one.yaml:")
    assert mirrored[0].range.start == position_of(two_text, "- id: road", offset=6)  # where 'road' was defined


async def test_half_typed_binary_huge_and_unopened_files_never_kill_it(client: LanguageClient, story: Path) -> None:
    one = story / "one.yaml"
    text = open_file(client, one)
    edit(client, one, text[: len(text) // 2] + "\n  - id: [", 2)
    await wait_for(lambda: any(c.startswith("MM1") for c in codes(client, one)))
    edit(client, one, "\x00\x01\x02 binary \udcff".encode("utf-8", "surrogatepass").decode("utf-8", "replace"), 3)
    edit(client, one, "scenes:\n" + "  # padding\n" * 900_000, 4)  # about 10 MB
    await wait_for(lambda: "MM108" in codes(client, one), 60)
    stray = story.parent / "elsewhere.yaml"
    stray.write_text("x: 1\n", encoding="utf-8")
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=uri(stray)), position=t.Position(line=0, character=0)))
    assert hover is None
    unopened = await client.text_document_definition_async(t.DefinitionParams(
        text_document=t.TextDocumentIdentifier(uri=uri(story / "two.yaml")), position=t.Position(line=40, character=9)))
    assert unopened == [] or unopened is None
    shutil.rmtree(story)  # the folder vanishes under the editor
    edit(client, one, text, 5)
    await asyncio.sleep(1.0)
    symbols = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="gate"))
    assert symbols is not None  # still answering


async def test_completion_of_ids_stats_keys_and_chapter_files(client: LanguageClient, story: Path) -> None:
    one = story / "one.yaml"
    text = open_file(client, one)
    typed = text.replace("        goto: gate\n", "        goto: \n", 1)
    edit(client, one, typed, 2)
    await wait_for(lambda: uri(one) in client.diagnostics)

    async def labels(path: Path, position: t.Position) -> dict[str, str | None]:
        result = await client.text_document_completion_async(t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri(path)), position=position))
        items = result.items if isinstance(result, t.CompletionList) else (result or [])
        return {i.label: i.detail for i in items}

    at_goto = position_of(typed, "goto: \n", offset=6)
    scenes = await labels(one, at_goto)
    assert {"gate", "road", "house", "city"} <= set(scenes) and "home" not in scenes
    edit(client, one, typed.replace('if: "not has_key"', 'if: "not has_key and tr"'), 3)
    await asyncio.sleep(0.5)
    typed = typed.replace('if: "not has_key"', 'if: "not has_key and tr"')
    stats = await labels(one, position_of(typed, 'and tr"', offset=6))
    assert stats["trust"] == "int 0..3" and stats["has_key"] == "bool"
    keys_text = typed.replace("        hidden: true\n", "        hidden: true\n        \n", 1)
    edit(client, one, keys_text, 4)
    await asyncio.sleep(0.5)
    hidden = position_of(keys_text, "hidden: true\n        \n")
    keys = await labels(one, t.Position(line=hidden.line + 1, character=8))
    assert {"locked", "remember", "canon", "ending", "renamed_from"} <= set(keys)
    assert not {"hidden", "id", "label", "effects", "goto", "title"} & set(keys)  # written already, or not a choice's
    (story / "three.yaml").write_text("chapter: {id: c, title: C}\n", encoding="utf-8")
    story_file = story / "story.yaml"
    story_text = story_file.read_text(encoding="utf-8").replace("  - two.yaml\n", "  - two.yaml\n  - \n")
    open_file(client, story_file, story_text)
    files = await labels(story_file, position_of(story_text, "  - \n", offset=4))
    assert files.get("three.yaml") == "not listed yet" and files.get("one.yaml") == "listed"


async def test_definition_and_references_across_files(client: LanguageClient, story: Path) -> None:
    one, two = story / "one.yaml", story / "two.yaml"
    text = open_file(client, one)
    two_text = two.read_text(encoding="utf-8")
    await wait_for(lambda: uri(one) in client.diagnostics)
    where = await client.text_document_definition_async(t.DefinitionParams(
        text_document=t.TextDocumentIdentifier(uri=uri(one)), position=position_of(text, "scene: house", offset=8)))
    assert isinstance(where, list) and len(where) == 1
    assert where[0].uri == uri(two) and where[0].range.start == position_of(two_text, "id: house", offset=4)
    refs = await client.text_document_references_async(t.ReferenceParams(
        text_document=t.TextDocumentIdentifier(uri=uri(one)), position=position_of(text, "apples >= 2", offset=1),
        context=t.ReferenceContext(include_declaration=True)))
    files = {r.uri.rsplit("/", 1)[-1] for r in refs or []}
    assert files == {"one.yaml", "story.yaml"}  # the declaration, effects, an if, the progress formula, a template
    assert len(refs or []) >= 6


async def test_hover_on_scene_stat_and_code(client: LanguageClient, story: Path) -> None:
    one = story / "one.yaml"
    text = open_file(client, one)
    await wait_for(lambda: uri(one) in client.diagnostics)

    async def hover(position: t.Position) -> str:
        result = await client.text_document_hover_async(t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=uri(one)), position=position))
        assert result is not None and isinstance(result.contents, t.MarkupContent)
        return result.contents.value

    scene = await hover(position_of(text, "scene: house", offset=8))
    assert "**The House**" in scene and "chapter `road`" in scene and "Warm light." in scene
    stat = await hover(position_of(text, "trust: 1", offset=1))
    assert "stat **trust**: int, 0..3" in stat and "initial: 2" in stat
    assert "`gate/open`" in stat and "`house (on entering)`" in stat
    edit(client, one, "# see MM402\n" + text, 2)
    code = await hover(t.Position(line=0, character=7))
    assert "**MM402**" in code and "scene" in code


async def test_rename_a_scene_everywhere_adding_renamed_from(client: LanguageClient, story: Path) -> None:
    one, two = story / "one.yaml", story / "two.yaml"
    text = open_file(client, one)
    await wait_for(lambda: uri(one) in client.diagnostics)
    result = await client.text_document_rename_async(t.RenameParams(
        text_document=t.TextDocumentIdentifier(uri=uri(one)), position=position_of(text, "scene: road", offset=8),
        new_name="highway"))
    assert result is not None and result.changes is not None
    for file_uri, edits in result.changes.items():
        path = Path(file_uri.removeprefix("file://"))
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            line = lines[e.range.start.line] if e.range.start.line < len(lines) else ""
            if e.range.start.line == e.range.end.line:
                lines[e.range.start.line:e.range.start.line + 1] = [
                    line[:e.range.start.character] + e.new_text + line[e.range.end.character:]]
        path.write_text("".join(lines), encoding="utf-8")
    assert "id: highway\n    renamed_from: [road]\n" in two.read_text(encoding="utf-8")
    assert "scene: highway" in one.read_text(encoding="utf-8")
    from adventure.story.loader import check_story

    report = check_story(story, cache=False)
    assert report.ok, report.errors
    assert report.story is not None and report.story.renamed == {"road": "highway"}
    bad = await client.text_document_rename_async(t.RenameParams(
        text_document=t.TextDocumentIdentifier(uri=uri(one)), position=position_of(text, "id: gate", offset=4),
        new_name="house"))
    assert bad is None  # a taken id is refused (and the client is told why)


async def test_document_and_workspace_symbols(client: LanguageClient, story: Path) -> None:
    two = story / "two.yaml"
    open_file(client, two)
    await wait_for(lambda: uri(two) in client.diagnostics)
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(
        text_document=t.TextDocumentIdentifier(uri=uri(two))))
    assert symbols and isinstance(symbols[0], t.DocumentSymbol)
    chapter = symbols[0]
    assert chapter.name == "road" and chapter.kind == t.SymbolKind.Module
    scenes = {s.name: s for s in chapter.children or []}
    assert {"road", "house", "city", "sky"} <= set(scenes)
    assert [c.name for c in scenes["road"].children or []] == ["wait", "run"]
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="ho"))
    names = {(s.name, s.kind) for s in found or []}
    assert ("house", t.SymbolKind.Class) in names and ("home", t.SymbolKind.Event) in names


async def test_explorer_findings_arrive_on_save(exploring: LanguageClient, story: Path) -> None:
    two = story / "two.yaml"
    text = two.read_text(encoding="utf-8")
    # the city's only choice now needs letters it can never have: a soft-lock
    text = text.replace("      - id: fly\n        label: Fly\n", "      - id: fly\n        label: Fly\n        if: \"letters > 3\"\n")
    two.write_text(text, encoding="utf-8")
    open_file(exploring, two, text)
    exploring.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri(two))))
    await wait_for(lambda: "MM603" in codes(exploring, two), 60)
    lock = next(d for d in exploring.diagnostics[uri(two)] if d.code == "MM603")
    assert "(explorer)" in lock.message and lock.related_information
    assert lock.related_information[0].message.startswith("shortest path: gate/")


async def test_rename_a_stat_in_the_story_and_its_translations(client: LanguageClient, tmp_path: Path) -> None:
    orchard = Path(shutil.copytree(FIXTURES / "orchard", tmp_path / "orchard"))
    story_file = orchard / "story.yaml"
    text = open_file(client, story_file)
    await wait_for(lambda: uri(story_file) in client.diagnostics)
    result = await client.text_document_rename_async(t.RenameParams(
        text_document=t.TextDocumentIdentifier(uri=uri(story_file)), position=position_of(text, "  apples:", offset=3),
        new_name="pears"))
    assert result is not None and result.changes is not None
    touched = {u.rsplit("/", 1)[-1]: len(e) for u, e in result.changes.items()}
    assert touched.get("es.po") == 1 and touched.get("story.yaml", 0) >= 2 and touched.get("one.yaml", 0) >= 3


async def test_translation_errors_show_in_the_catalogue(client: LanguageClient, tmp_path: Path) -> None:
    orchard = Path(shutil.copytree(FIXTURES / "orchard", tmp_path / "orchard"))
    po = orchard / "locale" / "es.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Cortar una manzana"',
                                                         'msgstr "Cortar {apples * 2} manzanas"'), encoding="utf-8")
    open_file(client, orchard / "one.yaml")
    await wait_for(lambda: "MM703" in codes(client, po))
    (diag,) = [d for d in client.diagnostics[uri(po)] if d.code == "MM703"]
    assert "reads stat 'apples', which the English does not" in diag.message
    assert diag.range.start == position_of(po.read_text(encoding="utf-8"), "apples * 2")
