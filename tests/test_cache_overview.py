"""The story cache on warm paths: what commands need from every scene is in the entry, checked, and bounded.

Warm ``check`` (its choice counts and ``assumes:`` list) and warm ``play`` (its progress
bar's final approach) read the entry's :class:`overview.Overview` and decode no scene they do
not show; a forged overview is a miss like any other damage; an entry too large for the
cache is said once and remembered by the files' fingerprint.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cache import FIXTURES, ROOT, _big_story, stories

from adventure.cli import main
from adventure.cli.check import _assumptions, _chapter_choices, _choice_count
from adventure.story import cache, overview
from adventure.story.finale import final_approach
from adventure.story.loader import check_story, load_story


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    cache.take_refusals()
    return folder


@pytest.fixture()
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every scene the cache decodes from now on (its start offset)."""
    seen: list[int] = []
    real = cache._Reader.scene
    monkeypatch.setattr(cache._Reader, "scene", lambda self, start, end: seen.append(start) or real(self, start, end))
    return seen


@pytest.mark.parametrize("folder", stories(), ids=lambda p: p.name)
def test_the_overview_is_what_the_full_story_gives(folder: Path, cache_dir: Path) -> None:
    full = load_story(folder, cache=False)
    load_story(folder)
    hit = cache.lookup(folder)
    assert hit is not None
    stored = cache.stored_overview(hit.story)
    assert stored is not None and cache.stored_overview(full) is None
    assert "0 decoded" in repr(hit.story.scenes), "reading the overview decoded scenes"
    assert stored.choices == full.choice_count == _choice_count(hit.story)
    assert list(stored.by_chapter) == list(_chapter_choices(full)) == list(_chapter_choices(hit.story))
    assert dict(stored.approach) == dict(final_approach(full)) == dict(final_approach(hit.story))
    assert dict(stored.assumptions) == dict(_assumptions(full)) == dict(_assumptions(hit.story))
    assert "0 decoded" in repr(hit.story.scenes), "the warm paths decoded scenes"


def test_the_overview_of_the_shipped_story_is_not_empty(cache_dir: Path) -> None:
    """The shipped story has a true ending and ``assumes:``: the fields are exercised, not only empty."""
    load_story(ROOT / "scenes")
    hit = cache.lookup(ROOT / "scenes")
    assert hit is not None
    stored = cache.stored_overview(hit.story)
    assert stored is not None and stored.approach and stored.assumptions and stored.choices > 100


