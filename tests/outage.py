"""Taking a test's database away and bringing it back, without touching anyone else's: other engineers' tests share
the PostgreSQL server, which is never restarted."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from pg_schema import with_trigram_search

from calldesk.store.models import database

PG_URL_ENV = "CALLDESK_TEST_PG_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def own_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database only this test can take away: a SQLite file in a folder of its own, or a PostgreSQL schema
    owned by a login role of its own (so refusing that role's logins is an outage for this test alone)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'desk' / 'calldesk.db'}"
        return
    base = os.environ.get(PG_URL_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_URL_ENV} (e.g. postgresql://postgres@127.0.0.1/test)")
    name = f"t_outage_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        with_trigram_search(admin)
        admin.execute(f"CREATE ROLE {name} LOGIN")
        admin.execute(f"CREATE SCHEMA {name} AUTHORIZATION {name}")
    yield base.replace("://postgres@", f"://{name}@") + f"?options=-csearch_path%3D{name},public"
    if database.obj is not None and not database.is_closed():
        database.close()
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"ALTER ROLE {name} LOGIN")
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
        admin.execute(f"DROP SCHEMA {name} CASCADE")
        admin.execute(f"DROP ROLE {name}")


class Outage:
    """The database of ``own_database_url`` goes away (SQLite: its folder renamed; PostgreSQL: its role may not log
    in and this console's connection is terminated) and comes back."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite_folder = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite") else None
        self.role = "" if self.sqlite_folder else url.split("://")[1].split("@")[0]

    def begin(self, *, drop_my_connection: bool = True) -> None:
        if self.sqlite_folder is not None:
            if drop_my_connection:
                database.close()  # an open SQLite file stays usable: a console finds it gone when it next opens it
            self.sqlite_folder.rename(self.sqlite_folder.with_name("desk-unreachable"))
            return
        mine = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0] if drop_my_connection else None
        with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
            admin.execute(f"ALTER ROLE {self.role} NOLOGIN")
            if mine is not None:  # this console's connection only
                admin.execute("SELECT pg_terminate_backend(%s)", (mine,))

    def end(self) -> None:
        if self.sqlite_folder is not None:
            self.sqlite_folder.with_name("desk-unreachable").rename(self.sqlite_folder)
            return
        with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
            admin.execute(f"ALTER ROLE {self.role} LOGIN")

    def terminate_listeners(self) -> int:
        """Cut this test's change listeners (PostgreSQL), as a server restart would; returns how many."""
        with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
            return admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE usename = %s AND application_name LIKE 'calldesk listener %%'", (self.role,),
            ).fetchone()[0]
