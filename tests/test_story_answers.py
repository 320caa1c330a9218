"""Chapters 5–8 answer the player (issue 16 §2): path tests for each contradiction, punishing
change, closed road and unanswered choice the play-test found there, run the way a player
meets them: ``million-miles play --plain --start SCENE --set STAT=VALUE`` with ``#id`` lines
piped in. Each fails on the story as it was before the fix (the repro in
``../shared/reviews/PLAYTEST.md`` is quoted where there is one).

The short-term memory of these chapters is the hidden text stat ``echo``: a choice sets it,
the scene it leads to reads it, and every choice of that scene sets it again. The last tests
prove that discipline over the files, so an echo can never be older than one scene.
"""

from __future__ import annotations

import collections
import io
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from adventure.analysis.explore import explore
from adventure.cli import main
from adventure.run import engine

ROOT = Path(__file__).resolve().parent.parent
SCENES = ROOT / "scenes"
LATE_CHAPTERS = ("05-in-person.yaml", "06-candidate.yaml", "07-columbia.yaml", "08-launch.yaml")
READY = ["engineering=2", "piloting=2", "diving=2", "fitness=2", "russian=2"]


def play(monkeypatch, capsys, start: str, sets: list[str], lines: str = "") -> str:
    """One sandbox run of the shipped story; the whole screen, with its line wrapping undone."""
    args = ["play", "--plain", "--no-save", "--scenes", str(SCENES), "--start", start]
    for s in sets:
        args += ["--set", s]
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0, err
    return " ".join(out.split())


# -- contradictions -------------------------------------------------------------------------------


def test_the_call_heard_alone_does_not_put_adela_on_the_floor(monkeypatch, capsys):
    """PLAYTEST M2e: ``printf '1\\n' | million-miles play --plain --start person_wait --set …``
    printed "Adela was there, in from the yard" after "Sit down on the kitchen floor, and listen"."""
    alone = play(monkeypatch, capsys, "person_wait", READY, "#answer\n")
    assert "Congratulations" in alone and "Adela was there" not in alone
    assert "you were alone on the kitchen floor" in alone
    together = play(monkeypatch, capsys, "person_wait", READY, "#adela\n")
    assert "Adela was there, in from the yard" in together


def test_not_yet_says_who_is_on_the_floor(monkeypatch, capsys):
    alone = play(monkeypatch, capsys, "person_wait", ["russian=0"], "#answer\n")
    assert "Not Yet" in alone and "You are alone on the kitchen floor with the phone." in alone
    together = play(monkeypatch, capsys, "person_wait", ["russian=0"], "#adela\n")
    assert "Adela kneels on the floor beside you" in together


@pytest.mark.parametrize("russian, said", [(0, False), (1, True), (2, True)])
def test_the_gate_names_only_the_russian_you_have(monkeypatch, capsys, russian, said):
    """PLAYTEST M2f: with Russian 0, "every word of Russian" was told to the selection officer."""
    out = play(monkeypatch, capsys, "person_gate", [f"russian={russian}", "piloting=0"])
    assert ("every word of Russian" in out) is said
    assert "every hour you flew" not in out  # piloting 0: no flying hours to tell either
    assert "the imaging work at the lab" in out


def test_calling_home_is_keyed_on_the_choice_not_on_trust(monkeypatch, capsys):
    """PLAYTEST M2g: ``printf '1\\n' | million-miles play --plain --start cand_kalpana_view --set
    trust=8`` printed "You call home every night now" to a player who had asked about the view."""
    view = play(monkeypatch, capsys, "cand_kalpana_view", ["trust=8"], "#write\n")
    assert "The Big Pool" in view and "every night" not in view and "every Sunday" not in view
    assert "Kalpana's three things are on the back of a checklist" in view
    sunday = play(monkeypatch, capsys, "cand_kalpana_family", ["trust=2"], "#sunday\n")
    assert "You call Papá every Sunday now" in sunday
    scary = play(monkeypatch, capsys, "cand_kalpana_family", ["trust=2"], "#call\n")
    assert "Adela asks for the scary part first" in scary


