"""What the explorer and random play report about a path: its steps, and a state found on it.

Typical use::

    PathStep("hall", "cellar", "scene:garden").to_dict()
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adventure.story.expr import Value


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a reported path; ``outcome`` (``scene:ID``/``ending:ID``) only for random draws.

    ``draw`` is that outcome's index among the goto's targets: two outcomes may lead to the
    same place with different effects, and a run written to replay the path must draw the
    one that was taken, not the first of that name.
    """

    scene: str
    choice: str
    outcome: str | None = None
    draw: int | None = field(default=None, compare=False)  # paths read alike compare alike

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