@pytest.mark.parametrize("argv", [["check", "--json"], ["check"], ["check", "--plain"]])
def test_warm_check_decodes_no_scene(argv: list[str], cache_dir: Path, tmp_path: Path, decodes: list[int],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = _big_story(tmp_path / "big", 60)
    assert main([*argv, str(folder)]) == 0  # cold: writes the entry
    cold = capsys.readouterr().out
    assert main([*argv, str(folder)]) == 0
    assert capsys.readouterr().out == cold
    assert decodes == []


def test_warm_play_decodes_only_the_scenes_of_its_first_chapter(cache_dir: Path, tmp_path: Path, decodes: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "scenes"
    shutil.copytree(ROOT / "scenes", shipped)  # a true ending: the progress bar needs the final approach
    load_story(shipped)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["play", "--plain", "--no-save", "--scenes", str(shipped)]) == 0
    played = len(decodes)
    story = load_story(shipped, cache=False)
    chapter = story.chapter_of(story.start)  # the Next: line looks ahead in the chapter and to its exits
    exits = {t.scene for s in chapter.scenes for c in story.scenes[s].choices for t in c.goto.targets} - set(chapter.scenes)
    assert 1 <= played <= len(chapter.scenes) + len(exits) < len(story.scenes) // 4, "play decoded scenes it never shows"


def _rewritten(raw: bytes, change) -> bytes:
    """The entry with its skeleton's overview changed by ``change``, the header and the seal made to match."""
    seal_end = raw.index(b"\n")
    head_end = raw.index(b"\n", seal_end + 1)
    header = json.loads(raw[seal_end + 1:head_end])
    start = head_end + 2
    skeleton = json.loads(raw[start:start + header["skeleton"]])
    skeleton[3] = change(skeleton[3])
    written = json.dumps(skeleton, ensure_ascii=False, separators=(",", ":")).encode()
    scenes = raw[start + header["skeleton"]:]
    spans = skeleton[0]["Story"][5]["z"]
    assert len(spans) % 2 == 0
    header["skeleton"] = len(written)
    rest = json.dumps(header, ensure_ascii=False).encode() + b"\n[" + written + scenes
    key = cache.secret_key(create=False)
    assert key is not None
    return cache._seal(key, rest) + b"\n" + rest


def _set(i: int, value):
    def change(written):
        written[i] = value
        return written
    return change


@pytest.mark.parametrize("change", [
    _set(0, -1), _set(0, overview.MAX_CHOICES + 1), _set(0, "3"), _set(0, True), _set(0, None),
    _set(1, []), _set(1, [1, 2, 3]), _set(1, [-1]), _set(1, ["1"]),
    _set(2, ["no such scene", 1]), _set(2, ["gate", 0]), _set(2, ["gate", 10**9]), _set(2, ["gate"]),
    _set(2, ["gate", 1, "gate", 1]), _set(2, [1, 1]), _set(2, {"gate": 1}), _set(2, ["gate", 1.5]),
    _set(3, ["gate", ""]), _set(3, ["gate", "x" * (overview.MAX_ASSUMPTION + 1)]), _set(3, ["gate", 3]),
    _set(3, ["elsewhere", "x"]),
    lambda written: written[:3], lambda written: [*written, 0], lambda written: None,
    lambda written: {"choices": 3},
], ids=lambda c: None)
def test_a_forged_overview_with_a_valid_seal_is_a_miss(change, cache_dir: Path, tmp_path: Path) -> None:
    story = Path(shutil.copytree(FIXTURES / "mini", tmp_path / "mini"))
    load_story(story)
    [entry] = list(cache_dir.glob("*.json"))
    raw = entry.read_bytes()
    assert cache.lookup(story) is not None
    entry.write_bytes(_rewritten(raw, lambda written: written))
    assert cache.lookup(story) is not None, "the rewriting helper itself damaged the entry"
    entry.write_bytes(_rewritten(raw, change))
    assert cache.lookup(story) is None


def test_an_overview_at_its_limits_is_read(cache_dir: Path, tmp_path: Path) -> None:
    story = Path(shutil.copytree(FIXTURES / "mini", tmp_path / "mini"))
    load_story(story)
    [entry] = list(cache_dir.glob("*.json"))
    scenes = len(load_story(story, cache=False).scenes)
    longest = "x" * overview.MAX_ASSUMPTION
    entry.write_bytes(_rewritten(entry.read_bytes(), lambda o: [overview.MAX_CHOICES, [0] * len(o[1]),
                                                                ["gate", scenes], ["gate", longest]]))
    hit = cache.lookup(story)
    assert hit is not None
    stored = cache.stored_overview(hit.story)
    assert stored is not None and stored.choices == overview.MAX_CHOICES and stored.approach == {"gate": scenes}
    assert stored.assumptions["gate"] == longest


_IDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(_IDS, min_size=1, max_size=8, unique=True), data=st.data())
def test_an_overview_round_trips_and_anything_out_of_range_is_refused(ids: list[str], data: st.DataObject) -> None:
    """Hostile values at and past every limit: counts, steps and assumption lengths."""
    story = SimpleNamespace(scenes={i: None for i in ids}, chapters=tuple(range(data.draw(st.integers(0, 4)))))
    near = st.sampled_from([-1, 0, 1, overview.MAX_CHOICES, overview.MAX_CHOICES + 1])
    choices = data.draw(near)
    by_chapter = data.draw(st.lists(near, min_size=len(story.chapters), max_size=len(story.chapters)))
    approach = data.draw(st.dictionaries(st.sampled_from(ids), st.sampled_from([0, 1, len(ids), len(ids) + 1])))
    lengths = st.sampled_from([0, 1, 40, overview.MAX_ASSUMPTION, overview.MAX_ASSUMPTION + 1])
    assumptions = {k: "a" * n for k, n in data.draw(st.dictionaries(st.sampled_from(ids), lengths)).items()}
    made = overview.Overview(choices, tuple(by_chapter), approach, assumptions)
    fits = (all(0 <= n <= overview.MAX_CHOICES for n in [choices, *by_chapter])
            and all(1 <= v <= len(ids) for v in approach.values())
            and all(0 < len(v) <= overview.MAX_ASSUMPTION for v in assumptions.values()))
    written = json.loads(json.dumps(made.written(), ensure_ascii=False))
    if fits:
        assert overview.Overview.read(written, story) == made  # type: ignore[arg-type]
    else:
        with pytest.raises((ValueError, TypeError)):
            overview.Overview.read(written, story)  # type: ignore[arg-type]


