"""The schema's versions and the steps between them. Version 1 is the first release.

A new release appends a step; ``migrate`` applies the missing ones in order, once, even when several consoles
start together (an advisory lock on PostgreSQL, an immediate transaction on SQLite).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from peewee import Database, SqliteDatabase

from calldesk.store.changes import install_change_notices
from calldesk.store.errors import StoreError
from calldesk.store.models import ALL_MODELS, Notice, QueueMember, SchemaVersion

MIGRATION_LOCK_ID = 0x6361_6C6C  # "call": the advisory lock that serialises PostgreSQL migrations


def _create_tables(db: Database) -> None:
    db.create_tables(ALL_MODELS, safe=True)


def _create_search_index(db: Database) -> None:
    """Substring search over name, company and phone digits: FTS5 trigrams on SQLite, pg_trgm on PostgreSQL."""
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS client_search USING fts5("
            "search_text, content='client', content_rowid='id', tokenize='trigram')"
        )
        db.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS client_search_ai AFTER INSERT ON client BEGIN "
            "INSERT INTO client_search(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        db.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS client_search_ad AFTER DELETE ON client BEGIN "
            "INSERT INTO client_search(client_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        db.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS client_search_au AFTER UPDATE OF search_text ON client BEGIN "
            "INSERT INTO client_search(client_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO client_search(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
    else:
        db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        db.execute_sql(
            "CREATE INDEX IF NOT EXISTS client_search_trgm ON client USING gin (search_text gin_trgm_ops)"
        )


# The FAQ's weighted document on PostgreSQL, kept in a generated column so ranking need not rebuild it per row.
FAQ_TSVECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, question), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, tags), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, answer), 'C'))"
)


def _create_faq_index(db: Database) -> None:
    """Word-prefix search over the FAQ: FTS5 (external content) on SQLite, full text with a GIN index on PostgreSQL."""
    if isinstance(db, SqliteDatabase):
        db.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS faq_search USING fts5("
            "question, answer, tags, content='faq_entry', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2', prefix='1 2')"
        )
        db.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS faq_search_ai AFTER INSERT ON faq_entry BEGIN "
            "INSERT INTO faq_search(rowid, question, answer, tags) "
            "VALUES (new.id, new.question, new.answer, new.tags); END"
        )
        db.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS faq_search_ad AFTER DELETE ON faq_entry BEGIN "
            "INSERT INTO faq_search(faq_search, rowid, question, answer, tags) "
            "VALUES ('delete', old.id, old.question, old.answer, old.tags); END"
        )
        db.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS faq_search_au AFTER UPDATE OF question, answer, tags ON faq_entry BEGIN "
            "INSERT INTO faq_search(faq_search, rowid, question, answer, tags) "
            "VALUES ('delete', old.id, old.question, old.answer, old.tags); "
            "INSERT INTO faq_search(rowid, question, answer, tags) "
            "VALUES (new.id, new.question, new.answer, new.tags); END"
        )
    else:
        db.execute_sql(
            "ALTER TABLE faq_entry ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS {FAQ_TSVECTOR} STORED"
        )
        db.execute_sql("CREATE INDEX IF NOT EXISTS faq_entry_search ON faq_entry USING gin (search_vector)")


def _v1(db: Database) -> None:
    """The first release: every table, the search indexes and the change notices."""
    _create_tables(db)
    _create_search_index(db)
    _create_faq_index(db)
    install_change_notices(db)


def _v2(db: Database) -> None:
    """Notices an operator can read: a call-back given or taken, an escalation acknowledged, a call sent to them."""
    db.create_tables([Notice], safe=True)
    install_change_notices(db)


def _v3(db: Database) -> None:
    """Clients by name: an import matches a contact with no valid phone by name, thousands per chunk, and without
    the index each lookup read the whole table (0.15 s a chunk at 800,000 clients)."""
    db.execute_sql("CREATE INDEX IF NOT EXISTS client_name ON client (name)")


def _v4(db: Database) -> None:
    """Identity: each operator's account (the OS user, or the PostgreSQL role they connect as), their login until
    a lead maps another, and their interface language; on PostgreSQL the roles, grants and row-level security that
    enforce the desk's roles."""
    columns = {column.name for column in db.get_columns("operator")}
    if "account" not in columns:
        db.execute_sql("ALTER TABLE operator ADD COLUMN account VARCHAR(64)")
    if "language" not in columns:
        db.execute_sql("ALTER TABLE operator ADD COLUMN language VARCHAR(8) NOT NULL DEFAULT ''")
    db.execute_sql("UPDATE operator SET account = login WHERE account IS NULL")
    db.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS operator_account ON operator (account)")
    if not isinstance(db, SqliteDatabase):
        from calldesk.store.pg_roles import install_roles

        install_roles(db)


def _v5(db: Database) -> None:
    """Queue membership: the queues each operator answers and their priority, as a lead sets them (an operator
    without rows answers config.yaml's queues for them); on PostgreSQL leads change it, operators read it."""
    db.create_tables([QueueMember], safe=True)
    if not isinstance(db, SqliteDatabase):
        from calldesk.store.pg_roles import install_roles

        install_roles(db)


def _v6(db: Database) -> None:
    """Consult first: the colleague an operator is consulting while the caller holds, kept with the call."""
    if "consult_with" not in {column.name for column in db.get_columns("call")}:
        db.execute_sql('ALTER TABLE "call" ADD COLUMN consult_with VARCHAR(64) NOT NULL DEFAULT \'\'')


def _v7(db: Database) -> None:
    """An unknown caller's calls by number and time: the statistics look up each answered call's further contact
    from the same caller (calldesk/desk/stats/call_sums.py); a client's are found on call (client, arrived_at).
    Partial, so a call from a known client costs nothing more to write."""
    db.execute_sql("CREATE INDEX IF NOT EXISTS call_unknown_number ON call (number_e164, arrived_at) "
                   "WHERE client_id IS NULL")


MIGRATIONS: tuple[tuple[int, Callable[[Database], None]], ...] = (
    (1, _v1), (2, _v2), (3, _v3), (4, _v4), (5, _v5), (6, _v6), (7, _v7))
LATEST_VERSION = MIGRATIONS[-1][0]


def current_version(db: Database) -> int:
    if not db.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select(SchemaVersion.version).order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrate(db: Database) -> int:
    """Apply every missing step; returns the version the schema is at."""
    with db.atomic("IMMEDIATE") if isinstance(db, SqliteDatabase) else db.atomic():
        if not isinstance(db, SqliteDatabase):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_ID,))
        version = current_version(db)
        if version > LATEST_VERSION:
            raise StoreError(
                f"the database is at schema version {version}, newer than this calldesk ({LATEST_VERSION}): "
                "upgrade calldesk"
            )
        for step_version, step in MIGRATIONS:
            if step_version > version:
                step(db)
                SchemaVersion.create(version=step_version, applied_at=datetime.now(UTC))
                version = step_version
    return version
