"""Count-aware words in the program's own summaries (regression: "1 chapters")."""

from __future__ import annotations

from adventure.wording import count, plural


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
