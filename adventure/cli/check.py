"""``million-miles check``: validate a story folder and report, for people or machines.

Exit codes: 0 the story is valid, 1 it has errors (or, with ``--explore``, soft-locks,
traps or unreachable endings), 2 usage error (bad arguments, missing folder).
``--json`` prints exactly one JSON object whose fields other tools rely on.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.base.errors import Diagnostic, SaveError, UsageError
from adventure.base.messages import _, ngettext
from adventure.cli._args import json_document, positive_int, seed_number

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.text import Text

    from adventure.cli.explore_report import ExploreReport
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
    from adventure.base.resources import default_scenes_dir
    from adventure.cli._memory import bulk, decoded
    from adventure.story.loader import check_story

    folder = Path(args.scenes) if args.scenes else story_folder(Path.cwd(), default_scenes_dir())
    if not folder.is_dir():
        raise UsageError(f"story folder '{folder}' does not exist or is not a folder")
    if args.write_runs and not args.explore:
        raise UsageError("--write-runs needs --explore")
    if args.run_prefix is not None:
        _check_run_prefix(args)
    with bulk():
        report = check_story(folder)
    result = CheckResult(folder, report, tuple(check_translations(report, args.strict_translations)),
                         plain=args.plain)
    console = None
    if not args.json:  # Rich only for the report: --json stays as fast as reading the YAML
        from adventure.ui.console import make_console

        console = make_console(plain=args.plain)
        console.print(result)  # before exploring, which may take a while
    if report.story is not None and report.ok and (args.explore or args.random):
        if args.explore:  # the search walks every scene: decoded in bulk, then frozen with the rest
            decoded(report.story)
        result = replace(result, explored=check_explore(report.story, args, console))
    if args.json:
        sys.stdout.write(json_document(result.to_json()))
    return result.exit_code


def check_explore(story: Story, args: argparse.Namespace, console: Console | None) -> ExploreReport:
    """Explore and/or play randomly, maybe write runs, print the report on ``console`` (if any)."""
    from adventure.analysis.explore import default_budget
    from adventure.cli.explore_report import ExploreReport, best_paths, run_explore

    outcome = run_explore(story, args.explore, args.max_states or default_budget(), args.random, args.seed)
    explored = ExploreReport.of(story, outcome)
    if args.write_runs is not None:
        from adventure.cli.runwriter import write_runs

        written, skipped = write_runs(story, best_paths(story, outcome), Path(args.write_runs), prefix=args.run_prefix)
        explored = replace(explored, written=tuple(written), skipped=tuple(skipped))
    if console is not None:
        console.print(explored)
    return explored


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found: the story's load report, each translation's, and what exploring found.

    :meth:`to_json` is the ``check --json`` document; as a renderable it is the human report,
    whose summary is a table where the width allows it and sentences where it does not
    (or with ``plain``). The exploration, when there is one, renders after the verdict.
    """

    folder: Path
    report: LoadReport
    translations: tuple[TranslationReport, ...] = ()
    explored: ExploreReport | None = None
    plain: bool = False

    @property
    def ok(self) -> bool:
        """The story and its translations are valid (exploring aside)."""
        return self.report.ok and not any(t.errors for t in self.translations)

    @property
    def exit_code(self) -> int:
        """1 for errors (a finding of exploring included), else 0."""
        if not self.ok:
            return 1
        return self.explored.outcome.exit_code if self.explored is not None else 0

    def to_json(self) -> dict[str, object]:
        """The ``check --json`` object (with ``explore`` only when the story was explored)."""
        report, translations = self.report, self.translations
        data = summary(report)
        data["story"] = {"title": report.title, "folder": str(self.folder.resolve())}
        data["translations"] = {}  # the same keys whether or not the story loaded
        if translations:
            data["errors"] = [*(d.to_dict() for d in report.errors), *(d.to_dict() for t in translations for d in t.errors)]
            data["warnings"] = [*(d.to_dict() for d in report.warnings),
                                *(d.to_dict() for t in translations for d in t.warnings)]
            data["translations"] = {t.language: t.counts.to_dict() for t in translations}
            data["ok"] = self.ok
        if self.explored is not None:
            data["explore"] = self.explored.to_json()
        return data

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield checked_line(self.folder, self.report)
        yield from _report(console, options, self)
        if self.explored is not None:
            yield self.explored


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

    title = _("“{title}”").format(title=report.title) if report.title else _("the story")
    before, _title, after = _("Checking {story} in {folder}").partition("{story}")
    line = Text(before, style="heading")
    line.append(title, style="heading")  # story text: appended, never markup
    line.append(after.format(folder=folder.resolve()))
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


