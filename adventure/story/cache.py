"""A cache of validated stories, so a big story starts without parsing its YAML again.

Loading a story means parsing every file, checking every key and expression and
compiling them; for a story of thousands of scenes that takes seconds. Only a story
that loaded without errors is cached, keyed by the loader's own fingerprint (SHA-256
over every file it read, in order) together with a stamp of the code that builds the
model, so a changed file or a changed engine is a miss, never a stale story.

The format is data only (no pickle, no marshal, no code): the story model is data, and
:mod:`adventure.story.codec` writes it as JSON values; what runs is compiled from it
after reading (:mod:`adventure.story.compiled`), as after a full load.

Scenes are decoded lazily. The body is one JSON array: the story without its scenes
first, then one JSON value per scene, whose byte lengths the story records. A warm
load parses only the first element; ``story.scenes`` is a :class:`LazyScenes` mapping
that decodes a scene the first time it is asked for, so a 10,000-scene story starts in
the time it takes to hash its files, and a game that visits a few dozen scenes never
decodes the rest. What commands need from every scene (choice counts, the progress
bar's final approach, the ``assumes:`` list) is computed once, on the load that writes
the entry, and stored with the skeleton (:class:`Overview`), so a warm ``check`` or
``play`` decodes only the scenes it shows. The whole file is still checked (its seal,
schema, code stamp and file digest) before anything in it is believed, and is never
copied while read: the seal, header and each scene read slices of it.

The entry is streamed to disk as it is encoded (:func:`write_entry`), never held whole
in memory; one that would pass :data:`MAX_BYTES` is abandoned, and the refusal is
remembered beside it by the files' fingerprint, so it is said once
(:func:`take_refusals`; the command line prints it) and not attempted again.

Where: ``$MILLION_MILES_CACHE_DIR``, else the user cache folder (platformdirs).
``MILLION_MILES_NO_CACHE=1`` switches the cache off. A damaged, foreign or stale file
is ignored and replaced on the next successful load; writes are atomic (a temporary
file renamed into place), so readers never see half a file.

Typical use (the loader does this in :func:`~adventure.story.loader.load_story`)::

    hit = cache.lookup(folder)               # None on a miss, else (story, warnings, files)
    if hit is None:
        report = check_story(folder, cache=False)
        cache.store(folder, report.story, report.warnings, report.files)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple

from adventure import __version__
from adventure.base.errors import Diagnostic
from adventure.base.regularfile import read_regular
from adventure.story.codec import Decoder, Encoder, Json, shared_parts
from adventure.story.model import Scene, Story
from adventure.story.overview import Overview

SCHEMA = 4
"""Bumped when the layout of the cache file itself changes (4: the skeleton holds an :class:`Overview`)."""
ENV_DIR = "MILLION_MILES_CACHE_DIR"
ENV_OFF = "MILLION_MILES_NO_CACHE"
MAX_BYTES = 512 * 1024 * 1024
"""A cache file larger than this is not read (a cache, not a way to exhaust memory)."""
MAX_FILE_BYTES = 4 * 1024 * 1024
"""The loader's limit on one story file (``yamlsrc.MAX_FILE_BYTES``, kept equal by a test): importing
``yamlsrc`` here would load PyYAML on every warm start, which the cache exists to spare."""

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

    The first line seals the rest (an HMAC under this cache folder's key, see :func:`_seal`),
    so a file damaged or edited anywhere is a miss before anything in it is believed.
    The rest is never copied: the seal, the header and each scene read slices of ``raw``.
    """
    whole = memoryview(raw)
    cut = raw.find(b"\n")
    key = secret_key(create=False)
    if cut < 0 or key is None or not hmac.compare_digest(_seal(key, whole[cut + 1:]), raw[:cut]):
        return None
    try:
        header, body = _header(raw, cut + 1, root)
        if header is None:
            return None
        story, warnings = _Reader(header, raw, body).skeleton()
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    if not (isinstance(story, Story) and isinstance(warnings, tuple)
            and all(isinstance(w, Diagnostic) for w in warnings)):
        return None
    return Cached(story, warnings, tuple(header["files"]))


