"""The next milestone of a run: the gate its chapter is heading for, and where the run stands.

A chapter may declare ``milestone:`` (see docs/authoring.md): a title and the needs a
gate will check, each a templated label and a condition. This module turns that data
and a run state into plain values the front end draws (a ✓ or ✗ per need), so the
player sees what a check asks for before it bites. Pure: no I/O, no Rich.

A milestone is only a display; its gate is wherever the chapter tests what the needs
test. So a milestone is shown only while such a scene is still ahead: a scene of the
chapter with a choice or a conditional ``goto`` whose condition reads a stat some need
reads, reachable from where the run stands without leaving the chapter. Once the run
is past its gate (the call came) or took the road around it (Ms. Young's kitchen, a
year later), the milestone is stale and the next one whose ``if`` holds is shown, or
none. A chapter that tests none of a milestone's stats has its gate in a later
chapter: that milestone stays in view all chapter.

Typical use::

    view = next_milestone(story, state)
    if view is not None:
        print(view.title, [(n.label, n.met) for n in view.needs])
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from adventure.run.engine import RunState, environment, wording
from adventure.story.compiled import compiled
from adventure.story.expr import Node, names
from adventure.story.model import Chapter, Milestone, Scene, Story
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
    env, shown = environment(story, state.values), wording(story)
    needs = tuple(NeedView(_line(render(need.label, env, shown)), bool(compiled(story).expr(need.condition)(state.values)))
                  for need in milestone.needs)
    return MilestoneView(_line(render(milestone.title, env, shown)), needs)


def current(story: Story, state: RunState) -> Milestone | None:
    """The first of the chapter's milestones whose ``if`` holds and whose gate is still ahead."""
    chapter = story.chapter_of(state.scene)
    ahead: frozenset[str] | None = None
    for milestone in chapter.milestones:
        test = compiled(story).test(milestone.condition)
        if test is not None and not test(state.values):
            continue
        gates = gate_scenes(story, chapter, milestone)
        if not gates:  # tested in a later chapter: in view all this one
            return milestone
        if ahead is None:
            ahead = reachable(story, chapter, state.scene)
        if gates & ahead:
            return milestone
    return None


def gate_scenes(story: Story, chapter: Chapter, milestone: Milestone) -> frozenset[str]:
    """The chapter's scenes that test a stat the milestone's needs read (in a choice or ``goto`` condition)."""
    read = frozenset().union(*(names(need.condition) for need in milestone.needs))
    if not read:
        return frozenset()
    return frozenset(scene_id for scene_id in chapter.scenes
                     if any(names(condition) & read for condition in _conditions(story.scenes[scene_id])))


def reachable(story: Story, chapter: Chapter, start: str) -> frozenset[str]:
    """The scenes of ``chapter`` the run can still reach from ``start`` (itself included), by any choice."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        scene_id = todo.pop()
        if scene_id in seen:
            continue
        seen.add(scene_id)
        for choice in story.scenes[scene_id].choices:
            todo.extend(target.scene for target in choice.goto.targets
                        if target.scene is not None and story.scenes[target.scene].chapter == chapter.id)
    return frozenset(seen)


def _conditions(scene: Scene) -> Iterator[Node]:
    for choice in scene.choices:
        if choice.condition is not None:
            yield choice.condition
        for target in choice.goto.targets:
            if target.condition is not None:
                yield target.condition


def _line(text: str) -> str:
    return " ".join(text.split())
