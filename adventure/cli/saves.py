"""``million-miles saves``: list the save slots, for people (a Rich table) or machines (JSON).

Exit codes: 0 listed (an empty folder included), 1 the folder cannot be read, 2 usage
error. Unreadable slots are listed too, marked, with their ``MM5xx`` code, what is
wrong and whether a backup exists; damaged files moved aside are named at the end.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure.base.messages import _, ngettext, pgettext
from adventure.cli._args import json_document
from adventure.i18n.language import add_argument as add_language_argument

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.table import Table
    from rich.text import Text

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
        from adventure.base.errors import UsageError

        raise UsageError("--demos lists the runs that come with the game; it takes no --save-dir")
    if args.demos:
        from adventure.base.resources import demo_runs_dir

        folder = demo_runs_dir()
    else:
        folder = args.save_dir or default_save_dir()
    store = SaveStore(folder)
    slots = tuple(store.slots())
    aside = tuple(store.set_aside_files())
    if args.json:
        sys.stdout.write(json_document(SlotsListing(folder, slots, aside).to_json()))
        return 0
    from adventure.base.messages import use_language
    from adventure.i18n.language import choose
    from adventure.ui.console import make_console

    use_language(choose(args.lang, args.scenes))  # the table's words even when no story loads
    recorded = next((s.folder for s in slots if s.folder is not None), None)  # the story the newest run played
    story = _story(args.scenes or recorded, args.lang) if slots else None
    make_console(plain=args.plain).print(SlotsListing(folder, slots, aside, story, plain=args.plain, demos=args.demos))
    return 0


NARROW = 72
"""Below this width the table's seven columns no longer fit: one short block per slot instead."""


@dataclass(frozen=True)
class SlotsListing:
    """The save folder as ``saves`` reports it: a table, or a block per slot where a table will not fit.

    A renderable: the console it is printed on decides the layout (``options.max_width``),
    so the same listing is a table at 120 columns and blocks at 40. ``plain`` (``--plain``)
    always gives the blocks, with separators a screen reader pauses at; ``story`` gives
    chapter titles, endings and the story's own stat columns to the slots that belong to it.
    """

    folder: Path
    slots: tuple[SlotSummary, ...]
    set_aside: tuple[Path, ...] = ()
    story: Story | None = None
    plain: bool = False
    demos: bool = False
    """The listing is of the demo runs (``--demos``): say how to watch one."""

    def to_json(self) -> dict[str, Any]:
        """The ``saves --json`` document."""
        return {"save_dir": str(self.folder), "slots": [s.to_dict() for s in self.slots],
                "set_aside": [str(p) for p in self.set_aside]}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        if not self.slots:
            yield Text(_("No saved games in {folder} yet.").format(folder=self.folder), style="muted")
        elif self.plain or options.max_width < NARROW:
            yield from self._blocks(plain=self.plain)
        else:
            table = self._table()
            if _needed_width(console, options, table) > options.max_width:  # the story's columns made it too wide
                yield from self._blocks(plain=False)  # a table would cut values: one block per slot instead
            else:
                yield table
                yield from (_broken_line(slot) for slot in self.slots if slot.error)
                yield Text(_("Runs (run-...) autosave as you play; other names are checkpoints you saved. Resume one "
                             "with 'million-miles play --load SLOT' (a checkpoint goes on in a new run and stays as it "
                             "is); watch it with 'million-miles replay SLOT'."), style="muted")
        if self.demos and self.slots:
            yield Text(_("Watch one with 'million-miles replay NAME', or play on from it with "
                         "'million-miles play --load NAME'."), style="muted")
        if self.set_aside:
            yield Text(_("Damaged files set aside (kept for you to inspect or delete): {names}").format(
                names=", ".join(p.name for p in self.set_aside)), style="muted")

    def _table(self) -> Table:
        from rich.table import Table
        from rich.text import Text

        story, columns = self.story, _columns(self.story)
        table = Table(title=Text(_("Saved games in {folder}").format(folder=self.folder), style="heading"),
                      title_justify="left")
        table.add_column(_("slot"), style="slot.name", no_wrap=True, min_width=min(22, max(len(s.name) for s in self.slots)))
        table.add_column(_("chapter"), min_width=_longest_word(_("chapter"), *(
            c.title for c in (story.chapters if story is not None else ()))))
        for stat in columns:
            table.add_column(Text(stat.label), justify="right", no_wrap=True)  # story text: never markup
        table.add_column(_("ending"), min_width=len(_("ending")))
        table.add_column(_("steps"), justify="right", no_wrap=True)
        table.add_column(_("last played"), no_wrap=True)  # the other columns wrap first: a date is never cut
        for slot in self.slots:
            table.add_row(*_row(slot, story, columns))
        return table

    def _blocks(self, *, plain: bool) -> RenderResult:
        """The slot's name on its own line, its details under it (a narrow terminal, or ``--plain``)."""
        from rich.text import Text

        from adventure.ui.render import PLAIN_SEPARATOR, Packed

        yield Text(_("Saved games in {folder}").format(folder=self.folder), style="heading")
        kinds = {"run": pgettext("slot kind", "run"), "checkpoint": pgettext("slot kind", "checkpoint")}
        for slot in self.slots:
            head = Text(slot.name, style="slot.name")
            head.append(f"  {kinds.get(slot.kind, slot.kind)}", style="muted")
            yield head
            if slot.error:
                detail = Text("  " + _("unreadable: "), style="slot.unreadable")
                detail.append(f"{slot.code} " if slot.code else "")
                detail.append(_unreadable(slot))
                detail.append(_("  (a backup exists)") if slot.backup else _("  (no backup)"), style="muted")
                yield detail
            else:
                yield Packed([Text(part) for part in _details(slot, self.story)], prefix=Text("  "), indent=2,
                             sep=PLAIN_SEPARATOR if plain else " · ")  # items never split
        yield Text(_("Resume one with 'million-miles play --load SLOT'."), style="muted")


