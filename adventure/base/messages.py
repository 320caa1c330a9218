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

import contextlib
import gettext
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

DOMAIN = "million-miles"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"  # adventure/locale

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


@contextlib.contextmanager
def english() -> Iterator[None]:
    """The program's words in English for a while (JSON values meant for tools stay English)."""
    global _current
    saved, _current = _current, gettext.NullTranslations()
    try:
        yield
    finally:
        _current = saved


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


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd`` in the current language (``{ordinal(n)}`` in story text).

    The language's CLDR ordinal rule (from Babel) picks a category for the number, and
    the catalogue says how that category is written, so Spanish can write ``1.º`` and
    ``22.º``. A language Babel does not know is counted by the English rule.
    """
    category = _ordinal_rule(_language)(abs(number))
    if category == "one":
        # TRANSLATORS: an ordinal number in CLDR's category "one" for your language (English: 1st, 21st, 101st).
        form = pgettext("ordinal, CLDR category one", "{n}st")
    elif category == "two":
        # TRANSLATORS: an ordinal number in CLDR's category "two" (English: 2nd, 22nd).
        form = pgettext("ordinal, CLDR category two", "{n}nd")
    elif category == "few":
        # TRANSLATORS: an ordinal number in CLDR's category "few" (English: 3rd, 23rd).
        form = pgettext("ordinal, CLDR category few", "{n}rd")
    else:
        # TRANSLATORS: an ordinal number in any other CLDR category (English: 4th, 11th, 12th, 13th, 100th).
        form = pgettext("ordinal, CLDR category other", "{n}th")
    return form.format(n=number)


_RULES: dict[str, Callable[[int], str]] = {}


def _ordinal_rule(language: str) -> Callable[[int], str]:
    """The language's ordinal plural rule, from Babel's CLDR data (imported only when a story asks)."""
    rule = _RULES.get(language)
    if rule is None:
        from babel import Locale, UnknownLocaleError

        try:
            rule = Locale.parse(language.replace("-", "_")).ordinal_form
        except (UnknownLocaleError, ValueError, TypeError):
            rule = Locale.parse("en").ordinal_form
        _RULES[language] = rule
    return rule


def ngettext(singular: str, plural: str, n: int) -> str:
    """A count's word in the current language (``1 choice`` / ``2 choices``)."""
    return _current.ngettext(singular, plural, n)


def moment_in_words(when: datetime) -> str:
    """A moment inside a sentence, as a reader of the current language writes it.

    ``on December 6, 2026 at 10:51 PM`` / ``el 6 de diciembre de 2026 a las 22:51``: the
    date and the time come from Babel's CLDR patterns for the language, never ISO in prose.
    Tables keep ISO dates, which line up and sort.
    """
    from babel.dates import format_date, format_time

    locale = _babel_locale(_language)
    # TRANSLATORS: a moment in a sentence ("first reached {when}"); {date} is written like
    # "6 de diciembre de 2026" and {time} like "22:51" by your language's CLDR rules.
    return pgettext("a moment in a sentence", "on {date} at {time}").format(
        date=format_date(when, "long", locale=locale), time=format_time(when, "short", locale=locale))


def _babel_locale(language: str) -> str:
    """The Babel locale for ``language`` (English when Babel does not know it)."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(language.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return "en"
