"""The run file: one saved run as a small, human-readable YAML document.

A run file is the log of choices (scene id + choice id per step, never positions) from
a seed, plus a snapshot of the state it led to. The log is the truth: loading replays
it through the engine; the snapshot is there for listings and to detect a file (or a
story) that no longer agrees with its log. Player saves and the shipped demo and
regression runs share this one format.

Written with ``yaml.safe_dump`` and read with the safe loader only; every field's type
is checked on read, and every problem is a :class:`SaveError` naming the file.

Typical use::

    text = dump_record(record)
    record = parse_record(text, path="autosave.yaml")
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from adventure.base.errors import Phrase, SaveError
from adventure.base.messages import N_
from adventure.run.engine import Start, Step

# PyYAML and the YAML helpers are imported by the functions that read and write the
# text, not here: a new game needs this module's names at start-up and YAML only at
# its first save (~25 ms of every start-up).

FORMAT = 1
"""The run-file format this version writes and reads (older ones are read as well)."""

MAX_BYTES = 8 * 1024 * 1024
"""Refuse larger files: a real run is a few kilobytes."""

HEADER = "# {words}. The steps are the truth; the snapshot is checked against them.\n"
"""The comment line opening a run file; ``words`` come from the story's presentation."""

_KEYS = ("format", "story", "fingerprint", "engine", "seed", "created", "updated", "slot", "steps", "snapshot")
_OPTIONAL = ("scenes", "start")
_SNAPSHOT_KEYS = ("scene", "chapter", "ending", "turn", "seed", "rng", "stats")
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_RECALL = re.compile(r"(seen|chose)\([A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)?\)")
"""A sandbox start may name a ``seen()``/``chose()`` the story reads (``chose(keys): true``)."""
SLOT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")
"""Safe slot names: letters, digits, '_' and '-' (not first), 1-64 characters."""


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """A saved run: who wrote it, against which story, the log and the state it reached (built by keyword)."""

    format: int
    story_id: str
    fingerprint: str
    engine_version: str
    seed: int
    created: datetime
    updated: datetime
    slot: str
    steps: tuple[Step, ...]
    snapshot: dict[str, Any]
    scenes: str | None = None
    """Optional hint: the story folder, relative to the run file (shipped test runs)."""
    path: Path | None = field(default=None, compare=False)
    """Where the record was read from (``None`` for a record built in memory)."""
    start: Start | None = None
    """A sandbox run's start (``play --start/--set``): the log replays from it, not the story's start."""
    header: str = field(default="A saved run", compare=False)
    """The words of the opening comment line (the story's ``presentation: run_header``)."""

    @property
    def ending(self) -> str | None:
        """The ending the run reached, if any."""
        return self.snapshot.get("ending")

    @property
    def chapter(self) -> str | None:
        """The chapter id the run was in when saved."""
        return self.snapshot.get("chapter")

    @property
    def scene(self) -> str:
        """The scene id the run was in when saved."""
        return str(self.snapshot.get("scene", ""))

    @property
    def stats(self) -> dict[str, Any]:
        """Stat values of the snapshot, by name."""
        return dict(self.snapshot.get("stats") or {})

    def to_dict(self) -> dict[str, Any]:
        """The document written to disk, keys in a readable order."""
        return self._document([{"scene": s.scene, "choice": s.choice} for s in self.steps])

    def _document(self, steps: object) -> dict[str, Any]:
        """:meth:`to_dict` with ``steps`` standing for the log (:func:`dump_record` writes the log apart)."""
        data: dict[str, Any] = {
            "format": self.format,
            "story": self.story_id,
            "fingerprint": self.fingerprint,
            "engine": self.engine_version,
            "seed": self.seed,
            "created": _iso(self.created),
            "updated": _iso(self.updated),
            "slot": self.slot,
        }
        if self.scenes is not None:
            data["scenes"] = _lossless_path(self.scenes)
        if self.start is not None:
            data["start"] = self.start.to_dict()
        data["steps"] = steps
        data["snapshot"] = {k: self.snapshot.get(k) for k in _SNAPSHOT_KEYS if k in self.snapshot}
        return data


