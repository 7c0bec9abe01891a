"""A PostgreSQL schema of its own for a test, dropped afterwards: the conftest's db_url and the tests that open
both backends at once use it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from calldesk.store.models import database


def pg_schema_url(base: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        roles_before = _logins(conn)
        # In public, once: created inside a test schema it would vanish with it, under other tests' indexes.
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema},public"
    if not database.is_closed():
        database.close()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
        for role in _logins(conn) - roles_before:  # the logins the test gave: they are cluster-wide
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _logins(conn) -> set[str]:
    """The roles calldesk made operators' logins (members of its group roles), on every desk of the cluster."""
    return {name for (name,) in conn.execute(
        "SELECT DISTINCT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member "
        "JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname IN ('calldesk_operator', 'calldesk_lead') "
        "AND r.rolname NOT IN ('calldesk_operator', 'calldesk_lead')")}
