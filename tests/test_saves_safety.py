"""Issue 11 §1 and §3: no save is ever lost through a documented command, and hostile save
files or names give a coded message and exit 1 (never 70, never a lost run)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from adventure.base.errors import SaveError
from adventure.cli import main
from adventure.play.session import Session
from adventure.run import engine
from adventure.saves.atomic import atomic_write
from adventure.saves.store import SaveStore, record_for

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
T1 = datetime(2026, 3, 1, 13, 0, tzinfo=timezone.utc)


def play(story, choices, seed=3):
    state = engine.new_run(story, seed).state
    for choice in choices:
        state = engine.take(story, state, choice).state
    return state


def cli(monkeypatch, capsys, args, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setenv("COLUMNS", "1000")  # long paths on one line
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- a damaged autosave is moved aside, never written over ----------------------------------------


def damage(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[: text.index("snapshot:")])  # cut short, as an unsafe copy would leave it


def test_a_damaged_slot_is_moved_aside_before_a_write_and_its_backup_survives(mini_story, tmp_path):
    store = SaveStore(tmp_path)
    store.write(record_for(mini_story, play(mini_story, ["pick"]), "run-a", now=T0))
    store.write(record_for(mini_story, play(mini_story, ["pick", "pick"]), "run-a", now=T1))
    damage(store.path_for("run-a"))
    backup_before = store.backup_for("run-a").read_bytes()
    other = SaveStore(tmp_path)  # another process: it did not write the damaged file
    other.write(record_for(mini_story, play(mini_story, ["key"]), "run-a", now=T1))
    assert store.backup_for("run-a").read_bytes() == backup_before  # the intact backup was not replaced
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].name.startswith("run-a.damaged-") and aside[0].suffix == ".yaml"
    (original, moved, why), = other.set_aside
    assert original == store.path_for("run-a") and moved == aside[0] and "cut short" in why.message
    assert store.read("run-a.bak").steps == play(mini_story, ["pick"]).log  # still loadable


def test_continue_after_a_damaged_autosave_offers_the_backup_and_names_both(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    assert cli(monkeypatch, capsys, [*args, "--seed", "3"], "1\n1\n")[0] == 0
    (slot,) = SaveStore(tmp_path).run_names()
    damage(tmp_path / f"{slot}.yaml")
    code, out, err = cli(monkeypatch, capsys, [*args, "--continue"], "1\nquit\n")
    assert code == 0, err
    aside = next(p for p in tmp_path.iterdir() if ".damaged-" in p.name)
    backup = tmp_path / f"{slot}.bak.yaml"
    assert f"The run '{slot}' was damaged" in out and str(aside) in out and str(backup) in out
    assert "Continuing from its backup" in out and "(1 choice in)" in out
    assert backup.is_file() and SaveStore(tmp_path).read(str(backup)).steps  # the backup stays loadable
    assert SaveStore(tmp_path).read(slot).snapshot["turn"] == 2  # play went on from the backup
    assert "no saved run" not in out
    code, out, _ = cli(monkeypatch, capsys, ["saves", "--save-dir", str(tmp_path), "--json"])
    assert code == 0 and yaml.safe_load(out)["set_aside"] == [str(aside)]
    code, out, _ = cli(monkeypatch, capsys, ["saves", "--save-dir", str(tmp_path)])
    assert code == 0 and "Damaged files set aside" in out and aside.name in out


def test_a_new_game_never_erases_earlier_runs(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    for game in range(6):
        code, out, _ = cli(monkeypatch, capsys, [*args, "--seed", str(game)], "1\n" * (game + 1))
        assert code == 0
        if game:
            assert f"Your {game} earlier run" in out and "kept" in out  # the player is told
    store = SaveStore(tmp_path)
    runs = store.run_names()
    assert len(runs) == 6
    assert sorted(store.read(name).snapshot["turn"] for name in runs) == [1, 2, 3, 4, 5, 6]  # each loadable
    code, out, _ = cli(monkeypatch, capsys, ["saves", "--save-dir", str(tmp_path), "--json"])
    listed = [s for s in yaml.safe_load(out)["slots"] if s["kind"] == "run"]
    assert code == 0 and len(listed) == 6


def test_loading_a_foreign_file_with_slot_autosave_never_writes_over_the_players(monkeypatch, capsys, mini_dir,
                                                                               mini_story, tmp_path):
    saves = tmp_path / "saves"
    mine = SaveStore(saves)
    mine.write(record_for(mini_story, play(mini_story, ["pick", "pick", "key"]), "autosave", now=T0))
    mine.write(record_for(mini_story, play(mini_story, ["pick", "pick", "key", "open"]), "autosave", now=T1))
    before = {p.name: p.read_bytes() for p in saves.iterdir()}
    from adventure.saves.runfile import dump_record

    stranger = tmp_path / "from-a-friend.yaml"
    foreign = record_for(mini_story, play(mini_story, []), "autosave", now=T1)  # someone else's, same slot name
    stranger.write_text(dump_record(foreign))
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(saves),
                                               "--load", str(stranger)], "1\n1\n1\nquit\n")
    assert code == 0, err
    assert {n: (saves / n).read_bytes() for n in before} == before  # autosave and its backup untouched
    assert "the file you loaded stays as it was" in out
    assert stranger.read_text() == dump_record(foreign)


# -- temp files, locks, and the one owner of save status -----------------------------------------


def test_replacing_a_backup_by_another_link_of_the_same_file_leaves_no_temp(tmp_path):
    """rename(2) between two links of one file is a no-op that left the staged link behind."""
    target, backup = tmp_path / "slot.yaml", tmp_path / "slot.bak.yaml"
    target.write_bytes(b"one\n")
    os.link(target, backup)  # what a second writer's backup step leaves for the first
    atomic_write(target, b"two\n", backup=backup)
    assert target.read_bytes() == b"two\n" and backup.read_bytes() == b"one\n"
    assert temps(tmp_path) == []


WRITER = textwrap.dedent("""
    import sys
    from adventure.run import engine
    from adventure.saves.store import SaveStore, record_for
    from adventure.story.loader import load_story

    story = load_story(sys.argv[1])
    store = SaveStore(sys.argv[2])
    state = engine.new_run(story, 3).state
    for turn in range(150):
        state = engine.take(story, state, "pick").state if turn % 2 == 0 else engine.new_run(story, 3).state
        store.write(record_for(story, state, "shared"))
