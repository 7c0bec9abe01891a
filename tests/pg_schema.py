"""A PostgreSQL schema of its own for a test, dropped afterwards: the conftest's db_url and the tests that open
both backends at once use it."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from calldesk.store.models import database


def pg_schema_url(base: str, *, drop_logins: bool = False) -> Iterator[str]:
    """``drop_logins``: the test gives operators database logins (cluster-wide): drop the ones it made. Only such
    tests may, and they run one at a time (conftest's ``database_logins`` marker): any other test's logins would
    be another worker's, made meanwhile."""
    import psycopg
    from psycopg import sql

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        roles_before = _logins(conn) if drop_logins else set()
        with_trigram_search(conn)
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema},public"
    if not database.is_closed():
        database.close()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
        for role in (_logins(conn) - roles_before) if drop_logins else ():
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def with_trigram_search(conn) -> None:
    """pg_trgm in public, once: made inside a test schema it would vanish with it, under other tests' indexes. Tests
    run in parallel: on a fresh server two may make it at the same moment, and the loser finds it made."""
    import psycopg

    with contextlib.suppress(psycopg.errors.UniqueViolation, psycopg.errors.DuplicateObject):
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


def _logins(conn) -> set[str]:
    """The roles calldesk made operators' logins (members of its group roles), on every desk of the cluster."""
    return {name for (name,) in conn.execute(
        "SELECT DISTINCT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname IN ('calldesk_operator', 'calldesk_lead') "
        "AND r.rolname NOT IN ('calldesk_operator', 'calldesk_lead')")}