def dump_record(record: RunRecord) -> str:
    """The YAML text of a record (a comment line, then the document).

    The steps are written line by line rather than through PyYAML's representer, which
    builds a node per value first (170 MB for a run of 100,000 steps); the text is the
    same as ``yaml.safe_dump`` of :meth:`RunRecord.to_dict` would give.
    """
    # story words in a YAML comment: one line of printable characters, or the file would not parse
    words = " ".join("".join(c if c.isprintable() else " " for c in record.header).split()) or "A saved run"
    head = HEADER.format(words=words)
    if not record.steps:
        return head + _dump(record.to_dict())
    data = record._document(None)  # not a dict per step: 100,000 of them at every autosave of a long run
    keys = list(data)
    at = keys.index("steps")
    before = {k: data[k] for k in keys[:at]}
    after = {k: data[k] for k in keys[at + 1:]}
    return head + _dump(before) + "steps:\n" + "".join(_step_lines(record.steps)) + (_dump(after) if after else "")


def encode_record(record: RunRecord) -> bytes:
    """The bytes of a run file, refused (MM509) unless :func:`parse_record` would read them back.

    What the game writes it must be able to read: text that is not UTF-8 (a lone
    surrogate from an undecodable name) or a file over :data:`MAX_BYTES` is never
    written, so "saved" is never followed by "damaged".
    """
    text = dump_record(record)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SaveError(N_("the run holds text that is not valid Unicode ({character})"), None,
                        N_("a value given on the command line was not text in your terminal's encoding"),
                        code="MM509", fields={"character": ascii(text[exc.start])}) from None
    if len(data) > MAX_BYTES:
        raise SaveError(N_("the run would be too large to read back ({size} bytes; a run file holds at most "
                           "{limit})"), None, N_("the story grows a value without bound; tell its author"),
                        code="MM509", fields={"size": len(data), "limit": MAX_BYTES})
    return data


def _dump(data: dict[str, Any]) -> str:
    """Readable YAML (letters as written), unless that would not read back the same.

    PyYAML writes some characters raw that its reader then folds (U+0085 and U+2028 read
    as line breaks); such a value is written with escapes instead, so a text stat holds
    exactly what it held. Text that reads back in neither form (a lone surrogate, which
    YAML escapes but will not read) is refused (MM509): a run is never written that its
    own reader would call damaged. These parts are small (the steps are written apart).
    """
    import yaml

    from adventure.saves.yamlevents import plain_data

    for readable in (True, False):
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=readable, default_flow_style=False, width=100)
        try:
            if plain_data(text) == data:
                return text
        except (yaml.YAMLError, ValueError):
            pass
    raise SaveError(N_("the run holds text that is not valid Unicode ({character})"), None,
                    N_("a value given on the command line was not text in your terminal's encoding"),
                    code="MM509", fields={"character": ascii(_first_surrogate(data))})


