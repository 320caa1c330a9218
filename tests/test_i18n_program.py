"""The program's own words: the Spanish gettext catalogue, run-time and build-time compilation."""

from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from adventure.base import messages as program
from adventure.base.messages import DOMAIN, LOCALE_DIR, compile_po, translations, use_language

ROOT = Path(__file__).resolve().parent.parent
SPANISH = LOCALE_DIR / "es" / "LC_MESSAGES" / f"{DOMAIN}.po"
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def spanish_catalogue():
    with SPANISH.open("rb") as handle:
        return read_po(handle, locale="es")


def extracted() -> dict[tuple[str, str | None], object]:
    """Every marked string of the package, as ``pybabel extract`` finds it."""
    found: dict[tuple[str, str | None], object] = {}
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT / "adventure")):
        key = message if isinstance(message, str) else message[0]
        found[(key, context)] = message
    return found


def test_every_marked_string_has_a_current_spanish_translation():
    catalogue = spanish_catalogue()
    messages = extracted()
    assert len(messages) > 10
    problems = []
    for (msgid, context), message in messages.items():
        entry = catalogue.get(msgid, context=context)
        if entry is None or not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            problems.append(f"not translated: {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        else:
            ids = [message] if isinstance(message, str) else list(message)
            strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
            wanted = set(PLACEHOLDER.findall(" ".join(ids)))
            for index, text in enumerate(strings):
                found = set(PLACEHOLDER.findall(text))
                # a language's singular may write the one without its number ("Tu partida anterior")
                singular = len(strings) > 1 and index == 0 and found < wanted and len(wanted - found) == 1
                if found != wanted and not singular:
                    problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
    assert problems == [], "run the pybabel commands in README.md (Development) and translate"


def test_the_catalogue_passes_msgfmt_check():
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(SPANISH)], check=True)


def test_a_source_checkout_compiles_the_po_at_run_time(tmp_path):
    locale = tmp_path / "locale" / "es" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(SPANISH, locale)
    assert not (locale / f"{DOMAIN}.mo").exists()
    spanish = translations("es", tmp_path / "locale")
    assert isinstance(spanish, gettext.GNUTranslations)
    assert spanish.gettext("yes") == "sí"
    assert translations("es_MX", tmp_path / "locale").gettext("yes") == "sí"  # es_MX falls back to es


def test_a_compiled_mo_is_used_when_present(tmp_path):
    locale = tmp_path / "locale" / "es" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    (locale / f"{DOMAIN}.mo").write_bytes(compile_po(SPANISH.read_bytes()))
    spanish = translations("es", tmp_path / "locale")
    assert spanish.gettext("yes") == "sí"
    catalogue = gettext.GNUTranslations(io.BytesIO((locale / f"{DOMAIN}.mo").read_bytes()))
    assert catalogue.gettext("no") == "no"


def test_english_and_unknown_languages_are_untranslated():
    assert translations("en").gettext("yes") == "yes"
    assert translations("xx").gettext("yes") == "yes"


def test_use_language_switches_the_words():
    use_language("es")
    assert program._("yes") == "sí" and program.current_language() == "es"
    use_language("en")
    assert program._("yes") == "yes"


def test_the_wheel_ships_compiled_catalogues(tmp_path):
    builders = pytest.importorskip("hatchling.builders.wheel")
    builder = builders.WheelBuilder(str(ROOT))
    (wheel,) = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        mo = f"adventure/locale/es/LC_MESSAGES/{DOMAIN}.mo"
        assert mo in names
        catalogue = gettext.GNUTranslations(io.BytesIO(archive.read(mo)))
    assert catalogue.gettext("yes") == "sí"
    assert not list((ROOT / "adventure" / "locale").glob("*/LC_MESSAGES/*.mo")), "the build left files behind"


def test_an_english_game_does_not_load_babel():
    """Start-up stays light: Babel is read only when there is a catalogue to read or compile."""
    import sys

    code = ("import sys; from adventure.i18n.language import load_in; "
            f"load_in({str(ROOT / 'scenes')!r}, 'en'); print(any(m.startswith('babel') for m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "False"
