"""``million-miles saves``: list the save slots, for people (a Rich table) or machines (JSON).

Exit codes: 0 listed (an empty folder included), 1 the folder cannot be read, 2 usage
error. Unreadable slots are listed too, marked, with their ``MM5xx`` code, what is
wrong and whether a backup exists; damaged files moved aside are named at the end.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.cli._args import json_document
from adventure.i18n.language import add_argument as add_language_argument
from adventure.messages import _, ngettext, pgettext

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from adventure.saves.store import SlotSummary
    from adventure.story.model import Stat, Story


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``saves`` sub-command."""
    p = commands.add_parser(
        "saves",
        help=_("list saved games"),
        description=_("List the save slots: each run's own autosave (run-…) and the checkpoints you saved "
        "with 'save NAME', with chapter, the story's chosen stats (presentation: saves_columns), ending and "
        "when last played. Unreadable files are listed too."),
    )
    p.add_argument("--save-dir", type=Path, default=None, metavar="DIR",
                   help=_("save folder (default: $MILLION_MILES_SAVE_DIR or the user data folder)"))
    p.add_argument("--scenes", type=Path, default=None, metavar="DIR",
                   help=_("story folder used for chapter titles and stat columns (default: the shipped story)"))
    p.add_argument("--demos", action="store_true",
                   help=_("list the demo runs that come with the game instead (replay one by name: "
                        "million-miles replay true-path)"))
    p.add_argument("--json", action="store_true", help=_("print one JSON object"))
    p.add_argument("--plain", action="store_true", help=_("no colour and no boxes"))
    add_language_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List the slots; returns 0 (1 when the folder itself cannot be read)."""
    from adventure.saves.store import SaveStore, default_save_dir

    if args.demos and args.save_dir is not None:
        from adventure.errors import UsageError

        raise UsageError("--demos lists the runs that come with the game; it takes no --save-dir")
    if args.demos:
        from adventure.paths import demo_runs_dir

        folder = demo_runs_dir()
    else:
        folder = args.save_dir or default_save_dir()
    store = SaveStore(folder)
    slots = store.slots()
    aside = store.set_aside_files()
    if args.json:
        data = {"save_dir": str(folder), "slots": [s.to_dict() for s in slots], "set_aside": [str(p) for p in aside]}
        sys.stdout.write(json_document(data))
        return 0
    from rich.text import Text

    from adventure.i18n.language import choose
    from adventure.messages import use_language
    from adventure.ui.console import make_console

    use_language(choose(args.lang, args.scenes))  # the table's words even when no story loads
    console = make_console(plain=args.plain)
    recorded = next((s.folder for s in slots if s.folder is not None), None)  # the story the newest run played
    print_slots(console, folder, slots, _story(args.scenes or recorded, args.lang) if slots else None, plain=args.plain)
    if args.demos and slots:
        console.print(Text(_("Watch one with 'million-miles replay NAME', or play on from it with "
                             "'million-miles play --load NAME'."), style="dim"))
    if aside:
        console.print(Text(_("Damaged files set aside (kept for you to inspect or delete): {names}").format(
            names=", ".join(p.name for p in aside)), style="dim"))
    return 0


def print_slots(console: Console, folder: Path, slots: list[SlotSummary], story: Story | None = None, *,
                plain: bool = False) -> None:
    """The table of slots (titles from ``story`` when the slot belongs to it); ``plain``: no box, a block per slot."""
    from rich.table import Table
    from rich.text import Text

    if not slots:
        console.print(Text(_("No saved games in {folder} yet.").format(folder=folder), style="dim"))
        return
    if plain or console.width < NARROW:
        print_slots_narrow(console, folder, slots, story, plain=plain)
        return
    columns = _columns(story)
    table = Table(title=Text(_("Saved games in {folder}").format(folder=folder), style="bold"), title_justify="left")
    table.add_column(_("slot"), style="bold", no_wrap=True, min_width=min(22, max(len(s.name) for s in slots)))
    table.add_column(_("chapter"), min_width=_longest_word(_("chapter"), *(
        c.title for c in (story.chapters if story is not None else ()))))
    for stat in columns:
        table.add_column(Text(stat.label), justify="right", no_wrap=True)  # story text: never markup
    table.add_column(_("ending"), min_width=len(_("ending")))
    table.add_column(_("steps"), justify="right", no_wrap=True)
    table.add_column(_("last played"), no_wrap=True)  # the other columns wrap first: a date is never cut
    broken = []
    for slot in slots:
        played = Text(slot.updated.astimezone().strftime("%Y-%m-%d %H:%M") if slot.updated else "?", style="dim")
        if slot.error:
            broken.append(slot)
            table.add_row(Text(slot.name), Text(_("unreadable"), style="red"), *[""] * len(columns), "", "", played)
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
    if _needed_width(console, table) > console.width:  # the story's own columns can make it too wide
        print_slots_narrow(console, folder, slots, story)  # would cut values: one block per slot instead
        return
    console.print(table)
    for slot in broken:
        line = Text(f"{slot.name}: ", style="red")
        line.append(f"{slot.code} " if slot.code else "")
        line.append(slot.error or "")
        line.append(_("  (a backup exists: {name})").format(name=slot.name + ".bak.yaml") if slot.backup
                    else _("  (no backup)"), style="dim")
        console.print(line)
    console.print(Text(_("Runs (run-...) autosave as you play; other names are checkpoints you saved. Resume one with "
                         "'million-miles play --load SLOT' (a checkpoint goes on in a new run and stays as it is); "
                         "watch it with 'million-miles replay SLOT'."), style="dim"))


NARROW = 72
"""Below this width the table's seven columns no longer fit: one short block per slot instead."""


