"""The endings a player has found, remembered across runs in a small file beside the saves.

``endings.json`` in the save folder (so ``--save-dir`` and ``$MILLION_MILES_SAVE_DIR``
apply, and ``--no-save`` writes nothing) holds, per story id, each ending reached:
when first and last, how often, and how (the run's slot, the scene and the choice that
led there). It is written like a save: atomically, with a backup, under a lock so two
games finishing at once both count. A damaged file is moved aside
(``endings.damaged-<time>.json``) and a new one started; the player is told.

Typical use::

    book = EndingsBook(save_dir)
    book.record(story, state, slot="run-20260301-120000", now=datetime.now(timezone.utc))
    found = book.found(story)                      # FoundEnding per ending reached
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from adventure.base.errors import Phrase, SaveError
from adventure.base.messages import N_, _
from adventure.base.regularfile import FileTooLarge, read_regular
from adventure.run import engine
from adventure.run.engine import RunState
from adventure.saves.atomic import atomic_write
from adventure.story.model import Story
from adventure.story.template import render

FILE_NAME = "endings.json"
FORMAT = 1
MAX_BYTES = 1024 * 1024
FIELD_LIMIT = 500
"""The longest text field an entry holds; longer ones (a 600-character label) are cut when written."""
LOCK_WAIT = 5.0
"""Seconds to wait for another game that is recording an ending at the same moment."""


@dataclass(frozen=True)
class FoundEnding:
    """One ending the player has reached in some run."""

    id: str
    first_reached: str
    last_reached: str
    times: int
    run: str
    scene: str
    choice: str
    label: str

    def to_dict(self) -> dict[str, Any]:
        """The entry as written: every text within :data:`FIELD_LIMIT`, so the reader takes it back."""
        return {"first_reached": self.first_reached, "last_reached": self.last_reached, "times": self.times,
                "run": fit(self.run), "scene": fit(self.scene), "choice": fit(self.choice), "label": fit(self.label)}


def fit(text: str) -> str:
    """``text`` as the endings file can hold it: valid Unicode, at most :data:`FIELD_LIMIT` characters."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate becomes '?'
    return text if len(text) <= FIELD_LIMIT else text[: FIELD_LIMIT - 1] + "…"


class EndingsBook:
    """The found-endings file of one save folder."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory).expanduser()
        self.path = self.directory / FILE_NAME
        self.notices: list[Phrase] = []
        """What the player should hear (a damaged file moved aside)."""
        self.problem: Phrase | None = None
        """Why the file could not be used when last read (it then reads as empty)."""

    def found(self, story: Story) -> list[FoundEnding]:
        """The endings of ``story`` found so far, in the story's order (unknown ids dropped)."""
        entries = self._read().get(story.id, {})
        return [entries[e] for e in story.endings if e in entries]

    def record(self, story: Story, state: RunState, slot: str, now: datetime) -> bool:
        """Note that ``state`` reached its ending in run ``slot``; True when it is a first."""
        if state.ending is None:
            return False
        from adventure.saves.lock import Busy, LockFile

        lock = LockFile(self.directory / ".endings.lock")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock.acquire(wait=LOCK_WAIT)
            try:
                data = self._read(move_damaged=True)
                entries = data.setdefault(story.id, {})
                old = entries.get(state.ending)
                moment = _iso(now)
                scene, choice, label = _how(story, state)
                if old is None:
                    entries[state.ending] = FoundEnding(state.ending, moment, moment, 1, slot, scene, choice, label)
                else:
                    entries[state.ending] = FoundEnding(old.id, old.first_reached, moment, old.times + 1, old.run,
                                                        old.scene, old.choice, old.label)
                self._write(data)
            finally:
                lock.release()
        except Busy:
            raise SaveError(N_("another game is recording an ending; this one was not counted"), str(self.path),
                            code="MM510") from None
        except OSError as exc:
            raise SaveError(N_("could not use the endings file: {problem}"), str(self.path), code="MM509",
                            fields={"problem": exc.strerror or exc}) from None
        return old is None

    # -- the file ----------------------------------------------------------------------------

    def _read(self, move_damaged: bool = False) -> dict[str, dict[str, FoundEnding]]:
        self.problem = None
        try:
            raw = read_regular(self.path, MAX_BYTES)
        except FileNotFoundError:
            return {}
        except FileTooLarge:
            raw = b"\0" * (MAX_BYTES + 1)  # damage like any other: moved aside below
        except OSError as exc:
            self.problem = Phrase(N_("could not read it: {problem}"), {"problem": exc.strerror or exc})
            if move_damaged:  # writing now would replace what we could not read
                raise
            return {}
        try:
            return _parse(raw)
        except ValueError as exc:  # includes JSON errors and over-long numbers
            why = _short(str(exc))
        except RecursionError:
            why = "nested too deeply"
        self.problem = Phrase(N_("it is damaged ({why})"), {"why": why})
        if move_damaged:
            from adventure.saves.store import SaveStore

            aside = SaveStore(self.directory).move_aside(self.path)
            self.notices.append(Phrase(N_("The endings file {path} was damaged ({why}); "
                                          "it was moved aside to {aside} and a new one started."),
                                       {"path": self.path, "why": why, "aside": aside}))
        return {}

    def _write(self, data: dict[str, dict[str, FoundEnding]]) -> None:
        document = {"format": FORMAT,
                    "stories": {story: {e: f.to_dict() for e, f in entries.items()} for story, entries in data.items()}}
        raw = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        if len(raw) > MAX_BYTES:  # never write what _read would call damaged
            raise SaveError(N_("the endings file would grow past {limit} bytes; this ending was not counted"),
                            str(self.path), N_("move endings.json aside to start a new one"), code="MM509",
                            fields={"limit": MAX_BYTES})
        atomic_write(self.path, raw, backup=self.path.with_name("endings.bak.json"))


