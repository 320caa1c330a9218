"""The save folder: named slots of run files, written atomically, read with validation.

A slot is ``<name>.yaml`` in the save folder; its previous version is kept as
``<name>.bak.yaml``. Slot names are restricted to ``[A-Za-z0-9_-]`` so no name can
reach outside the folder. Two kinds of slot: each run autosaves to its own
``run-<started>`` slot (``autosave`` in older folders), so a new game never touches an
earlier one; any other name is a checkpoint the player saved, which only the player
writes over. A slot that is written is locked (an advisory lock) so a second game
cannot write the same run, and a damaged file is moved aside
(``<slot>.damaged-<time>.yaml``), never written over. Loading a run into the current story goes through
:func:`resume`, which replays the log and says plainly when the story has changed
under the save.

Typical use::

    store = SaveStore(default_save_dir())
    store.write(record_for(story, state, "autosave"))
    record = store.read("autosave")            # or a path to any run file
    resumed = resume(story, record)
    if resumed.notice: print(resumed.notice)
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from adventure import __version__, engine
from adventure.engine import Outcome, RunState
from adventure.errors import DAMAGED_CODES, ChoiceLocked, EngineError, RunFinished, SaveError, StateError, UnknownChoice
from adventure.regularfile import FileTooLarge, read_regular
from adventure.saves.atomic import atomic_write, remove_stale_temps, sweep_stale_temps
from adventure.saves.runfile import (
    FORMAT,
    MAX_BYTES,
    SLOT_NAME,
    RunRecord,
    encode_record,
    parse_record,
    recovery_hint,
)
from adventure.story.model import Story

__all__ = [
    "ENV_SAVE_DIR",
    "Continuation",
    "Resumed",
    "RunRecord",
    "SaveStore",
    "SlotSummary",
    "check_slot_name",
    "check_story_matches",
    "continuation",
    "default_save_dir",
    "describe_failure",
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
    """Return ``name`` if it is a safe slot name; raise :class:`SaveError` with a hint if not."""
    hint = "use 1-64 letters, digits, '_' or '-' (not first), e.g. 'second-try'"
    if not isinstance(name, str) or not name:
        raise SaveError("a slot name cannot be empty", hint=hint, code="MM508")
    if not SLOT_NAME.fullmatch(name):
        shown = name if len(name) <= 70 else name[:67] + "..."
        if any(sep in name for sep in ("/", "\\", "\0")) or ".." in name:
            why = "it may not contain path separators, '..' or NUL"
        elif len(name) > 64:
            why = "it is longer than 64 characters"
        elif name[0] in "-.":
            why = f"it may not start with '{name[0]}'"
        else:
            bad = next((c for c in name if not re.match(r"[A-Za-z0-9_-]", c)), "?")
            why = f"{bad!r} is not allowed"
        raise SaveError(f"invalid slot name {shown!r}: {why}", hint=hint, code="MM508")
    if name.lower() in _RESERVED:
        raise SaveError(f"invalid slot name {name!r}: it is a reserved device name on Windows", hint=hint,
                        code="MM508")
    return name


def snapshot_of(story: Story, state: RunState) -> dict[str, Any]:
    """The snapshot saved with a run: the state without its log, plus the chapter id."""
    data = state.to_dict(story)
    del data["log"]
    return {
        "scene": data["scene"],
        "chapter": story.chapter_of(state.scene).id,
        "ending": data["ending"],
        "turn": data["turn"],
        "seed": data["seed"],
        "rng": data["rng"],
        "stats": data["stats"],
    }


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
    _lock: Any = field(repr=False, default=None)

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
        self.set_aside: list[tuple[Path, Path, str]] = []
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
            raise SaveError(exc.message, str(target), exc.hint, code=exc.code) from None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._guard(target)
            remove_stale_temps(target, self.stale_after)
            remove_stale_temps(self.backup_for(record.slot), self.stale_after)
            written = atomic_write(target, data, backup=self.backup_for(record.slot))
            self._remember(written)
            return written
        except OSError as exc:
            raise SaveError(f"could not write the save: {exc.strerror or exc}", str(target),
                            f"check that {self.directory} is writable, or choose another with --save-dir",
                            code="MM509") from None

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
                self.set_aside.append((target, self.move_aside(target), exc.message))

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
            raise SaveError(f"could not use the save folder: {exc.strerror or exc}", str(self.directory),
                            f"check that {self.directory} is writable, or choose another with --save-dir",
                            code="MM509") from None

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
        raise SaveError("could not find a free slot name", str(self.directory), code="MM509")

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
            raise SaveError(f"cannot read the save folder: {exc.strerror or exc}", str(self.directory),
                            code="MM501") from None
        return sorted(n for n in names if SLOT_NAME.fullmatch(n) and is_run_slot(n))

    def lock(self, slot: str) -> SlotLock:
        """Lock ``slot`` for this game; :class:`SaveError` (MM510) when another game holds it."""
        from filelock import FileLock, Timeout

        path = self.directory / f".{check_slot_name(slot)}.lock"
        sweep_stale_temps(self.directory, self.stale_after)  # a game opens the folder: clear what killed ones left
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(path), timeout=0)
            lock.acquire()
        except Timeout:
            raise SaveError(f"the run '{slot}' is in use by another game", str(self.directory),
                            "finish or leave that game first; 'million-miles saves' lists the others",
                            code="MM510") from None
        except OSError as exc:
            raise SaveError(f"could not lock the run '{slot}' ({exc.strerror or exc}), so it is not saved: two games "
                            "could otherwise write it at once", str(path),
                            f"check that {self.directory} is writable and {path.name} is a plain file you may "
                            "write, or keep playing elsewhere with --save-dir DIR", code="MM509") from None
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
            raise SaveError(f"cannot look up {shown!r}: {exc.strerror or exc}", None,
                            "give a slot name (see 'million-miles saves') or the path of a .yaml run file",
                            code="MM501") from None

    def _locate(self, slot_or_path: str | Path, text: str) -> Path:
        if isinstance(slot_or_path, str) and text.endswith(".bak") and SLOT_NAME.fullmatch(text[:-4]):
            backup = self.directory / (text[:-4] + BACKUP_SUFFIX)
            if backup.is_file():  # "autosave.bak": the slot's backup
                return backup
        if isinstance(slot_or_path, str) and SLOT_NAME.fullmatch(text) and text.lower() not in _RESERVED:
            candidate = self.directory / (text + SUFFIX)
            if candidate.is_file():
                return candidate
            if not Path(text).is_file():
                from adventure.paths import demo_run

                demo = demo_run(text)
                if demo is not None:  # a bare demo name, when no slot or file has that name
                    return demo
                known = [s.name for s in self.slots()]
                listed = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
                raise SaveError(f"no save named '{text}' in {self.directory}", None,
                                f"saved slots: {listed}" if known else "no saves yet: start a new game, "
                                "or give the path of a run file", code="MM507")
        path = Path(text).expanduser()
        if not path.is_file():
            shown = text if len(text) <= 70 else text[:67] + "..."
            raise SaveError("no such run file" if not path.exists() else "not a file", shown,
                            "give a slot name (see 'million-miles saves') or the path of a .yaml run file",
                            code="MM507")
        return path

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
            raise SaveError(f"cannot read the save folder: {exc.strerror or exc}", str(self.directory),
                            "check its permissions, or choose another with --save-dir", code="MM501") from None
        result = []
        for path in entries:
            summary = self._summary(path)
            if summary is not None:
                result.append(summary)
        result.sort(key=lambda s: (s.updated or _EPOCH, s.name), reverse=True)
        return result

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
            return SlotSummary(slot, path, _mtime_utc(path), backup=backup, error=str(exc), code=exc.code)
        try:
            folder = recorded_folder(record)
        except SaveError:
            folder = None
        return SlotSummary(
            slot, path, record.updated, record.story_id, record.chapter, record.scene, record.stats,
            record.ending, len(record.steps), backup, folder=folder,
        )


@dataclass(frozen=True)
class Continuation:
    """What ``play --continue`` resumes: a record, the slot to go on in, and what to tell the player."""

    record: RunRecord | None
    slot: str | None = None
    notice: str | None = None


def continuation(store: SaveStore) -> Continuation:
    """The run played last; a damaged one is moved aside and its backup offered instead.

    Falls back to the newest checkpoint when there is no run at all.
    """
    from adventure.wording import count

    newest = store.newest_run()
    if newest is None:
        return Continuation(store.latest())
    if newest.error is None:
        return Continuation(read_run(newest.path))
    backup = store.backup_for(newest.name)
    try:
        aside: Path | None = store.move_aside(newest.path)
    except OSError:
        aside = None
    where = f"it was moved aside to {aside}" if aside else "it could not be moved aside and was left as it is"
    try:
        record: RunRecord | None = read_run(backup)
    except SaveError:
        record = None
    if record is not None:
        return Continuation(record, newest.name if aside else None,
                            f"The run '{newest.name}' was damaged ({newest.error}); {where}. "
                            f"Continuing from its backup {backup} ({count(len(record.steps), 'choice')} in).")
    fallback = store.latest()
    return Continuation(fallback, None, f"The run '{newest.name}' was damaged ({newest.error}) and has no usable "
                        f"backup; {where}." + (f" Continuing '{fallback.slot}' instead." if fallback else ""))


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
    raise SaveError(f"this run was played from the story folder {shown!r}, which is no longer there",
                    str(record.path) if record.path else None,
                    "give the story's folder with --scenes DIR", code="MM512")


def read_run(path: Path | str) -> RunRecord:
    """Read and validate one run file; every failure is a :class:`SaveError` naming it."""
    path = Path(path)
    try:
        data = read_regular(path, MAX_BYTES)  # a FIFO or /dev/zero in the save folder never hangs a listing
    except FileTooLarge as exc:
        raise SaveError(f"the file is too large to be a run ({exc.size} bytes)", str(path), recovery_hint(path),
                        code="MM502") from None
    except FileNotFoundError:
        raise SaveError("no such run file", str(path), "give a slot name or the path of a .yaml run file",
                        code="MM507") from None
    except OSError as exc:
        raise SaveError(f"could not read the file: {exc.strerror or exc}", str(path), code="MM501") from None
    return parse_record(data, path)


@dataclass(frozen=True)
class Resumed:
    """A saved run brought back into the current story."""

    state: RunState
    outcome: Outcome
    notice: str | None = None
    applied: int = 0


def resume(story: Story, record: RunRecord) -> Resumed:
    """Replay a record's log against the current story, as far as it still applies.

    Same story files and a consistent log: continue silently. Edited story files: continue
    with a notice, stopping at the first step that no longer applies (the notice names
    it). Another story, or a log that contradicts its own snapshot while the story is
    unchanged (a damaged or hand-edited file): :class:`SaveError`.
    """
    where = str(record.path) if record.path else None
    check_story_matches(story, record)
    result = replay_record(story, record)
    outcome = result.last
    same_story = record.fingerprint == story.fingerprint
    if same_story:
        if result.failure is not None:
            raise SaveError(f"the saved log does not replay: {describe_failure(story, record, result)}", where,
                            recovery_hint(record.path), code="MM506")
        changed = snapshot_changes(record.snapshot, snapshot_of(story, result.state), story.renamed)
        if changed:
            raise SaveError("the snapshot disagrees with its replayed log (" + format_changes(changed) + ")",
                            where, recovery_hint(record.path), code="MM506")
        return Resumed(result.state, outcome, None, result.applied)
    total = len(record.steps)
    if result.failure is None:
        notice = f"The story has changed since this run was saved; {'the step still applies' if total == 1 else f'all {total} steps still apply'}."
        changed = snapshot_changes(record.snapshot, snapshot_of(story, result.state), story.renamed)
        if changed:
            notice += " Now: " + format_changes(changed) + "."
    else:
        notice = (f"The story has changed since this run was saved; resumed after step {result.applied} "
                  f"of {total}: {describe_failure(story, record, result)}.")
    return Resumed(result.state, outcome, notice, result.applied)


def replay_record(story: Story, record: RunRecord,
                  visit: Callable[[Outcome], None] | None = None) -> engine.ReplayResult:
    """Replay a record's log from its seed (and its sandbox start, if any); ``visit`` sees each outcome.

    A sandbox start that no longer fits the story (scene gone, stat renamed) is a
    :class:`SaveError`: the run has no first state to stand on.
    """
    try:
        return engine.replay(story, record.seed, record.steps, record.start, visit)
    except StateError as exc:
        raise SaveError(f"this sandbox run's start no longer fits the story: {exc}",
                        str(record.path) if record.path else None,
                        "start a new sandbox run with play --start SCENE", code="MM506") from None


def check_story_matches(story: Story, record: RunRecord, name: str | None = None) -> None:
    """Raise :class:`SaveError` when a run was made with another story."""
    if record.story_id != story.id:
        raise SaveError(f"this run belongs to the story '{record.story_id}', not '{story.id}'",
                        name or (str(record.path) if record.path else None),
                        "use the story it was made for (--scenes DIR), or start a new game", code="MM505")


def describe_failure(story: Story, record: RunRecord, result: engine.ReplayResult) -> str:
    """``step 7: scene 'had_hub' no longer offers 'siberia'`` and the like."""
    number = result.applied + 1
    step = record.steps[result.applied]
    failure = result.failure
    return f"step {number}: {failure_reason(story, step, result.state, failure)}"


def failure_reason(story: Story, step: engine.Step, state: RunState, failure: EngineError | None) -> str:
    """Why one logged step no longer applies, in the player's terms."""
    if isinstance(failure, UnknownChoice):
        if step.choice in (c.id for c in story.scenes[failure.scene].choices):
            return f"'{step.choice}' in scene '{failure.scene}' is now hidden"
        return f"scene '{failure.scene}' no longer offers '{failure.choice}'"
    if isinstance(failure, ChoiceLocked):
        return f"'{failure.choice}' in scene '{failure.scene}' is now locked ({failure.reason})"
    if isinstance(failure, RunFinished):
        return f"the run now ends before it (ending '{failure.ending}')"
    if step.scene not in story.scenes:
        return f"scene '{step.scene}' no longer exists (the run is in '{state.scene}')"
    return f"the run now reaches scene '{state.scene}' instead of '{step.scene}'"


