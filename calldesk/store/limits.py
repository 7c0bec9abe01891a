"""The database's limits on text, checked before a value reaches either backend, so both refuse the same input.

PostgreSQL refuses text longer than its VARCHAR and any NUL character; SQLite stores both. Neither driver can send a
lone surrogate (text split from a broken UTF-16 pair). Every text column of the models checks its value here when it
is written or compared, whatever path it comes from (console, command line, PBX, import).
"""

from __future__ import annotations

from peewee import Field

from calldesk.desk.errors import DeskError  # a leaf module of refusal types: the store stays free of the rules


class TextRefused(DeskError):
    """A text value the database cannot keep as given; the message names the field and why."""


def check_text(field: Field, value: str) -> None:
    """Refuse ``value`` for ``field`` in one line: too long for the column, a NUL character, or not encodable."""
    limit = getattr(field, "max_length", None)
    if limit is not None and len(value) > limit:
        raise TextRefused(f"{_named(field)} is too long: {len(value):,} characters (at most {limit})")
    if "\x00" in value:
        raise TextRefused(f"{_named(field)} contains a NUL character (\\0), which the database cannot keep")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise TextRefused(f"{_named(field)} holds broken text at character {exc.start + 1} "
                              "(half of a UTF-16 pair): not stored") from None


def within_limits(field: Field, texts: list[str]) -> bool:
    """True when every text passes ``check_text``: a quick look at many values at once, before naming a culprit."""
    limit = getattr(field, "max_length", None)
    if limit is not None and max(map(len, texts)) > limit:
        return False
    joined = "\n".join(texts)
    if "\x00" in joined:
        return False
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _named(field: Field) -> str:
    return f"{field.model.__name__.lower()} {field.name.replace('_', ' ')}"  # only on a refusal: imports check millions
