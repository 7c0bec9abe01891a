"""Another console's change shows on mine within a second: NOTIFY on PostgreSQL, data_version on SQLite."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import psycopg
import pytest
from outage import PG_URL_ENV, Outage, own_database_url

from calldesk.desk.calls import queue
from calldesk.desk.clients import notes
from calldesk.desk.operators import roster
from calldesk.store.changes import ChangeWatcher
from calldesk.store.database import is_sqlite
from calldesk.store.models import database

db_url = own_database_url  # some stories take the database away


def _from_another_console(action: Callable[[], object]) -> None:
    """Run a desk rule on a thread of its own: its own connection, as another console has."""
    def console() -> None:
        try:
            action()
        finally:
            database.close()

    thread = threading.Thread(target=console)
    thread.start()
    thread.join()


@pytest.fixture
def watcher(desk):
    watching = ChangeWatcher()
    assert watching.changed()  # the first look is a full read
    yield watching
    watching.close()


def test_a_call_rung_from_another_console_is_seen_within_a_second(desk, watcher):
    assert not watcher.changed()
    started = time.monotonic()
    _from_another_console(lambda: queue.ring_call(desk, "+91 98765 43210", "support"))
    assert watcher.wait_for_change(1.0)
    assert time.monotonic() - started < 1.0
    assert not watcher.changed()  # told once


def test_a_claim_and_an_operator_state_are_live_too(desk, watcher):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    call_id = queue.ring_call(desk, "+91 98765 43210", "support")
    watcher.wait_for_change(0.5)  # this console's own writes may wake it; drain them
    _from_another_console(lambda: queue.claim_call(desk, call_id, asha.id))
    assert watcher.wait_for_change(1.0)


def test_nothing_happening_means_no_refresh(desk, watcher):
    started = time.monotonic()
    assert not watcher.wait_for_change(0.2)
    assert 0.15 < time.monotonic() - started < 1.0


def _pg_only(desk) -> None:
    if is_sqlite(database.obj):
        pytest.skip("PostgreSQL feature: LISTEN/NOTIFY")


def test_draft_autosaves_do_not_wake_every_console(desk, watcher):
    _pg_only(desk)
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    watcher.wait_for_change(0.5)
    _from_another_console(lambda: notes.save_draft(desk, asha.id, None, None, "typing..."))
    assert not watcher.wait_for_change(0.3)


def test_another_desk_sharing_the_server_does_not_wake_mine(desk, watcher):
    _pg_only(desk)
    with psycopg.connect(os.environ[PG_URL_ENV], autocommit=True) as admin:
        admin.execute("CREATE SCHEMA t_other_desk_" + str(id(watcher)))
        try:
            admin.execute(f"CREATE TABLE t_other_desk_{id(watcher)}.call (id int)")
            admin.execute("SELECT pg_notify('calldesk_changes', %s)", (f"t_other_desk_{id(watcher)}.call",))
            assert not watcher.wait_for_change(0.3)
        finally:
            admin.execute(f"DROP SCHEMA t_other_desk_{id(watcher)} CASCADE")


def test_a_dropped_listening_connection_means_a_full_refresh_then_live_again(desk, watcher, db_url):
    _pg_only(desk)
    assert Outage(db_url).terminate_listeners() == 1  # this test's own listener only: others share the server
    assert watcher.wait_for_change(1.0)  # the hang-up is noticed, and reported as "re-read everything"
    assert watcher.changed()  # reconnected: whatever was missed meanwhile is re-read
    assert not watcher.changed()
    _from_another_console(lambda: queue.ring_call(desk, "+91 98765 43210", "support"))
    assert watcher.wait_for_change(1.0)


def test_the_database_going_away_reads_as_one_change_then_quiet_until_it_is_back(desk, watcher, db_url):
    outage = Outage(db_url)
    outage.begin()
    if not is_sqlite(database.obj):
        outage.terminate_listeners()  # a server restart cuts every connection
    assert watcher.wait_for_change(1.0)  # re-read: the console finds the database away and says so
    started = time.monotonic()
    assert not watcher.wait_for_change(0.3)  # no refresh storm while it is away
    assert not watcher.changed()
    assert time.monotonic() - started >= 0.25
    outage.end()
    assert watcher.wait_for_change(3.0)  # back: re-read everything once
    _from_another_console(lambda: queue.ring_call(desk, "+91 98765 43210", "support"))
    assert watcher.wait_for_change(1.0)