def _header(raw: bytes, start: int, root: Path) -> tuple[dict[str, Json] | None, int]:
    """The header line at ``raw[start:]`` and where the body begins, or ``None`` when not current for ``root``.

    Current means: this schema, this code, this folder as given, and files whose digest is the one recorded.
    """
    cut = raw.find(b"\n", start)
    if cut < 0:
        return None, 0
    header = json.loads(raw[start:cut])
    if not (isinstance(header, dict) and header.get("schema") == SCHEMA
            and header.get("code") == code_stamp() and header.get("root") == str(root)):
        return None, 0
    files = header["files"]
    if not (isinstance(files, list) and files and all(isinstance(f, str) for f in files)):
        return None, 0
    if fingerprint(root, files) != header["digest"]:
        return None, 0
    return header, cut + 1


class _Reader(Decoder):
    """The codec's decoder over a cache body: the skeleton now, each scene when first asked for."""

    def __init__(self, header: Mapping[str, Json], raw: bytes, body: int):
        super().__init__(header["locations"])
        self.raw = raw
        self.body = body
        self.skeleton_end = body + 1 + header["skeleton"]
        if not (raw[body:body + 1] == b"[" and raw[self.skeleton_end:self.skeleton_end + 1] in (b",", b"]")):
            raise ValueError("not a cache body")
        self.overview: Overview | None = None
        self.special["z"] = self.lazy_scenes

    def skeleton(self) -> tuple[object, object]:
        """The body's first element: ``(story, warnings)``, the story's scenes lazy.

        Its third part, the expressions and templates several scenes share, is kept for
        :meth:`scene`; its fourth, what commands need from every scene, is checked and
        handed to the lazy scenes (:class:`Overview`).
        """
        self.commons = []  # filled below, before the lazy scenes can be asked for a scene
        skeleton = self.loads(self.raw[self.body + 1:self.skeleton_end])
        if not (isinstance(skeleton, list) and len(skeleton) == 4 and isinstance(skeleton[1], list)
                and isinstance(skeleton[2], list)):
            raise TypeError("not a cache skeleton")
        story, warnings, self.commons, overview = skeleton
        if not isinstance(story, Story) or not isinstance(story.scenes, LazyScenes):
            raise TypeError("not a cached story")
        story.scenes.overview = Overview.read(overview, story)
        return story, tuple(warnings)

    def scene(self, start: int, end: int) -> Scene:
        """The scene written at ``raw[start:end]`` (a copy of those bytes only)."""
        scene = self.loads(self.raw[start:end])
        if not isinstance(scene, Scene):
            raise TypeError(f"the cache holds a {type(scene).__name__} where a scene belongs")
        return scene

    def lazy_scenes(self, lengths: list[Json]) -> LazyScenes:
        """The ``z`` tag: scene ids and byte lengths, in order, after the skeleton."""
        spans: dict[str, tuple[int, int]] = {}
        start = self.skeleton_end + 1
        for scene_id, length in zip(lengths[::2], lengths[1::2], strict=True):
            if not (isinstance(scene_id, str) and isinstance(length, int) and length > 0):
                raise ValueError("bad scene index")
            spans[scene_id] = (start, start + length)
            start += length + 1
        if start != len(self.raw) or self.raw[-1:] != b"]":
            raise ValueError("the scene index does not match the body")
        return LazyScenes(spans, self.scene)


def stored_overview(story: Story) -> Overview | None:
    """The :class:`Overview` a story read from the cache carries; ``None`` for a story loaded in full."""
    scenes = story.scenes
    return scenes.overview if isinstance(scenes, LazyScenes) else None


