"""The engine's screens from compiled templates agree with the reference rendering.

``scene_text``, ``offers`` and the lock reasons use a per-story view (templates compiled
once, static labels flattened once, lock reasons kept by values and language); these
tests walk real stories and compare every page with :func:`adventure.story.template.render`
over an environment, as the engine rendered before the view existed.
"""

from __future__ import annotations

import random

from adventure.base.messages import use_language
from adventure.run import engine
from adventure.story.template import render


def _reference_page(story, state):
    env = engine.environment(story, state.values)
    shown = engine.wording(story)
    text = engine.render_text(story.scenes[state.scene].text, env, shown)
    offers = []
    for c in story.scenes[state.scene].choices:
        enabled = engine.compiled(story).test(c.condition) is None or bool(
            engine.compiled(story).test(c.condition)(state.values))
        if not enabled and c.hidden:
            continue
        label = " ".join(render(c.label, env, shown).split())
        offers.append((c.id, label, enabled, None if enabled else engine.locked_reason(story, c, env)))
    return text, offers


def _walk(story, steps, seed):
    pick = random.Random(seed)
    state = engine.new_run(story, seed).state
    for _ in range(steps):
        if state.ending is not None:
            yield state
            state = engine.new_run(story, pick.randrange(1000)).state
        yield state
        enabled = [o.choice.id for o in engine.offers(story, state) if o.enabled]
        state = engine.take(story, state, pick.choice(enabled)).state


def test_pages_agree_with_the_reference_rendering(shipped_story, mini_story):
    for story in (shipped_story, mini_story):
        for state in _walk(story, 400, 3):
            if state.ending is not None:
                env = engine.environment(story, state.values)
                assert engine.ending_text(story, state) == engine.render_text(
                    story.endings[state.ending].text, env, engine.wording(story))
                continue
            text, offers = _reference_page(story, state)
            assert engine.scene_text(story, state) == text
            got = [(o.choice.id, o.label, o.enabled, o.reason) for o in engine.offers(story, state)]
            assert got == offers


LOCKED = {
    "story.yaml": "format: 1\nid: locked\ntitle: Locked\nstart: a\nchapters: [one.yaml]\n"
                  "stats:\n  coins: {type: int, initial: 0, min: 0, max: 9, label: Coins}\n"
                  "endings:\n  - {id: end, title: End, text: Done.}\n",
    "one.yaml": "chapter: {id: one, title: One}\nscenes:\n  - id: a\n    title: A\n    text: Here.\n"
                "    choices:\n      - {id: buy, label: Buy, if: \"coins >= 2 and coins < 9\", ending: end}\n"
                "      - {id: earn, label: Earn, effects: [{add: {coins: 1}}], goto: a}\n",
}


def test_a_kept_lock_reason_follows_the_language(tmp_path):
    """A reason is kept by values, but worded again when the program's language changes."""
    from adventure.story.loader import load_story

    for name, text in LOCKED.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    story = load_story(tmp_path)
    state = engine.new_run(story, 1).state
    english = engine.offers(story, state)[0].reason
    try:
        use_language("es")
        spanish = engine.offers(story, state)[0].reason
    finally:
        use_language("en")
    assert english == "needs Coins ≥ 2" and spanish != english and "Coins ≥ 2" in spanish
    assert engine.offers(story, state)[0].reason == english


def test_events_are_told_when_read_and_kept(mini_story):
    state = engine.new_run(mini_story, 1).state
    choice = next(o.choice.id for o in engine.offers(mini_story, state) if o.enabled)
    a, b = engine.take(mini_story, state, choice), engine.take(mini_story, state, choice)
    assert a == b and a.events is a.events and a.events[0] == engine.ChoiceTaken(state.scene, choice,
                                                                             a.events[0].remember)
