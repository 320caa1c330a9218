"""The save folder: named slots of run files, written atomically, read with validation.

A slot is ``<name>.yaml`` in the save folder; its previous version is kept as
``<name>.bak.yaml``. Slot names are restricted to ``[A-Za-z0-9_-]`` so no name can
reach outside the folder. Loading a run into the current story goes through
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

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from adventure import __version__, engine
from adventure.engine import Outcome, RunState
from adventure.errors import ChoiceLocked, EngineError, RunFinished, SaveError, StateError, UnknownChoice
from adventure.saves.atomic import atomic_write, remove_stale_temps
from adventure.saves.runfile import (
    FORMAT,
    MAX_BYTES,
    SLOT_NAME,
    RunRecord,
    dump_record,
    parse_record,
    recovery_hint,
)
from adventure.story.model import Story

__all__ = [
    "ENV_SAVE_DIR", "Resumed", "RunRecord", "SaveStore", "SlotSummary", "check_slot_name", "check_story_matches",
    "default_save_dir", "describe_failure", "read_run", "record_for", "replay_record", "resume", "snapshot_of",
]

ENV_SAVE_DIR = "MILLION_MILES_SAVE_DIR"
SUFFIX = ".yaml"
BACKUP_SUFFIX = ".bak.yaml"
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def default_save_dir() -> Path:
    """``$MILLION_MILES_SAVE_DIR`` if set, else the user's data folder ``…/million-miles/saves``."""
    override = os.environ.get(ENV_SAVE_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("million-miles", appauthor=False)) / "saves"