def play_path(monkeypatch, capsys, path: str) -> str:
    """A whole run from the story's start, by choice ids (``#id`` lines), unsaved."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"#{c}\n" for c in path.split())))
    code = main(["play", "--plain", "--no-save", "--seed", "0", "--scenes", str(SCENES)])
    out, err = capsys.readouterr()
    assert code == 0, err
    return " ".join(out.split())


@pytest.mark.parametrize("route", ["restaurant", "restaurant_lease"])
def test_the_restaurant_ending_does_not_say_there_is_no_restaurant(monkeypatch, capsys, route):
    """PLAYTEST L12: "Adela's Kitchen" opens the restaurant and the summary said "Adela's restaurant: no"."""
    from test_story import PATHS

    out = play_path(monkeypatch, capsys, PATHS[route])
    summary = out[out.index("Your run:"):]
    assert "Adela's Kitchen" in out and re.search(r"Adela's restaurant: (from no to )?yes", summary), summary


def test_the_status_keeps_adela_and_hidden_letters_off_the_screen_at_ten(monkeypatch, capsys):
    """PLAYTEST L7: "Adela's restaurant: no" and "Hiding letters: no" were listed in 1972, at age 10."""
    out = play(monkeypatch, capsys, "fields_rows", [], "status\n")
    assert "Age: 10" in out or "Age 10" in out
    assert "Adela's restaurant" not in out and "Hiding letters" not in out
    hiding = play(monkeypatch, capsys, "letters_second", [], "#hide\nstatus\n")
    assert "Hiding letters: yes" in hiding or "Hiding letters yes" in hiding


def test_the_restaurant_ending_still_tells_a_lease_backed_earlier_from_one_opened_now(shipped_story):
    state = engine.start_at(shipped_story, 0, engine.Start("had_lease")).state
    opened_now = engine.take(shipped_story, state, "together").state
    assert "names the place after her grandmother" in engine.ending_text(shipped_story, opened_now)


def test_the_yes_to_the_flight_does_not_recall_a_glovebox_that_may_never_have_been(monkeypatch, capsys):
    out = play(monkeypatch, capsys, "col_tell", ["trust=2"])
    assert "glovebox" not in out and "Adela stands very still" in out


# -- changes that read as punishment ------------------------------------------------------------------


def _changed_at(out: str, title: str) -> str:
    found = re.search(rf"Changed at {title}: (.*?) {title} ", out)
    return found.group(1) if found else ""


def test_nasa_saying_yes_takes_no_savings(monkeypatch, capsys):
    """PLAYTEST M3: "Savings $4k → $2k" at The Call, and "Hope 8 → 5"; now the call only gives."""
    out = play(monkeypatch, capsys, "person_wait", [*READY, "savings=4", "hope=8"], "#answer\n#papa\n#go\n")
    at_call = _changed_at(out, "The Call")
    assert "Savings" not in at_call and "Hope 8 to 10" in at_call
    # the move to Houston spends the bank book, and the screen says so in the same breath
    assert "Savings $4k to $0" in _changed_at(out, "Ascan") and "The move eats the bank book" in out
    assert "Hope 10 to 5" in _changed_at(out, "Ascan") and "The hope of the phone call lasts" in out


def test_return_to_flight_brings_hope_back_rather_than_cutting_it(monkeypatch, capsys):
    out = play(monkeypatch, capsys, "col_doubt", ["hope=6", "trust=6"], "#stay\n")
    assert "Hope 6 to 10" in _changed_at(out, "Return to Flight") and "hoping again" in out


# -- roads promised and closed --------------------------------------------------------------------------


def test_one_more_year_keeps_the_officers_promise(monkeypatch, capsys):
    """PLAYTEST M4: "Not yet" told a player without Russian to come back with it, and One More
    Year offered +1 when 2 were needed. Now the intensive course reaches 2, and the year can hold
    more than one thing."""
    sets = ["engineering=2", "piloting=2", "diving=2", "fitness=2", "russian=0", "trust=6", "year=2000"]
    out = play(monkeypatch, capsys, "person_not_yet", sets, "#read\n#russian\n#home\n#send\n#drive\n#call\n#hand\n#answer\n")
    assert "Come back with that" in out and "One year can hold more than you think" in out
    assert "Russian 0 to 2" in out and "Congratulations" in out


def test_one_more_year_can_hold_two_things(monkeypatch, capsys):
    sets = ["engineering=2", "piloting=0", "diving=0", "fitness=2", "russian=2", "savings=4", "trust=6",
            "year=2000"]
    out = play(monkeypatch, capsys, "person_not_yet", sets,
               "#read\n#flying\n#scuba\n#send\n#drive\n#call\n#hand\n#answer\n")
    assert "The year is filling up" in out and "Congratulations" in out


def test_not_yet_in_the_last_year_promises_no_next_year(monkeypatch, capsys):
    out = play(monkeypatch, capsys, "person_wait", ["russian=0", "year=2001"], "#answer\n")
    assert "One year can hold more" not in out and "If you're still standing then" in out


def test_every_not_yet_with_a_year_left_can_still_reach_the_call(shipped_story):
    """The officer's list is a road a player can walk: from every reachable "Not Yet" with a
    year still ahead, some way through One More Year and Houston reaches The Call."""
    r = explore(shipped_story)
    start = engine.new_run(shipped_story, 0).state
    year = shipped_story.stat("year").slot
    states = [r.state(i) for i in range(r.states)]
    promised = [values for scene, values in states if scene == "person_not_yet" and values[year] < 2001]
    assert len(promised) > 100
    closed = [v for v in promised[::7] if not _reaches(shipped_story, replace(start, scene="person_not_yet",
                                                                              values=tuple(v)), "person_call")]
    assert closed == []


def _reaches(story, state, goal: str, chapter: str = "in_person") -> bool:
    seen, queue = set(), collections.deque([state])
    while queue:
        s = queue.popleft()
        if (s.scene, s.values) in seen:
            continue
        seen.add((s.scene, s.values))
        if s.scene == goal:
            return True
        for offer in engine.offers(story, s):
            if offer.enabled:
                t = engine.take(story, s, offer.choice.id).state
                if t.ending is None and story.scenes[t.scene].chapter == chapter:
                    queue.append(t)
    return False


def test_the_return_to_flight_teams_open_the_crew_road(monkeypatch, capsys):
    """PLAYTEST M4: entering chapter 7 with Teamwork 0, the return-to-flight work gave no Teamwork
    and Ground Crew was the only way on."""
    out = play(monkeypatch, capsys, "col_return", ["teamwork=0"], "#inspect\n#support\n")
    assert "Teamwork 0 to 1" in out and "The Crew List" in out
    assert "Mission Specialist Two" in out


def test_every_return_to_flight_can_reach_a_crew(shipped_story):
    r = explore(shipped_story)
    start = engine.new_run(shipped_story, 0).state
    entered = [values for scene, values in (r.state(i) for i in range(r.states)) if scene == "col_return"]
    assert entered
    stuck = [v for v in entered if not _reaches(shipped_story, replace(start, scene="col_return", values=tuple(v)),
                                                 "col_assign", chapter="columbia")]
    assert stuck == []


# -- choices answered within two scenes -------------------------------------------------------------------


@pytest.mark.parametrize("start, sets, lines, seen", [
    ("person_drive", [], "#call\n", "Your daughter's voice from the pay phone in Van Horn"),
    ("person_drive", [], "#straight\n", "You drove straight through the night"),
    ("person_gate", [], "#ask\n", "the annual drive"),
    ("person_call", [], "#young\n", "Ms. Young picked up on the second ring"),
    ("person_papa", [], "#kneel\n", "The cross Mamá drew on your forehead"),
    ("person_talk", ["trust=2"], "#ask\n", "A man who asks me things"),
    ("cand_arrival", [], "#call\n", "Your son's question from the locker-room phone"),
    ("cand_kalpana_view", [], "#tell\n", "the television kid"),
    ("cand_pool_help", [], "#anyone\n", "Beck has stopped saying he owes you"),
    ("cand_pool_finish", [], "#job\n", "Beck sits at the far end of the table"),
    ("cand_orals_drill", [], "#five\n", "pyat'"),
    ("cand_orals_own", [], "#walk\n", "Okafor passed his retake on his own"),
    ("cand_review", ["teamwork=2"], "#adela\n", "teasing you with your own review"),
    ("col_tell", [], "#only\n", "Adela has said nothing more about the driveway"),
    ("col_ask", [], "#papa\n", "he said only \"Ándale, pues,\""),
    ("launch_quarters", [], "#call\n", "and you never hung up first"),
    ("launch_letter", [], "#papa\n", "Papá showed the children his hands"),
    ("launch_young", [], "#promise\n", "You promised Ms. Young a harder question"),
    ("launch_scrub", [], "#call\n", "Mamá's blessing over the hotel phone"),
    ("launch_pad", [], "#photo\n", "in the photograph under your glove"),
])
def test_a_choice_is_answered_in_the_next_scene(monkeypatch, capsys, start, sets, lines, seen):
    """PLAYTEST M5: the pay phone in Van Horn, Mamá's blessing, … were never mentioned again."""
    assert seen in play(monkeypatch, capsys, start, sets, lines)


