"""The save folder: named slots of run files, written atomically, read with validation.

A slot is ``<name>.yaml`` in the save folder; its previous version is kept as
``<name>.bak.yaml``. Slot names are restricted to ``[A-Za-z0-9_-]`` so no name can
reach outside the folder. Two kinds of slot: each run autosaves to its own
``run-<started>`` slot (``autosave`` in older folders), so a new game never touches an
earlier one; any other name is a checkpoint the player saved, which only the player
writes over. A slot that is written is locked (an advisory lock) so a second game
cannot write the same run, and a damaged file is moved aside
(``<slot>.damaged-<time>.yaml``), never written over. Loading a run into the current story goes through
:func:`resume`, which rebases the log (:mod:`adventure.run.rebase`) and reports, as data,
when the story has changed under the save.

Typical use::

    store = SaveStore(default_save_dir())
    store.write(record_for(story, state, "autosave"))
    record = store.read("autosave")            # or a path to any run file
    resumed = resume(story, record)
    if resumed.story_changed: ...   # the front end words resumed.rebased
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adventure import __version__
from adventure.base.errors import DAMAGED_CODES, SaveError
from adventure.base.messages import N_
from adventure.base.regularfile import FileTooLarge, read_regular
from adventure.run import engine
from adventure.run.engine import Outcome, RunState
from adventure.run.rebase import Rebased, rebase, snapshot_of
from adventure.saves.atomic import atomic_write, remove_stale_temps, sweep_stale_temps
from adventure.saves.runfile import (
    FORMAT,
    MAX_BYTES,
    SLOT_NAME,
    RunRecord,
    damaged,
    encode_record,
    parse_record,
)
from adventure.story.model import Story

if TYPE_CHECKING:
    from adventure.saves.lock import LockFile

__all__ = [
    "ENV_SAVE_DIR",
    "Continuation",
    "DamagedRun",
    "Resumed",
    "RunRecord",
    "SaveStore",
    "SlotSummary",
    "check_slot_name",
    "check_story_matches",
    "continuation",
    "default_save_dir",
    "is_run_slot",
    "read_run",
    "record_for",
    "recorded_folder",
    "replay_record",
    "resume",
    "snapshot_of",
]

ENV_SAVE_DIR = "MILLION_MILES_SAVE_DIR"
SUFFIX = ".yaml"
BACKUP_SUFFIX = ".bak.yaml"
RUN_PREFIX = "run-"
LEGACY_AUTOSAVE = "autosave"
_WRITABLE = N_("check that {folder} is writable, or choose another with --save-dir")
_GIVE_A_RUN = N_("give a slot name (see 'million-miles saves') or the path of a .yaml run file")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def default_save_dir() -> Path:
    """``$MILLION_MILES_SAVE_DIR`` if set, else the user's data folder ``…/million-miles/saves``."""
    override = os.environ.get(ENV_SAVE_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("million-miles", appauthor=False)) / "saves"


def is_run_slot(name: str) -> bool:
    """A run's own autosave slot (``run-…``, or the single ``autosave`` of older versions)."""
    return name == LEGACY_AUTOSAVE or name.startswith(RUN_PREFIX)


def check_slot_name(name: str) -> str:
    """Return ``name`` if it is a safe slot name; raise :class:`SaveError` (MM508) saying why if not."""
    hint = N_("use 1-64 letters, digits, '_' or '-' (not first), e.g. 'second-try'")
    if not isinstance(name, str) or not name:
        raise SaveError(N_("a slot name cannot be empty"), hint=hint, code="MM508")
    if not SLOT_NAME.fullmatch(name):
        shown = name if len(name) <= 70 else name[:67] + "..."
        if any(sep in name for sep in ("/", "\\", "\0")) or ".." in name:
            why = N_("invalid slot name {name!r}: it may not contain path separators, '..' or NUL")
        elif len(name) > 64:
            why = N_("invalid slot name {name!r}: it is longer than 64 characters")
        elif name[0] in "-.":
            why = N_("invalid slot name {name!r}: it may not start with '{first}'")
        else:
            why = N_("invalid slot name {name!r}: {bad!r} is not allowed")
        bad = next((c for c in name if not re.match(r"[A-Za-z0-9_-]", c)), "?")
        raise SaveError(why, hint=hint, code="MM508", fields={"name": shown, "first": name[0], "bad": bad})
    if name.lower() in _RESERVED:
        raise SaveError(N_("invalid slot name {name!r}: it is a reserved device name on Windows"), hint=hint,
                        code="MM508", fields={"name": name})
    return name


