"""The TV in the room logs in to PostgreSQL as a role of the read-only group calldesk_wallboard: the board reads
every figure and hears every change, and the database refuses it any write, whatever client it uses."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from peewee import DatabaseError
from stats_data import build_day

from calldesk.desk.calls import queue
from calldesk.desk.stats.wallboard import wallboard_figures
from calldesk.store.changes import ChangeWatcher
from calldesk.store.database import open_database

PG_URL_ENV = "CALLDESK_TEST_PG_URL"  # conftest's: imported, it could be tests/tui's conftest in a mixed run
pytestmark = pytest.mark.skipif(not os.environ.get(PG_URL_ENV), reason=f"database roles need {PG_URL_ENV}")


def _as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{role}@{parts.netloc.rpartition('@')[2]}"))


@pytest.fixture
def tv(db_url, desk):
    """A login for the TV, in calldesk_wallboard, on the day of tests/stats_data.py; dropped afterwards."""
    if db_url.startswith("sqlite"):
        pytest.skip("database roles are PostgreSQL's")
    import psycopg

    build_day(desk)
    role = f"cd_tv_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN IN ROLE calldesk_wallboard')
    try:
        yield _as_role(db_url, role)
    finally:
        open_database(db_url)  # the administrator's connection again, for the fixtures' own clean-up
        with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def test_the_tv_reads_every_figure_and_hears_every_change_but_writes_nothing(desk, db_url, tv):
    open_database(tv)
    board = wallboard_figures(desk)
    assert board.waiting == 1 and board.today.offered == 9
    watcher = ChangeWatcher()
    try:
        assert watcher.changed()  # its first look: listening as the TV's role
        with pytest.raises(DatabaseError, match="permission denied for table call"):
            queue.ring_call(desk, "+91 98765 43210", "support")
        open_database(db_url)  # the PBX rings a call, as the administrator
        queue.ring_call(desk, "+91 98765 43210", "support")
        assert watcher.wait_for_change(2.0)
    finally:
        watcher.close()
