"""The scene graph writers (adventure/analysis/graph.py) and ``million-miles graph``.

Graphviz is not needed: when ``dot`` is installed the output is also fed to it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from adventure.analysis.graph import dot_quote, edges, mermaid_text, render_graph
from adventure.cli import main
from adventure.story.loader import load_story

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINI = FIXTURES / "mini"
FLAWED = FIXTURES / "analysis" / "flawed"
QUOTING = FIXTURES / "analysis" / "quoting"


def graph(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["graph", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def dot_strings_balanced(text: str) -> bool:
    """Every line's double-quoted strings close (escapes honoured): a cheap DOT syntax check."""
    for line in text.splitlines():
        if line.lstrip().startswith("//"):
            continue
        inside, escaped = False, False
        for char in line:
            if escaped:
                escaped = False
            elif char == "\\" and inside:
                escaped = True
            elif char == '"':
                inside = not inside
        if inside:
            return False
    return True


# -- escaping -------------------------------------------------------------------------------


def test_dot_quote_escapes_quotes_backslashes_and_newlines():
    assert dot_quote('say "hi"') == '"say \\"hi\\""'
    assert dot_quote("a\\b") == '"a\\\\b"'
    assert dot_quote("one\ntwo") == '"one\\ntwo"'


def test_mermaid_text_uses_entity_codes():
    assert mermaid_text('a "b" <c> & #1') == "a #quot;b#quot; #lt;c#gt; #amp; #35;1"
    assert mermaid_text("one\ntwo") == "one<br/>two"


# -- dot ------------------------------------------------------------------------------------


def test_dot_has_clusters_endings_and_labels(capsys):
    code, out, _ = graph(capsys, str(MINI))
    assert code == 0
    assert out.count("digraph ") == 1
    assert 'subgraph "cluster_orchard" {' in out
    assert 'subgraph "cluster_road" {' in out
    assert 'label="1. The Orchard";' in out
    # endings: their own shape, the true ending filled gold
    assert '"ending:sky" [label="The Sky\\n(ending sky)\\n★ true ending", shape=doubleoctagon' in out
    assert 'fillcolor="gold"' in out and 'fillcolor="lightgray"' in out
    # locked edge: condition in the story's syntax; first-matching and random targets
    assert '"scene:gate" -> "scene:house" [label="open\\n[if has_key and apples >= 2]\\nwhen apples >= 4", style="dashed"];' in out
    assert '"scene:gate" -> "scene:road" [label="open\\n[if has_key and apples >= 2]\\notherwise"' in out
    assert '"scene:road" -> "scene:road" [label="wait\\nrandom 3/4"];' in out
    assert '"scene:road" -> "scene:house" [label="wait\\nrandom 1/4"];' in out
    assert '[if not has_key] hidden' in out
    assert '"__start__" -> "scene:gate";' in out
    assert "unreachable" not in out.split("\n", 2)[2]  # nothing is unreachable in mini
    assert dot_strings_balanced(out)


def test_dot_marks_unreachable_scenes_and_dead_choices(capsys):
    code, out, _ = graph(capsys, str(FLAWED))
    assert code == 0
    assert '"scene:vault" [label="The Vault\\n(vault)\\nunreachable", style="rounded,dashed"' in out
    assert 'label="door\\n[if keys >= 1]\\n(never enabled)", style="dashed", color="red"' in out
    assert 'label="secret\\n[if lamp] hidden\\n(never enabled)"' in out  # hidden and locked everywhere
    assert 'label="The Flawed \\"House\\""' in out
    assert "complete exploration (20 states)" in out


def test_dot_falls_back_to_structural_reachability(capsys):
    code, out, _ = graph(capsys, "--max-states", "3", str(FLAWED))
    assert code == 0
    assert "marked structurally" in out
    assert "(never enabled)" not in out
    assert "\\nunreachable" not in out  # the vault's door might open, structurally


def test_dot_escapes_awkward_text(capsys):
    code, out, _ = graph(capsys, str(QUOTING))
    assert code == 0
    assert 'label="Say \\"hi\\" \\\\ <bye> & #1 {x}"' in out
    assert '[label="A \\\\ \\"quoted\\" <scene>\\n(a)"];' in out
    assert '[if name == \\"Pepe\\" and count < 2]' in out
    assert dot_strings_balanced(out)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("folder", [MINI, FLAWED, QUOTING], ids=lambda p: p.name)
def test_graphviz_accepts_the_output(folder, capsys):
    _, out, _ = graph(capsys, str(folder))
    done = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout and not done.stderr.strip()


# -- mermaid --------------------------------------------------------------------------------