def print_slots(console: Console, folder: Path, slots: list[SlotSummary], story: Story | None = None, *,
                plain: bool = False) -> None:
    """Print the listing of ``slots`` (see :class:`SlotsListing`)."""
    console.print(SlotsListing(folder, tuple(slots), story=story, plain=plain))


def _row(slot: SlotSummary, story: Story | None, columns: list[Stat]) -> list[Text]:
    """One slot's cells in the table: name, chapter, the story's stats, ending, steps, when last played."""
    from rich.text import Text

    played = Text(slot.updated.astimezone().strftime("%Y-%m-%d %H:%M") if slot.updated else "?", style="muted")
    if slot.error:
        blanks = [Text("") for _column in range(len(columns) + 2)]
        return [Text(slot.name), Text(_("unreadable"), style="slot.unreadable"), *blanks, played]
    own = story is not None and story.id == slot.story_id
    chapter, ending = _titles(slot, story, star="★ ")
    values = [Text(_cell(stat, slot.stats) if own else "") for stat in columns]
    return [Text(slot.name), Text(chapter), *values, Text(ending, style="slot.ending"), Text(str(slot.steps)), played]


def _details(slot: SlotSummary, story: Story | None) -> list[str]:
    """A readable slot's details in a block: chapter, the story's stats, ending, steps, when last played."""
    played = slot.updated.astimezone().strftime("%Y-%m-%d %H:%M") if slot.updated else "?"
    chapter, ending = _titles(slot, story)
    values: list[str] = []
    if story is not None and story.id == slot.story_id:
        values = [f"{stat.label} {cell}" for stat in _columns(story) if (cell := _cell(stat, slot.stats))]
    steps = ngettext("{count} step", "{count} steps", slot.steps).format(count=slot.steps)
    ended = _("ending: {ending}").format(ending=ending) if ending else ""
    return [p for p in (chapter, *values, ended, steps, played) if p]


def _titles(slot: SlotSummary, story: Story | None, *, star: str = "") -> tuple[str, str]:
    """The slot's chapter and ending by their titles when it belongs to ``story`` (``star`` before the true
    ending's), else by their ids."""
    chapter, ending = slot.chapter or "", slot.ending or ""
    if story is None or story.id != slot.story_id:
        return chapter, ending
    chapter = next((c.title for c in story.chapters if c.id == slot.chapter), chapter)
    reached = story.endings.get(ending)
    if reached is not None:
        ending = (star if reached.true_ending else "") + reached.title
    return chapter, ending


def _broken_line(slot: SlotSummary) -> Text:
    """Under the table: what is wrong with an unreadable slot, and whether a backup can stand in."""
    from rich.text import Text

    line = Text(f"{slot.name}: ", style="slot.unreadable")
    line.append(f"{slot.code} " if slot.code else "")
    line.append(_unreadable(slot))
    line.append(_("  (a backup exists: {name})").format(name=slot.name + ".bak.yaml") if slot.backup
                else _("  (no backup)"), style="muted")
    return line


def _needed_width(console: Console, options: ConsoleOptions, table: Table) -> int:
    """The width the table needs without cutting a value: a no-wrap column's widest cell, a wrapping
    column's ``min_width``, plus borders and padding (Rich would crop or ellipsize to fit)."""
    total = 1
    for column in table.columns:
        if column.no_wrap:
            widest = max(console.measure(cell, options=options).maximum for cell in [column.header, *column.cells])
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
    from adventure.base.errors import MillionMilesError
    from adventure.base.resources import default_scenes_dir
    from adventure.i18n.language import load_in

    try:
        return load_in(scenes or default_scenes_dir(), language)
    except (MillionMilesError, OSError):
        return None


def _unreadable(slot: SlotSummary) -> str:
    """Why a slot does not read, in the player's language (``error`` is the English, for ``--json``)."""
    from adventure.play.notices import problem

    return problem(slot.problem) if slot.problem is not None else slot.error or ""
