"""The checker's holes an author hit (issue 20 §2), each a story next to what must be reported."""

from __future__ import annotations

from pathlib import Path

from storybuilder import CHAPTER, STORY, write_story

from adventure.cli import main
from adventure.story.loader import check_story

COMPUTED = STORY.replace(
    '  name: {type: text, initial: "Ana", label: Name}\n',
    '  night: {type: int, initial: "0", min: 0, max: 9, label: Night}\n'
    '  days: {type: int, compute: "night * 3", min: 0, max: 27, label: Days, show: true}\n'
    '  name: {type: text, initial: "Ana", label: Name}\n',
)  # the broken stat's placeholder slot was the last one: a text stat, so night * 3 failed


def test_a_quoted_initial_read_by_a_computed_stat_is_a_located_error(tmp_path: Path, capsys) -> None:
    story = write_story(tmp_path / "s", COMPUTED)
    report = check_story(story, cache=False)
    assert [(d.code, d.line) for d in report.errors] == [("MM204", 10)], [str(d) for d in report.errors]
    assert "initial value of stat 'night' must be a whole number" in report.errors[0].message
    assert main(["check", str(story)]) == 1
    out = capsys.readouterr()
    assert "internal error" not in out.out + out.err and "MM204" in out.out


def test_a_condition_the_ranges_never_allow_is_reported_at_load_with_the_range(tmp_path: Path) -> None:
    chapter = CHAPTER.replace('if: "skill >= 2"', 'if: "brave and skill >= 4"')
    report = check_story(write_story(tmp_path / "s", chapter=chapter), cache=False)
    found = [d for d in report.warnings if d.code == "MM266"]
    assert len(found) == 1, [str(d) for d in report.warnings]
    assert (Path(found[0].file).name, found[0].line) == ("one.yaml", 16)
    assert "`skill >= 4` is false for every value in range (skill is 0..3)" in found[0].message
    possible = CHAPTER.replace('if: "skill >= 2"', 'if: "skill >= 3 or skill + 1 > 3"')
    assert not [d for d in check_story(write_story(tmp_path / "t", chapter=possible), cache=False).warnings
                if d.code == "MM266"]


def test_a_progress_formula_that_can_pass_100_is_flagged(tmp_path: Path) -> None:
    story = STORY.replace("chapters:\n", 'progress: "skill * 40"\nchapters:\n')
    report = check_story(write_story(tmp_path / "s", story), cache=False)
    found = [d for d in report.warnings if d.code == "MM267"]
    assert len(found) == 1 and found[0].line == 5
    assert "'progress' can reach 120 (skill up to 3)" in found[0].message
    fine = STORY.replace("chapters:\n", 'progress: "skill * 33 + 1"\nchapters:\n')
    assert not [d for d in check_story(write_story(tmp_path / "t", fine), cache=False).warnings if d.code == "MM267"]


def test_a_chapter_file_left_out_of_chapters_is_noticed(tmp_path: Path) -> None:
    chapter = CHAPTER.replace("        ending: done\n", "        goto: epilogue\n")
    epilogue = """\
    chapter:
      id: two
      title: Two
    scenes:
      - id: epilogue
        title: Epilogue
        text: After.
        choices:
          - id: end
            label: End
            ending: done
    """
    report = check_story(write_story(tmp_path / "s", chapter=chapter, **{"04-epilogue__yaml": epilogue}), cache=False)
    found = [d for d in report.errors if d.code == "MM402"]
    assert len(found) == 1
    assert found[0].hint == ("'epilogue' is a scene in 04-epilogue.yaml, which story.yaml does not list: "
                             "add '- 04-epilogue.yaml' under 'chapters'")


def test_a_missing_chapter_file_is_not_matched_to_a_file_already_listed(tmp_path: Path) -> None:
    story = STORY.replace("  - one.yaml\n", "  - 01-parade.yaml\n  - 03-armistice.yaml\n")
    report = check_story(write_story(tmp_path / "s", story, chapter=None, **{"01-parade__yaml": CHAPTER}), cache=False)
    found = [d for d in report.errors if d.code == "MM103"]
    assert len(found) == 1 and "01-parade" not in (found[0].hint or ""), str(found[0])