class LazyScenes(Mapping[str, Scene]):
    """A story's scenes from the cache, each decoded the first time it is asked for.

    Read-only and ordered like the mapping the loader builds; equal to any mapping with
    the same scenes. ``in``, ``len`` and iterating the ids decode nothing, nor does
    :attr:`overview` (what commands need from every scene). Once every
    scene is decoded, the cache file's bytes are let go. The file was checked whole
    before the story was handed out, so a scene fails to decode only if someone forged
    an entry with a valid seal, this code's stamp and these files' digest; that
    raises (``TypeError``/``ValueError``) rather than returning something else.
    """

    __slots__ = ("_built", "_decode", "_spans", "overview")

    def __init__(self, spans: dict[str, tuple[int, int]], decode: Callable[[int, int], Scene]):
        self._spans = spans
        self._built: dict[str, Scene] = {}
        self._decode: Callable[[int, int], Scene] | None = decode
        self.overview: Overview | None = None

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


# -- writing -------------------------------------------------------------------------------------


class EntryTooLarge(Exception):
    """The entry would pass :data:`MAX_BYTES` (raised while writing, before it is finished)."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


class Refusal(NamedTuple):
    """A story whose entry would pass the cache's limit: said once, then remembered by its fingerprint."""

    folder: str
    size: int
    limit: int


_refusals: list[Refusal] = []


def take_refusals() -> list[Refusal]:
    """The refusals made in this process since last asked (the command line says each once)."""
    found = _refusals[:]
    _refusals.clear()
    return found


def store(folder: str | Path, story: Story, warnings: Sequence[Diagnostic], files: Sequence[str]) -> Path | None:
    """Write the cache entry for a story just loaded from ``files``; returns its path.

    Best effort: a read-only or full disk is a silent miss. An entry past :data:`MAX_BYTES`
    is not written; the first time for these files it is noted (:func:`take_refusals`) and a
    marker remembers it, so later loads of the same files neither try again nor say it again.
    """
    if not enabled():
        return None
    root = Path(folder)
    digest = fingerprint(root, files)
    key = secret_key(create=True)
    if digest is None or key is None:
        return None
    path = entry_path(folder)
    if _refused(path, digest):
        return None
    try:
        _write_atomic(path, lambda out: write_entry(out, key, story, tuple(warnings), root, files, digest))
    except EntryTooLarge as exc:
        _remember_refusal(path, digest)
        _refusals.append(Refusal(str(root), exc.size, MAX_BYTES))
        return None
    except (RecursionError, ValueError, OSError):
        return None
    return path


def encode(story: Story, warnings: tuple[Diagnostic, ...], root: Path, files: Sequence[str], digest: str) -> bytes:
    """The cache file's bytes, in memory (for tests; :func:`store` streams them to the file)."""
    import io

    key = secret_key(create=True)
    if key is None:
        raise ValueError("no usable cache key")
    out = io.BytesIO()
    write_entry(out, key, story, warnings, root, files, digest)
    return out.getvalue()


SEAL_LENGTH = 64
"""Hex digits of the seal line (HMAC-SHA-256)."""


