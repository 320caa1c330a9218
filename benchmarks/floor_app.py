"""The floor for an interactive start-up: Rich draws a panel and two choices, then prompt_toolkit reads.

What any Rich + prompt_toolkit game must pay before a player can type, with no story
loaded, no save slot locked and no code of ours: ``bench_startup.py`` times the game to
its live prompt against this program to its live prompt, in the same pseudo-terminal,
interleaved.

    python benchmarks/floor_app.py "first choice label" "second choice label" [prompt]
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.panel import Panel
from rich.text import Text


def main(argv: list[str]) -> None:
    first, second, *rest = argv
    console = Console()
    console.print(Panel(Text("A scene's opening paragraph, as long as a line or two of the game's own."),
                        title="A scene"))
    console.print(Text.assemble(("1. ", "bold cyan"), first))
    console.print(Text.assemble(("2. ", "bold cyan"), second))
    if rest == ["prompt"]:
        from prompt_toolkit import PromptSession

        PromptSession().prompt("> ")


if __name__ == "__main__":
    main(sys.argv[1:])
