"""``million-miles schema``: print the JSON Schema of story and chapter files, for editors.

Exit codes: 0 printed (or written), 2 usage error.

Typical use::

    million-miles schema > million-miles.schema.json
    # then, first line of a story file:
    # yaml-language-server: $schema=./million-miles.schema.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from adventure.base.errors import UsageError
from adventure.base.messages import _


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schema`` sub-command."""
    p = commands.add_parser(
        "schema",
        help=_("print the JSON Schema of story files (for editor completion and hover text)"),
        description=_("Print one JSON Schema (draft 2020-12) that accepts a story file (story.yaml) and a "
        "chapter file, for the YAML language server and other editors. Exit 0, or 2 on usage errors."),
    )
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE",
                   help=_("write the schema to FILE instead of standard output"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print or write the schema; returns 0."""
    from adventure.cli._output import write_output
    from adventure.story.schema import story_schema

    write_output(json.dumps(story_schema(), indent=2, ensure_ascii=False) + "\n", args.output, UsageError)
    return 0
