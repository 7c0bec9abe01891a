"""Statements of a fixed shape, built by Peewee once per database and then run again with new values.

Peewee spends far longer building a statement than SQLite spends running it (docs/performance.md); a burst of
PBX events runs the same few statements thousands of times. The SQL is built per database, as SQLite and PostgreSQL
differ in their parameter marks (? and %s). Values are given as the database stores them (``field.db_value`` for times).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from peewee import Database, Query, Value

from calldesk.store.bulk import VALUES_PER_IN_LIST
from calldesk.store.models import database


class _Slot:
    """Where a value given at run time goes among the built statement's parameters. Not a tuple: Peewee would read
    a tuple as a row value."""

    __slots__ = ("index", "name")

    def __init__(self, name: str, index: int | None = None) -> None:
        self.name = name
        self.index = index  # the item, for a list of values


class _Built(NamedTuple):
    """A statement built once for one database, its parameters holding a slot for each value of a run."""

    sql: str
    params: tuple[Any, ...]  # the fixed values, and a _Slot where a run's value goes


class Prepared:
    """A statement ``build`` makes from its named values, built once and run with ``rows`` or ``execute``.

    ``build`` takes one keyword per value and uses it as a value in the query: ``Prepared(lambda call_id:
    Call.select(Call.status).where(Call.id == call_id))``. A value given as a list (for ``IN``) makes the statement
    for lists of that length rounded up to a power of two, the last item repeated: a few shapes serve any length.
    """

    def __init__(self, build: Callable[..., Query]) -> None:
        self._build = build
        self._built: weakref.WeakKeyDictionary[Database, dict[tuple, _Built]] = weakref.WeakKeyDictionary()

    def rows(self, **values: Any) -> list[tuple]:
        """The rows the statement returns (a SELECT, or a statement with RETURNING)."""
        return self._run(values).fetchall()

    def rows_in_batches(self, name: str, items: Sequence[Any], **values: Any) -> list[tuple]:
        """``rows`` for a list of any length given as ``name``: one run per VALUES_PER_IN_LIST of its items."""
        return [row for start in range(0, len(items), VALUES_PER_IN_LIST)
                for row in self.rows(**{name: items[start:start + VALUES_PER_IN_LIST]}, **values)]

    def execute(self, **values: Any) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        return self._run(values).rowcount

    def _run(self, values: dict[str, Any]) -> Any:
        db = database.obj
        lists = {name: _padded(value) for name, value in values.items() if isinstance(value, (list, tuple))}
        shape = tuple(sorted((name, len(items)) for name, items in lists.items()))
        built = self._built.setdefault(db, {}).get(shape)
        if built is None:
            built = self._built[db][shape] = self._make(db, values, lists)
        params = [
            (lists[p.name][p.index] if p.index is not None else values[p.name]) if isinstance(p, _Slot) else p
            for p in built.params
        ]
        return db.execute_sql(built.sql, params)

    def _make(self, db: Database, values: dict[str, Any], lists: dict[str, list]) -> _Built:
        slots = {
            name: [_mark(name, i) for i in range(len(lists[name]))] if name in lists else _mark(name)
            for name in values
        }
        sql, params = db.get_sql_context().sql(self._build(**slots)).query()
        return _Built(sql, tuple(params))


def _mark(name: str, index: int | None = None) -> Value:
    return Value(_Slot(name, index), converter=False)  # no converter: the run's value goes in as given


def _padded(items: Sequence[Any]) -> list[Any]:
    size = 1
    while size < len(items):
        size *= 2
    return [*items, *[items[-1]] * (size - len(items))] if items else []
