"""Change notification: has anyone else committed since I last looked?

On PostgreSQL, statement triggers on the tables consoles show send a NOTIFY on ``calldesk_changes`` (payload:
``schema.table``) when a change commits, and each watcher LISTENs on a connection of its own. On SQLite,
``PRAGMA data_version`` counts commits by other connections. Either way a hint, never the data itself: a watcher
that (re)connects says "changed" once, so the console re-reads everything.
"""

from __future__ import annotations

import select
import time

from peewee import Database, DatabaseError, SqliteDatabase

from calldesk.store.models import (
    Call,
    CallBack,
    CallReview,
    Client,
    Escalation,
    FaqEntry,
    Feedback,
    Note,
    Notice,
    Operator,
    Phone,
    database,
)

CHANNEL = "calldesk_changes"
# What another console shows; drafts, the audit trail and statistics change too often or are nobody's live view.
LIVE_MODELS = (Operator, Client, Phone, Call, Note, CallBack, Escalation, Feedback, FaqEntry, CallReview, Notice)
SQLITE_POLL_SECONDS = 0.05
RETRY_CONNECT_SECONDS = 2.0
# The kernel notices a vanished server within ~15 s, so a dead listener is never mistaken for a quiet desk.
LISTENER_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
                       "tcp_user_timeout": 10_000}


def install_change_notices(db: Database) -> None:
    """PostgreSQL: a trigger on every live table that notifies listeners once per changing statement."""
    if isinstance(db, SqliteDatabase):
        return
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION calldesk_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM pg_notify('{CHANNEL}', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME); RETURN NULL; END $$"
    )
    for model in LIVE_MODELS:
        table = model._meta.table_name
        db.execute_sql(f'DROP TRIGGER IF EXISTS calldesk_notify_change ON "{table}"')
        db.execute_sql(
            f'CREATE TRIGGER calldesk_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION calldesk_notify_change()"
        )


class ChangeWatcher:
    """Ask ``changed()`` (or wait with ``wait_for_change``) from one thread; ``close()`` when done.

    It never raises: losing the database reads as one "changed" (re-read, and find it away), then quiet until it
    is back, which reads as "changed" again. On SQLite it uses the calling thread's connection; on PostgreSQL a
    listening connection of its own, so it may live on a thread of its own and never hold up the console's queries.
    """

    def __init__(self) -> None:
        self._seen: int | None = None
        self._sqlite_connection: object | None = None
        self._listener = None  # psycopg.Connection, opened on first use
        self._schema = ""
        self._retry_at = 0.0

    def changed(self) -> bool:
        """True when something may have changed since the last call (always True the first time it connects)."""
        if isinstance(database.obj, SqliteDatabase):
            return self._sqlite_changed()
        return self._postgres_changed(timeout=0)

    def wait_for_change(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for a change; True as soon as one is seen, False if none came."""
        deadline = time.monotonic() + timeout
        if not isinstance(database.obj, SqliteDatabase):
            return self._postgres_changed(timeout)
        while not self._sqlite_changed():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(SQLITE_POLL_SECONDS, left))
        return True

    def close(self) -> None:
        """Hang up: the listening connection (PostgreSQL), or the calling thread's connection (SQLite)."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._sqlite_connection is not None and not database.is_closed():
            database.close()
            self._sqlite_connection = None

    # --- SQLite -----------------------------------------------------------------------------------------------

    def _sqlite_changed(self) -> bool:
        try:
            connection = database.connection()
            version = database.execute_sql("PRAGMA data_version").fetchone()[0]
        except DatabaseError:
            database.close()  # unreachable: dial again next time
            lost, self._sqlite_connection = self._sqlite_connection is not None, None
            return lost
        # data_version is per connection: after a reconnect its value means nothing, so say "changed" once.
        changed = version != self._seen or connection is not self._sqlite_connection
        self._seen, self._sqlite_connection = version, connection
        return changed

    # --- PostgreSQL ---------------------------------------------------------------------------------------------

    def _postgres_changed(self, timeout: float) -> bool:
        import psycopg

        deadline = time.monotonic() + timeout
        if self._listener is None:
            time.sleep(max(0.0, min(self._retry_at, deadline) - time.monotonic()))
            if time.monotonic() < self._retry_at:
                return False  # still away: the console's own queries say so
            try:
                self._listen()
            except psycopg.Error:
                self._retry_at = time.monotonic() + RETRY_CONNECT_SECONDS
                time.sleep(max(0.0, deadline - time.monotonic()))  # a waiting caller must not spin
                return False
            return True  # (re)connected: whatever happened meanwhile was not heard
        try:
            return self._drain(max(0.0, deadline - time.monotonic()))
        except psycopg.Error:
            self.close()  # the server hung up: say so once, then dial again
            return True

    def _listen(self) -> None:
        import psycopg

        db = database.obj
        params = {**db.connect_params, **LISTENER_KEEPALIVES}
        if not db.database.startswith("postgresql://"):
            params["dbname"] = db.database
        else:
            params["conninfo"] = db.database
        listener = psycopg.connect(autocommit=True, **params)
        try:
            # The schema the console's tables resolve to: other desks may share the database under other schemas.
            self._schema = listener.execute(
                "SELECT coalesce((SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.oid = to_regclass('\"call\"')), current_schema())"
            ).fetchone()[0]
            # Named, so pg_stat_activity tells a desk's listeners apart (and an admin can find them).
            listener.execute("SELECT set_config('application_name', %s, false)", (f"calldesk listener {self._schema}",))
            listener.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            listener.close()
            raise
        self._listener = listener

    def _drain(self, timeout: float) -> bool:
        """Read every notification already received, waiting up to ``timeout`` for one of this desk's; a closed
        connection raises, which the caller turns into a reconnect."""
        pgconn = self._listener.pgconn
        prefix = f"{self._schema}."
        deadline = time.monotonic() + timeout
        changed = False
        while True:
            wait = 0.0 if changed else max(0.0, deadline - time.monotonic())
            if not select.select([pgconn.socket], [], [], wait)[0]:
                return changed
            pgconn.consume_input()  # raises once the server has hung up
            while (notice := pgconn.notifies()) is not None:
                changed = changed or notice.extra.decode().startswith(prefix)
