"""The program's own words (title screen, help, prompts, messages) through standard gettext.

The catalogues are ordinary gettext ones for the domain ``million-miles``, kept as
``adventure/locale/LANG/LC_MESSAGES/million-miles.po`` in the repository. The wheel
ships them compiled to ``.mo`` (the hatch build hook ``hatch_build.py`` runs Babel's
``write_mo``); a source checkout without ``.mo`` files compiles the ``.po`` in memory
when the language is chosen, so a translator sees an edit at the next start.

Strings are marked with :func:`_` (and :func:`ngettext` for counts); until
:func:`use_language` is called every string is English. Diagnostics for story authors
(``check`` and load errors) stay English, like a compiler's: they quote the YAML keys
and codes that the documentation explains in English.

Typical use::

    use_language("es")
    _("Choices:")              # 'Opciones:'
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

DOMAIN = "million-miles"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def program_languages() -> list[str]:
    """Languages the program's words are translated to (a ``.po`` or ``.mo`` present)."""
    try:
        return sorted(d.name for d in LOCALE_DIR.iterdir()
                      if (d / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file() or (d / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())
    except OSError:
        return []


def translations(language: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalogue for ``language``: the compiled ``.mo``, else the ``.po`` compiled now."""
    if language == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, str(locale_dir), languages=[language])
    except OSError:
        pass
    for code in (language, language.split("_", maxsplit=1)[0]):
        po = locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.is_file():
            return gettext.GNUTranslations(io.BytesIO(compile_po(po.read_bytes())))
    return gettext.NullTranslations()


def compile_po(data: bytes) -> bytes:
    """A ``.po`` file's bytes compiled to ``.mo`` bytes with Babel (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(data))
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def use_language(language: str) -> None:
    """Translate the program's words to ``language`` from now on (``en``: none)."""
    global _current, _language
    _current = translations(language)
    _language = language


def current_language() -> str:
    """The language chosen with :func:`use_language` (``en`` until then)."""
    return _language


def _(message: str) -> str:
    """The program's word in the current language (gettext's ``_``)."""
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark a string for translation where it is defined (a table, a constant) and translate
    it where it is shown, with :func:`_`: the program's language is chosen after import."""
    return message


def pgettext(context: str, message: str) -> str:
    """A word whose translation depends on where it is used (``msgctxt``)."""
    return _current.pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """A count's word in the current language (``1 choice`` / ``2 choices``)."""
    return _current.ngettext(singular, plural, n)
