"""Atomic writes: a writer killed at any moment never leaves a slot empty, partial or unreadable."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adventure.saves.atomic import atomic_write
from adventure.saves.store import SaveStore

ROOT = Path(__file__).resolve().parent.parent
SLOTS = ("alpha", "beta", "gamma")

WRITER = r"""
import sys
from adventure.run import engine
from adventure.saves.store import SaveStore, record_for
from adventure.story.loader import load_story

story = load_story(sys.argv[1])
store = SaveStore(sys.argv[2])
slots = sys.argv[3].split(",")
state = engine.new_run(story, int(sys.argv[4])).state
for slot in slots:  # every slot exists before the parent starts killing
    store.write(record_for(story, state, slot))
print("ready", flush=True)
turn = 0
while True:  # records grow by one step per write, forever
    state = engine.take(story, state, "pick").state
    store.write(record_for(story, state, slots[turn % len(slots)]))
    turn += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_sigkill_at_random_moments_never_breaks_a_slot(tmp_path, mini_dir, mini_story):
    """Kill a looping writer 40 times at random instants; every slot and backup must load."""
    folder = tmp_path / "saves"
    store = SaveStore(folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    rng = random.Random(1234)
    kills = 0
    longest = 0
    while kills < 40:  # a count, not a time budget: a slow machine takes longer, never fails
        child = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(mini_dir), str(folder), ",".join(SLOTS), str(kills)],
            stdout=subprocess.PIPE, env=env,
        )
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == b"ready"
            time.sleep(rng.uniform(0.0, 0.06))
            child.send_signal(signal.SIGKILL)
        finally:
            child.wait(timeout=10)
            child.stdout.close()  # type: ignore[union-attr]
        kills += 1
        for slot in SLOTS:
            record = store.read(slot)
            assert record.slot == slot and record.story_id == "mini"
            longest = max(longest, len(record.steps))
            if store.backup_for(slot).exists():
                backup = store.read(str(store.backup_for(slot)))
                assert backup.slot == slot
        assert all(s.error is None for s in store.slots())
    assert longest > 0, "the writer never got past its first records"
    # a later write cleans up the temporary files the kills left (once they are stale)
    store.stale_after = 0.0
    store.write(store.read("alpha"))
    left = sorted(p.name for p in folder.glob(".alpha.*"))
    assert not left, f"temporary files left behind: {left}"


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    target = tmp_path / "slot.yaml"
    atomic_write(target, b"old\n")

    def broken_replace(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new\n", backup=tmp_path / "slot.bak.yaml")
    monkeypatch.undo()
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slot.yaml"]


def test_backup_holds_the_previous_version(tmp_path):
    target, backup = tmp_path / "s.yaml", tmp_path / "s.bak.yaml"
    for n in range(3):
        atomic_write(target, f"v{n}\n".encode(), backup=backup)
    assert target.read_text() == "v2\n" and backup.read_text() == "v1\n"


def test_backup_falls_back_to_a_copy_without_hard_links(tmp_path, monkeypatch):
    target, backup = tmp_path / "s.yaml", tmp_path / "s.bak.yaml"
    atomic_write(target, b"v0\n", backup=backup)

    def no_links(src, dst):
        raise OSError("no hard links here")

    monkeypatch.setattr(os, "link", no_links)
    atomic_write(target, b"v1\n", backup=backup)
    assert target.read_text() == "v1\n" and backup.read_text() == "v0\n"


def test_unwritable_folder_is_a_save_error(tmp_path, mini_story):
    from adventure.base.errors import SaveError
    from adventure.run import engine
    from adventure.saves.store import record_for

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = SaveStore(blocker / "saves")
    with pytest.raises(SaveError) as info:
        store.write(record_for(mini_story, engine.new_run(mini_story, 1).state, "x"))
    assert "--save-dir" in info.value.hint
