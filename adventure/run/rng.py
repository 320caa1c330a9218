"""A tiny deterministic random generator whose whole state is one integer.

Runs must replay exactly from a save, on any Python version, so the generator is
SplitMix64 written out here rather than :mod:`random` (whose state is a 625-word tuple
and whose algorithms may change between versions). The state lives in the run state;
drawing returns the value and the next state, so nothing is mutated.

Typical use::

    state = seed_state(42)
    index, state = draw(state, 3)     # 0, 1 or 2
"""

from __future__ import annotations

MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def seed_state(seed: int) -> int:
    """The generator state for a user-visible seed (any int, negative included)."""
    return seed & MASK


def next_u64(state: int) -> tuple[int, int]:
    """One 64-bit output and the following state (SplitMix64)."""
    state = (state + _GOLDEN) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31), state


def draw(state: int, n: int) -> tuple[int, int]:
    """A uniform index in ``range(n)`` and the next state.

    Uses rejection sampling so every index is exactly equally likely.
    """
    if n < 1:
        raise ValueError("draw needs n >= 1")
    limit = (MASK + 1) - ((MASK + 1) % n)
    while True:
        value, state = next_u64(state)
        if value < limit:
            return value % n, state
