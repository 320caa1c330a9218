"""Chapters 1–4 answer the player (issue 16 §2): text that follows the choice just made.

(Chapters 5–8 have theirs in test_story_answers.py.)

Each contradiction the play-test found (../shared/reviews/PLAYTEST.md M1–M3, M5, L2, L8,
L11) is driven here the way it was found: a sandbox run of the command line
(``million-miles play --plain --start SCENE --set STAT=VALUE``) fed ``#choice`` lines,
reading what the player reads. Where there is a sibling choice, the test plays it too, so
it cannot pass on text that never changes.
"""

from __future__ import annotations

import io
import re
import sys

import pytest

from adventure.cli import main
from adventure.run import engine
from adventure.run.engine import Start
from adventure.run.milestone import next_milestone

MY_CHAPTERS = ("fields", "engineer", "letters", "what_they_had")


def play(monkeypatch, capsys, start: str, sets: dict[str, object], choices: str) -> str:
    """What a player reads in a sandbox run from ``start``, taking the ``#id`` choices given."""
    args = ["play", "--plain", "--no-save", "--lang", "en", "--start", start]
    for name, value in sets.items():
        args += ["--set", f"{name}={str(value).lower()}"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"#{c}\n" for c in choices.split())))
    code = main(args)
    out = capsys.readouterr().out
    assert code == 0, out
    return " ".join(out.split())  # plain mode wraps at the terminal's width


def after(monkeypatch, capsys, start, sets, choices, last_scene_title):
    """The part of the transcript from the scene titled ``last_scene_title`` on."""
    text = play(monkeypatch, capsys, start, sets, choices)
    assert last_scene_title in text, text[-400:]
    return text[text.rindex(last_scene_title):]


# -- contradictions (PLAYTEST M2, L11) ---------------------------------------------------------


def test_living_at_home_is_not_a_dormitory(monkeypatch, capsys):
    """M2a: 'live at home and give Mamá the dorm money', then Papá carried boxes to the dorm."""
    sets = {"maths": 2, "settled": True}
    home = after(monkeypatch, capsys, "fields_crossroads", sets, "home", "University of the Pacific")
    assert "doorway of the dormitory room" not in home and "three flights" not in home
    assert "your bed stays where it has always been" in home
    assert "from your own front door" in home and "Drive home every weekend" not in home
    dorm = after(monkeypatch, capsys, "fields_crossroads", sets, "college", "University of the Pacific")
    assert "doorway of the dormitory room" in dorm and "Drive home every weekend" in dorm


def test_the_family_that_helped_with_the_application_knows_of_it(monkeypatch, capsys):
    """M2b: read the questions aloud at dinner and the letter to your brother, then
    'You haven't mentioned either' at the wedding."""
    told = after(monkeypatch, capsys, "letters_form", {}, "aloud keep moon", "Two Dreams, One Kitchen")
    assert "You haven't mentioned either" not in told
    assert "Your parents and your brother know about both" in told
    quiet = after(monkeypatch, capsys, "letters_form", {}, "quiet throw moon", "Two Dreams, One Kitchen")
    assert "Nobody knows there was a letter" in quiet and "know about both" not in quiet
    # Papá read the form over your shoulder either way: the family knows of the application
    helped = after(monkeypatch, capsys, "letters_form", {}, "aloud throw moon", "Two Dreams, One Kitchen")
    assert "saw the first form go out from their kitchen table" in helped and "know about both" not in helped


HONEST_ROAD = "correct onward form quiet throw moon keep tell dunno list begin lab"


def test_handing_the_keys_back_never_woke_the_detector(monkeypatch, capsys):
    """M2c: hand the janitor's keys back, then 1992's 'The detector you coaxed awake at night'."""
    text = after(monkeypatch, capsys, "eng_keys", {"engineering": 2, "hope": 5}, HONEST_ROAD, "The Imaging Group")
    assert "coaxed awake" not in text and "The old detector from the imaging lab has grown up" in text