def test_the_default_explore_budget_scales_with_free_memory(monkeypatch) -> None:
    from adventure.analysis import explore

    monkeypatch.setattr(explore, "available_memory", lambda: 24 * 1024**3)
    assert explore.default_budget() == 2_000_000  # a normal story (450,157 states) fits
    monkeypatch.setattr(explore, "available_memory", lambda: 4 * 1024**3)
    assert 450_157 < explore.default_budget() < 2_000_000
    monkeypatch.setattr(explore, "available_memory", lambda: 256 * 1024**2)
    assert explore.default_budget() == 200_000
    monkeypatch.setattr(explore, "available_memory", lambda: None)
    assert explore.default_budget() == 200_000


def test_the_report_says_how_much_of_the_budget_a_search_used(capsys) -> None:
    import json

    assert main(["check", "--explore", "--max-states", "100000", "--json", "tests/fixtures/mini"]) == 0
    data = json.loads(capsys.readouterr().out)["explore"]
    assert data["max_states"] == 100_000 and data["budget_used"] == round(data["states"] / 100_000, 4)
    main(["check", "--explore", "--max-states", "100000", "tests/fixtures/mini"])
    assert "of the budget of 100,000 states" in " ".join(capsys.readouterr().out.split())


HUB = CHAPTER.replace('''        if: "skill >= 2"
        ending: done''', '''        if: "skill >= 2"
        canon: true
        ending: done''')


def test_a_canon_choice_counts_as_a_deviation_only_where_it_was_open(tmp_path: Path) -> None:
    from adventure.run import engine
    from adventure.run.divergence import closed, divergences
    from adventure.story.loader import load_story
    from adventure.ui.render import true_path_summary

    story = load_story(write_story(tmp_path / "s", chapter=HUB), cache=False)
    state = engine.new_run(story, seed=1).state
    for choice in ("train", "train", "finish"):  # the canon 'finish' is locked on the first two visits
        state = engine.take(story, state, choice).state
    assert divergences(story, state) == () and closed(story, state) == ()
    text = " ".join(str(getattr(r, "plain", "")) for r in true_path_summary(story, state, plain=True))
    assert "You took the true path at every key decision." in text
    assert "locked then" not in text


def test_a_sandbox_summary_says_it_started_mid_story(tmp_path: Path, monkeypatch, capsys) -> None:
    import io
    import sys

    canon = Path(__file__).parent / "fixtures" / "canon"
    monkeypatch.setattr(sys, "stdin", io.StringIO("#sit\n#walk\n"))
    code = main(["play", "--plain", "--scenes", str(canon), "--save-dir", str(tmp_path), "--seed", "1",
                 "--start", "exam", "--set", "skill=3", "--set", "settled=true"])
    out = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "A sandbox run: it started mid-story, at “The Exam”; the changes below count from there." in out
    assert "Skill: 3" in out and "Skill: 0 → 3" not in out
    assert "Since the sandbox start, you took the true path at every key decision." in out
    assert "You took the true path at every key decision." not in out


def _bad_spanish(tmp_path: Path) -> Path:
    import shutil

    orchard = Path(shutil.copytree(Path(__file__).parent / "fixtures" / "orchard", tmp_path / "orchard"))
    po = orchard / "locale" / "es.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Cortar una manzana"' in text
    po.write_text(text.replace('msgstr "Cortar una manzana"', 'msgstr "Cortar {apples * 2} manzanas"'),
                  encoding="utf-8")
    return orchard


def test_one_bad_translated_string_falls_back_to_english_in_play(tmp_path: Path, monkeypatch, capsys) -> None:
    import io
    import sys

    orchard = _bad_spanish(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(["play", "--plain", "--no-save", "--lang", "es", "--scenes", str(orchard), "--seed", "1"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Pick an apple" in out.out  # the bad string, in English
    assert "Tomar la llave del poste" in out.out or "Abrir la reja" in out.out  # the others, in Spanish
    assert "failed to load" not in out.out + out.err


def test_check_never_says_valid_above_a_translation_error(tmp_path: Path, capsys) -> None:
    orchard = _bad_spanish(tmp_path)
    assert main(["check", str(orchard)]) == 1
    out = capsys.readouterr().out
    assert "MM703" in out and "valid —" not in out
    assert out.rindex("✗ ") > out.rindex("MM703")  # the verdict comes last
    assert "the story is valid, but its translations have 1 error (those strings show in English)" in " ".join(out.split())
