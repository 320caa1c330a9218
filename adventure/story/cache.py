"""A cache of validated stories, so a big story starts without parsing its YAML again.

Loading a story means parsing every file, checking every key and expression and
compiling them; for a story of thousands of scenes that takes seconds. Only a story
that loaded without errors is cached, keyed by the loader's own fingerprint (SHA-256
over every file it read, in order) together with a stamp of the code that builds the
model, so a changed file or a changed engine is a miss, never a stale story.

The format is data only: one JSON document (no pickle, no marshal, no code). The model
is written by walking dataclass fields reflectively, so fields and node classes that
the model gains later are covered without touching this module. Compiled expressions
are stored as their parsed expression tree and compiled again when read; constants as
their value. A callable the cache cannot describe makes the story uncacheable (it is
simply loaded from YAML each time), never wrong.

Scenes are decoded lazily. The body is one JSON array: the story without its scenes
(and the few objects several scenes share, such as a compiled condition the builder
reused) first, then one JSON value per scene, whose byte lengths the story records. A warm load parses only the first element; ``story.scenes`` is a
:class:`LazyScenes` mapping that decodes a scene the first time it is asked for, so
a 10,000-scene story starts in the time it takes to hash its files, and a game that
visits a few dozen scenes never decodes the rest. The whole file is still checked
(its checksum, schema, code stamp, file digest and class names) before anything in it
is believed.

Where: ``$MILLION_MILES_CACHE_DIR``, else the user cache folder (platformdirs).
``MILLION_MILES_NO_CACHE=1`` switches the cache off. A damaged, foreign or stale file
is ignored and replaced on the next successful load; writes are atomic (a temporary
file renamed into place), so readers never see half a file.

Typical use (the loader does this in :func:`~adventure.story.loader.load_story`)::

    hit = cache.lookup(folder)               # None on a miss, else (story, warnings, files)
    if hit is None:
        report = check_story(folder, cache=False)
        cache.store(folder, report.story, report.warnings, report.files, report.compiled)
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import hashlib
import hmac
import importlib
import json
import os
import re
import stat
import time
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from adventure import __version__
from adventure.errors import Diagnostic
from adventure.regularfile import read_regular
from adventure.story import expr as ex
from adventure.story import template as tp
from adventure.story.model import Scene, Story

SCHEMA = 2
"""Bumped when the layout of the cache file itself changes."""
ENV_DIR = "MILLION_MILES_CACHE_DIR"
ENV_OFF = "MILLION_MILES_NO_CACHE"
MAX_BYTES = 512 * 1024 * 1024
"""A cache file larger than this is not read (a cache, not a way to exhaust memory)."""
MAX_FILE_BYTES = 4 * 1024 * 1024
"""The loader's limit on one story file (``yamlsrc.MAX_FILE_BYTES``, kept equal by a test): importing
``yamlsrc`` here would load PyYAML on every warm start, which the cache exists to spare."""

Recipe = tuple[str, Any]
"""How a compiled callable was made: ``("expr", node)``, ``("const", value)`` or ``("text", template)``."""
Recipes = Mapping[int, tuple[object, Recipe]]
"""Recipes by ``id()`` of the callable, each kept with the callable (so ids stay unique)."""

_MODULES = frozenset({"adventure.story.model", "adventure.story.expr", "adventure.story.template",
                      "adventure.errors"})
"""Classes are only ever made from the model's modules, and only data classes."""


class Uncacheable(Exception):
    """The story holds a value the cache format cannot describe."""


class Cached(NamedTuple):
    """A cache hit: the story, the warnings its full load gave, and the files it read."""

    story: Story
    warnings: tuple[Diagnostic, ...]
    files: tuple[str, ...]


# -- where and whether ---------------------------------------------------------------------------


def enabled() -> bool:
    """Whether the cache is on (``MILLION_MILES_NO_CACHE`` unset, empty or ``0``)."""
    return os.environ.get(ENV_OFF, "") in ("", "0")