def _first_surrogate(value: object) -> str:
    """The first lone surrogate in a record's text ("?" when the text is bad some other way)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            bad = next((c for c in item if "\ud800" <= c <= "\udfff"), None)
            if bad is not None:
                return bad
        elif isinstance(item, dict):
            stack.extend([*item.values(), *item.keys()][::-1])
        elif isinstance(item, list):
            stack.extend(item[::-1])
    return "?"


def nests_deeper_than(text: str, depth: int) -> bool:
    """The story reader's nesting test (:func:`adventure.story.yamlsrc.nests_deeper_than`), loaded when first used.

    Its module brings PyYAML, which a game needs at its first save, not at start-up.
    """
    from adventure.story.yamlsrc import nests_deeper_than as deeper

    return deeper(text, depth)


def _step_lines(steps: tuple[Step, ...]) -> list[str]:
    """Each step's lines exactly as ``safe_dump`` writes them, each distinct id dumped once.

    Equal steps share one string, so the list costs a pointer a step until it is joined.
    """
    scenes: dict[str, str] = {}
    choices: dict[str, str] = {}
    written: dict[Step, str] = {}
    lines = []
    for step in steps:
        line = written.get(step)
        if line is None:
            scene = scenes.get(step.scene)
            if scene is None:
                scene = scenes[step.scene] = _dump_steps([{"scene": step.scene}])
            choice = choices.get(step.choice)
            if choice is None:
                head = _dump_steps([{"scene": "a"}])
                choice = choices[step.choice] = _dump_steps([{"scene": "a", "choice": step.choice}])[len(head):]
            line = written[step] = scene + choice
        lines.append(line)
    return lines


def _dump_steps(steps: list[dict[str, str]]) -> str:
    import yaml

    return yaml.safe_dump(steps, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def parse_record(text: str | bytes, path: str | Path | None = None) -> RunRecord:
    """Parse and validate a run file's text; raises :class:`SaveError` naming ``path``."""
    import yaml

    from adventure.saves.yamlevents import AliasRefused, plain_data

    where = str(path) if path is not None else None
    file = Path(path) if path is not None else None
    if len(text) > MAX_BYTES:
        raise damaged(N_("the file is too large to be a run ({size} bytes)"), where, file, size=len(text))
    if isinstance(text, bytes):
        bad = _not_utf8(text)
        if bad is not None:
            raise damaged(N_("the file is not UTF-8 text (byte {byte}); it is damaged"), where, file, byte=bad)
    if _blank(text):
        raise damaged(N_("the file is empty"), where, file)
    if _nests_deeper(text):  # libyaml's composer recurses in C: a deep enough nesting crashes it
        raise damaged(N_("the file nests deeper than a run file ever does (over {depth} levels)"), where, file,
                      depth=MAX_DEPTH)
    try:
        data = plain_data(text, _StepTable(), "steps")  # no node tree, and a step costs a pointer
    except AliasRefused:
        raise damaged(_ALIASES, where, file, code="MM500") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"  # PyYAML's words, kept in English
        if mark is None:
            raise damaged(N_("the file is damaged: {problem}"), where, file, problem=problem) from None
        raise damaged(N_("the file is damaged: {problem} at line {line}, column {column}"), where, file,
                      problem=problem, line=mark.line + 1, column=mark.column + 1) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts (int_max_str_digits)
        raise damaged(N_("the file holds a value no run file has: {problem}"), where, file, code="MM503",
                      problem=_short(str(exc))) from None
    hint = recovery_hint(file)
    _reject_shared(data, where, file)
    try:
        return _record_from(data, where, file, hint, _cut_short(text))
    except (ValueError, OverflowError, RecursionError) as exc:  # defence in depth: a field we failed to foresee
        raise damaged(N_("invalid run file: {problem}"), where, file, code="MM503",
                      problem=_short(str(exc))) from None


_RUN = Phrase(N_("the run file"))
_STEP = "{scene: ID, choice: ID}"
_WRITE_A_DATE = N_("write it as 2026-01-31T12:00:00+00:00")
_ALIASES = N_("the file uses YAML aliases (&anchor / *alias), which run files never do")


def damaged(message: str, where: str | None, path: Path | None, *, code: str = "MM502",
            **fields: object) -> SaveError:
    """The error for a run file that does not read: ``message`` with ``fields``, and what the player can do."""
    return SaveError(message, where, recovery_hint(path), code=code, fields=fields)


MAX_DEPTH = 32
SEED_LIMIT = 10**20
"""Seeds and generator states are 64-bit (at most 20 digits); anything longer is not a run file's."""
EARLIEST_YEAR, LATEST_YEAR = 1970, 9000
"""Dates outside these years are damage (and far ones overflow local-time conversion)."""


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _cut_short(text: str | bytes) -> bool:
    """A run file ends with its snapshot and a newline; one that does not was truncated."""
    if isinstance(text, bytes):
        return not text.endswith(b"\n") or b"\nsnapshot:" not in text
    return not text.endswith("\n") or "\nsnapshot:" not in text


