"""Load a story folder into a validated, immutable :class:`Story`, or explain why not.

The loader works like a compiler front end: it reads every file, checks every key,
type, id, reference and expression, and collects all problems (up to a cap) as
located :class:`~adventure.base.errors.Diagnostic` values before giving up, so an author
fixes a file in one pass rather than one error per run. Nothing is evaluated from the
files beyond YAML's core scalars and our own expression language.

Typical use::

    story = load_story("scenes")            # raises StoryLoadError with .diagnostics
    report = check_story("scenes")           # never raises; .story is None on errors
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from adventure.base.errors import Diagnostic, StoryLoadError
from adventure.story.model import Story

if TYPE_CHECKING:
    from adventure.story.yamlsrc import YValue

STORY_FILE = "story.yaml"
FORMAT_VERSION = 1


@dataclass
class LoadReport:
    """What :func:`check_story` found: the story (when valid) and every diagnostic."""

    story: Story | None
    errors: list[Diagnostic]
    warnings: list[Diagnostic]
    files: list[str] = field(default_factory=list)
    title: str | None = None
    """The story's title when its story file could be read (even if the story has errors)."""

    @property
    def ok(self) -> bool:
        return self.story is not None and not self.errors


ParseMemo = dict[tuple[str, str], "tuple[YValue | None, list[Diagnostic]]"]
"""(file, text) -> its located YAML and problems: an editor's unchanged files are not parsed again."""


def check_story(folder: str | Path, *, cache: bool = True, overlay: Mapping[str, str] | None = None,
                memo: ParseMemo | None = None) -> LoadReport:
    """Load and validate a story folder, returning every problem found; never raises.

    ``overlay`` maps file names in the folder (``story.yaml``, ``02-ward.yaml``) to text
    that replaces what is on disk: an editor's unsaved buffers, checked by the very same
    loader (such a load never reads or writes the story cache). ``memo`` keeps each
    file's parse between such loads, keyed by its text, for the files that did not change.

    A story that loaded cleanly before, unchanged, comes from the story cache
    (:mod:`adventure.story.cache`; ``cache=False`` or ``MILLION_MILES_NO_CACHE=1``
    skips it); only valid stories are cached, so every error comes from a full load.
    The loader leaves the cyclic garbage collector alone: pausing it while a story is
    loaded, and freezing the story after, is the process's policy, set at its edge
    (``adventure/cli/_memory.py``).
    """
    root = Path(folder)
    if overlay is not None:
        return _full(root, overlay, memo)
    if cache:
        from adventure.story import cache as story_cache

        hit = story_cache.lookup(root)
        if hit is not None:
            return LoadReport(hit.story, [], list(hit.warnings), list(hit.files), title=hit.story.title)
    report = _full(root)
    if cache and report.story is not None and report.ok:
        story_cache.store(root, report.story, report.warnings, report.files)
    return report


def _full(root: Path, overlay: Mapping[str, str] | None = None, memo: ParseMemo | None = None) -> LoadReport:
    """Read, check and build from the YAML (imported here: a warm start needs neither PyYAML nor the builder)."""
    from adventure.story.fullload import check_files

    return check_files(root, overlay, memo)


def load_story(folder: str | Path, *, cache: bool = True) -> Story:
    """Load a story or raise :class:`StoryLoadError` carrying every diagnostic."""
    report = check_story(folder, cache=cache)
    if report.story is None:
        raise StoryLoadError(report.errors, report.warnings)
    return report.story
