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


# A caller is a client, or a number no client is linked to (a number that did not parse is nobody). A call's next
# contact is the arrival of the caller's next call in (arrived_at, id) order: what first-call resolution reads.
def _next_contact(table: str, row: str) -> str:
    """SQL: when the caller of ``row`` (a call's columns: NEW, OLD or the table being updated) next made contact."""
    after = f"f.arrived_at >= {row}.arrived_at AND (f.arrived_at > {row}.arrived_at OR f.id > {row}.id)"
    by_client = f"SELECT f.arrived_at FROM {table} f WHERE f.client_id = {row}.client_id AND {after}"
    by_number = (f"SELECT f.arrived_at FROM {table} f WHERE {row}.client_id IS NULL AND f.client_id IS NULL "
                 f"AND f.number_e164 = {row}.number_e164 AND {after}")
    return f"COALESCE(({by_client} ORDER BY f.arrived_at LIMIT 1), ({by_number} ORDER BY f.arrived_at LIMIT 1))"


def _previous_call(table: str, row: str, other_than: str) -> str:
    """SQL: the id of the call just before ``row``'s place in its caller's calls, leaving out call ``other_than``."""
    before = (f"p.arrived_at <= {row}.arrived_at AND (p.arrived_at < {row}.arrived_at OR p.id < {row}.id) "
              f"AND p.id <> {other_than}")
    by_client = f"SELECT p.id FROM {table} p WHERE p.client_id = {row}.client_id AND {before}"
    by_number = (f"SELECT p.id FROM {table} p WHERE {row}.client_id IS NULL AND p.client_id IS NULL "
                 f"AND p.number_e164 = {row}.number_e164 AND {before}")
    last = "ORDER BY p.arrived_at DESC, p.id DESC LIMIT 1"
    return f"COALESCE(({by_client} {last}), ({by_number} {last}))"


def _next_contact_statements(table: str, updated: str, new: str, old: str, this: str) -> dict[str, str]:
    """The triggers' work: on insert, the call's own (SQLite's; PostgreSQL sets it before the row is written) and
    its caller's previous call gets the new arrival if sooner; a call moved to another caller or time is recomputed
    with its old and new previous calls; a deleted call's previous call is recomputed if it pointed at it.
    ``updated``: the table as an UPDATE names it, ``this``: how that UPDATE's own row is named."""
    own = _next_contact(table, new)
    return {
        "insert_self": f"UPDATE {updated} SET next_contact_at = {own} WHERE id = {new}.id "
                       f"AND next_contact_at IS NOT {own}",
        "insert_previous": (f"UPDATE {updated} SET next_contact_at = {new}.arrived_at "
                            f"WHERE id = {_previous_call(table, new, f'{new}.id')} "
                            f"AND (next_contact_at IS NULL OR next_contact_at > {new}.arrived_at)"),
        "update": (f"UPDATE {updated} SET next_contact_at = {_next_contact(table, this)} WHERE id IN ({new}.id, "
                   f"{_previous_call(table, old, f'{new}.id')}, {_previous_call(table, new, f'{new}.id')})"),
        "delete": (f"UPDATE {updated} SET next_contact_at = {_next_contact(table, this)} "
                   f"WHERE id = {_previous_call(table, old, f'{old}.id')} AND next_contact_at = {old}.arrived_at"),
    }


def _install_next_contact_triggers(db: Database) -> None:
    """Every path that writes calls keeps call.next_contact_at (the ring, PBX events, call-backs, imports, demo
    data) because the database does it. SQLite: AFTER triggers; PostgreSQL: a BEFORE INSERT sets the new row's own
    (no second row version), AFTER triggers the rest."""
    moved = ("old.client_id IS NOT new.client_id OR old.number_e164 IS NOT new.number_e164 "
             "OR old.arrived_at IS NOT new.arrived_at")
    if isinstance(db, SqliteDatabase):
        table = '"call"'
        sql = _next_contact_statements(table, table, "new", "old", table)
        db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS call_next_contact_ai AFTER INSERT ON {table} BEGIN "
                       f"{sql['insert_self']}; {sql['insert_previous']}; END")
        db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS call_next_contact_au AFTER UPDATE OF client_id, number_e164, "
                       f"arrived_at ON {table} WHEN {moved} BEGIN {sql['update']}; END")
        db.execute_sql(f"CREATE TRIGGER IF NOT EXISTS call_next_contact_ad AFTER DELETE ON {table} BEGIN "
                       f"{sql['delete']}; END")
        return
    s = '"' + db.execute_sql("SELECT current_schema()").fetchone()[0].replace('"', '""') + '"'
    table = f'{s}."call"'
    sql = _next_contact_statements(table, f"{table} c", "NEW", "OLD", "c")
    functions = {
        "calldesk_call_next_contact": f"NEW.next_contact_at := {_next_contact(table, 'NEW')}; RETURN NEW;",
        "calldesk_call_inserted": f"{sql['insert_previous']}; RETURN NULL;",
        "calldesk_call_moved": f"{sql['update']}; RETURN NULL;",
        "calldesk_call_deleted": f"{sql['delete']}; RETURN NULL;",
    }
    for name, body in functions.items():
        db.execute_sql(f"CREATE OR REPLACE FUNCTION {s}.{name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN {body} END $$")
    triggers = {
        "calldesk_call_next_contact": "BEFORE INSERT",
        "calldesk_call_inserted": "AFTER INSERT",
        "calldesk_call_moved": "AFTER UPDATE OF client_id, number_e164, arrived_at",
        "calldesk_call_deleted": "AFTER DELETE",
    }
    for name, when in triggers.items():
        condition = f" WHEN ({moved.replace('IS NOT', 'IS DISTINCT FROM')})" if name == "calldesk_call_moved" else ""
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        db.execute_sql(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW{condition} "
                       f"EXECUTE FUNCTION {s}.{name}()")


