"""The language server's pure parts: the id index and where a key is being typed."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("lsprotocol")

from adventure.lsp.features import completion, key_path, part_at
from adventure.lsp.workspace import StoryFolder

MINI = Path(__file__).parent / "fixtures" / "mini"

CHAPTER = """\
chapter:
  id: one
scenes:
  - id: a
    choices:
      - id: x
        effects:
          - set:
              tr
        goto:
          random:
            - weight: 1
<14>
""".replace("<14>", " " * 14)  # the cursor's indentation
TARGETS = """\
scenes:
  - id: a
    choices:
      - id: x
        goto:
          - if: "apples > 1"
<12>
""".replace("<12>", " " * 12)


def test_the_key_path_and_part_at_each_nesting() -> None:
    lines = CHAPTER.splitlines()
    assert key_path(lines, 8, 14) == ["scenes", "-", "choices", "-", "effects", "-", "set"]
    assert part_at(lines, 1, False).name == "chapter"
    assert part_at(lines, 4, False).name == "scene"
    assert part_at(lines, 12, False).name == "outcome"
    assert part_at(TARGETS.splitlines(), 6, False).name == "target"
    assert part_at(["format: 1", ""], 1, True).name == "story"
    assert part_at(["stats:", "  trust:", "    "], 2, True).name == "stat"


def test_a_stat_name_is_offered_under_a_block_effect() -> None:
    folder = StoryFolder(MINI.resolve())
    index = folder.check().index
    lines = CHAPTER.splitlines()
    items = completion(index, str(MINI / "one.yaml"), lines, 8, 16, [])
    assert {i.label: i.detail for i in items}["trust"] == "int 0..3"


def test_the_index_knows_every_kind_of_id_with_its_place() -> None:
    index = StoryFolder(MINI.resolve()).check().index
    one, two, story = (str(MINI.resolve() / n) for n in ("one.yaml", "two.yaml", "story.yaml"))
    (house,) = index.definitions("scene", "house")
    assert house.file == two and (house.line, house.character) == (20, 8)
    uses = {(o.file, o.role) for o in index.uses(house)}
    assert (one, "ref") in uses and (two, "ref") in uses
    assert {o.name for o in index.all() if o.kind == "ending" and o.role == "def"} == {"home", "sky"}
    assert [o.scope for o in index.definitions("choice", "stay")] == ["house"]
    stat_refs = [o for o in index.all() if o.kind == "stat" and o.name == "letters"]
    assert {Path(o.file).name for o in stat_refs} == {"story.yaml", "two.yaml"}
    progress = next(o for o in stat_refs if o.file == story and o.role == "ref")
    assert (progress.line, progress.character) == (5, 25)  # inside the quoted progress formula


def _apply(edits: dict, root: Path) -> None:
    """Apply a WorkspaceEdit's text edits to the files on disk (last first, so offsets hold)."""
    for uri, changes in edits.items():
        path = Path(uri.removeprefix("file://"))
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for e in sorted(changes, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
            number = e.range.start.line
            line = lines[number] if number < len(lines) else ""
            new = line[:e.range.start.character] + e.new_text + line[e.range.end.character:]
            lines[number:number + 1] = [new]
        path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize("written", ["block", "flow", "existing"])
def test_renaming_a_choice_keeps_its_old_id_and_its_translation(tmp_path: Path, written: str) -> None:
    import shutil

    from adventure.i18n.translate import translate_story
    from adventure.lsp.features import rename
    from adventure.story.loader import load_story

    root = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "orchard", tmp_path / "orchard")).resolve()
    one = root / "one.yaml"
    text = one.read_text(encoding="utf-8")
    if written == "flow":
        text = text.replace("      - id: pick\n        label: Pick an apple\n",
                            "      - {id: pick, label: Pick an apple,\n         goto: gate}\n").replace(
            "        effects:\n          - add: {apples: 1}\n        goto: gate\n      - id: key", "      - id: key", 1)
    if written == "existing":
        text = text.replace("      - id: pick\n", "      - id: pick\n        renamed_from: [pluck]\n", 1)
    one.write_text(text, encoding="utf-8")
    folder = StoryFolder(root)
    index = folder.check().index
    (pick,) = index.definitions("choice", "pick")
    _apply(rename(index, folder, pick.file, pick.line, pick.character + 1, "harvest").changes, root)
    story = load_story(root, cache=False)
    choice = story.scenes["gate"].choice("harvest")
    assert choice is not None and "pick" in choice.renamed_from
    if written == "existing":
        assert set(choice.renamed_from) == {"pick", "pluck"}
    assert translate_story(story, "es").scenes["gate"].choice("harvest").label.source == "Cortar una manzana"
