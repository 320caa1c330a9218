"""The million-miles command line with the loader's control-character check switched off.

The loader refuses a story whose text holds control characters (``MM110``), so the
hostile fixture story can only reach the screens, exports and graphs this way. Tests
run this script (``python tests/hostile_cli.py play ...``) to prove that every output
path escapes what a loader bug would let through: defence in depth.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adventure.story import yamlsrc  # noqa: E402


def unchecked_clean(self: object, node: object) -> bool:
    """Accept every string, as a loader without the MM110 check would."""
    return True


yamlsrc._Reader.clean = unchecked_clean  # type: ignore[method-assign,assignment]

if __name__ == "__main__":
    from adventure.cli import main

    sys.exit(main())
