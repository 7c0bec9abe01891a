"""Copies of a SQLite database: a consistent backup while consoles write, and a restore that checks what it brings.

Both go through SQLite's online backup API, never a file copy: a plain copy of a database in WAL mode can miss the
commits still in its -wal file, and copying over a live database corrupts it. A PostgreSQL database is backed up
with its own tools (``postgres_backup_hint``).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from peewee import DatabaseError, SqliteDatabase

from calldesk.store.errors import StoreError
from calldesk.store.migrations import LATEST_VERSION, current_version
from calldesk.store.models import SchemaVersion

SQLITE_MAGIC = b"SQLite format 3\x00"
CALLDESK_TABLES = ("schema_version", "client", "phone", "call")


def postgres_backup_hint(described_url: str) -> str:
    """What to do instead, in one message: PostgreSQL has pg_dump and pg_restore."""
    return (f"{described_url} is PostgreSQL: back it up with `pg_dump --format=custom --file=PATH URL` and bring it "
            "back with `pg_restore --clean --if-exists --dbname=URL PATH` (calldesk backup and restore are for "
            "SQLite files)")


def backup_sqlite(db: SqliteDatabase, target: Path) -> Path:
    """Copy the database to ``target`` (a file, or a folder for a dated file) as one consistent snapshot.

    Consoles keep writing meanwhile (WAL lets the snapshot read beside them). The copy is written next to the target
    and renamed into place, so nothing half-written ever has the target's name; it is a single file (no -wal).
    """
    if target.is_dir():
        target = target / f"calldesk-{datetime.now():%Y%m%d-%H%M%S}.db"
    source = Path(db.database).resolve()
    if target.resolve() == source:
        raise StoreError(f"{target}: that is the database itself; give another path")
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        copy = sqlite3.connect(partial)
        try:
            db.connection().backup(copy)  # all pages in one step: one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{target}: cannot write the backup ({exc.strerror})") from None
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{target}: backup failed ({exc})") from None
    return target


def backup_version(path: Path) -> int:
    """The schema version of a calldesk database file; StoreError when it is not one or is newer than this code."""
    try:
        with path.open("rb") as file:
            magic = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror})") from None
    if magic != SQLITE_MAGIC:
        raise StoreError(f"{path}: not a SQLite database, so not a calldesk backup")
    db = SqliteDatabase(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        tables = set(db.get_tables())
        missing = [t for t in CALLDESK_TABLES if t not in tables]
        if missing:
            raise StoreError(f"{path}: a SQLite database but not calldesk's (no {', '.join(missing)} table)")
        with db.bind_ctx([SchemaVersion]):
            version = current_version(db)
        if db.execute_sql("PRAGMA quick_check").fetchone()[0] != "ok":
            raise StoreError(f"{path}: the database is damaged (PRAGMA quick_check failed)")
    except (sqlite3.DatabaseError, DatabaseError) as exc:  # Peewee wraps sqlite3's errors in its own
        raise StoreError(f"{path}: not a readable SQLite database ({exc})") from None
    finally:
        db.close()
    if version < 1:
        raise StoreError(f"{path}: a calldesk database with no schema version: not a backup calldesk made")
    if version > LATEST_VERSION:
        raise StoreError(f"{path}: schema version {version} is newer than this calldesk ({LATEST_VERSION}): "
                         "upgrade calldesk first")
    return version


def restore_sqlite(source: Path, target: Path) -> int:
    """Replace the database at ``target`` with the backup at ``source``, after checking it; returns its version.

    An existing target is overwritten in one SQLite transaction (consoles see the old data or the new, never a
    mix); a new one is built beside and renamed into place. An older schema is upgraded when next opened.
    """
    version = backup_version(source)
    if target.exists() and target.resolve() == source.resolve():
        raise StoreError(f"{source}: that is the database itself")
    existing = target.exists()
    destination = target if existing else target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        backup = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=ro", uri=True)
        live = sqlite3.connect(destination, timeout=10)
        try:
            backup.backup(live)
        finally:
            live.close()
            backup.close()
        if not existing:
            os.replace(destination, target)
    except (OSError, sqlite3.Error) as exc:
        if not existing:
            destination.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise StoreError(f"{target}: restore failed ({reason})") from None
    return version
