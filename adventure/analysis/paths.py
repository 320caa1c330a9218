"""What the explorer and random play report about a path: its steps, and a state found on it.

Typical use::

    PathStep("hall", "cellar", "scene:garden").to_dict()
"""

from __future__ import annotations

from dataclasses import dataclass

from adventure.story.expr import Value


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a reported path; ``outcome`` (``scene:ID``/``ending:ID``) only for random draws."""

    scene: str
    choice: str
    outcome: str | None = None

    def to_dict(self) -> dict[str, str]:
        data = {"scene": self.scene, "choice": self.choice}
        if self.outcome is not None:
            data["outcome"] = self.outcome
        return data


@dataclass(frozen=True, slots=True)
class Found:
    """A state worth reporting (a soft-lock, a trap): where, with what values, and how to get there."""

    scene: str
    values: tuple[Value, ...]
    path: tuple[PathStep, ...]
