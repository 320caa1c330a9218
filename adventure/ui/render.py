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

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.constrain import Constrain
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from adventure import engine
from adventure.engine import Event, Offer, RunState, StatChanged
from adventure.story.expr import StatType
from adventure.story.model import Presentation, Stat, Story
from adventure.wording import count

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

COMMANDS: tuple[tuple[str, str], ...] = (
    ("NUMBER or words", "take a choice: its number, or part of its label"),
    ("#ID", "take a choice by its stable id (for scripts: '#study')"),
    ("status", "the whole status panel; 'status off' / 'status on' hide or show it after each choice"),
    ("look", "show the scene and its choices again"),
    ("undo", "take back the last choice (also after an ending)"),
    ("save NAME", "keep this moment as the checkpoint NAME, until you save over it; "
                  "every choice is also autosaved to the run's own slot, which never moves a checkpoint"),
    ("load [NAME]", "load a saved run (without NAME: list the saves)"),
    ("help", "this list"),
    ("quit", "leave the game (also q, exit, Ctrl-D); the run stays saved"),
)

METER_MAX_SPAN = 12
"""Int stats whose range spans at most this many steps get a small meter."""
WIDE = 100
"""From this width on, the status groups sit side by side."""
MAX_WIDTH = 100
"""Panels of prose stop growing here: very long lines are hard to read."""


class Meter:
    """A bar of cells, filled in proportion to ``value`` within ``[minimum, maximum]``.

    Filled and empty cells use different characters, so the meter reads the same with
    and without colour (and falls back to ``#``/``-`` on ASCII-only terminals).
    """

    def __init__(self, value: int, minimum: int, maximum: int, cells: int | None = None,
                 style: str = "green", empty_style: str = "dim"):
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

    def __rich_measure__(self, console: Console, options: ConsoleOptions):
        from rich.measure import Measurement

        cells = self._cells(options.max_width)
        return Measurement(cells, cells)


# -- the title screen and chapter cards ------------------------------------------------------


def title_screen(story: Story, *, plain: bool = False) -> RenderableType:
    """The first screen of a new game: the story's title and how to play."""
    chapters = len(story.chapters)
    lines = [
        Text(story.title, style="bold"),
        *([Text(story.subtitle, style="italic")] if story.subtitle else []),
        Text(""),
        Text(f"A text adventure in {count(chapters, 'chapter')}."),
        Text("Type a choice's number or part of its label. Type 'help' for commands."),
    ]
    if plain:
        return Group(*lines, Text(""))
    for line in lines:
        line.justify = "center"
    return _Roomy(Panel(Group(*lines), box=box.DOUBLE, padding=(1, 2), border_style="bright_blue"),
                  Panel(Group(*lines), box=box.DOUBLE, padding=(0, 1), border_style="bright_blue"))


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
    number = f"Chapter {chapter.index + 1}"
    if plain:
        heading = Text(f"{number}: ")
        heading.append(chapter.title)
        if chapter.subtitle:
            heading.append(f" ({chapter.subtitle})")
        return Group(Text(""), heading, Text(""))
    lines = [Text(number.upper(), style="dim", justify="center"),
             Text(chapter.title, style="bold", justify="center")]
    if chapter.subtitle:
        lines.append(Text(chapter.subtitle, style="italic", justify="center"))
    return Padding(Constrain(Panel(Group(*lines), box=box.HEAVY, border_style="yellow", padding=(0, 1)), MAX_WIDTH),
                   (1, 0, 0, 0))


# -- a scene -------------------------------------------------------------------------------


def scene_panel(story: Story, state: RunState, *, plain: bool = False) -> RenderableType:
    """The current scene: its title and text."""
    scene = story.scenes[state.scene]
    body = Text(engine.scene_text(story, state))
    if plain:
        return Group(Text(scene.title, style="bold"), body, Text(""))
    return Constrain(Panel(body, title=Text(scene.title, style="bold"), title_align="left",
                           box=box.ROUNDED, padding=(0, 1), border_style="blue"), MAX_WIDTH)


