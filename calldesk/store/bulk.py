"""Multi-row inserts for imports: one statement per few hundred rows, built once, without Peewee's per-value work.

Peewee spends time on every value it renders (docs/performance.md); an import of 100,000 clients writes millions.
Values must already be what the database stores (use ``field.db_value`` for times).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from peewee import CharField, Field, Model, TextField

from calldesk.store.limits import check_text, within_limits
from calldesk.store.models import database

ROWS_PER_STATEMENT = 500  # x columns stays well under SQLite's 32,766 and PostgreSQL's 65,535 parameters
VALUES_PER_IN_LIST = 500  # values per IN (...) list: well inside both backends' limits


def insert_rows(model: type[Model], fields: Sequence[Field], rows: Sequence[Sequence[Any]],
                return_ids: bool = False) -> list[int]:
    """Insert the rows (values in the order of ``fields``); with ``return_ids``, their ids in the same order."""
    db = database.obj
    columns = ", ".join(_quoted(f.column_name) for f in fields)
    one_row = "(" + ", ".join([db.param] * len(fields)) + ")"
    returning = f" RETURNING {_quoted(model._meta.primary_key.column_name)}" if return_ids else ""
    _check_texts(fields, rows)
    ids: list[int] = []
    for start in range(0, len(rows), ROWS_PER_STATEMENT):  # slices: Peewee's chunked pads every batch to full size
        batch = rows[start:start + ROWS_PER_STATEMENT]
        sql = f"INSERT INTO {_quoted(model._meta.table_name)} ({columns}) VALUES {', '.join([one_row] * len(batch))}"
        cursor = db.execute_sql(sql + returning, [value for row in batch for value in row])
        if return_ids:
            # Rows come back in insert order on both backends (Django's bulk_create relies on the same).
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _check_texts(fields: Sequence[Field], rows: Sequence[Sequence[Any]]) -> None:
    """The text columns' limits, as a Peewee insert checks them (store.limits): this path skips Peewee's values.
    A column is checked whole first (its longest value, then its values joined) and row by row only when that finds
    something: a million-row import checks millions of values, nearly all of them fine."""
    for index, field in enumerate(fields):
        if isinstance(field, CharField | TextField):
            texts = [row[index] for row in rows if isinstance(row[index], str)]
            if texts and not within_limits(field, texts):
                for text in texts:
                    check_text(field, text)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'  # the SQL standard's quotes: SQLite and PostgreSQL both take them
