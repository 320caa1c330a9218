"""How the benchmarks take a figure: whole processes, their own peak memory, a live prompt.

Three traps this module exists to avoid (each one flattered a figure in an earlier
RESULTS.md):

* **A child's peak memory is not its own.** On Linux ``ru_maxrss`` survives ``fork``
  and ``execve``: a child of a 300 MiB benchmark process reports at least 300 MiB, in
  ``getrusage(RUSAGE_SELF)`` inside it as much as in ``RUSAGE_CHILDREN`` outside. The
  high-water mark of the process's *own* address space is ``VmHWM`` in
  ``/proc/self/status``, which ``execve`` starts afresh. :func:`own_peak_mib` reads it
  inside a process; :func:`run` starts a command from a small fresh launcher, so the
  kernel's account of the command (``wait4``) starts at the launcher's size, not ours.
* **First paint is not a live prompt.** The game draws its first screen before it imports
  prompt_toolkit; a player can type only once prompt_toolkit has switched the terminal
  to its prompt (bracketed paste on: ``ESC[?2004h``). :func:`pty_until` times a
  process to any sequence of markers, so a case names exactly the moment it measures.
* **A ratio of medians hides the noise of a shared machine.** Cases are interleaved
  round by round and each round's ratio is kept, so :func:`ratio` gives the median of
  per-round ratios with their spread.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: prompt_toolkit turns bracketed paste on when its prompt starts reading keys.
LIVE_PROMPT = b"\x1b[?2004h"


def own_peak_mib() -> float:
    """Peak resident memory of this process's own address space, in MiB.

    ``VmHWM`` where the kernel has it (Linux), else ``ru_maxrss`` (which on macOS is in
    bytes and has no inherited high-water mark to worry about).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


# The launcher: a fresh, small interpreter that starts the command and reads the
# kernel's account of it (wait4). The command's ru_maxrss starts at the launcher's size
# when it forks (about 10 MiB), not at the benchmark's: exact for every command that
# grows past that, and the launcher reports its own size so a reader can see the floor.
_LAUNCHER = r"""
import json, os, subprocess, sys, time
args, stdin = json.loads(sys.argv[1]), sys.argv[2]
floor = next((int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")), 0)
start = time.perf_counter()
with open(stdin, "rb") as source:
    child = subprocess.Popen(args, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = child.stderr.read().decode("utf-8", "replace")[-600:]
pid, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss,
                  "floor_kib": floor, "code": os.waitstatus_to_exitcode(status), "stderr": err}))
"""


@dataclass(frozen=True)
class Sample:
    """One whole-process measurement."""

    wall: float
    cpu: float
    peak_mib: float


def run(args: Sequence[str], env: dict[str, str], stdin: Path | None = None, timeout: float = 3600) -> Sample:
    """Run ``args`` to its exit; its wall and CPU seconds and its own peak memory.

    Raises ``RuntimeError`` with the end of stderr when the command fails, and when its
    peak is no larger than the launcher's own size (then the figure would be the
    launcher's, not the command's).
    """
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, json.dumps(list(args)), str(stdin or os.devnull)],
                          capture_output=True, text=True, env=env, timeout=timeout)
    return _launched(args, done)


def _launched(args: Sequence[str], done: subprocess.CompletedProcess[str]) -> Sample:
    """The launcher's report of ``args`` as a :class:`Sample`; ``RuntimeError`` when it cannot be trusted."""
    if done.returncode != 0:
        raise RuntimeError(f"launcher failed: {done.stderr[-800:]}")
    result = json.loads(done.stdout)
    if result["code"] != 0:
        raise RuntimeError(f"{list(args)} exited {result['code']}: {result['stderr']}")
    if result["peak_kib"] <= result["floor_kib"]:
        raise RuntimeError(f"{list(args)} peaked below the launcher's own size: its peak cannot be told")
    return Sample(result["wall"], result["cpu"], result["peak_kib"] / 1024)


def pty_until(args: Sequence[str], env: dict[str, str], markers: Sequence[bytes], size: tuple[int, int] = (50, 120),
              timeout: float = 600) -> float:
    """Seconds from spawning ``args`` in a pseudo-terminal until every marker has appeared, in order.

    With no markers, until the process exits (which must be with status 0).
    """
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(args[0], list(args[1:]), env=env, dimensions=size, timeout=timeout)
    try:
        if not markers:
            child.expect(pexpect.EOF)
            elapsed = time.perf_counter() - start
            child.close()
            if child.exitstatus != 0:
                raise RuntimeError(f"{list(args)} exited {child.exitstatus}")
            return elapsed
        for marker in markers:
            child.expect_exact(marker)
        return time.perf_counter() - start
    finally:
        if child.isalive():
            child.terminate(force=True)


def ratio(cases: Sequence[float], baselines: Sequence[float]) -> tuple[float, float, float]:
    """Median, minimum and maximum of the per-round ratios ``case / baseline``."""
    each = [c / b for c, b in zip(cases, baselines, strict=True)]
    return statistics.median(each), min(each), max(each)


# As _LAUNCHER, but the command's standard output goes to a file the caller reads back:
# for commands whose output says how much work they did (states explored, runs played).
_LAUNCHER_KEEPING_OUTPUT = r"""
import json, os, subprocess, sys, time
args, stdin, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
floor = next((int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:")), 0)
start = time.perf_counter()
with open(stdin, "rb") as source, open(out, "wb") as sink:
    child = subprocess.Popen(args, stdin=source, stdout=sink, stderr=subprocess.PIPE)
    err = child.stderr.read().decode("utf-8", "replace")[-600:]
    pid, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss,
                  "floor_kib": floor, "code": os.waitstatus_to_exitcode(status), "stderr": err}))
"""


def run_keeping_output(args: Sequence[str], env: dict[str, str], timeout: float = 3600) -> tuple[Sample, bytes]:
    """As :func:`run`, and also what the command wrote to its standard output.

    The output goes to a scratch file, not a pipe, so a command that writes a lot is
    never slowed by a reader that lags behind it.
    """
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "stdout"
        done = subprocess.run([sys.executable, "-c", _LAUNCHER_KEEPING_OUTPUT, json.dumps(list(args)), os.devnull,
                               str(out)], capture_output=True, text=True, env=env, timeout=timeout)
        return _launched(args, done), out.read_bytes()


def pty_until_with_cpu(args: Sequence[str], env: dict[str, str], markers: Sequence[bytes],
                       size: tuple[int, int] = (50, 120), timeout: float = 600) -> tuple[float, float]:
    """As :func:`pty_until`, and the CPU seconds (user + system) the process used.

    Read from ``RUSAGE_CHILDREN`` around the call: :func:`pty_until` reaps its child
    before it returns, and a benchmark runs one case at a time. CPU is the steadier
    figure on a shared machine, where wall time waits for other people's jobs.
    """
    import resource

    def spent() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    began = spent()
    wall = pty_until(args, env, markers, size, timeout)
    return wall, spent() - began