def record_for(story: Story, state: RunState, slot: str, created: datetime | None = None,
               now: datetime | None = None, scenes: str | None = None,
               start: engine.Start | None = None) -> RunRecord:
    """The record of a run as it stands, ready to write to ``slot`` (``start``: a sandbox run's).

    ``scenes`` is the story folder (absolute) when it is not the shipped story, so the
    run can be replayed and continued without ``--scenes``.
    """
    moment = _utc(now or datetime.now(timezone.utc))
    return RunRecord(
        format=FORMAT, story_id=story.id, fingerprint=story.fingerprint, engine_version=__version__,
        seed=state.seed, created=_utc(created) if created else moment, updated=moment,
        slot=check_slot_name(slot), steps=tuple(state.log), snapshot=snapshot_of(story, state), scenes=scenes,
        start=start, header=story.presentation.header(story.title),
    )


@dataclass(frozen=True)
class SlotSummary:
    """One line of the saves listing; ``error`` is set (and the rest mostly empty) for a bad file."""

    name: str
    path: Path
    updated: datetime | None
    story_id: str | None = None
    chapter: str | None = None
    scene: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    """The snapshot's stat values by name (the saves table shows the story's chosen columns)."""
    ending: str | None = None
    steps: int = 0
    backup: bool = False
    error: str | None = None
    code: str | None = None
    """The error's ``MM5xx`` code (``None`` when the file reads)."""
    folder: Path | None = None
    """The story folder the run records (``None``: the shipped story, or it is gone)."""
    problem: SaveError | None = field(default=None, compare=False, repr=False)
    """The error itself (``error`` is its English, for ``saves --json``), for the edge to word."""

    @property
    def kind(self) -> str:
        """``run`` (a run's autosave) or ``checkpoint`` (saved by the player with ``save NAME``)."""
        return "run" if is_run_slot(self.name) else "checkpoint"

    @property
    def damaged(self) -> bool:
        return self.code in DAMAGED_CODES

    def to_dict(self) -> dict[str, Any]:
        """The ``saves --json`` shape."""
        return {
            "name": self.name, "kind": self.kind, "path": str(self.path),
            "updated": self.updated.isoformat() if self.updated else None,
            "story": self.story_id, "chapter": self.chapter, "scene": self.scene, "stats": dict(self.stats),
            "ending": self.ending, "steps": self.steps, "backup": self.backup, "error": self.error,
            "code": self.code,
        }


@dataclass
class SlotLock:
    """An advisory lock on one slot, held while a game writes it (released on exit, even by a crash)."""

    slot: str
    path: Path
    _lock: LockFile | None = field(repr=False, default=None)

    def release(self, forget: bool = False) -> None:
        """Let the slot go; ``forget`` also removes the lock file (a run that was never written).

        The file is removed while still held, so no other game can be holding it then;
        one that opens the name later simply makes a new lock file. A lock file that
        cannot be removed (the folder turned read-only) is only left behind: leaving the
        game never fails over it.
        """
        if self._lock is not None:
            if forget:
                with contextlib.suppress(OSError):
                    self.path.unlink(missing_ok=True)
            self._lock.release()
            self._lock = None