def fill_next_contacts(db: Database) -> None:
    """Set every call's next_contact_at in one statement (LEAD over each caller's calls): migration 8 on existing
    calls, and the bulk loaders that set the triggers aside (scripts/bench_dataset.py, scripts/bench_stats.py)."""
    differs = "IS NOT" if isinstance(db, SqliteDatabase) else "IS DISTINCT FROM"
    db.execute_sql(
        'UPDATE "call" SET next_contact_at = later.next_contact_at FROM ('
        "SELECT id, LEAD(arrived_at) OVER (PARTITION BY client_id ORDER BY arrived_at, id) AS next_contact_at "
        'FROM "call" WHERE client_id IS NOT NULL '
        "UNION ALL SELECT id, LEAD(arrived_at) OVER (PARTITION BY number_e164 ORDER BY arrived_at, id) "
        'FROM "call" WHERE client_id IS NULL AND number_e164 IS NOT NULL '
        'UNION ALL SELECT id, NULL FROM "call" WHERE client_id IS NULL AND number_e164 IS NULL'
        f') AS later WHERE "call".id = later.id AND "call".next_contact_at {differs} later.next_contact_at'
    )


def _v8(db: Database) -> None:
    """Each call keeps when its caller next made contact (call.next_contact_at), kept by triggers, so first-call
    resolution reads a column instead of looking up a further contact per answered call (docs/performance.md,
    "The statistics' first read"). call_unknown_number stays: the triggers find an unknown caller's calls on it."""
    if "next_contact_at" not in {column.name for column in db.get_columns("call")}:
        kind = "REAL" if isinstance(db, SqliteDatabase) else "DOUBLE PRECISION"
        db.execute_sql(f'ALTER TABLE "call" ADD COLUMN next_contact_at {kind}')
    _install_next_contact_triggers(db)
    fill_next_contacts(db)


def _v9(db: Database) -> None:
    """Consult first keeps the note typed for the colleague with the call, so a console restarted mid-consult still
    hands it over."""
    if "consult_note" not in {column.name for column in db.get_columns("call")}:
        db.execute_sql('ALTER TABLE "call" ADD COLUMN consult_note TEXT NOT NULL DEFAULT \'\'')


def _v10(db: Database) -> None:
    """The calls offered to one operator by name (a transfer, the PBX ringing their phone), which F2 takes first:
    without it every claim read every ringing call (desk/calls/routing.py). Partial: few calls are ever offered."""
    db.execute_sql("CREATE INDEX IF NOT EXISTS call_offered_to ON call (offered_to, arrived_at) WHERE offered_to <> ''")


MIGRATIONS: tuple[tuple[int, Callable[[Database], None]], ...] = (
    (1, _v1), (2, _v2), (3, _v3), (4, _v4), (5, _v5), (6, _v6), (7, _v7), (8, _v8), (9, _v9), (10, _v10))
LATEST_VERSION = MIGRATIONS[-1][0]
# What each migration adds to a database an earlier calldesk made, by SQLite's names (a table's indexes go with it).
# A fresh database has it all from _v1's tables, so a backup of an earlier version is checked without these parts
# (store/backup.py): give every new migration its line, or restoring a backup taken before it is refused.
ADDED_BY: dict[int, tuple[str, ...]] = {
    2: ("table notice",),
    3: ("index client_name",),
    4: ("column operator.account", "column operator.language", "index operator_account"),
    5: ("table queue_member",),
    6: ("column call.consult_with",),
    7: ("index call_unknown_number",),
    8: ("column call.next_contact_at", "trigger call_next_contact_ai", "trigger call_next_contact_au",
        "trigger call_next_contact_ad"),
    9: ("column call.consult_note",),
    10: ("index call_offered_to",),
}


def current_version(db: Database) -> int:
    if not db.table_exists(SchemaVersion._meta.table_name):
        return 0
    row = SchemaVersion.select(SchemaVersion.version).order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def migrate(db: Database, announce: Callable[[str], None] | None = None) -> int:
    """Apply every missing step; returns the version the schema is at. ``announce`` is told in one line before an
    existing database is upgraded, which can take minutes on millions of calls (migration 8)."""
    with db.atomic("IMMEDIATE") if isinstance(db, SqliteDatabase) else db.atomic():
        if not isinstance(db, SqliteDatabase):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_ID,))
        version = current_version(db)
        if version > LATEST_VERSION:
            raise StoreError(
                f"the database is at schema version {version}, newer than this calldesk ({LATEST_VERSION}): "
                "upgrade calldesk"
            )
        if announce is not None and 1 <= version < LATEST_VERSION:
            announce(f"upgrading the database from schema version {version} to {LATEST_VERSION}: on a desk with "
                     "millions of calls this takes minutes; consoles starting meanwhile wait for it")
        for step_version, step in MIGRATIONS:
            if step_version > version:
                step(db)
                SchemaVersion.create(version=step_version, applied_at=datetime.now(UTC))
                version = step_version
    return version
