"""The language an operator chose for their console, as the store keeps it (calldesk/i18n.py holds the words)."""

from __future__ import annotations

from peewee import PeeweeException

from calldesk.store.errors import StoreError
from calldesk.store.models import Operator


def operator_language(operator_id: int) -> str:
    """The language an operator chose for their console ("" for the desk's); "" when it cannot be read."""
    try:
        row = Operator.select(Operator.language).where(Operator.id == operator_id).first()
    except (StoreError, PeeweeException):
        return ""  # the database is away: the console starts in the desk's language
    return (row.language or "") if row is not None else ""