_CHUNK = 1 << 16
_VISIBLE = re.compile(rb"[!-~]")


def _blank(text: str | bytes) -> bool:
    """Nothing but white space (Unicode's, as ``str.strip`` sees it, also in bytes read raw)."""
    if isinstance(text, str):
        return not text.strip()
    return not text.strip() or (_VISIBLE.search(text) is None and not text.decode("utf-8").strip())
_DEEP_INDENT = re.compile(rb"^[ \t\-?:]{%d,}" % (4 * MAX_DEPTH), re.M)
"""The indentation test of :func:`nests_deeper_than` (at :data:`MAX_DEPTH` levels), on bytes."""


def _not_utf8(data: bytes) -> int | None:
    """The offset of the first byte that is not UTF-8, or ``None``; checked a slice at a time.

    Decoding the whole file at once would hold a second copy of it (2.75 MB for a run of
    100,000 steps) only to throw it away: the reader takes the bytes as they are.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for at in range(0, len(data), _CHUNK):
            decoder.decode(data[at:at + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:  # the exact offset, as a whole decode names it
            return exc.start
    return None


def _nests_deeper(text: str | bytes) -> bool:
    """:func:`nests_deeper_than` for a run file, without decoding one that cannot nest that deep.

    Brackets cannot nest deeper than there are opening ones, and block nesting shows as
    a long indentation: a run file (a few brackets, shallow blocks) is answered from its
    bytes, and only a suspicious one is decoded for the full check.
    """
    if isinstance(text, str):
        return nests_deeper_than(text, MAX_DEPTH)
    if text.count(b"[") + text.count(b"{") <= MAX_DEPTH and not _DEEP_INDENT.search(text):
        return False
    return nests_deeper_than(text.decode("utf-8"), MAX_DEPTH)


def recovery_hint(path: Path | None) -> Phrase:
    """What the player can do about a bad file: its backup if there is one, or a new game."""
    if path is not None and not path.name.endswith(".bak.yaml"):
        backup = path.with_name(path.name[: -len(path.suffix)] + ".bak.yaml") if path.suffix else None
        if backup is not None and backup.is_file():
            return Phrase(N_("the file was left untouched; load its backup ({backup}) or start a new game"),
                          {"backup": backup})
        return Phrase(N_("the file was left untouched; it has no backup: start a new game"))
    return Phrase(N_("the file was left untouched; load the slot's backup (SLOT.bak.yaml) if it has one, "
                     "or start a new game"))


def _record_from(data: object, where: str | None, path: Path | None, hint: Phrase, cut_short: bool = False) -> RunRecord:
    check = _Checker(where, hint, cut_short)
    m = check.mapping(data, _RUN)
    unknown = [k for k in m if k not in _KEYS and k not in _OPTIONAL]
    if unknown:
        check.fail(N_("unknown field '{field}'"), N_("a run file has: {fields}"), field=unknown[0], fields=", ".join(_KEYS))
    version = _version(check, m, where, hint)
    story_id = check.ident(m, "story", _RUN)
    fingerprint = check.string(m, "fingerprint", _RUN)
    engine = check.string(m, "engine", _RUN)
    seed = check.integer(m, "seed", _RUN)
    if not -SEED_LIMIT < seed < SEED_LIMIT:
        check.fail(N_("'seed' is out of range (a seed has at most 20 digits)"))
    created = check.moment(m, "created")
    updated = check.moment(m, "updated")
    slot = check.string(m, "slot", _RUN)
    if not SLOT_NAME.fullmatch(slot):
        check.fail(N_("'slot' is not a valid slot name: {slot!r}"), slot=_short(slot, 70))
    scenes = check.path(m, "scenes", _RUN) if "scenes" in m else None
    steps = _steps(check, m)
    snapshot = _snapshot(check, m, seed, len(steps))
    start = check.start(m["start"]) if "start" in m else None
    return RunRecord(format=version, story_id=story_id, fingerprint=fingerprint, engine_version=engine, seed=seed,
                     created=created, updated=updated, slot=slot, steps=steps, snapshot=snapshot, scenes=scenes,
                     path=path, start=start)


def _version(check: _Checker, m: Mapping[str, Any], where: str | None, hint: Phrase) -> int:
    """The file's format number; MM504 for one this version does not read."""
    version = check.integer(m, "format", _RUN)
    if version > FORMAT or version < 1:
        shown: object = version if abs(version) < 10**12 else _digits(version)
        message = (N_("unknown run-file format {format} (written by a newer version of Million Miles); "
                      "this version reads format {ours}") if version > FORMAT
                   else N_("unknown run-file format {format}; this version reads format {ours}"))
        raise SaveError(message, where, Phrase(N_("update Million Miles; {recovery}"), {"recovery": hint}),
                        code="MM504", fields={"format": shown, "ours": FORMAT})
    return version


