"""The final approach: scenes from which every way on leads to a true ending.

Progress is progress toward the true ending. Once the run is in a scene from which the
story offers no other ending (whatever the stats), the true ending is certain, and the
only distance left is the number of choices still to make. The engine uses this so the
last scene before the true ending never reads 93% while the launch is a step away.
Computed once per story from the scene graph (conditions ignored: a locked choice
still counts as a way on), and cached by the story's fingerprint.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from types import MappingProxyType

from adventure.story.model import Story

_CACHE: dict[tuple[str, str], Mapping[str, int]] = {}


def final_approach(story: Story) -> Mapping[str, int]:
    """Scene id → the fewest choices left to a true ending, for scenes that can reach no other ending."""
    from adventure.story.cache import stored_overview

    stored = stored_overview(story)  # a warm story carries it: walking every scene would decode them all
    if stored is not None:
        return stored.approach
    key = (story.fingerprint, story.root)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = MappingProxyType(_compute(story))
    return cached


def _compute(story: Story) -> dict[str, int]:
    """Backward searches over the scene graph: linear in scenes and choices."""
    reverse: dict[str, set[str]] = {}
    for scene in story.scenes.values():
        for choice in scene.choices:
            for target in choice.goto.targets:
                reverse.setdefault(target.name, set()).add(scene.id)
    true_names = [f"ending:{e.id}" for e in story.endings.values() if e.true_ending]
    other_names = [f"ending:{e.id}" for e in story.endings.values() if not e.true_ending]
    can_fail = set(_distances(reverse, other_names))
    return {scene: steps for scene, steps in _distances(reverse, true_names, avoid=can_fail).items()}


def _distances(reverse: Mapping[str, set[str]], goals: list[str], avoid: set[str] | None = None) -> dict[str, int]:
    """Scene id → fewest choices to one of ``goals``, walking back from them (skipping ``avoid``)."""
    distance: dict[str, int] = {}
    queue: deque[tuple[str, int]] = deque((goal, 0) for goal in goals)
    while queue:
        node, steps = queue.popleft()
        for scene in reverse.get(node, ()):
            if scene in distance or (avoid is not None and scene in avoid):
                continue
            distance[scene] = steps + 1
            queue.append((f"scene:{scene}", steps + 1))
    return distance
