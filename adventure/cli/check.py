"""``million-miles check``: validate a story folder and report, for people or machines.

Exit codes: 0 the story is valid, 1 it has errors (or, with ``--explore``, soft-locks,
traps or unreachable endings), 2 usage error (bad arguments, missing folder).
``--json`` prints exactly one JSON object whose fields other tools rely on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.cli._args import json_document, positive_int, seed_number
from adventure.errors import Diagnostic, SaveError, UsageError
from adventure.messages import _
from adventure.wording import count

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from adventure.i18n.translate import TranslationReport
    from adventure.story.loader import LoadReport
    from adventure.story.model import Story


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` sub-command."""
    p = commands.add_parser(
        "check",
        help=_("validate a story folder (and, with --explore, prove it can be finished)"),
        description=_("Load and validate a story: every key, id, reference and expression. "
        "Exit 0 when valid, 1 when the story has errors, 2 on usage errors."),
    )
    p.add_argument("scenes", nargs="?", metavar="SCENES_DIR",
                   help=_("folder holding story.yaml (default: the current folder when it holds a story.yaml, "
                   "else the shipped story)"))
    p.add_argument("--json", action="store_true", help=_("print one JSON object instead of the Rich report"))
    p.add_argument("--plain", action="store_true", help=_("no colour, no boxes, no symbols: lines a screen reader reads well"))
    p.add_argument("--explore", action="store_true", help=_("explore every reachable state: endings, soft-locks, traps"))
    p.add_argument("--max-states", type=positive_int, default=None, metavar="N",
                   help=_("state budget for --explore before falling back to random play "
                        "(default: 200000, or more when this machine's memory allows)"))
    p.add_argument("--random", type=positive_int, default=None, metavar="N", help=_("play N random runs and report coverage"))
    p.add_argument("--seed", type=seed_number, default=0, metavar="S", help=_("seed for --random (default 0)"))
    p.add_argument("--strict-translations", action="store_true",
                   help=_("missing and stale translations are errors (exit 1), not warnings"))
    p.add_argument("--write-runs", type=Path, default=None, metavar="DIR",
                   help=_("with --explore: write the shortest run to each ending into DIR"))
    p.add_argument("--run-prefix", default=None, metavar="PREFIX",
                   help=_("with --write-runs: each run is named PREFIX + the ending's id "
                        "(default: the story's id and a hyphen; '' for the ending's id alone)"))
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the story and print the report; returns the exit code."""
    from adventure.cli._memory import settle
    from adventure.paths import default_scenes_dir
    from adventure.story.loader import check_story

    folder = Path(args.scenes) if args.scenes else story_folder(Path.cwd(), default_scenes_dir())
    if not folder.is_dir():
        raise UsageError(f"story folder '{folder}' does not exist or is not a folder")
    if args.write_runs and not args.explore:
        raise UsageError("--write-runs needs --explore")
    if args.run_prefix is not None:
        _check_run_prefix(args)
    report = check_story(folder)
    if report.story is not None:
        settle(report.story)
    console = None
    translations = check_translations(report, args.strict_translations)
    if not args.json:  # Rich only for the table: --json stays as fast as reading the YAML
        from adventure.ui.console import make_console

        console = make_console(plain=args.plain)
        console.print(checked_line(folder, report))
        print_report(console, folder, report, translations, plain=args.plain)
    explore_data, explore_exit = None, 0
    if report.story is not None and report.ok and (args.explore or args.random):
        explore_data, explore_exit = check_explore(report.story, args, console)
    if args.json:
        data = summary(report)
        data["story"] = {"title": report.title, "folder": str(folder.resolve())}
        data["translations"] = {}  # the same keys whether or not the story loaded
        if translations:
            data["errors"] = [*data["errors"], *(d.to_dict() for t in translations for d in t.errors)]  # type: ignore[misc]
            data["warnings"] = [*data["warnings"], *(d.to_dict() for t in translations for d in t.warnings)]  # type: ignore[misc]
            data["translations"] = {t.language: t.counts.to_dict() for t in translations}
            data["ok"] = report.ok and not any(t.errors for t in translations)
        if explore_data is not None:
            data["explore"] = explore_data
        sys.stdout.write(json_document(data))
    if not report.ok or any(t.errors for t in translations):
        return 1
    return explore_exit


def check_explore(story: Story, args: argparse.Namespace, console: Console | None) -> tuple[dict[str, object], int]:
    """Explore and/or play randomly, maybe write runs, render; the ``explore`` JSON object and exit code."""
    from adventure.analysis.explore import default_budget
    from adventure.cli.explore_report import best_paths, explore_json, render, run_explore

    outcome = run_explore(story, args.explore, args.max_states or default_budget(), args.random, args.seed)
    data = explore_json(story, outcome)
    if args.write_runs is not None:
        from adventure.cli.runwriter import write_runs

        data["written_runs"], skipped = write_runs(story, best_paths(story, outcome), Path(args.write_runs),
                                                   prefix=args.run_prefix)
        data["skipped_runs"] = skipped
        data["warnings"].extend(f"no run written for ending '{s['ending']}': {s['reason']}" for s in skipped)
    if console is not None:
        render(console, data, outcome.findings)
    return data, outcome.exit_code


def _check_run_prefix(args: argparse.Namespace) -> None:
    """``--run-prefix`` makes safe run names (checked before the exploring, not after)."""
    from adventure.saves.store import check_slot_name

    if not args.write_runs:
        raise UsageError("--run-prefix needs --write-runs")
    try:
        if args.run_prefix:
            check_slot_name(args.run_prefix)
    except SaveError as exc:
        raise UsageError(f"--run-prefix '{args.run_prefix}' does not make a run name: {exc.message} "
                         f"({exc.hint})") from None


def story_folder(cwd: Path, shipped: Path) -> Path:
    """The story ``check`` reads without a folder: the one in ``cwd`` if any, else the shipped one."""
    from adventure.story.loader import STORY_FILE

    return cwd if (cwd / STORY_FILE).is_file() else shipped


def checked_line(folder: Path, report: LoadReport) -> Text:
    """``Checking "Title" in /path``: which story this report is about, always."""
    from rich.text import Text

    line = Text("Checking ", style="bold")
    line.append(f"“{report.title}”" if report.title else "the story", style="bold")
    line.append(f" in {folder.resolve()}")
    return line


def check_translations(report: LoadReport, strict: bool) -> list[TranslationReport]:
    """Each language found in ``DIR/locale/*.po``, checked against the valid story."""
    if report.story is None or not report.ok:
        return []
    from adventure.i18n.files import languages

    found = languages(report.story.root)
    if not found:  # most stories: spare the translation machinery's imports
        return []
    from adventure.i18n.translate import check_translation

    return [check_translation(report.story, language, strict) for language in found]


MISSING_SHOWN = 10
"""The human report lists this many missing strings per language, then counts the rest."""


def print_translations(console: Console, translations: list[TranslationReport], *, plain: bool = False) -> None:
    """Each language's problems (missing ones capped), then its counts on one line."""
    from rich.text import Text

    for t in translations:
        missing = [d for d in [*t.errors, *t.warnings] if d.code == "MM705"]
        print_diagnostics(console, [d for d in [*t.errors, *t.warnings] if d.code != "MM705"])
        print_diagnostics(console, missing[:MISSING_SHOWN])
        if len(missing) > MISSING_SHOWN:
            console.print(Text(f"… and {len(missing) - MISSING_SHOWN} more strings not translated", style="dim"))
        c = t.counts
        style = "bold red" if t.errors else ("bold green" if c.translated == c.total else "yellow")
        mark = ("not valid:" if t.errors else "complete:" if c.translated == c.total else "incomplete:") if plain else \
            ("✗" if t.errors else "✓" if c.translated == c.total else "~")
        console.print(Text(f"{mark} translation "
                           f"{t.language} ({t.path}): {c.total} strings, {c.translated} translated, "
                           f"{c.missing} missing, {c.stale} stale", style=style))


def summary(report: LoadReport) -> dict[str, object]:
    """The ``--json`` object: counts, ids, names, errors and warnings; ``remembers`` (the ``seen()``/``chose()``
    slots) and ``assumptions`` (scene id -> ``assumes:``) only for a story that has them."""
    from adventure.story.expr import to_source

    story = report.story
    data: dict[str, object] = {
        "ok": report.ok,
        "chapters": len(story.chapters) if story else 0,
        "scenes": len(story.scenes) if story else 0,
        "choices": story.choice_count if story else 0,
        "endings": list(story.endings) if story else [],
        "stats": list(story.stat_names) if story else [],
    }
    if story is not None and story.memos:  # only stories that use them: the others' JSON is as it was
        data["remembers"] = [m.key for m in story.memos]
    assumptions = {s.id: to_source(s.assumes) for s in story.scenes.values() if s.assumes is not None} if story else {}
    if assumptions:
        data["assumptions"] = assumptions
    data["errors"] = [d.to_dict() for d in report.errors]
    data["warnings"] = [d.to_dict() for d in report.warnings]
    return data


def print_report(console: Console, folder: Path, report: LoadReport,
                 translations: Sequence[TranslationReport] = (), *, plain: bool = False) -> None:
    """The human report: the problems, a summary, each translation, then the verdict last.

    The verdict comes after everything it sums up, so "valid" never stands above an error
    (a translation's error makes it a failure line). ``plain``: sentences, no box, no marks.
    """
    from rich.text import Text

    print_diagnostics(console, [*report.errors, *report.warnings])
    story = report.story
    if story is None or report.errors:
        console.print(Text(f"{'not valid: ' if plain else '✗ '}{folder}: {count(len(report.errors), 'error')}, "
                           f"{count(len(report.warnings), 'warning')}", style="bold red"))
        return
    (_print_plain_summary if plain else _print_summary_table)(console, story)
    print_translations(console, list(translations), plain=plain)
    wrong = sum(len(t.errors) for t in translations)
    if wrong:
        console.print(Text(f"{'not valid: ' if plain else '✗ '}{folder}: the story is valid, but its translations "
                           f"have {count(wrong, 'error')} (those strings show in English)", style="bold red"))
        return
    console.print(Text(f"{'valid: ' if plain else '✓ '}{folder}{': ' if plain else ': valid — '}"
                       f"{count(len(story.chapters), 'chapter')}, "
                       f"{count(len(story.scenes), 'scene')}, {count(story.choice_count, 'choice')}, "
                       f"{count(len(story.endings), 'ending')}, {count(len(report.warnings), 'warning')}",
                       style="" if plain else "bold green"))


def _print_summary_table(console: Console, story: Story) -> None:
    """The chapters as a table, then the stats, endings and what the story remembers."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"{story.title}  ({story.id})", style="bold"), title_justify="left", expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("chapter")
    table.add_column("file", style="dim", overflow="fold")
    table.add_column("scenes", justify="right")
    table.add_column("choices", justify="right")
    for chapter in story.chapters:
        choices = sum(len(story.scenes[s].choices) for s in chapter.scenes)
        table.add_row(str(chapter.index + 1), Text(chapter.title), Text(chapter.file), str(len(chapter.scenes)), str(choices))
    console.print(table)
    endings = ", ".join(e.id + (" ★" if e.true_ending else "") for e in story.endings.values())
    console.print(Text.assemble(("stats    ", "dim"), Text(f"{len(story.stats)}: " + ", ".join(story.stat_names))))
    console.print(Text.assemble(("endings  ", "dim"), Text(f"{len(story.endings)}: {endings}")))
    if story.memos:
        console.print(Text.assemble(("remembers", "dim"), Text(f" {len(story.memos)}: " + ", ".join(m.key for m in story.memos))))


def _print_plain_summary(console: Console, story: Story) -> None:
    """The summary as sentences: no table, no ✓ or ★ (a screen reader reads them as symbol names, or not at all)."""
    from rich.text import Text

    console.print(Text(f"{story.title} ({story.id})"))
    for chapter in story.chapters:
        choices = sum(len(story.scenes[s].choices) for s in chapter.scenes)
        console.print(Text(f"Chapter {chapter.index + 1}: {chapter.title} ({chapter.file}): "
                           f"{count(len(chapter.scenes), 'scene')}, {count(choices, 'choice')}"))
    endings = ", ".join(e.id + (" (the true ending)" if e.true_ending else "") for e in story.endings.values())
    console.print(Text(f"Stats, {len(story.stats)}: " + ", ".join(story.stat_names)))
    console.print(Text(f"Endings, {len(story.endings)}: {endings}"))
    if story.memos:
        console.print(Text(f"Remembers, {len(story.memos)}: " + ", ".join(m.key for m in story.memos)))


def print_diagnostics(console: Console, diagnostics: Iterable[Diagnostic]) -> None:
    """Each diagnostic as one readable block with the offending source line."""
    for diag in diagnostics:
        console.print(render_diagnostic(diag))


def render_diagnostic(diag: Diagnostic) -> Text:
    """``error MM402 file:line:col``, the message, the source line with a caret, a hint."""
    from adventure.ui.diagnostics import render_diagnostic as render

    return render(diag)
