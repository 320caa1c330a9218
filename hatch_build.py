"""Hatch build hook: compile the program's gettext catalogues (``.po``) to ``.mo`` for the wheel.

The repository keeps only ``adventure/locale/LANG/LC_MESSAGES/million-miles.po``; a wheel
ships the compiled ``.mo`` beside it so ``gettext.translation`` finds it. Editable
installs skip this: a source checkout compiles the ``.po`` in memory at start-up
(``adventure/base/messages.py``), so a translator's edit shows at the next run.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._out = Path(tempfile.mkdtemp(prefix="million-miles-mo-"))
        for po in sorted(Path(self.root, "adventure", "locale").glob("*/LC_MESSAGES/*.po")):
            relative = po.relative_to(self.root).with_suffix(".mo")
            target = self._out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with po.open("rb") as source:
                catalog = read_po(source)
            with target.open("wb") as out:
                write_mo(out, catalog, use_fuzzy=False)
            build_data["force_include"][str(target)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