def write_entry(out: BinaryIO, key: bytes, story: Story, warnings: tuple[Diagnostic, ...], root: Path,
                files: Sequence[str], digest: str) -> None:
    """Write the cache file to ``out`` (seekable): a seal line, a one-line JSON header, then the body.

    The body is ``[skeleton, scene, scene, ...]``: the skeleton is ``[story, warnings,
    commons, overview]`` with the story's scenes written as their ids and the byte lengths of the
    scene values after it (tag ``z``), ``commons`` the expressions and templates
    more than one scene holds, which scenes refer to by number (tag ``g``): a generated
    story repeats its conditions in every scene; and ``overview`` what commands need from
    every scene (:class:`Overview`). The header holds the table of file names that
    locations point into.

    Streamed: each scene is encoded and written to a scratch file as it comes (the header
    and skeleton need every scene's length and file name first), then the scratch file is
    copied after them and the seal written over its placeholder, so no copy of the whole
    entry is ever held in memory. Raises :class:`EntryTooLarge` as soon as it would pass
    :data:`MAX_BYTES`.
    """
    import tempfile

    encoder = Encoder()
    commons = _shared_by(story.scenes.values())
    written = encoder.values(commons)
    encoder.commons = {id(obj): number for number, obj in enumerate(commons)}
    with tempfile.TemporaryFile(dir=_scratch_dir(out)) as scratch:
        index, size = _write_scenes(encoder, story, scratch)
        encoder.commons = {}
        encoder.replace = (story.scenes, {"z": index})
        skeleton = _dumps([encoder.value(story), encoder.values(warnings), written, Overview.of(story).written()])
        header = {
            "schema": SCHEMA, "code": code_stamp(), "root": str(root), "files": list(files), "digest": digest,
            "locations": list(encoder.files), "skeleton": len(skeleton),
        }
        head = json.dumps(header, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n[" + skeleton
        if SEAL_LENGTH + 1 + len(head) + size + 1 > MAX_BYTES:
            raise EntryTooLarge(SEAL_LENGTH + 1 + len(head) + size + 1)
        seal = hmac.new(key, head, hashlib.sha256)
        out.write(b"0" * SEAL_LENGTH + b"\n" + head)
        scratch.seek(0)
        while chunk := scratch.read(1 << 20):
            seal.update(chunk)
            out.write(chunk)
    seal.update(b"]")
    out.write(b"]")
    out.seek(0)
    out.write(seal.hexdigest().encode())


def _write_scenes(encoder: Encoder, story: Story, scratch: BinaryIO) -> tuple[list[Json], int]:
    """Each scene as ``,value`` to ``scratch``; the index (id, length, ...) and the bytes written."""
    index: list[Json] = []
    size = 0
    for scene_id, scene in story.scenes.items():
        part = b"," + _dumps(encoder.value(scene))
        scratch.write(part)
        index += [scene_id, len(part) - 1]
        size += len(part)
        if size > MAX_BYTES:
            raise EntryTooLarge(size)
    return index, size


def _scratch_dir(out: BinaryIO) -> str | None:
    """The folder of the file being written (the scratch file lives beside it), else the system's."""
    name = getattr(out, "name", None)
    return os.path.dirname(name) if isinstance(name, str) else None


def _refusal_marker(path: Path) -> Path:
    return path.with_suffix(".refused")


def _refused(path: Path, digest: str) -> bool:
    """Whether the entry for these very files (and this code) was refused as too large before."""
    try:
        return read_regular(_refusal_marker(path), 256) == f"{digest} {code_stamp()}\n".encode()
    except OSError:
        return False


def _remember_refusal(path: Path, digest: str) -> None:
    try:
        _refusal_marker(path).write_text(f"{digest} {code_stamp()}\n", encoding="ascii")
    except OSError:
        pass


KEY_NAME = ".key"
"""The cache folder's secret: 32 random bytes, readable by its owner only (mode 0600)."""


def _seal(key: bytes, rest: bytes | memoryview) -> bytes:
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



def _shared_by(scenes: Iterable[Scene]) -> list[object]:
    """The expressions and templates that more than one scene holds (the same object), in order met."""
    counts: dict[int, int] = {}
    first: dict[int, object] = {}
    for scene in scenes:
        met: dict[int, object] = {}
        shared_parts(scene, met, first)
        for key, obj in met.items():
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, obj)
    return [obj for key, obj in first.items() if counts[key] > 1]


def _dumps(value: Json) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


STALE_AFTER = 60.0
"""Seconds after which a temporary file of our own naming counts as left by a killed writer."""


def _write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write beside the target with ``write``, then rename over it: a reader sees the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "xb") as handle:
            write(handle)
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
    """Remove every cache entry (and every remembered refusal); returns how many files were removed."""
    removed = 0
    try:
        entries = [*cache_dir().glob("*.json"), *cache_dir().glob("*.refused")]
    except OSError:
        return 0
    for path in entries:
        try:
            path.unlink()
            removed += 1
        except OSError:
            pass
    return removed


