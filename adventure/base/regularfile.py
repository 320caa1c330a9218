"""Read a file only if it is a regular file of bounded size: the one door every reader uses.

Story files, catalogues, cache entries, run files and ``endings.json`` may all be
replaced by something hostile or unlucky: a FIFO (whose ``open()`` blocks until a
writer comes, forever), a link to ``/dev/zero`` (endless), or a file grown to
gigabytes. Checking with ``stat()`` first and reading afterwards leaves a window, and
a FIFO hangs in the ``open()`` itself; so the file is opened non-blocking, the *open
descriptor* is checked (``fstat``: what we check is what we read), and at most
``limit + 1`` bytes are ever read.

The refusals are :class:`OSError` subclasses with a readable ``strerror``, so every
caller's existing "could not read: {strerror}" handling names them without a new path.

Typical use::

    data = read_regular(path, limit=4 * 1024 * 1024)   # NotRegularFile / FileTooLarge / OSError
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = ["FileTooLarge", "NotRegularFile", "read_regular"]

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegularFile(OSError):
    """The path is a folder, FIFO, socket or device, not a regular file."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        super().__init__(errno.EINVAL, f"is not a regular file (it is {kind})", os.fspath(path))
        self.kind = kind


class FileTooLarge(OSError):
    """The file holds more than the reader's limit."""

    def __init__(self, path: str | os.PathLike[str], size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"is larger than {limit} bytes", os.fspath(path))
        self.size, self.limit = size, limit


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Raises :class:`NotRegularFile`, :class:`FileTooLarge`, or the :class:`OSError` of
    the failed open (missing, permission denied, a symbolic link loop). Never blocks on
    a FIFO, never reads more than ``limit + 1`` bytes, whatever the file claims.
    """
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(path, _kind(info.st_mode))
        if info.st_size > limit:
            raise FileTooLarge(path, info.st_size, limit)
        chunks, total = [], 0
        want = info.st_size + 1  # the whole file and its end in one read: one buffer, no joined copy
        while total <= limit:
            chunk = os.read(fd, min(max(want - total, 1 << 20), limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew between fstat and read
            raise FileTooLarge(path, total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_regular(path: Path) -> bool:
    """Whether ``path`` (following links) is a regular file; False for anything unreadable."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        return False


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"
