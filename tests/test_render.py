"""Golden renderings of the key screens at 40, 80 and 120 columns, and in plain mode.

Each screen is rendered from the fixture story into a recording console with no colour
and compared line by line (trailing spaces stripped: Rich pads table rows to the width).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Group
from rich.text import Text

from adventure.run import engine
from adventure.run.engine import StatChanged
from adventure.story.loader import load_story
from adventure.ui import render
from adventure.ui.console import make_console

SKY_PATH = ("key", "pick", "pick", "open", "wait", "wait", "wait", "run", "fly")
"""With seed 3 the three draws on the road stay on the road: the true ending."""


def rendered(renderable, width: int = 80, **console_options) -> str:
    console = make_console(file=io.StringIO(), width=width, color_system=None, force_terminal=False, **console_options)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"


@pytest.fixture(scope="module")
def states(mini_story):
    start = engine.new_run(mini_story, 3).state
    gate = engine.take(mini_story, start, "pick").state
    sky = start
    for choice in SKY_PATH:
        sky = engine.take(mini_story, sky, choice).state
    assert sky.ending == "sky"
    return {"start": start, "gate": gate, "sky": sky}


def screen(story, states, name: str, plain: bool):
    gate = states["gate"]
    if name == "title":
        return render.title_screen(story, plain=plain)
    if name == "scene":
        return Group(render.scene_panel(story, gate, plain=plain), render.progress_line(story, gate, plain=plain),
                     render.choice_list(engine.offers(story, gate), plain=plain))
    if name == "status":
        return render.status_panel(story, gate, plain=plain)
    return render.ending_screen(story, states["sky"], plain=plain)


GOLDEN = {
    ("title", 40): """\
╔══════════════════════════════════════╗
║          The Little Orchard          ║
║                                      ║
║   A text adventure in 2 chapters.    ║
║  Type a choice's number or part of   ║
║ its label. Type 'help' for commands. ║
╚══════════════════════════════════════╝
""",
    ("title", 80): """\
╔══════════════════════════════════════════════════════════════════════════════╗
║                                                                              ║
║                              The Little Orchard                              ║
║                                                                              ║
║                       A text adventure in 2 chapters.                        ║
║    Type a choice's number or part of its label. Type 'help' for commands.    ║
║                                                                              ║
╚══════════════════════════════════════════════════════════════════════════════╝
""",
    ("title", 120): """\
╔══════════════════════════════════════════════════════════════════════════════════════════════════╗
║                                                                                                  ║
║                                        The Little Orchard                                        ║
║                                                                                                  ║
║                                 A text adventure in 2 chapters.                                  ║
║              Type a choice's number or part of its label. Type 'help' for commands.              ║
║                                                                                                  ║
╚══════════════════════════════════════════════════════════════════════════════════════════════════╝
""",
    ("title", "plain"): """\
The Little Orchard

A text adventure in 2 chapters.
Type a choice's number or part of its label. Type 'help' for commands.

""",
    ("scene", 40): """\
╭─ The Gate ───────────────────────────╮
│ A gate, and Pepe in front of it.     │
│                                      │
│ The gate is locked.                  │
╰──────────────────────────────────────╯
Launch pad ██░░░░░░░░░░░░░░░░░░░░░░  10%
1. Pick an apple
2. Take the key from the post
3. Open the gate
   locked: You need the key and two
   apples.
4. Go home
""",
    ("scene", 80): """\
╭─ The Gate ───────────────────────────────────────────────────────────────────╮
│ A gate, and Pepe in front of it.                                             │
│                                                                              │
│ The gate is locked.                                                          │
╰──────────────────────────────────────────────────────────────────────────────╯
Launch pad █████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  10%
1. Pick an apple
2. Take the key from the post
3. Open the gate
   locked: You need the key and two apples.
4. Go home
""",
    ("scene", 120): """\
