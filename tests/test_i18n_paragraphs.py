"""Translators' workflow (issue 22 §6): a long text is translated paragraph by paragraph, so a
one-word English edit makes one paragraph stale, not the scene; a stale translation is shown
(with MM706 in check) rather than English; `i18n update` migrates whole-text keys without
losing a translation; renamed_from carries translations across."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adventure.cli import main
from adventure.i18n.catalog import read_catalog, write_catalog
from adventure.i18n.strings import paragraphs
from adventure.i18n.translate import check_translation, translate_story
from adventure.story.loader import load_story

ORCHARD = Path(__file__).resolve().parent / "fixtures" / "orchard"
ROAD_EN = "The road runs on. Letters so far: {letters}."
THREE = ("The road runs on.\n\nDust on the sign. Letters so far: {letters}.\n\n"
         "{if letters > 1}A bag of them.{else}Nothing yet.{end}\n")
THREE_ES = ("El camino sigue.\n\nPolvo en el letrero. Cartas: {letters}.\n\n"
            "{if letters > 1}Una bolsa llena.{else}Nada todavía.{end}\n")


@pytest.fixture
def road(tmp_path) -> Path:
    """The orchard with a road of three paragraphs, translated whole, as catalogues were before."""
    folder = Path(shutil.copytree(ORCHARD, tmp_path / "orchard"))
    two = folder / "two.yaml"
    yaml_text = "text: |\n      " + THREE.replace("\n\n", "\n\n      ").rstrip("\n") + "\n"
    two.write_text(two.read_text(encoding="utf-8").replace(f'text: "{ROAD_EN}"', yaml_text), encoding="utf-8")
    catalog = read_catalog(folder / "locale" / "es.po", "es")
    message = next(m for m in catalog if m.context == "scene:road:text")
    catalog.delete(message.id, context=message.context)
    catalog.add(THREE, THREE_ES, context="scene:road:text")
    (folder / "locale" / "es.po").write_bytes(write_catalog(catalog))
    return folder


def _messages(folder: Path) -> dict[str, object]:
    return {m.context: m for m in read_catalog(folder / "locale" / "es.po", "es") if m.context and m.id}


def test_paragraphs_cut_at_blank_lines_but_never_inside_an_if():
    assert paragraphs(THREE) == ["The road runs on.", "Dust on the sign. Letters so far: {letters}.",
                                 "{if letters > 1}A bag of them.{else}Nothing yet.{end}\n"]
    assert paragraphs("One.\n\n{if a}Two.\n\nThree.{end}\n\nFour.") == ["One.", "{if a}Two.\n\nThree.{end}", "Four."]
    assert paragraphs("Only one paragraph.") is None
    assert paragraphs("{if a}One.\n\nTwo.{end}") is None  # one piece: keyed whole


def test_update_migrates_a_whole_text_to_paragraphs_losing_nothing(road):
    assert main(["i18n", "update", str(road), "es"]) == 0
    messages = _messages(road)
    assert "scene:road:text" not in messages
    assert [messages[f"scene:road:text:p{n}"].string for n in (1, 2, 3)] == THREE_ES.split("\n\n")  # type: ignore[attr-defined]
    assert not any(m.fuzzy for m in messages.values())  # type: ignore[attr-defined]
    report = check_translation(load_story(road, cache=False), "es", strict=True)
    assert report.errors == [] and report.counts.stale == 0 and report.counts.missing == 0
    assert report.story is not None and report.story.scenes["road"].text.source == THREE_ES


def test_a_one_word_edit_makes_one_paragraph_stale_and_it_is_still_shown(road, capsys):
    assert main(["i18n", "update", str(road), "es"]) == 0
    two = road / "two.yaml"
    two.write_text(two.read_text(encoding="utf-8").replace("Dust on the sign", "Dust on the old sign"), encoding="utf-8")
    story = load_story(road, cache=False)
    report = check_translation(story, "es")
    stale = [d for d in report.warnings if d.code == "MM706"]
    assert len(stale) == 1 and "scene:road:text:p2" in stale[0].message and report.counts.stale == 1
    assert report.counts.translated == report.counts.total - 1
    shown = translate_story(story, "es").scenes["road"].text.source
    assert shown == THREE_ES  # the near translation, not "Dust on the old sign" among Spanish paragraphs
    assert check_translation(story, "es", strict=True).errors  # the release gate still says it
    assert main(["i18n", "update", str(road), "es"]) == 0
    capsys.readouterr()
    messages = _messages(road)
    assert messages["scene:road:text:p2"].fuzzy and not messages["scene:road:text:p1"].fuzzy  # type: ignore[attr-defined]
    assert translate_story(load_story(road, cache=False), "es").scenes["road"].text.source == THREE_ES


def test_a_paragraph_inserted_above_moves_the_others_with_their_english(road):
    assert main(["i18n", "update", str(road), "es"]) == 0
    two = road / "two.yaml"
    two.write_text(two.read_text(encoding="utf-8").replace("text: |\n      The road runs on.",
                                                           "text: |\n      Morning.\n\n      The road runs on."),
                   encoding="utf-8")
    assert main(["i18n", "update", str(road), "es"]) == 0
    messages = _messages(road)
    assert messages["scene:road:text:p1"].string == ""  # type: ignore[attr-defined]  # new: to translate
    assert messages["scene:road:text:p4"].string == THREE_ES.split("\n\n")[2]  # type: ignore[attr-defined]
    assert not any(messages[f"scene:road:text:p{n}"].fuzzy for n in (2, 3, 4))  # type: ignore[attr-defined]


def test_a_translation_that_moves_passages_across_paragraphs_stays_whole(tmp_path):
    """The fixture's gate text is translated with its two paragraphs swapped: it cannot be cut."""
    folder = Path(shutil.copytree(ORCHARD, tmp_path / "orchard"))
    assert main(["i18n", "update", str(folder), "es"]) == 0
    messages = _messages(folder)
    assert "scene:gate:text" in messages and "scene:gate:text:p1" not in messages
    story = translate_story(load_story(folder, cache=False), "es")
    assert story.scenes["gate"].text.source.startswith("{if has_key}La llave")


def test_renamed_from_keeps_translations_through_update_neither_fuzzy_nor_obsolete(road):
    assert main(["i18n", "update", str(road), "es"]) == 0
    for name, old, new in (("two.yaml", "  - id: road\n", "  - id: highway\n    renamed_from: [road]\n"),
                           ("two.yaml", "      - id: wait\n", "      - id: linger\n        renamed_from: [wait]\n")):
        path = road / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    for path in road.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("scene: road", "scene: highway")
                        .replace("goto: road", "goto: highway"), encoding="utf-8")
    story = load_story(road, cache=False)
    assert main(["i18n", "update", str(road), "es"]) == 0
    messages = _messages(road)
    assert messages["scene:highway:text:p2"].string == "Polvo en el letrero. Cartas: {letters}."  # type: ignore[attr-defined]
    assert messages["choice:highway:linger:label"].string  # type: ignore[attr-defined]
    assert not any(m.fuzzy for m in messages.values())  # type: ignore[attr-defined]
    assert "#~" not in (road / "locale" / "es.po").read_text(encoding="utf-8")
    report = check_translation(story, "es", strict=True)
    assert report.errors == [] and report.counts.missing == 0


def test_the_shipped_and_a_migrated_catalogue_pass_msgfmt_check(road):
    import subprocess

    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    assert main(["i18n", "update", str(road), "es"]) == 0
    for catalogue in (road / "locale" / "es.po", ORCHARD.parent.parent.parent / "scenes" / "locale" / "es.po"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(catalogue)], check=True)
