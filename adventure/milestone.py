"""The next milestone of a run: the gate its chapter is heading for, and where the run stands.

A chapter may declare ``milestone:`` (see docs/authoring.md): a title and the needs a
gate will check, each a templated label and a condition. This module turns that data
and a run state into plain values the front end draws (a ✓ or ✗ per need), so the
player sees what a check asks for before it bites. Pure: no I/O, no Rich.

Typical use::

    view = next_milestone(story, state)
    if view is not None:
        print(view.title, [(n.label, n.met) for n in view.needs])
"""

from __future__ import annotations

from dataclasses import dataclass

from adventure.engine import RunState, environment
from adventure.story.model import Milestone, Story
from adventure.story.template import render


@dataclass(frozen=True, slots=True)
class NeedView:
    """One need as the player sees it now: its label and whether the run meets it."""

    label: str
    met: bool


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """The milestone to show: its title and each need, met or not."""

    title: str
    needs: tuple[NeedView, ...]

    @property
    def met(self) -> bool:
        """Whether the run would pass the gate as it stands."""
        return all(need.met for need in self.needs)


def next_milestone(story: Story, state: RunState) -> MilestoneView | None:
    """The milestone of the run's chapter, or ``None`` (no milestone, or the run is over)."""
    if state.ending is not None:
        return None
    milestone = current(story, state)
    if milestone is None:
        return None
    env = environment(story, state.values)
    needs = tuple(NeedView(_line(render(need.label, env)), bool(need.test(state.values))) for need in milestone.needs)
    return MilestoneView(_line(render(milestone.title, env)), needs)


def current(story: Story, state: RunState) -> Milestone | None:
    """The first of the chapter's milestones whose ``if`` holds (``None`` when none does)."""
    chapter = story.chapter_of(state.scene)
    for milestone in chapter.milestones:
        if milestone.test is None or milestone.test(state.values):
            return milestone
    return None


def _line(text: str) -> str:
    return " ".join(text.split())