╭─ The Gate ───────────────────────────────────────────────────────────────────────────────────────╮
│ A gate, and Pepe in front of it.                                                                 │
│                                                                                                  │
│ The gate is locked.                                                                              │
╰──────────────────────────────────────────────────────────────────────────────────────────────────╯
Launch pad █████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░  10%
1. Pick an apple
2. Take the key from the post
3. Open the gate
   locked: You need the key and two apples.
4. Go home
""",
    ("scene", "plain"): """\
The Gate
A gate, and Pepe in front of it.

The gate is locked.

Progress toward the launch pad: 10%
Choices:
1. Pick an apple
2. Take the key from the post
3. Open the gate (locked: You need the key and two apples.)
4. Go home
""",
    ("status", 40): """\
╭─ Status ─────────────────────────────╮
│ Letters 0 ░░░     Family             │
│ Skills            Trust  2 ██░       │
│ Apples  1 █░░░░                      │
╰──────────────────────────────────────╯
""",
    ("status", 80): """\
╭─ Status ─────────────────────────────────────────────────────────────────────╮
│ Letters 0 ░░░   Skills           Family                                      │
│                 Apples 1 █░░░░   Trust  2 ██░                                │
╰──────────────────────────────────────────────────────────────────────────────╯
""",
    ("status", 120): """\
╭─ Status ─────────────────────────────────────────────────────────────────────────────────────────╮
│ Letters 0 ░░░   Skills           Family                                                          │
│                 Apples 1 █░░░░   Trust  2 ██░                                                    │
╰──────────────────────────────────────────────────────────────────────────────────────────────────╯
""",
    ("status", "plain"): """\
Status:
Letters 0
Skills: Apples 1
Family: Trust 2
""",
    ("ending", 40): """\
╔═ The End: The Sky ═══════════════════╗
║                                      ║
║  Up and away, with 3 letters in      ║
║  your pocket.                        ║
║                                      ║
╚══════════════════════════════════════╝
╭─ Your run ───────────────────────────╮
│ Choices made: 9                      │
│ Launch pad ████████████████████ 100% │
│ Apples: 0 → 2                        │
│ Letters: 0 → 3                       │
│ Trust: 2 → 1                         │
│                                      │
│ Choices that mattered:               │
│ • Opened the gate                    │
╰──────────────────────────────────────╯
""",
    ("ending", 80): """\
╔═ The End: The Sky ═══════════════════════════════════════════════════════════╗
║                                                                              ║
║  Up and away, with 3 letters in your pocket.                                 ║
║                                                                              ║
╚══════════════════════════════════════════════════════════════════════════════╝
╭─ Your run ───────────────────────────────────────────────────────────────────╮
│ Choices made: 9                                                              │
│ Launch pad ██████████████████████████████████████████████████ 100%           │
│ Apples: 0 → 2                                                                │
│ Letters: 0 → 3                                                               │
│ Trust: 2 → 1                                                                 │
│                                                                              │
│ Choices that mattered:                                                       │
│ • Opened the gate                                                            │
╰──────────────────────────────────────────────────────────────────────────────╯
""",
    ("ending", 120): """\
╔═ The End: The Sky ═══════════════════════════════════════════════════════════════════════════════╗
║                                                                                                  ║
║  Up and away, with 3 letters in your pocket.                                                     ║
║                                                                                                  ║
╚══════════════════════════════════════════════════════════════════════════════════════════════════╝
╭─ Your run ───────────────────────────────────────────────────────────────────────────────────────╮
│ Choices made: 9                                                                                  │
│ Launch pad ██████████████████████████████████████████████████ 100%                               │
│ Apples: 0 → 2                                                                                    │
│ Letters: 0 → 3                                                                                   │
│ Trust: 2 → 1                                                                                     │
│                                                                                                  │
│ Choices that mattered:                                                                           │
│ • Opened the gate                                                                                │
╰──────────────────────────────────────────────────────────────────────────────────────────────────╯
""",
    ("ending", "plain"): """\

