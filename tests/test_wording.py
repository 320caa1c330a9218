"""Count-aware words in the program's own summaries (regression: "1 chapters")."""

from __future__ import annotations

from adventure.base.wording import count, plural


def test_one_is_singular_and_everything_else_plural():
    assert count(1, "chapter") == "1 chapter"
    assert count(0, "chapter") == "0 chapters"
    assert count(2, "choice") == "2 choices"
    assert count(3, "box") == "3 boxes"
    assert count(2, "story", "stories") == "2 stories"
    assert plural(1, "story", "stories") == "story"


def test_check_summary_of_a_one_chapter_story_says_chapter(command, tmp_path):
    import subprocess

    from storybuilder import write_story

    folder = write_story(tmp_path / "s")
    out = subprocess.run([command, "check", str(folder)], capture_output=True, text=True, timeout=60).stdout
    assert "1 chapter," in " ".join(out.split()) and "1 chapters" not in out


def test_one_step_runs_read_in_the_singular(mini_story, tmp_path, capsys):
    """Regression: "1 steps" in transcripts, verification and resumed-run messages."""
    from adventure.cli import main
    from adventure.run import engine
    from adventure.saves.store import SaveStore, record_for
    from adventure.saves.transcript import build_transcript, to_markdown, to_text

    state = engine.new_run(mini_story, 1).state
    choice = next(o.choice.id for o in engine.offers(mini_story, state) if o.enabled)
    state = engine.take(mini_story, state, choice).state
    record = record_for(mini_story, state, "one")
    transcript = build_transcript(mini_story, record)
    assert "1 step" in to_text(transcript) and "1 steps" not in to_text(transcript)
    assert "1 step." in to_markdown(transcript)
    SaveStore(tmp_path).write(record)
    assert main(["replay", "one", "--save-dir", str(tmp_path), "--scenes", str(mini_story.root), "--verify"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 step replay" in out


def test_a_story_that_fails_to_load_counts_its_errors_in_words(tmp_path, monkeypatch, capsys):
    """Regression: "The story failed to load (1 error(s))" after 'play' of a broken story."""
    import io
    import sys

    from storybuilder import write_story

    from adventure.cli import main

    folder = write_story(tmp_path / "s")
    story = folder / "story.yaml"
    story.write_text(story.read_text(encoding="utf-8").replace("start: ", "start: nowhere_", 1), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO("quit\n"))
    assert main(["play", "--plain", "--no-save", "--scenes", str(folder)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "(s)" not in err and "failed to load (1 error)" in err, err