class SaveStore:
    """A folder of save slots. Creates the folder on first write, never before."""

    stale_after = 60.0
    """Seconds after which a leftover temporary file counts as abandoned by a killed writer."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory).expanduser()
        self._written: dict[Path, tuple[int, int, int]] = {}
        self._newest: tuple[tuple[int, datetime], Path, tuple[int, int, int], RunRecord] | None = None
        """The run read last by :meth:`slots` that was the newest so far (spares reading it twice)."""
        self.set_aside: list[tuple[Path, Path, SaveError]] = []
        """Damaged files moved aside by writes: (the file, where it went, what was wrong), for the session to tell."""
        """Damaged files this store moved aside, as (original, new path, what was wrong); callers report them."""

    def path_for(self, slot: str) -> Path:
        """The file of a slot (the name is checked first)."""
        return self.directory / (check_slot_name(slot) + SUFFIX)

    def backup_for(self, slot: str) -> Path:
        """The backup file of a slot."""
        return self.directory / (check_slot_name(slot) + BACKUP_SUFFIX)

    def write(self, record: RunRecord) -> Path:
        """Write a record to its slot atomically, keeping the previous version as the backup.

        A slot file that is damaged (and not what this store last wrote there) is first
        moved aside, so neither it nor the intact backup is ever written over.
        """
        target = self.path_for(record.slot)
        try:
            data = encode_record(record)
        except SaveError as exc:
            raise SaveError(exc.what, str(target), exc.advice, code=exc.code) from None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._guard(target)
            remove_stale_temps(target, self.stale_after)
            remove_stale_temps(self.backup_for(record.slot), self.stale_after)
            written = atomic_write(target, data, backup=self.backup_for(record.slot))
            self._remember(written)
            return written
        except OSError as exc:
            raise SaveError(N_("could not write the save: {problem}"), str(target), _WRITABLE, code="MM509",
                            fields={"problem": exc.strerror or exc, "folder": self.directory}) from None

    def trust(self, slot: str) -> None:
        """Note that the slot's file as it is now was just read and validated (spares a re-read)."""
        self._remember(self.path_for(slot))

    def _remember(self, path: Path) -> None:
        try:
            info = path.stat()
        except OSError:
            return
        self._written[path] = (info.st_ino, info.st_size, info.st_mtime_ns)

    def _guard(self, target: Path) -> None:
        """Move ``target`` aside if someone else left it damaged (cheap when it is our own last write)."""
        try:
            info = target.stat()
        except FileNotFoundError:
            return
        if self._written.get(target) == (info.st_ino, info.st_size, info.st_mtime_ns):
            return
        try:
            read_run(target)
        except SaveError as exc:
            if exc.damaged:
                self.set_aside.append((target, self.move_aside(target), exc))

    def move_aside(self, path: Path) -> Path:
        """Rename a damaged file to ``<slot>.damaged-<UTC time>.yaml`` beside it (never over another file)."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        for n in range(1, 1000):
            aside = path.with_name(f"{path.stem}.damaged-{stamp}{'' if n == 1 else f'-{n}'}{path.suffix}")
            try:
                os.link(path, aside)  # fails if ``aside`` exists: nothing is ever overwritten
            except FileExistsError:
                continue
            except OSError:  # no hard links here: a rename that checks first
                if aside.exists():
                    continue
                os.rename(path, aside)
                return aside
            os.unlink(path)
            return aside
        raise OSError(f"too many damaged copies of {path.name}")

    def new_run(self, started: datetime) -> SlotLock:
        """Claim a fresh slot for a new run, ``run-YYYYMMDD-HHMMSS`` (``-2``… if taken), locked."""
        try:
            return self._new_run(started)
        except OSError as exc:  # a folder we may not look into
            raise SaveError(N_("could not use the save folder: {problem}"), str(self.directory), _WRITABLE,
                            code="MM509", fields={"problem": exc.strerror or exc, "folder": self.directory}) from None

    def _new_run(self, started: datetime) -> SlotLock:
        base = RUN_PREFIX + _utc(started).strftime("%Y%m%d-%H%M%S")
        for n in range(1, 10_000):
            name = base if n == 1 else f"{base}-{n}"
            if self._taken(name):
                continue
            try:
                claimed = self.lock(name)
            except SaveError as exc:
                if exc.code == "MM510":  # another game started this very second
                    continue
                raise
            if not self._taken(name):
                return claimed
            claimed.release()
        raise SaveError(N_("could not find a free slot name"), str(self.directory), code="MM509")

    def _taken(self, name: str) -> bool:
        return (self.directory / (name + SUFFIX)).exists() or (self.directory / (name + BACKUP_SUFFIX)).exists()

    def set_aside_files(self) -> list[Path]:
        """Damaged files moved aside in this folder (``*.damaged-*``), oldest name first."""
        try:
            return sorted(p for p in self.directory.glob("*.damaged-*") if p.is_file())
        except OSError:
            return []

    def run_names(self) -> list[str]:
        """The run slots in the folder, by file name only (nothing is parsed)."""
        try:
            if not self.directory.is_dir():
                return []
            names = [p.name[: -len(SUFFIX)] for p in self.directory.iterdir()
                     if p.name.endswith(SUFFIX) and not p.name.endswith(BACKUP_SUFFIX)]
        except OSError as exc:
            raise SaveError(N_("cannot read the save folder: {problem}"), str(self.directory), code="MM501",
                            fields={"problem": exc.strerror or exc}) from None
        return sorted(n for n in names if SLOT_NAME.fullmatch(n) and is_run_slot(n))

    def lock(self, slot: str) -> SlotLock:
        """Lock ``slot`` for this game; :class:`SaveError` (MM510) when another game holds it."""
        from adventure.saves.lock import Busy, LockFile

        path = self.directory / f".{check_slot_name(slot)}.lock"
        sweep_stale_temps(self.directory, self.stale_after)  # a game opens the folder: clear what killed ones left
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = LockFile(path)
            lock.acquire()
        except Busy:
            raise SaveError(N_("the run '{slot}' is in use by another game"), str(self.directory),
                            N_("finish or leave that game first; 'million-miles saves' lists the others"),
                            code="MM510", fields={"slot": slot}) from None
        except OSError as exc:
            raise SaveError(N_("could not lock the run '{slot}' ({problem}), so it is not saved: two games "
                               "could otherwise write it at once"), str(path),
                            N_("check that {folder} is writable and {lock} is a plain file you may "
                               "write, or keep playing elsewhere with --save-dir DIR"), code="MM509",
                            fields={"slot": slot, "problem": exc.strerror or exc, "folder": self.directory,
                                    "lock": path.name}) from None
        return SlotLock(slot, path, lock)

    def read(self, slot_or_path: str | Path) -> RunRecord:
        """Read a slot by name, or any run file by path; validates every field."""
        path = self.locate(slot_or_path)
        return read_run(path)

    def locate(self, slot_or_path: str | Path) -> Path:
        """The file a slot name or path refers to; :class:`SaveError` when there is none."""
        text = str(slot_or_path)
        try:
            return self._locate(slot_or_path, text)
        except OSError as exc:  # a name too long for the file system, an unreadable folder
            shown = text if len(text) <= 70 else text[:67] + "..."
            raise SaveError(N_("cannot look up {name!r}: {problem}"), None, _GIVE_A_RUN, code="MM501",
                            fields={"name": shown, "problem": exc.strerror or exc}) from None

    def _locate(self, slot_or_path: str | Path, text: str) -> Path:
        if isinstance(slot_or_path, str):
            found = self._backup_named(text) or self._slot_named(text)
            if found is not None:
                return found
        path = Path(text).expanduser()
        if not path.is_file():
            shown = text if len(text) <= 70 else text[:67] + "..."
            raise SaveError(N_("no such run file") if not path.exists() else N_("not a file"), shown, _GIVE_A_RUN,
                            code="MM507")
        return path

    def _backup_named(self, text: str) -> Path | None:
        """``autosave.bak``: the slot's backup, when it is there."""
        if text.endswith(".bak") and SLOT_NAME.fullmatch(text[:-4]):
            backup = self.directory / (text[:-4] + BACKUP_SUFFIX)
            if backup.is_file():
                return backup
        return None

    def _slot_named(self, text: str) -> Path | None:
        """The file of a slot name, else a demo run of that name; ``None`` when ``text`` may be a path.

        A slot name that names no slot, no file and no demo is :class:`SaveError` (MM507),
        listing the slots there are.
        """
        if not SLOT_NAME.fullmatch(text) or text.lower() in _RESERVED:
            return None
        candidate = self.directory / (text + SUFFIX)
        if candidate.is_file():
            return candidate
        if Path(text).is_file():
            return None
        from adventure.base.resources import demo_run

        demo = demo_run(text)
        if demo is not None:  # a bare demo name, when no slot or file has that name
            return demo
        known = [s.name for s in self.slots()]
        listed = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
        raise SaveError(N_("no save named '{name}' in {folder}"), None,
                        N_("saved slots: {listed}") if known
                        else N_("no saves yet: start a new game, or give the path of a run file"),
                        code="MM507", fields={"name": text, "folder": self.directory, "listed": listed})

    def latest(self, kind: str | None = None) -> RunRecord | None:
        """The most recently updated readable slot (of ``kind``: run or checkpoint), or ``None``."""
        best: tuple[datetime, float, Path] | None = None
        for summary in self.slots():
            if summary.error is None and summary.updated is not None and kind in (None, summary.kind):
                key = (summary.updated, _mtime(summary.path), summary.path)
                if best is None or key[:2] > best[:2]:
                    best = key
        return read_run(best[2]) if best else None

    def newest_run(self) -> SlotSummary | None:
        """The run slot played last, readable or not (a damaged one is for the caller to set aside)."""
        runs = [s for s in self.slots() if s.kind == "run" and (s.error is None or s.damaged)]
        return max(runs, key=lambda s: (_mtime(s.path), s.updated or _EPOCH), default=None)

    def slots(self) -> list[SlotSummary]:
        """Every slot in the folder, most recently updated first; unreadable ones carry ``error``.

        One bad file never stops the listing; an unreadable folder is a :class:`SaveError`.
        """
        try:
            if not self.directory.exists():
                return []
            entries = list(self.directory.iterdir())
        except OSError as exc:
            raise SaveError(N_("cannot read the save folder: {problem}"), str(self.directory),
                            N_("check its permissions, or choose another with --save-dir"), code="MM501",
                            fields={"problem": exc.strerror or exc}) from None
        result = []
        for path in entries:
            summary = self._summary(path)
            if summary is not None:
                result.append(summary)
        result.sort(key=lambda s: (s.updated or _EPOCH, s.name), reverse=True)
        return result

    def _keep_if_newest(self, path: Path, record: RunRecord) -> None:
        """Keep the newest run a listing read (one record at most), so :func:`continuation` need not read it again."""
        if not is_run_slot(path.name[: -len(SUFFIX)]):
            return
        try:
            info = path.stat()
        except OSError:
            return
        key = (info.st_mtime_ns, record.updated)
        if self._newest is None or key > self._newest[0]:
            self._newest = (key, path, (info.st_ino, info.st_size, info.st_mtime_ns), record)

    def reread(self, path: Path) -> RunRecord:
        """:func:`read_run` of ``path``, unless a listing just read it and the file has not changed since."""
        kept = self._newest
        if kept is not None and kept[1] == path:
            try:
                info = path.stat()
            except OSError:
                return read_run(path)
            if (info.st_ino, info.st_size, info.st_mtime_ns) == kept[2]:
                return kept[3]
        return read_run(path)

    def _summary(self, path: Path) -> SlotSummary | None:
        name = path.name
        if not name.endswith(SUFFIX) or name.endswith(BACKUP_SUFFIX) or name.startswith("."):
            return None
        slot = name[: -len(SUFFIX)]
        try:
            if not SLOT_NAME.fullmatch(slot) or not path.is_file():
                return None
            backup = (self.directory / (slot + BACKUP_SUFFIX)).is_file()
        except OSError:
            return None
        try:
            record = read_run(path)
        except SaveError as exc:
            return SlotSummary(name=slot, path=path, updated=_mtime_utc(path), backup=backup, error=str(exc),
                               code=exc.code, problem=exc)
        self._keep_if_newest(path, record)
        try:
            folder = recorded_folder(record)
        except SaveError:
            folder = None
        return SlotSummary(
            name=slot, path=path, updated=record.updated, story_id=record.story_id, chapter=record.chapter,
            scene=record.scene, stats=record.stats, ending=record.ending, steps=len(record.steps), backup=backup,
            folder=folder,
        )