def _steps(check: _Checker, m: Mapping[str, Any]) -> tuple[Step, ...]:
    """The log: each entry checked (most already turned into shared steps as they were read)."""
    if "steps" not in m:
        check.fail(N_("missing field 'steps'"))
    raw_steps = m["steps"]
    if raw_steps is None:
        return ()
    if not isinstance(raw_steps, list):
        check.fail(N_("'steps' must be a list, found {kind}"), kind=_kind(raw_steps))
    return tuple(check.step(item, n) for n, item in enumerate(raw_steps, 1))


def _snapshot(check: _Checker, m: Mapping[str, Any], seed: int, steps: int) -> dict[str, Any]:
    """The snapshot, checked, and checked to agree with the run's seed and the length of its log."""
    snap = check.mapping(m.get("snapshot") if "snapshot" in m else check.fail(N_("missing field 'snapshot'")),
                         Phrase("'snapshot'"))
    snapshot = check.snapshot(snap)
    if snapshot["seed"] != seed:
        check.fail(N_("the snapshot's seed {theirs} differs from the run's seed {seed}"), theirs=snapshot["seed"],
                   seed=seed)
    if snapshot["turn"] != steps:
        check.fail(N_("the snapshot is at turn {turn} but the log has {steps} steps"), turn=snapshot["turn"],
                   steps=steps)
    return snapshot


class _StepTable:
    """Each distinct well-formed step of a file made once, as it is read, and shared.

    A run of 100,000 steps visits a few hundred (scene, choice) pairs: keeping one
    :class:`Step` per pair instead of a dict of two fresh strings per step makes the log
    cost a pointer a step. Anything else is kept as it was read, for
    :meth:`_Checker.step` to word what is wrong with it.
    """

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], Step] = {}

    def __call__(self, item: object) -> object:
        if type(item) is not dict or len(item) != 2:
            return item
        scene, choice = item.get("scene"), item.get("choice")
        if type(scene) is not str or type(choice) is not str:
            return item
        step = self.known.get((scene, choice))
        if step is None and _ID.fullmatch(scene) and _ID.fullmatch(choice):
            step = self.known[scene, choice] = Step(scene, choice)
        return item if step is None else step


