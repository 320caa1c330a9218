"""The loader: one test per kind of error, each asserting code, location and message."""

from __future__ import annotations

from pathlib import Path

import pytest
from storybuilder import CHAPTER, STORY, write_story

from adventure.base.errors import StoryLoadError
from adventure.story.loader import check_story, load_story


def errors_of(tmp_path, story=STORY, chapter=CHAPTER, **files):
    report = check_story(write_story(tmp_path, story, chapter, **files))
    assert report.story is None, "expected the story to fail to load"
    return report.errors


def only(errors, code):
    found = [e for e in errors if e.code == code]
    assert found, f"no {code} in {[str(e) for e in errors]}"
    assert all(e.hint for e in errors), "every error carries a hint"
    return found[0]


def test_valid_tiny_story_loads(tmp_path):
    story = load_story(write_story(tmp_path))
    assert story.id == "tiny"
    assert list(story.scenes) == ["a"]
    assert story.stat_names == ("skill", "brave", "name")
    assert story.scenes["a"].choices[1].condition is not None


def test_invalid_yaml_is_located(tmp_path):
    chapter = CHAPTER.replace("    title: A\n", "    title: A: B\n")
    error = only(errors_of(tmp_path, chapter=chapter), "MM101")
    assert error.file.endswith("one.yaml")
    assert (error.line, error.column) == (6, 13)
    assert "did not expect a 'key:' here" in error.message and "mapping values" not in error.message
    assert error.source_line == "    title: A: B"


def test_not_utf8_names_line_and_column(tmp_path):
    write_story(tmp_path)
    (tmp_path / "one.yaml").write_bytes(CHAPTER.encode().replace(b"Scene A", b"Sc\xe9ne A"))
    error = only(check_story(tmp_path).errors, "MM102")
    assert (error.line, error.column) == (7, 13)
    assert "not UTF-8" in error.message


def test_missing_story_file(tmp_path):
    tmp_path.joinpath("x").mkdir()
    error = only(check_story(tmp_path / "x").errors, "MM103")
    assert "no story.yaml" in error.message


def test_a_missing_chapter_is_never_pointed_at_story_yaml(tmp_path):
    """'storm.yaml' not found: story.yaml is the story's own file, never the chapter meant."""
    error = only(errors_of(tmp_path, story=STORY.replace("one.yaml", "storm.yaml")), "MM103")
    assert "story.yaml'?" not in (error.hint or ""), error.hint


def test_empty_story_file(tmp_path):
    error = only(errors_of(tmp_path, story="# nothing here\n"), "MM103")
    assert "empty" in error.message


def test_missing_chapter_file_suggests_the_close_name(tmp_path):
    error = only(errors_of(tmp_path, story=STORY.replace("one.yaml", "onee.yaml")), "MM103")
    assert "onee.yaml" in error.message
    assert error.hint == "did you mean 'one.yaml'?"
    assert error.line == 6


def test_duplicate_key(tmp_path):
    chapter = CHAPTER.replace("    title: A\n", "    title: A\n    title: B\n")
    error = only(errors_of(tmp_path, chapter=chapter), "MM104")
    assert (error.line, error.column) == (7, 5)
    assert "duplicate key 'title' (first written at line 6)" in error.message


def test_yaml11_boolean_where_text_was_meant(tmp_path):
    chapter = CHAPTER.replace("label: Train", "label: no")
    error = only(errors_of(tmp_path, chapter=chapter), "MM105")
    assert error.line == 10
    assert "read by YAML as a boolean" in error.message
    assert error.hint and '"no"' in error.hint


def test_yaml11_boolean_key(tmp_path):
    chapter = CHAPTER.replace("    title: A\n", "    title: A\n    yes: 1\n")
    error = only(errors_of(tmp_path, chapter=chapter), "MM105")
    assert "key 'yes'" in error.message


