"""Argument types shared by the commands, so every command rejects bad numbers alike."""

from __future__ import annotations

import argparse
from typing import NoReturn

from adventure.safetext import escape_controls


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with error messages escaped: "unrecognized arguments" echoes them raw."""

    def error(self, message: str) -> NoReturn:
        super().error(escape_controls(message))


def positive_int(value: str) -> int:
    """A whole number of at least 1 (argparse turns the error into exit code 2)."""
    try:
        number = int(value) if len(value) <= 30 else None
    except ValueError:
        number = None
    if number is None:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {_short(value)!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


SEED_LIMIT = 1 << 64
"""Seeds are 64-bit: the generator keeps only the low 64 bits anyway."""


def seed_number(value: str) -> int:
    """A whole number in ``[-2**64, 2**64)``; longer ones are refused before ``int()`` sees them.

    ``int()`` of thousands of digits raises (Python's str-digits limit) and would echo
    the whole number in argparse's message.
    """
    text = value.strip()
    digits = text.lstrip("+-").lstrip("0")
    if len(digits) > 20 or not text.lstrip("+-").isdigit() or not text.isascii():
        raise argparse.ArgumentTypeError(f"expected a whole number below 2**64, got {_short(value)!r}")
    number = int(text)
    if not -SEED_LIMIT <= number < SEED_LIMIT:
        raise argparse.ArgumentTypeError(f"expected a whole number below 2**64, got {_short(value)!r}")
    return number


def _short(value: str, limit: int = 24) -> str:
    return value if len(value) <= limit else f"{value[:limit - 3]}..."
