"""A run's log: the steps taken, as a list that new states share.

Each :class:`~adventure.run.engine.RunState` carries its whole log, and every step makes a
new state. Copying the log into each state (``log + (step,)``) made a run of *n* steps
cost O(n²) time and memory; a chain of one node per step made it cost ~120 bytes a step.
Here a log is a view of the first *n* entries of a list that only ever grows: taking a
step from the newest state appends one pointer to the list every earlier state shares
(an earlier state sees only its own first *n*), and equal steps are one shared
:class:`Step`. Only a step taken from an older state (after an undo, or a second branch
from one state) copies its prefix into a list of its own.

A :class:`Log` reads like the tuple it replaces: ``len``, iteration, indexing in constant
time, prefix slices (``log[:-1]`` is the parent, no copy), and equality and hashing as the
tuple of its steps, so ``state.log == (Step("gate", "pick"),)`` still holds.

Typical use::

    log = Log.of([Step("gate", "pick")])
    log = log.append(Step("road", "wait"))
    assert list(log) == [Step("gate", "pick"), Step("road", "wait")] and log[:-1] == log.parent
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import overload


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of a run's log: the scene the player was in and the choice taken."""

    scene: str
    choice: str


class Log(Sequence[Step]):
    """An immutable sequence of :class:`Step`: the first ``len`` entries of a list it may share."""

    __slots__ = ("_hash", "_length", "_steps")

    _steps: list[Step]
    _length: int
    _hash: int | None

    def __init__(self, steps: list[Step] | None = None, length: int = 0) -> None:
        self._steps = [] if steps is None else steps
        self._length = length
        self._hash = None

    @classmethod
    def of(cls, steps: Iterable[Step]) -> Log:
        """A log holding ``steps`` in order (a :class:`Log` is returned as it is)."""
        if isinstance(steps, Log):
            return steps
        shared = [_shared(step) for step in steps]
        return Log(shared, len(shared)) if shared else EMPTY

    def append(self, step: Step) -> Log:
        """The log with one more step; this one is unchanged.

        From the newest log of its list the step is added in place (constant time); from
        an older one, the list is shared when it already goes on with this very step, and
        otherwise the prefix is copied into a list of the new branch's own.
        """
        steps, length = self._steps, self._length
        step = _shared(step)
        if len(steps) == length and self is not EMPTY:
            steps.append(step)
        elif len(steps) <= length or steps[length] != step:
            steps = steps[:length]
            steps.append(step)
        return Log(steps, length + 1)

    @property
    def parent(self) -> Log:
        """The log without its last step (the empty log is its own parent)."""
        return self._prefix(self._length - 1) if self._length else self

    @property
    def last(self) -> Step | None:
        """The last step, or ``None`` for the empty log."""
        return self._steps[self._length - 1] if self._length else None

    def __len__(self) -> int:
        return self._length

    def __bool__(self) -> bool:
        return self._length > 0

    def __iter__(self) -> Iterator[Step]:
        return islice(self._steps, self._length)

    def __reversed__(self) -> Iterator[Step]:
        steps = self._steps
        return (steps[i] for i in range(self._length - 1, -1, -1))

    def _prefix(self, length: int) -> Log:
        if length >= self._length:
            return self
        return Log(self._steps, length) if length > 0 else EMPTY

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> Log: ...

    def __getitem__(self, index: int | slice) -> Step | Log:
        if isinstance(index, slice):
            start, stop, stride = index.indices(self._length)
            if start == 0 and stride == 1:
                return self._prefix(max(0, stop))  # a prefix is shared, not copied
            return Log.of(tuple(self)[index])
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("log index out of range")
        return self._steps[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Log):
            if self._length != other._length:
                return False
            if self._steps is other._steps:
                return True
            return all(a == b for a, b in zip(self, other, strict=True))
        if isinstance(other, tuple):  # a log is the tuple of its steps, and like a tuple never equals a list
            return self._length == len(other) and all(x == y for x, y in zip(self, other, strict=True))
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self))  # equal to the hash of the equal tuple
        return self._hash

    def __repr__(self) -> str:
        return f"Log({list(self)!r})"

    def __contains__(self, item: object) -> bool:
        return any(step == item for step in self)

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        return tuple(self).index(value, start, len(self) if stop is None else stop)

    def count(self, value: object) -> int:
        return sum(1 for step in self if step == value)

    def __reduce__(self) -> tuple[object, tuple[tuple[Step, ...]]]:
        return (Log.of, (tuple(self),))  # its own steps only, not the rest of a shared list


_SHARED: dict[Step, Step] = {}
_SHARED_LIMIT = 1 << 16


def _shared(step: Step) -> Step:
    """One :class:`Step` object for equal steps: a long log holds a pointer a step, not a record.

    Bounded: a story has only so many (scene, choice) pairs; past the limit the table
    starts again rather than grow with hostile input.
    """
    found = _SHARED.get(step)
    if found is not None:
        return found
    if len(_SHARED) >= _SHARED_LIMIT:
        _SHARED.clear()
    _SHARED[step] = step
    return step


EMPTY = Log()
"""The log of a run that has taken no step yet."""