def test_sexagesimal_number_is_caught(tmp_path):
    story = STORY.replace("  brave:", "  clock: {type: text, initial: 1:30, label: Clock}\n  brave:")
    errors = errors_of(tmp_path, story=story)
    assert any(e.code in {"MM105", "MM204"} and e.line == 9 for e in errors)


def test_aliases_are_refused(tmp_path):
    chapter = CHAPTER.replace("    title: A\n", "    title: &t A\n    text: *t\n").replace(
        "    text: Scene A, skill {skill}.\n", "", 1)
    error = only(errors_of(tmp_path, chapter=chapter), "MM106")
    assert "aliases" in error.message


def test_billion_laughs_is_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n"
        for i in range(8))
    errors = errors_of(tmp_path, chapter=bomb)  # refused at the first alias: the walk stays linear
    assert any(e.code == "MM106" for e in errors)


def test_python_tags_are_refused(tmp_path):
    chapter = CHAPTER.replace("    title: A\n", "    title: !!python/object/apply:os.system ['true']\n")
    errors = errors_of(tmp_path, chapter=chapter)
    assert [(e.code, e.line) for e in errors] == [("MM107", 6)]


def test_wrong_structure(tmp_path):
    error = only(errors_of(tmp_path, chapter="- just\n- a list\n"), "MM201")
    assert "chapter file must be a mapping" in error.message


def test_unknown_key_suggests(tmp_path):
    chapter = CHAPTER.replace("label: Train", "lable: Train")
    errors = errors_of(tmp_path, chapter=chapter)
    error = only(errors, "MM202")
    assert (error.line, error.column) == (10, 9)
    assert error.message == "unknown key 'lable' in choice 'train' in scene 'a'"
    assert error.hint == "did you mean 'label'?"
    assert not [e for e in errors if e.code == "MM203"], "the misspelling is reported once, as MM202"


def test_missing_required_key(tmp_path):
    chapter = CHAPTER.replace("    title: A\n", "")
    error = only(errors_of(tmp_path, chapter=chapter), "MM203")
    assert error.message == "scene 'a' is missing required key 'title'"
    assert error.line == 5


def test_wrong_type(tmp_path):
    chapter = CHAPTER.replace("    choices:\n", "    choices: 3\n    unused:\n", 1)
    errors = errors_of(tmp_path, chapter=chapter)
    error = only(errors, "MM204")
    assert error.message == "'choices' of scene 'a' must be a list, found a number (3)"


def test_bad_id(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace("id: train", "id: 'two words'")), "MM205")
    assert "'two words' is not a valid id" in error.message


def test_initial_out_of_range(tmp_path):
    error = only(errors_of(tmp_path, story=STORY.replace("initial: 0, min: 0", "initial: 9, min: 0")), "MM206")
    assert error.message == "initial value 9 of stat 'skill' is outside 0..3"


def test_duplicate_scene_and_choice_ids(tmp_path):
    chapter = CHAPTER + CHAPTER.split("scenes:\n", 1)[1]
    errors = errors_of(tmp_path, chapter=chapter.replace("id: finish", "id: train", 1))
    messages = [e.message for e in errors if e.code == "MM208"]
    assert any(m.startswith("duplicate choice id 'train' in scene 'a'") for m in messages)
    assert any(m.startswith("duplicate scene id 'a'") for m in messages)


def test_scene_without_choices(tmp_path):
    chapter = CHAPTER.split("    choices:\n")[0] + "    choices: []\n"
    error = only(errors_of(tmp_path, chapter=chapter), "MM209")
    assert error.message == "scene 'a' has no choices"


def test_conditional_targets_need_a_fallback(tmp_path):
    chapter = CHAPTER.replace("        goto: a\n", "        goto:\n          - if: brave\n            scene: a\n")
    error = only(errors_of(tmp_path, chapter=chapter), "MM210")
    assert "last target" in error.message