The End: The Sky
Up and away, with 3 letters in your pocket.

Your run: 9 choices made.
Progress toward the launch pad: 100%
Apples: from 0 to 2
Letters: from 0 to 3
Trust: from 2 to 1

Choices that mattered:
- Opened the gate
""",
}


@pytest.mark.parametrize("key", list(GOLDEN), ids=lambda k: f"{k[0]}-{k[1]}")
def test_golden_screens(mini_story, states, key):
    name, width = key
    plain = width == "plain"
    got = rendered(screen(mini_story, states, name, plain), 80 if plain else width)
    assert got == GOLDEN[key]


@pytest.mark.parametrize("name", ["title", "scene", "status", "ending"])
def test_nothing_exceeds_40_columns(mini_story, states, name):
    for plain in (False, True):
        for line in rendered(screen(mini_story, states, name, plain), 40).splitlines():
            assert len(line) <= 40, line


def test_shipped_story_fits_40_columns(shipped_story):
    """The real story's first screens (long prose, 13 stats) stay inside 40 columns."""
    state = engine.new_run(shipped_story, 1).state
    everything = Group(
        render.title_screen(shipped_story), render.chapter_card(shipped_story, shipped_story.scenes[state.scene].chapter),
        render.scene_panel(shipped_story, state), render.status_panel(shipped_story, state),
        render.progress_line(shipped_story, state), render.choice_list(engine.offers(shipped_story, state)),
        render.help_screen(),
    )
    for width in (40, 57, 99, 100, 200):
        for line in rendered(everything, width).splitlines():
            assert len(line) <= width, (width, line)


def test_markup_in_story_text_prints_literally(tmp_path: Path):
    """Story text is untrusted: `[bold]` and `[/]` must print as written, not style or crash."""
    (tmp_path / "story.yaml").write_text(
        "format: 1\nid: m\ntitle: '[bold red]Title[/]'\nstart: s\nchapters: [c.yaml]\n"
        "stats:\n  num: {type: int, initial: 0, min: 0, max: 3, label: '[i]N[/i]', show: true, group: '[x]'}\n"
        "endings:\n  - {id: e, title: '[blink]End', text: 'Bye [/]'}\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        "chapter: {id: c, title: '[u]Chapter[/u]', subtitle: '[dim]sub'}\n"
        "scenes:\n  - id: s\n    title: '[red]Scene'\n    text: 'Some [bold]bold[/bold] text and [link=x]a link[/link]. {num}'\n"
        "    choices:\n      - {id: a, label: '[green]Go[/]', ending: e}\n"
        "      - {id: b, label: 'Locked', if: 'num > 1', locked: '[red]no[/]', ending: e}\n", encoding="utf-8")
    story = load_story(tmp_path)
    state = engine.new_run(story, 0).state
    for plain in (False, True):
        out = rendered(Group(
            render.title_screen(story, plain=plain), render.chapter_card(story, "c", plain=plain),
            render.scene_panel(story, state, plain=plain), render.status_panel(story, state, plain=plain),
            render.choice_list(engine.offers(story, state), plain=plain)), 100)
        for literal in ("[bold red]Title[/]", "[u]Chapter[/u]", "[dim]sub", "[red]Scene",
                        "Some [bold]bold[/bold] text and [link=x]a link[/link]. 0", "[green]Go[/]", "[red]no[/]",
                        "[i]N[/i]"):
            assert literal in out, (plain, literal)
    ended = engine.take(story, state, "a").state
    assert "[blink]End" in rendered(render.ending_screen(story, ended)) and "Bye [/]" in rendered(render.ending_screen(story, ended))


def test_plain_mode_has_no_box_characters(mini_story, states):
    out = "".join(rendered(screen(mini_story, states, name, True), 60) for name in ("title", "scene", "status", "ending"))
    assert not set(out) & set("╭╮╰╯│─═║╔╗╚╝┏┓┗┛━┃█░")


