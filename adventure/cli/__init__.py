"""The ``million-miles`` command line: parse arguments, run a command, map errors to exits.

Each command lives in its own module here and registers its sub-parser; this module
only wires them together and is the single place where expected errors become a
one-paragraph message and an exit code (0 success, 1 failure, 2 usage, 130 interrupted).
Only the module of the command being run is imported (all of them for ``--help`` or
a mistyped command), and imports of Rich, prompt_toolkit and the engine are deferred
into the commands, so that start-up stays fast.

Typical use::

    million-miles                      # play the shipped story
    million-miles check scenes/ --json
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from adventure import __version__
from adventure.base.messages import _
from adventure.cli._args import ArgumentParser, speak_the_language

COMMANDS = ("play", "check", "replay", "saves", "endings", "graph", "schema", "i18n", "lsp", "about", "completion")
"""Command names, each a module of this package with ``register(commands)``, in help order."""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: one sub-parser per command module (or just ``only``'s)."""
    parser = ArgumentParser(
        prog="million-miles",
        description=_("Million Miles: play, check and replay text adventures written in YAML."),
        epilog=_("Run without a command to start playing. 'million-miles COMMAND --help' for details."),
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}",
                        help=_("show program's version number and exit"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"adventure.cli.{name}").register(commands)
    for sub in commands.choices.values():
        sub.add_argument("--no-cache", action="store_true",
                         help=_("load the story from its files, not from the story cache "
                              "(also: MILLION_MILES_NO_CACHE=1)"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in {"-h", "--help", "-V", "--version"}):
        args_list = ["play", *args_list]
    speak_the_language(args_list)
    parser = build_parser(args_list[0] if args_list[0] in COMMANDS else None)
    args = parser.parse_args(args_list)
    if getattr(args, "no_cache", False):
        import os

        from adventure.story.cache import ENV_OFF

        os.environ[ENV_OFF] = "1"
    from adventure.cli._edge import run_command

    return run_command(args.handler, args)
