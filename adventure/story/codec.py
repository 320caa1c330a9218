"""The story model as JSON values and back; the schema is the model's own data classes.

A story is data (strings, numbers, parsed expression and template nodes, locations),
so it is written field by field, in each class's ``__init__`` order:

* an instance of a model class is ``{"ClassName": [field, field, ...]}``, the class
  looked up in :data:`CLASSES` (a fixed list: nothing else is ever made);
* a tuple held by a field is a bare list; a tuple inside a list is ``{"t": [...]}``;
* a :class:`~adventure.story.model.Location` is ``{"@": [file, line, column]}``, its
  file a number into a table of file names (locations are the most numerous values,
  and their files repeat);
* a mapping is ``{"m": [key, value, ...]}`` (``"p"`` when read-only), a stat type
  ``{"e": "int"}``.

The decoder rebuilds objects bottom-up in one pass, as ``json.loads`` hands it each
finished object (:meth:`Decoder.hook`), which is why a warm start is mostly the JSON
parser's own time. :mod:`adventure.story.cache` adds the file around it.

Typical use::

    data = story.to_dict()                    # plain JSON values
    assert Story.from_dict(data) == story
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from adventure.errors import Diagnostic
from adventure.story import expr as ex
from adventure.story import template as tp
from adventure.story.model import (
    Chapter,
    Choice,
    Effect,
    Ending,
    Goto,
    Location,
    Memo,
    Milestone,
    Need,
    Presentation,
    Scene,
    Stat,
    Story,
    Target,
)

Json = Any
"""A value ``json`` reads or writes: None, bool, int, str, list or dict (typed loosely on purpose)."""

CLASSES: tuple[type, ...] = (
    Story, Stat, Presentation, Memo, Chapter, Milestone, Need, Scene, Choice, Goto, Target, Effect, Ending,
    ex.Const, ex.Name, ex.Unary, ex.Binary, ex.Call, ex.Recall,
    tp.Template, tp.Literal, tp.Interp, tp.Cond, tp.Assume,
    Diagnostic,
)
"""Every class a story is made of: the schema. Adding a field to one changes the code stamp, so caches renew."""

_BY_NAME: dict[str, type] = {cls.__name__: cls for cls in CLASSES}
_KNOWN = frozenset(CLASSES)
_SCALARS = frozenset({str, int, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _init_fields(cls: type) -> tuple[str, ...]:
    """The names ``cls(*values)`` takes, in order (``init=False`` fields rebuild themselves)."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return found


class Encoder:
    """Model objects to JSON values; collects the table of file names locations point into."""

    def __init__(self) -> None:
        self.files: dict[str, int] = {}
        self.replace: tuple[object, Json] | None = None
        """An object to write as a given value instead (the cache writes the scenes apart)."""

    def value(self, obj: object) -> Json:
        cls = obj.__class__
        if cls in _SCALARS:
            return obj
        if self.replace is not None and obj is self.replace[0]:
            return self.replace[1]
        if isinstance(obj, Location):
            return {"@": [self.files.setdefault(obj.file, len(self.files)), obj.line, obj.column]}
        if cls is tuple:
            return {"t": self.values(obj)}  # type: ignore[arg-type]
        if cls in _KNOWN:
            return {cls.__name__: [self.field(getattr(obj, name)) for name in _init_fields(cls)]}
        if cls is ex.StatType:
            return {"e": obj.value}  # type: ignore[attr-defined]
        if isinstance(obj, Mapping):
            return {"m" if cls is dict else "p": self.values(x for pair in obj.items() for x in pair)}
        raise ValueError(f"a story holds a {cls.__name__}, which is not story data")

    def field(self, obj: object) -> Json:
        """A field's value: a tuple is a bare list (the decoder turns a field's lists back into tuples)."""
        return self.values(obj) if isinstance(obj, tuple) and obj.__class__ is tuple else self.value(obj)

    def values(self, items: Iterable[object]) -> list[Json]:
        value = self.value
        return [item if item.__class__ in _SCALARS else value(item) for item in items]


class Decoder:
    """JSON values back to model objects, given the table of file names the encoder made."""

    def __init__(self, files: list[str]):
        if not all(isinstance(f, str) for f in files):
            raise TypeError("file names must be strings")
        self.files = files
        self.special: dict[str, Callable[[Json], object]] = {
            "t": tuple, "m": _mapping, "p": lambda v: MappingProxyType(_mapping(v)), "e": ex.StatType,
        }

    def hook(self, d: dict[str, Json]) -> object:
        """One finished JSON object to the value it stands for (``object_hook``: runs once per object)."""
        (tag, v), = d.items()
        if tag == "@":
            file, line, column = v
            if not (line.__class__ is int and column.__class__ is int):
                raise TypeError("a location's line and column are numbers")
            return Location(self.files[file], line, column)
        cls = _BY_NAME.get(tag)
        if cls is None:
            return self.special[tag](v)
        return cls(*[tuple(x) if x.__class__ is list else x for x in v])

    def loads(self, raw: bytes | str) -> object:
        return json.loads(raw, object_hook=self.hook)

    def revive(self, data: Json) -> object:
        """The same as :meth:`loads` for values already parsed (bottom-up, as the parser goes)."""
        if data.__class__ is list:
            return [self.revive(x) for x in data]
        if data.__class__ is dict:
            return self.hook({k: self.revive(v) for k, v in data.items()})
        return data


def _mapping(items: list[Json]) -> dict[Json, Json]:
    return dict(zip(items[::2], items[1::2], strict=True))


def story_to_dict(story: Story) -> dict[str, Json]:
    """``{"files": [...], "story": ...}``: the story and the file names its locations use."""
    encoder = Encoder()
    body = encoder.value(story)
    return {"files": list(encoder.files), "story": body}


def story_from_dict(data: Mapping[str, Json]) -> Story:
    """The story :func:`story_to_dict` wrote; ``ValueError``, ``TypeError`` or ``KeyError`` otherwise."""
    story = Decoder(list(data["files"])).revive(data["story"])
    if not isinstance(story, Story):
        raise TypeError(f"expected a story, found a {type(story).__name__}")
    return story