def choice_list(offers: Sequence[Offer], *, plain: bool = False) -> RenderableType:
    """The numbered choices; locked ones dimmed, with the reason they are locked."""
    if plain:
        lines = [Text("Choices:")]
        for number, offer in enumerate(offers, 1):
            line = Text(f"{number}. ")
            line.append(offer.label)
            if not offer.enabled:
                line.append(f" (locked: {offer.reason})")
            lines.append(line)
        return Group(*lines)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(ratio=1)
    for number, offer in enumerate(offers, 1):
        if offer.enabled:
            grid.add_row(Text(f"{number}.", style="bold cyan"), Text(offer.label))
        else:
            label = Text(offer.label, style="dim")
            label.append(f"\nlocked: {offer.reason}", style="dim italic")
            grid.add_row(Text(f"{number}.", style="dim"), label)
    return grid


def changes_line(story: Story, events: Iterable[Event], *, plain: bool = False) -> Text | None:
    """``Apples 0 → 1 · Trust 2 → 1``: what a choice changed in the shown stats."""
    parts = []
    for event in events:
        if isinstance(event, StatChanged):
            stat = story.stat(event.stat)
            if stat.show:
                parts.append(f"{stat.label} {stat.display(event.old)} → {stat.display(event.new)}")
    if not parts:
        return None
    return Text(("Changed: " if plain else "") + " · ".join(parts), style="" if plain else "dim")


# -- status and progress ---------------------------------------------------------------------


def shown_groups(story: Story) -> list[tuple[str | None, list[Stat]]]:
    """The shown stats by group: ungrouped first, then groups in order of appearance."""
    groups: dict[str | None, list[Stat]] = {None: []}
    for stat in story.stats:
        if stat.show:
            groups.setdefault(stat.group, []).append(stat)
    return [(name, stats) for name, stats in groups.items() if stats]


def _group_title(name: str | None) -> str:
    return name.replace("_", " ").capitalize() if name else "General"


def _has_meter(stat: Stat) -> bool:
    return (stat.type is StatType.INT and stat.minimum is not None and stat.maximum is not None
            and 0 < stat.maximum - stat.minimum <= METER_MAX_SPAN)


class StatusPanel:
    """The shown stats, grouped, with small meters for ints with a narrow range.

    Groups sit side by side from :data:`WIDE` columns on and stack below that; in
    plain mode each group is one line.
    """

    def __init__(self, story: Story, values: Sequence[object], *, plain: bool = False):
        self.story, self.values, self.plain = story, tuple(values), plain

    def _value(self, stat: Stat) -> str:
        return stat.display(self.values[stat.slot])  # type: ignore[arg-type]

    def _plain(self) -> Text:
        text = Text("Status:")
        for name, stats in shown_groups(self.story):
            text.append("\n" + (f"{_group_title(name)}: " if name else ""))
            text.append(", ".join(f"{s.label} {self._value(s)}" for s in stats))
        return text

    def _table(self, groups: list[tuple[str | None, list[Stat]]], meters: bool) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column()
        table.add_column(justify="right", no_wrap=True, style="bold")
        if meters:
            table.add_column(no_wrap=True)
        for name, stats in groups:
            if name is not None:
                table.add_row(Text(_group_title(name), style="bold underline"))
            for stat in stats:
                cells: list[RenderableType] = [Text(stat.label), Text(self._value(stat))]
                if meters and _has_meter(stat):
                    cells.append(Meter(self.values[stat.slot], stat.minimum, stat.maximum))  # type: ignore[arg-type]
                table.add_row(*cells)
        return table

    def _columns(self, console: Console, options: ConsoleOptions,
                 groups: list[tuple[str | None, list[Stat]]], meters: bool) -> RenderableType:
        """Groups in as many side-by-side columns as the width allows (fewer lines on screen).

        Tries every split of the groups, in order, into 1..n columns, and keeps the
        shortest layout whose measured width fits inside the panel.
        """
        room = options.max_width - 4  # panel borders and padding
        best: tuple[int, RenderableType] | None = None
        for split in _splits(len(groups)):
            columns = [self._table(groups[a:b], meters) for a, b in split]
            widths = [console.measure(c, options=options).maximum for c in columns]
            if sum(widths) + 3 * (len(columns) - 1) > room:
                continue
            height = max(sum(len(stats) + (name is not None) for name, stats in groups[a:b]) for a, b in split)
            if best is None or height < best[0]:
                grid = Table.grid(padding=(0, 3))
                for _ in columns:
                    grid.add_column(vertical="top")
                grid.add_row(*columns)
                best = (height, grid)
        return best[1] if best is not None else self._table(groups, meters)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        groups = shown_groups(self.story)
        if self.plain:
            yield self._plain()
            return
        if not groups:
            yield Text("No stats to show.", style="dim")
            return
        width = options.max_width
        meters = width >= 36
        body = self._columns(console, options, groups, meters)
        yield Panel(body, title=Text("Status", style="bold"), title_align="left", box=box.ROUNDED,
                    padding=(0, 1), border_style="magenta", expand=False)


