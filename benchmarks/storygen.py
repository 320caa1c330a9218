"""Generate large, valid stories for benchmarks: many chapters of looping scenes."""

from __future__ import annotations

from pathlib import Path

STORY_HEAD = """\
format: 1
id: generated
title: Generated
start: s0
progress: "skill * 10 + coins"
stats:
  skill: {type: int, initial: 0, min: 0, max: 9, label: Skill, show: true}
  coins: {type: int, initial: 0, min: 0, max: 20, label: Coins, show: true}
  brave: {type: bool, initial: false, label: Brave, show: true}
endings:
  - id: end
    title: The End
    text: "Done with {coins} coins. {if brave}Bravely.{else}Quietly.{end}"
chapters:
"""


def scene(i: int, total: int) -> str:
    nxt = f"s{i + 1}" if i + 1 < total else None
    leave = f"goto: {nxt}" if nxt else "ending: end"
    return f"""\
  - id: s{i}
    title: Scene {i}
    text: |
      You stand in room {i}. You have {{coins}} coins and skill {{skill}}.
      {{if brave}}You feel brave.{{else}}You feel small.{{end}}
    on_enter:
      - add: {{coins: 1}}
    choices:
      - id: train
        label: Train in room {i}
        if: "coins >= 1 and skill < 9"
        locked: You need a coin.
        effects:
          - add: {{skill: 1}}
          - subtract: {{coins: 1}}
        goto: s{i}
      - id: onward
        label: Go on
        {leave}
      - id: gamble
        label: Gamble
        if: "not brave or skill >= 3"
        effects:
          - set: {{brave: true}}
        goto:
          - if: "skill * 2 > coins"
            scene: s{max(0, i - 1)}
          - scene: s{i}
"""


def write(root: Path, scenes: int, per_chapter: int = 100) -> Path:
    """Write a story of ``scenes`` scenes into ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    chapters = []
    for c, first in enumerate(range(0, scenes, per_chapter)):
        name = f"c{c:03d}.yaml"
        chapters.append(name)
        body = "".join(scene(i, scenes) for i in range(first, min(scenes, first + per_chapter)))
        (root / name).write_text(f"chapter:\n  id: c{c}\n  title: Chapter {c}\nscenes:\n{body}", encoding="utf-8")
    (root / "story.yaml").write_text(STORY_HEAD + "".join(f"  - {n}\n" for n in chapters), encoding="utf-8")
    return root