def check_slot_name(name: str) -> str:
    """Return ``name`` if it is a safe slot name; raise :class:`SaveError` with a hint if not."""
    hint = "use 1-64 letters, digits, '_' or '-' (not first), e.g. 'second-try'"
    if not isinstance(name, str) or not name:
        raise SaveError("a slot name cannot be empty", hint=hint)
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
        raise SaveError(f"invalid slot name {shown!r}: {why}", hint=hint)
    if name.lower() in _RESERVED:
        raise SaveError(f"invalid slot name {name!r}: it is a reserved device name on Windows", hint=hint)
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
               now: datetime | None = None, start: engine.Start | None = None) -> RunRecord:
    """The record of a run as it stands, ready to write to ``slot`` (``start``: a sandbox run's)."""
    moment = _utc(now or datetime.now(timezone.utc))
    return RunRecord(
        format=FORMAT, story_id=story.id, fingerprint=story.fingerprint, engine_version=__version__,
        seed=state.seed, created=_utc(created) if created else moment, updated=moment,
        slot=check_slot_name(slot), steps=tuple(state.log), snapshot=snapshot_of(story, state), start=start,
        header=story.presentation.header(story.title),
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

    def to_dict(self) -> dict[str, Any]:
        """The ``saves --json`` shape."""
        return {
            "name": self.name, "path": str(self.path),
            "updated": self.updated.isoformat() if self.updated else None,
            "story": self.story_id, "chapter": self.chapter, "scene": self.scene, "stats": dict(self.stats),
            "ending": self.ending, "steps": self.steps, "backup": self.backup, "error": self.error,
        }


class SaveStore:
    """A folder of save slots. Creates the folder on first write, never before."""

    stale_after = 60.0
    """Seconds after which a leftover temporary file counts as abandoned by a killed writer."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory).expanduser()

    def path_for(self, slot: str) -> Path:
        """The file of a slot (the name is checked first)."""
        return self.directory / (check_slot_name(slot) + SUFFIX)

    def backup_for(self, slot: str) -> Path:
        """The backup file of a slot."""
        return self.directory / (check_slot_name(slot) + BACKUP_SUFFIX)

    def write(self, record: RunRecord) -> Path:
        """Write a record to its slot atomically, keeping the previous version as the backup."""
        target = self.path_for(record.slot)
        data = dump_record(record).encode("utf-8")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(target, self.stale_after)
            remove_stale_temps(self.backup_for(record.slot), self.stale_after)
            return atomic_write(target, data, backup=self.backup_for(record.slot))
        except OSError as exc:
            raise SaveError(f"could not write the save: {exc.strerror or exc}", str(target),
                            f"check that {self.directory} is writable, or choose another with --save-dir") from None

    def read(self, slot_or_path: str | Path) -> RunRecord:
        """Read a slot by name, or any run file by path; validates every field."""
        path = self.locate(slot_or_path)
        return read_run(path)

    def locate(self, slot_or_path: str | Path) -> Path:
        """The file a slot name or path refers to; :class:`SaveError` when there is none."""
        text = str(slot_or_path)
        if isinstance(slot_or_path, str) and text.endswith(".bak") and SLOT_NAME.fullmatch(text[:-4]):
            backup = self.directory / (text[:-4] + BACKUP_SUFFIX)
            if backup.is_file():  # "autosave.bak": the slot's backup
                return backup
        if isinstance(slot_or_path, str) and SLOT_NAME.fullmatch(text) and text.lower() not in _RESERVED:
            candidate = self.directory / (text + SUFFIX)
            if candidate.is_file():
                return candidate
            if not Path(text).is_file():
                known = [s.name for s in self.slots()]
                listed = ", ".join(known[:8]) + (" ..." if len(known) > 8 else "")
                raise SaveError(f"no save named '{text}' in {self.directory}", None,
                                f"saved slots: {listed}" if known else "no saves yet: start a new game, "
                                "or give the path of a run file")
        path = Path(text).expanduser()
        if not path.is_file():
            raise SaveError("no such run file" if not path.exists() else "not a file", str(path),
                            "give a slot name (see 'million-miles saves') or the path of a .yaml run file")
        return path

    def latest(self) -> RunRecord | None:
        """The most recently updated readable slot, or ``None`` when there is none."""
        best: tuple[datetime, float, Path] | None = None
        for summary in self.slots():
            if summary.error is None and summary.updated is not None:
                key = (summary.updated, _mtime(summary.path), summary.path)
                if best is None or key[:2] > best[:2]:
                    best = key
        return read_run(best[2]) if best else None

    def slots(self) -> list[SlotSummary]:
        """Every slot in the folder, most recently updated first; unreadable ones carry ``error``."""
        if not self.directory.is_dir():
            return []
        result = []
        for path in self.directory.iterdir():
            name = path.name
            if not name.endswith(SUFFIX) or name.endswith(BACKUP_SUFFIX) or name.startswith("."):
                continue
            slot = name[: -len(SUFFIX)]
            if not SLOT_NAME.fullmatch(slot) or not path.is_file():
                continue
            backup = (self.directory / (slot + BACKUP_SUFFIX)).is_file()
            try:
                record = read_run(path)
            except SaveError as exc:
                result.append(SlotSummary(slot, path, _mtime_utc(path), backup=backup, error=str(exc.args[0])))
                continue
            result.append(SlotSummary(
                slot, path, record.updated, record.story_id, record.chapter, record.scene, record.stats,
                record.ending, len(record.steps), backup,
            ))
        result.sort(key=lambda s: (s.updated or datetime.min.replace(tzinfo=timezone.utc), s.name), reverse=True)
        return result


def read_run(path: Path | str) -> RunRecord:
    """Read and validate one run file; every failure is a :class:`SaveError` naming it."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SaveError("no such run file", str(path), "give a slot name or the path of a .yaml run file") from None
    except OSError as exc:
        raise SaveError(f"could not read the file: {exc.strerror or exc}", str(path)) from None
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
                            recovery_hint(record.path))
        changed = snapshot_changes(record.snapshot, snapshot_of(story, result.state), story.renamed)
        if changed:
            raise SaveError("the snapshot disagrees with its replayed log (" + format_changes(changed) + ")",
                            where, recovery_hint(record.path))
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
                        "start a new sandbox run with play --start SCENE") from None


def check_story_matches(story: Story, record: RunRecord, name: str | None = None) -> None:
    """Raise :class:`SaveError` when a run was made with another story."""
    if record.story_id != story.id:
        raise SaveError(f"this run belongs to the story '{record.story_id}', not '{story.id}'",
                        name or (str(record.path) if record.path else None),
                        "use the story it was made for (--scenes DIR), or start a new game")


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
    return datetime.fromtimestamp(stamp, timezone.utc) if stamp else None
