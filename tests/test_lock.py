"""The save folder's locks (``adventure/saves/lock.py``): one holder, released by the kernel on death, never a save.

Behaviours of the lock file itself; the game-level ones (a second game is refused with
MM510, a run whose lock cannot be taken is never written) are in ``test_saves_safety.py``,
``test_checkpoints_endings.py`` and ``test_hostile_round3.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from adventure.base.errors import SaveError
from adventure.run import engine
from adventure.saves import endings
from adventure.saves.endings import EndingsBook
from adventure.saves.lock import Busy, LockFile
from adventure.saves.store import SaveStore

ROOT = Path(__file__).resolve().parent.parent

HOLDER = textwrap.dedent("""
    import sys, time
    from adventure.saves.lock import LockFile
    lock = LockFile(sys.argv[1])
    lock.acquire()
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    lock.release()
""")


def hold(path: Path, seconds: float = 60.0) -> subprocess.Popen[str]:
    """Another process holding the lock on ``path`` (for ``seconds``, unless killed)."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder


def test_one_holder_at_a_time_even_in_one_process(tmp_path: Path) -> None:
    first, second = LockFile(tmp_path / ".slot.lock"), LockFile(tmp_path / ".slot.lock")
    first.acquire()
    with pytest.raises(Busy):
        second.acquire()
    first.release()
    second.acquire()  # free once let go
    assert second.held and not first.held
    second.release()
    second.release()  # releasing twice is harmless


def test_a_lock_held_by_another_process_is_refused_then_free_when_it_dies(tmp_path: Path) -> None:
    """A killed game (SIGKILL: no clean-up at all) leaves no stale lock: the kernel lets it go."""
    path = tmp_path / ".run-1.lock"
    holder = hold(path)
    try:
        with pytest.raises(Busy):
            LockFile(path).acquire()
        with pytest.raises(Busy):
            LockFile(path).acquire(wait=0.2)  # still held after waiting
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    assert path.exists()  # the file outlives the process; the lock does not
    with LockFile(path) as lock:
        assert lock.held


def test_a_waiting_lock_is_taken_as_soon_as_the_holder_lets_go(tmp_path: Path) -> None:
    path = tmp_path / ".endings.lock"
    holder = hold(path, seconds=0.3)
    try:
        started = time.monotonic()
        lock = LockFile(path)
        lock.acquire(wait=20)
        assert time.monotonic() - started < 15
        lock.release()
    finally:
        holder.wait(timeout=30)


def test_a_lock_file_removed_by_the_holder_as_it_leaves_is_not_a_lock(tmp_path: Path, monkeypatch) -> None:
    """A run never written removes its lock file while still holding it; a lock on the removed file guards nothing."""
    from adventure.saves import lock as lock_module

    path = tmp_path / ".run-1.lock"
    planted = []
    real_try_lock = lock_module._try_lock

    def removed_meanwhile(fd: int) -> bool:
        taken = real_try_lock(fd)
        if not planted:  # the first file we lock is removed (and a new one made) before we look again
            planted.append(True)
            path.unlink()
            path.write_bytes(b"")
        return taken

    monkeypatch.setattr(lock_module, "_try_lock", removed_meanwhile)
    lock = LockFile(path)
    lock.acquire()
    assert os.fstat(lock._fd).st_ino == path.stat().st_ino  # it holds the file the path names now
    assert planted
    monkeypatch.undo()
    with pytest.raises(Busy):
        LockFile(path).acquire()
    lock.release()


@pytest.mark.parametrize("kind", ["directory", "symlink", "fifo"])
def test_a_lock_file_that_is_not_a_plain_file_is_an_error_never_followed(tmp_path: Path, kind: str) -> None:
    path, target = tmp_path / ".run-1.lock", tmp_path / "elsewhere"
    if kind == "directory":
        path.mkdir()
    elif kind == "symlink":
        path.symlink_to(target)
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs here")
        os.mkfifo(path)
    with pytest.raises(OSError) as error:
        LockFile(path).acquire()
    assert not isinstance(error.value, Busy)
    assert not target.exists()  # a link is never followed: nothing is made where it points


def test_taking_a_lock_never_changes_the_file_it_names(tmp_path: Path) -> None:
    """A lock file planted as a hard link to a save is locked as it is: never truncated or written."""
    save = tmp_path / "run-1.yaml"
    save.write_bytes(b"format: 1\n")
    os.link(save, tmp_path / ".run-1.lock")
    store = SaveStore(tmp_path)
    held = store.lock("run-1")
    held.release()
    assert save.read_bytes() == b"format: 1\n"


def test_the_slot_lock_is_taken_without_importing_a_locking_library(tmp_path: Path) -> None:
    probe = ("import sys\nfrom adventure.saves.store import SaveStore\n"
             f"SaveStore({str(tmp_path)!r}).lock('run-1').release()\n"
             "print('filelock' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_an_ending_is_not_counted_while_another_game_records_one(mini_story, tmp_path: Path, monkeypatch) -> None:
    """The endings file's lock is waited for (briefly); still held, the ending is not counted (MM510)."""
    state = engine.new_run(mini_story, 3).state
    for choice in ("key", "pick", "leave"):
        state = engine.take(mini_story, state, choice).state
    assert state.ending is not None
    monkeypatch.setattr(endings, "LOCK_WAIT", 0.2)
    holder = hold(tmp_path / ".endings.lock")
    try:
        with pytest.raises(SaveError) as error:
            EndingsBook(tmp_path).record(mini_story, state, "run-1", datetime.now(timezone.utc))
        assert error.value.code == "MM510"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    assert EndingsBook(tmp_path).record(mini_story, state, "run-1", datetime.now(timezone.utc))  # free again
