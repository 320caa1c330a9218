"""The documentation's complete example must load and be playable to its true ending."""

from __future__ import annotations

import re
from pathlib import Path

from adventure import engine
from adventure.story.loader import check_story

DOC = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"


def example_files() -> dict[str, str]:
    blocks = re.findall(r"```yaml\n# file: (\S+)\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    return {name: body for name, body in blocks}


def test_complete_example_loads_without_warnings(tmp_path: Path) -> None:
    files = example_files()
    assert set(files) == {"story.yaml", "harvest.yaml"}
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    report = check_story(tmp_path)
    assert report.ok, [str(e) for e in report.errors]
    assert report.warnings == []
    story = report.story
    state = engine.new_run(story, seed=1).state
    for choice in ["study", "pick", "pick", "pick", "pick", "pick", "ask"]:
        state = engine.take(story, state, choice).state
    assert state.ending == "school"
    assert engine.ending_text(story, state).startswith("You go back to Ms. Young's class with 5 rows")


def test_the_spanish_catalogue_of_the_example_loads(tmp_path: Path) -> None:
    from adventure.i18n.translate import check_translation

    for name, body in example_files().items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    (catalogue,) = re.findall(r"```po\n# file: locale/es.po\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    (tmp_path / "locale").mkdir()
    (tmp_path / "locale" / "es.po").write_text(catalogue, encoding="utf-8")
    story = check_story(tmp_path).story
    assert story is not None
    report = check_translation(story, "es")
    assert report.errors == [], [str(e) for e in report.errors]
    assert report.counts.translated == 4 and report.counts.missing == report.counts.total - 4
    spanish = report.story
    assert spanish is not None
    state = engine.new_run(spanish, seed=1).state
    state = engine.take(spanish, state, "study").state
    assert engine.scene_text(spanish, state).startswith("Los números de anoche")
    assert [o.label for o in engine.offers(spanish, state)][0] == "Pizcar otro surco"
    for choice in ["pick", "pick", "pick", "pick", "pick", "ask"]:
        state = engine.take(spanish, state, choice).state
    assert engine.ending_text(spanish, state) == (
        "Vuelves al salón de la maestra Young con unos ahorros y 5 surcos a tus espaldas.")
