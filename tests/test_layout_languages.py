"""The layout holds for the longest language: golden screens in English and Spanish at 40, 80 and 120 columns.

The Spanish review's L1-L7: the status panel fell from 3 columns to 2 at 100 columns, labels
wrapped at 40 ("Confianza de la / familia"), the "Siguiente:" line lost a requirement
("✓ Rus…"), the progress bar kept 9 cells behind "Plataforma de lanzamiento", and the ending
menu wrapped into two parentheses in a row. Each screen is drawn with the program's own
console (:func:`adventure.ui.console.make_console`) on the shipped story, in the states the
review played. ``UPDATE_GOLDEN=1`` rewrites the files after a deliberate change.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import RenderableType

from adventure.base.messages import use_language
from adventure.i18n.translate import translate_story
from adventure.play.session import Session
from adventure.run import engine
from adventure.run.milestone import next_milestone
from adventure.story.compiled import compiled
from adventure.ui import render
from adventure.ui.console import make_console
from adventure.ui.play import Game
from adventure.ui.prompt import lines_reader

GOLDEN = Path(__file__).resolve().parent / "golden" / "layout"
WIDTHS = (40, 80, 120)
LANGUAGES = ("en", "es")
SCREENS = ("status", "next", "progress", "ending-menu", "chapter-card")
SKILLS_AT_2 = {name: 2 for name in ("maths", "engineering", "piloting", "diving", "fitness", "russian", "teamwork")}
"""L3's state: chapter 5 with every skill at 2 (and trust 6), five needs met."""


@pytest.fixture(scope="module")
def stories(shipped_story):
    return {"en": shipped_story, "es": translate_story(shipped_story, "es")}


def at(story, scene: str, **values: object):
    return engine.start_at(story, 3, engine.Start(scene, tuple(values.items()))).state


def drawn(renderable: RenderableType, width: int) -> str:
    console = make_console(width=width, file=io.StringIO())
    console.record = True  # Rich's recording: the text exactly as laid out, without colour codes
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def ending_menu(story) -> RenderableType:
    """The ending menu of a run inside its second chapter (so option 2 names the chapter)."""
    game = Game(Session.new(story, 3), make_console(file=io.StringIO()), lines_reader([]))
    game.session.state = at(story, "eng_degree")
    game.session.chapter_start = lambda: 5  # type: ignore[method-assign]
    return game._ending_choices(game.ending_options())


def screen(story, name: str) -> RenderableType:
    if name == "status":  # L1/L2: 100 columns, had_list, trust 6
        return render.status_panel(story, at(story, "had_list", trust=6))
    if name == "next":  # L3/L5: the compact line, with the status hidden
        view = next_milestone(story, at(story, "person_kitchen", **SKILLS_AT_2, trust=6))
        first = next_milestone(story, at(story, "fields_rows"))
        assert view is not None and first is not None
        return render.Group(render.MilestoneLine(view), render.MilestoneLine(first))
    if name == "progress":  # L6
        return render.progress_line(story, at(story, "fields_rows"))
    if name == "ending-menu":  # L7
        return ending_menu(story)
    return render.chapter_card(story, story.scenes["eng_degree"].chapter)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", SCREENS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_golden(stories, language, name, width):
    use_language(language)
    text = drawn(screen(stories[language], name), width)
    path = GOLDEN / f"{language}-{name}-{width}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
    assert all(len(line) <= width for line in text.splitlines())


# -- what the goldens show, said as properties (so a regenerated golden cannot hide a break) -------


def body_rows(text: str) -> int:
    """The status panel's stat rows: the lines before the blank line above 'Next'."""
    inner = [line for line in text.splitlines()[1:-1]]
    return next(i for i, line in enumerate(inner) if not line.strip("│ "))