def snapshot_changes(saved: dict[str, Any], replayed: dict[str, Any],
                     renamed: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Fields (and stats) whose saved value differs from the replayed one.

    ``renamed`` maps old scene ids to current ones, so a scene renamed since the save
    (``renamed_from:``) is not a difference.
    """
    changes: dict[str, dict[str, Any]] = {}
    if renamed and saved.get("scene") in renamed:
        saved = {**saved, "scene": renamed[saved["scene"]]}
    for key in ("scene", "chapter", "ending", "turn", "rng"):
        if saved.get(key) != replayed.get(key):
            changes[key] = {"snapshot": saved.get(key), "replayed": replayed.get(key)}
    old, new = saved.get("stats") or {}, replayed.get("stats") or {}
    for name in [*old, *(n for n in new if n not in old)]:
        a, b = old.get(name), new.get(name)
        if a != b or type(a) is not type(b):
            changes[f"stats.{name}"] = {"snapshot": a, "replayed": b}
    return changes


def format_changes(changes: dict[str, dict[str, Any]], limit: int = 6) -> str:
    """``ending: 'sky' → 'home', stats.apples: 4 → 2`` (the first few)."""
    parts = [f"{k}: {v['snapshot']!r} → {v['replayed']!r}" for k, v in list(changes.items())[:limit]]
    if len(changes) > limit:
        parts.append(f"and {len(changes) - limit} more")
    return ", ".join(parts)


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
