"""The language server: diagnostics latency after an edit, against a cold ``check --json``.

The server is started as an editor starts it (``million-miles lsp``, here with no
debounce and no explorer, so the figure is the checking itself); a small client speaks
LSP to it over pipes, opens the story's largest chapter, then edits it: each edit puts
a typo into a ``goto`` (or takes it out again) and the time runs from sending the
change to receiving that file's diagnostics. The baseline is a cold ``check --json``
of the same story in a fresh process (no story cache): what an author ran before.

Two stories: the shipped one, and a generated one of 1,000 scenes (``storygen.py``).
Target: the median latency on the shipped story well under a second, and below the
cold check (a ratio under 1). ``python benchmarks/bench_lsp.py`` prints the section.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

EDITS = 12
GENERATED = 1_000


class Client:
    """Just enough of an LSP client: Content-Length framing over a child's pipes."""

    def __init__(self, command: list[str], env: dict[str, str]):
        self.child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0

    def send(self, method: str, params: Any, request: bool = False) -> int | None:
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        body = json.dumps(message).encode()
        assert self.child.stdin is not None
        self.child.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.child.stdin.flush()
        return ident

    def receive(self) -> dict[str, Any]:
        assert self.child.stdout is not None
        length = 0
        while True:
            line = self.child.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.child.stdout.read(length))

    def wait(self, predicate: Any) -> dict[str, Any]:
        while True:
            message = self.receive()
            if predicate(message):
                return message

    def diagnostics_for(self, uri: str) -> list[dict[str, Any]]:
        message = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"]["uri"] == uri)
        return list(message["params"]["diagnostics"])

    def close(self) -> None:
        ident = self.send("shutdown", None, request=True)
        self.wait(lambda m: m.get("id") == ident)
        self.send("exit", None)
        self.child.wait(timeout=30)


def latencies(story: Path, edits: int = EDITS) -> list[float]:
    """Seconds from each edit to its file's diagnostics."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    client = Client([sys.executable, "-m", "adventure", "lsp", "--no-explore", "--debounce", "0"], env)
    try:
        ident = client.send("initialize", {"processId": os.getpid(), "rootUri": story.as_uri(),
                                           "capabilities": {}}, request=True)
        client.wait(lambda m: m.get("id") == ident)
        client.send("initialized", {})
        chapter = max((p for p in story.glob("*.yaml") if p.name != "story.yaml"), key=lambda p: p.stat().st_size)
        uri = chapter.as_uri()
        text = chapter.read_text(encoding="utf-8")
        client.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                              "text": text}})
        client.diagnostics_for(uri)
        at = text.index("goto: ") + len("goto: ")
        typo = text[:at] + "zz" + text[at:]
        result = []
        for version in range(2, edits + 2):
            changed = typo if version % 2 == 0 else text
            start = time.perf_counter()
            client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                   "contentChanges": [{"text": changed}]})
            found = client.diagnostics_for(uri)
            result.append(time.perf_counter() - start)
            assert any(d.get("code") == "MM402" for d in found) == (version % 2 == 0), found
        return result
    finally:
        client.close()


def cold_check(story: Path, repeat: int = 3) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT), MILLION_MILES_NO_CACHE="1")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "adventure", "check", "--json", str(story)], capture_output=True,
                       env=env, timeout=600, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure() -> list[tuple[str, int, float, float, float]]:
    """(story, scenes, median latency, slowest latency, cold check) for each story."""
    from storygen import write

    from adventure.story.loader import load_story

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        shipped = Path(tmp) / "shipped"
        import shutil

        shutil.copytree(ROOT / "scenes", shipped)
        generated = write(Path(tmp) / "generated", GENERATED)
        for name, story in (("shipped story", shipped), (f"generated, {GENERATED:,} scenes", generated)):
            scenes = len(load_story(story, cache=False).scenes)
            times = latencies(story)
            rows.append((name, scenes, statistics.median(times), max(times), cold_check(story)))
    return rows


def main() -> str:
    rows = measure()
    lines = [
        "## Language server: diagnostics after an edit",
        "",
        f"`million-miles lsp` with no debounce: {EDITS} edits of the largest chapter (a `goto` typo put in and "
        "taken out), timed from sending the change to receiving the file's diagnostics. Baseline: a cold "
        "`check --json` of the same story in a new process (no story cache).",
        "",
        "| story | scenes | latency (median) | slowest | cold `check --json` | median / cold check |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, scenes, median, slowest, cold in rows:
        lines.append(f"| {name} | {scenes:,} | {median * 1000:.0f} ms | {slowest * 1000:.0f} ms | "
                     f"{cold * 1000:.0f} ms | {median / cold:.2f} |")
    lines += ["", "An editor adds its debounce (0.3 s by default, `--debounce`) before the check starts."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(main())