def test_stockton_comes_home_to_a_new_scene_not_the_same_one(monkeypatch, capsys):
    """PLAYTEST L2: "Two in the Morning" was re-shown word for word after the drive back, with
    "Adela comes down in her robe" although you had come home to decide it with her."""
    out = play(monkeypatch, capsys, "col_doubt", ["hope=0", "trust=6"], "#stockton\n#home\n")
    assert out.count("life-insurance papers") == 1 and out.count("Adela comes down in her robe") == 1
    assert "Adela has waited up for you" in out and "Then decide it with me" in out
    again = play(monkeypatch, capsys, "col_doubt", ["hope=0", "trust=0"], "#stockton\n#stay\n#stockton\n")
    assert "Still not tonight. Drive back to Stockton." in again
    assert again.count("a man on our crew fell in the peaches") == 1 and "Otra vez, mijo" in again


# -- chapter 8 remembers the run ----------------------------------------------------------------------------


@pytest.mark.parametrize("sets, lines, seen, unseen", [
    (["siberia=true"], "#kalpana\n#window\n", "a closed city in Siberia", "CERRADO"),
    (["restaurant=true"], "#rows\n#window\n", "CERRADO: FUIMOS AL ESPACIO", "Siberia"),
    (["teamwork=3"], "#rows\n#window\n", "the six people in this cabin", "CERRADO"),
    (["teamwork=2"], "#rows\n#window\n", "Papá's hands, palm up", "CERRADO"),
    ([], "#kalpana\n#window\n", "You said her name at thirty-one seconds", "end of Papá's row"),
    ([], "#rows\n#window\n", "end of Papá's row", "You said her name"),
])
def test_the_window_remembers_the_run(monkeypatch, capsys, sets, lines, seen, unseen):
    out = play(monkeypatch, capsys, "launch_count", sets, lines)
    window = out[out.index("The Window"):]
    assert seen in window and unseen not in window


