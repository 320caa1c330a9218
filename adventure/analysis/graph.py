"""The scene graph as text for Graphviz (``dot``) or Mermaid: a map of the story for authors.

Chapters become clusters, endings get their own shape (the true ending filled gold),
choices become edges labelled with their id, their condition when they can be locked
(in the story's own expression syntax), the condition of each first-matching target
and the weight of each random outcome. Scenes the caller marks unreachable are drawn
grey and dashed, choices it marks as never enabled red. Pure: text in, text out.

Typical use::

    text = render_graph(story, "dot", unreachable={"old_scene"})
    Path("story.dot").write_text(text)
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from adventure.base.safetext import escape_controls
from adventure.story.expr import to_source
from adventure.story.model import Choice, Story, Target

__all__ = ["FORMATS", "Edge", "edges", "render_graph", "to_dot", "to_mermaid"]

FORMATS = ("dot", "mermaid")
NL = "\n"


@dataclass(frozen=True, slots=True)
class Edge:
    """One arrow: a choice (or one outcome of it) from a scene to a scene or an ending."""

    scene: str
    choice: str
    target: str  # ``scene:ID`` or ``ending:ID``
    label: str
    conditional: bool  # the choice can be locked
    never_enabled: bool = False


def edges(story: Story, never_enabled: Collection[tuple[str, str]] = ()) -> Iterator[Edge]:
    """Every edge of the scene graph, in story order."""
    for scene in story.scenes.values():
        for choice in scene.choices:
            dead = (scene.id, choice.id) in never_enabled
            for target, detail in _targets(choice):
                parts = [choice.id]
                if choice.condition is not None:
                    parts.append(f"[if {to_source(choice.condition)}]" + (" hidden" if choice.hidden else ""))
                if detail:
                    parts.append(detail)
                if dead:
                    parts.append("(never enabled)")
                yield Edge(scene.id, choice.id, target.name, "\n".join(parts), choice.condition is not None, dead)


def _targets(choice: Choice) -> Iterator[tuple[Target, str]]:
    goto = choice.goto
    if goto.kind == "direct":
        yield goto.targets[0], ""
    elif goto.kind == "first":
        for target in goto.targets:
            yield target, f"when {to_source(target.condition)}" if target.condition is not None else "otherwise"
    else:
        total = goto.total_weight
        for target in goto.targets:
            yield target, f"random {target.weight}/{total}"


def render_graph(story: Story, fmt: str = "dot", unreachable: Collection[str] = (),
                 never_enabled: Collection[tuple[str, str]] = (), note: str | None = None) -> str:
    """The graph in ``fmt`` (``dot`` or ``mermaid``)."""
    if fmt == "dot":
        return to_dot(story, unreachable, never_enabled, note)
    if fmt == "mermaid":
        return to_mermaid(story, unreachable, never_enabled, note)
    raise ValueError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")


# -- Graphviz -------------------------------------------------------------------------------


def dot_quote(text: str) -> str:
    """A Graphviz double-quoted string: backslashes and quotes escaped, newlines as ``\\n``.

    Control characters are written out first (``\\x1b``), so a hostile story cannot
    send escape sequences to whoever prints the file.
    """
    escaped = escape_controls(text).replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(story: Story, unreachable: Collection[str] = (), never_enabled: Collection[tuple[str, str]] = (),
           note: str | None = None) -> str:
    """The graph in the Graphviz DOT language (``dot -Tsvg story.dot -o story.svg``)."""
    q = dot_quote
    lines = [f"// {story.id}: scene graph from million-miles graph"]
    if note:
        lines.append(f"// {' '.join(note.split())}")
    lines += [
        f"digraph {q(story.id)} {{",
        f"  graph [label={q(story.title)}, labelloc=t, fontname=\"Helvetica\", rankdir=TB];",
        '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
        '  "__start__" [shape=point, width=0.15, label=""];',
        f'  "__start__" -> {q("scene:" + story.start)};',
    ]
    by_chapter = _endings_by_chapter(story)
    for chapter in story.chapters:
        lines.append(f"  subgraph {q('cluster_' + chapter.id)} {{")
        title = f"{chapter.index + 1}. {chapter.title}"
        lines.append(f"    label={q(title)};")
        lines.append('    style="rounded"; color="gray60"; fontname="Helvetica-Bold";')
        for scene_id in chapter.scenes:
            label = f"{story.scenes[scene_id].title}\n({scene_id})"
            node = q("scene:" + scene_id)
            if scene_id in unreachable:
                lines.append(f"    {node} [label={q(label + NL + 'unreachable')}, "
                             'style="rounded,dashed", color="gray60", fontcolor="gray50"];')
            else:
                lines.append(f"    {node} [label={q(label)}];")
        for ending_id in by_chapter.pop(chapter.id, []):
            lines.append("    " + _dot_ending(story, ending_id))
        lines.append("  }")
    for ending_ids in by_chapter.values():
        for ending_id in ending_ids:
            lines.append("  " + _dot_ending(story, ending_id))
    for edge in edges(story, never_enabled):
        attrs = [f"label={q(edge.label)}"]
        if edge.conditional:
            attrs.append('style="dashed"')
        if edge.never_enabled:
            attrs.append('color="red", fontcolor="red"')
        lines.append(f"  {q('scene:' + edge.scene)} -> {q(edge.target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_ending(story: Story, ending_id: str) -> str:
    ending = story.endings[ending_id]
    fill = "gold" if ending.true_ending else "lightgray"
    label = f"{ending.title}\n(ending {ending_id})" + ("\n★ true ending" if ending.true_ending else "")
    return (f"{dot_quote('ending:' + ending_id)} [label={dot_quote(label)}, shape=doubleoctagon, "
            f'style="filled", fillcolor="{fill}"];')


# -- Mermaid --------------------------------------------------------------------------------


def mermaid_text(text: str) -> str:
    """Text for inside a quoted Mermaid label: entity codes for ``# " < > &``, ``<br/>`` for newlines.

    Control characters are written out first (``\\x1b``), as in :func:`dot_quote`.
    """
    escaped = (escape_controls(text).replace("#", "#35;").replace("&", "#amp;").replace('"', "#quot;")
               .replace("<", "#lt;").replace(">", "#gt;").replace("\r", ""))
    return escaped.replace("\n", "<br/>")


def to_mermaid(story: Story, unreachable: Collection[str] = (), never_enabled: Collection[tuple[str, str]] = (),
               note: str | None = None) -> str:
    """The graph as a Mermaid flowchart (paste into a ```` ```mermaid ```` block)."""
    ids: dict[str, str] = {"scene:" + s: f"s{i}" for i, s in enumerate(story.scenes)}
    ids.update({"ending:" + e: f"e{i}" for i, e in enumerate(story.endings)})
    m = mermaid_text
    lines = ["flowchart TD", f"  %% {story.id}: scene graph from million-miles graph"]
    if note:  # comments may not hold braces (they would read as a directive)
        lines.append("  %% " + " ".join(note.split()).replace("{", "(").replace("}", ")"))
    lines += [
        "  classDef ending fill:#eeeeee,stroke:#555555,stroke-width:2px",
        "  classDef trueEnding fill:#ffd700,stroke:#8a6d00,stroke-width:3px",
        "  classDef unreachable fill:#ffffff,stroke:#999999,stroke-dasharray:5 5,color:#999999",
        '  start0(("start"))',
        f"  start0 --> {ids['scene:' + story.start]}",
    ]
    by_chapter = _endings_by_chapter(story)
    for index, chapter in enumerate(story.chapters):
        title = f"{chapter.index + 1}. {chapter.title}"
        lines.append(f'  subgraph c{index}["{m(title)}"]')
        for scene_id in chapter.scenes:
            label = f"{story.scenes[scene_id].title}\n({scene_id})" + ("\nunreachable" if scene_id in unreachable else "")
            lines.append(f'    {ids["scene:" + scene_id]}["{m(label)}"]')
        for ending_id in by_chapter.pop(chapter.id, []):
            lines.append("    " + _mermaid_ending(story, ending_id, ids))
        lines.append("  end")
    for ending_ids in by_chapter.values():
        for ending_id in ending_ids:
            lines.append("  " + _mermaid_ending(story, ending_id, ids))
    red = []
    for number, edge in enumerate(edges(story, never_enabled)):
        arrow = "-.->" if edge.conditional else "-->"
        lines.append(f'  {ids["scene:" + edge.scene]} {arrow}|"{m(edge.label)}"| {ids[edge.target]}')
        if edge.never_enabled:
            red.append(str(number + 1))  # link 0 is the start arrow
    if red:
        lines.append(f"  linkStyle {','.join(red)} stroke:#cc0000,color:#cc0000")
    endings = [ids["ending:" + e] for e, ending in story.endings.items() if not ending.true_ending]
    true = [ids["ending:" + e] for e, ending in story.endings.items() if ending.true_ending]
    dead = [ids["scene:" + s] for s in story.scenes if s in unreachable]
    for names, cls in ((endings, "ending"), (true, "trueEnding"), (dead, "unreachable")):
        if names:
            lines.append(f"  class {','.join(names)} {cls}")
    return "\n".join(lines) + "\n"


def _mermaid_ending(story: Story, ending_id: str, ids: dict[str, str]) -> str:
    ending = story.endings[ending_id]
    label = f"{ending.title}\n(ending {ending_id})" + ("\n★ true ending" if ending.true_ending else "")
    return f'{ids["ending:" + ending_id]}(["{mermaid_text(label)}"])'


def _endings_by_chapter(story: Story) -> dict[str | None, list[str]]:
    """Ending ids by the chapter that declares them (``None``: the story file)."""
    by_chapter: dict[str | None, list[str]] = {}
    for ending in story.endings.values():
        by_chapter.setdefault(ending.chapter, []).append(ending.id)
    return by_chapter