def cache_dir() -> Path:
    """``$MILLION_MILES_CACHE_DIR``, else the user cache folder of million-miles."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("million-miles", appauthor=False)) / "stories"


def entry_path(folder: str | Path) -> Path:
    """The cache file for a story folder, named by its path as given and as resolved.

    The path as given matters because locations in diagnostics repeat it.
    """
    given = str(Path(folder))
    try:
        resolved = str(Path(folder).resolve())
    except OSError:
        resolved = given
    name = hashlib.sha256(f"{resolved}\0{given}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"{name}.json"


_stamp: str | None = None


def code_stamp() -> str:
    """A digest of the package's code: any change to it makes every entry stale.

    The whole package, not only ``story/``: validation may call helpers from
    anywhere below it, and reading its eighty small files costs under a millisecond
    (listed with :func:`os.scandir`: ``Path.rglob`` alone took as long as the reading).
    """
    global _stamp
    if _stamp is None:
        digest = hashlib.sha256(f"{SCHEMA}\0{__version__}\0".encode())
        for name, path in sorted(_sources(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")):
            with open(path, "rb") as handle:
                digest.update(name.encode() + b"\0" + handle.read() + b"\0")
        _stamp = digest.hexdigest()
    return _stamp


def _sources(folder: str, prefix: str) -> list[tuple[str, str]]:
    """``(name relative to the package, path)`` of every ``.py`` file below ``folder``."""
    found: list[tuple[str, str]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".py") and entry.is_file():
                found.append((prefix + entry.name, entry.path))
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                found.extend(_sources(entry.path, f"{prefix}{entry.name}/"))
    return found


def fingerprint(root: Path, files: Sequence[str]) -> str | None:
    """The loader's digest over ``files`` (read in order), or ``None`` if one cannot be read.

    Mirrors how :mod:`adventure.story.loader` fingerprints a story while reading it.
    """
    digest = hashlib.sha256()
    resolved_root = root.resolve()
    for name in files:
        path = root / name
        try:
            if not path.resolve().is_relative_to(resolved_root):
                return None
            data = read_regular(path, MAX_FILE_BYTES)  # a FIFO or a grown file: a miss, and the loader says why
        except OSError:
            return None
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


# -- reading -------------------------------------------------------------------------------------


def lookup(folder: str | Path) -> Cached | None:
    """The cached story for ``folder`` when its files and the code are unchanged, else ``None``.

    Never raises for a missing, damaged or foreign cache file: those are misses.
    """
    if not enabled():
        return None
    try:
        raw = read_regular(entry_path(folder), MAX_BYTES)  # a FIFO or /dev/zero entry: a miss, never a hang
    except OSError:
        return None
    return decode(raw, Path(folder))


def decode(raw: bytes, root: Path) -> Cached | None:
    """The story in a cache file's bytes, when they are current for ``root``; else ``None``.

    The first line is a SHA-256 of the rest, so a file damaged anywhere (a bit flipped,
    cut short, edited) is a miss before anything in it is believed.
    """
    check, sep, rest = raw.partition(b"\n")
    key = secret_key(create=False)
    if not sep or key is None or not hmac.compare_digest(_seal(key, rest), check):
        return None
    head, sep, body = rest.partition(b"\n")
    try:
        header = json.loads(head)
        if not (sep and isinstance(header, dict) and header.get("schema") == SCHEMA
                and header.get("code") == code_stamp() and header.get("root") == str(root)):
            return None
        files = header["files"]
        if not (isinstance(files, list) and files and all(isinstance(f, str) for f in files)):
            return None
        if fingerprint(root, files) != header["digest"]:
            return None
        story, warnings = _Decoder(header, body).skeleton()
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError,
            ImportError, ex.ExprError, tp.TemplateError):
        return None
    if not (isinstance(story, Story) and isinstance(warnings, tuple)
            and all(isinstance(w, Diagnostic) for w in warnings)):
        return None
    return Cached(story, warnings, tuple(files))


class _Decoder:
    """Rebuilds objects bottom-up as the JSON parser finishes each one (``object_hook``).

    Every JSON object has one key: a class number (an instance of that class, its
    ``__init__`` arguments in order) or a letter: ``t`` tuple, ``r`` an object met
    before (by number, in the order objects are finished), ``m``/``p`` a dict or a
    read-only mapping, ``s`` a frozenset, ``x`` an expression to compile, ``k`` a
    constant. The hook runs once per object, so it is written for speed.
    """

    def __init__(self, header: Mapping[str, Any], body: bytes):
        self.body = body
        self.skeleton_end = 1 + header["skeleton"]
        if not (body[:1] == b"[" and body[self.skeleton_end:self.skeleton_end + 1] in (b",", b"]")):
            raise ValueError("not a cache body")
        self.slots: dict[str, int] = header["slots"]
        self.strings: list[str] = header["strings"]
        self.constants: dict[tuple[type, object], object] = {}
        self.commons: tuple[object, ...] = ()
        self.table: dict[str, tuple[int, type, tuple[Any, ...]]] = {}
        for number, name in enumerate(header["classes"]):
            cls = _resolve(name)
            kind = _ENUM if issubclass(cls, enum.Enum) else _TUPLE if _is_namedtuple(cls) else _CLASS
            self.table[str(number)] = (kind, cls, _text_positions(cls) if kind is _TUPLE else ())
        plans = header["plans"]
        for tag, (kind, cls, _) in list(self.table.items()):
            if kind is _CLASS:
                self.table[tag] = (kind, cls, self.plan(plans[tag]))

    def plan(self, written: list[list[Any]]) -> tuple[tuple[int, Any], ...]:
        """A class's :func:`_plan` as the writer recorded it (working it out takes ~0.1 ms a class).

        ``[position, 0]`` a tuple, ``[position, 1]`` a tuple of tuples, ``[position, tag]``
        a named tuple of the class numbered ``tag``.
        """
        plan: list[tuple[int, Any]] = []
        for position, how in written:
            if not isinstance(position, int):
                raise ValueError("bad plan")
            if how == 0 or how == 1:
                plan.append((position, None if how == 0 else tuple))
            else:
                kind, named, texts = self.table[how]
                if kind is not _TUPLE:
                    raise ValueError("bad plan")
                plan.append((position, (named, texts)))
        return tuple(plan)

    def skeleton(self) -> tuple[Any, Any]:
        """The body's first element: ``(story, warnings)``, the story's scenes lazy.

        Its third part, the objects several scenes share, is kept for :meth:`scene`.
        """
        story, warnings, commons = json.loads(self.body[1:self.skeleton_end], object_hook=self.hook())
        if not isinstance(commons, tuple):
            raise TypeError("no shared objects")
        self.commons = commons
        return story, warnings

    def scene(self, start: int, end: int) -> Scene:
        """The scene written at ``body[start:end]`` (its own numbering of shared objects).

        The collector is paused meanwhile, as the loader does (see ``check_story``):
        decoding allocates many small acyclic objects, and collections they trigger
        would walk the whole story each time.
        """
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            scene = json.loads(self.body[start:end], object_hook=self.hook())
        finally:
            if was_enabled:
                gc.enable()
        if not isinstance(scene, Scene):
            raise TypeError(f"the cache holds a {type(scene).__name__} where a scene belongs")
        return scene

    def lazy_scenes(self, lengths: list[Any]) -> LazyScenes:
        """The ``z`` tag: scene ids and byte lengths, in order, after the skeleton."""
        spans: dict[str, tuple[int, int]] = {}
        start = self.skeleton_end + 1
        for scene_id, length in zip(lengths[::2], lengths[1::2], strict=True):
            if not (isinstance(scene_id, str) and isinstance(length, int) and length > 0):
                raise ValueError("bad scene index")
            spans[scene_id] = (start, start + length)
            start += length + 1
        if start != len(self.body):
            raise ValueError("the scene index does not match the body")
        return LazyScenes(spans, self.scene)

    def hook(self) -> Callable[[dict[str, Any]], object]:
        """A fresh ``object_hook``: each JSON value decoded numbers its shared objects from 0."""
        table, slots, strings, constants, commons = self.table, self.slots, self.strings, self.constants, self.commons
        shared: list[object] = []
        append = shared.append
        new_tuple = tuple.__new__

        def hook(d: dict[str, Any]) -> object:
            tag, value = d.popitem()
            entry = table.get(tag)
            obj: object
            if entry is not None:
                kind, cls, plan = entry
                if kind is _CLASS:
                    for i, how in plan:  # fields declared as tuples or named tuples come as bare lists
                        v = value[i]
                        if v.__class__ is list:
                            if how is None:
                                value[i] = tuple(v)
                            elif how is tuple:
                                value[i] = tuple([tuple(x) if x.__class__ is list else x for x in v])
                            else:
                                named, texts = how
                                for j in texts:
                                    v[j] = strings[v[j]]
                                value[i] = new_tuple(named, v)
                    obj = cls(*value)
                elif kind is _TUPLE:
                    for i in plan:
                        value[i] = strings[value[i]]
                    obj = new_tuple(cls, value)
                else:
                    return cls(value)
            elif tag == "t":
                return tuple(value)
            elif tag == "r":
                return shared[value]
            elif tag == "g":
                return commons[value]
            elif tag == "x":
                obj = ex.compile_expr(value, slots)
            elif tag == "y":
                obj = tp.compile_text_value(value, slots)
            elif tag == "k":
                key = (type(value), value)
                obj = constants.get(key)
                if obj is None:
                    obj = constants[key] = _constant(value)
            elif tag == "p":
                return MappingProxyType(_mapping(value))
            elif tag == "m":
                return _mapping(value)
            elif tag == "s":
                return frozenset(value)
            elif tag == "z":
                return self.lazy_scenes(value)
            else:
                raise ValueError(f"unknown tag {tag!r}")
            append(obj)
            return obj

        return hook


class LazyScenes(Mapping[str, Scene]):
    """A story's scenes from the cache, each decoded the first time it is asked for.

    Read-only and ordered like the mapping the loader builds; equal to any mapping with
    the same scenes. ``in``, ``len`` and iterating the ids decode nothing. Once every
    scene is decoded, the cache file's bytes are let go. The file was checked whole
    before the story was handed out, so a scene fails to decode only if someone forged
    an entry with a valid checksum, this code's stamp and these files' digest; that
    raises (``TypeError``/``ValueError``) rather than returning something else.
    """

    __slots__ = ("_built", "_decode", "_spans")

    def __init__(self, spans: dict[str, tuple[int, int]], decode: Callable[[int, int], Scene]):
        self._spans = spans
        self._built: dict[str, Scene] = {}
        self._decode: Callable[[int, int], Scene] | None = decode

    def __getitem__(self, scene_id: str) -> Scene:
        scene = self._built.get(scene_id)
        if scene is None:
            span = self._spans[scene_id]
            assert self._decode is not None  # set until every scene is built
            scene = self._built[scene_id] = self._decode(*span)
            if len(self._built) == len(self._spans):
                self._decode = None
        return scene

    def __contains__(self, scene_id: object) -> bool:
        return scene_id in self._spans

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __repr__(self) -> str:
        return f"LazyScenes({len(self._spans)} scenes, {len(self._built)} decoded)"


_CLASS, _TUPLE, _ENUM = 0, 1, 2


def _constant(value: ex.Value) -> Callable[[Sequence[ex.Value]], ex.Value]:
    return lambda values: value


def _mapping(items: list[Any]) -> dict[Any, Any]:
    return dict(zip(items[::2], items[1::2], strict=True))


def _proxy(items: list[Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(_mapping(items))


def _resolve(name: str) -> type:
    """A model class by ``module:qualname``, only from this package and only of a data kind."""
    module_name, _, qualname = name.partition(":")
    if module_name not in _MODULES or "." in qualname:
        raise ImportError(name)
    cls = getattr(importlib.import_module(module_name), qualname)
    if not isinstance(cls, type) or not (dataclasses.is_dataclass(cls) or _is_namedtuple(cls)
                                         or issubclass(cls, enum.Enum)):
        raise ImportError(name)
    return cls


def _is_namedtuple(cls: type) -> bool:
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


_PLANS: dict[type, tuple[tuple[int, Any], ...]] = {}


def _plan(cls: type) -> tuple[tuple[int, Any], ...]:
    """How a data class's fields are written when their declared type allows a bare list.

    From the declared types, worked out by the writer and recorded in the header (the
    reader takes it from there, see :meth:`_Decoder.plan`): ``(position, None)`` a tuple, ``(position, tuple)`` a tuple of tuples, and
    ``(position, (named_tuple_class, text_positions))`` a named tuple (or ``None``).
    Bare lists cost the reader far less than tagged objects, and these fields hold most
    of a story's values (choices, effects, parts, locations).
    """
    found = _PLANS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        plan: list[tuple[int, Any]] = []
        for position, f in enumerate(_init_fields(cls)):
            hint = hints.get(f.name)
            options = [a for a in typing.get_args(hint) if a is not type(None)] if _is_union(hint) else [hint]
            if len(options) != 1:
                continue
            (option,) = options
            if typing.get_origin(option) is tuple:
                args = typing.get_args(option)
                nested = bool(args) and typing.get_origin(args[0]) is tuple
                plan.append((position, tuple if nested else None))
            elif isinstance(option, type) and _is_namedtuple(option):
                plan.append((position, (option, _text_positions(option))))
        found = _PLANS[cls] = tuple(plan)
    return found


def _is_union(hint: object) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _text_positions(cls: type) -> tuple[int, ...]:
    """Positions of a named tuple's ``str`` fields, written as numbers into a table of strings.

    Named tuples are small values made by the hundred thousand (locations), and their
    text fields repeat (file names), so the table keeps the cache file small.
    """
    hints = getattr(cls, "__annotations__", {})
    names = [getattr(hints.get(name), "__forward_arg__", hints.get(name)) for name in cls._fields]  # type: ignore[attr-defined]
    return tuple(i for i, hint in enumerate(names) if hint in ("str", str))


# -- writing -------------------------------------------------------------------------------------


def store(folder: str | Path, story: Story, warnings: Sequence[Diagnostic], files: Sequence[str],
          recipes: Recipes) -> Path | None:
    """Write the cache entry for a story just loaded from ``files``; returns its path.

    Best effort: an uncacheable story, a read-only or full disk are silent misses.
    """
    if not enabled():
        return None
    root = Path(folder)
    digest = fingerprint(root, files)
    if digest is None:
        return None
    try:
        data = encode(story, tuple(warnings), root, files, digest, recipes)
    except (Uncacheable, RecursionError, ValueError):
        return None
    try:
        path = entry_path(folder)
        _write_atomic(path, data)
    except OSError:
        return None
    return path


def encode(story: Story, warnings: tuple[Diagnostic, ...], root: Path, files: Sequence[str], digest: str,
           recipes: Recipes) -> bytes:
    """The cache file's bytes: a checksum line, a one-line JSON header, then the body.

    The body is ``[skeleton, scene, scene, ...]``: the skeleton is ``(story, warnings,
    commons)`` with the story's scenes written as their ids and the byte lengths of the
    scene values after it (tag ``z``). Each scene numbers its shared objects on its own
    so it can be decoded alone; an object several scenes hold is written once, in
    ``commons``, and each scene refers to it by position (tag ``g``).
    """
    encoder = _Encoder(recipes)
    commons = encoder.shared_by(story.scenes.values())
    encoder.commons = {id(obj): number for number, obj in enumerate(commons)}
    parts: list[bytes] = []
    index: list[Any] = []
    for scene_id, scene in story.scenes.items():
        encoder.fresh()
        parts.append(_dumps(encoder.value(scene)))
        index += [scene_id, len(parts[-1])]
    encoder.fresh()
    encoder.commons = {}
    encoder.lazy = (story.scenes, {"z": index})
    skeleton = _dumps({"t": [encoder.value(story), encoder.value(warnings), encoder.value(commons)]})
    header = {
        "schema": SCHEMA, "code": code_stamp(), "root": str(root), "files": list(files), "digest": digest,
        "slots": story.slots, "classes": encoder.class_names,
        "plans": encoder.plans, "strings": list(encoder.strings), "skeleton": len(skeleton),
    }
    rest = (json.dumps(header, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n["
            + b",".join([skeleton, *parts]) + b"]")
    key = secret_key(create=True)
    if key is None:
        raise Uncacheable("no usable cache key")
    return _seal(key, rest) + b"\n" + rest


KEY_NAME = ".key"
"""The cache folder's secret: 32 random bytes, readable by its owner only (mode 0600)."""


