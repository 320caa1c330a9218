"""What the player sees: Rich renderables for every screen of a game.

Each function takes the story (and a run state) and returns a renderable; the console
decides everything about the terminal. Story text is untrusted, so nothing here builds
Rich markup from it: every piece of story or save text goes into a :class:`~rich.text.Text`.
With ``plain=True`` the same screens come out as linear text with no boxes and no
meters, for screen readers, logs and ``TERM=dumb``.

Typical use::

    console.print(title_screen(story))
    console.print(scene_panel(story, state))
    console.print(choice_list(offers(story, state)))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from adventure.base.errors import EngineError
from adventure.base.messages import N_, _, ngettext
from adventure.base.safetext import has_controls
from adventure.run import engine
from adventure.run.engine import Event, Offer, RunState, StatChanged
from adventure.run.milestone import MilestoneView, next_milestone
from adventure.story.compiled import compiled
from adventure.story.expr import StatType, Value
from adventure.story.model import Presentation, Stat, Story
from adventure.ui.console import escaped_text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement

COMMANDS: tuple[tuple[str, str], ...] = (
    (N_("NUMBER or words"), N_("take a choice: its number, or part of its label")),
    (N_("#ID"), N_("take a choice by its stable id (for scripts: '#study')")),
    (N_("status"), N_("the whole status panel; 'status off' / 'status on' hide or show it after each choice")),
    (N_("look"), N_("show the scene and its choices again")),
    (N_("undo"), N_("take back the last choice (also after an ending)")),
    (N_("save NAME"), N_("keep this moment as the checkpoint NAME, until you save over it; "
                         "every choice is also autosaved to the run's own slot, which never moves a checkpoint")),
    (N_("load [NAME]"), N_("load a saved run (without NAME: list the saves)")),
    (N_("help"), N_("this list")),
    (N_("quit"), N_("leave the game (also q, exit, Ctrl-D); every choice made stays saved")),
)
"""The help screen's rows, in English; shown through :func:`_` in the player's language."""

METER_MAX_SPAN = 12
"""Int stats whose range spans at most this many steps get a small meter."""
METER_SIZES: tuple[int, ...] = (METER_MAX_SPAN, 5, 3)
"""The widest a status meter may be, tried in turn: a meter gives up cells before the panel gives
up a column or a label wraps (Spanish labels run a third longer). Meters go only when even the
smallest leaves a label wrapped."""
WIDE = 100
"""From this width on, the status groups sit side by side."""
NARROW = 60
"""Below this width the status panel takes the whole width (its width never changes)."""
MAX_WIDTH = 100
"""Panels of prose stop growing here: very long lines are hard to read."""


class Meter:
    """A bar of cells, filled in proportion to ``value`` within ``[minimum, maximum]``.

    Filled and empty cells use different characters, so the meter reads the same with
    and without colour (and falls back to ``#``/``-`` on ASCII-only terminals).
    """

    def __init__(self, value: int, minimum: int, maximum: int, cells: int | None = None,
                 style: str = "stat.up", empty_style: str = "stat.empty"):
        self.value, self.minimum, self.maximum = value, minimum, maximum
        self.cells = cells
        self.style, self.empty_style = style, empty_style

    def _cells(self, max_width: int) -> int:
        wanted = self.cells if self.cells is not None else max(1, self.maximum - self.minimum)
        return max(1, min(wanted, max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        cells = self._cells(options.max_width)
        span = max(1, self.maximum - self.minimum)
        filled = round(cells * (min(max(self.value, self.minimum), self.maximum) - self.minimum) / span)
        full, empty = ("#", "-") if options.ascii_only else ("█", "░")
        yield Text.assemble((full * filled, self.style), (empty * (cells - filled), self.empty_style))

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        cells = self._cells(options.max_width)
        return Measurement(cells, cells)


# -- the title screen and chapter cards ------------------------------------------------------


def title_screen(story: Story, *, plain: bool = False) -> RenderableType:
    """The first screen of a new game: the story's title and how to play."""
    chapters = len(story.chapters)
    lines = [
        Text(story.title, style="heading"),
        *([Text(story.subtitle, style="subtitle")] if story.subtitle else []),
        Text(""),
        Text(ngettext("A text adventure in {count} chapter.", "A text adventure in {count} chapters.",
                      chapters).format(count=chapters)),
        Text(_("Type a choice's number or part of its label. Type 'help' for commands.")),
    ]
    if plain:
        return Group(*lines, Text(""))
    for line in lines:
        line.justify = "center"
    return _Roomy(Panel(Group(*lines), box=box.DOUBLE, padding=(1, 2), border_style="border.title"),
                  Panel(Group(*lines), box=box.DOUBLE, padding=(0, 1), border_style="border.title"))


TITLE_MENU_HINT = N_("Enter alone continues.")


def title_menu(options: Sequence[tuple[str, str]], *, plain: bool = False) -> RenderableType:
    """The title screen's question when a run exists: continue it, or start the new game.

    ``options`` are (word, label) pairs, numbered from 1; the label of a run may hold
    its slot name, so it is laid out as text, never as markup.
    """
    if plain:
        lines = [Text(f"{number}. {label}") for number, (_word, label) in enumerate(options, 1)]
        return Group(*lines, Text(_(TITLE_MENU_HINT)))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for number, (_word, label) in enumerate(options, 1):
        grid.add_row(Text(f"{number}.", style="choice.number"), shown(Text(label)))
    return Group(grid, Text(_(TITLE_MENU_HINT), style="hint"))


class _Roomy:
    """Show ``roomy`` from 60 columns on (capped at :data:`MAX_WIDTH`), ``narrow`` below."""

    def __init__(self, roomy: RenderableType, narrow: RenderableType):
        self.roomy, self.narrow = roomy, narrow

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= 60:
            yield Constrain(self.roomy, MAX_WIDTH)
        else:
            yield self.narrow


def chapter_card(story: Story, chapter_id: str, *, plain: bool = False) -> RenderableType:
    """The card shown when the run enters a new chapter."""
    chapter = next(c for c in story.chapters if c.id == chapter_id)
    number = _("Chapter {number}").format(number=chapter.index + 1)
    if plain:
        heading = Text(f"{number}: ")
        heading.append(chapter.title)
        if chapter.subtitle:
            heading.append(f" ({chapter.subtitle})")
        return Group(Text(""), heading, Text(""))
    lines = [Text(number.upper(), style="muted", justify="center"),
             Text(chapter.title, style="heading", justify="center")]
    if chapter.subtitle:
        lines.append(Text(chapter.subtitle, style="subtitle", justify="center"))
    return Padding(Constrain(Panel(Group(*lines), box=box.HEAVY, border_style="border.chapter", padding=(0, 1)), MAX_WIDTH),
                   (1, 0, 0, 0))


# -- a scene -------------------------------------------------------------------------------


def scene_panel(story: Story, state: RunState, *, plain: bool = False) -> RenderableType:
    """The current scene: its title and text."""
    scene = story.scenes[state.scene]
    body = Text(engine.scene_text(story, state))
    if plain:
        return Group(Text(scene.title, style="heading"), body, Text(""))
    return Constrain(Panel(body, title=Text(scene.title, style="heading"), title_align="left",
                           box=box.ROUNDED, padding=(0, 1), border_style="border.scene"), MAX_WIDTH)


ENTER_HINT = N_("(or press Enter)")
"""Shown beside the only choice of a scene: Enter alone takes it (through :func:`_`)."""


def choice_list(offers: Sequence[Offer], *, plain: bool = False, enter_hint: bool = True) -> RenderableType:
    """The numbered choices; locked ones dimmed, with the reason they are locked.

    A lone choice says that Enter takes it (``enter_hint=False`` where nobody types: replays).
    """
    lone = enter_hint and len(offers) == 1 and offers[0].enabled
    if plain:
        lines = [Text(_("Choices:"))]
        for number, offer in enumerate(offers, 1):
            line = Text(f"{number}. ")
            line.append(offer.label)
            if not offer.enabled:
                line.append(_(" (locked: {reason})").format(reason=offer.reason))
            if lone:
                line.append(f" {_(ENTER_HINT)}")
            lines.append(line)
        return Group(*lines)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for number, offer in enumerate(offers, 1):
        if offer.enabled:
            label = Text(offer.label)
            if lone:
                label.append(f"  {_(ENTER_HINT)}", style="hint")
            grid.add_row(Text(f"{number}.", style="choice.number"), label)
        else:
            label = Text(offer.label, style="choice.locked")
            label.append("\n" + _("locked: {reason}").format(reason=offer.reason), style="choice.reason")
            grid.add_row(Text(f"{number}.", style="choice.locked"), label)
    return grid


class Packed:
    """Items laid out on lines, never broken inside an item: ``Applications sent 0 → 1`` stays whole.

    Items are joined with ``sep``; when the next item does not fit, it starts a new line
    (indented under the prefix). Only an item wider than a whole line is broken, between
    words, its later lines hanging two columns further in (under its words, not its mark).
    """

    def __init__(self, items: Sequence[Text], *, prefix: Text | None = None, sep: str = " · ",
                 style: str = "", indent: int = 2):
        self.items = [shown(item) for item in items]
        self.prefix = shown(prefix) if prefix is not None else None
        self.sep, self.style, self.indent = sep, style, indent

    def lines(self, width: int) -> list[Text]:
        """The packed lines for ``width`` columns."""
        lines: list[Text] = []
        line = Text()
        if self.prefix is not None:  # appended, so its style stays on the prefix alone
            line.append_text(self.prefix)
        fresh = True  # nothing on this line but the prefix or indent
        for item in self.items:
            joint = "" if fresh else self.sep
            too_wide = line.cell_len + len(joint) + item.cell_len > width
            if too_wide and line.plain.strip():  # a new line, unless this one is still empty
                line.rstrip()
                lines.append(line)
                line, fresh, joint = Text(" " * self.indent), True, ""
            line.append(joint)
            first, *rest = _word_lines(item, width - line.cell_len, width - self.indent - 2)
            line.append_text(first)
            for piece in rest:
                lines.append(line)
                line = Text(" " * (self.indent + 2))
                line.append_text(piece)
            fresh = False
        lines.append(line)
        for text in lines:
            text.stylize(self.style)
            text.overflow = "fold"
            text.end = "\n"
        return lines

    def __str__(self) -> str:
        return "\n".join(t.plain for t in self.lines(10**6))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        prefix = self.prefix.cell_len if self.prefix is not None else 0
        widest = max((i.cell_len for i in self.items), default=0)
        total = prefix + sum(i.cell_len for i in self.items) + len(self.sep) * max(0, len(self.items) - 1)
        return Measurement(min(prefix + widest, total), total)


def _word_lines(item: Text, first: int, rest: int) -> list[Text]:
    """``item`` cut between words into a first line of ``first`` cells and lines of ``rest`` cells.

    Whole when it fits; a single word longer than a line stays whole (the console folds it).
    """
    if item.cell_len <= first:
        return [item]
    plain = item.plain
    pieces: list[Text] = []
    start, room = 0, max(1, first)
    while cell_len(plain[start:]) > room:
        cut = plain.rfind(" ", start, start + room + 1)
        while cut > start and cell_len(plain[start:cut]) > room:
            cut = plain.rfind(" ", start, cut)
        if cut <= start:
            break
        pieces.append(item[start:cut])
        start, room = cut + 1, max(1, rest)
    pieces.append(item[start:])
    return pieces


class Changes:
    """What a step changed, by cause: the choice, the scene entered, a computed stat.

    ``Apples 0 → 1 · Trust 2 → 1`` for the choice; ``The Wedding: Year 1989 → 1990``
    for a scene's ``on_enter``; ``Age 27 → 28 (follows Year)`` for a recomputation.
    Each cause is its own packed line (see :class:`Packed`).
    """

    def __init__(self, blocks: Sequence[Packed]):
        self.blocks = list(blocks)

    def __str__(self) -> str:
        return "\n".join(str(b) for b in self.blocks)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for block in self.blocks:
            yield from block.lines(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        sizes = [block.__rich_measure__(console, options) for block in self.blocks]
        return Measurement(max(m.minimum for m in sizes), max(m.maximum for m in sizes))


def changes_line(story: Story, events: Iterable[Event], *, plain: bool = False,
                 values: Sequence[Value] | None = None) -> Changes | None:
    """``Apples 0 → 1 · Trust 2 → 1``: what a step changed in the shown stats, by cause.

    ``values`` (the state after the step) hides a stat whose ``show:`` condition is false there.
    """
    chosen: list[Text] = []
    scenes: dict[str, list[Text]] = {}
    computed: list[Text] = []
    for cause, scene_id, item in _changed_items(story, events, plain=plain, values=values):
        if cause == "computed":
            computed.append(item)
        elif scene_id is not None:
            scenes.setdefault(scene_id, []).append(item)
        else:
            chosen.append(item)
    blocks = []
    sep = PLAIN_SEPARATOR if plain else " · "
    if chosen:
        blocks.append(Packed(chosen, prefix=Text(_("Changed: ")) if plain else None, style="change", sep=sep))
    for scene_id, items in scenes.items():
        title = story.scenes[scene_id].title
        prefix = Text(_("Changed at {scene}: ").format(scene=title) if plain else f"{title}: ", style="change.cause")
        blocks.append(Packed(items, prefix=prefix, style="change", sep=sep))
    if computed:
        blocks.append(Packed(computed, prefix=Text(_("Recomputed: ")) if plain else None, style="change", sep=sep))
    return Changes(blocks) if blocks else None


def _changed_items(story: Story, events: Iterable[Event], *, plain: bool,
                   values: Sequence[Value] | None) -> Iterator[tuple[str, str | None, Text]]:
    """Each shown stat's change as ``(cause, scene id, item)``: ``computed``, ``scene`` (with the id of the
    scene whose on-enter made it) or ``choice``; a recomputed stat's item says what it follows."""
    for event in events:
        if not isinstance(event, StatChanged):
            continue
        stat = story.stat(event.stat)
        if not stat.show or (values is not None and not compiled(story).shown(stat, values)):
            continue
        item = Text(moved(stat.label, stat.display(event.old), stat.display(event.new), plain=plain))
        if event.cause == "computed":
            inputs = ", ".join(story.stat(name).label for name in stat.inputs)
            if inputs:
                item.append(_(" (follows {stats})").format(stats=inputs), style="change.cause")
            yield "computed", None, item
        elif event.cause == "scene" and event.source is not None and event.source in story.scenes:
            yield "scene", event.source, item
        else:
            yield "choice", None, item


PLAIN_SEPARATOR = "; "
"""Between items in plain mode: a screen reader pauses at a semicolon, and reads nothing for ``·``."""


def moved(label: str, old: str, new: str, *, plain: bool = False) -> str:
    """``Hope 2 → 3`` on screen; ``Hope 2 to 3`` in plain mode, where an arrow is read out as "right arrow"."""
    if plain:
        return _("{stat} {old} to {new}").format(stat=label, old=old, new=new)
    return f"{label} {old} → {new}"


# -- status and progress ---------------------------------------------------------------------


def shown_groups(story: Story, values: Sequence[Value] | None = None) -> list[tuple[str | None, list[Stat]]]:
    """The shown stats by group: ungrouped first, then groups in order of appearance.

    With ``values``, a stat whose ``show:`` condition is false there is left out.
    """
    groups: dict[str | None, list[Stat]] = {None: []}
    for stat in story.stats:
        if stat.show if values is None else compiled(story).shown(stat, values):
            groups.setdefault(stat.group, []).append(stat)
    return [(name, stats) for name, stats in groups.items() if stats]


def _group_title(name: str | None) -> str:
    return name.replace("_", " ").capitalize() if name else _("General")


def _has_meter(stat: Stat) -> bool:
    return (stat.type is StatType.INT and stat.minimum is not None and stat.maximum is not None
            and 0 < stat.maximum - stat.minimum <= METER_MAX_SPAN)


class StatusPanel:
    """The shown stats, grouped, with small meters for ints with a narrow range.

    Groups sit side by side from :data:`WIDE` columns on and stack below that; in
    plain mode each group is one line.
    """

    def __init__(self, story: Story, values: Sequence[Value], *, plain: bool = False,
                 milestone: MilestoneView | None = None):
        self.story, self.values, self.plain, self.milestone = story, tuple(values), plain, milestone

    def _value(self, stat: Stat) -> str:
        return stat.display(self.values[stat.slot])

    def _plain(self) -> Text:
        text = Text(_("Status:"))
        for name, stats in shown_groups(self.story, self.values):
            text.append("\n" + (f"{_group_title(name)}: " if name else ""))
            text.append(", ".join(f"{s.label} {self._value(s)}" for s in stats))
        if self.milestone is not None:
            text.append("\n")
            text.append_text(milestone_plain(self.milestone))
        return text

    def _table(self, groups: list[tuple[str | None, list[Stat]]], meter: int | None) -> Table:
        """The groups as one table; ``meter`` caps each meter's cells (``None``: no meters)."""
        table = Table.grid(padding=(0, 1))
        table.add_column()
        # as wide as the widest value any of its stats can take, so the panel keeps its width
        reserve = max((value_width(s) for _, stats in groups for s in stats), default=0)
        table.add_column(justify="right", no_wrap=True, style="stat.label", min_width=reserve)
        if meter is not None:
            table.add_column(no_wrap=True)
        for name, stats in groups:
            if name is not None:
                table.add_row(Text(_group_title(name), style="heading.group"))
            for stat in stats:
                cells: list[RenderableType] = [Text(stat.label), Text(self._value(stat))]
                if meter is not None and _has_meter(stat):
                    span = stat.maximum - stat.minimum  # type: ignore[operator]
                    cells.append(Meter(self.values[stat.slot], stat.minimum, stat.maximum,  # type: ignore[arg-type]
                                       cells=min(span, meter)))
                table.add_row(*cells)
        return table

    def _columns(self, console: Console, options: ConsoleOptions,
                 groups: list[tuple[str | None, list[Stat]]], meters: bool) -> RenderableType:
        """Groups in as many side-by-side columns as the width allows (fewer lines on screen).

        Of every split of the groups, in order, into 1..n columns, with meters of each
        size in :data:`METER_SIZES`, keeps the shortest layout whose measured width fits
        inside the panel with no label wrapped; of equally short ones, the one with the
        longest meters, then the first split. Without meters only when no size fits;
        labels wrap only when nothing does.

        A layout's height needs no measuring, so the candidates are tried shortest
        first and the first that fits is the one: on a wide screen that is one layout
        measured, not all of them (measuring is the costliest part of a game's screen).
        """
        room = options.max_width - 4  # panel borders and padding
        splits = _splits(len(groups))
        heights = [max(sum(len(stats) + (name is not None) for name, stats in groups[a:b]) for a, b in split)
                   for split in splits]
        widths: dict[tuple[int, int, int | None], int] = {}  # a column's measured width, measured once

        def width(a: int, b: int, meter: int | None) -> int:
            if (a, b, meter) not in widths:
                widths[a, b, meter] = console.measure(self._table(groups[a:b], meter), options=options).maximum
            return widths[a, b, meter]

        tries: tuple[tuple[int | None, ...], ...] = (METER_SIZES if meters else (), (None,))
        for sizes in tries:
            candidates = sorted((heights[i], rank, i) for rank in range(len(sizes)) for i in range(len(splits)))
            for _height, rank, i in candidates:
                split = splits[i]
                if sum(width(a, b, sizes[rank]) for a, b in split) + 3 * (len(split) - 1) <= room:
                    return self._grid([self._table(groups[a:b], sizes[rank]) for a, b in split])
        return self._table(groups, None)

    @staticmethod
    def _grid(columns: list[Table]) -> Table:
        grid = Table.grid(padding=(0, 3))
        for _column in columns:
            grid.add_column(vertical="top")
        grid.add_row(*columns)
        return grid

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        groups = shown_groups(self.story, self.values)
        if self.plain:
            yield self._plain()
            return
        if not groups:
            yield Text("No stats to show.", style="muted")
            return
        width = min(options.max_width, MAX_WIDTH)  # laid out for the width the panel gets, not the screen's
        meters = width >= 36
        body = self._columns(console, options.update_width(width), groups, meters)
        if self.milestone is not None:
            body = Group(body, MilestoneBlock(self.milestone))
        # as wide as the scene panel above it (the screen, up to MAX_WIDTH): the right edges line up,
        # and a longer need or value never moves the border
        yield Constrain(Panel(body, title=Text(_("Status"), style="heading"), title_align="left", box=box.ROUNDED,
                              padding=(0, 1), border_style="border.status", expand=True), MAX_WIDTH)


def value_width(stat: Stat) -> int:
    """The widest a stat's value can be shown (ints from their range, bools as yes/no)."""
    if stat.type is StatType.BOOL:
        return max(len(stat.display(True)), len(stat.display(False)))
    if stat.type is StatType.INT and stat.minimum is not None and stat.maximum is not None:
        return max(len(stat.display(stat.minimum)), len(stat.display(stat.maximum)))
    return len(stat.display(stat.initial))


class MilestoneBlock:
    """``Next: College`` and each need ticked ✓ or crossed ✗ (``+``/``-`` on ASCII terminals).

    The needs are packed (see :class:`Packed`): a need never breaks across lines.
    """

    def __init__(self, view: MilestoneView, *, blank_line: bool = True):
        self.view, self.blank_line = view, blank_line

    def _parts(self, ascii_only: bool) -> tuple[Text, Packed]:
        title = Text(_("Next: "), style="heading")
        title.append(self.view.title, style="heading")
        needs = [_need(need.label, need.met, ascii_only) for need in self.view.needs]
        return title, Packed(needs, prefix=Text(" "), sep="  ", indent=1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        title, needs = self._parts(options.ascii_only)
        if self.blank_line:
            yield Text("")
        yield _hanging(title, len(_("Next: ")), options.max_width)
        yield needs

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        title, needs = self._parts(options.ascii_only)
        # only as wide as the widest need: the block wraps inside the stats' width rather
        # than widening the panel, so the panel keeps its width as the labels change
        width = max(needs.__rich_measure__(console, options).minimum, min(title.cell_len, 20))
        return Measurement(width, width)


def _hanging(line: Text, under: int, width: int) -> RenderableType:
    """``line`` as is when it fits, else its first ``under`` cells beside the rest, which wraps under itself.

    ``Siguiente: Lo que ellos tenían, para`` / ``la duodécima solicitud`` under the title, not
    under ``Siguiente:``; on a screen too narrow for that (under half left), as it comes.
    """
    if line.cell_len <= width or width - under < width // 2:
        return line
    first, *rest = _word_lines(line[under:], width - under, width - under)
    lines = [Text.assemble(line[:under], first)]
    lines.extend(Text.assemble(" " * under, piece) for piece in rest)
    return Group(*lines)


def _need(label: str, met: bool, ascii_only: bool = False) -> Text:
    mark = ("+" if met else "-") if ascii_only else ("✓" if met else "✗")
    text = Text(mark, style="need.met" if met else "need.unmet")
    text.append(" ")
    text.append(label)
    return text


def milestone_plain(view: MilestoneView) -> Text:
    """The milestone for plain mode and screen readers: words, not marks."""
    text = Text(_("Next milestone: {title}. ").format(title=view.title))
    text.append("; ".join((_("{need} (met)") if need.met else _("{need} (not met)")).format(need=need.label)
                          for need in view.needs) + ".")
    return text


def _splits(n: int) -> list[list[tuple[int, int]]]:
    """Every way to cut ``range(n)`` into contiguous runs: [(start, end), ...] per layout."""
    layouts = []
    for mask in range(1 << max(0, n - 1)):
        cuts = [0] + [i + 1 for i in range(n - 1) if mask >> i & 1] + [n]
        layouts.append(list(pairwise(cuts)))
    return layouts


class StatusLine:
    """The ungrouped shown stats on one line, as many as fit, for a screen too short for the panel."""

    HINT = N_("  ('status' for all)")

    def __init__(self, story: Story, values: Sequence[Value], milestone: MilestoneView | None = None):
        groups = shown_groups(story, values)
        stats = groups[0][1] if groups else []
        self.parts = [f"{s.label} {s.display(values[s.slot])}" for s in stats]
        self.milestone = milestone

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        hint = _(self.HINT)
        room = options.max_width - len(hint)
        shown: list[str] = []
        for part in self.parts:
            if len(" · ".join([*shown, part])) > room:
                break
            shown.append(part)
        text = Text(" · ".join(shown) or _("Status"), style="muted")
        text.append(hint, style="hint")
        text.truncate(options.max_width)
        yield text
        if self.milestone is not None:  # the gate ahead, on a second line
            yield MilestoneLine(self.milestone)


class MilestoneLine:
    """The next milestone in as few lines as fit: ``Next: College: ✗ Maths 1 of 2  ✓ Settled``.

    On one line when it fits; otherwise the title on its own line and the needs packed
    under it (a need never breaks, see :class:`Packed`). Nothing is cut: the title says
    which gate the needs are for, and the needs are what the player acts on.
    """

    def __init__(self, view: MilestoneView):
        self.view = view

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        needs = [_need(n.label, n.met, options.ascii_only) for n in self.view.needs]
        line = Text(_("Next: "), style="heading")
        line.append(shown(Text(self.view.title)))
        together = Text("  ").join(needs)
        if line.cell_len + 2 + together.cell_len <= options.max_width:
            line.append(": ")
            line.append_text(together)
            yield line
            return
        yield _hanging(line, len(_("Next: ")), options.max_width)
        yield Packed(needs, prefix=Text("  "), sep="  ", indent=2)


def milestone_line(story: Story, state: RunState, *, plain: bool = False) -> RenderableType | None:
    """The next milestone alone, for when the status panel is not shown (``None`` without one)."""
    view = next_milestone(story, state)
    if view is None:
        return None
    return milestone_plain(view) if plain else MilestoneLine(view)


def status_line(story: Story, state: RunState) -> StatusLine:
    """One line of status for a short screen, and the next milestone (see :class:`StatusLine`)."""
    return StatusLine(story, state.values, next_milestone(story, state))


def status_panel(story: Story, state: RunState, *, plain: bool = False) -> StatusPanel:
    """The status panel for a run state, with the chapter's next milestone when it has one."""
    return StatusPanel(story, state.values, plain=plain, milestone=next_milestone(story, state))


class ProgressLine:
    """``Progress  ████░░░░  40%``: the story's progress, sized to the width.

    The label (and the plain-mode sentence) are the story's words, from its
    ``presentation:`` block.
    """

    MIN_CELLS = 20
    """Fewer cells than this beside the label and the label goes on its own line above the bar."""

    def __init__(self, percent: int, *, plain: bool = False, label: str = "Progress", sentence: str | None = None):
        self.percent, self.plain = max(0, min(100, percent)), plain
        self.label, self.sentence = label, sentence or label

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.plain:
            yield Text(f"{self.sentence}: {self.percent}%")
            return
        label, figure = f"{self.label} ", f" {self.percent:>3}%"
        cells = max(4, min(50, options.max_width - cell_len(label) - len(figure)))
        if cells < self.MIN_CELLS:  # a long label ("Plataforma de lanzamiento") goes above the bar
            yield Text(self.label, style="muted")
            label, cells = "", max(4, min(50, options.max_width - len(figure)))
        text = Text(label, style="muted")
        yield Text.assemble(text, *_bar_segments(self.percent, cells, options.ascii_only), (figure, "emphasis"))


def _bar_segments(percent: int, cells: int, ascii_only: bool) -> list[tuple[str, str]]:
    filled = round(cells * percent / 100)
    full, empty = ("#", "-") if ascii_only else ("█", "░")
    return [(full * filled, "stat.up"), (empty * (cells - filled), "stat.empty")]


def progress_line(story: Story, state: RunState, *, plain: bool = False) -> ProgressLine:
    """The progress bar of a run state, in the story's words."""
    words = story.presentation
    return ProgressLine(engine.progress(story, state), plain=plain, label=words.progress_label,
                        sentence=words.sentence)


# -- the ending ----------------------------------------------------------------------------------


def ending_screen(story: Story, state: RunState, *, plain: bool = False,
                  start: engine.Start | None = None) -> RenderableType:
    """The epilogue and a summary of the run: turns, how the stats moved, what mattered.

    ``start`` is a sandbox run's start (``play --start/--set``): the summary then counts
    from there and says so.
    """
    ending = story.endings[state.ending] if state.ending else None
    title = _("The End: {title}").format(title=ending.title) if ending else _("The End")
    epilogue = Text(engine.ending_text(story, state))
    summary = run_summary(story, state, plain=plain, start=start)
    if plain:
        return Group(Text(""), Text(title, style="heading"), epilogue, Text(""), summary)
    return Constrain(Group(
        Panel(epilogue, title=Text(title, style="heading"), title_align="left", box=box.DOUBLE,
              padding=(1, 2), border_style="border.ending.true" if ending and ending.true_ending else "border.ending"),
        Panel(summary, title=Text(_("Your run"), style="heading"), title_align="left", box=box.ROUNDED,
              padding=(0, 1), border_style="border.summary"),
    ), MAX_WIDTH)


def run_summary(story: Story, state: RunState, *, plain: bool = False,
                start: engine.Start | None = None) -> RenderableType:
    """Choices made, the shown stats from start to finish, and the choices that mattered."""
    turns = state.turn
    lines: list[RenderableType] = [Text(_("Choices made: {count}").format(count=turns))]
    if plain:
        lines[0] = Text(ngettext("Your run: {count} choice made.", "Your run: {count} choices made.",
                                 turns).format(count=turns))
    initial = story.initial_values
    if start is not None:
        lines.append(Text(_("A sandbox run: it started mid-story, at “{scene}”; the changes below count from "
                            "there.").format(scene=story.scenes[start.scene].title if start.scene in story.scenes
                                             else start.scene)))
        initial = _sandbox_values(story, state, start)
    lines.append(progress_line(story, state, plain=plain))  # 100% exactly at a true ending
    for stat in story.summary_stats:
        if stat.show_if is not None and not compiled(story).expr(stat.show_if)(state.values):
            continue  # it never came to mean anything in this run
        first, end = stat.display(initial[stat.slot]), stat.display(state.values[stat.slot])
        line = Text(f"{stat.label}: ")
        line.append((_("from {old} to {new}").format(old=first, new=end) if plain else f"{first} → {end}")
                    if first != end else end)
        lines.append(line)
    mattered = engine.remembered(story, state)
    lines.append(Text(""))
    lines.append(Text(_("Choices that mattered:") if mattered else _("Choices that mattered: none recorded."),
                      style="heading"))
    if mattered:
        lines.append(Bullets(mattered, plain=plain))
    lines.extend(true_path_summary(story, state, plain=plain, start=start))
    return Group(*lines)


class Bullets:
    """A list of :func:`bullet` items made as they are printed, not held all at once.

    A long run can remember a choice at every step: its summary is then 100,000 items,
    and holding each as a laid-out Rich object before printing cost ~400 bytes an item.
    """

    def __init__(self, items: Sequence[str], *, plain: bool = False) -> None:
        self.items, self.plain = items, plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        for item in self.items:
            yield bullet(Text(item), plain=self.plain)


def _sandbox_values(story: Story, state: RunState, start: engine.Start) -> tuple[int | bool | str, ...]:
    """The values a sandbox run started with (its --set values, computed stats, the scene's on-enter)."""
    try:
        return engine.start_at(story, state.seed, start).state.values
    except EngineError:
        return story.initial_values


def shown(text: Text) -> Text:
    """Story text with any control character written out (``\\x1b``) before it is laid out in a
    cell or packed line, so widths count what is shown (the console escapes too, see ``SafeConsole``)."""
    return escaped_text(text) if has_controls(text.plain) else text


def bullet(text: Text, *, plain: bool = False) -> RenderableType:
    """A list item; wrapped lines hang under the text, not under the bullet."""
    text = shown(text)
    if plain:
        return Text.assemble("- ", text)
    grid = Table.grid()
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row("• ", text)
    return grid


def true_path_summary(story: Story, state: RunState, *, plain: bool = False,
                      start: engine.Start | None = None) -> list[RenderableType]:
    """How the run differed from the true path (``canon:`` choices), and a fork to try next time.

    Nothing when the story marks no true path. Its module is imported here, at a run's end,
    not with the first screen (``benchmarks/bench_startup.py``).
    """
    from adventure.run.divergence import has_canon, true_path

    if not has_canon(story):
        return []
    report = true_path(story, state, start)  # one walk of the run for all three parts
    found, shut = report.found, report.shut
    lines: list[RenderableType] = [Text("")]
    if found or not shut:
        heading = _("How this run differed from the true path:") if found else \
            _("You took the true path at every key decision.") if start is None else \
            _("Since the sandbox start, you took the true path at every key decision.")
        lines.append(Text(heading, style="heading"))
    for d in found:
        line = Text(f"{d.scene_title}: ", style="heading")
        line.append(_("you chose “{taken}”, the true path “{canon}”").format(taken=d.taken, canon=d.canon), style="")
        lines.append(bullet(line, plain=plain))
    if shut:
        lines.append(Text(_("Where the true path was closed to you:"), style="heading"))
    for d in shut:
        line = Text(f"{d.scene_title}: ", style="heading")
        line.append(f"“{d.canon}”", style="")
        line.append(_(" (locked then: {reason})").format(reason=d.canon_reason) if d.canon_reason
                    else _(" (locked then)"), style="muted")
        lines.append(bullet(line, plain=plain))
    fork = report.fork
    if fork is not None:
        line = Text(_("Next time, try: "), style="heading")
        line.append(f"“{fork.label}” ({fork.scene_title})", style="fork")
        lines.append(Text(""))
        lines.append(line)
    return lines


# -- countdowns ------------------------------------------------------------------------------------


def countdown_numbers(start: int) -> tuple[int, ...]:
    """``start`` down to 1."""
    return tuple(range(start, 0, -1))


def countdown_frame(number: int | None, words: Presentation = Presentation()) -> RenderableType:
    """One frame of a scene's countdown (``None`` for its closing words)."""
    text = Text(words.countdown_end if number is None else words.tick(number), style="countdown", justify="center")
    return Constrain(Panel(text, box=box.HEAVY, border_style="border.countdown" if number else "border.countdown.end", padding=(1, 2)), 40)


def countdown_static(start: int = 10, words: Presentation = Presentation()) -> Text:
    """The whole countdown on one line, for plain mode and non-terminals."""
    return Text(" ".join(str(n) for n in countdown_numbers(start)) + " ... " + words.countdown_end,
                style="countdown.line")


# -- help and messages --------------------------------------------------------------------------


def help_screen(*, plain: bool = False) -> RenderableType:
    """The commands a player can type."""
    if plain:
        lines = [Text(_("Commands:"))]
        lines.extend(Text(f"  {_(name)}: {_(meaning)}") for name, meaning in COMMANDS)
        return Group(*lines)
    return Constrain(Panel(CommandList(), title=Text(_("Commands"), style="heading"), title_align="left",
                           box=box.ROUNDED, padding=(0, 1)), MAX_WIDTH)


class CommandList:
    """The commands beside their meanings, or, on a narrow screen, each meaning under its command.

    Side by side at 40 columns the meanings get a dozen columns in Spanish ("guardar NOMBRE (save)"
    is 21 wide) and the list runs to seventy lines of one or two words.
    """

    NARROW = 60

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width >= self.NARROW:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(style="choice.number", no_wrap=True)
            grid.add_column(ratio=1)
            for name, meaning in COMMANDS:
                grid.add_row(_(name), _(meaning))
            yield grid
            return
        from rich.padding import Padding

        for name, meaning in COMMANDS:
            yield Text(_(name), style="choice.number", overflow="fold")
            yield Padding(Text(_(meaning)), (0, 0, 0, 2))


def hint(message: str) -> Text:
    """A short, friendly correction after input the game could not use."""
    return Text(message, style="warning")


def notice(message: str) -> Text:
    """A neutral message (saved, loaded, undone)."""
    return Text(message, style="notice")