def test_ascii_only_terminal_gets_ascii_meters(mini_story, states):
    """A terminal that cannot encode block characters gets `#` and `-` meters instead."""
    console = make_console(file=io.StringIO(), width=60, color_system=None, force_terminal=False)
    options = console.options.copy()
    options.encoding = "ascii"
    for renderable in (render.progress_line(mini_story, states["gate"]), render.status_panel(mini_story, states["gate"])):
        text = "".join(seg.text for line in console.render_lines(renderable, options) for seg in line)
        assert "#" in text and "-" in text and "█" not in text and "░" not in text


def test_meter_proportions():
    assert rendered(render.Meter(0, 0, 4)).strip() == "░░░░"
    assert rendered(render.Meter(2, 0, 4)).strip() == "██░░"
    assert rendered(render.Meter(9, 0, 4)).strip() == "████"  # clamped, never overflows
    assert rendered(render.Meter(5, 0, 10, cells=5)).strip() == "██░░░"


def test_changes_line_lists_only_shown_stats(mini_story):
    events = [StatChanged("apples", 0, 1), StatChanged("has_key", False, True), StatChanged("trust", 2, 1)]
    assert str(render.changes_line(mini_story, events)) == "Apples 0 → 1 · Trust 2 → 1"
    assert str(render.changes_line(mini_story, events, plain=True)) == "Changed: Apples 0 to 1; Trust 2 to 1"
    assert render.changes_line(mini_story, [StatChanged("has_key", False, True)]) is None


def test_chapter_card(mini_story):
    assert rendered(render.chapter_card(mini_story, "road"), 40) == (
        "\n"
        "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃              CHAPTER 2               ┃\n"
        "┃               The Road               ┃\n"
        "┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛\n"
    )
    assert rendered(render.chapter_card(mini_story, "orchard", plain=True)) == "\nChapter 1: The Orchard (Morning)\n\n"


def test_countdown_frames(mini_story):
    words = mini_story.presentation  # the fixture declares T-minus / Lift-off!
    assert "T-minus 10" in rendered(render.countdown_frame(10, words), 40)
    assert "Lift-off!" in rendered(render.countdown_frame(None, words), 40)
    assert rendered(render.countdown_static(3, words)) == "3 2 1 ... Lift-off!\n"


def test_countdown_words_default_to_neutral_ones():
    """Without a presentation block a countdown is numbers and 'Go!'."""
    assert rendered(render.countdown_static()) == "10 9 8 7 6 5 4 3 2 1 ... Go!\n"
    assert "Go!" in rendered(render.countdown_frame(None), 40)


def test_status_groups_order(mini_story):
    assert [(name, [s.name for s in stats]) for name, stats in render.shown_groups(mini_story)] == [
        (None, ["letters"]), ("skills", ["apples"]), ("family", ["trust"])]


def _printed_on_a_terminal(renderable) -> str:
    """What ``make_console`` writes for ``renderable`` to a real (pseudo-)terminal."""
    import os

    leader, follower = os.openpty()
    try:
        with open(follower, "w", encoding="utf-8", closefd=False) as tty:
            console = make_console(file=tty, width=60)
            assert console.is_terminal
            console.print(renderable)
        os.set_blocking(leader, False)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")
    finally:
        os.close(leader)
        os.close(follower)


def test_no_color_console_emits_no_colour_on_a_terminal(monkeypatch, mini_story, states):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    coloured = _printed_on_a_terminal(render.status_panel(mini_story, states["gate"]))
    assert "\x1b[3" in coloured or "\x1b[9" in coloured  # the control: colour on a terminal
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _printed_on_a_terminal(render.status_panel(mini_story, states["gate"]))
    assert "\x1b[3" not in plain and "\x1b[9" not in plain and "\x1b[38" not in plain
    assert "Apples" in plain


def test_plain_console_is_not_a_terminal():
    console = make_console(plain=True, file=io.StringIO())
    assert console.color_system is None and not console.is_terminal
    assert isinstance(render.hint("x"), Text)


