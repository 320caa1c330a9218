"""``million-miles saves``: list the save slots, for people (a Rich table) or machines (JSON).

Exit codes: 0 listed (an empty folder included), 2 usage error. Unreadable slots are
listed too, marked, with what is wrong and whether a backup exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.i18n.language import add_argument as add_language_argument
from adventure.safetext import dumps_json

if TYPE_CHECKING:
    from rich.console import Console

    from adventure.saves.store import SlotSummary
    from adventure.story.model import Stat, Story


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``saves`` sub-command."""
    p = commands.add_parser(
        "saves",
        help="list saved games",
        description="List the save slots: name, chapter, the story's chosen stats (presentation: saves_columns), "
        "ending and when last played.",
    )
    p.add_argument("--save-dir", type=Path, default=None, metavar="DIR",
                   help="save folder (default: $MILLION_MILES_SAVE_DIR or the user data folder)")
    p.add_argument("--scenes", type=Path, default=None, metavar="DIR",
                   help="story folder used for chapter titles and stat columns (default: the shipped story)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--plain", action="store_true", help="no colour and no boxes")
    add_language_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List the slots; returns 0."""
    from adventure.saves.store import SaveStore, default_save_dir

    folder = args.save_dir or default_save_dir()
    slots = SaveStore(folder).slots()
    if args.json:
        data = {"save_dir": str(folder), "slots": [s.to_dict() for s in slots]}
        sys.stdout.write(dumps_json(data) + "\n")
        return 0
    from adventure.ui.console import make_console

    print_slots(make_console(plain=args.plain), folder, slots, _story(args.scenes, args.lang) if slots else None)
    return 0


def print_slots(console: Console, folder: Path, slots: list[SlotSummary], story: Story | None = None) -> None:
    """The table of slots (titles from ``story`` when the slot belongs to it)."""
    from rich.table import Table
    from rich.text import Text

    if not slots:
        console.print(Text(f"No saved games in {folder} yet.", style="dim"))
        return
    columns = _columns(story)
    table = Table(title=Text(f"Saved games in {folder}", style="bold"), title_justify="left")
    table.add_column("slot", style="bold")
    table.add_column("chapter")
    for stat in columns:
        table.add_column(Text(stat.label), justify="right")  # story text: never markup
    table.add_column("ending")
    table.add_column("steps", justify="right")
    table.add_column("last played")
    broken = []
    for slot in slots:
        played = Text(slot.updated.astimezone().strftime("%Y-%m-%d %H:%M") if slot.updated else "?", style="dim")
        if slot.error:
            broken.append(slot)
            table.add_row(Text(slot.name), Text("unreadable", style="red"), *[""] * len(columns), "", "", played)
            continue
        own = story is not None and story.id == slot.story_id
        chapter = slot.chapter or ""
        ending = slot.ending or ""
        if own and story is not None:
            chapter = next((c.title for c in story.chapters if c.id == slot.chapter), chapter)
            reached = story.endings.get(slot.ending or "")
            if reached is not None:
                ending = ("★ " if reached.true_ending else "") + reached.title
        values = [Text(_cell(stat, slot.stats) if own else "") for stat in columns]
        table.add_row(Text(slot.name), Text(chapter), *values, Text(ending, style="yellow"), str(slot.steps), played)
    console.print(table)
    for slot in broken:
        line = Text(f"{slot.name}: ", style="red")
        line.append(slot.error or "")
        line.append("  (a backup exists: " + slot.name + ".bak.yaml)" if slot.backup else "  (no backup)", style="dim")
        console.print(line)
    console.print(Text("Resume one with 'million-miles play --load SLOT'; watch it with 'million-miles replay SLOT'.",
                       style="dim"))


def _columns(story: Story | None) -> list[Stat]:
    """The stats the story asks the saves table to show (``presentation: saves_columns``)."""
    if story is None:
        return []
    return [story.stat(name) for name in story.presentation.saves_columns]


def _cell(stat: Stat, values: dict[str, Any]) -> str:
    """A stat's saved value as the status panel shows it; blank when the save lacks it or it does not fit."""
    value = values.get(stat.name)
    if value is None or type(value) is not type(stat.initial):
        return ""
    return stat.display(value)


def _story(scenes: Path | None, language: str | None = None) -> Story | None:
    """The story for titles, in the language asked for; listing never fails because the story does not load."""
    from adventure.errors import MillionMilesError
    from adventure.i18n.language import load_in
    from adventure.paths import default_scenes_dir

    try:
        return load_in(scenes or default_scenes_dir(), language)
    except (MillionMilesError, OSError):
        return None
