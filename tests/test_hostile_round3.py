"""Hostile round 3 (issue 17): each failure of ``shared/reviews/HOSTILE-REVIEW.md``, by its id.

Every test here failed before its fix. Anything that could hang or eat memory on a
regression runs in a subprocess with a timeout and an address-space limit, so a
regression is a failure, never a stuck suite. Big files (gigabyte chapters, runs of
100,000 steps) are made in ``tmp_path`` (sparse where they can be), never committed;
the small hostile stories are in ``tests/fixtures/round3``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import resource
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adventure.base.errors import SaveError
from adventure.base.regularfile import FileTooLarge, NotRegularFile, read_regular
from adventure.cli import main
from adventure.run import engine
from adventure.saves.endings import FIELD_LIMIT, EndingsBook, FoundEnding
from adventure.saves.runfile import MAX_BYTES, encode_record, parse_record
from adventure.saves.store import SaveStore, record_for
from adventure.story.model import MAX_TEXT
from adventure.story.template import int_text

ROUND3 = Path(__file__).resolve().parent / "fixtures" / "round3"
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
MEMORY = 1_500_000_000
"""Address-space cap for subprocesses: a regression that allocates without bound fails fast."""


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(command: str, *args: str | Path, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60,
        cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """The installed command, bounded in time and memory (a hang is a TimeoutExpired: a failure)."""
    full = {**os.environ, "COLUMNS": "1000", "PROMPT_TOOLKIT_NO_CPR": "1", **(env or {})}
    return subprocess.run([command, *map(str, args)], input=stdin.encode(), capture_output=True, env=full,
                          timeout=timeout, preexec_fn=_limit_memory, cwd=cwd)


@pytest.fixture
def saves(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "saves"
    return {"MILLION_MILES_SAVE_DIR": str(folder)}


def cli(monkeypatch, capsys, args: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setenv("COLUMNS", "1000")
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- S08: a story folder whose name is not UTF-8 ----------------------------------------------------


def test_s08_a_run_of_a_latin1_story_folder_is_saved_and_continued(command, tmp_path, saves):
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    shutil.copytree(ROUND3.parent / "mini", folder)
    played = run(command, "play", "--scenes", folder, "--plain", stdin="1\n1\nquit\n", env=saves)
    assert played.returncode == 0, played.stderr
    listed = run(command, "saves", "--json", env=saves)
    assert listed.returncode == 0
    (slot,) = json.loads(listed.stdout)["slots"]
    assert slot["error"] is None and slot["steps"] == 2
    again = run(command, "play", "--continue", "--plain", stdin="quit\n", env=saves)
    assert again.returncode == 0, again.stderr
    assert b"after 2 choices" in again.stdout and b"damaged" not in again.stdout + again.stderr
    assert not list(Path(saves["MILLION_MILES_SAVE_DIR"]).glob("*.damaged-*"))


def test_s08_an_undecodable_set_value_is_a_usage_error(command, saves):
    done = run(command, "play", "--scenes", ROUND3.parent / "mini", "--start", "gate", "--set", "name=\udcff\udcfe",
               "--plain", env=saves)
    assert done.returncode == 2 and b"not text in your terminal's encoding" in done.stderr


paths = st.lists(st.binary(min_size=1, max_size=40).filter(lambda b: b"\0" not in b and b"/" not in b),
                 min_size=1, max_size=4).map(lambda parts: os.fsdecode(b"/" + b"/".join(parts)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(folder=paths)
def test_s08_any_folder_path_round_trips_through_a_run_file(mini_story, folder):
    state = engine.new_run(mini_story, 1).state
    record = record_for(mini_story, state, "run-x", created=T0, now=T0, scenes=folder)
    again = parse_record(encode_record(record))
    assert again.scenes == folder and os.fsencode(again.scenes) == os.fsencode(folder)


# -- run files: what the game writes it reads back, hostile text at and past every limit -----------

hostile_text = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=MAX_TEXT - 2, max_size=MAX_TEXT + 40),
    st.sampled_from(["\x1b]0;x\x07", "\u202e", "---\nslot: x", "'\"", "{t}", "\ufeff", "\x85\u2028", "a: b #c"]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile_text, apples=st.integers(-(10**40), 10**40))
def test_x07_any_value_the_engine_holds_is_written_and_read_back(mini_story, name, apples):
    stats = {s.name: s for s in mini_story.stats}
    values = list(engine.new_run(mini_story, 1).state.values)
    values[stats["name"].slot] = stats["name"].clamp(name)
    values[stats["apples"].slot] = stats["apples"].clamp(apples)
    state = dataclasses.replace(engine.new_run(mini_story, 1).state, values=tuple(values))
    record = record_for(mini_story, state, "run-x", created=T0, now=T0)
    again = parse_record(encode_record(record))
    assert again.stats == record.stats
    assert len(again.stats["name"]) <= MAX_TEXT


def test_x07_a_run_too_large_to_read_back_is_never_written(mini_story, tmp_path):
    state = engine.new_run(mini_story, 1).state
    record = record_for(mini_story, state, "run-x", created=T0, now=T0, scenes="/" + "a" * (MAX_BYTES + 1))
    with pytest.raises(SaveError) as caught:
        SaveStore(tmp_path).write(record)
    assert caught.value.code == "MM509" and "too large to read back" in caught.value.message
    assert not list(tmp_path.glob("*.yaml"))


# -- X07: a text stat that grows --------------------------------------------------------------------


def test_x07_a_growing_text_is_cut_and_its_run_reads_back(command, saves):
    played = run(command, "play", "--scenes", ROUND3 / "text-growth", "--plain", stdin="1\n" * 9 + "2\n", env=saves,
                 timeout=60)
    assert played.returncode == 0, played.stderr
    (saved,) = Path(saves["MILLION_MILES_SAVE_DIR"]).glob("run-*[0-9].yaml")
    assert saved.stat().st_size < 20_000
    verified = run(command, "replay", saved, "--verify", env=saves)
    assert verified.returncode == 0, verified.stderr


def test_x07_the_explorer_reports_text_that_outgrows_the_limit(command):
    done = run(command, "check", "--explore", "--json", ROUND3 / "text-growth", timeout=60)
    assert done.returncode in (0, 1), done.stderr
    findings = json.dumps(json.loads(done.stdout))
    assert "MM616" in findings and f"grow past {MAX_TEXT} characters" in findings


def test_x07_the_engine_cuts_text_at_the_limit(mini_story):
    name = next(s for s in mini_story.stats if s.name == "name")
    assert name.clamp("x" * (MAX_TEXT + 5)) == "x" * MAX_TEXT


# -- X04: ints over 4,300 digits --------------------------------------------------------------------


def test_x04_a_huge_product_is_shown_not_a_crash(command, saves):
    done = run(command, "play", "--scenes", ROUND3 / "huge-int", "--plain", "--no-save", stdin="", env=saves)
    assert done.returncode == 0, done.stderr
    assert b"Value: 9.9999e4409" in done.stdout


def test_x04_int_text_renders_any_size():
    assert int_text(12) == "12" and int_text(-(10**99)) == str(-(10**99))
    assert int_text(10**5000) == "1.0000e5000" and int_text(-(3 * 10**6000)) == "-3.0000e6000"


def test_x04_a_run_with_an_int_past_its_declared_range_is_refused_at_load(mini_story):
    from adventure.base.errors import StateError

    state = engine.new_run(mini_story, 1).state.to_dict(mini_story)
    state["stats"]["apples"] = 10**5000
    with pytest.raises(StateError):
        engine.RunState.from_dict(mini_story, state)


# -- L10: endings.json written with a long label -----------------------------------------------------


def test_l10_a_long_label_ending_keeps_every_storys_endings(command, saves):
    first = run(command, "play", "--scenes", ROUND3.parent / "mini", "--plain", stdin="4\n", env=saves)
    assert first.returncode == 0, first.stderr
    second = run(command, "play", "--scenes", ROUND3 / "long-label", "--plain", stdin="1\n", env=saves)
    assert second.returncode == 0, second.stderr
    assert b"Endings found: 1 of 2" in second.stdout
    listed = run(command, "endings", "--scenes", ROUND3.parent / "mini", "--json", env=saves)
    assert listed.returncode == 0 and [e["id"] for e in json.loads(listed.stdout)["found"]] == ["home"]
    assert not list(Path(saves["MILLION_MILES_SAVE_DIR"]).glob("endings.damaged-*"))


endings_text = st.one_of(
    st.text(max_size=20),
    st.text(min_size=FIELD_LIMIT - 2, max_size=FIELD_LIMIT + 200),
    st.sampled_from(["\udcff", "\x1b[2J", "\u202e", '"}', "\\", "\x00"]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=endings_text, scene=endings_text, choice=endings_text, run_name=endings_text,
       story_id=st.text(min_size=1, max_size=400), times=st.integers(1, 10**12 - 1))
def test_l10_the_endings_file_round_trips_any_entry(tmp_path_factory, label, scene, choice, run_name, story_id,
                                                    times):
    folder = tmp_path_factory.mktemp("endings")
    book = EndingsBook(folder)
    entry = FoundEnding("home", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z", times, run_name, scene, choice, label)
    book._write({story_id: {"home": entry}})
    again = EndingsBook(folder)._read()
    assert again and book.problem is None
    got = again[story_id]["home"]
    assert got.times == times and len(got.label) <= FIELD_LIMIT
    assert got.label == entry.to_dict()["label"]


def test_l10_an_endings_file_that_would_outgrow_its_limit_is_not_written(tmp_path):
    book = EndingsBook(tmp_path)
    entry = FoundEnding("e", "2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z", 1, "r", "s", "c", "x" * FIELD_LIMIT)
    with pytest.raises(SaveError) as caught:
        book._write({f"story{n}": {"e": entry} for n in range(3000)})
    assert caught.value.code == "MM509"
    assert not (tmp_path / "endings.json").exists()


# -- T08: Plural-Forms bomb ---------------------------------------------------------------------------


def test_t08_a_plural_forms_bomb_is_a_located_error(command, tmp_path):
    done = run(command, "check", ROUND3 / "plural-bomb", timeout=60)
    assert done.returncode == 1, done.stderr
    assert b"MM701" in done.stdout + done.stderr
    assert b"es.po:5" in done.stdout + done.stderr and b"nplurals" in done.stdout + done.stderr


def test_t08_play_in_a_spanish_locale_is_not_exhausted(command, saves):
    done = run(command, "play", "--scenes", ROUND3 / "plural-bomb", "--plain", "--no-save", stdin="",
               env={**saves, "LANG": "es_MX.UTF-8", "LANGUAGE": "es"}, timeout=60)
    assert done.returncode in (0, 1) and b"MemoryError" not in done.stderr and b"internal error" not in done.stderr


@pytest.mark.parametrize("header", ["nplurals=0; plural=0;", "nplurals=11; plural=n;",
                                    "nplurals=2; plural=__import__('os').system('id');",
                                    "nplurals=2; plural=" + "(" * 300 + "n" + ")" * 300 + ";"])
def test_t08_bad_plural_headers_are_refused(tmp_path, header):
    from adventure.i18n.catalog import CatalogError, read_catalog

    po = tmp_path / "xx.po"
    po.write_text(f'msgid ""\nmsgstr ""\n"Plural-Forms: {header}\\n"\n\nmsgid "a"\nmsgstr "b"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_catalog(po)
    assert "Plural-Forms" in caught.value.message and caught.value.line == 3


# -- C10/W03, C11/W04, C12, T05: one regular-file reader ----------------------------------------------


def test_read_regular_refuses_fifos_devices_folders_and_big_files(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile):
        read_regular(fifo, 10)  # no writer: a blocking open() would hang here
    (tmp_path / "zero").symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path / "zero", 10)
    with pytest.raises(NotRegularFile):
        read_regular(tmp_path, 10)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(FileTooLarge):
        read_regular(big, 10)
    assert read_regular(big, 11) == b"x" * 11


def _cached_copy(command: str, tmp_path: Path) -> Path:
    story = tmp_path / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    assert run(command, "check", story).returncode == 0  # caches it
    return story


def test_c10_w03_a_chapter_replaced_by_a_fifo_after_caching_is_mm103(command, tmp_path):
    story = _cached_copy(command, tmp_path)
    (story / "two.yaml").unlink()
    os.mkfifo(story / "two.yaml")
    done = run(command, "check", story, timeout=30)
    assert done.returncode == 1 and b"MM103" in done.stdout + done.stderr


def test_c11_w04_a_chapter_grown_huge_after_caching_is_mm108(command, tmp_path):
    story = _cached_copy(command, tmp_path)
    with open(story / "two.yaml", "r+b") as handle:
        handle.truncate(3 * 1024**3)  # sparse: costs no disk
    done = run(command, "check", story, timeout=30)
    assert done.returncode == 1 and b"MM108" in done.stdout + done.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_c12_a_cache_entry_that_is_a_fifo_or_dev_zero_is_a_miss(command, tmp_path, kind):
    cache = tmp_path / "cache"
    story = tmp_path / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    env = {"MILLION_MILES_CACHE_DIR": str(cache)}
    assert run(command, "check", story, env=env).returncode == 0
    (entry,) = [p for p in cache.rglob("*.json")]
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    else:
        entry.symlink_to("/dev/zero")
    done = run(command, "check", story, env=env, timeout=30)
    assert done.returncode == 0, done.stderr


def test_t05_a_catalogue_over_the_size_limit_is_refused_at_once(command, tmp_path):
    story = tmp_path / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    (story / "locale").mkdir()
    with open(story / "locale" / "es.po", "wb") as handle:
        handle.truncate(200 * 1024**2)  # sparse; read whole, it would cost minutes
    done = run(command, "check", story, timeout=30)
    assert done.returncode == 1 and b"MM701" in done.stdout + done.stderr
    assert b"larger than" in done.stdout + done.stderr


@pytest.mark.parametrize("where", ["run", "endings", "catalogue"])
def test_fifos_among_runs_endings_and_catalogues_never_hang(command, tmp_path, saves, where):
    folder = Path(saves["MILLION_MILES_SAVE_DIR"])
    folder.mkdir()
    story = tmp_path / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    if where == "run":
        os.mkfifo(folder / "run-20260101-000000.yaml")
        args: tuple[str | Path, ...] = ("saves",)
    elif where == "endings":
        os.mkfifo(folder / "endings.json")
        args = ("endings", "--scenes", story)
    else:
        (story / "locale").mkdir()
        os.mkfifo(story / "locale" / "es.po")
        args = ("check", story)
    done = run(command, *args, env=saves, timeout=30)
    assert done.returncode in (0, 1) and b"internal error" not in done.stderr


# -- S03: reaching an ending in a long run is linear ---------------------------------------------------


def _finished_run(tmp_path: Path, steps: int) -> Path:
    """A valid finished one-chapter run of ``steps`` choices (made here: too big to commit)."""
    from adventure.story.loader import load_story
    from tests.storybuilder import write_story

    root = write_story(tmp_path / "long-story")
    story = load_story(root)
    state = engine.new_run(story, 1).state
    for _ in range(steps):
        state = engine.take(story, state, "train").state
    state = engine.take(story, state, "finish").state
    path = tmp_path / "finished.yaml"
    path.write_bytes(encode_record(record_for(story, state, "run-20260101-000000", created=T0, now=T0,
                                              scenes=str(root))))
    return path


def test_s03_play_load_of_a_finished_60k_step_run_reaches_its_prompt(command, tmp_path, saves):
    run_file = _finished_run(tmp_path, 60_000)  # quadratic: over 2 minutes; linear: a few seconds
    done = run(command, "play", "--load", run_file, "--plain", "--no-save", stdin="quit\n", env=saves, timeout=45)
    assert done.returncode == 0, done.stderr
    assert b"Start a new game" in done.stdout


def test_s03_chapter_start_walks_the_log_once(mini_story, monkeypatch):
    from adventure.play.session import Session
    from adventure.run.runlog import Log

    session = Session.new(mini_story, 1, None)
    for _ in range(2000):
        session.state = engine.take(mini_story, session.state, "pick").state
    walked = []
    original = Log._prefix

    def counting(self, length):
        walked.append(length)
        return original(self, length)

    monkeypatch.setattr(Log, "_prefix", counting)
    assert session.chapter_start() == 0
    assert len(walked) < 10  # log[k - 1] in a loop walked the chain 2000 times


# -- L02: a lock that cannot be taken means the run is not written --------------------------------------


def test_l02_a_run_whose_lock_cannot_be_taken_is_never_written_unlocked(command, saves):
    folder = Path(saves["MILLION_MILES_SAVE_DIR"])
    first = run(command, "play", "--scenes", ROUND3.parent / "mini", "--plain", stdin="1\nquit\n", env=saves)
    assert first.returncode == 0, first.stderr
    (saved,) = folder.glob("run-*[0-9].yaml")
    before = saved.read_bytes()
    lock = folder / f".{saved.stem}.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()  # a lock file that cannot be opened
    again = run(command, "play", "--continue", "--plain", stdin="1\n1\nquit\n", env=saves)
    said = (again.stdout + again.stderr).decode()
    assert "could not lock the run" in said and "--save-dir" in said
    assert "Saving works again" not in said and "Your run is saved" not in said
    assert saved.read_bytes() == before  # the other game's run is untouched


# -- S09: --continue always says what was moved where ----------------------------------------------------


def test_s09_continue_names_the_damaged_run_even_with_nothing_left(command, saves):
    folder = Path(saves["MILLION_MILES_SAVE_DIR"])
    first = run(command, "play", "--scenes", ROUND3.parent / "mini", "--plain", stdin="1\n1\nquit\n", env=saves)
    assert first.returncode == 0, first.stderr
    for path in folder.glob("run-*.yaml"):
        path.write_text("garbage: [\n")
    again = run(command, "play", "--continue", "--plain", stdin="quit\n", env=saves)
    said = (again.stdout + again.stderr).decode()
    (aside,) = folder.glob("*.damaged-*")
    assert "was damaged" in said and "moved aside" in said and aside.name in said
    assert "starting a new one" in said


# -- P02: i18n extract -o never renames over a non-regular target ------------------------------------------


def test_p02_extract_writes_through_a_fifo_and_refuses_a_folder(command, tmp_path):
    import threading

    fifo = tmp_path / "out.pot"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = run(command, "i18n", "extract", ROUND3.parent / "mini", "-o", fifo, timeout=30)
    reader.join(10)
    assert done.returncode == 0, done.stderr
    assert fifo.is_fifo()  # still the FIFO, not a regular file renamed over it
    assert got and b'msgctxt "scene:gate:title"' in got[0]
    refused = run(command, "i18n", "extract", ROUND3.parent / "mini", "-o", tmp_path, timeout=30)
    assert refused.returncode == 2 and tmp_path.is_dir()


# -- T13: a locale/ link out of the story folder ------------------------------------------------------------


def test_t13_a_locale_link_out_of_the_story_is_refused_on_write_and_read(command, tmp_path):
    story = tmp_path / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    outside = tmp_path / "outside"
    outside.mkdir()
    (story / "locale").symlink_to(outside)
    done = run(command, "i18n", "update", story, "es", timeout=30)
    assert done.returncode == 1 and b"MM214" in done.stderr
    assert not list(outside.iterdir())
    (outside / "es.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n')
    checked = run(command, "check", story, timeout=30)
    assert checked.returncode == 1 and b"MM214" in checked.stdout + checked.stderr


# -- T06: catalogue diagnostics are capped per file -----------------------------------------------------------


def test_t06_ten_thousand_unknown_keys_give_at_most_fifty_warnings(tmp_path, mini_dir):
    from adventure.i18n.translate import check_translation
    from adventure.story.loader import load_story

    story_dir = tmp_path / "story"
    shutil.copytree(mini_dir, story_dir)
    (story_dir / "locale").mkdir()
    entries = "".join(f'msgctxt "nope:{n}"\nmsgid "x{n}"\nmsgstr "y{n}"\n\n' for n in range(10_000))
    (story_dir / "locale" / "es.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                                               + entries, encoding="utf-8")
    report = check_translation(load_story(story_dir), "es")
    assert len([w for w in report.warnings if w.code == "MM707"]) <= 50
    assert len(report.warnings) <= 50 and len(report.errors) <= 50


# -- P01: every command escapes an escape-laden folder name ------------------------------------------------

RAW = (b"\x1b", b"\x07", b"\x9b", "\x9b".encode())


def test_p01_every_command_escapes_a_hostile_folder_name(command, tmp_path):
    base = tmp_path / "e\x1b]0;PWNDIR\x07\x1b[2J\x9b2J"
    story = base / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    saves_dir = base / "saves"
    env = {"MILLION_MILES_SAVE_DIR": str(saves_dir)}
    assert run(command, "play", "--scenes", story, "--plain", stdin="4\n", env=env).returncode == 0
    (run_file,) = saves_dir.glob("run-*[0-9].yaml")
    commands: list[tuple[str | Path, ...]] = [
        ("check", story), ("check", "--json", story), ("check", "--explore", story),
        ("check", "--explore", "--write-runs", base / "runs", story),
        ("graph", story), ("graph", story, "-o", base / "g.dot"), ("schema", "-o", base / "s.json"),
        ("i18n", "extract", story, "-o", base / "x.pot"), ("i18n", "update", story, "es"),
        ("play", "--scenes", story, "--plain"), ("play", "--continue", "--plain"), ("saves",), ("saves", "--json"),
        ("endings", "--scenes", story), ("endings", "--json", "--scenes", story),
        ("replay", run_file, "--verify"), ("replay", run_file, "--export", base / "t.html"),
        ("replay", base / "missing.yaml", "--verify"), ("check", base / "nowhere"),
    ]
    for args in commands:
        done = run(command, *args, stdin="quit\n", env=env, timeout=60)
        assert done.returncode in (0, 1, 2), (args, done.stderr)
        for raw in RAW:
            assert raw not in done.stdout and raw not in done.stderr, (args, raw, done.stdout[-300:], done.stderr[-300:])


# -- X10: --write-runs names are unique -----------------------------------------------------------------------


def test_x10_write_runs_never_overwrites_a_run_it_wrote(tmp_path):
    from adventure.cli.runwriter import slot_name
    from adventure.story.loader import load_story
    from tests.storybuilder import CHAPTER, STORY, write_story

    story_id = "a" * 300
    root = write_story(tmp_path / "s", STORY.replace("id: tiny", f"id: {story_id}").replace(
        "endings:\n", f"endings:\n  - id: sky{'a' * 300}\n    title: Sky\n    text: Up.\n"),
        CHAPTER + f"      - id: fly\n        label: Fly\n        ending: sky{'a' * 300}\n")
    load_story(root)
    out = tmp_path / "out"
    code = main(["check", "--explore", "--write-runs", str(out), str(root)])
    assert code == 0
    files = sorted(p.name for p in out.glob("*.yaml") if not p.name.endswith(".bak.yaml"))
    assert len(files) == 2 and not list(out.glob("*.bak.yaml"))
    assert all(len(f) <= 64 + len(".yaml") for f in files)
    assert slot_name("p-", "HOME", {"p-home"}) == "p-HOME-2"  # case-insensitive file systems
    long_a, long_b = slot_name("x" * 70, "a", set()), slot_name("x" * 70, "b", set())
    assert long_a != long_b and len(long_a) == len(long_b) == 64


# -- H03: piped play never echoes undecodable bytes raw -------------------------------------------------------


def test_h03_piped_input_echo_writes_undecodable_bytes_out(command, saves):
    full = {**os.environ, **saves, "COLUMNS": "100"}
    done = subprocess.run([command, "play", "--scenes", str(ROUND3.parent / "mini"), "--plain", "--no-save"],
                          input=b"\xff\x9b2J\n4\nquit\n", capture_output=True, env=full, timeout=60,
                          preexec_fn=_limit_memory)
    assert b"\xff" not in done.stdout and b"\x9b2J" not in done.stdout
    assert b"\\xff\\x9b2J" in done.stdout


@given(text=st.lists(st.one_of(st.characters(), st.characters(max_codepoint=0x9F),  # st.text never holds surrogates
                                st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF, categories=["Cs"]))
                      ).map("".join))
def test_h03_escaped_text_never_writes_a_control_or_an_undecodable_byte(text):
    from adventure.base.safetext import escape_controls

    shown = escape_controls(text)
    for one in (shown, escape_controls(text, one_line=True)):
        assert not any(0xDC80 <= ord(c) <= 0xDCFF or (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F
                       for c in one)


# -- C09: the cache never changes what check says; C13: its killed writers' temp files are swept ------------


def test_c09_a_forged_entry_with_a_recomputed_checksum_is_not_believed(tmp_path, monkeypatch, capsys):
    import hashlib

    from adventure.story import cache

    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("MILLION_MILES_CACHE_DIR", str(cache_dir))
    story = tmp_path / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    assert main(["check", str(story)]) == 0
    (entry,) = cache_dir.glob("*.json")
    good = entry.read_bytes()
    chapter = story / "two.yaml"
    chapter.write_text(chapter.read_text().replace("goto: city", "goto: nowhere"))
    files = json.loads(good.partition(b"\n")[2].partition(b"\n")[0])["files"]
    rest = good.partition(b"\n")[2].replace(json.loads(good.partition(b"\n")[2].partition(b"\n")[0])["digest"].encode(),
                                          cache.fingerprint(story, files).encode())  # type: ignore[union-attr]
    entry.write_bytes(hashlib.sha256(rest).hexdigest().encode() + b"\n" + rest)  # the forger's recomputed line
    capsys.readouterr()
    assert main(["check", str(story)]) == 1
    assert "MM402" in capsys.readouterr().out


def test_c09_a_cache_key_others_may_read_turns_the_cache_off(tmp_path, monkeypatch):
    from adventure.story import cache
    from adventure.story.loader import load_story

    monkeypatch.setenv("MILLION_MILES_CACHE_DIR", str(tmp_path / "cache"))
    load_story(ROUND3.parent / "mini")
    key = tmp_path / "cache" / cache.KEY_NAME
    assert key.stat().st_mode & 0o777 == 0o600
    key.chmod(0o644)
    assert cache.lookup(ROUND3.parent / "mini") is None


def test_c13_a_killed_cache_writers_temp_file_is_swept_after_a_minute(tmp_path, monkeypatch):
    from adventure.story import cache
    from adventure.story.loader import load_story

    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("MILLION_MILES_CACHE_DIR", str(folder))
    old = folder / f".{'a' * 32}.json.123.0badf00d.tmp"
    young = folder / f".{'b' * 32}.json.124.0badf00d.tmp"
    theirs = folder / "notes.tmp"
    for path in (old, young, theirs):
        path.write_bytes(b"x")
    os.utime(old, (0, 0))
    os.utime(theirs, (0, 0))
    load_story(ROUND3.parent / "mini")  # writes an entry: sweeps first
    assert not old.exists() and young.exists() and theirs.exists()
    assert cache.lookup(ROUND3.parent / "mini") is not None


# -- K01: SIGTERM/SIGHUP leave like Ctrl-D; stale temp files swept when a folder is opened ---------------------


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_k01_a_hangup_at_the_first_prompt_leaves_no_lock_or_temp(command, saves, signame):
    import signal
    import time

    folder = Path(saves["MILLION_MILES_SAVE_DIR"])
    env = {**os.environ, **saves, "COLUMNS": "100"}
    game = subprocess.Popen([command, "play", "--scenes", str(ROUND3.parent / "mini"), "--plain"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.time() + 30
        while not list(folder.glob(".run-*.lock")) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # at the prompt
        game.send_signal(getattr(signal, signame))
        out, err = game.communicate(timeout=30)
    finally:
        game.kill()
    assert game.returncode == 128 + getattr(signal, signame), err
    assert b"Goodbye" in out and b"Traceback" not in err
    assert not [p.name for p in folder.iterdir()], "a blank run leaves nothing, not even its lock"


def test_k01_a_hangup_after_a_choice_keeps_the_run(command, saves):
    import signal
    import time

    folder = Path(saves["MILLION_MILES_SAVE_DIR"])
    env = {**os.environ, **saves, "COLUMNS": "100"}
    game = subprocess.Popen([command, "play", "--scenes", str(ROUND3.parent / "mini"), "--plain"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        assert game.stdin is not None
        game.stdin.write(b"1\n")
        game.stdin.flush()
        deadline = time.time() + 30
        while not list(folder.glob("run-*[0-9].yaml")) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        game.send_signal(signal.SIGTERM)
        out, _err = game.communicate(timeout=30)
    finally:
        game.kill()
    assert b"Your run is saved" in out
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))
    (saved,) = folder.glob("run-*[0-9].yaml")
    assert run(command, "replay", saved, "--verify", env=saves).returncode == 0


def test_k01_stale_temp_files_of_our_naming_are_swept_when_a_game_opens_the_folder(command, saves):
    folder = Path(saves["MILLION_MILES_SAVE_DIR"])
    folder.mkdir()
    old = folder / ".run-20260101-000000.yaml.0badf00d.tmp"
    young = folder / ".run-20260101-000001.yaml.0badf00d.tmp"
    endings = folder / ".endings.json.0badf00d.tmp"
    theirs = folder / ".notes.txt.0badf00d.tmp"
    for path in (old, young, endings, theirs):
        path.write_bytes(b"x")
    for path in (old, endings, theirs):
        os.utime(path, (0, 0))
    assert run(command, "play", "--scenes", ROUND3.parent / "mini", "--plain", stdin="quit\n", env=saves).returncode == 0
    assert not old.exists() and not endings.exists()
    assert young.exists() and theirs.exists()


def test_h03_json_output_writes_undecodable_path_bytes_as_escapes():
    from adventure.base.safetext import dumps_json

    value = {"path": os.fsdecode(b"/tmp/caf\xe9\x9b2J")}
    text = dumps_json(value)
    assert not any(0xD800 <= ord(c) <= 0xDFFF or 0x7F <= ord(c) <= 0x9F for c in text)
    assert json.loads(text) == value


def test_the_cache_fingerprint_reads_story_files_up_to_the_loaders_own_limit():
    from adventure.story import cache, yamlsrc

    assert cache.MAX_FILE_BYTES == yamlsrc.MAX_FILE_BYTES


@pytest.mark.parametrize("attack", ["fifo", "huge"])
def test_w03_w04_play_watch_survives_a_chapter_made_a_fifo_or_huge(tmp_path, attack):
    import threading

    from test_watch import live, screen

    story = tmp_path / "story"
    shutil.copytree(ROUND3.parent / "mini", story)
    chapter = story / "two.yaml"

    def attack_chapter() -> None:
        chapter.unlink()
        if attack == "fifo":
            os.mkfifo(chapter)
        else:
            with open(chapter, "wb") as handle:
                handle.truncate(5 * 1024**2)  # past the 4 MiB limit (in-process: the 3 GB case runs as C11's child)

    game, out, _ = live(story, ["1", attack_chapter, "look"])  # the story is cached as the game starts
    result: list[int] = []
    player = threading.Thread(target=lambda: result.append(game.run()), daemon=True)
    player.start()
    player.join(30)
    assert result == [0], "the game hung on the reload"
    text = screen(out)
    assert ("MM103" if attack == "fifo" else "MM108") in text
    assert "the last good version keeps playing" in text


slot_names = st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_-]{0,63}\Z").filter(
    lambda n: n.lower() not in {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                                *(f"lpt{i}" for i in range(10))})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slot=slot_names, folder=st.one_of(hostile_text.filter(bool), paths), header=hostile_text,
       seed=st.one_of(st.integers(-(10**20) + 1, 10**20 - 1), st.sampled_from([-(10**20) + 1, 10**20 - 1, 0])),
       name=hostile_text)
def test_l10_any_run_file_the_game_writes_reads_back_equal(mini_story, slot, folder, header, seed, name):
    """Run files, like endings.json: hostile text and lengths at and past every limit round-trip or are refused."""
    state = dataclasses.replace(engine.new_run(mini_story, seed).state)
    start = engine.Start("gate", (("name", name[:MAX_TEXT]), ("apples", 5)))
    record = dataclasses.replace(record_for(mini_story, state, slot, created=T0, now=T0, scenes=folder, start=start),
                                 header=header)
    try:
        data = encode_record(record)
    except SaveError as exc:  # refused before writing: never written then called damaged
        assert exc.code == "MM509"
        return
    assert len(data) <= MAX_BYTES
    again = parse_record(data)
    assert again == record
