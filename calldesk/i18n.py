"""The console's words in the operator's language: one ``_()`` for every string a person reads.

The catalogs are GNU gettext's: ``calldesk/locale/<language>/LC_MESSAGES/calldesk.po`` is written by people (Babel
extracts it from the code, see ``scripts/i18n.py``); the ``.mo`` beside it is compiled from it and shipped in the
package, so a plain ``pip install`` needs no build step (a test checks the two agree). English is the source
language: its words are the msgids themselves.

The language is chosen once, as the console starts (``use_language``): the operator's own, else the desk's
``language`` in config.yaml. Text built at import time (key names in a binding table) is marked with ``N_()`` and
translated where it is shown. Dates and counts are written with Babel in the same language (``format_moment``,
``format_count``); English output is what it always was ("11 Nov 10:53", "1,234").

The rules below the console (``calldesk.desk``) use ``_()`` too, for the refusals and words they hand up. The command
line never calls ``use_language``: there ``_()`` is English, so its output and the exports never change.
"""

from __future__ import annotations

import functools
import gettext
from datetime import datetime
from pathlib import Path

from calldesk.languages import LANGUAGES

DOMAIN = "calldesk"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
# LDML patterns for format_moment. Fixed widths ("05 Dec", not "5 Dec") keep a column of dates aligned; the names
# (Nov, नव॰; Tue, मंगल) come from the language's CLDR data.
DAY_TIME = "dd MMM HH:mm"
WEEKDAY_TIME = "EEE HH:mm"
WEEKDAY = "EEE"

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def use_language(language: str) -> str:
    """From now on ``_()`` answers in ``language`` (one of LANGUAGES; anything else means English). Returns the
    language in use."""
    global _catalog, _language
    _catalog = _catalog_of(language)
    _language = language if isinstance(_catalog, gettext.GNUTranslations) else SOURCE_LANGUAGE
    return _language


@functools.cache
def _catalog_of(language: str) -> gettext.NullTranslations:
    if language not in LANGUAGES or language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` (English) in the console's language."""
    return _catalog.gettext(message) if message else message


def translate_to(language: str, message: str) -> str:
    """``message`` (English) in ``language``, whatever this console speaks: words written now for someone else to
    read later (a notice to another operator)."""
    return _catalog_of(language).gettext(message) if message else message


def desk_word(word: str) -> str:
    """A word config.yaml gives the desk (a disposition, a pause reason, a complaint category), stored and exported
    as written: in the console's language when it is one of the stock words the catalog has, else as written."""
    return _(word)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the console's language."""
    return _catalog.ngettext(singular, plural, count)


def format_moment(moment: datetime, pattern: str) -> str:
    """``moment`` read on its own clock (convert it first) in an LDML ``pattern`` such as DAY_TIME, with the month
    and day names of the console's language: "11 Nov 10:53" in English, "11 नव॰ 10:53" in Hindi."""
    from babel.dates import format_datetime  # imported on first use: most commands never show a date

    return format_datetime(moment, pattern, locale=_language)


def format_count(count: int) -> str:
    """A whole number grouped as the console's language groups it: 1,234,567 in English, 12,34,567 in Hindi."""
    from babel.numbers import format_decimal  # imported on first use, as format_moment

    return format_decimal(count, locale=_language)


def weekday_name(weekday: int) -> str:
    """The short name of a day of the week (0 is Monday) in the console's language: "Tue", "मंगल"."""
    from babel.dates import get_day_names  # imported on first use, as format_moment

    return get_day_names("abbreviated", locale=_language)[weekday]


def N_(message: str) -> str:
    """Marks ``message`` for the catalog where it is defined (a table built at import); ``_()`` translates it where
    it is shown."""
    return message


def choose_language(*choices: str | None) -> str:
    """The first of ``choices`` that is a language of the console (the operator's, then the desk's), else English."""
    return next((choice for choice in choices if choice in LANGUAGES), SOURCE_LANGUAGE)
