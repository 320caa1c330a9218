"""`million-miles replay` (being built: registered so the CLI wiring can be tested)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``replay`` sub-command."""
    p = commands.add_parser("replay", help="replay (in progress)")
    p.set_defaults(handler=lambda args: 2)