@pytest.mark.parametrize("width", [100, 120])
def test_spanish_status_keeps_the_english_columns(stories, width):
    use_language("en")
    english = body_rows(drawn(screen(stories["en"], "status"), width))
    use_language("es")
    spanish = drawn(screen(stories["es"], "status"), width)
    assert body_rows(spanish) == english == 8  # three columns: General, Familia, Habilidades (7 and its title)
    assert any("Familia" in line and "Habilidades" in line for line in spanish.splitlines())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_no_status_label_wraps(stories, language, width):
    use_language(language)
    story = stories[language]
    state = at(story, "had_list", trust=6)
    text = drawn(render.status_panel(story, state), width)
    for stat in story.stats:
        if compiled(story).shown(stat, state.values):
            assert any(stat.label in line for line in text.splitlines()), (stat.label, text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
def test_the_next_line_keeps_every_need_whole(stories, language, width):
    use_language(language)
    story = stories[language]
    for scene, values in [("person_kitchen", {**SKILLS_AT_2, "trust": 6}), ("fields_rows", {}),
                          ("had_list", {"trust": 6})]:
        view = next_milestone(story, at(story, scene, **values))
        assert view is not None
        text = drawn(render.MilestoneLine(view), width)
        assert "…" not in text
        lines = text.splitlines()
        for need in view.needs:  # each need whole: on one line when it fits in one
            if len(need.label) + 4 <= width:
                assert any(need.label in line for line in lines), (need.label, text)
            else:
                assert need.label in " ".join(text.split()), (need.label, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_progress_bar_keeps_room_at_40_columns(stories, language):
    use_language(language)
    text = drawn(screen(stories[language], "progress"), 40)
    assert text.count("░") + text.count("█") >= render.ProgressLine.MIN_CELLS
    assert stories[language].presentation.progress_label in text


@pytest.mark.parametrize("width", WIDTHS)
def test_the_ending_menu_never_puts_two_asides_in_a_row(stories, width):
    use_language("es")
    text = drawn(screen(stories["es"], "ending-menu"), width)
    assert "(capítulo)" not in text and ")  (" not in text
    assert "(El ingeniero)" in " ".join(text.split())
    lines = [line for line in text.splitlines() if line.strip()]
    assert any(line.startswith("  2. capítulo") for line in lines)


def _exhaustive_layout(panel: render.StatusPanel, console, options, groups, meters: bool):
    """The status panel's layout as first written: measure every split at every meter size, keep the best."""
    room = options.max_width - 4
    best = None
    for meter in [*(render.METER_SIZES if meters else ()), None]:
        if meter is None and best is not None:
            break
        for split in render._splits(len(groups)):
            columns = [panel._table(groups[a:b], meter) for a, b in split]
            widths = [console.measure(c, options=options).maximum for c in columns]
            if sum(widths) + 3 * (len(columns) - 1) > room:
                continue
            height = max(sum(len(stats) + (name is not None) for name, stats in groups[a:b]) for a, b in split)
            if best is None or height < best[0]:
                best = (height, panel._grid(columns))
    return best[1] if best is not None else panel._table(groups, None)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_status_layout_measures_shortest_first_and_picks_what_the_exhaustive_search_picks(
        stories, language, monkeypatch):
    """Trying layouts shortest first finds the layout of measuring them all, at every width, measuring less."""
    use_language(language)
    story = stories[language]
    states = [at(story, "had_list", trust=6), at(story, "person_kitchen", **SKILLS_AT_2, trust=6),
              engine.new_run(story, 1).state]
    measured = []
    original = render.StatusPanel._table

    def counted(self, groups, meter):
        measured.append((len(groups), meter))
        return original(self, groups, meter)

    for state in states:
        for width in range(36, 131, 7):
            fast = drawn(render.status_panel(story, state), width)
            monkeypatch.setattr(render.StatusPanel, "_columns", _exhaustive_layout)
            slow = drawn(render.status_panel(story, state), width)
            monkeypatch.undo()
            assert fast == slow, (width, fast, slow)
    monkeypatch.setattr(render.StatusPanel, "_table", counted)
    drawn(render.status_panel(story, states[0]), 120)
    shortest_first = len(measured)
    measured.clear()
    monkeypatch.setattr(render.StatusPanel, "_columns", _exhaustive_layout)
    drawn(render.status_panel(story, states[0]), 120)
    assert shortest_first * 2 < len(measured)  # e.g. 6 tables (3 measured, 3 drawn) against 24