def _splits(n: int) -> list[list[tuple[int, int]]]:
    """Every way to cut ``range(n)`` into contiguous runs: [(start, end), ...] per layout."""
    layouts = []
    for mask in range(1 << max(0, n - 1)):
        cuts = [0] + [i + 1 for i in range(n - 1) if mask >> i & 1] + [n]
        layouts.append(list(zip(cuts, cuts[1:])))
    return layouts


class StatusLine:
    """The ungrouped shown stats on one line, as many as fit, for a screen too short for the panel."""

    HINT = "  ('status' for all)"

    def __init__(self, story: Story, values: Sequence[object]):
        groups = shown_groups(story)
        stats = groups[0][1] if groups else []
        self.parts = [f"{s.label} {s.display(values[s.slot])}" for s in stats]  # type: ignore[arg-type]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - len(self.HINT)
        shown: list[str] = []
        for part in self.parts:
            if len(" · ".join([*shown, part])) > room:
                break
            shown.append(part)
        text = Text(" · ".join(shown) or "Status", style="dim")
        text.append(self.HINT, style="dim italic")
        text.truncate(options.max_width)
        yield text


def status_line(story: Story, state: RunState) -> StatusLine:
    """One line of status for a short screen (see :class:`StatusLine`)."""
    return StatusLine(story, state.values)


def status_panel(story: Story, state: RunState, *, plain: bool = False) -> StatusPanel:
    """The status panel for a run state."""
    return StatusPanel(story, state.values, plain=plain)


class ProgressLine:
    """``Progress  ████░░░░  40%``: the story's progress, sized to the width.

    The label (and the plain-mode sentence) are the story's words, from its
    ``presentation:`` block.
    """

    def __init__(self, percent: int, *, plain: bool = False, label: str = "Progress", sentence: str | None = None):
        self.percent, self.plain = max(0, min(100, percent)), plain
        self.label, self.sentence = label, sentence or label

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.plain:
            yield Text(f"{self.sentence}: {self.percent}%")
            return
        label, figure = f"{self.label} ", f" {self.percent:>3}%"
        cells = max(4, min(50, options.max_width - len(label) - len(figure)))
        text = Text(label, style="dim")
        yield Text.assemble(text, *_bar_segments(self.percent, cells, options.ascii_only), (figure, "bold"))


def _bar_segments(percent: int, cells: int, ascii_only: bool) -> list[tuple[str, str]]:
    filled = round(cells * percent / 100)
    full, empty = ("#", "-") if ascii_only else ("█", "░")
    return [(full * filled, "green"), (empty * (cells - filled), "dim")]


