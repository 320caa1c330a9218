"""The words for what saves and rebasing report as data, in the player's language.

Below the front end, a save problem is a :class:`~adventure.base.errors.SaveError` carrying
:class:`~adventure.base.errors.Phrase` s (an English catalogue id and its named fields), and
a rebase is a :class:`~adventure.run.rebase.Rebased` with a :class:`~adventure.run.rebase.Stopped`.
This module is where they become sentences, through the program catalogue
(:mod:`adventure.base.messages`), for the session, the UI and the command line alike: one
place, so the game, ``play --continue``, ``replay --verify`` and ``play --watch`` say
the same thing in the same words.

Typical use::

    except SaveError as exc:
        print(problem(exc), advice(exc))
    print(story_changed(resumed.rebased))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from adventure.base.errors import Phrase, SaveError, fill
from adventure.base.messages import N_, _, ngettext
from adventure.run.rebase import Rebased, Stopped

if TYPE_CHECKING:
    from adventure.saves.store import DamagedRun

CHANGES_SHOWN = 6
"""How many snapshot differences a sentence names before "and N more"."""


def say(value: object) -> str:
    """Any value a phrase may hold, in words: phrases and errors translated, the rest as text."""
    if isinstance(value, Phrase):
        return fill(_(value.template), {k: _Field(v) for k, v in value.fields.items()})
    if isinstance(value, SaveError):
        return problem(value)
    if isinstance(value, Stopped):
        return stop_reason(value)
    if isinstance(value, Mapping) and value and all(isinstance(v, Mapping) and "snapshot" in v for v in value.values()):
        return changes(value)  # snapshot differences (rebase's ``changed``)
    return str(value)


class _Field:
    """A field's value for ``str.format``: worded when shown, and ``!r`` keeps quoting plain text."""

    def __init__(self, value: object):
        self.value = value

    def __format__(self, spec: str) -> str:
        return format(say(self.value), spec)

    def __repr__(self) -> str:
        return say(self.value) if isinstance(self.value, (Phrase, SaveError, Stopped)) else repr(self.value)


def problem(exc: SaveError) -> str:
    """The error in the player's language, after its file (``…/x.yaml: el archivo está vacío``)."""
    where = f"{exc.path}: " if exc.path else ""
    return where + say(exc.what)


def advice(exc: SaveError) -> str | None:
    """What the player can do about it, in their language (``None``: nothing to add)."""
    return say(exc.advice) if exc.advice is not None else None


def problem_and_advice(exc: SaveError) -> str:
    """``problem (advice)``: one sentence for a line in the game."""
    hint = advice(exc)
    return problem(exc) + (f" ({hint})" if hint else "")


_STOP_REASONS: dict[str, str] = {
    "hidden": N_("'{choice}' in scene '{scene}' is now hidden"),
    "not_offered": N_("scene '{scene}' no longer offers '{choice}'"),
    "locked": N_("'{choice}' in scene '{scene}' is now locked ({detail})"),
    "ended": N_("the run now ends before it (ending '{detail}')"),
    "scene_gone": N_("scene '{scene}' no longer exists (the run is in '{detail}')"),
    "elsewhere": N_("the run now reaches scene '{detail}' instead of '{scene}'"),
    "start_lost": N_("the sandbox start no longer applies: {detail}"),
    "snapshot": N_("every step applies, but the run now ends in a different state than its snapshot"),
}
"""The words for each :data:`adventure.run.rebase.StopReason`."""


def stop_reason(stopped: Stopped) -> str:
    """Why the step no longer applies (``scene 'gate' no longer offers 'pick'``)."""
    return _(_STOP_REASONS[stopped.reason]).format(scene=stopped.scene, choice=stopped.choice, detail=stopped.detail)


def stopped_step(stopped: Stopped) -> str:
    """``step 7: scene 'had_hub' no longer offers 'siberia'``."""
    return _("step {step}: {reason}").format(step=stopped.step, reason=stop_reason(stopped))


def stopped_at(stopped: Stopped) -> str:
    """``step 2 (scene 'gate', choice 'pick'): scene 'gate' no longer offers 'pick'``."""
    return _("step {step} (scene '{scene}', choice '{choice}'): {reason}").format(
        step=stopped.step, scene=stopped.scene, choice=stopped.choice, reason=stop_reason(stopped))


def changes(changed: Mapping[str, Mapping[str, Any]], limit: int = CHANGES_SHOWN) -> str:
    """``ending: 'sky' → 'home', stats.apples: 4 → 2`` (the first few; field names are the file's)."""
    parts = [f"{key}: {values['snapshot']!r} → {values['replayed']!r}" for key, values in list(changed.items())[:limit]]
    if len(changed) > limit:
        parts.append(_("and {count} more").format(count=len(changed) - limit))
    return ", ".join(parts)


def story_changed(rebased: Rebased) -> str:
    """What a run loaded after the story was edited tells the player: how far its log still applies."""
    stopped = rebased.stopped
    if stopped is not None and stopped.reason != "snapshot":
        return _("The story has changed since this run was saved; resumed after step {applied} of {total}: "
                 "{where}.").format(applied=rebased.applied, total=rebased.total, where=stopped_step(stopped))
    if rebased.total == 1:
        notice = _("The story has changed since this run was saved; the step still applies.")
    else:
        notice = _("The story has changed since this run was saved; all {total} steps still apply.").format(
            total=rebased.total)
    if rebased.changed:
        notice += " " + _("Now: {changes}.").format(changes=changes(rebased.changed))
    return notice


def damaged_run(damage: DamagedRun) -> str:
    """What ``play --continue`` did about a last run that no longer reads."""
    if damage.aside is not None:
        where = _("it was moved aside to {aside}").format(aside=damage.aside)
    else:
        where = _("it could not be moved aside and was left as it is")
    if damage.backup is not None:
        return ngettext(
            "The run '{name}' was damaged ({problem}); {where}. Continuing from its backup {backup} ({steps} choice in).",
            "The run '{name}' was damaged ({problem}); {where}. Continuing from its backup {backup} "
            "({steps} choices in).", damage.steps,
        ).format(name=damage.name, problem=problem(damage.problem), where=where, backup=damage.backup,
                 steps=damage.steps)
    text = _("The run '{name}' was damaged ({problem}) and has no usable backup; {where}.").format(
        name=damage.name, problem=problem(damage.problem), where=where)
    if damage.instead is not None:
        text += " " + _("Continuing '{slot}' instead.").format(slot=damage.instead)
    return text