@dataclass(frozen=True)
class DamagedRun:
    """The run played last no longer reads: what was done about it (worded by the front end)."""

    name: str
    problem: SaveError
    aside: Path | None
    """Where the file was moved (``None``: it could not be moved and was left as it is)."""
    backup: Path | None = None
    """The backup play continues from (``None``: it has no usable backup)."""
    steps: int = 0
    """The choices in that backup."""
    instead: str | None = None
    """Without a usable backup: the slot continued instead, if any."""


@dataclass(frozen=True)
class Continuation:
    """What ``play --continue`` resumes: a record, the slot to go on in, and any damage met on the way."""

    record: RunRecord | None
    slot: str | None = None
    damaged: DamagedRun | None = None


def continuation(store: SaveStore) -> Continuation:
    """The run played last; a damaged one is moved aside and its backup offered instead.

    Falls back to the newest checkpoint when there is no run at all.
    """
    newest = store.newest_run()
    if newest is None:
        return Continuation(store.latest())
    if newest.error is None:
        return Continuation(store.reread(newest.path))  # read by the listing a moment ago
    problem = newest.problem or SaveError(newest.error, code=newest.code or "MM500")
    backup = store.backup_for(newest.name)
    try:
        aside: Path | None = store.move_aside(newest.path)
    except OSError:
        aside = None
    try:
        record: RunRecord | None = read_run(backup)
    except SaveError:
        record = None
    if record is not None:
        return Continuation(record, newest.name if aside else None,
                            DamagedRun(newest.name, problem, aside, backup, len(record.steps)))
    fallback = store.latest()
    return Continuation(fallback, None,
                        DamagedRun(newest.name, problem, aside, instead=fallback.slot if fallback else None))


