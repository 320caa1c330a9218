"""Inert choices: choices the story never answers, so a player's pick changes nothing.

A choice is inert when it has no effect (nor does any random outcome of it), no
``remember:`` line, no ``chose()`` reads it, and a sibling in the same scene leads to
exactly the same place (the same target, or the same conditional list or draw). Such a
choice is flavour: the next scenes cannot tell it from its sibling. ``check --explore``
reports each (``MM619``) and the share of the story's choices that are inert, so an
author can hold it under a target ("inert share ≤ 5%").

Typical use::

    report = inert_choices(story)
    print(report.count, report.total, f"{report.share:.1f}%")
"""

from __future__ import annotations

from dataclasses import dataclass

from adventure.story.model import Choice, Location, Scene, Story


@dataclass(frozen=True, slots=True)
class InertChoice:
    """One inert choice: where it is, and the sibling that leads to the same place."""

    scene: str
    choice: str
    same_as: str
    location: Location | None


@dataclass(frozen=True, slots=True)
class InertReport:
    """Every inert choice of a story, in story order, and how many choices it has."""

    choices: tuple[InertChoice, ...]
    total: int

    @property
    def count(self) -> int:
        return len(self.choices)

    @property
    def share(self) -> float:
        """Inert choices as a percentage of all the story's choices (0 for a story without any)."""
        return 100 * self.count / self.total if self.total else 0.0


def inert_choices(story: Story) -> InertReport:
    """The story's inert choices (see the module's docstring for the rule)."""
    found = [inert for scene in story.scenes.values() for inert in _inert_in(story, scene)]
    return InertReport(tuple(found), story.choice_count)


def _inert_in(story: Story, scene: Scene) -> list[InertChoice]:
    result = []
    for choice in scene.choices:
        if not _silent(story, scene, choice):
            continue
        twin = next((other for other in scene.choices if other is not choice and other.goto == choice.goto), None)
        if twin is not None:
            result.append(InertChoice(scene.id, choice.id, twin.id, choice.location))
    return result


def _silent(story: Story, scene: Scene, choice: Choice) -> bool:
    """No effect, no remember (its own or a drawn outcome's), and no ``chose()`` reads it."""
    if choice.effects or choice.remember:
        return False
    if any(t.effects or t.remember for t in choice.goto.targets):
        return False
    return not any(m.choice is not None and m.matches(scene.id, choice.id) for m in story.memos)