def test_a_year_of_your_own_remembers_the_directors_demo(monkeypatch, capsys):
    """M2d: caught by the director and asked for a demo, then 'A Year of Your Own' asks her
    for the locked lab as if she had never seen it."""
    demo = after(monkeypatch, capsys, "eng_nights", {}, "stay name leave take", "A Year of Your Own")
    assert "the detector nobody wants" not in demo and "the locked imaging lab" not in demo
    assert "finish what you showed her" in demo
    fresh = after(monkeypatch, capsys, "eng_keys", {}, "correct onward year", "A Year of Your Own")
    assert "the detector nobody wants" in fresh and "finish what you showed her" not in fresh


def test_the_children_come_one_at_a_time(monkeypatch, capsys):
    """L11: the wedding gave 'Children 0 → 2' in one year ('A daughter comes, and then a son')."""
    text = play(monkeypatch, capsys, "letters_adela", {}, "moon keep tell")
    assert "Children 0 to 2" not in text and "A daughter comes, and then a son" not in text
    assert "Changed at Two Dreams, One Kitchen: Year 1972 to 1990; Children 0 to 1" in text
    three = text[text.index("Changed at Three"):]
    assert "Your son is born in March" in three and "Children 1 to 2" in three


# -- money and stats that move for a reason (PLAYTEST M1, M3) ----------------------------------