def recorded_folder(record: RunRecord) -> Path | None:
    """The story folder a run names in its ``scenes:`` field (relative to its file), if any.

    :class:`SaveError` (MM512) when that folder is gone, so the player hears which one.
    """
    if not record.scenes:
        return None
    base = record.path.parent if record.path is not None else Path.cwd()
    folder = base / record.scenes
    try:
        if (folder / "story.yaml").is_file():
            return folder.resolve()
    except OSError:
        pass
    shown = record.scenes if len(record.scenes) <= 200 else record.scenes[:197] + "..."
    raise SaveError(N_("this run was played from the story folder {folder!r}, which is no longer there"),
                    str(record.path) if record.path else None,
                    N_("give the story's folder with --scenes DIR"), code="MM512", fields={"folder": shown})


def read_run(path: Path | str) -> RunRecord:
    """Read and validate one run file; every failure is a :class:`SaveError` naming it."""
    path = Path(path)
    try:
        data = read_regular(path, MAX_BYTES)  # a FIFO or /dev/zero in the save folder never hangs a listing
    except FileTooLarge as exc:
        raise damaged(N_("the file is too large to be a run ({size} bytes)"), str(path), path,
                      size=exc.size) from None
    except FileNotFoundError:
        raise SaveError(N_("no such run file"), str(path), N_("give a slot name or the path of a .yaml run file"),
                        code="MM507") from None
    except OSError as exc:
        raise SaveError(N_("could not read the file: {problem}"), str(path), code="MM501",
                        fields={"problem": exc.strerror or exc}) from None
    return parse_record(data, path)


