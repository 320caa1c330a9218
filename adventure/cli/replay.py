"""``million-miles replay RUN``: watch a saved run, verify it, or export its transcript.

``RUN`` is a slot name in the save folder or the path of a run file. The story is the
one given with ``--scenes``, else the folder a shipped run names in its ``scenes:``
field (relative to the run file), else the shipped story.

``--export FILE`` (or ``-o FILE``) writes the transcript in the format its name or
``--format`` asks for: ``txt``, ``md``, ``html`` (documents with the same content),
``cast`` (an asciicast v2 recording of the replay) or ``svg`` (its last screen, or step
``--to N``); ``-`` is standard output. Nothing else is printed.

Exit codes: 0 done (or stopped with ``q``), 1 the run diverges from the story or cannot
be read, 2 usage error, 130 interrupted. ``--verify --json`` prints one JSON object:
``ok, run, steps, applied, ending, divergence`` (``divergence`` is ``null`` or
``{step, scene, choice, reason, available, changed}``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.base.errors import SaveError, UsageError
from adventure.base.messages import _, ngettext
from adventure.cli._args import json_document, positive_int
from adventure.i18n.language import add_argument as add_language_argument

if TYPE_CHECKING:
    from rich.console import Console

    from adventure.saves.runfile import RunRecord
    from adventure.saves.transcript import Transcript
    from adventure.saves.verify import Verification
    from adventure.story.model import Story
    from adventure.ui.exports import Recording

RECORDING_WIDTH = 100
RECORDING_HEIGHT = 40


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``replay`` sub-command."""
    p = commands.add_parser(
        "replay",
        help=_("play a saved run back, verify it against the story, or export its transcript"),
        description=_("Replay a saved run (a slot name or a run file) as the player saw it. "
        "--verify checks headlessly that it still reaches its saved state (exit 1 with a report if not)."),
    )
    p.add_argument("run", metavar="RUN", help=_("slot name (see 'million-miles saves') or path to a run file"))
    p.add_argument("--scenes", type=Path, default=None, metavar="DIR", help=_("story folder (default: the run's own, else the shipped story)"))
    p.add_argument("--save-dir", type=Path, default=None, metavar="DIR", help=_("where slot names are looked up"))
    p.add_argument("--verify", action="store_true", help=_("replay headlessly and compare with the saved snapshot"))
    p.add_argument("--json", action="store_true", help=_("with --verify: print one JSON object"))
    p.add_argument("--export", type=Path, default=None, metavar="FILE",
                   help=_("write the transcript to FILE (.txt, .md, .html, .cast or .svg; - for standard output)"))
    p.add_argument("-o", "--output", type=Path, default=None, metavar="FILE", help=_("the same as --export FILE"))
    p.add_argument("--format", choices=("txt", "md", "html", "cast", "svg"), default=None,
                   help=_("export format (default: from the file name; without a file, to standard output)"))
    p.add_argument("--width", type=positive_int, default=RECORDING_WIDTH, metavar="N",
                   help=_("columns of a .cast or .svg export (default %(default)s)"))
    p.add_argument("--height", type=positive_int, default=RECORDING_HEIGHT, metavar="N",
                   help=_("rows of a .cast export (default %(default)s)"))
    p.add_argument("--speed", type=_speed, default=1.0, metavar="X",
                   help=_("pace: 2 plays twice as fast, 0.5 half as fast (default 1; 0 = no pauses)"))
    p.add_argument("--step", action="store_true", help=_("advance with Enter (q then Enter stops)"))
    p.add_argument("--to", type=positive_int, default=None, metavar="N", help=_("stop after step N"))
    p.add_argument("--plain", action="store_true", help=_("no colour and no boxes"))
    add_language_argument(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to verify, export or playback; returns the exit code."""
    if args.json and not args.verify:
        raise UsageError("--json goes with --verify")
    target = export_target(args)
    if args.verify:
        return _run_verify(args, target)
    record = load_record(args.run, args.save_dir)
    story = story_for(record, args.scenes, args.lang)
    from adventure.saves.transcript import build_transcript

    transcript = build_transcript(story, record)
    if target is not None:
        export(transcript, target, story, _recording(args))
        return 0
    from adventure.ui.console import make_console, stdout_is_terminal

    console = make_console(plain=args.plain)
    from adventure.ui.playback import play_back

    animate = stdout_is_terminal() and not args.plain
    return play_back(transcript, console, speed=args.speed, step_mode=args.step, stop_after=args.to, animate=animate,
                     story=story, plain=args.plain)


def load_record(run: str, save_dir: Path | None) -> RunRecord:
    """Read a run by slot name or path."""
    from adventure.saves.store import SaveStore, default_save_dir

    return SaveStore(save_dir or default_save_dir()).read(run)


def story_folder(record: RunRecord, scenes: Path | None) -> Path:
    """``--scenes``, else the run's ``scenes:`` folder (relative to its file), else the shipped story.

    A recorded folder that is gone is a :class:`SaveError` (MM512) naming it.
    """
    if scenes is not None:
        return scenes
    from adventure.saves.store import recorded_folder

    recorded = recorded_folder(record)
    if recorded is not None:
        return recorded
    from adventure.base.resources import default_scenes_dir

    return default_scenes_dir()


def story_for(record: RunRecord, scenes: Path | None, language: str | None = None) -> Story:
    """Load the story a run is replayed against, in the language asked for or the environment's.

    Runs record ids only, so a run played in one language replays in any other.
    Raises StoryLoadError / UsageError on failure.
    """
    from adventure.cli._memory import bulk
    from adventure.i18n.language import load_in

    folder = story_folder(record, scenes)
    if not folder.is_dir():
        raise UsageError(f"story folder '{folder}' does not exist or is not a folder")
    with bulk():
        return load_in(folder, language)


@dataclass(frozen=True)
class ExportTarget:
    """Where an export goes (``None``: standard output) and in which format."""

    path: Path | None
    format: str


def export_target(args: argparse.Namespace) -> ExportTarget | None:
    """The export asked for by ``--export``/``-o``/``--format``, or ``None``; a :class:`UsageError` if unclear."""
    from adventure.ui.exports import SUFFIXES

    if args.export is not None and args.output is not None:
        raise UsageError("give --export FILE or -o FILE, not both")
    path: Path | None = args.export if args.export is not None else args.output
    if path is None and args.format is None:
        return None
    if path is None or str(path) == "-":
        if args.format is None:
            raise UsageError("--export - writes to standard output: say which format with --format txt|md|html|cast|svg")
        return ExportTarget(None, args.format)
    if path.is_dir():
        raise UsageError(f"'{path}' is a folder; give a file name to export to")
    fmt = args.format or SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"cannot export to '{path}': use a .txt, .md, .html, .cast or .svg file name, or --format")
    return ExportTarget(path, fmt)


def _recording(args: argparse.Namespace) -> Recording:
    from adventure.ui.exports import Recording

    return Recording(width=args.width, height=args.height, speed=args.speed, stop_after=args.to)


def export(transcript: Transcript, target: ExportTarget, story: Story, recording: Recording | None = None) -> None:
    """Write a transcript in the target's format, to its file or to standard output."""
    from adventure.ui.exports import Recording, export_text

    text = export_text(transcript, story, target.format, recording or Recording())
    if target.path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        target.path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SaveError(f"could not write the transcript: {exc.strerror or exc}", str(target.path)) from None


def _run_verify(args: argparse.Namespace, target: ExportTarget | None) -> int:
    from adventure.base.errors import StoryLoadError

    try:
        record = load_record(args.run, args.save_dir)
        story = story_for(record, args.scenes, args.lang)
        from adventure.saves.verify import verify

        report = verify(story, record, name=args.run)
    except (SaveError, StoryLoadError) as exc:
        if not args.json:
            raise
        error = {"ok": False, "run": args.run, "steps": None, "applied": None, "ending": None, "divergence": None,
                 "error": str(exc), "hint": getattr(exc, "hint", None), "code": getattr(exc, "code", None)}
        sys.stdout.write(json_document(error))
        return 1
    if target is not None:
        from adventure.saves.transcript import build_transcript

        export(build_transcript(story, record), target, story, _recording(args))
    if args.json:
        from adventure.base.messages import english
        from adventure.play.notices import stop_reason

        with english():  # like "error", the reason in JSON is English whatever --lang says
            data = report.to_dict(stop_reason)
        sys.stdout.write(json_document({**data, "error": None, "hint": None, "code": None}))
    else:
        from adventure.ui.console import make_console

        print_verification(make_console(plain=args.plain), report, story)
    return 0 if report.ok else 1


def print_verification(console: Console, report: Verification, story: Story) -> None:
    """The human report: one line when it holds, the divergence in detail when not."""
    from rich.table import Table
    from rich.text import Text

    if report.ok:
        ending = (_(", ending '{ending}'").format(ending=report.ending) if report.ending
                  else _(", unfinished"))
        line = Text(ngettext("✓ {run}: {count} step replays to the saved state{ending}",
                             "✓ {run}: {count} steps replay to the saved state{ending}", report.steps).format(
            run=report.run, count=report.steps, ending=ending), style="success")
        if report.story_changed:
            line.append(_("  (the story files changed since it was saved; the path still holds)"), style="muted")
        console.print(line, soft_wrap=True)
        return
    from adventure.play.notices import stop_reason

    d = report.stopped
    assert d is not None
    console.print(Text(_("✗ {run}: diverges at step {step} of {steps} ({applied} applied)").format(
        run=report.run, step=d.step, steps=report.steps, applied=report.applied), style="error"), soft_wrap=True)
    details = Table.grid(padding=(0, 2))
    details.add_column(style="muted")
    details.add_column()
    details.add_row(_("scene"), Text(d.scene))
    details.add_row(_("choice taken"), Text(d.choice))
    details.add_row(_("why"), Text(stop_reason(d)))
    if d.available:
        details.add_row(_("available now"), Text(", ".join(d.available)))
    console.print(details)
    if report.changed:
        table = Table(title=Text(_("snapshot vs replay"), style="heading"), title_justify="left")
        table.add_column(_("field"))
        table.add_column(_("snapshot"))
        table.add_column(_("replayed"))
        for key, values in report.changed.items():
            table.add_row(Text(key), Text(repr(values["snapshot"])), Text(repr(values["replayed"])))
        console.print(table)



def _speed(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number, got {value}").format(value=repr(value))) from None
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number
