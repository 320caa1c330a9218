"""``million-miles lsp``: the language server, over standard input and output.

An editor starts it (see docs/authoring.md for VS Code, Neovim, Helix and Emacs);
it speaks the Language Server Protocol on stdin/stdout and logs to the editor. The
server needs the ``lsp`` extra (pygls); without it the command says what to install
and exits 1.

Exit codes: 0 when the editor shuts it down, 1 when pygls is not installed.
"""

from __future__ import annotations

import argparse
import sys

from adventure.base.messages import _
from adventure.cli._args import positive_int

INSTALL = "pip install 'million-miles[lsp]'"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``lsp`` sub-command."""
    p = commands.add_parser(
        "lsp",
        help=_("run the language server for story files (editors start it; it talks over stdin/stdout)"),
        description=_("A language server for story folders: diagnostics as you type (the checks of "
        "'million-miles check'), explorer findings on save, completion, go to definition, references, "
        "hover, rename and symbols. Started by an editor; speaks LSP on standard input and output."),
    )
    p.add_argument("--max-states", type=positive_int, default=None, metavar="N",
                   help=_("state budget of the explorer run on each save (default: as check --explore)"))
    p.add_argument("--no-explore", action="store_true", help=_("do not run the explorer on save"))
    p.add_argument("--debounce", type=float, default=None, metavar="SECONDS",
                   help=_("the pause after typing before the story is checked again (default 0.3)"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until the editor says exit; 1 when pygls is missing."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        sys.stderr.write(f"million-miles: the language server needs pygls: {INSTALL}\n")
        return 1
    from adventure.analysis.explore import default_budget
    from adventure.cli._memory import serving
    from adventure.lsp.server import DEBOUNCE_SECONDS, build_server

    debounce = DEBOUNCE_SECONDS if args.debounce is None else min(max(args.debounce, 0.0), 10.0)
    server = build_server(args.max_states or default_budget(), explore_on_save=not args.no_explore,
                          debounce=debounce)
    try:
        with serving():  # the collector policy for the server's life (see cli/_memory.py)
            server.start_io()
    finally:
        server.close()
        import os

        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the protocol owned stdout and has closed it
    return 0