""")


def test_concurrent_writers_of_one_folder_leave_no_temp_files(mini_dir, tmp_path):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(mini_dir), str(tmp_path)], cwd=ROOT)
               for _ in range(3)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    assert temps(tmp_path) == [] and sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "shared.bak.yaml", "shared.yaml"]
    SaveStore(tmp_path).read("shared")


def test_a_second_game_on_the_same_run_is_told_the_slot_is_in_use(monkeypatch, capsys, mini_story, mini_dir, tmp_path):
    store = SaveStore(tmp_path)
    first = Session.new(mini_story, 3, store)  # a game in progress holds its run
    first.choose("pick")
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path),
                                               "--continue"], "1\n")
    assert code == 1 and "MM510" in err and f"the run '{first.slot}' is in use by another game" in err
    assert store.read(first.slot).snapshot["turn"] == 1
    first.close()
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path),
                                               "--continue"], "1\n")
    assert code == 0 and f"Resuming '{first.slot}' after 1 choice." in out


def test_an_unwritable_save_dir_never_claims_the_run_is_saved(monkeypatch, capsys, mini_dir):
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", "/proc/x"],
                         "1\nsave mine\nhome\nquit\n")
    assert code == 0, err
    assert "Your run is saved" not in out and "is saved as" not in out and "Checkpoint 'mine' saved" not in out
    assert "Could not save" in out and "so it is not kept" in out
    assert out.count("Could not save") == 2  # the autosave once (not after every choice), and the checkpoint


def test_the_session_owns_save_status(mini_story, tmp_path):
    class Flaky(SaveStore):
        fail = False

        def write(self, record):
            if self.fail:
                raise SaveError("disk full", code="MM509")
            return super().write(record)

    store = Flaky(tmp_path)
    session = Session.new(mini_story, 3, store)
    assert session.blank and not session.saved and session.pop_messages() == []  # nothing to keep yet
    session.choose("pick")
    assert session.saved and not session.blank
    store.fail = True
    session.choose("pick")
    assert not session.saved and session.ever_saved and session.save_error.code == "MM509"
    assert [m.warning for m in session.pop_messages()] == [True]
    session.choose("pick")
    assert session.pop_messages() == []  # the same failure is not repeated
    store.fail = False
    session.choose("pick")
    assert session.saved and "Saving works again" in session.pop_messages()[0].text


def test_a_game_left_before_any_choice_writes_no_run(monkeypatch, capsys, mini_dir, tmp_path):
    """Regression: every launch wrote a run at turn zero, so a look at the title left an
    empty run behind, ``saves`` filled with them, and ``--continue`` resumed the empty one
    instead of the run the player had played."""
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    assert cli(monkeypatch, capsys, args, "1\n1\nquit\n")[0] == 0
    played = SaveStore(tmp_path).latest()
    assert played is not None and len(played.steps) == 2
    code, out, _err = cli(monkeypatch, capsys, args, "quit\n")
    assert code == 0 and "No choice was made yet, so there was no run to keep" in out
    assert "is saved as" not in out
    assert SaveStore(tmp_path).run_names() == [played.slot]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".lock")) == [f".{played.slot}.lock"]
    code, out, _err = cli(monkeypatch, capsys, [*args, "--continue"], "quit\n")
    assert code == 0 and f"Your run is saved as '{played.slot}'" in out
    assert len(SaveStore(tmp_path).read(played.slot).steps) == 2


def test_leaving_a_blank_run_never_fails_over_its_lock_file(mini_story, tmp_path, monkeypatch):
    """The lock file of a run never written is removed on leaving, unless it cannot be: then it stays."""
    session = Session.new(mini_story, 3, SaveStore(tmp_path))
    lock = tmp_path / f".{session.slot}.lock"
    assert session.blank and lock.exists()

    def refuse(self, missing_ok=False):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)
    session.close()  # no exception: leaving the game never fails over a lock file
    assert lock.exists()
    monkeypatch.undo()
    assert SaveStore(tmp_path).lock(session.slot) is not None  # released all the same


# -- hostile fields and names: a coded message, exit 1, and the other saves still work -----------


def good_text(mini_story) -> str:
    from adventure.saves.runfile import dump_record

    return dump_record(record_for(mini_story, play(mini_story, ["pick"]), "fine", now=T0))


HOSTILE = {
    "far-future-offset": lambda t: t.replace("created: '2026-03-01T12:00:00Z'",
                                             "created: '9999-12-31T23:59:59-23:59'"),
    "far-past-offset": lambda t: t.replace("updated: '2026-03-01T12:00:00Z'", "updated: '0001-01-01T00:00:00+23:59'"),
    "year-9999": lambda t: t.replace("updated: '2026-03-01T12:00:00Z'", "updated: 9999-12-31 23:59:59"),
    "huge-format": lambda t: t.replace("format: 1", "format: " + "9" * 5000),
    "huge-seed": lambda t: t.replace("seed: 3", "seed: " + "7" * 5000, 1),
    "long-seed": lambda t: t.replace("seed: 3", "seed: " + "7" * 4000),
    "long-slot": lambda t: t.replace("slot: fine", "slot: " + "s" * 5000),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_field_is_a_coded_error_for_that_file_only(name, mini_story, mini_dir, tmp_path, monkeypatch,
                                                             capsys):
    store = SaveStore(tmp_path)
    store.write(record_for(mini_story, play(mini_story, ["pick", "pick"]), "run-good", now=T1))
    bad = tmp_path / "bad.yaml"
    bad.write_text(HOSTILE[name](good_text(mini_story)))
    assert bad.read_text() != good_text(mini_story)
    with pytest.raises(SaveError) as info:
        store.read("bad")
    assert info.value.code in {"MM503", "MM504"} and "bad.yaml" in str(info.value)
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path),
                                               "--load", "bad"])
    assert code == 1 and "error MM50" in err and "internal error" not in err
    code, out, err = cli(monkeypatch, capsys, ["saves", "--save-dir", str(tmp_path), "--json"])
    slots = {s["name"]: s for s in yaml.safe_load(out)["slots"]}
    assert code == 0 and slots["run-good"]["error"] is None and slots["bad"]["code"] in {"MM503", "MM504"}
    code, out, err = cli(monkeypatch, capsys, ["saves", "--save-dir", str(tmp_path)])
    assert code == 0 and "run-good" in out
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path),
                                               "--continue"], "load\nquit\n")
    assert code == 0 and "Resuming 'run-good' after 2 choices" in out and "Unreadable: bad" in out


@pytest.mark.parametrize("command", ["play", "replay", "verify"])
def test_a_5000_character_run_name_is_a_message(command, monkeypatch, capsys, mini_dir, tmp_path):
    name = "x" * 5000  # ENAMETOOLONG as a path
    args = {"play": ["play", "--scenes", str(mini_dir), "--load", name],
            "replay": ["replay", name], "verify": ["replay", "--verify", name]}[command]
    code, _out, err = cli(monkeypatch, capsys, [*args, "--save-dir", str(tmp_path)])
    assert code == 1 and "MM50" in err and "internal error" not in err and len(err) < 1000


def test_a_5000_character_slot_name_in_the_game_is_refused(monkeypatch, capsys, mini_dir, tmp_path):
    code, out, _err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)],
                         f"1\nsave {'n' * 5000}\nload {'n' * 5000}\nquit\n")
    assert code == 0 and "longer than 64 characters" in out and "Could not load" in out
    assert "Your run is saved as" in out  # a bad name does not touch the autosave


def test_a_save_folder_that_is_a_file_is_a_message(monkeypatch, capsys, mini_dir, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    code, out, err = cli(monkeypatch, capsys, ["saves", "--save-dir", str(not_a_folder)])
    assert code == 1 and "MM501" in err and "cannot read the save folder" in err
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir",
                                               str(not_a_folder), "--continue"])
    assert code == 1 and "MM501" in err
    code, out, err = cli(monkeypatch, capsys, ["play", "--plain", "--scenes", str(mini_dir), "--save-dir",
                                               str(not_a_folder)], "1\nquit\n")
    assert code == 0 and "Could not save" in out and "is saved as" not in out


def test_a_save_folder_with_mode_000_is_a_message(command, mini_dir, mini_story):
    """Run as an unprivileged user (root reads a mode-000 folder anyway, so root runs the test as nobody)."""
    import shutil
    import tempfile

    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8", "COLUMNS": "300"}
    if os.geteuid() == 0:
        from unprivileged import nobody_prefix

        prefix = nobody_prefix(command, env)  # skips where nobody cannot start the command
    else:
        prefix = []
    base = Path(tempfile.mkdtemp(prefix="mm-saves-"))
    try:
        base.chmod(0o755)
        story = Path(shutil.copytree(mini_dir, base / "story"))
        for path in (story, *story.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
        folder = base / "locked"
        SaveStore(folder).write(record_for(mini_story, play(mini_story, ["pick"]), "run-x", now=T0))
        folder.chmod(0)

        def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
            return subprocess.run([*prefix, command, *args], input=stdin, capture_output=True, text=True, env=env,
                                  timeout=60)

        listed = run("saves", "--save-dir", str(folder))
        assert listed.returncode == 1 and "MM501" in listed.stderr and "internal error" not in listed.stderr
        resumed = run("play", "--plain", "--scenes", str(story), "--save-dir", str(folder), "--continue")
        assert resumed.returncode == 1 and "MM501" in resumed.stderr, resumed.stderr
        played = run("play", "--plain", "--scenes", str(story), "--save-dir", str(folder), stdin="1\nquit\n")
        assert played.returncode == 0, played.stderr
        assert "Could not save" in played.stdout and "is saved as" not in played.stdout
    finally:
        (base / "locked").chmod(0o755)
        shutil.rmtree(base)


def test_every_save_error_code_is_documented():
    from adventure.base.errors import SAVE_CODES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in SAVE_CODES:
        assert f"`{code}`" in readme, code


def test_continuing_in_a_folder_that_cannot_be_written_plays_on_and_says_so(monkeypatch, capsys, mini_dir, tmp_path):
    args = ["play", "--plain", "--scenes", str(mini_dir), "--save-dir", str(tmp_path)]
    assert cli(monkeypatch, capsys, [*args, "--seed", "3"], "1\n")[0] == 0

    def read_only(self, _slot_or_record):
        raise SaveError("could not use the save folder: Read-only file system", str(self.directory), code="MM509")

    monkeypatch.setattr(SaveStore, "lock", read_only)
    monkeypatch.setattr(SaveStore, "write", read_only)
    code, out, err = cli(monkeypatch, capsys, [*args, "--continue"], "1\nquit\n")
    assert code == 0, err
    assert "after 1 choice." in out and "Read-only file system" in out and "is saved as" not in out


def test_two_games_at_once_on_one_folder_keep_both_runs_and_leave_no_temp(command, mini_dir, tmp_path):
    env = {**os.environ, "MILLION_MILES_SAVE_DIR": str(tmp_path)}
    moves = "1\n" * 3 + "undo\n" * 3
    games = [subprocess.Popen([command, "play", "--plain", "--scenes", str(mini_dir), "--seed", str(seed)],
                              stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              env=env) for seed in (1, 2)]
    for game in games:
        game.stdin.write(moves * 20 + "1\nquit\n")
        game.stdin.close()
    assert [g.wait(timeout=120) for g in games] == [0, 0], [g.stderr.read() for g in games]
    store = SaveStore(tmp_path)
    assert temps(tmp_path) == [] and len(store.run_names()) == 2
    assert sorted(store.read(name).seed for name in store.run_names()) == [1, 2]
