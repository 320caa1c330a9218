"""Story translations: keys, extract/update, fallback, located errors, check's counts.

The fixture ``tests/fixtures/orchard`` is the mini story with a complete Spanish
catalogue, ``locale/es.po``. Tests that change it work on a copy.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from adventure.cli import main
from adventure.i18n import strings
from adventure.i18n.catalog import read_catalog, write_catalog
from adventure.i18n.strings import story_strings
from adventure.i18n.translate import check_translation, translate_story
from adventure.story import model
from adventure.story.loader import load_story
from adventure.story.template import Template

ORCHARD = Path(__file__).resolve().parent / "fixtures" / "orchard"


@pytest.fixture
def orchard(tmp_path) -> Path:
    """A copy of the fixture story with its Spanish catalogue, free to edit."""
    return Path(shutil.copytree(ORCHARD, tmp_path / "orchard"))


def po_of(story_dir: Path) -> Path:
    return story_dir / "locale" / "es.po"


def set_translation(story_dir: Path, key: str, text: str) -> None:
    path = po_of(story_dir)
    catalog = read_catalog(path, "es")
    for message in catalog:
        if message.context == key:
            message.string = text
    path.write_bytes(write_catalog(catalog))


def po_line(story_dir: Path, needle: str) -> int:
    lines = po_of(story_dir).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def check_json(capsys, story_dir: Path, *flags: str) -> tuple[int, dict]:
    code = main(["check", "--json", str(story_dir), *flags])
    return code, json.loads(capsys.readouterr().out)


# -- which strings, and their keys ----------------------------------------------------------


def test_every_text_field_of_the_model_is_marked_translatable_or_excluded():
    classes = [c for c in vars(model).values()
               if isinstance(c, type) and hasattr(c, "__dataclass_fields__") and c.__module__ == model.__name__]
    assert model.Scene in classes and model.Story in classes
    unmarked = [f"{c.__name__}.{name}" for c in classes for name in strings.text_fields(c)
                if name not in strings.TRANSLATABLE.get(c, ()) and name not in strings.EXCLUDED.get(c, {})]
    assert unmarked == [], "add each to TRANSLATABLE or EXCLUDED in adventure/i18n/strings.py"
    for table in (strings.TRANSLATABLE, strings.EXCLUDED):
        for cls, names in table.items():
            assert set(names) <= set(cls.__dataclass_fields__), cls  # no stale names either


def test_keys_come_from_ids(mini_story):
    paragraphs = {e.key: e for e in story_strings(mini_story)}
    assert "scene:gate:text" not in paragraphs  # a text of two paragraphs is translated paragraph by paragraph
    assert paragraphs["scene:gate:text:p1"].source == "A gate, and {name} in front of it."
    assert paragraphs["scene:gate:text:p2"].stats == ("has_key",) and paragraphs["scene:gate:text:p2"].line == 11
    keys = {e.key: e for e in story_strings(mini_story, whole={"scene:gate:text"})}
    assert {"story:title", "stat:apples:label", "group:skills", "chapter:orchard:subtitle", "scene:gate:text",
            "choice:gate:open:locked", "choice:gate:open:remember", "ending:sky:text"} <= set(keys)
    text = keys["scene:gate:text"]
    assert text.is_template and text.stats == ("has_key", "name")
    assert (text.file, text.line) == ("one.yaml", 8)
    assert "scene \"The Gate\" (gate)" in text.comment and "has_key, name" in text.comment
    assert keys["ending:home:text"].file == "story.yaml"


def test_keys_and_translations_survive_reordering(orchard):
    before = {e.key: e.source for e in story_strings(load_story(orchard))}
    chapter = (orchard / "one.yaml").read_text(encoding="utf-8")
    head, choices = chapter.split("    choices:\n", 1)
    items = re.split(r"(?m)^(?=      - id: )", choices)
    (orchard / "one.yaml").write_text(head + "    choices:\n" + "".join(reversed(items[1:])), encoding="utf-8")
    story = load_story(orchard)
    assert [c.id for c in story.scenes["gate"].choices] == ["leave", "open", "key", "pick"]
    assert {e.key: e.source for e in story_strings(story)} == before
    spanish = translate_story(story, "es")
    assert next(c.label.source for c in spanish.scenes["gate"].choices) == "Volver a casa"


# -- extract and update -------------------------------------------------------------------


def test_extract_writes_a_template_msgfmt_accepts(tmp_path, capsys):
    target = tmp_path / "orchard.pot"
    assert main(["i18n", "extract", str(ORCHARD), "-o", str(target)]) == 0
    with target.open("rb") as handle:
        catalog = read_po(handle)
    messages = {m.context: m for m in catalog if m.id}
    assert len(messages) == 34  # the gate's text is two paragraphs
    text = messages["scene:road:text"]
    assert text.id == "The road runs on. Letters so far: {letters}." and text.string == ""
    assert text.locations == [("two.yaml", 7)]
    assert any("letters" in c for c in text.auto_comments)
    assert "python-brace-format" not in target.read_text(encoding="utf-8")
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(target)], check=True)


def test_update_creates_a_catalogue(tmp_path):
    story = tmp_path / "mini"
    shutil.copytree(ORCHARD, story)
    shutil.rmtree(story / "locale")
    assert main(["i18n", "update", str(story), "pt_BR"]) == 0
    text = (story / "locale" / "pt_BR.po").read_text(encoding="utf-8")
    assert 'msgctxt "scene:gate:title"\nmsgid "The Gate"\nmsgstr ""' in text
    assert "Language: pt_BR" in text


def test_update_marks_a_changed_english_string_fuzzy_and_keeps_the_old(orchard, capsys):
    chapter = orchard / "one.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("title: The Gate", "title: The Old Gate"),
                       encoding="utf-8")
    assert main(["i18n", "update", str(orchard), "es"]) == 0
    assert "1 stale" in capsys.readouterr().err
    text = po_of(orchard).read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "The Gate"\nmsgctxt "scene:gate:title"\nmsgid "The Old Gate"\n'
            'msgstr "La reja"') in text
    assert text.count("#, fuzzy") == 1  # the rest is untouched
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_of(orchard))], check=True)


def test_a_second_change_keeps_the_english_the_translation_was_made_from(orchard):
    """msgmerge keeps the '#|' of a string that is still fuzzy: the translator must compare
    with the English they translated, not with an intermediate wording nobody translated."""
    chapter = orchard / "one.yaml"
    for before, after in (("title: The Gate", "title: The Old Gate"), ("title: The Old Gate", "title: The Rusty Gate")):
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(before, after), encoding="utf-8")
        assert main(["i18n", "update", str(orchard), "es"]) == 0
    text = po_of(orchard).read_text(encoding="utf-8")
    assert ('#, fuzzy\n#| msgid "The Gate"\nmsgctxt "scene:gate:title"\nmsgid "The Rusty Gate"\n'
            'msgstr "La reja"') in text
    assert "The Old Gate" not in text


def test_update_keeps_removed_strings_as_obsolete(orchard):
    chapter = orchard / "two.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("text: Lights.", "text: Lights!"), encoding="utf-8")
    one = orchard / "one.yaml"
    one.write_text(one.read_text(encoding="utf-8").replace("  subtitle: Morning\n", ""), encoding="utf-8")
    assert main(["i18n", "update", str(orchard), "es"]) == 0
    text = po_of(orchard).read_text(encoding="utf-8")
    assert '#~ msgctxt "chapter:orchard:subtitle"\n#~ msgid "Morning"\n#~ msgstr "Mañana"' in text
    assert '#| msgid "Lights."\nmsgctxt "scene:city:text"\nmsgid "Lights!"\nmsgstr "Luces."' in text


# -- playing a translation ------------------------------------------------------------------


def test_translated_story_keeps_ids_stats_and_fingerprint(mini_story):
    spanish = translate_story(load_story(ORCHARD), "es")
    english = load_story(ORCHARD)
    assert spanish.fingerprint == english.fingerprint
    assert spanish.title == "El pequeño huerto"
    assert spanish.scenes["gate"].title == "La reja"
    assert spanish.stat("apples").label == "Manzanas" and spanish.stat("apples").group == "Habilidades"
    assert [s.name for s in spanish.stats] == [s.name for s in english.stats]
    assert list(spanish.scenes) == list(english.scenes)
    assert isinstance(spanish.scenes["gate"].text, Template)


def test_translated_templates_render_with_reordered_passages():
    from adventure.run import engine

    story = translate_story(load_story(ORCHARD), "es")
    state = engine.new_run(story, 1).state
    text = engine.scene_text(story, state)
    assert text == "La reja está cerrada con candado.\n\n¿Una reja? ¡Y Pepe frente a ella!"
    state = engine.take(story, state, "key").state
    assert engine.scene_text(story, state).startswith("La llave está tibia en tu mano.")


def test_a_missing_string_falls_back_to_english_alone_and_a_fuzzy_one_is_shown(orchard):
    set_translation(orchard, "scene:gate:title", "")
    path = po_of(orchard)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgctxt "choice:gate:pick:label"', '#, fuzzy\nmsgctxt "choice:gate:pick:label"'),
                    encoding="utf-8")
    story = translate_story(load_story(orchard), "es")
    assert story.scenes["gate"].title == "The Gate"
    assert story.scenes["gate"].choices[0].label.source == "Cortar una manzana"  # fuzzy: shown until reviewed
    assert story.scenes["gate"].choices[1].label.source == "Tomar la llave del poste"
    assert story.scenes["road"].title == "El camino"


def test_english_and_absent_languages_leave_the_story_alone(mini_story):
    assert translate_story(mini_story, "en") is mini_story
    assert translate_story(mini_story, "es") is mini_story  # the mini story has no catalogue


# -- located errors -------------------------------------------------------------------------


@pytest.mark.parametrize(("translation", "code", "needle"), [
    ("El camino sigue. Cartas: {letters", "MM702", "unclosed"),
    ("El camino sigue. Manzanas: {apples}.", "MM703", "reads stat 'apples'"),
    ("El camino sigue. Cartas: {letters * 2}.", "MM704", "shows {letters * 2}"),
    ("{if letters > 1}Cartas: {letters}.{end}", None, None),  # a condition on the same stat is fine
    # plural() with the translator's own words where the English needs no plural (the review's MM704)
    ('El camino sigue: {letters} {plural(letters, "carta", "cartas")}.', None, None),
    ("El camino sigue. Es tu {ordinal(letters)} carta.", None, None),  # an ordinal of a shown value
    ("El camino sigue. Cartas: {ordinal(letters * 2)}.", "MM704", "shows {ordinal(letters * 2)}"),
])
def test_translated_templates_are_checked_with_errors_in_the_po_file(orchard, capsys, translation, code, needle):
    set_translation(orchard, "scene:road:text", translation)
    status, data = check_json(capsys, orchard)
    if code is None:
        assert status == 0 and data["errors"] == []
        return
    assert status == 1 and data["ok"] is False
    (error,) = data["errors"]
    assert error["code"] == code and needle in error["message"]
    assert error["file"].endswith("locale/es.po")
    line = po_line(orchard, translation[:20])
    assert error["line"] == line
    shown = needle.removeprefix("shows {").removesuffix("}")  # MM704 points at the start of what it shows
    pointed = {"MM702": "{letters", "MM703": "apples", "MM704": shown.split("(")[0]}[code]
    assert error["column"] == len('msgstr "') + translation.index(pointed) + 1
    story = load_story(orchard)
    spanish = translate_story(story, "es")  # the bad string is English; the language still loads (issue 20)
    assert spanish.scenes["road"].text.source == story.scenes["road"].text.source
    assert spanish.scenes["gate"].choice("pick").label.source == "Cortar una manzana"


def test_a_long_wrapped_translation_locates_its_error_on_the_right_line(orchard, capsys):
    words = "palabra " * 30
    set_translation(orchard, "scene:road:text", words + "{apples}")
    _, data = check_json(capsys, orchard)
    (error,) = data["errors"]
    lines = po_of(orchard).read_text(encoding="utf-8").splitlines()
    assert "{apples}" in lines[error["line"] - 1]
    assert lines[error["line"] - 1][error["column"] - 1:].startswith("apples")


def test_a_broken_po_file_is_an_error_with_its_line(orchard, capsys):
    path = po_of(orchard)
    lines = path.read_text(encoding="utf-8").splitlines()
    bad = next(i for i, line in enumerate(lines) if line.startswith('msgid "Apples"'))
    lines[bad] = 'msgidd "Apples"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, data = check_json(capsys, orchard)
    assert status == 1
    (error,) = data["errors"]
    assert error["code"] == "MM701" and error["line"] == bad + 1


# -- check's counts -------------------------------------------------------------------------


def test_check_reports_a_complete_translation(capsys):
    status, data = check_json(capsys, ORCHARD)
    assert status == 0
    assert data["translations"] == {"es": {"total": 33, "translated": 33, "missing": 0, "stale": 0}}
    assert data["warnings"] == []


def test_an_edited_english_string_is_one_stale_string_at_its_po_line(orchard, capsys):
    chapter = orchard / "two.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("text: Warm light.", "text: Warm yellow light."),
                       encoding="utf-8")
    status, data = check_json(capsys, orchard)
    assert status == 0
    assert data["translations"]["es"] == {"total": 33, "translated": 32, "missing": 0, "stale": 1}
    (warning,) = data["warnings"]
    assert warning["code"] == "MM706" and "scene:house:text" in warning["message"]
    assert warning["file"].endswith("es.po") and warning["line"] == po_line(orchard, 'msgid "Warm light."')
    assert "two.yaml:" in warning["hint"]
    status, data = check_json(capsys, orchard, "--strict-translations")
    assert status == 1 and data["ok"] is False and data["errors"][0]["code"] == "MM706"


def test_missing_strings_are_counted_and_strict_makes_them_errors(orchard, capsys):
    set_translation(orchard, "ending:sky:title", "")
    set_translation(orchard, "stat:name:label", "")
    status, data = check_json(capsys, orchard)
    assert status == 0
    assert data["translations"]["es"] == {"total": 33, "translated": 31, "missing": 2, "stale": 0}
    assert sorted(w["code"] for w in data["warnings"]) == ["MM705", "MM705"]
    assert main(["check", str(orchard), "--strict-translations"]) == 1
    out = capsys.readouterr().out
    assert "error MM705" in out and "translation es" in out and "2 missing" in out


def test_check_human_report_counts_each_language(capsys):
    assert main(["check", str(ORCHARD)]) == 0
    out = capsys.readouterr().out
    assert "translation es" in out and "33 strings, 33 translated, 0 missing, 0 stale" in " ".join(out.split())


def test_unknown_keys_are_reported(orchard, capsys):
    path = po_of(orchard)
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgctxt "scene:gone:title"\nmsgid "Gone"\nmsgstr "Ido"\n',
                    encoding="utf-8")
    _, data = check_json(capsys, orchard)
    assert [w["code"] for w in data["warnings"]] == ["MM707"]


def test_check_translation_counts_directly():
    report = check_translation(load_story(ORCHARD), "es")
    assert report.counts.to_dict() == {"total": 33, "translated": 33, "missing": 0, "stale": 0}
    assert report.story is not None and report.story.title == "El pequeño huerto"


def test_random_outcomes_and_presentation_words_are_translatable(orchard):
    two = orchard / "two.yaml"
    two.write_text(two.read_text(encoding="utf-8").replace(
        "            - {weight: 1, scene: house}",
        "            - {weight: 1, scene: house, remember: The postman waved}"), encoding="utf-8")
    story_file = orchard / "story.yaml"
    story_file.write_text(story_file.read_text(encoding="utf-8").replace(
        "stats:\n", "presentation:\n  progress_label: Harvest\n  countdown_end: Away!\nstats:\n", 1), encoding="utf-8")
    one = orchard / "one.yaml"
    one.write_text(one.read_text(encoding="utf-8").replace("  subtitle: Morning\n", (
        "  subtitle: Morning\n  milestone:\n    title: Through the gate\n    needs:\n"
        "      - {label: \"Apples {apples} of 2\", if: \"apples >= 2\"}\n"
        "      - {label: The key, if: has_key}\n")), encoding="utf-8")
    story = load_story(orchard)
    keys = {e.key: e for e in story_strings(story)}
    assert keys["chapter:orchard:milestone:title"].source == "Through the gate"
    need = keys["chapter:orchard:milestone:need[apples >= 2]:label"]
    assert (need.file, need.line, need.stats) == ("one.yaml", 8, ("apples",))
    assert "chapter:orchard:milestone:need[has_key]:label" in keys
    outcome = keys["choice:road:wait:outcome:scene-house:remember"]
    assert outcome.source == "The postman waved" and outcome.file == "two.yaml"
    assert keys["presentation:progress_label"].source == "Harvest"
    assert "presentation:progress_sentence" not in keys  # not written: the program's own default
    assert main(["i18n", "update", str(orchard), "es"]) == 0
    set_translation(orchard, "choice:road:wait:outcome:scene-house:remember", "El cartero saludó")
    set_translation(orchard, "presentation:progress_label", "Cosecha")
    set_translation(orchard, "chapter:orchard:milestone:need[apples >= 2]:label", "Manzanas: {apples} de 2")
    spanish = translate_story(load_story(orchard), "es")
    (wait,) = [c for c in spanish.scenes["road"].choices if c.id == "wait"]
    assert [t.remember for t in wait.goto.targets] == [None, "El cartero saludó"]
    assert spanish.presentation.progress_label == "Cosecha"
    assert spanish.presentation.countdown_end == "Away!"  # not translated yet: English
    (milestone,) = spanish.chapters[0].milestones
    assert milestone.title.source == "Through the gate"
    assert [n.label.source for n in milestone.needs] == ["Manzanas: {apples} de 2", "The key"]


def test_a_hostile_catalogue_cannot_reach_the_terminal(orchard, capsys):
    set_translation(orchard, "scene:gate:title", "La reja\x1b]0;pwned\x07")
    status, data = check_json(capsys, orchard)
    assert status == 1
    (error,) = data["errors"]
    assert error["code"] == "MM708" and "U+001B" in error["message"]
    assert "\x1b" not in json.dumps(data, ensure_ascii=False)
    assert translate_story(load_story(orchard), "es").scenes["gate"].title == "The Gate"  # English, not the escape


def test_extract_to_standard_output(capsysbinary):
    assert main(["i18n", "extract", str(ORCHARD)]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert 'msgctxt "scene:gate:title"\nmsgid "The Gate"\nmsgstr ""' in out


def test_update_refuses_a_bad_language_code_and_a_broken_catalogue(orchard, capsys):
    assert main(["i18n", "update", str(orchard), "../es"]) == 2
    assert "not a language code" in capsys.readouterr().err
    path = po_of(orchard)
    before = path.read_text(encoding="utf-8").replace('msgid "Apples"', 'msgidd "Apples"')
    path.write_text(before, encoding="utf-8")
    assert main(["i18n", "update", str(orchard), "es"]) == 1
    assert "MM701" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before  # a catalogue that cannot be read is never written over


def test_a_multi_line_old_english_survives_later_updates(orchard):
    """Regression: Babel wrote a multi-line previous msgid as one wrapped comment and read
    it back as a translator comment (``# | msgid "" "A gate…``), so the second update
    after an edit left garbage that msgfmt and Poedit could not read as the old English."""
    chapter = orchard / "one.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("A gate, and", "An old gate, and"),
                       encoding="utf-8")
    for _ in range(3):
        assert main(["i18n", "update", str(orchard), "es"]) == 0
    text = po_of(orchard).read_text(encoding="utf-8")
    assert "# |" not in text
    assert text.count("#| msgid \"\"\n#| \"A gate, and {name} in front of it.\\n\"\n") == 1
    with po_of(orchard).open("rb") as handle:
        from adventure.i18n.catalog import _take_previous

        gate = {m.context: m for m in _take_previous(read_po(handle)) if m.id}["scene:gate:text"]
    assert gate.fuzzy and gate.previous_id[0].startswith("A gate, and {name} in front of it.\n")
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_of(orchard))], check=True)


def test_a_renamed_choice_and_scene_keep_their_translations(orchard, capsys):
    """renamed_from carries translations: the old keys still name the same strings."""
    one = orchard / "one.yaml"
    text = one.read_text(encoding="utf-8")
    text = text.replace("      - id: pick\n", "      - id: harvest\n        renamed_from: [pick]\n", 1)
    text = text.replace("  - id: gate\n", "  - id: gateway\n    renamed_from: [gate]\n", 1)
    text = text.replace("goto: gate\n", "goto: gateway\n")
    one.write_text(text, encoding="utf-8")
    story_file = orchard / "story.yaml"
    story_file.write_text(story_file.read_text(encoding="utf-8").replace("start: gate", "start: gateway"),
                          encoding="utf-8")
    story = load_story(orchard, cache=False)
    report = check_translation(story, "es")
    assert not [d for d in report.warnings if d.code in ("MM705", "MM707") and ("gate" in d.message)]
    translated = translate_story(story, "es")
    assert translated.scenes["gateway"].choice("harvest").label.source == "Cortar una manzana"
    assert main(["i18n", "update", str(orchard), "es"]) == 0
    catalog = read_catalog(po_of(orchard), "es")
    moved = {m.context: m.string for m in catalog if m.context}
    assert moved["choice:gateway:harvest:label"] == "Cortar una manzana"
    assert "choice:gate:pick:label" not in moved


def test_a_translator_may_keep_a_stale_string_in_english_until_it_is_reviewed(orchard, capsys):
    """Issue 22 §6: showing a fuzzy translation is the default; the flag english-until-reviewed
    on one string is the translator's choice to show its English instead, and an update keeps it."""
    path = po_of(orchard)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgctxt "choice:gate:pick:label"',
                                 '#, fuzzy, english-until-reviewed\nmsgctxt "choice:gate:pick:label"')
                    .replace('msgctxt "choice:gate:key:label"', '#, fuzzy\nmsgctxt "choice:gate:key:label"'),
                    encoding="utf-8")
    story = translate_story(load_story(orchard), "es")
    assert story.scenes["gate"].choices[0].label.source == "Pick an apple"  # held: English until reviewed
    assert story.scenes["gate"].choices[1].label.source == "Tomar la llave del poste"  # fuzzy alone: shown
    chapter = orchard / "one.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("title: The Gate", "title: The Old Gate"),
                       encoding="utf-8")
    assert main(["i18n", "update", str(orchard), "es"]) == 0
    kept = path.read_text(encoding="utf-8")
    assert "english-until-reviewed" in kept.split('msgctxt "choice:gate:pick:label"')[0].rsplit("\n\n", 1)[-1]
    assert translate_story(load_story(orchard), "es").scenes["gate"].choices[0].label.source == "Pick an apple"
