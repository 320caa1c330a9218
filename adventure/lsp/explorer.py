"""The explorer of ``check --explore``, run for the language server in a separate process.

A search can take seconds and a lot of memory; in its own process it never slows the
editor's typing, and a newer save simply makes its result stale (the server drops it).
The child loads the saved folder with the same loader and explores it with the same
search and findings as ``check --explore``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from adventure.analysis.findings import Finding


@dataclass
class Explored:
    """What one exploration found, in picklable form."""

    findings: list[tuple[Finding, str | None]] = field(default_factory=list)
    """Each finding with its shortest path as one line, when it has one."""
    complete: bool = True
    states: int = 0
    max_states: int = 0
    reached: set[str] = field(default_factory=set)
    loaded: bool = True


def explore_folder(root: str, max_states: int) -> Explored:
    """Load the folder as saved and explore it; a story that does not load explores nothing."""
    from adventure.analysis.explore import explore
    from adventure.analysis.findings import explore_findings
    from adventure.analysis.randomplay import random_play
    from adventure.lsp.features import path_text
    from adventure.story.loader import check_story

    report = check_story(Path(root))
    if report.story is None or not report.ok:
        return Explored(loaded=False)
    story = report.story
    x = explore(story, max_states=max_states)
    fallback = None
    if not x.complete:
        fallback = random_play(story, 2000, seed=0, max_steps=1000)  # as check --explore falls back
    found = explore_findings(story, x, fallback, fallback=fallback is not None)
    paths = {"MM603": x.soft_locks[0].path if x.soft_locks else None,
             "MM604": x.traps[0].path if x.traps else None}
    findings = []
    for finding in found:
        path = paths.get(finding.code)
        findings.append((finding, path_text(path) if path is not None else None))
    return Explored(findings, x.complete, x.states, max_states, set(x.scenes_reached))
