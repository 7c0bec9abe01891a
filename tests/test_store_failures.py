"""The database away or refusing, told apart once (calldesk/store/failures.py): the console's database thread, the
journal, the PBX's event pump, the client import and opening the store all ask it."""

from __future__ import annotations

import pytest
from peewee import DataError, IntegrityError, InterfaceError, OperationalError, ProgrammingError

from calldesk.desk.errors import DeskError
from calldesk.store.errors import StoreError
from calldesk.store.failures import Failure, failure_of, problem


def _store_error_from(cause: BaseException | None) -> StoreError:
    try:
        try:
            if cause is not None:
                raise cause
        finally:
            raise StoreError("database calldesk.db: cannot open it") from None  # as open_database words it
    except StoreError as exc:
        return exc


@pytest.mark.parametrize(("exc", "kind"), [
    (OperationalError("server closed the connection unexpectedly"), Failure.AWAY),
    (InterfaceError("connection already closed"), Failure.AWAY),
    (IntegrityError("UNIQUE constraint failed: call.external_id"), Failure.REFUSED),
    (DataError("value too long for type character varying(64)"), Failure.REFUSED),
    (ProgrammingError("no such column"), Failure.REFUSED),
    (_store_error_from(OperationalError("unable to open database file")), Failure.AWAY),
    (_store_error_from(None), Failure.AWAY),
    (_store_error_from(OSError("read-only file system")), None),
    (DeskError("call 7 does not exist"), None),
    (ValueError("not the database's"), None),
])
def test_a_failure_is_the_database_away_refusing_or_not_the_databases(exc, kind):
    assert failure_of(exc) is kind


def test_psycopgs_own_errors_are_told_apart_too():
    psycopg = pytest.importorskip("psycopg")
    assert failure_of(psycopg.OperationalError("the server went away")) is Failure.AWAY
    assert failure_of(psycopg.errors.UniqueViolation("duplicate key")) is Failure.REFUSED
    assert failure_of(psycopg.errors.StringDataRightTruncation("value too long")) is Failure.REFUSED


def test_the_problem_is_the_databases_first_line():
    assert problem(OperationalError("could not connect to server\nIs the server running?")) == (
        "could not connect to server")
    assert problem(OperationalError()) == "OperationalError"
