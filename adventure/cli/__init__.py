"""The ``million-miles`` command line: parse arguments, run a command, map errors to exits.

Each command lives in its own module here and registers its sub-parser; this module
only wires them together and is the single place where expected errors become a
one-paragraph message and an exit code (0 success, 1 failure, 2 usage, 130 interrupted).
Imports of Rich, prompt_toolkit and the engine are deferred into the commands so that
``--help`` and start-up stay fast.

Typical use::

    million-miles                      # play the shipped story
    million-miles check scenes/ --json
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from adventure import __version__
from adventure.cli import check, endings, graph, i18n, play, replay, saves, schema
from adventure.cli._args import ArgumentParser

_COMMANDS = (play, check, replay, saves, endings, graph, schema, i18n)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, one sub-parser per command module."""
    parser = ArgumentParser(
        prog="million-miles",
        description="Million Miles: play, check and replay text adventures written in YAML.",
        epilog="Run without a command to start playing. 'million-miles COMMAND --help' for details.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or args_list[0].startswith("-") and args_list[0] not in {"-h", "--help", "--version"}:
        args_list = ["play", *args_list]
    args = parser.parse_args(args_list)
    from adventure.cli._edge import run_command

    return run_command(args.handler, args)