@dataclass(frozen=True)
class Resumed:
    """A saved run brought back into the current story (``rebased``: how its log replayed)."""

    state: RunState
    outcome: Outcome
    rebased: Rebased
    story_changed: bool = False
    """The story files changed since the run was saved: the front end tells the player how it went."""

    @property
    def applied(self) -> int:
        return self.rebased.applied


def resume(story: Story, record: RunRecord) -> Resumed:
    """Replay a record's log against the current story, as far as it still applies.

    Same story files and a consistent log: continue silently. Edited story files: continue,
    stopping at the first step that no longer applies (:attr:`Resumed.story_changed`; the
    front end words it). Another story, a sandbox start that no longer fits, or a log that
    contradicts its own snapshot while the story is unchanged (a damaged or hand-edited
    file): :class:`SaveError`.
    """
    check_story_matches(story, record)
    rebased = replay_record(story, record, snapshot=True)
    stopped = rebased.stopped
    same_story = record.fingerprint == story.fingerprint
    if same_story and stopped is not None:
        where = str(record.path) if record.path else None
        if stopped.reason == "snapshot":
            raise damaged(N_("the snapshot disagrees with its replayed log ({changes})"), where, record.path,
                          code="MM506", changes=rebased.changed)
        raise damaged(N_("the saved log does not replay: step {step}: {why}"), where, record.path, code="MM506",
                      step=stopped.step, why=stopped)
    return Resumed(rebased.state, rebased.outcome, rebased, not same_story)


def replay_record(story: Story, record: RunRecord, visit: Callable[[Outcome], None] | None = None,
                  snapshot: bool = False) -> Rebased:
    """Rebase a record's log from its seed (and its sandbox start, if any); ``visit`` sees each outcome.

    With ``snapshot``, the replay is compared with the record's snapshot too. A sandbox
    start that no longer fits the story (scene gone, stat renamed) is a
    :class:`SaveError`: the run has no first state to stand on.
    """
    rebased = rebase(story, record.seed, record.steps, record.start, snapshot=record.snapshot if snapshot else None,
                     visit=visit)
    if rebased.start_lost:
        assert rebased.stopped is not None
        raise SaveError(N_("this sandbox run's start no longer fits the story: {problem}"),
                        str(record.path) if record.path else None,
                        N_("start a new sandbox run with play --start SCENE"), code="MM506",
                        fields={"problem": rebased.stopped.detail})
    return rebased


def check_story_matches(story: Story, record: RunRecord, name: str | None = None) -> None:
    """Raise :class:`SaveError` when a run was made with another story."""
    if record.story_id != story.id:
        raise SaveError(N_("this run belongs to the story '{theirs}', not '{ours}'"),
                        name or (str(record.path) if record.path else None),
                        N_("use the story it was made for (--scenes DIR), or start a new game"), code="MM505",
                        fields={"theirs": record.story_id, "ours": story.id})


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _mtime_utc(path: Path) -> datetime | None:
    stamp = _mtime(path)
    try:
        return datetime.fromtimestamp(stamp, timezone.utc) if stamp else None
    except (OverflowError, ValueError, OSError):  # a file dated beyond what datetime holds
        return None
