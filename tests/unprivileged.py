"""Running the installed command as an unprivileged user (uid 65534), or skipping with the reason why not.

Root reads every file whatever its mode, so the tests of unreadable files run the
command as ``nobody`` through ``setpriv``. That only works where ``nobody`` can start
the command at all: a checkout inside a folder only its owner may enter (a ``mktemp -d``
folder is mode 0700), or an interpreter whose shared library sits under a root-only
home (a pyenv build), stops it before the game runs. Those are facts about the machine,
not the game, so the tests skip with the reason rather than fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"]


def nobody_prefix(command: str, env: dict[str, str] | None = None) -> list[str]:
    """The ``setpriv`` prefix that runs ``command`` as nobody; skips the test when that cannot work."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to run as an unprivileged user")
    prefix = [setpriv, *NOBODY]
    probe_env = env if env is not None else {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8"}
    try:
        probe = subprocess.run([*prefix, command, "--version"], capture_output=True, text=True, timeout=60,
                               env=probe_env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"the unprivileged user cannot start {command}: {exc}")
    if probe.returncode != 0:
        why = (probe.stderr.strip().splitlines() or [f"exit {probe.returncode}"])[-1]
        pytest.skip(f"the unprivileged user cannot start {command} (exit {probe.returncode}: {why}); "
                    "is the checkout or the interpreter in a folder only its owner may enter?")
    return prefix