def test_goto_and_ending_together(tmp_path):
    chapter = CHAPTER.replace("        ending: done\n", "        ending: done\n        goto: a\n")
    assert only(errors_of(tmp_path, chapter=chapter), "MM211")


def test_unknown_effect_operation(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace("- add:", "- multiply:")), "MM212")
    assert error.line == 12


def test_unsupported_format(tmp_path):
    error = only(errors_of(tmp_path, story=STORY.replace("format: 1", "format: 7")), "MM213")
    assert error.message == "unsupported story format 7"


def test_expression_syntax_error_points_into_the_expression(tmp_path):
    chapter = CHAPTER.replace('if: "skill >= 2"', 'if: "skill => 2"')
    error = only(errors_of(tmp_path, chapter=chapter), "MM301")
    assert error.line == 16
    assert error.column == 14 + len("skill ")


def test_comparing_bool_with_number_is_a_type_error(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace('"skill >= 2"', '"brave >= 2"')), "MM302")
    assert error.line == 16


def test_unknown_stat_in_condition_suggests(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace('"skill >= 2"', '"skil >= 2"')), "MM303")
    assert "skil" in error.message
    assert error.hint and "skill" in error.hint


def test_template_error(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace("skill {skill}.", "skill {if skill}.")), "MM310")
    assert error.line == 7


def test_unknown_stat_in_effect(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace("add: {skill: 1}", "add: {skil: 1}")), "MM401")
    assert error.message == "unknown stat 'skil' in choice 'train' in scene 'a'"
    assert error.hint == "did you mean 'skill'?"


def test_unknown_scene_reference(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace("goto: a", "goto: b")), "MM402")
    assert error.message == "no scene called 'b'"
    assert (error.line, error.column) == (13, 15)


def test_unknown_ending_reference(tmp_path):
    error = only(errors_of(tmp_path, chapter=CHAPTER.replace("ending: done", "ending: dome")), "MM403")
    assert error.hint == "did you mean 'done'?"


def test_errors_are_collected_not_stopped_at_first(tmp_path):
    chapter = CHAPTER.replace("goto: a", "goto: b").replace("ending: done", "ending: x").replace("label: Train", "lable: Train")
    codes = {e.code for e in errors_of(tmp_path, chapter=chapter)}
    assert {"MM202", "MM402", "MM403"} <= codes


def test_error_count_is_capped_per_file(tmp_path):
    scenes = "".join(f"  - id: s{i}\n    title: S\n    text: T\n    choices:\n      - id: c\n        label: L\n"
                     f"        goto: nowhere{i}\n" for i in range(120))
    errors = errors_of(tmp_path, chapter="chapter: {id: one, title: One}\nscenes:\n" + scenes)
    assert len([e for e in errors if e.file.endswith("one.yaml")]) == 50


def test_hostile_expression_is_a_load_error_not_a_hang(tmp_path):
    errors = errors_of(tmp_path, chapter=CHAPTER.replace('"skill >= 2"', '"' + "(" * 5000 + '"'))
    assert "too long" in only(errors, "MM301").message


def test_warnings_for_unused_scene_ending_and_stat(tmp_path):
    story = STORY.replace("endings:\n", "endings:\n  - {id: spare, title: Spare, text: x}\n").replace(
        "  brave:", "  idle: {type: int, initial: 0, min: 0, max: 1}\n  brave:")
    chapter = CHAPTER + "  - id: orphan\n    title: O\n    text: o\n    choices:\n      - {id: back, label: Back, goto: a}\n"
    report = check_story(write_story(tmp_path, story, chapter))
    assert report.ok
    codes = {(w.code, w.message.split("'")[1]) for w in report.warnings}
    assert {("MM250", "orphan"), ("MM251", "spare"), ("MM252", "idle")} <= codes