def _translations(translations: Sequence[TranslationReport], *, plain: bool) -> RenderResult:
    """Each language's problems (missing ones capped), then its counts on one line."""
    from rich.text import Text

    for t in translations:
        missing = [d for d in [*t.errors, *t.warnings] if d.code == "MM705"]
        yield from (render_diagnostic(d) for d in [*t.errors, *t.warnings] if d.code != "MM705")
        yield from (render_diagnostic(d) for d in missing[:MISSING_SHOWN])
        if len(missing) > MISSING_SHOWN:
            more = len(missing) - MISSING_SHOWN
            yield Text(ngettext("… and {count} more string not translated", "… and {count} more strings not translated",
                                more).format(count=more), style="muted")
        c = t.counts
        style = "error" if t.errors else ("success" if c.translated == c.total else "warning")
        mark = (_("not valid:") if t.errors else _("complete:") if c.translated == c.total else _("incomplete:")) \
            if plain else ("✗" if t.errors else "✓" if c.translated == c.total else "~")
        yield Text(_("{mark} translation {language} ({path}): {total} strings, {translated} translated, "
                     "{missing} missing, {stale} stale").format(
            mark=mark, language=t.language, path=t.path, total=c.total, translated=c.translated, missing=c.missing,
            stale=c.stale), style=style)


def _choice_count(story: Story) -> int:
    """The story's choices; a warm story's from its cache entry, without decoding every scene."""
    from adventure.story.cache import stored_overview

    stored = stored_overview(story)
    return story.choice_count if stored is None else stored.choices


def _chapter_choices(story: Story) -> Sequence[int]:
    """Choices in each chapter, in order; a warm story's from its cache entry."""
    from adventure.story.cache import stored_overview

    stored = stored_overview(story)
    if stored is not None:
        return stored.by_chapter
    return [sum(len(story.scenes[s].choices) for s in chapter.scenes) for chapter in story.chapters]


def _assumptions(story: Story) -> Mapping[str, str]:
    """Scene id -> its ``assumes:`` as written; a warm story's from its cache entry, without decoding every scene."""
    from adventure.story.cache import stored_overview
    from adventure.story.expr import to_source

    stored = stored_overview(story)
    if stored is not None:
        return stored.assumptions
    return {s.id: to_source(s.assumes) for s in story.scenes.values() if s.assumes is not None}


def summary(report: LoadReport) -> dict[str, object]:
    """The ``--json`` object: counts, ids, names, errors and warnings; ``remembers`` (the ``seen()``/``chose()``
    slots) and ``assumptions`` (scene id -> ``assumes:``) only for a story that has them."""
    story = report.story
    data: dict[str, object] = {
        "ok": report.ok,
        "chapters": len(story.chapters) if story else 0,
        "scenes": len(story.scenes) if story else 0,
        "choices": _choice_count(story) if story else 0,
        "endings": list(story.endings) if story else [],
        "stats": list(story.stat_names) if story else [],
    }
    if story is not None and story.memos:  # only stories that use them: the others' JSON is as it was
        data["remembers"] = [m.key for m in story.memos]
    assumptions = _assumptions(story) if story else {}
    if assumptions:
        data["assumptions"] = dict(assumptions)
    data["errors"] = [d.to_dict() for d in report.errors]
    data["warnings"] = [d.to_dict() for d in report.warnings]
    return data


def _report(console: Console, options: ConsoleOptions, result: CheckResult) -> RenderResult:
    """The human report: the problems, a summary, each translation, then the verdict last.

    The verdict comes after everything it sums up, so "valid" never stands above an error
    (a translation's error makes it a failure line). ``plain``: sentences, no box, no marks.
    """
    from rich.text import Text

    folder, report, plain = result.folder, result.report, result.plain
    yield from (render_diagnostic(d) for d in [*report.errors, *report.warnings])
    story = report.story
    if story is None or report.errors:
        yield Text(_("{mark}{folder}: {errors}, {warnings}").format(
            mark=_("not valid: ") if plain else "✗ ", folder=folder, errors=_errors(len(report.errors)),
            warnings=_warnings(len(report.warnings))), style="error")
        return
    yield from _summary(console, options, story, plain=plain)
    yield from _translations(result.translations, plain=plain)
    wrong = sum(len(t.errors) for t in result.translations)
    if wrong:
        yield Text(_("{mark}{folder}: the story is valid, but its translations have {errors} (those strings "
                     "show in English)").format(mark=_("not valid: ") if plain else "✗ ", folder=folder,
                                                errors=_errors(wrong)), style="error")
        return
    counted = ", ".join([
        ngettext("{count} chapter", "{count} chapters", len(story.chapters)).format(count=len(story.chapters)),
        _scenes(len(story.scenes)), _choices(_choice_count(story)),
        ngettext("{count} ending", "{count} endings", len(story.endings)).format(count=len(story.endings)),
        _warnings(len(report.warnings))])
    line = _("valid: {folder}: {counts}") if plain else _("✓ {folder}: valid — {counts}")
    yield Text(line.format(folder=folder, counts=counted), style="success")


