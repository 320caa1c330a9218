"""The ``million-miles(1)`` manual page, generated from the same argument parsers the command runs with.

``python -m adventure.cli.manpage > docs/million-miles.1`` regenerates it; the test
suite fails when the committed page no longer matches the parsers. The sdist carries
it in ``docs/``, and the wheel installs it as ``share/man/man1/million-miles.1``, where
pipx and a venv's ``man`` path find it. No date is written, so the page (and the wheel)
stays reproducible.
"""

from __future__ import annotations

import argparse
import sys

from adventure import __version__

ENVIRONMENT = (
    ("MILLION_MILES_SAVE_DIR", "the save folder (default: the user data folder, e.g. ~/.local/share/million-miles/saves)"),
    ("MILLION_MILES_CACHE_DIR", "the story cache (default: the user cache folder)"),
    ("MILLION_MILES_NO_CACHE", "1 loads every story from its files, never from the cache"),
    ("LANGUAGE, LC_ALL, LC_MESSAGES, LANG", "the language of the story and the program's words, when --lang is not given"),
    ("NO_COLOR, FORCE_COLOR, TERM", "colour off, colour on when piped, TERM=dumb for no redraws"),
)


def _roff(text: str) -> str:
    """Text safe inside a roff line: backslashes and hyphens escaped, no line starting a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        text = text % {**vars(action), "prog": "million-miles"}
    return text


def _option(action: argparse.Action) -> list[str]:
    if action.help == argparse.SUPPRESS:
        return []
    if action.option_strings:
        names = ", ".join(f"\\fB{_roff(o)}\\fR" for o in action.option_strings)
        if action.nargs != 0:
            metavar = action.metavar or (("{" + ",".join(map(str, action.choices)) + "}") if action.choices
                                         else action.dest.upper())
            names += f" \\fI{_roff(str(metavar))}\\fR"
    else:
        metavar = action.metavar or (("{" + ",".join(map(str, action.choices)) + "}") if action.choices
                                     else action.dest)
        names = f"\\fI{_roff(str(metavar))}\\fR"
    return [".TP", names, _roff(_help(action))]


def manpage(parser: argparse.ArgumentParser) -> str:
    """The whole page in roff (``man -l`` shows it)."""
    from adventure.cli.completion import _subparsers

    lines = [f'.TH MILLION\\-MILES 1 "" "million\\-miles {_roff(__version__)}" "User Commands"',
             ".SH NAME", "million\\-miles \\- " + _roff(parser.description or ""),
             ".SH SYNOPSIS", ".B million\\-miles", "[\\fICOMMAND\\fR] [\\fIOPTIONS\\fR]",
             ".SH DESCRIPTION", _roff(parser.epilog or ""), ".SH OPTIONS"]
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            lines += _option(action)
    lines.append(".SH COMMANDS")
    for name, sub in _subparsers(parser).items():
        lines += [f'.SS "million\\-miles {_roff(name)}"', _roff(sub.description or ""), ".PP",
                  ".B million\\-miles " + _roff(name) + " " + _roff(_usage(sub))]
        for action in sub._actions:
            if not isinstance(action, argparse._HelpAction):
                lines += _option(action)
    lines.append(".SH ENVIRONMENT")
    for name, meaning in ENVIRONMENT:
        lines += [".TP", f"\\fB{_roff(name)}\\fR", _roff(meaning)]
    lines += [".SH EXIT STATUS", "0 success; 1 a failure (a story that does not load, a run that diverges, "
              "a file that cannot be read or written); 2 a usage error; 130 interrupted.",
              ".SH SEE ALSO", "million\\-miles about (the author's note); docs/authoring.md (the story format)."]
    return "\n".join(lines) + "\n"


def _usage(sub: argparse.ArgumentParser) -> str:
    """The usage line without its ``usage: million-miles NAME`` prefix, on one line."""
    formatter = argparse.HelpFormatter(prog="", width=10_000)
    formatter.add_usage(sub.usage, sub._actions, sub._mutually_exclusive_groups, prefix="")
    return " ".join(formatter.format_help().split())


def main() -> None:
    """Print the page for the full parser."""
    from adventure.cli import build_parser

    sys.stdout.write(manpage(build_parser()))


if __name__ == "__main__":
    main()
