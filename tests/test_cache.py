"""The story cache: a hit is the same story as a full load, and anything odd is a miss.

Equality of the model ignores locations, offsets and compiled callables
(``compare=False``), so :func:`same` walks both models field by field, those
included, and runs each pair of compiled callables on the same stat values.
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

import pytest

from adventure.story import cache
from adventure.story.loader import check_story, load_story
from adventure.story.model import Story

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def stories() -> list[Path]:
    """The shipped story and every fixture story that loads cleanly."""
    found = [ROOT / "scenes"]
    for story_file in sorted(FIXTURES.rglob("story.yaml")):
        if check_story(story_file.parent, cache=False).ok:
            found.append(story_file.parent)
    return found


def vectors(story: Story, count: int = 12) -> list[tuple[object, ...]]:
    """Stat values to run compiled callables on: the initial ones, then random in range."""
    rng = random.Random(5)
    result = [story.initial_values]
    for _ in range(count):
        values: list[object] = []
        for stat in story.stats:
            if stat.type.value == "int":
                values.append(rng.randint(stat.minimum if stat.minimum is not None else -5,
                                          stat.maximum if stat.maximum is not None else 5))
            elif stat.type.value == "bool":
                values.append(rng.random() < 0.5)
            else:
                values.append(rng.choice(["", "Ana", str(stat.initial)]))
        result.append(tuple(values))
    return result


def same(a: object, b: object, samples: list[tuple[object, ...]], path: str = "story") -> None:
    """Assert ``a`` and ``b`` are the same model, compare=False fields and behaviour included.

    The one allowed difference of type: the cache gives the story's scenes as a
    read-only :class:`cache.LazyScenes`, the loader as a ``MappingProxyType``.
    """
    if isinstance(b, cache.LazyScenes):
        assert isinstance(a, MappingProxyType), f"{path}: {type(a).__name__} where scenes belong"
    else:
        assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name), samples, f"{path}.{f.name}")
    elif isinstance(a, Mapping):
        assert isinstance(b, Mapping)
        assert list(a) == list(b), f"{path}: keys differ"
        for key in a:
            same(a[key], b[key], samples, f"{path}[{key!r}]")
    elif isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list))
        assert len(a) == len(b), f"{path}: lengths differ"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, samples, f"{path}[{i}]")
    elif callable(a) and not isinstance(a, type):
        assert callable(b)
        run_a: Callable[[object], object] = a
        run_b: Callable[[object], object] = b
        for values in samples:
            assert _outcome(run_a, values) == _outcome(run_b, values), f"{path} differs on {values}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def _outcome(run: Callable[[object], object], values: tuple[object, ...]) -> object:
    try:
        return ("value", run(values))
    except Exception as exc:  # mixed random values may not type-check; both must fail alike
        return ("error", type(exc).__name__)


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    return folder


@pytest.fixture()
def story_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "mini", tmp_path / "mini"))


@pytest.mark.parametrize("folder", stories(), ids=lambda p: p.name)
def test_a_cached_story_is_the_story_a_full_load_gives(folder: Path, cache_dir: Path) -> None:
    full = check_story(folder, cache=False)
    assert full.story is not None
    assert check_story(folder).story is not None  # a miss: loads and writes the entry
    hit = cache.lookup(folder)
    assert hit is not None, "the story was not cached"
    same(full.story, hit.story, vectors(full.story))
    assert list(hit.warnings) == full.warnings
    assert list(hit.files) == full.files
    again = check_story(folder)  # through the loader's entry, as the commands call it
    assert again.story is not None and again.story.fingerprint == full.story.fingerprint
    assert again.warnings == full.warnings


def test_the_cache_file_is_plain_json_with_a_version_stamp(cache_dir: Path, story_copy: Path) -> None:
    load_story(story_copy)
    [entry] = list(cache_dir.glob("*.json"))
    check, _, rest = entry.read_bytes().partition(b"\n")
    key = cache.secret_key(create=False)
    assert key is not None and check == cache._seal(key, rest)  # an HMAC under the folder's key (C09)
    head, _, body = rest.partition(b"\n")
    header = json.loads(head)
    assert header["schema"] == cache.SCHEMA and header["code"] == cache.code_stamp()
    json.loads(body)  # data only: the whole body is one JSON value
    assert not list(cache_dir.glob("*.tmp")), "a temporary file was left behind"


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],
    lambda raw: b"",
    lambda raw: b"\x80\x81 not json\n{",
    lambda raw: raw.replace(b'"schema": ', b'"schema": 9', 1),
    lambda raw: raw.replace(b"adventure.story.model:Scene", b"subprocess:Popen", 1),
    lambda raw: raw.replace(b"adventure.story.model:Scene", b"adventure.story.model:Story", 1),
    lambda raw: raw.replace(b'"code": "', b'"code": "0', 1),
    lambda raw: b"[" * 100_000,
], ids=["truncated", "empty", "garbage", "schema", "foreign-class", "wrong-class", "stale-code", "deep"])
def test_a_damaged_entry_is_a_miss_and_is_rebuilt_silently(cache_dir: Path, story_copy: Path, damage) -> None:
    expected = load_story(story_copy, cache=False)
    load_story(story_copy)
    [entry] = list(cache_dir.glob("*.json"))
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.lookup(story_copy) is None
    report = check_story(story_copy)
    assert report.ok and report.errors == []
    assert report.story == expected
    assert cache.lookup(story_copy) is not None, "the damaged entry was not replaced"


def _resign(raw: bytes) -> bytes:
    """The file with its seal recomputed under the key: damage the seal alone would not catch."""
    rest = raw.partition(b"\n")[2]
    key = cache.secret_key(create=False)
    assert key is not None
    return cache._seal(key, rest) + b"\n" + rest


@pytest.mark.parametrize("damage", [
    lambda raw: raw.replace(b"adventure.story.model:Scene", b"subprocess:Popen", 1),
    lambda raw: raw.replace(b"adventure.story.model:Scene", b"adventure.story.loader:LoadReport", 1),
    lambda raw: raw.replace(b'"schema": ', b'"schema": 9', 1),
    lambda raw: raw.replace(b'"code": "', b'"code": "0', 1),
    lambda raw: raw.replace(b'"digest": "', b'"digest": "0', 1),
], ids=["foreign-class", "not-a-model-class", "schema", "stale-code", "other-files"])
def test_a_well_formed_but_foreign_entry_is_a_miss(cache_dir: Path, story_copy: Path, damage) -> None:
    """Even with a valid checksum: only model classes, this schema, this code and these files."""
    load_story(story_copy)
    [entry] = list(cache_dir.glob("*.json"))
    entry.write_bytes(_resign(damage(entry.read_bytes())))
    assert cache.lookup(story_copy) is None


def test_changed_content_is_a_miss(cache_dir: Path, story_copy: Path) -> None:
    load_story(story_copy)
    assert cache.lookup(story_copy) is not None
    chapter = story_copy / "one.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Pick an apple", "Pick a pear"),
                       encoding="utf-8")
    assert cache.lookup(story_copy) is None
    story = load_story(story_copy)
    assert story.scenes["gate"].choices[0].label.parts[0].text == "Pick a pear"  # type: ignore[union-attr]
    assert cache.lookup(story_copy) is not None


def test_a_story_with_errors_is_never_cached_and_keeps_its_diagnostics(cache_dir: Path, story_copy: Path) -> None:
    load_story(story_copy)
    story_file = story_copy / "story.yaml"
    story_file.write_text(story_file.read_text(encoding="utf-8").replace("start: gate", "start: gat"),
                          encoding="utf-8")
    for _ in range(2):
        report = check_story(story_copy)
        assert not report.ok
        [error] = [d for d in report.errors if d.code == "MM402"]
        assert error.file.endswith("story.yaml") and error.line > 0 and error.source_line is not None
    assert cache.lookup(story_copy) is None


def test_the_cache_can_be_switched_off(cache_dir: Path, story_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_OFF, "1")
    load_story(story_copy)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())
    monkeypatch.delenv(cache.ENV_OFF)
    load_story(story_copy, cache=False)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_a_value_without_a_recipe_makes_the_story_uncacheable(cache_dir: Path, story_copy: Path) -> None:
    report = check_story(story_copy, cache=False)
    assert report.story is not None
    assert cache.store(story_copy, report.story, report.warnings, report.files, {}) is None
    assert cache.lookup(story_copy) is None


def test_an_unwritable_cache_folder_does_not_stop_a_load(tmp_path: Path, story_copy: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    assert load_story(story_copy) == load_story(story_copy, cache=False)


def test_the_command_line_uses_the_cache_and_no_cache_skips_it(command: str, tmp_path: Path,
                                                              story_copy: Path) -> None:
    import os

    env = dict(os.environ, MILLION_MILES_CACHE_DIR=str(tmp_path / "c"))
    env.pop("MILLION_MILES_NO_CACHE", None)
    off = subprocess.run([command, "check", "--json", "--no-cache", str(story_copy)], env=env,
                         capture_output=True, text=True, timeout=60)
    assert off.returncode == 0, off.stderr
    assert not (tmp_path / "c").exists()
    cold = subprocess.run([command, "check", "--json", str(story_copy)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert len(list((tmp_path / "c").glob("*.json"))) == 1
    warm = subprocess.run([command, "check", "--json", str(story_copy)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert cold.returncode == warm.returncode == 0
    assert json.loads(cold.stdout) == json.loads(warm.stdout) == json.loads(off.stdout)


def test_text_values_written_as_templates_round_trip(cache_dir: Path, story_copy: Path) -> None:
    """``set: {name: "Keeper {name}"}`` compiles a template: the cache rebuilds it from the tree."""
    chapter = story_copy / "one.yaml"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("          - add: {apples: 1}\n",
                                    "          - add: {apples: 1}\n          - set: {name: \"Keeper {name}\"}\n", 1),
                       encoding="utf-8")
    full = check_story(story_copy, cache=False)
    assert full.story is not None, full.errors
    load_story(story_copy)
    hit = cache.lookup(story_copy)
    assert hit is not None
    same(full.story, hit.story, vectors(full.story))
    effect = next(e for e in hit.story.scenes["gate"].choices[0].effects if e.stat == "name")
    assert effect.compute(hit.story.initial_values) == "Keeper Pepe"


def _big_story(folder: Path, scenes: int) -> Path:
    """A generated story (the benchmarks' generator) of ``scenes`` scenes."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from storygen import write
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return Path(write(folder, scenes))


def test_cached_scenes_are_a_lazy_mapping_that_behaves_like_the_loaded_one(cache_dir: Path, tmp_path: Path) -> None:
    folder = _big_story(tmp_path / "big", 40)
    full = load_story(folder, cache=False)
    load_story(folder)  # writes the entry
    hit = cache.lookup(folder)
    assert hit is not None
    lazy = hit.story.scenes
    assert isinstance(lazy, cache.LazyScenes)
    assert len(lazy) == len(full.scenes) == 40
    assert list(lazy) == list(full.scenes), "iteration order differs"
    assert full.start in lazy and "no such scene" not in lazy
    assert "0 decoded" in repr(lazy), "asking for ids or the length decoded scenes"
    some = list(full.scenes)[17]
    assert lazy[some] == full.scenes[some]
    assert lazy[some] is lazy[some], "a scene is decoded once and kept"
    assert "1 decoded" in repr(lazy)
    with pytest.raises(KeyError):
        lazy["no such scene"]
    assert lazy.get("no such scene") is None
    assert lazy == full.scenes and full.scenes == lazy
    assert hit.story == full, "a cached story equals the cold-loaded one"
    assert list(lazy.items()) == list(full.scenes.items())
    assert "40 decoded" in repr(lazy)
    same(full, hit.story, vectors(full))


def test_a_lazy_mapping_differs_from_one_with_other_scenes(cache_dir: Path, tmp_path: Path) -> None:
    folder = _big_story(tmp_path / "big", 12)
    full = load_story(folder, cache=False)
    load_story(folder)
    hit = cache.lookup(folder)
    assert hit is not None
    fewer = dict(full.scenes)
    fewer.popitem()
    assert hit.story.scenes != fewer
    changed = dict(full.scenes)
    first = next(iter(changed))
    changed[first] = dataclasses.replace(changed[first], title="Another title")
    assert hit.story.scenes != changed


def test_each_scene_is_stored_on_its_own_after_the_story(cache_dir: Path, tmp_path: Path) -> None:
    """The body is one JSON array: the story without its scenes, then one value per scene."""
    folder = _big_story(tmp_path / "big", 5)
    full = load_story(folder, cache=False)
    load_story(folder)
    [entry] = list(cache_dir.glob("*.json"))
    header_line, _, body = entry.read_bytes().partition(b"\n")[2].partition(b"\n")
    values = json.loads(body)
    assert len(values) == 1 + len(full.scenes)
    assert len(json.dumps(values[0], ensure_ascii=False, separators=(",", ":")).encode()) \
        == json.loads(header_line)["skeleton"]


def _held(obj: object, found: dict[int, object]) -> None:
    """Every data class instance and callable below ``obj``, by ``id()``."""
    if dataclasses.is_dataclass(obj) or (callable(obj) and not isinstance(obj, type)):
        found[id(obj)] = obj
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            _held(getattr(obj, f.name), found)
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            _held(item, found)


def _shared_across_scenes(scenes: Mapping[str, object]) -> list[tuple[str, str, type]]:
    """``(scene, other scene, type)`` for each object a scene holds that an earlier scene held too."""
    owner: dict[int, str] = {}
    shared = []
    for scene_id, scene in scenes.items():
        found: dict[int, object] = {}
        _held(scene, found)
        for key, obj in found.items():
            if key in owner and owner[key] != scene_id:
                shared.append((owner[key], scene_id, type(obj)))
            owner.setdefault(key, scene_id)
    return shared


def test_objects_scenes_share_are_written_once_and_still_shared(cache_dir: Path, tmp_path: Path) -> None:
    """The builder reuses equal compiled conditions: the cache keeps them one object, compiled once."""
    folder = _big_story(tmp_path / "big", 30)
    full = load_story(folder, cache=False)
    expected = _shared_across_scenes(full.scenes)
    assert expected, "the generated story shares nothing across scenes: the test proves nothing"
    load_story(folder)
    hit = cache.lookup(folder)
    assert hit is not None
    assert set(expected) <= set(_shared_across_scenes(hit.story.scenes))  # (equal constants are merged too)
    same(full, hit.story, vectors(full))
