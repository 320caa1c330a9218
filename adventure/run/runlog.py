"""A run's log: the steps taken, as a persistent list that new states share.

Each :class:`~adventure.run.engine.RunState` carries its whole log, and every step makes a
new state. Copying the log into each state (``log + (step,)``) made a run of *n* steps
cost O(n²) time and memory; here a log is a node pointing at the log before it, so
taking a step adds one small node and every earlier state keeps sharing the rest.

A :class:`Log` reads like the tuple it replaces: ``len``, iteration, indexing, prefix
slices (``log[:-1]`` is the parent, no copy), and equality and hashing as the tuple of
its steps, so ``state.log == (Step("gate", "pick"),)`` still holds. Walking a log never
recurses, so a log of a million steps is as safe to compare, iterate or free as a short one.

Typical use::

    log = Log.of([Step("gate", "pick")])
    log = log.append(Step("road", "wait"))
    assert list(log) == [Step("gate", "pick"), Step("road", "wait")] and log[:-1] == log.parent
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload


@dataclass(frozen=True, slots=True)
class Step:
    """One entry of a run's log: the scene the player was in and the choice taken."""

    scene: str
    choice: str


class Log(Sequence[Step]):
    """An immutable sequence of :class:`Step` that shares its prefix with the log it grew from."""

    __slots__ = ("_hash", "_length", "_parent", "_step")

    _parent: Log | None
    _step: Step | None
    _length: int
    _hash: int | None

    def __init__(self, parent: Log | None = None, step: Step | None = None) -> None:
        if (parent is None) != (step is None):
            raise ValueError("a log node needs both a parent and a step (or neither, for the empty log)")
        self._parent = parent
        self._step = step
        self._length = 0 if parent is None else parent._length + 1
        self._hash = None

    @classmethod
    def of(cls, steps: Iterable[Step]) -> Log:
        """A log holding ``steps`` in order (a :class:`Log` is returned as it is)."""
        if isinstance(steps, Log):
            return steps
        log = EMPTY
        for step in steps:
            log = Log(log, step)
        return log

    def append(self, step: Step) -> Log:
        """The log with one more step; this one is unchanged and shared."""
        return Log(self, step)

    @property
    def parent(self) -> Log:
        """The log without its last step (the empty log is its own parent)."""
        return self._parent if self._parent is not None else self

    @property
    def last(self) -> Step | None:
        """The last step, or ``None`` for the empty log."""
        return self._step

    def __len__(self) -> int:
        return self._length

    def __bool__(self) -> bool:
        return self._length > 0

    def __iter__(self) -> Iterator[Step]:
        return iter(self._reversed_steps()[::-1])

    def __reversed__(self) -> Iterator[Step]:
        return iter(self._reversed_steps())

    def _reversed_steps(self) -> list[Step]:
        steps: list[Step] = []
        node: Log | None = self
        while node is not None and node._step is not None:
            steps.append(node._step)
            node = node._parent
        return steps

    def _prefix(self, length: int) -> Log:
        node = self
        while node._length > length:
            assert node._parent is not None
            node = node._parent
        return node

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
        step = self._prefix(index + 1)._step
        assert step is not None
        return step

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Log):
            a: Log | None = self
            b: Log | None = other
            if self._length != other._length:
                return False
            while a is not None and b is not None and a is not b:  # stops where the two share a prefix
                if a._step != b._step:
                    return False
                a, b = a._parent, b._parent
            return True
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
        return any(step == item for step in reversed(self))

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        return tuple(self).index(value, start, len(self) if stop is None else stop)

    def count(self, value: object) -> int:
        return sum(1 for step in reversed(self) if step == value)

    def __reduce__(self) -> tuple[object, tuple[tuple[Step, ...]]]:
        return (Log.of, (tuple(self),))  # flat, so pickling and deepcopy never recurse down the chain


EMPTY = Log()
"""The log of a run that has taken no step yet."""
