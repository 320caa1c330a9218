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
        if isinstance(self.value, list):
            self.value.append(item)
        elif self.has_key:
            self.value[self.key] = item
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


def _entry_of(stack: list[_Open], within: str) -> bool:
    """Whether the value being added is an entry of the top-level list under ``within``."""
    if len(stack) != 2:
        return False
    top = stack[0]
    return top.has_key and top.key == within and isinstance(stack[1].value, list)


def _build(loader: Any, hook: Item | None = None, within: str = "") -> object:
    stack: list[_Open] = []
    result: object = None
    documents = 0
    while True:
        event = loader.get_event()
        if isinstance(event, ScalarEvent):
            item = _scalar(loader, event)
        elif isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            _check_tag(event, "tag:yaml.org,2002:seq" if isinstance(event, SequenceStartEvent) else "tag:yaml.org,2002:map")
            stack.append(_Open([] if isinstance(event, SequenceStartEvent) else {}))
            continue
        elif isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            item = stack.pop().value
        elif isinstance(event, AliasEvent):
            raise AliasRefused("the document uses an alias")
        elif isinstance(event, DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise yaml.YAMLError("expected a single document in the stream")
            continue
        elif isinstance(event, StreamEndEvent):
            return result
        else:  # stream start, document end
            continue
        if hook is not None and _entry_of(stack, within):
            item = hook(item)
        if stack:
            try:
                stack[-1].add(item)
            except TypeError:  # an unhashable key (a list or mapping as a key)
                raise yaml.YAMLError("found an unhashable key") from None
        else:
            result = item


def _scalar(loader: Any, event: ScalarEvent) -> object:
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
