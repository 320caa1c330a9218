"""Atomic file replacement that keeps the previous version as a backup.

A save must survive the process being killed at any instant: the slot file is never
opened for writing. The new content goes to a temporary file in the same folder, is
flushed and fsynced, and is then renamed over the slot (``os.replace`` is atomic on
POSIX and Windows). Before that, the current version becomes the backup through a hard
link renamed over the old backup, so at every moment the slot holds either the old or
the new complete file, and the backup holds a complete earlier one.

Typical use::

    atomic_write(folder / "autosave.yaml", data, backup=folder / "autosave.bak.yaml")
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def temp_name(target: Path) -> Path:
    """A fresh hidden temporary path beside ``target`` (``.NAME.RANDOM.tmp``)."""
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def atomic_write(target: Path, data: bytes, backup: Path | None = None) -> Path:
    """Replace ``target`` with ``data`` atomically, first keeping the old file as ``backup``."""
    folder = target.parent
    tmp = temp_name(target)
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if backup is not None and target.exists():
            _keep_backup(target, backup)
        os.replace(tmp, target)
    finally:
        _unlink_quietly(tmp)  # gone after a real rename; removed when anything failed first
    fsync_dir(folder)
    return target


def remove_stale_temps(target: Path, older_than: float = 60.0) -> None:
    """Delete temporary files a killed writer of ``target`` left behind.

    Only files older than ``older_than`` seconds go, so a second process writing the
    same slot at this moment keeps its temporary file.
    """
    limit = time.time() - older_than
    for stale in target.parent.glob(f".{target.name}.*{TEMP_SUFFIX}"):
        try:
            # ``older_than <= 0`` means every one: no clock comparison, since a file's
            # timestamp and time.time() come from clocks of different granularity.
            if older_than <= 0 or stale.stat().st_mtime <= limit:
                _unlink_quietly(stale)
        except OSError:
            pass


_OUR_TEMP = re.compile(r"\.[A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:yaml|json)\.[0-9a-f]{8}\.tmp")
"""The names :func:`temp_name` makes for run files and ``endings.json`` (``.NAME.RANDOM.tmp``)."""


def sweep_stale_temps(folder: Path, older_than: float = 60.0) -> int:
    """Delete every temporary file of our own naming in ``folder`` older than ``older_than`` seconds.

    A game killed mid-write (SIGKILL, a power cut) leaves ``.run-….yaml.RANDOM.tmp``;
    :func:`remove_stale_temps` only clears those of the slot being written, so a folder
    is swept as a whole when a game opens it. Young files may be another game's write
    in progress and stay. Returns how many were removed.
    """
    limit, removed = time.time() - older_than, 0
    try:
        found = [p for p in folder.iterdir() if _OUR_TEMP.fullmatch(p.name)]
    except OSError:
        return 0
    for stale in found:
        try:
            if stale.lstat().st_mtime <= limit:
                stale.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def fsync_dir(folder: Path) -> None:
    """Make a rename durable by syncing the folder entry (no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _keep_backup(target: Path, backup: Path) -> None:
    """Point ``backup`` at the current ``target`` without ever leaving it partial."""
    staged = temp_name(backup)
    try:
        try:
            os.link(target, staged)
        except OSError:  # no hard links here (some network or FAT file systems): copy
            with open(target, "rb") as src, open(staged, "xb") as dst:
                shutil.copyfileobj(src, dst)
                dst.flush()
                os.fsync(dst.fileno())
        os.replace(staged, backup)
    finally:
        # rename(2) of a hard link onto another link of the same file succeeds and does
        # nothing (POSIX), leaving ``staged`` behind: two writers of one slot hit exactly
        # that. ``staged`` is our own fresh name, so removing it is always safe.
        _unlink_quietly(staged)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
