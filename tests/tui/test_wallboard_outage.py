"""The database goes away under the room's wallboard: the board says so on its title line, keeps the last figures
in sight, and reads again by itself once the database is back (SQLite and PostgreSQL)."""

from __future__ import annotations

import os

import psycopg
from outage import PG_URL_ENV, own_database_url
from textual.widgets import Digits, Static

from calldesk.desk.calls import queue
from calldesk.store.models import database
from calldesk.tui.wallboard.app import WallboardApp

db_url = own_database_url  # the story takes the database away


async def _until(pilot, condition, seconds: float = 5.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def test_the_board_says_the_database_is_away_keeps_its_figures_and_comes_back(desk, db_url, outage):
    queue.ring_call(desk, "+91 98765 43210", "support")
    app = WallboardApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        assert await _until(pilot, lambda: app.figures is not None)
        title = app.query_one("#wb-title", Static)
        await app.db.run(database.close)  # the board's own connection: SQLite keeps an open file usable
        outage.begin()
        if not db_url.startswith("sqlite"):  # and PostgreSQL hangs up on the board too
            with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                              (outage.role,))
        assert await _until(pilot, lambda: "Cannot read the desk" in str(title.content))
        assert str(app.query_one("#wb-waiting Digits", Digits).value) == "1"  # the last figures stay
        outage.end()
        assert await _until(pilot, lambda: "Cannot read the desk" not in str(title.content))
        assert str(app.query_one("#wb-waiting Digits", Digits).value) == "1"