def _seal(key: bytes, rest: bytes) -> bytes:
    """The integrity line: an HMAC-SHA-256 under this user's key, so an entry cannot be forged.

    A plain checksum catches accidents but anyone who may write the folder (a cache
    restored from an untrusted branch in CI) could recompute it for an edited entry,
    and ``check`` would then pass files with errors. Without the key, nothing they
    write is believed: ``check``'s verdict always comes from the files.
    """
    return hmac.new(key, rest, hashlib.sha256).hexdigest().encode()


def secret_key(create: bool) -> bytes | None:
    """This cache folder's key (made with the folder when ``create``); ``None``: the cache is not used.

    A key that others may read or write, or that is not ours, is no secret: then
    nothing is read from or written to the cache.
    """
    path = cache_dir() / KEY_NAME
    try:
        key = _read_key(path)
        if key is None and create:
            _make_key(path)
            key = _read_key(path)
    except OSError:
        return None
    return key


def _read_key(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    try:
        info = os.fstat(fd)
        private = not hasattr(os, "getuid") or (info.st_uid == os.getuid() and not info.st_mode & 0o077)
        if not stat.S_ISREG(info.st_mode) or not private or info.st_size != 32:
            raise OSError("the cache key is not a private 32-byte file")
        key = os.read(fd, 33)
    finally:
        os.close(fd)
    return key if len(key) == 32 else None


def _make_key(path: Path) -> None:
    """Write a fresh key beside, then link it into place: two games making one at once agree on one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".key.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, os.urandom(32))
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


class _Encoder:
    """Turns the model into JSON values, walking dataclass fields; shared objects once.

    Objects are numbered in the order the decoder finishes them (after their parts),
    so a second occurrence of the same object is written as a reference. Numbering
    starts again at each :meth:`fresh`, once per separately decoded value.
    """

    def __init__(self, recipes: Recipes):
        self.recipes = recipes
        self.classes: dict[type, str] = {}
        self.class_names: list[str] = []
        self.strings: dict[str, int] = {}
        self.seen: dict[int, int] = {}
        self.count = 0
        self.kept: list[object] = []
        """The objects numbered since :meth:`fresh`, in order."""
        self.commons: dict[int, int] = {}
        """Objects written once in the skeleton, by ``id()``: their position there."""
        self.plans: dict[str, list[list[Any]]] = {}
        """Each data class's :func:`_plan` by tag, for the reader (see :meth:`_Decoder.plan`)."""
        self.lazy: tuple[object, dict[str, Any]] | None = None
        """The story's scenes mapping and what to write in its place."""
        self.handlers: dict[type, Callable[[Any], Any]] = {
            tuple: self.tuple, dict: self.mapping, MappingProxyType: self.mapping, frozenset: self.frozenset,
        }

    def value(self, obj: object) -> Any:
        cls = type(obj)
        if cls in _SCALARS:
            return obj
        handler = self.handlers.get(cls)
        if handler is None:
            handler = self.handlers[cls] = self.handler_for(cls)
        return handler(obj)

    def values(self, items: Iterable[object]) -> list[Any]:
        value = self.value
        return [item if type(item) in _SCALARS else value(item) for item in items]

    def handler_for(self, cls: type) -> Callable[[Any], Any]:
        if issubclass(cls, enum.Enum):
            tag = self.tag(cls)
            return lambda obj: {tag: self.value(obj.value)}
        if _is_namedtuple(cls):
            tag, texts, strings = self.tag(cls), _text_positions(cls), self.strings

            def named(obj: tuple[Any, ...]) -> Any:
                values = self.values(obj)
                for i in texts:
                    values[i] = strings.setdefault(values[i], len(strings))
                return self.numbered(obj, {tag: values})

            return named
        if dataclasses.is_dataclass(cls):
            tag, get = self.tag(cls), attrgetter(*(f.name for f in _init_fields(cls)))
            single = len(_init_fields(cls)) == 1
            seen, plan, strings = self.seen, dict(_plan(cls)), self.strings
            self.plans[tag] = [[i, 0 if how is None else 1 if how is tuple else self.tag(how[0])]
                               for i, how in plan.items()]

            def field(v: object, how: Any) -> Any:
                if how is None and type(v) is tuple:
                    return self.values(v)
                if how is tuple and type(v) is tuple:
                    return [self.values(x) if type(x) is tuple else self.value(x) for x in v]
                if how is not None and how is not tuple and type(v) is how[0]:
                    bare = self.values(v)  # type: ignore[arg-type]
                    for j in how[1]:
                        bare[j] = strings.setdefault(bare[j], len(strings))
                    return bare
                return self.value(v)

            def instance(obj: object) -> Any:
                ref = seen.get(id(obj))
                if ref is not None:
                    return {"r": ref}
                common = self.commons.get(id(obj))
                if common is not None:
                    return {"g": common}
                raw = get(obj)
                if single:
                    raw = (raw,)
                values = [field(v, plan[i]) if i in plan else v if type(v) in _SCALARS else self.value(v)
                          for i, v in enumerate(raw)]
                return self.numbered(obj, {tag: values})

            return instance
        if callable(cls):
            return self.callable
        raise Uncacheable(f"cannot cache a {cls.__name__}")

    def fresh(self) -> None:
        """Start a new numbering of shared objects (handlers hold ``seen``, so clear it in place)."""
        self.seen.clear()
        self.kept.clear()
        self.count = 0

    def shared_by(self, parts: Iterable[object]) -> tuple[object, ...]:
        """The objects (data class instances and compiled callables) held by more than one of ``parts``.

        A dry run of the encoding, part by part. The builder reuses one compiled
        expression for every equal condition, so a generated story of 10,000 scenes
        shares a few dozen objects 270,000 times; written into each scene they made the
        file half as large again and every scene compile its conditions anew.
        """
        counts: dict[int, int] = {}
        first: dict[int, object] = {}
        for part in parts:
            self.fresh()
            self.value(part)
            for obj in self.kept:
                if not isinstance(obj, tuple):  # named tuples are written whole wherever they occur
                    key = id(obj)
                    counts[key] = counts.get(key, 0) + 1
                    first.setdefault(key, obj)
        return tuple(obj for key, obj in first.items() if counts[key] > 1)

    def tuple(self, obj: tuple[Any, ...]) -> dict[str, Any]:
        return {"t": self.values(obj)}

    def mapping(self, obj: Mapping[Any, Any]) -> dict[str, Any]:
        if self.lazy is not None and obj is self.lazy[0]:
            return self.lazy[1]
        return {"m" if isinstance(obj, dict) else "p": self.values(x for pair in obj.items() for x in pair)}

    def frozenset(self, obj: frozenset[Any]) -> dict[str, Any]:
        return {"s": self.values(obj)}

    def seen_before(self, obj: object) -> dict[str, int] | None:
        ref = self.seen.get(id(obj))
        return None if ref is None else {"r": ref}

    def numbered(self, obj: object, encoded: dict[str, Any]) -> dict[str, Any]:
        self.seen[id(obj)] = self.count  # after its parts, as the decoder meets it
        self.kept.append(obj)
        self.count += 1
        return encoded

    def callable(self, obj: object) -> dict[str, Any]:
        ref = self.seen_before(obj)
        if ref is not None:
            return ref
        common = self.commons.get(id(obj))
        if common is not None:
            return {"g": common}
        entry = self.recipes.get(id(obj))
        if entry is None or entry[0] is not obj:
            raise Uncacheable("a compiled value without a recipe")
        kind, source = entry[1]
        if kind == "expr":
            return self.numbered(obj, {"x": self.value(source)})
        if kind == "const" and isinstance(source, (str, int, bool)):
            return self.numbered(obj, {"k": source})
        if kind == "text":
            return self.numbered(obj, {"y": self.value(source)})
        raise Uncacheable(f"unknown recipe {kind!r}")

    def tag(self, cls: type) -> str:
        tag = self.classes.get(cls)
        if tag is None:
            if cls.__module__ not in _MODULES:
                raise Uncacheable(f"{cls.__module__}.{cls.__qualname__} is not a story class")
            tag = self.classes[cls] = str(len(self.class_names))
            self.class_names.append(f"{cls.__module__}:{cls.__qualname__}")
        return tag


_SCALARS = frozenset({str, int, float, bool, type(None)})


_INIT_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _init_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    """The fields ``cls(*values)`` takes, in order (derived ``init=False`` fields rebuild themselves)."""
    found = _INIT_FIELDS.get(cls)
    if found is None:
        fields = dataclasses.fields(cls)
        if any(f.kw_only for f in fields if f.init):
            raise Uncacheable(f"{cls.__qualname__} has keyword-only fields")
        found = _INIT_FIELDS[cls] = tuple(f for f in fields if f.init)
    return found


STALE_AFTER = 60.0
"""Seconds after which a temporary file of our own naming counts as left by a killed writer."""


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: a reader sees the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise


def sweep_stale_temps(folder: Path, older_than: float = STALE_AFTER) -> int:
    """Remove our own temporary files (``.<entry>.json.<pid>.<hex>.tmp``) that a killed writer left.

    Only names this module makes, and only when older than a minute, so a write in
    progress in another process is never touched. Returns how many were removed.
    """
    removed, now = 0, time.time()
    try:
        found = [p for p in folder.glob(".*.tmp") if _TEMP_NAME.fullmatch(p.name)]
    except OSError:
        return 0
    for path in found:
        try:
            if now - path.lstat().st_mtime > older_than:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed


_TEMP_NAME = re.compile(r"\.(?:[0-9a-f]{32}\.json|key)\.[0-9]+\.[0-9a-f]{8}\.tmp")


def clear() -> int:
    """Remove every cache entry; returns how many files were removed."""
    removed = 0
    try:
        entries = list(cache_dir().glob("*.json"))
    except OSError:
        return 0
    for path in entries:
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed

