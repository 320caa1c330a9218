"""An advisory lock on a file, held by the kernel for this process: one game per run.

The lock is the operating system's own (``flock`` on POSIX, ``msvcrt.locking`` on
Windows) on an open descriptor of the lock file, so it dies with the process: a game
that crashes or is killed never leaves a stale lock behind, and nothing has to guess
whether a lock is abandoned. Why not a library: the one the game used cost 30-45 ms
of every start-up to import, for the few lines below.

The lock file is opened without following a symbolic link and must be a regular file;
anything else is an :class:`OSError` (the caller then does not write what it guards).

Typical use::

    lock = LockFile(folder / ".run-1.lock")
    lock.acquire()            # Busy when another process (or another LockFile) holds it
    try: ...
    finally: lock.release()
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from types import TracebackType

POLL = 0.05
"""Seconds between tries while waiting for a lock."""

_CONTENDED = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK)})
_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
"""Read-write, created if missing; never through a symbolic link; a FIFO planted there does not block the open."""


class Busy(Exception):
    """Another holder has the lock (still, after waiting as long as asked)."""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            if exc.errno in _CONTENDED:
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in _CONTENDED:
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockFile:
    """An exclusive lock on ``path``, not reentrant: a second :class:`LockFile` on it is refused, even in this process."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = os.fspath(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, trying for up to ``wait`` seconds; :class:`Busy` if another holder keeps it.

        :class:`OSError` when the lock file cannot be opened or locked (an unwritable
        folder, a directory or a link in its place, a file system without locks).
        """
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already held by this lock")
        deadline = time.monotonic() + wait
        while True:
            fd = self._try()
            if fd is not None:
                self._fd = fd
                return
            if time.monotonic() >= deadline:
                raise Busy(self.path)
            time.sleep(POLL)

    def _try(self) -> int | None:
        """The locked descriptor, or ``None`` when another holder has it.

        A holder may remove the lock file as it lets go (a run never written leaves no
        lock behind); a lock taken on a file no longer at ``path`` guards nothing, so it
        is dropped and the file at ``path`` is tried again.
        """
        for _attempt in range(100):
            fd = os.open(self.path, _FLAGS, 0o644)
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise OSError(errno.EINVAL, "not a regular file", self.path)
                if not _try_lock(fd):
                    os.close(fd)
                    return None
                if _names(self.path, fd):
                    return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # removed (or replaced) under us by the holder that just left: try the new one
        raise OSError(errno.EAGAIN, "the lock file keeps being replaced", self.path)

    def release(self) -> None:
        """Let the lock go (nothing when it is not held). The lock file stays unless the caller removes it first."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        except OSError:
            pass  # closing the descriptor releases it all the same
        finally:
            os.close(fd)

    def __enter__(self) -> LockFile:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()


def _names(path: str, fd: int) -> bool:
    """Whether ``path`` still names the file open as ``fd``."""
    try:
        there = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    here = os.fstat(fd)
    return (there.st_dev, there.st_ino) == (here.st_dev, here.st_ino)
