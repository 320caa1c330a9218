"""`million-miles saves` (being built: registered so the CLI wiring can be tested)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``saves`` sub-command."""
    p = commands.add_parser("saves", help="saves (in progress)")
    p.set_defaults(handler=lambda args: 2)