@pytest.mark.parametrize("sets, seen", [
    (["restaurant=true"], "CERRADO: FUIMOS AL ESPACIO"),
    (["siberia=true"], "The child born while you were in Siberia"),
])
def test_who_is_at_the_launch_follows_the_run(monkeypatch, capsys, sets, seen):
    assert seen in play(monkeypatch, capsys, "launch_beach", sets)
    assert seen not in play(monkeypatch, capsys, "launch_beach", [])


def test_the_escorts_are_the_classmates_you_helped(monkeypatch, capsys):
    assert "Beck and Okafor are with them" in play(monkeypatch, capsys, "launch_count", ["teamwork=3"])
    assert "Beck and Okafor" not in play(monkeypatch, capsys, "launch_count", ["teamwork=2"])


# -- stale gates and facts ------------------------------------------------------------------------------------


def test_the_selection_board_gate_goes_once_the_call_comes(monkeypatch, capsys):
    """PLAYTEST L8: "Next: The selection board: what they had" stayed on screen after The Call."""
    out = play(monkeypatch, capsys, "person_wait", [*READY, "trust=6"], "#answer\n")
    assert out.count("The selection board") == 1  # shown while waiting, gone at The Call
    assert "Next milestone" not in out[out.index("Congratulations"):]


def test_the_true_dates_are_said_in_the_game(shipped_story):
    state = replace(engine.new_run(shipped_story, 0).state, ending="launch")
    epilogue = " ".join(engine.ending_text(shipped_story, state).split())
    assert "selected on 6 May 2004, on his twelfth application, at forty-one" in epilogue
    assert "fifteen months after Columbia" in epilogue
    note = (ROOT / "docs" / "author-note.md").read_text(encoding="utf-8")
    assert "6 May 2004" in note and "41" in note


