"""The story model as JSON values and back; the schema is the model's own data classes.

A story is data (strings, numbers, parsed expression and template nodes, locations),
so it is written field by field, in each class's ``__init__`` order:

* an instance of a model class is ``{"ClassName": [field, field, ...]}``, the class
  looked up in :data:`CLASSES` (a fixed list: nothing else is ever made);
* a tuple held by a field is a bare list; a tuple inside a list is ``{"t": [...]}``;
* a :class:`~adventure.story.model.Location` is ``[file, line, column]``, its file a
  number into a table of file names, in the fields named ``location``,
  ``assumes_location`` (one) and ``passage_locations`` (a list); anywhere else
  ``{"@": [file, line, column]}``. Locations are the most numerous values, so the
  fields that hold them cost the reader no object of their own;
* a template of plain text is ``{"T": text}`` (``{"U": text}`` inside an ``{if}``);
* a mapping is ``{"m": [key, value, ...]}`` (``"p"`` when read-only), a stat type
  ``{"e": "int"}``;
* an expression or template several scenes hold (the builder makes one object for
  equal sources) may be written once and referred to as ``{"g": number}``
  (:attr:`Encoder.commons`; the story cache does, so scenes decode less).

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
from typing import Any, NamedTuple

from adventure.base.errors import Diagnostic
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
_SHARED = frozenset({ex.Unary, ex.Binary, ex.Call, tp.Template})
_new_tuple = tuple.__new__
_SCALARS = frozenset({str, int, bool, type(None)})
_LEAVES = _SCALARS | {Location}
_ONE_LOCATION = frozenset({"location", "assumes_location"})
_LOCATIONS = "passage_locations"


class _Plan(NamedTuple):
    """How a class is written: its ``__init__`` fields in order, where tuples and locations sit among them."""

    names: tuple[str, ...]
    tuples: tuple[int, ...]
    one: tuple[int, ...]
    many: tuple[int, ...]


_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    found = _PLANS.get(cls)
    if found is None:
        fields = [f for f in dataclasses.fields(cls) if f.init]  # init=False fields rebuild themselves
        names = tuple(f.name for f in fields)
        tuples = tuple(i for i, f in enumerate(fields)  # the declared type, as written (``tuple[Effect, ...]``)
                       if str(f.type).startswith("tuple[") and f.name != _LOCATIONS)
        found = _PLANS[cls] = _Plan(names, tuples, tuple(i for i, n in enumerate(names) if n in _ONE_LOCATION),
                                    tuple(i for i, n in enumerate(names) if n == _LOCATIONS))
    return found


class Encoder:
    """Model objects to JSON values; collects the table of file names locations point into."""

    def __init__(self) -> None:
        self.files: dict[str, int] = {}
        self.replace: tuple[object, Json] | None = None
        """An object to write as a given value instead (the cache writes the scenes apart)."""
        self.commons: dict[int, int] = {}
        """Shared objects written elsewhere, by ``id()``: their number (``{"g": number}``)."""

    def value(self, obj: object) -> Json:
        cls = obj.__class__
        if cls in _SCALARS:
            return obj
        if self.replace is not None and obj is self.replace[0]:
            return self.replace[1]
        if isinstance(obj, Location):
            return {"@": self.location(obj)}
        if cls is tuple:
            return {"t": self.values(obj)}  # type: ignore[arg-type]
        if cls in _SHARED:
            shared = self.shared(obj)
            if shared is not None:
                return shared
        if cls in _KNOWN:
            return self.instance(obj)
        if cls is ex.StatType:
            return {"e": obj.value}  # type: ignore[attr-defined]
        if isinstance(obj, Mapping):
            return {"m" if cls is dict else "p": self.values(x for pair in obj.items() for x in pair)}
        raise ValueError(f"a story holds a {cls.__name__}, which is not story data")

    def shared(self, obj: Any) -> Json | None:
        """An expression or template several scenes may hold: its number, or a plain text's short form.

        ``None`` when it is written field by field like any other instance.
        """
        number = self.commons.get(id(obj))
        if number is not None:
            return {"g": number}
        if obj.__class__ is tp.Template and len(obj.parts) == 1 and obj.parts[0].__class__ is tp.Literal:
            text = obj.parts[0].text
            if obj.source in (text, ""):
                return {"T" if obj.source else "U": text}
        return None

    def instance(self, obj: object) -> Json:
        """A model object: ``{"ClassName": [field, ...]}``, its locations as bare triples."""
        cls = obj.__class__
        names, _tuples, one, many = _plan(cls)
        value, values_of = self.value, self.values  # one frame a level: long chains (a*a*...*a) stay in the limit
        values = [values_of(v) if v.__class__ is tuple else value(v) for v in [getattr(obj, n) for n in names]]
        for i in one:
            where = getattr(obj, names[i])
            values[i] = None if where is None else self.location(where)
        for i in many:
            values[i] = [self.location(where) for where in getattr(obj, names[i])]
        return {cls.__name__: values}

    def location(self, where: Location) -> list[Json]:
        return [self.files.setdefault(where.file, len(self.files)), where.line, where.column]

    def field(self, obj: object) -> Json:
        """A field's value: a tuple is a bare list (the decoder turns a field's lists back into tuples)."""
        return self.values(obj) if isinstance(obj, tuple) and obj.__class__ is tuple else self.value(obj)

    def values(self, items: Iterable[object]) -> list[Json]:
        value = self.value
        return [item if item.__class__ in _SCALARS else value(item) for item in items]


def shared_parts(obj: object, met: dict[int, object], before: Mapping[int, object]) -> None:
    """Note in ``met`` every expression and template below ``obj`` (by ``id``): the parts objects may share.

    The builder makes one object for equal sources, so a generated story's scenes hold the
    same condition objects; the story cache writes those once (:attr:`Encoder.commons`).
    This walks the model without writing it (the cache's first pass, about a third of the
    cost of encoding), and does not descend into a part already in ``met`` or ``before``
    (met in an earlier scene: its own parts travel inside it).
    """
    cls = obj.__class__
    if cls in _LEAVES:
        return
    if cls is tuple:
        for item in obj:  # type: ignore[attr-defined]
            if item.__class__ not in _LEAVES:
                shared_parts(item, met, before)
        return
    if cls in _SHARED:
        key = id(obj)
        if key in met:
            return
        met[key] = obj
        if key in before:
            return
    if cls in _KNOWN:
        for name in _plan(cls).names:
            value = getattr(obj, name)
            if value.__class__ not in _LEAVES:
                shared_parts(value, met, before)
    elif isinstance(obj, Mapping):
        for value in obj.values():
            shared_parts(value, met, before)


class Decoder:
    """JSON values back to model objects, given the table of file names the encoder made."""

    def __init__(self, files: list[str]):
        if not all(isinstance(f, str) for f in files):
            raise TypeError("file names must be strings")
        self.files = files
        self.table = {cls.__name__: (cls, *_plan(cls)[1:]) for cls in CLASSES}
        self.commons: list[object] = []
        self.special: dict[str, Callable[[Json], object]] = {
            "t": tuple, "m": _mapping, "p": lambda v: MappingProxyType(_mapping(v)), "e": ex.StatType,
            "T": lambda v: tp.Template((tp.Literal(v),), v), "U": lambda v: tp.Template((tp.Literal(v),), ""),
            "g": lambda v: self.commons[v], "@": self.location,
        }

    def hook(self, d: dict[str, Json]) -> object:
        """One finished JSON object to the value it stands for (``object_hook``: runs once per object)."""
        if len(d) != 1:
            raise ValueError("an object of the story has one key")
        tag, v = d.popitem()
        entry = self.table.get(tag)
        if entry is None:
            return self.special[tag](v)
        cls, tuples, one, many = entry
        for i in tuples:
            if v[i].__class__ is list:
                v[i] = tuple(v[i])
        if one:
            for i in one:
                if v[i] is not None:
                    v[i] = self.location(v[i])
            for i in many:
                v[i] = tuple([self.location(x) for x in v[i]])
        return cls(*v)

    def location(self, v: list[Json]) -> Location:
        file, line, column = v
        if not (line.__class__ is int and column.__class__ is int):
            raise TypeError("a location's line and column are numbers")
        return _new_tuple(Location, (self.files[file], line, column))

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