def test_the_overview_limits_follow_the_cache_limits() -> None:
    assert overview.MAX_CHOICES == cache.MAX_BYTES // 8
    assert overview.MAX_ASSUMPTION == cache.MAX_FILE_BYTES


# -- an entry too large for the cache ------------------------------------------------------------


def test_a_too_large_entry_is_refused_once_and_remembered(cache_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    story = Path(shutil.copytree(FIXTURES / "mini", tmp_path / "mini"))
    monkeypatch.setattr(cache, "MAX_BYTES", 2000)
    assert check_story(story).ok
    [refusal] = cache.take_refusals()
    assert refusal.folder == str(story) and refusal.size > refusal.limit == 2000
    assert not list(cache_dir.glob("*.json")) and not list(cache_dir.glob("*.tmp")), "a partial entry was left"
    assert len(list(cache_dir.glob("*.refused"))) == 1
    wrote: list[object] = []
    real = cache.write_entry
    monkeypatch.setattr(cache, "write_entry", lambda *a: wrote.append(a))
    assert check_story(story).ok
    assert cache.take_refusals() == [] and wrote == [], "refused again: the marker was not believed"
    (story / "one.yaml").write_text((story / "one.yaml").read_text() + "\n# changed\n")
    monkeypatch.setattr(cache, "write_entry", real)
    assert check_story(story).ok
    assert len(cache.take_refusals()) == 1, "other files are a new question"
    assert cache.clear() >= 1 and not list(cache_dir.glob("*.refused"))


def test_the_command_line_says_the_refusal_once(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    story = Path(shutil.copytree(FIXTURES / "mini", tmp_path / "mini"))
    monkeypatch.setattr(cache, "MAX_BYTES", 2000)
    assert main(["check", "--json", str(story)]) == 0
    first = capsys.readouterr()
    assert main(["check", "--json", str(story)]) == 0
    second = capsys.readouterr()
    assert first.err.count("\n") == 1 and "too large for the story cache" in first.err and str(story) in first.err
    assert second.err == "" and json.loads(second.out) == json.loads(first.out)


def test_the_refusal_is_said_in_spanish(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from adventure.base import messages

    story = Path(shutil.copytree(FIXTURES / "mini", tmp_path / "mini"))
    monkeypatch.setattr(cache, "MAX_BYTES", 2000)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    try:
        assert main(["check", "--json", str(story)]) == 0
    finally:
        messages.use_language("en")
    assert "demasiado grande" in capsys.readouterr().err


def test_the_streamed_entry_is_the_entry(cache_dir: Path, tmp_path: Path) -> None:
    """What :func:`cache.store` streams to disk is byte for byte what :func:`cache.encode` builds in memory."""
    folder = _big_story(tmp_path / "big", 25)
    report = check_story(folder, cache=False)
    assert report.story is not None
    path = cache.store(folder, report.story, report.warnings, report.files)
    assert path is not None
    digest = cache.fingerprint(folder, report.files)
    assert digest is not None
    assert path.read_bytes() == cache.encode(report.story, tuple(report.warnings), folder, report.files, digest)
    assert not list(cache_dir.glob(".*.tmp"))