def test_load_story_raises_typed_error_with_all_diagnostics(tmp_path):
    write_story(tmp_path, chapter=CHAPTER.replace("goto: a", "goto: b"))
    with pytest.raises(StoryLoadError) as info:
        load_story(tmp_path)
    assert info.value.diagnostics[0].code == "MM402"


def test_fingerprint_changes_with_content(tmp_path):
    first = load_story(write_story(tmp_path / "a")).fingerprint
    second = load_story(write_story(tmp_path / "b", chapter=CHAPTER.replace("Scene A", "Scene Á"))).fingerprint
    assert first != second
    assert first == load_story(write_story(tmp_path / "c")).fingerprint


@pytest.mark.parametrize("text", [
    "a: " + "[" * 100_000,
    "a:\n" + "".join(" " * i + "- x:\n" for i in range(0, 3000, 2)),
    "- " * 50_000 + "x",
])
def test_deep_nesting_is_an_error_not_a_crash(tmp_path, text):
    """Regression: libyaml's C composer segfaulted on files nested thousands deep."""
    error = only(errors_of(tmp_path, chapter=text), "MM101")
    assert "too deep" in error.message


COMPUTED = STORY.replace("  brave:", '  double: {type: int, compute: "skill * 2 + 1", min: 0, max: 6, label: Double, show: true}\n  brave:')


def test_computed_stat_follows_its_formula(tmp_path):
    from adventure.run import engine

    story = load_story(write_story(tmp_path, story=COMPUTED))
    state = engine.new_run(story, 1).state
    assert engine.value(story, state, "double") == 1
    for expected in (3, 5, 6):  # clamped at its max
        state = engine.take(story, state, "train").state
        assert engine.value(story, state, "double") == expected
    assert story.stat("double").computed and not story.stat("skill").computed


@pytest.mark.parametrize("story, chapter, message", [
    (COMPUTED, CHAPTER.replace("add: {skill: 1}", "add: {double: 1}"),
     "stat 'double' is computed and cannot be changed by an effect"),
    (COMPUTED.replace("  brave:", '  triple: {type: int, compute: "double", min: 0, max: 9}\n  brave:'), CHAPTER,
     "computed stat 'triple' reads computed stat 'double'"),
    (COMPUTED.replace('compute: "skill', 'initial: 0, compute: "skill'), CHAPTER,
     "computed stat 'double' cannot also have an initial value"),
])
def test_computed_stat_errors(tmp_path, story, chapter, message):
    error = only(errors_of(tmp_path, story=story, chapter=chapter), "MM206")
    assert error.message == message


def test_computed_stat_formula_is_type_checked(tmp_path):
    error = only(errors_of(tmp_path, story=COMPUTED.replace('"skill * 2 + 1"', '"skil * 2"')), "MM303")
    assert error.line == 9


def test_an_overlay_stands_for_files_on_disk_and_a_memo_skips_unchanged_parses(tmp_path):
    """The language server's load: unsaved buffers over the folder, unchanged files parsed once."""
    import shutil

    from adventure.story.loader import check_story

    story = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "mini", tmp_path / "mini"))
    one = (story / "one.yaml").read_text(encoding="utf-8")
    memo: dict = {}
    broken = check_story(story, overlay={"one.yaml": one.replace("goto: gate\n", "goto: gaet\n", 1)}, memo=memo)
    assert [d.code for d in broken.errors] == ["MM402"] and broken.errors[0].file == str(story / "one.yaml")
    assert (story / "one.yaml").read_text(encoding="utf-8") == one  # nothing written
    parsed = dict(memo)
    fixed = check_story(story, overlay={"one.yaml": one}, memo=memo)
    assert fixed.ok
    two_key = next(k for k in parsed if k[0].endswith("two.yaml"))
    assert memo[two_key] is parsed[two_key]  # the unchanged file was not parsed again
    huge = check_story(story, overlay={"one.yaml": "#" * (5 * 1024 * 1024)})
    assert [d.code for d in huge.errors] == ["MM108"]