def test_no_2002_class_and_forty_is_not_too_old(monkeypatch, capsys, shipped_story):
    """PLAYTEST F2: "Forty" read of a new class in 2002 (NASA named none) whose oldest was 38, and
    the ending called 40 too old for a man chosen at 41."""
    forty = play(monkeypatch, capsys, "had_too_old", ["year=2002"])
    assert "new astronaut class" not in forty and "thirty-eight" not in forty
    assert "there will be no new class this year" in forty
    state = replace(engine.new_run(shipped_story, 0).state, ending="too_old")
    ending = " ".join(engine.ending_text(shipped_story, state).split())
    assert "NASA names its next class in 2004" in ending and "never a rule against your age" in ending
    assert "early thirties" not in ending


def test_the_ascans_are_not_told_he_is_the_oldest(monkeypatch, capsys):
    out = play(monkeypatch, capsys, "cand_arrival", [])
    assert "oldest man in the room" not in out and "ten years younger than you" in out


# -- the echo: never older than one scene -----------------------------------------------------------------------


def _late_scenes():
    for name in LATE_CHAPTERS:
        yield from yaml.safe_load((SCENES / name).read_text(encoding="utf-8"))["scenes"]


def _echo_set(choice) -> str | None:
    for effect in choice.get("effects") or []:
        if "echo" in (effect.get("set") or {}):
            return str(effect["set"]["echo"])
    return None


def _reads_echo(scene) -> bool:
    texts = [scene["text"]] + [str(c["label"]) for c in scene["choices"]]
    return any("echo ==" in t for t in texts)


def _targets(choice) -> list[str]:
    goto = choice.get("goto")
    if goto is None:
        return []
    if isinstance(goto, str):
        return [goto]
    return [t["scene"] for t in goto if "scene" in t]


def test_every_echo_is_answered_by_the_scene_it_leads_to():
    scenes = {s["id"]: s for s in _late_scenes()}
    set_somewhere = 0
    for scene in scenes.values():
        for choice in scene["choices"]:
            value = _echo_set(choice)
            if value and value not in ("", '{if echo == "home" or echo == "dawn"}again{end}'):
                set_somewhere += 1
                for target in _targets(choice):
                    assert target in scenes, (scene["id"], choice["id"], target)
                    last_word = all("ending" in c for c in scenes[target]["choices"])  # the echo ends with the run
                    assert _reads_echo(scenes[target]) or last_word, (scene["id"], choice["id"], target)
    assert set_somewhere >= 30


def test_a_scene_that_reads_the_echo_sets_it_on_every_way_out():
    """So the echo a scene reads was set by the choice that led in, never by an older one."""
    readers = [s for s in _late_scenes() if _reads_echo(s)]
    assert len(readers) >= 20
    for scene in readers:
        for choice in scene["choices"]:
            if "ending" not in choice:
                assert _echo_set(choice) is not None, (scene["id"], choice["id"])


def test_every_way_into_an_echo_scene_sets_the_echo(shipped_story):
    """The other half: no choice anywhere (chapters 1–4 included) leads into a reader without
    setting the echo, except the scenes entered from earlier chapters, which read it only for
    values no earlier choice sets."""
    readers = {s["id"] for s in _late_scenes() if _reads_echo(s)}
    late = {s["id"]: s for s in _late_scenes()}
    for scene in shipped_story.scenes.values():
        for choice in scene.choices:
            targets = {t.scene for t in choice.goto.targets if t.scene}
            if targets & readers and scene.id in late:
                assert _echo_set(next(c for c in late[scene.id]["choices"] if c["id"] == choice.id)) is not None, \
                    (scene.id, choice.id)


