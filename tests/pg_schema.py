"""A PostgreSQL schema of its own for a test, dropped afterwards: the conftest's db_url and the tests that open
both backends at once use it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from calldesk.store.models import database


def pg_schema_url(base: str) -> Iterator[str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        # In public, once: created inside a test schema it would vanish with it, under other tests' indexes.
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema},public"
    if not database.is_closed():
        database.close()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
