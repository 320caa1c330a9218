"""The shipped story: it checks clean, its gates hold, and known paths reach every ending.

These are regression tests for the *story*: an edit to scenes/ that breaks the launch
path, strands a random player, or lets a careless player fly fails here, naming how.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from adventure import engine
from adventure.story.loader import check_story

# Paths by choice id, each from seed 0 (the seed fixes the rejection letters drawn).
PATHS = {
    "fields": "race answer ask study keep door study silent study foreman",
    "engineer": "race answer run study keep door study promise study college lab yours memo carry correct onward leave",
    "restaurant": "race quiet run study keep door study silent study college lab mama let_go carry correct onward form "
                  "quiet throw joke can tell dunno restaurant",
    "too_old": "count answer ask sleep keep door study silent study college lab mama memo carry correct onward form quiet "
               "throw moon keep tell dunno list begin flying send box home send box home send box marathon send box "
               "scuba send box home send box russian send box go send box mail again home mail again close",
    "walked_away": "count answer ask sleep keep door study silent study college lab mama memo carry correct onward form "
                   "quiet throw moon keep tell dunno list begin home send box marathon send box russian send box go send "
                   "box scuba send box home send box flying send box home send box drive straight hand answer papa go "
                   "begin extra cot view help drill teach onward drive class resign",
    "grounded": "count answer ask sleep keep door study silent study college lab mama memo carry correct onward form quiet "
                "throw moon keep tell dunno list begin flying send box home send box home send box scuba send box russian "
                "send box go send box marathon send box home send box mail again home drive straight hand answer papa go "
                "begin extra cot family help own credit onward drive class stay wait capcom",
    "launch": "count answer ask sleep keep door study silent study college lab mama memo carry correct onward form quiet "
              "throw moon keep tell dunno list begin home send box marathon send box russian send box go send box scuba "
              "send box home send box flying send box home send box drive straight hand answer papa go begin extra cot "
              "view help drill team onward drive family stay wait ask_adela call cards future again strap kalpana window "
              "look",
}


def test_story_checks_clean(scenes_dir):
    report = check_story(scenes_dir)
    assert report.ok, [str(e) for e in report.errors]
    assert report.warnings == [], [str(w) for w in report.warnings]
    story = report.story
    assert len(story.chapters) == 8
    assert len(story.scenes) >= 60
    assert len(story.endings) >= 5
    assert [e.id for e in story.endings.values() if e.true_ending] == ["launch"]


def test_story_is_long_enough(shipped_story):
    def words(template) -> int:
        return sum(len(str(getattr(p, "text", "")).split()) for p in _literals(template))

    total = sum(words(s.text) + sum(words(c.label) for c in s.choices) for s in shipped_story.scenes.values())
    total += sum(words(e.text) for e in shipped_story.endings.values())
    assert total >= 8000


def _literals(template):
    for part in template.parts:
        if hasattr(part, "text"):
            yield part
        for _cond, branch in getattr(part, "branches", ()):
            yield from _literals(branch)


@pytest.mark.parametrize("ending", sorted(PATHS))
def test_known_path_reaches_each_ending(shipped_story, ending):
    state = engine.new_run(shipped_story, seed=0).state
    for step, choice in enumerate(PATHS[ending].split(), 1):
        offered = {o.choice.id: o for o in engine.offers(shipped_story, state)}
        assert choice in offered, f"step {step}: scene {state.scene!r} no longer offers {choice!r}"
        assert offered[choice].enabled, f"step {step}: {choice!r} in {state.scene!r} is locked: {offered[choice].reason}"
        state = engine.take(shipped_story, state, choice).state
    assert state.ending == ending


def first_enabled(offers):
    return next(o for o in offers if o.enabled)


def walk(story, seed, pick, max_steps=400):
    state = engine.new_run(story, seed).state
    for _ in range(max_steps):
        if state.ending is not None:
            return state
        offers = engine.offers(story, state)
        enabled = [o for o in offers if o.enabled]
        assert enabled, f"scene {state.scene!r} is not an ending and offers no enabled choice"
        for offer in offers:
            assert offer.enabled or offer.reason, f"locked choice {offer.choice.id!r} has no reason"
        state = engine.take(story, state, pick(enabled).choice.id).state
    return state


def test_pressing_1_every_time_does_not_reach_the_launch(shipped_story):
    for seed in range(5):
        state = walk(shipped_story, seed, first_enabled)
        assert state.ending is not None and state.ending != "launch"


def test_random_players_finish_and_rarely_fly(shipped_story, capsys):
    """Random walks from many seeds: always valid, always finishing, seldom launching."""
    endings: Counter[str] = Counter()
    for seed in range(400):
        chooser = random.Random(seed)
        state = walk(shipped_story, seed, chooser.choice)
        assert state.ending is not None, f"seed {seed}: no ending after 400 steps (in {state.scene!r})"
        endings[state.ending] += 1
    with capsys.disabled():
        print("\nrandom-player endings over 400 runs:", dict(endings.most_common()))
    assert endings["launch"] <= 400 * 0.02


def test_every_scene_on_the_known_paths_fits_a_screen(shipped_story):
    """The brief: each scene a screenful at most (about 180 words at 80 columns)."""
    longest = 0
    for path in PATHS.values():
        state = engine.new_run(shipped_story, seed=0).state
        for choice in path.split():
            words = len(engine.scene_text(shipped_story, state).split())
            assert words <= 180, f"scene {state.scene!r} has {words} words"
            longest = max(longest, words)
            state = engine.take(shipped_story, state, choice).state
    assert longest > 60  # the check really read scene text
