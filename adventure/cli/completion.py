"""``million-miles completion bash|zsh|fish``: a shell completion script generated from the real parsers.

bash and zsh scripts come from shtab, which reads the same argparse parsers the
command runs with, so a new flag completes as soon as it exists; fish (which shtab
does not write) gets ``complete`` lines generated here from the same parsers. Option
values that are files or folders complete as paths, and ``play --start`` completes
the shipped story's scene ids (read once, when the script is made).

Typical use::

    million-miles completion bash > ~/.local/share/bash-completion/completions/million-miles
    million-miles completion fish > ~/.config/fish/completions/million-miles.fish
    eval "$(million-miles completion zsh)"   # or save it as _million-miles on $fpath

Exit codes: 0 printed, 2 usage error.
"""

from __future__ import annotations

import argparse
import re
import sys

from adventure.base.messages import _

SHELLS = ("bash", "zsh", "fish")
PROG = "million-miles"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``completion`` sub-command."""
    p = commands.add_parser(
        "completion",
        help=_("print a shell completion script (bash, zsh or fish)"),
        description=_("Print a completion script for your shell, generated from million-miles' own "
        "argument parsers: commands, options, files, and scene ids for 'play --start'."),
    )
    p.add_argument("shell", choices=SHELLS, help=_("the shell to complete in"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the script; returns 0."""
    sys.stdout.write(script(args.shell))
    return 0


def script(shell: str) -> str:
    """The completion script for ``shell``, from the full parser."""
    from adventure.cli import build_parser

    parser = build_parser()
    scenes = _scene_ids()
    if shell == "fish":
        return fish_script(parser, scenes)
    import shtab

    _mark_paths(parser, shtab)
    words = " ".join(scenes)
    start = _find_option(parser, "play", "--start")
    if start is not None:
        start.complete = {"bash": "_million_miles_scenes", "zsh": f"({words})"}  # type: ignore[attr-defined]
    preamble = {"bash": f'_million_miles_scenes() {{ compgen -W "{words}" -- "$1"; }}\n', "zsh": ""}[shell]
    return str(shtab.complete(parser, shell=shell, preamble=preamble))


def _scene_ids() -> list[str]:
    """The shipped story's scene ids (nothing if it cannot be read: completion never fails for it)."""
    from adventure.base.errors import MillionMilesError
    from adventure.base.resources import default_scenes_dir
    from adventure.story.loader import load_story

    try:
        story = load_story(default_scenes_dir())
    except (MillionMilesError, OSError):  # a damaged installation still gets its commands completed
        return []
    return sorted(s for s in story.scenes if re.fullmatch(r"[A-Za-z0-9_.-]+", s))


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _find_option(parser: argparse.ArgumentParser, command: str, flag: str) -> argparse.Action | None:
    sub = _subparsers(parser).get(command)
    if sub is None:
        return None
    return next((a for a in sub._actions if flag in a.option_strings), None)


def _mark_paths(parser: argparse.ArgumentParser, shtab: object) -> None:
    """Options whose metavar is a file or folder complete as paths."""
    for sub in [parser, *_subparsers(parser).values()]:
        for action in sub._actions:
            if action.metavar in ("FILE", "RUN") or (not action.option_strings and action.metavar == "RUN"):
                action.complete = shtab.FILE  # type: ignore[attr-defined]
            elif action.metavar in ("DIR", "SCENES_DIR"):
                action.complete = shtab.DIRECTORY  # type: ignore[attr-defined]


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish_script(parser: argparse.ArgumentParser, scenes: list[str]) -> str:
    """fish ``complete`` lines: the commands, then each command's options (with their choices)."""
    subs = _subparsers(parser)
    names = " ".join(subs)
    lines = [f"# fish completion for {PROG}, generated from its argument parsers", f"complete -c {PROG} -f"]
    helps: dict[str, str | None] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps.update((choice.dest, choice.help) for choice in action._choices_actions)
    for name in subs:
        lines.append(f"complete -c {PROG} -n 'not __fish_seen_subcommand_from {names}' -a {name}"
                     + (f" -d {_fish_quote(str(helps[name]))}" if helps.get(name) else ""))
    lines += _fish_options(parser, f"not __fish_seen_subcommand_from {names}", scenes)
    for name, sub in subs.items():
        lines += _fish_options(sub, f"__fish_seen_subcommand_from {name}", scenes)
    return "\n".join(lines) + "\n"


def _fish_options(parser: argparse.ArgumentParser, condition: str, scenes: list[str]) -> list[str]:
    lines = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        flags = []
        for option in action.option_strings:
            flags.append(f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}")
        spec = f"complete -c {PROG} -n {_fish_quote(condition)}"
        takes_value = action.nargs != 0
        values = ""
        if action.choices:
            values = f" -x -a {_fish_quote(' '.join(map(str, action.choices)))}"
        elif action.option_strings == ["--start"] and scenes:
            values = f" -x -a {_fish_quote(' '.join(scenes))}"
        elif takes_value and action.metavar in ("FILE", "RUN", "DIR", "SCENES_DIR"):
            values = " -F -r"
        elif takes_value and action.option_strings:
            values = " -x"
        if not flags and not values:
            continue
        described = f" -d {_fish_quote(action.help.split('(')[0].strip())}" if action.help else ""
        lines.append(f"{spec} {' '.join(flags)}{values}{described}".replace("  ", " "))
    return lines