def print_slots_narrow(console: Console, folder: Path, slots: list[SlotSummary], story: Story | None, *,
                       plain: bool = False) -> None:
    """The listing for a narrow terminal or ``--plain``: the slot's name on its own line, its details under it."""
    from rich.text import Text

    from adventure.ui.render import PLAIN_SEPARATOR, Packed

    console.print(Text(_("Saved games in {folder}").format(folder=folder), style="bold"))
    kinds = {"run": pgettext("slot kind", "run"), "checkpoint": pgettext("slot kind", "checkpoint")}
    for slot in slots:
        played = slot.updated.astimezone().strftime("%Y-%m-%d %H:%M") if slot.updated else "?"
        head = Text(slot.name, style="bold")
        head.append(f"  {kinds.get(slot.kind, slot.kind)}", style="dim")
        console.print(head)
        if slot.error:
            detail = Text("  " + _("unreadable: "), style="red")
            detail.append(f"{slot.code} " if slot.code else "")
            detail.append(slot.error)
            detail.append(_("  (a backup exists)") if slot.backup else _("  (no backup)"), style="dim")
        else:
            chapter, ending = slot.chapter or "", slot.ending or ""
            own = story is not None and story.id == slot.story_id
            values: list[str] = []
            if own and story is not None:
                chapter = next((c.title for c in story.chapters if c.id == slot.chapter), chapter)
                reached = story.endings.get(ending)
                ending = reached.title if reached is not None else ending
                values = [f"{stat.label} {cell}" for stat in _columns(story) if (cell := _cell(stat, slot.stats))]
            steps = ngettext("{count} step", "{count} steps", slot.steps).format(count=slot.steps)
            parts = [p for p in (chapter, *values, _("ending: {ending}").format(ending=ending) if ending else "",
                                 steps, played) if p]
            console.print(Packed([Text(part) for part in parts], prefix=Text("  "), indent=2,  # items never split
                                 sep=PLAIN_SEPARATOR if plain else " · "))
            continue
        console.print(detail)
    console.print(Text(_("Resume one with 'million-miles play --load SLOT'."), style="dim"))


def _needed_width(console: Console, table: Table) -> int:
    """The width the table needs without cutting a value: a no-wrap column's widest cell, a wrapping
    column's ``min_width``, plus borders and padding (Rich would crop or ellipsize to fit)."""
    total = 1
    for column in table.columns:
        if column.no_wrap:
            widest = max(console.measure(cell).maximum for cell in [column.header, *column.cells])
        else:
            widest = 0
        total += max(widest, column.min_width or 0) + 3
    return total


def _longest_word(*texts: str) -> int:
    """The width a wrapping column needs so that no word in it is cut (a cut word reads as noise)."""
    return max((len(word) for text in texts for word in text.split()), default=0)


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
