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
from adventure.story.model import Chapter, Choice, Story, Target

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
    inside, outside = _endings_placed(story)
    for chapter in story.chapters:
        lines.append(f"  subgraph {q('cluster_' + chapter.id)} {{")
        lines.append(f"    label={q(_chapter_title(chapter))};")
        lines.append('    style="rounded"; color="gray60"; fontname="Helvetica-Bold";')
        for scene_id in chapter.scenes:
            label = _scene_label(story, scene_id)
            node = q("scene:" + scene_id)
            if scene_id in unreachable:
                lines.append(f"    {node} [label={q(label + NL + 'unreachable')}, "
                             'style="rounded,dashed", color="gray60", fontcolor="gray50"];')
            else:
                lines.append(f"    {node} [label={q(label)}];")
        lines += ["    " + _dot_ending(story, ending_id) for ending_id in inside[chapter.id]]
        lines.append("  }")
    lines += ["  " + _dot_ending(story, ending_id) for ending_id in outside]
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
    fill = "gold" if story.endings[ending_id].true_ending else "lightgray"
    return (f"{dot_quote('ending:' + ending_id)} [label={dot_quote(_ending_label(story, ending_id))}, shape=doubleoctagon, "
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
    ids = _mermaid_ids(story)
    lines = _mermaid_head(story, ids, note)
    lines += _mermaid_chapters(story, ids, unreachable)
    lines += _mermaid_edges(story, ids, never_enabled)
    lines += _mermaid_classes(story, ids, unreachable)
    return "\n".join(lines) + "\n"


def _mermaid_ids(story: Story) -> dict[str, str]:
    """Short node names (``s3``, ``e1``) by ``scene:ID``/``ending:ID``: Mermaid ids cannot hold every story id."""
    ids = {"scene:" + s: f"s{i}" for i, s in enumerate(story.scenes)}
    ids.update({"ending:" + e: f"e{i}" for i, e in enumerate(story.endings)})
    return ids


def _mermaid_head(story: Story, ids: dict[str, str], note: str | None) -> list[str]:
    """The header comments, the styles the nodes use, and the arrow from the start."""
    lines = ["flowchart TD", f"  %% {story.id}: scene graph from million-miles graph"]
    if note:  # comments may not hold braces (they would read as a directive)
        lines.append("  %% " + " ".join(note.split()).replace("{", "(").replace("}", ")"))
    return [
        *lines,
        "  classDef ending fill:#eeeeee,stroke:#555555,stroke-width:2px",
        "  classDef trueEnding fill:#ffd700,stroke:#8a6d00,stroke-width:3px",
        "  classDef unreachable fill:#ffffff,stroke:#999999,stroke-dasharray:5 5,color:#999999",
        '  start0(("start"))',
        f"  start0 --> {ids['scene:' + story.start]}",
    ]


def _mermaid_chapters(story: Story, ids: dict[str, str], unreachable: Collection[str]) -> list[str]:
    """A subgraph per chapter with its scenes and endings; the story file's endings after them."""
    inside, outside = _endings_placed(story)
    lines = []
    for index, chapter in enumerate(story.chapters):
        lines.append(f'  subgraph c{index}["{mermaid_text(_chapter_title(chapter))}"]')
        for scene_id in chapter.scenes:
            label = _scene_label(story, scene_id) + ("\nunreachable" if scene_id in unreachable else "")
            lines.append(f'    {ids["scene:" + scene_id]}["{mermaid_text(label)}"]')
        lines += ["    " + _mermaid_ending(story, ending_id, ids) for ending_id in inside[chapter.id]]
        lines.append("  end")
    return lines + ["  " + _mermaid_ending(story, ending_id, ids) for ending_id in outside]


def _mermaid_edges(story: Story, ids: dict[str, str], never_enabled: Collection[tuple[str, str]]) -> list[str]:
    """An arrow per edge (dotted when the choice can be locked); never-enabled ones coloured by link number."""
    lines, red = [], []
    for number, edge in enumerate(edges(story, never_enabled), start=1):  # link 0 is the start arrow
        arrow = "-.->" if edge.conditional else "-->"
        lines.append(f'  {ids["scene:" + edge.scene]} {arrow}|"{mermaid_text(edge.label)}"| {ids[edge.target]}')
        if edge.never_enabled:
            red.append(str(number))
    if red:
        lines.append(f"  linkStyle {','.join(red)} stroke:#cc0000,color:#cc0000")
    return lines


def _mermaid_classes(story: Story, ids: dict[str, str], unreachable: Collection[str]) -> list[str]:
    """The styles given by class: endings, the true ending, unreachable scenes."""
    endings = [ids["ending:" + e] for e, ending in story.endings.items() if not ending.true_ending]
    true = [ids["ending:" + e] for e, ending in story.endings.items() if ending.true_ending]
    dead = [ids["scene:" + s] for s in story.scenes if s in unreachable]
    return [f"  class {','.join(names)} {cls}"
            for names, cls in ((endings, "ending"), (true, "trueEnding"), (dead, "unreachable")) if names]


def _mermaid_ending(story: Story, ending_id: str, ids: dict[str, str]) -> str:
    return f'{ids["ending:" + ending_id]}(["{mermaid_text(_ending_label(story, ending_id))}"])'


# -- shared by both formats -----------------------------------------------------------------


def _chapter_title(chapter: Chapter) -> str:
    return f"{chapter.index + 1}. {chapter.title}"


def _scene_label(story: Story, scene_id: str) -> str:
    """A scene's node: its title over its id, so an author finds it in the files."""
    return f"{story.scenes[scene_id].title}\n({scene_id})"


def _ending_label(story: Story, ending_id: str) -> str:
    ending = story.endings[ending_id]
    return f"{ending.title}\n(ending {ending_id})" + ("\n★ true ending" if ending.true_ending else "")


def _endings_placed(story: Story) -> tuple[dict[str, list[str]], list[str]]:
    """Ending ids drawn inside each chapter's cluster (by chapter id), and those drawn outside any, in order."""
    by_chapter = _endings_by_chapter(story)
    inside = {chapter.id: by_chapter.pop(chapter.id, []) for chapter in story.chapters}
    return inside, [ending_id for ending_ids in by_chapter.values() for ending_id in ending_ids]


def _endings_by_chapter(story: Story) -> dict[str | None, list[str]]:
    """Ending ids by the chapter that declares them (``None``: the story file)."""
    by_chapter: dict[str | None, list[str]] = {}
    for ending in story.endings.values():
        by_chapter.setdefault(ending.chapter, []).append(ending.id)
    return by_chapter