def test_mermaid_has_subgraphs_endings_and_labels(capsys):
    code, out, _ = graph(capsys, "--format", "mermaid", str(MINI))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  subgraph c0["1. The Orchard"]' in lines
    assert '  subgraph c1["2. The Road"]' in lines
    assert sum(1 for line in lines if line.strip().startswith("subgraph ")) == sum(1 for line in lines if line.strip() == "end")
    assert '    e1(["The Sky<br/>(ending sky)<br/>★ true ending"])' in lines
    assert "  class e1 trueEnding" in lines and "  class e0 ending" in lines
    assert '  s0 -.->|"open<br/>[if has_key and apples #gt;= 2]<br/>when apples #gt;= 4"| s2' in lines
    assert '  s1 -->|"wait<br/>random 3/4"| s1' in lines
    assert "  start0 --> s0" in lines


def test_mermaid_marks_unreachable_and_colours_dead_links(capsys):
    code, out, _ = graph(capsys, "--format", "mermaid", str(FLAWED))
    assert code == 0
    lines = out.splitlines()
    vault = next(line for line in lines if "(vault)" in line).split("[")[0].strip()
    assert f"  class {vault} unreachable" in lines
    links = [line for line in lines if re.search(r" (-->|-\.->)", line)]
    (style,) = [line for line in lines if line.strip().startswith("linkStyle")]
    indexes = [int(i) for i in style.split()[1].split(",")]
    assert all(0 <= i < len(links) for i in indexes)
    assert all("never enabled" in links[i] for i in indexes)


def test_mermaid_escapes_awkward_text(capsys):
    code, out, _ = graph(capsys, "--format", "mermaid", str(QUOTING))
    assert code == 0
    assert '  subgraph c0["1. Chapter #quot;One#quot; #lt;#amp;#gt; #35;2"]' in out
    assert "[if name == #quot;Pepe#quot; and count #lt; 2]" in out
    for line in out.splitlines():
        if not line.strip().startswith("%%"):
            assert line.count('"') % 2 == 0, line
    assert "{" not in "".join(line for line in out.splitlines() if line.strip().startswith("%%"))


def test_edges_cover_every_target(mini_story):
    found = list(edges(mini_story))
    total = sum(len(c.goto.targets) for s in mini_story.scenes.values() for c in s.choices)
    assert len(found) == total


def test_render_graph_rejects_unknown_format(mini_story):
    with pytest.raises(ValueError):
        render_graph(mini_story, "svg")


# -- the command line -------------------------------------------------------------------------


def test_output_file(tmp_path, capsys):
    target = tmp_path / "story.mmd"
    code, out, _ = graph(capsys, "--format", "mermaid", "-o", str(target), str(MINI))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8").startswith("flowchart TD\n")


def test_usage_errors_exit_2(tmp_path, capsys):
    code, _, err = graph(capsys, str(tmp_path / "missing"))
    assert code == 2 and "does not exist" in err
    with pytest.raises(SystemExit) as exc:
        main(["graph", "--format", "svg", str(MINI)])
    assert exc.value.code == 2
    code, _, err = graph(capsys, "-o", str(tmp_path), str(MINI))
    assert code == 2 and "folder" in err


def test_a_file_that_cannot_be_written_is_named_and_exits_1(tmp_path, capsys):
    target = tmp_path / "no-such-folder" / "story.dot"
    code, out, err = graph(capsys, "-o", str(target), str(MINI))
    assert code == 1 and out == ""
    assert f"cannot write '{target}'" in err and "Traceback" not in err


def test_broken_story_exits_1(tmp_path, capsys):
    (tmp_path / "story.yaml").write_text("format: 1\nid: broken\n", encoding="utf-8")
    code, out, err = graph(capsys, str(tmp_path))
    assert code == 1 and out == ""
    assert "failed to load" in err


def test_graph_of_loaded_story_is_deterministic():
    """Two renderings of the same story, one of them from a freshly loaded copy, are the same text."""
    first = render_graph(load_story(QUOTING), "mermaid", unreachable={"b"})
    assert render_graph(load_story(QUOTING), "mermaid", unreachable={"b"}) == first
    assert first.count("class s1 unreachable") == 1


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_graph_output_is_the_same_in_every_process(fmt, tmp_path):
    """Set and dict order must not leak into the output: separate processes, different hash seeds.

    The story cache is off so each process builds its model itself.
    """
    import os
    import sys

    outputs = set()
    for seed in ("0", "1", "2", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=seed, MILLION_MILES_NO_CACHE="1")
        result = subprocess.run([sys.executable, "-m", "adventure", "graph", str(ROOT / "scenes"), "--format", fmt],
                                capture_output=True, text=True, env=env, timeout=60, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1 and len(next(iter(outputs))) > 1000