def _parse(raw: bytes) -> dict[str, dict[str, FoundEnding]]:
    """Validate the file strictly; any surprise is a ``ValueError`` (damage)."""
    if len(raw) > MAX_BYTES:
        raise ValueError("too large")
    document = json.loads(raw.decode("utf-8"))
    if not isinstance(document, dict) or document.get("format") != FORMAT or not isinstance(document.get("stories"), dict):
        raise ValueError(f"not a format-{FORMAT} endings file")
    return {story_id: _story_entries(story_id, entries) for story_id, entries in document["stories"].items()}


def _story_entries(story_id: str, entries: object) -> dict[str, FoundEnding]:
    """One story's endings, by id."""
    if not isinstance(entries, dict):
        raise ValueError(f"story {story_id!r} is not a mapping")
    return {ending_id: _entry(ending_id, entry) for ending_id, entry in entries.items()}


_TEXTS = ("first_reached", "last_reached", "run", "scene", "choice", "label")
"""The text fields of an entry; each must be there, within :data:`FIELD_LIMIT`."""


def _entry(ending_id: str, entry: object) -> FoundEnding:
    """One ending's entry, every field checked: a hand-edited or truncated file is damage, not a crash later."""
    if not isinstance(entry, dict):
        raise ValueError(f"ending {ending_id!r} is not a mapping")
    texts = _texts(ending_id, entry)
    times = entry.get("times")
    if not isinstance(times, int) or isinstance(times, bool) or not 0 < times < 10**12:
        raise ValueError(f"ending {ending_id!r} has a bad 'times'")
    for key in ("first_reached", "last_reached"):
        _moment(texts[key])
    return FoundEnding(ending_id, times=times, **texts)


def _texts(ending_id: str, entry: dict[str, object]) -> dict[str, str]:
    """An entry's text fields by name (:data:`_TEXTS`)."""
    texts: dict[str, str] = {}
    for key in _TEXTS:
        value = entry.get(key)
        if not isinstance(value, str) or len(value) > FIELD_LIMIT:
            raise ValueError(f"ending {ending_id!r} has a missing or bad field")
        texts[key] = value
    return texts


def reached_at(found: FoundEnding) -> datetime:
    """When an ending was first reached, as an aware datetime."""
    return _moment(found.first_reached)


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None
    if not 1970 <= moment.year <= 9000:
        raise ValueError(f"{text!r} is not a plausible date")
    return moment


def _how(story: Story, state: RunState) -> tuple[str, str, str]:
    """The scene, choice id and choice label (as shown) of the step that ended the run."""
    if not state.log:
        return state.scene, "", ""
    step = state.log[-1]
    scene = story.scenes.get(step.scene)
    choice = scene.choice(step.choice) if scene else None
    if choice is None:
        return step.scene, step.choice, step.choice
    label = " ".join(render(choice.label, engine.environment(story, state.values), engine.wording(story)).split())
    return step.scene, step.choice, label


def ending_hint(story: Story, ending_id: str) -> str:
    """A hint for an ending not found yet, without its title: the chapters that lead to it."""
    chapters: list[str] = []
    for scene in story.scenes.values():
        if any(t.ending == ending_id for c in scene.choices for t in c.goto.targets):
            title = story.chapter_of(scene.id).title
            if title not in chapters:
                chapters.append(title)
    if not chapters:
        return _("not found yet")
    places = _(" or ").join(_("'{chapter}'").format(chapter=c) for c in chapters[:3])
    return _("not found yet: it waits in {chapters}").format(chapters=places)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