def test_status_line_keeps_to_one_line(mini_story, states):
    assert rendered(render.status_line(mini_story, states["gate"]), 80) == "Letters 0  ('status' for all)\n"
    for width in (20, 40, 60):
        assert len(rendered(render.status_line(mini_story, states["gate"]), width).splitlines()) == 1


def test_help_at_40_columns_puts_each_meaning_under_its_command():
    """A 40-column help is not a 12-character column of words: each meaning gets the width."""
    console = make_console(file=io.StringIO(), width=40, color_system=None, force_terminal=True)
    console.print(render.help_screen())
    out = console.file.getvalue()
    assert all(len(line) <= 40 for line in out.splitlines())
    assert "take back the last choice (also" in out, out
    assert len(out.splitlines()) <= 40, out
    wide = make_console(file=io.StringIO(), width=100, color_system=None, force_terminal=True)
    wide.print(render.help_screen())
    assert any(line.startswith("│ undo ") and "take back the last choice" in line
               for line in wide.file.getvalue().splitlines())  # side by side when there is room


@pytest.mark.parametrize("width", [40, 59, 80, 100, 120, 160])
def test_status_and_scene_panels_have_the_same_width(shipped_story, width):
    """L3 of the play-test: the status panel was 94 columns under a 100-column scene panel."""
    state = engine.new_run(shipped_story, 1).state
    scene = rendered(render.scene_panel(shipped_story, state), width).splitlines()
    status = rendered(render.status_panel(shipped_story, state), width).splitlines()
    assert len(status[0]) == len(scene[0]) == min(width, render.MAX_WIDTH)
    assert len(status[-1]) == len(scene[-1])


MILESTONE = __import__("adventure.run.milestone", fromlist=["MilestoneView"])
VIEW = MILESTONE.MilestoneView("Spring 1980: the University of the Pacific", (
    MILESTONE.NeedView("Math 0 of 2", False), MILESTONE.NeedView("Still following the harvest", False)))
MILESTONE_LINES = {
    40: """\
Next: Spring 1980: the University of the
      Pacific
  ✗ Math 0 of 2
  ✗ Still following the harvest
""",
    80: """\
Next: Spring 1980: the University of the Pacific
  ✗ Math 0 of 2  ✗ Still following the harvest
""",
    120: """\
Next: Spring 1980: the University of the Pacific: ✗ Math 0 of 2  ✗ Still following the harvest
""",
}


@pytest.mark.parametrize("width", list(MILESTONE_LINES))
def test_the_compact_next_line_keeps_the_milestones_name(width):
    """L4 of the play-test: at 40 and 100 columns the name was dropped and the needs cut with '…'."""
    assert rendered(render.MilestoneLine(VIEW), width) == MILESTONE_LINES[width]


TITLE_MENU = {
    40: """\
1. Continue 'run-20261207-010040' (What
   They Had, 41 choices in)
2. Start a new game
Enter alone continues.
""",
    80: """\
1. Continue 'run-20261207-010040' (What They Had, 41 choices in)
2. Start a new game
Enter alone continues.
""",
}
TITLE_MENU[120] = TITLE_MENU[80]
TITLE_MENU["plain"] = TITLE_MENU[80]


@pytest.mark.parametrize("width", list(TITLE_MENU))
def test_title_menu_golden(width):
    """The title screen's offer to continue wraps under its own label, boxed or plain."""
    from adventure.ui.play import Resumable

    run = Resumable("run-20261207-010040", 41, "What They Had")
    options = [("continue", run.describe()), ("new", "Start a new game")]
    plain = width == "plain"
    assert rendered(render.title_menu(options, plain=plain), 80 if plain else width) == TITLE_MENU[width]
    assert Resumable("r", 1, ending="Home Again").describe() == "Continue 'r' (finished: Home Again, 1 choice)"
