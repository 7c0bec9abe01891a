"""The console's words in the operator's language: one ``_()`` for every string a person reads.

The catalogs are GNU gettext's: ``calldesk/locale/<language>/LC_MESSAGES/calldesk.po`` is written by people (Babel
extracts it from the code, see ``scripts/i18n.py``); the ``.mo`` beside it is compiled from it and shipped in the
package, so a plain ``pip install`` needs no build step (a test checks the two agree). English is the source
language: its words are the msgids themselves.

The language is chosen once, as the console starts (``use_language``): the operator's own, else the desk's
``language`` in config.yaml. Text built at import time (key names in a binding table) is marked with ``N_()`` and
translated where it is shown.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from calldesk.languages import LANGUAGES

DOMAIN = "calldesk"
LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def use_language(language: str) -> str:
    """From now on ``_()`` answers in ``language`` (one of LANGUAGES; anything else means English). Returns the
    language in use."""
    global _catalog, _language
    if language not in LANGUAGES or language == SOURCE_LANGUAGE:
        _catalog, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
    else:
        _catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)
        _language = language if isinstance(_catalog, gettext.GNUTranslations) else SOURCE_LANGUAGE
    return _language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    """``message`` (English) in the console's language."""
    return _catalog.gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the console's language."""
    return _catalog.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks ``message`` for the catalog where it is defined (a table built at import); ``_()`` translates it where
    it is shown."""
    return message


def choose_language(*choices: str | None) -> str:
    """The first of ``choices`` that is a language of the console (the operator's, then the desk's), else English."""
    return next((choice for choice in choices if choice in LANGUAGES), SOURCE_LANGUAGE)


def operator_language(operator_id: int) -> str:
    """The language an operator chose for their console ("" for the desk's); "" when it cannot be read."""
    from peewee import PeeweeException

    from calldesk.store.errors import StoreError
    from calldesk.store.models import Operator

    try:
        row = Operator.select(Operator.language).where(Operator.id == operator_id).first()
    except (StoreError, PeeweeException):
        return ""  # the database is away: the console starts in the desk's language
    return (row.language or "") if row is not None else ""