@pytest.mark.parametrize("choice, before, now", [("begin", 2, 6), ("half", 2, 4), ("half", 0, 2), ("begin", 1, 6)])
def test_adelas_can_adds_to_the_savings(monkeypatch, capsys, choice, before, now):
    """M1: 'Take half' halved your own savings ($2k → $0k), and taking it all added nothing."""
    text = play(monkeypatch, capsys, "had_list", {"savings": before}, choice)
    changed = text[text.index(f"> #{choice}"):]
    rounded = -(-before // 2) * 2  # entering the list rounds up, never down
    shown = f"${rounded}k" if rounded else "$0"  # the story writes nothing saved as "$0"
    assert f"Savings {shown} to ${now}k" in changed


def test_entering_the_list_never_takes_savings(shipped_story):
    for savings in range(7):
        state = engine.start_at(shipped_story, 0, Start("letters_question", (("savings", savings),))).state
        state = engine.take(shipped_story, state, "list").state
        assert engine.value(shipped_story, state, "savings") >= savings


def _hope_and_text(story, scene, hope, choice):
    state = engine.start_at(story, 0, Start(scene, (("hope", hope),))).state
    return engine.take(story, state, choice).state


@pytest.mark.parametrize("hope", range(11))
def test_adelas_list_never_lowers_hope(shipped_story, hope):
    """M3: 'Hope 8 → 5' as Adela handed over her savings. The question with no answer may
    lower it (and says why); the list and the money only ever raise it."""
    start = engine.start_at(shipped_story, 0, Start("letters_can", (("hope", hope),))).state
    asked = engine.take(shipped_story, start, "cannot").state  # back to the question: its on_enter
    assert asked.scene == "letters_question"
    at_question = engine.value(shipped_story, asked, "hope")
    assert at_question <= hope
    if at_question < hope:
        assert "three letters that never say why" in engine.scene_text(shipped_story, asked)
    for choice in ("list", "director"):
        listed = engine.take(shipped_story, asked, choice)
        before = engine.value(shipped_story, asked, "hope")
        changes = [e for e in listed.events if isinstance(e, engine.StatChanged) and e.stat == "hope"]
        assert all(e.new >= e.old for e in changes), (choice, before, changes)


@pytest.mark.parametrize("trust", range(11))
def test_the_wedding_says_why_family_trust_moves(shipped_story, trust):
    """M3: 'Family trust 10 → 8' at the wedding, with nothing on screen to say why."""
    state = engine.start_at(shipped_story, 0, Start("letters_adela", (("trust", trust),))).state
    wedding = engine.take(shipped_story, state, "joke").state
    text = " ".join(engine.scene_text(shipped_story, wedding).split())
    now = engine.value(shipped_story, wedding, "trust")
    if now < trust:
        assert "Adela's has known you a year" in text or "starts its own count" in text
    if now > trust:
        assert "Adela's takes you in whole" in text or "starts its own count" in text


# -- choices that are answered within two scenes (PLAYTEST M5) ---------------------------------


@pytest.mark.parametrize("start, sets, choices, answer, sibling", [
    # the write-up left on the project lead's desk
    ("eng_lab", {}, "memo", '"Noted."', "let_go"),
    # laughing off "astronaut" the night you met Adela
    ("letters_adela", {}, "joke keep", 'She thinks "astronaut" was a line you used on her', "moon keep"),
    # flying Papá over the rows he picked
    ("had_flying", {"letters": 4, "children": 2}, "papa", '"Así se ven,"', "send"),
    # sitting with Papá after his heart surgery
    ("had_papa", {"letters": 7, "children": 2}, "sit", "At the fourth he stops you", "schedule"),
    # asking Adela to wait on the lease, or backing her
    ("had_lease", {"letters": 9, "children": 2, "trust": 6}, "wait box", "opened under another chef's name",
     "back box"),
    ("had_lease", {"letters": 9, "children": 2, "trust": 6}, "back box", "is full on Fridays", "wait box"),
    # showing Papá the NASA page
    ("eng_notice", {"engineering": 1}, "papa", '"¿Y en qué paso vas?"', "year"),
    # asking the division director what the astronauts had (it used to become Adela's list, silently)
    ("letters_question", {}, "director", "The last word is the division director's", "list"),
])
def test_a_loaded_choice_is_answered_on_screen(monkeypatch, capsys, start, sets, choices, answer, sibling):
    assert answer in play(monkeypatch, capsys, start, sets, choices)
    assert answer not in play(monkeypatch, capsys, start, sets, sibling)


@pytest.mark.parametrize("scene, choice, answer", [
    ("had_letter_thin", "step", "where a no turns into next year"),
    ("had_letter_ink", "show", "reads its four words aloud"),
    ("had_letter_kids", "kids", "The children run the shoebox now"),
    ("had_letter_lab", "call", "Adela phones the lab"),
    ("had_letter_siberia", "write", "the one in three languages"),
])
def test_a_letter_shared_is_remembered_next_year(shipped_story, scene, choice, answer):
    """L2/M5: "Put it in the shoebox" or "…with ceremony": the next year never knew which."""
    def next_year(c):
        values = (("letters", 6), ("year", 1994), ("trust", 6), ("siberia", scene.endswith("siberia")),
                  ("children", 3 if scene.endswith("siberia") else 2))
        state = engine.take(shipped_story, engine.start_at(shipped_story, 0, Start(scene, values)).state, c).state
        assert state.scene == "had_hub"
        return " ".join(engine.scene_text(shipped_story, state).split())
    assert answer in next_year(choice) and answer not in next_year("box")


@pytest.mark.parametrize("scene, choice, sibling", [
    ("had_scuba", "aquarium", "send"), ("had_russian", "fair", "send"),
    ("had_marathon", "sheet", "send"), ("had_lab", "mama", "send"),
])
def test_a_year_given_to_the_family_shows_in_family_trust(shipped_story, scene, choice, sibling):
    """M5: the aquarium, the county fair: same effects as the sibling, never mentioned again."""
    def trust_after(c):
        state = engine.start_at(shipped_story, 0, Start(scene, (("trust", 4), ("letters", 5), ("children", 2)))).state
        return engine.value(shipped_story, engine.take(shipped_story, state, c).state, "trust")
    assert trust_after(choice) == trust_after(sibling) + 2


def _destination(choice):
    return tuple((t.scene, t.ending, str(t.condition)) for t in choice.goto.targets)


def _seen(story, effects):
    """Effects a player sees change: not clearing a remembered flag, not a computed stat."""
    computed = {s.name for s in story.stats if s.formula}
    return [e for e in effects if e.stat not in computed and not (e.op == "set" and e.source.strip() == "false")]


def test_few_choices_of_chapters_1_to_4_are_inert(shipped_story):
    """Issue 16: inert = no effect, no remember, the same destination as a sibling.

    The issue's target for the whole game is 5%; chapters 1–4 went from 6 of 130 to none
    ("Keep your head down" now sets the echo Ms. Young's words at the bell answer) and
    hold under 2%."""
    choices = inert = 0
    for scene in shipped_story.scenes.values():
        if scene.chapter not in MY_CHAPTERS:
            continue
        for c in scene.choices:
            choices += 1
            twins = [o for o in scene.choices if o is not c and _destination(o) == _destination(c)]
            inert += bool(twins and not _seen(shipped_story, c.effects) and not c.remember)
    assert choices >= 130
    assert inert / choices <= 0.02, f"{inert} of {choices}"


# -- repetition and stale gates (PLAYTEST L2, L8) ----------------------------------------------


def _paragraphs(story, scene, **values):
    """The scene's paragraphs, numbers masked: "letter number 6" and "… 11" read as the same words."""
    state = engine.start_at(story, 0, Start(scene, tuple(values.items()))).state
    return {re.sub(r"\d+", "#", " ".join(p.split())) for p in engine.scene_text(story, state).split("\n\n")}


@pytest.mark.parametrize("scene, first, later", [
    ("had_letter_kids", {"year": 1993, "letters": 5, "children": 3}, {"year": 1998, "letters": 10, "children": 3}),
    ("had_letter_kids", {"year": 1994, "letters": 6, "children": 2}, {"year": 1999, "letters": 11, "children": 2}),
    ("had_letter_lab", {"year": 1994, "letters": 6, "children": 3}, {"year": 1999, "letters": 11, "children": 3}),
])
def test_a_letter_that_comes_twice_is_not_read_word_for_word(shipped_story, scene, first, later):
    """L2: 'The Children Read It' and 'Interoffice Mail' came back word for word a year later."""
    again = _paragraphs(shipped_story, scene, **first) & _paragraphs(shipped_story, scene, **later)
    assert again == set()


def test_the_son_asks_only_when_he_is_not_the_reader(shipped_story):
    later = " ".join(_paragraphs(shipped_story, "had_letter_kids", year=1998, letters=10, children=3))
    assert "Your son gets to it first" in later and "your son asks" not in later


def test_the_1980_gate_is_gone_a_year_later(shipped_story):
    """L8: 'Next: Spring 1980 … ✗ Still following the harvest' stayed on in 1981 at Ms. Young's."""
    state = engine.start_at(shipped_story, 0, Start("fields_young_again")).state
    assert engine.value(shipped_story, state, "year") == 1981
    assert next_milestone(shipped_story, state) is None
    met = engine.start_at(shipped_story, 0, Start("fields_crossroads", (("maths", 2), ("settled", True)))).state
    assert next_milestone(shipped_story, met) is not None
    missed = engine.start_at(shipped_story, 0, Start("fields_crossroads")).state
    assert next_milestone(shipped_story, missed) is None  # the locked choice says why; no gate to chase
    high = engine.start_at(shipped_story, 0, Start("fields_high", (("settled", True),))).state
    assert next_milestone(shipped_story, high) is not None  # Upward Bound can still make Math 2


def test_the_1989_gate_is_gone_in_a_year_of_your_own(shipped_story):
    late = engine.start_at(shipped_story, 0, Start("eng_year")).state
    assert engine.value(shipped_story, late, "year") == 1990 and next_milestone(shipped_story, late) is None
    board = engine.start_at(shipped_story, 0, Start("eng_notice", (("engineering", 2), ("hope", 3)))).state
    assert next_milestone(shipped_story, board) is not None
    # Head Down: nothing left to build before the board, so Engineering 1 is a gate missed
    steady = engine.start_at(shipped_story, 0, Start("eng_head_down", (("engineering", 1), ("hope", 2)))).state
    assert engine.value(shipped_story, steady, "year") == 1988 and next_milestone(shipped_story, steady) is None
    built = engine.start_at(shipped_story, 0, Start("eng_head_down", (("engineering", 2), ("hope", 2)))).state
    assert next_milestone(shipped_story, built) is not None  # "Keep a notebook" still makes Hope 3


def test_no_gate_of_chapters_1_and_2_is_shown_once_it_cannot_be_met(monkeypatch, capsys, scenes_dir):
    """Issue 16 §2 "roads promised and closed": `check --explore` warns (MM618) where a
    `Next:` need stays on screen that no way on can meet. Chapters 1 and 2 end their gates
    on a deadline, with a recovery road after it: their milestones now show only while
    the gate can still be met (and Upward Bound gives the two of Math that make it so)."""
    import json

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    main(["check", "--explore", "--json", str(scenes_dir)])
    explored = json.loads(capsys.readouterr().out)["explore"]
    assert explored["complete"]  # closed roads are only reported after a complete search
    closed = [f for f in explored["findings"] if f["code"] == "MM618"]
    mine = [f for f in closed if f["file"].endswith(("01-fields.yaml", "02-engineer.yaml"))]
    assert mine == []


# -- facts (issue 16 §2, PLAYTEST §7 F3–F4) -----------------------------------------------------


def test_the_first_application_is_dated_1989(shipped_story):
    state = engine.start_at(shipped_story, 0, Start("eng_notice")).state
    assert engine.value(shipped_story, state, "year") == 1989
    assert "Spring, 1989" in engine.scene_text(shipped_story, state)
    late = engine.start_at(shipped_story, 0, Start("eng_year")).state
    letter = engine.take(shipped_story, late, "form").state
    letter = engine.take(shipped_story, letter, "quiet").state
    assert engine.value(shipped_story, letter, "year") == 1990  # a year late is 1990, never back to 1989


def test_1991_does_not_have_nasa_working_with_the_russians(shipped_story):
    state = engine.start_at(shipped_story, 0, Start("letters_question")).state
    text = " ".join(engine.scene_text(shipped_story, state).split())
    assert "NASA is starting to work with the Russians" not in text and "coming apart" in text


# -- the memory flags are proved to follow the choices (issue 16 §1's `assumes:`) ---------------

# Chapters 1–4 remember a choice in a plain flag that the scene answering it reads and then
# clears, so the explorer's state space stays near its old size. `chose()`/`seen()` would say
# the same thing, but keep one more true/false value for the rest of the run: every one
# doubles the states. So the shipped scenes assume only what their stats state (`settled`,
# `letters_hidden`, `siberia`...), and this test proves each flag, one at a time, equal to
# the choice it stands for, in every reachable state of the scenes that read it.
FLAG_PROOFS = {
    "at_home": {"eng_campus": "at_home == chose(fields_crossroads.home)"},
    "memo": {"eng_copier": "memo == chose(eng_lab.memo)"},
    "built": {"eng_year": "built == seen(eng_demo)"},
    "family_knows (the NASA page)": {"eng_year": "family_knows == chose(eng_notice.papa)"},
    "family_knows (the first letter)": {
        "letters_wedding": "family_knows == chose(letters_first.keep)"},
    "joked": {"letters_second": "joked == chose(letters_adela.joke)"},
    "asked_director": {"had_list": "asked_director == chose(letters_question.director)"},
    # one of the five ways to share a letter (each is set and read the same way)
    "shared_letter": {"had_hub": "shared_letter != 3 or chose(had_letter_kids.kids)"},
}


def _explore_with_assumptions(monkeypatch, capsys, scenes_dir, target, assumptions):
    import json
    import shutil

    shutil.copytree(scenes_dir, target)
    for path in target.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for scene, assumption in assumptions.items():
            text = re.sub(rf"(\n  - id: {scene}\n    title: [^\n]*\n)(    assumes: [^\n]*\n)?",
                          lambda m, a=assumption: m.group(1) + f"    assumes: {json.dumps(a)}\n", text)
        path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    main(["check", "--explore", "--json", "--max-states", "1000000", str(target)])
    report = json.loads(capsys.readouterr().out)
    assert report["explore"]["complete"]  # a proof, not a sample
    return [f for f in report["explore"]["findings"] if f["code"] == "MM606"]


@pytest.mark.parametrize("flag", sorted(FLAG_PROOFS))
def test_each_memory_flag_is_the_choice_it_stands_for(monkeypatch, capsys, scenes_dir, tmp_path, flag):
    broken = _explore_with_assumptions(monkeypatch, capsys, scenes_dir, tmp_path / "scenes", FLAG_PROOFS[flag])
    assert broken == []


def test_the_flag_proof_can_fail(monkeypatch, capsys, scenes_dir, tmp_path):
    wrong = {"eng_campus": "at_home != chose(fields_crossroads.home)"}
    broken = _explore_with_assumptions(monkeypatch, capsys, scenes_dir, tmp_path / "scenes", wrong)
    assert broken and broken[0]["data"]["scene"] == "eng_campus"