# -- the share of choices that change nothing -------------------------------------------------------------------


def inert_choices(story, chapters=None):
    """A choice is inert when it has no effect, no ``remember``, no ``chose()`` reads it, and a
    sibling leads to the same place (the issue's definition)."""
    from adventure.story.template import template_names  # noqa: F401  (documents what "reads" means)

    read = _chosen_ids(story)
    inert = []
    for scene in story.scenes.values():
        if chapters and scene.chapter not in chapters:
            continue
        for choice in scene.choices:
            if choice.effects or choice.remember or choice.id in read or f"{scene.id}.{choice.id}" in read:
                continue
            dest = _dest(choice)
            if any(_dest(other) == dest for other in scene.choices if other is not choice):
                inert.append((scene.id, choice.id))
    return inert


def _dest(choice):
    return tuple((t.scene, t.ending) for t in choice.goto.targets)


def _chosen_ids(story) -> set[str]:
    raw = "".join(p.read_text(encoding="utf-8") for p in sorted(SCENES.glob("*.yaml")))
    return set(re.findall(r"chose\(([\w.]+)\)", raw))


def test_no_choice_of_chapters_5_to_8_is_inert(shipped_story):
    assert inert_choices(shipped_story, {"in_person", "candidate", "columbia", "launch"}) == []


@pytest.mark.parametrize("scene, choice", [("letters_can", "stop"), ("had_lease", "together"), ("had_crisis", "turn")])
def test_every_way_into_adelas_kitchen_opens_the_restaurant(shipped_story, scene, choice):
    """Each choice that ends in "Adela's Kitchen" opens the restaurant, so the summary agrees."""
    state = engine.start_at(shipped_story, 0, engine.Start(scene)).state
    after = engine.take(shipped_story, state, choice).state
    assert after.ending == "restaurant" and engine.value(shipped_story, after, "restaurant") is True


def test_shuttle_mir_is_not_under_way_in_1991(shipped_story):
    """STORY-REVIEW / PLAYTEST F4: the Shuttle–Mir agreements came in 1992–93, not 1991."""
    text = " ".join(engine.scene_text(shipped_story, replace(engine.new_run(shipped_story, 0).state,
                                                               scene="letters_question")).split())
    assert "NASA is starting to work with the Russians" not in text and "Russian will matter soon" in text


def test_check_explore_proves_every_assumption_and_finds_no_closed_road_in_chapters_5_to_8(capsys):
    """`check --explore` is clean for these chapters: no MM606 (a scene's `assumes:` false on
    some way in), no MM618 (a gate still shown that no way on can meet), no MM619 (inert)."""
    import json

    code = main(["check", "--explore", "--json", str(SCENES)])
    report = json.loads(capsys.readouterr().out)
    late = {s["id"] for s in _late_scenes()}
    found = [(f["code"], f["data"].get("scene")) for f in report["explore"]["findings"]]
    assert code == 0 and not any(c == "MM606" for c, _ in found)
    assert [(c, s) for c, s in found if c in ("MM618", "MM619") and s in late] == []
    assumed = [s["id"] for s in _late_scenes() if "assumes" in s]
    assert len(assumed) >= 6


def test_a_second_year_at_the_console_is_a_road_not_a_repeat(monkeypatch, capsys):
    """Keeping the evenings for home with Teamwork 0 still leaves a way on: two CAPCOM years."""
    out = play(monkeypatch, capsys, "col_return", ["teamwork=0"], "#home\n#support\n#support\n")
    assert out.count("He offers you a seat at the CAPCOM console") == 1
    assert "The crews ask for you on the loop now" in out and "Mission Specialist Two" in out


def test_the_review_is_recalled_as_it_read(monkeypatch, capsys):
    """Adela quotes "the one you want in the cabin at three in the morning" only to a candidate
    whose review said it (Teamwork 2 or more)."""
    crewmate = play(monkeypatch, capsys, "cand_review", ["teamwork=2"], "#adela\n")
    assert "teasing you with your own review" in crewmate
    loner = play(monkeypatch, capsys, "cand_review", ["teamwork=0"], "#adela\n")
    assert "three in the morning" not in loner and "arguing with it on your behalf" in loner
