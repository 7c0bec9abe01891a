"""What went wrong with the database, told apart in one place for the console's database thread, the journal, the
PBX's event pump, the client import and opening the store.

A failure is either the database **away** (it could not be reached, or went away mid-way: a stopped server, a
dropped connection, a locked or unreadable file), where the same work may succeed later and is kept or retried, or
the database **refusing** the statement itself (a constraint, a value too long or of the wrong kind), where retrying
would not help. Peewee translates the driver's errors; psycopg's own can get past it (a deadlock, a lost server), so
both are read.
"""

from __future__ import annotations

from enum import Enum

from peewee import DatabaseError, InterfaceError, OperationalError

from calldesk.store.errors import StoreError


class Failure(Enum):
    AWAY = "away"
    REFUSED = "refused"


def failure_of(exc: BaseException) -> Failure | None:
    """Which database failure ``exc`` is; None when it is not the database's. A StoreError is what caused it (one
    raised without a cause, as opening a database does, is the database away)."""
    if isinstance(exc, StoreError):
        cause = exc.__cause__ or exc.__context__
        return Failure.AWAY if cause is None else failure_of(cause)
    if isinstance(exc, OperationalError | InterfaceError):
        return Failure.AWAY
    if isinstance(exc, DatabaseError):
        return Failure.REFUSED
    if type(exc).__module__.startswith("psycopg"):
        import psycopg  # loaded already: the error came from it

        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return Failure.AWAY
        return Failure.REFUSED if isinstance(exc, psycopg.Error) else None
    return None


def is_away(exc: BaseException) -> bool:
    """The database could not be reached or went away: the same work may succeed later."""
    return failure_of(exc) is Failure.AWAY


def is_refused(exc: BaseException) -> bool:
    """The database rejected the statement itself: the same work would fail again."""
    return failure_of(exc) is Failure.REFUSED


def problem(exc: BaseException) -> str:
    """The database's own words for a failure, in one line."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
