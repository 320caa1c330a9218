"""``million-miles graph``: write the scene graph as Graphviz DOT or a Mermaid flowchart.

Unreachable scenes are marked from an exhaustive exploration when the state space fits
the budget (``--max-states``); otherwise from structural reachability (every condition
assumed satisfiable), which can only miss dead scenes, never invent them.

Exit codes: 0 written, 1 the story failed to load, 2 usage error.

Typical use::

    million-miles graph scenes/ -o story.dot && dot -Tsvg story.dot -o story.svg
    million-miles graph scenes/ --format mermaid > story.mmd
"""

from __future__ import annotations

import argparse
from pathlib import Path

from adventure.base.errors import UsageError
from adventure.base.messages import _
from adventure.cli._args import positive_int

GRAPH_BUDGET = 200_000
"""States the graph command explores to mark unreachable scenes before falling back."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``graph`` sub-command."""
    p = commands.add_parser(
        "graph",
        help=_("write the scene graph (Graphviz dot or Mermaid) for authors"),
        description=_("Write the story's scene graph: chapters as clusters, endings highlighted, "
        "locked choices labelled with their condition, random outcomes with their weights, "
        "unreachable scenes marked. Exit 0 on success, 1 when the story fails to load, 2 on usage errors."),
    )
    p.add_argument("scenes", nargs="?", metavar="SCENES_DIR", help=_("folder holding story.yaml (default: the shipped story)"))
    p.add_argument("--format", choices=("dot", "mermaid"), default="dot", help=_("output format (default: dot)"))
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE", help=_("write to FILE instead of stdout"))
    p.add_argument("--max-states", type=positive_int, default=GRAPH_BUDGET, metavar="N",
                   help=_("exploration budget for marking unreachable scenes (default %(default)s)"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Load the story, work out what is unreachable, write the graph; returns the exit code."""
    from adventure.analysis.explore import explore, reachable_scenes
    from adventure.analysis.graph import render_graph
    from adventure.base.resources import default_scenes_dir
    from adventure.cli._memory import bulk, decoded, paused
    from adventure.cli._output import write_output
    from adventure.story.loader import load_story

    folder = Path(args.scenes) if args.scenes else default_scenes_dir()
    if not folder.is_dir():
        raise UsageError(f"story folder '{folder}' does not exist or is not a folder")
    if args.output is not None and args.output.is_dir():
        raise UsageError(f"'{args.output}' is a folder; give a file name for -o")
    with bulk():
        story = load_story(folder)  # StoryLoadError: the CLI edge prints the diagnostics, exit 1
    decoded(story)  # the graph draws every scene
    with paused():  # the search makes no cycles
        exploration = explore(story, max_states=args.max_states)
    if exploration.complete:
        unreachable = set(exploration.unreachable_scenes)
        never_enabled = set(exploration.never_enabled_choices)
        never_enabled.update(c for c in exploration.unreachable_choices if c[0] not in unreachable)
        note = (f"unreachable scenes and never-enabled choices from a complete exploration "
                f"({exploration.states} states)")
    else:
        structural = reachable_scenes(story)
        unreachable = {s for s in story.scenes if s not in structural}
        never_enabled = set()
        note = (f"the state space exceeds {args.max_states} states: unreachable scenes are marked "
                "structurally (conditions assumed satisfiable)")
    write_output(render_graph(story, args.format, unreachable, never_enabled, note), args.output)
    return 0