def _summary(console: Console, options: ConsoleOptions, story: Story, *, plain: bool) -> RenderResult:
    """The chapters as a table, then the stats, endings and what the story remembers; as sentences
    with ``plain`` or where the table would have to cut a word to fit the width."""
    from rich.table import Table
    from rich.text import Text

    from adventure.ui.console import fits

    table = Table(title=Text(f"{story.title}  ({story.id})", style="heading"), title_justify="left", expand=False)
    table.add_column("#", justify="right", style="muted")
    table.add_column(_("chapter"))
    table.add_column(_("file"), style="muted", overflow="fold")
    table.add_column(_("scenes"), justify="right")
    table.add_column(_("choices"), justify="right")
    for chapter, choices in zip(story.chapters, _chapter_choices(story), strict=True):
        table.add_row(str(chapter.index + 1), Text(chapter.title), Text(chapter.file), str(len(chapter.scenes)), str(choices))
    if plain or not fits(console, options, table):
        yield from _sentences(story, plain=plain)
        return
    yield table
    endings = ", ".join(e.id + (" ★" if e.true_ending else "") for e in story.endings.values())
    labels = [_("stats"), _("endings"), _("remembers")]
    width = max(len(label) for label in labels)

    def head(label: str) -> str:  # the longest label meets its count with one space
        return label.ljust(width) + (" " if len(label) >= width else "")

    yield Text.assemble((head(labels[0]), "muted"), Text(f"{len(story.stats)}: " + ", ".join(story.stat_names)))
    yield Text.assemble((head(labels[1]), "muted"), Text(f"{len(story.endings)}: {endings}"))
    if story.memos:
        yield Text.assemble((head(labels[2]), "muted"),
                            Text(f"{len(story.memos)}: " + ", ".join(m.key for m in story.memos)))


def _sentences(story: Story, *, plain: bool) -> RenderResult:
    """The summary as sentences: no table; ``plain``: no ★ (a screen reader reads it as a symbol's name, or not at all)."""
    from rich.text import Text

    yield Text(f"{story.title} ({story.id})")
    for chapter, choices in zip(story.chapters, _chapter_choices(story), strict=True):
        yield Text(_("Chapter {number}: {title} ({file}): {scenes}, {choices}").format(
            number=chapter.index + 1, title=chapter.title, file=chapter.file, scenes=_scenes(len(chapter.scenes)),
            choices=_choices(choices)))
    true_mark = _(" (the true ending)") if plain else " ★"
    endings = ", ".join(e.id + (true_mark if e.true_ending else "") for e in story.endings.values())
    yield Text(_("Stats, {count}: {names}").format(count=len(story.stats), names=", ".join(story.stat_names)))
    yield Text(_("Endings, {count}: {names}").format(count=len(story.endings), names=endings))
    if story.memos:
        yield Text(_("Remembers, {count}: {names}").format(count=len(story.memos),
                                                          names=", ".join(m.key for m in story.memos)))


def _errors(n: int) -> str:
    return ngettext("{count} error", "{count} errors", n).format(count=n)


def _warnings(n: int) -> str:
    return ngettext("{count} warning", "{count} warnings", n).format(count=n)


def _scenes(n: int) -> str:
    return ngettext("{count} scene", "{count} scenes", n).format(count=n)


def _choices(n: int) -> str:
    return ngettext("{count} choice", "{count} choices", n).format(count=n)


def print_diagnostics(console: Console, diagnostics: Iterable[Diagnostic]) -> None:
    """Each diagnostic as one readable block with the offending source line."""
    for diag in diagnostics:
        console.print(render_diagnostic(diag))


def render_diagnostic(diag: Diagnostic) -> Text:
    """``error MM402 file:line:col``, the message, the source line with a caret, a hint."""
    from adventure.ui.diagnostics import render_diagnostic as render

    return render(diag)
