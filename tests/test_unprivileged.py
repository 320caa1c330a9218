"""The unprivileged-user helper skips, with its reason, where nobody cannot start the command."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from unprivileged import nobody_prefix


def _script_in(folder: Path) -> str:
    script = folder / "million-miles"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_a_command_inside_a_0700_folder_is_a_skip_not_a_failure():
    base = Path(tempfile.mkdtemp(prefix="mm-0700-"))  # mode 0700, as a mktemp -d checkout
    try:
        with pytest.raises(pytest.skip.Exception, match="cannot start"):
            nobody_prefix(_script_in(base))
    finally:
        shutil.rmtree(base)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv")
def test_a_command_nobody_can_start_gives_the_prefix():
    base = Path(tempfile.mkdtemp(prefix="mm-0755-"))
    try:
        base.chmod(0o755)
        prefix = nobody_prefix(_script_in(base))
        assert prefix[1:] == ["--reuid=65534", "--regid=65534", "--clear-groups"]
    finally:
        shutil.rmtree(base)