class _Checker:
    """Type checks that fail with one message naming the file and the field."""

    def __init__(self, where: str | None, recovery: Phrase, cut_short: bool = False):
        self.where, self.recovery, self.cut_short = where, recovery, cut_short

    def fail(self, message: str, hint: str | None = None, **fields: object) -> Any:
        """Raise MM503 for ``message`` (a catalogue id) with ``fields``; ``hint`` comes before the recovery."""
        frame = (N_("invalid run file: {detail} (the file seems cut short)") if self.cut_short
                 else N_("invalid run file: {detail}"))
        advice = Phrase(N_("{hint}; {recovery}"), {"hint": Phrase(hint, fields), "recovery": self.recovery}) \
            if hint else self.recovery
        raise SaveError(Phrase(frame, {"detail": Phrase(message, fields)}), self.where, advice, code="MM503")

    def mapping(self, value: object, what: Phrase) -> Mapping[str, Any]:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            self.fail(N_("{what} must be a mapping of names, found {kind}"), what=what, kind=_kind(value))
        return value  # type: ignore[return-value]

    def field(self, m: Mapping[str, Any], key: str, what: Phrase) -> Any:
        if key not in m:
            self.fail(N_("{what} has no '{key}'"), what=what, key=key)
        return m[key]

    def integer(self, m: Mapping[str, Any], key: str, what: Phrase) -> int:
        value = self.field(m, key, what)
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(N_("'{key}' must be a whole number, found {kind}"), key=key, kind=_kind(value))
        if not -SEED_LIMIT < value < SEED_LIMIT:
            self.fail(N_("'{key}' is out of range (a number of {digits} digits)"), key=key, digits=len(str(abs(value))))
        return int(value)

    def string(self, m: Mapping[str, Any], key: str, what: Phrase) -> str:
        value = self.field(m, key, what)
        if not isinstance(value, str) or not value:
            self.fail(N_("'{key}' must be non-empty text, found {kind}"), key=key, kind=_kind(value))
        return str(value)

    def path(self, m: Mapping[str, Any], key: str, what: Phrase) -> str:
        """A folder path: text, or the bytes of a name that is not UTF-8 (``!!binary``)."""
        value = self.field(m, key, what)
        if isinstance(value, bytes) and value and b"\0" not in value:
            return os.fsdecode(value)
        return self.string(m, key, what)

    def ident(self, m: Mapping[str, Any], key: str, what: Phrase) -> str:
        value = self.string(m, key, what)
        if not _ID.fullmatch(value):
            self.fail(N_("'{key}' is not an id: {value!r}"), key=key, value=value)
        return value

    def optional_ident(self, m: Mapping[str, Any], key: str, what: Phrase) -> str | None:
        if m.get(key) is None:
            return None
        return self.ident(m, key, what)

    def moment(self, m: Mapping[str, Any], key: str) -> datetime:
        value = self.field(m, key, _RUN)
        if isinstance(value, datetime):  # an unquoted timestamp edited by hand
            moment = value
        elif isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                self.fail(N_("'{key}' is not a date and time: {value!r}"), _WRITE_A_DATE, key=key, value=value)
        else:
            self.fail(N_("'{key}' must be a date and time, found {kind}"), key=key, kind=_kind(value))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        try:
            moment = moment.astimezone(timezone.utc)
        except (OverflowError, ValueError):  # '9999-12-31T23:59:59-23:59' is past the last representable day
            self.fail(N_("'{key}' is out of range: {value!r}"), _WRITE_A_DATE, key=key, value=str(value)[:40])
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            self.fail(N_("'{key}' is not a plausible date ({year}); run files are dated {first}-{last}"),
                      _WRITE_A_DATE, key=key, year=moment.year, first=EARLIEST_YEAR, last=LATEST_YEAR)
        return moment

    def step(self, item: object, number: int) -> Step:
        if type(item) is Step:  # made and checked as it was read (_StepTable)
            return item
        if isinstance(item, dict) and set(item) != {"scene", "choice"}:
            missing = sorted({"scene", "choice"} - set(item))
            extra = sorted(str(k) for k in set(item) - {"scene", "choice"})
            if missing:
                self.fail(N_("step {number} has no '{key}' (each step is {shape})"), number=number, key=missing[0],
                          shape=_STEP)
            self.fail(N_("step {number} has an unknown field '{key}' (each step is {shape})"), number=number,
                      key=extra[0], shape=_STEP)
        if isinstance(item, dict):
            scene, choice = item["scene"], item["choice"]
        elif isinstance(item, list) and len(item) == 2:
            scene, choice = item
        else:
            self.fail(N_("step {number} must be {shape}, found {kind}"), number=number, shape=_STEP, kind=_kind(item))
        if not (isinstance(scene, str) and _ID.fullmatch(scene) and isinstance(choice, str) and _ID.fullmatch(choice)):
            self.fail(N_("step {number} must name a scene id and a choice id, found {scene!r} / {choice!r}"),
                      number=number, scene=scene, choice=choice)
        return Step(scene, choice)

    def start(self, value: object) -> Start:
        m = self.mapping(value, Phrase("'start'"))
        unknown = [k for k in m if k not in ("scene", "stats")]
        if unknown:
            self.fail(N_("unknown field 'start.{key}'"), N_("a sandbox start is {shape}"), key=unknown[0],
                      shape="{scene: ID, stats: {NAME: VALUE}}")
        scene = self.ident(m, "scene", Phrase("'start'"))
        stats = self.mapping(m.get("stats") or {}, Phrase("'start.stats'"))
        for name, item in stats.items():
            if not (_ID.fullmatch(name) or _RECALL.fullmatch(name)) or not isinstance(item, (int, str)):  # bool is an int
                self.fail(N_("start stat {name!r} must be a number, true/false or text, found {kind}"), name=name,
                          kind=_kind(item))
        return Start(scene, tuple(stats.items()))

    def snapshot(self, m: Mapping[str, Any]) -> dict[str, Any]:
        unknown = [k for k in m if k not in _SNAPSHOT_KEYS]
        if unknown:
            self.fail(N_("unknown snapshot field '{key}'"), key=unknown[0])
        what = Phrase(N_("the snapshot"))
        result: dict[str, Any] = {
            "scene": self.ident(m, "scene", what),
            "chapter": self.optional_ident(m, "chapter", what),
            "ending": self.optional_ident(m, "ending", what),
            "turn": self.integer(m, "turn", what),
            "seed": self.integer(m, "seed", what),
            "rng": self.integer(m, "rng", what),
        }
        if result["turn"] < 0 or result["rng"] < 0:
            self.fail(N_("the snapshot's turn and rng must not be negative"))
        if result["rng"] >= SEED_LIMIT or not -SEED_LIMIT < result["seed"] < SEED_LIMIT:
            self.fail(N_("the snapshot's seed or rng is out of range (at most 20 digits)"))
        stats = self.mapping(self.field(m, "stats", what), Phrase(N_("the snapshot's 'stats'")))
        for name, value in stats.items():
            if not _ID.fullmatch(name) or not isinstance(value, (int, str)):  # bool is an int
                self.fail(N_("snapshot stat {name!r} must be a number, true/false or text, found {kind}"), name=name,
                          kind=_kind(value))
        result["stats"] = dict(stats)
        return result


