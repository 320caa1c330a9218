"""Plain data from a YAML document, built straight from the parser's events.

PyYAML's loaders compose a node tree (each node with two position marks) before they
construct any value, so reading a run of 100,000 steps held some 250 MB of nodes at
once. Run files need no positions, so here the values are built as the events stream
past, on an explicit stack: memory is the data itself, and nothing recurses.

Safe by construction: scalars are resolved and constructed by the safe loader's own
resolver and constructors (an unknown tag is an error, never an object), and aliases
are refused outright (:class:`AliasRefused`), since run files never share data.

Typical use::

    data = plain_data("steps:\\n- {scene: gate, choice: pick}\\n")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]


class AliasRefused(yaml.YAMLError):
    """The document uses an alias (``*name``): shared data that plain records never hold."""


class _Open:
    """A container being filled: a list, or a dict with the key awaiting its value."""

    __slots__ = ("has_key", "key", "value")

    def __init__(self, value: list[Any] | dict[Any, Any]) -> None:
        self.value = value
        self.key: Any = None
        self.has_key = False

    def add(self, item: Any) -> None:
        value = self.value
        if type(value) is list:
            value.append(item)
        elif self.has_key:
            value[self.key] = item
            self.has_key = False
        else:
            self.key, self.has_key = item, True


Item = Callable[[object], object]
"""Turns one entry of a top-level list into what is kept of it (see :func:`plain_data`)."""


def plain_data(text: str | bytes, item: Item | None = None, within: str = "") -> object:
    """The single document in ``text`` (UTF-8 bytes are read as they are) as dicts, lists and scalars.

    ``None`` when empty. With ``item``, each entry of the list under the top-level key
    ``within`` is handed to ``item`` as soon as it is built and its result kept instead:
    a run's 100,000 steps become shared small records, never 100,000 dicts at once.

    Raises :class:`yaml.YAMLError` for invalid YAML (with a ``problem_mark``), an unknown
    tag, more than one document, or (:class:`AliasRefused`) an alias.
    """
    loader = _Loader(text)
    try:
        return _build(loader, item, within)
    finally:
        loader.dispose()


def _build(loader: Any, hook: Item | None = None, within: str = "") -> object:
    """The event loop: scalars and closed containers are added to the container open below them."""
    stack: list[_Open] = []
    known: dict[tuple[str, Any, Any], object] = {}
    entries: _Open | None = None  # the list under the top-level key ``within`` (only with a hook)
    keep: Item = hook if hook is not None else _same
    get_event = loader.get_event
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            item = _scalar(loader, event, known)
        elif kind is SequenceStartEvent or kind is MappingStartEvent:
            opened = _open(event, kind is SequenceStartEvent)
            if hook is not None and _under(stack, within):
                entries = opened
            stack.append(opened)
            continue
        elif kind is SequenceEndEvent or kind is MappingEndEvent:
            item = stack.pop().value
        elif kind is StreamEndEvent:
            return None
        elif kind is AliasEvent:
            raise AliasRefused("the document uses an alias")
        else:  # the stream's and the document's start (the root value ends the loop: see _single)
            continue
        if not stack:
            return _single(get_event, item)
        top = stack[-1]
        if top is entries:
            item = keep(item)
        try:
            top.add(item)
        except TypeError:  # an unhashable key (a list or mapping as a key)
            raise yaml.YAMLError("found an unhashable key") from None


def _same(item: object) -> object:
    return item


def _under(stack: list[_Open], key: str) -> bool:
    """Whether a container opening now is the value of the top-level mapping's ``key``."""
    return len(stack) == 1 and stack[0].has_key and stack[0].key == key


def _open(event: SequenceStartEvent | MappingStartEvent, sequence: bool) -> _Open:
    _check_tag(event, "tag:yaml.org,2002:seq" if sequence else "tag:yaml.org,2002:map")
    return _Open([] if sequence else {})


def _single(get_event: Callable[[], object], value: object) -> object:
    """The document's value, once the rest of the stream holds no second document."""
    while True:
        event = get_event()
        if isinstance(event, StreamEndEvent):
            return value
        if isinstance(event, DocumentStartEvent):
            raise yaml.YAMLError("expected a single document in the stream")


_KEPT = (str, int, bool, float, type(None))
"""Values that are immutable, so one may stand for every equal scalar."""
_KNOWN_LIMIT = 4096


def _scalar(loader: Any, event: ScalarEvent, known: dict[tuple[str, Any, Any], object]) -> object:
    """The value of one scalar; an untagged one written the same way as before is not resolved again.

    A run file repeats a few short scalars (``scene``, ``choice``, its ids) 100,000 times
    over: resolving each against the implicit types' patterns was most of reading it.
    """
    if event.tag is not None:
        return _construct(loader, event)
    key = (event.value, event.implicit, event.style)
    try:
        return known[key]
    except KeyError:
        pass
    value = _construct(loader, event)
    if type(value) in _KEPT and len(known) < _KNOWN_LIMIT and len(event.value) <= 64:
        known[key] = value
    return value


def _construct(loader: Any, event: ScalarEvent) -> object:
    tag = event.tag
    if tag is None or tag == "!":
        tag = loader.resolve(ScalarNode, event.value, event.implicit)
    constructor = loader.yaml_constructors.get(tag)
    if constructor is None:
        raise yaml.YAMLError(f"could not construct a value with the tag {tag!r}")
    return constructor(loader, ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style))  # type: ignore[arg-type]


def _check_tag(event: SequenceStartEvent | MappingStartEvent, plain: str) -> None:
    if event.tag not in (None, "!", plain):
        raise yaml.YAMLError(f"could not construct a value with the tag {event.tag!r}")
