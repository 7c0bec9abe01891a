"""One thread owns the console's database connection; the UI awaits work sent to it and never blocks on SQL.

Textual's thread workers start a new thread each time, and Peewee opens a connection per thread: a single
long-lived thread keeps one connection (and SQLite's data_version meaningful) for the whole session.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from peewee import DatabaseError, InterfaceError

from calldesk.desk.errors import DeskError
from calldesk.store.errors import StoreError
from calldesk.store.failures import failure_of, problem
from calldesk.store.models import database

P = ParamSpec("P")
T = TypeVar("T")


class DatabaseAway(DeskError):
    """The database did not answer; the app's outage policy has run already (the status bar, one message, the
    journal), so whoever catches it only has to stop."""


class DatabaseThread:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="calldesk-db")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on the database thread and return its result (or raise its exception) here."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(_guarded, fn, *args, **kwargs))

    def close(self) -> None:
        self._executor.submit(lambda: database.close() if not database.is_closed() else None)
        self._executor.shutdown(wait=True)


def _guarded(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Database failures reach the UI as one-line StoreErrors; the connection is reopened on the next call."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        if isinstance(exc, StoreError) or failure_of(exc) is None:  # worded already, or not the database's
            raise
        with contextlib.suppress(DatabaseError, InterfaceError):  # the server may have dropped it already
            database.close()
        raise StoreError(f"database unavailable: {problem(exc)}") from exc
