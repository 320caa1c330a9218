"""``replay`` in a real pseudo-terminal: a single key ``q`` stops it, Ctrl-C exits 130."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "tests" / "runs" / "mini-sky.yaml"

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")]


def _spawn(*args: str):
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "PYTHONPATH": str(ROOT), "TERM": "xterm", "COLUMNS": "80",
           "LINES": "40"}
    return pexpect.spawn(sys.executable, ["-m", "adventure", "replay", str(RUN), *args], env=env,
                         dimensions=(40, 80), encoding="utf-8", timeout=15)


def test_q_stops_the_replay():
    child = _spawn("--speed", "0.05")  # slow: a page stays up for half a minute
    child.expect("step 1/9")
    child.send("q")
    child.expect("Stopped at step 1 of 9")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_exits_130():
    child = _spawn("--speed", "0.05")  # slow: a page stays up for half a minute
    child.expect("step 1/9")
    child.sendintr()
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_step_mode_advances_with_enter():
    child = _spawn("--step")
    child.expect("Enter: next step")
    child.sendline("")
    child.expect("step 2/9")
    child.expect("Enter: next step")
    child.sendline("q")
    child.expect("Stopped at step 2 of 9")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