def progress_line(story: Story, state: RunState, *, plain: bool = False) -> ProgressLine:
    """The progress bar of a run state, in the story's words."""
    words = story.presentation
    return ProgressLine(engine.progress(story, state), plain=plain, label=words.progress_label,
                        sentence=words.sentence)


# -- the ending ----------------------------------------------------------------------------------


def ending_screen(story: Story, state: RunState, *, plain: bool = False) -> RenderableType:
    """The epilogue and a summary of the run: turns, how the stats moved, what mattered."""
    ending = story.endings[state.ending] if state.ending else None
    title = f"The End: {ending.title}" if ending else "The End"
    epilogue = Text(engine.ending_text(story, state))
    summary = run_summary(story, state, plain=plain)
    if plain:
        return Group(Text(""), Text(title, style="bold"), epilogue, Text(""), summary)
    return Constrain(Group(
        Panel(epilogue, title=Text(title, style="bold"), title_align="left", box=box.DOUBLE,
              padding=(1, 2), border_style="yellow" if ending and ending.true_ending else "white"),
        Panel(summary, title=Text("Your run", style="bold"), title_align="left", box=box.ROUNDED,
              padding=(0, 1), border_style="dim"),
    ), MAX_WIDTH)


def run_summary(story: Story, state: RunState, *, plain: bool = False) -> RenderableType:
    """Choices made, the shown stats from start to finish, and the choices that mattered."""
    turns = state.turn
    lines: list[Text] = [Text(f"Choices made: {turns}")]
    if plain:
        lines[0] = Text(f"Your run: {count(turns, 'choice')} made.")
    for stat in story.summary_stats:
        start, end = stat.display(stat.initial), stat.display(state.values[stat.slot])
        line = Text(f"{stat.label}: ")
        line.append(f"{start} → {end}" if start != end else end)
        lines.append(line)
    mattered = engine.remembered(story, state)
    lines.append(Text(""))
    lines.append(Text("Choices that mattered:" if mattered else "Choices that mattered: none recorded.",
                      style="" if plain else "bold"))
    for item in mattered:
        line = Text("- " if plain else "• ")
        line.append(item)
        lines.append(line)
    return Group(*lines)


# -- countdowns ------------------------------------------------------------------------------------


def countdown_numbers(start: int) -> tuple[int, ...]:
    """``start`` down to 1."""
    return tuple(range(start, 0, -1))


def countdown_frame(number: int | None, words: Presentation = Presentation()) -> RenderableType:
    """One frame of a scene's countdown (``None`` for its closing words)."""
    text = Text(words.countdown_end if number is None else words.tick(number), style="bold yellow", justify="center")
    return Constrain(Panel(text, box=box.HEAVY, border_style="red" if number else "yellow", padding=(1, 2)), 40)


def countdown_static(start: int = 10, words: Presentation = Presentation()) -> Text:
    """The whole countdown on one line, for plain mode and non-terminals."""
    return Text(" ".join(str(n) for n in countdown_numbers(start)) + " ... " + words.countdown_end,
                style="bold")


# -- help and messages --------------------------------------------------------------------------


def help_screen(*, plain: bool = False) -> RenderableType:
    """The commands a player can type."""
    if plain:
        lines = [Text("Commands:")]
        lines.extend(Text(f"  {name}: {meaning}") for name, meaning in COMMANDS)
        return Group(*lines)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column(ratio=1)
    for name, meaning in COMMANDS:
        grid.add_row(name, meaning)
    return Constrain(Panel(grid, title=Text("Commands", style="bold"), title_align="left", box=box.ROUNDED,
                           padding=(0, 1)), MAX_WIDTH)


def hint(message: str, *, plain: bool = False) -> Text:
    """A short, friendly correction after input the game could not use."""
    return Text(message, style="" if plain else "yellow")


def notice(message: str, *, plain: bool = False) -> Text:
    """A neutral message (saved, loaded, undone)."""
    return Text(message, style="" if plain else "cyan")