def _reject_shared(data: object, where: str | None, path: Path | None) -> None:
    """Refuse YAML aliases: a container met twice is a shared reference (an alias)."""
    seen: set[int] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, (dict, list)):
            if id(item) in seen:
                raise damaged(_ALIASES, where, path)
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)


def _lossless_path(path: str) -> str | bytes:
    """A path as text when it is UTF-8, else as its bytes (written ``!!binary``).

    Paths are bytes on POSIX: a folder named in Latin-1 decodes with lone surrogates,
    which YAML cannot hold as text. Its bytes round-trip exactly (``os.fsdecode``).
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path)
    return path


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _digits(number: int) -> Phrase:
    return Phrase(N_("(a number of {digits} digits)"), {"digits": len(str(abs(number)))})


def _kind(value: object) -> Phrase:
    """What a value is, in words (for "must be a whole number, found …")."""
    if value is None:
        return Phrase(N_("nothing"))
    if isinstance(value, bool):
        return Phrase(N_("true/false ({value})"), {"value": value})
    if isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) >= 10**20:
            return Phrase(N_("a number ({value})"), {"value": Phrase(N_("{digits} digits"), {"digits": len(str(abs(value)))})})
        return Phrase(N_("a number ({value})"), {"value": repr(value)})
    if isinstance(value, str):
        return Phrase(N_("text ({value!r})"), {"value": value[:30]})
    if isinstance(value, list):
        return Phrase(N_("a list"))
    if isinstance(value, dict):
        return Phrase(N_("a mapping"))
    return Phrase(type(value).__name__)
