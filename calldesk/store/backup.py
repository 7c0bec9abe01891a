"""Copies of a SQLite database: a consistent backup while consoles write, and a restore that checks what it brings.

Both go through SQLite's online backup API, never a file copy: a plain copy of a database in WAL mode can miss the
commits still in its -wal file, and copying over a live database corrupts it. A PostgreSQL database is backed up
with its own tools (``postgres_backup_hint``).
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from peewee import Database, DatabaseError, SqliteDatabase

from calldesk.store.database import create_private
from calldesk.store.errors import StoreError
from calldesk.store.migrations import ADDED_BY, LATEST_VERSION, MIGRATIONS, current_version
from calldesk.store.models import ALL_MODELS, SchemaVersion

SQLITE_MAGIC = b"SQLite format 3\x00"
CALLDESK_TABLES = ("schema_version", "client", "phone", "call")
MISSING_SHOWN = 3


class BackupRefused(StoreError):
    """A path the user gave that a backup may not be written to, or a file that is no calldesk backup to restore:
    refused before anything is replaced."""


def postgres_backup_hint(described_url: str) -> str:
    """What to do instead, in one message: PostgreSQL has pg_dump and pg_restore."""
    return (f"{described_url} is PostgreSQL: back it up with `pg_dump --format=custom --file=PATH URL` and bring it "
            "back with `pg_restore --clean --if-exists --dbname=URL PATH` (calldesk backup and restore are for "
            "SQLite files)")


def backup_target(target: Path, database_file: Path, *, replace: bool = False) -> Path:
    """Where a backup to ``target`` goes: a new file, a dated file in a folder, or (``replace``) over an older copy;
    never over a device, a pipe or the database itself (BackupRefused, naming the path)."""
    try:
        if target.is_dir():
            target = target / f"calldesk-{datetime.now():%Y%m%d-%H%M%S}.db"
        if target.exists() or target.is_symlink():
            if not target.is_file():
                raise BackupRefused(f"{target}: not a regular file (a device, a pipe or a broken link): give a file's "
                                    "or a folder's path")
            if target.resolve() == database_file.resolve():
                raise BackupRefused(f"{target}: that is the database itself; give another path")
            if not replace:
                raise BackupRefused(f"{target}: a file is there already: add --force to replace it")
        elif not target.parent.is_dir():
            raise BackupRefused(f"{target}: there is no folder {target.parent} to write it in")
    except OSError as exc:  # a name too long, a folder not searchable
        raise BackupRefused(f"{target}: cannot write the backup there ({exc.strerror})") from None
    return target


def backup_sqlite(db: SqliteDatabase, target: Path, file_group: str = "") -> Path:
    """Copy the database to ``target`` (see ``backup_target``) as one consistent snapshot.

    Consoles keep writing meanwhile (WAL lets the snapshot read beside them). The copy is written next to the target
    and renamed into place, so nothing half-written ever has the target's name; it is a single file (no -wal).
    """
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        partial.unlink(missing_ok=True)  # a leftover of a crash keeps its own mode
        create_private(partial, file_group)  # a backup holds every client: only its owner (and group) reads it
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
    """The schema version of a calldesk database file, after checking it is whole (integrity_check) and holds every
    table, column, index and trigger that version has; BackupRefused when it is not one, is damaged or incomplete, or
    is newer than this code: a restore must never put a database in place that every command then fails on."""
    try:
        if not path.is_file():
            raise BackupRefused(f"{path}: not a file" + ("" if path.exists() else " (nothing is there)"))
        with path.open("rb") as file:
            magic = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupRefused(f"{path}: cannot read ({exc.strerror})") from None
    if magic != SQLITE_MAGIC:
        raise BackupRefused(f"{path}: not a SQLite database, so not a calldesk backup")
    db = SqliteDatabase(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        if db.execute_sql("PRAGMA integrity_check(1)").fetchone()[0] != "ok":
            raise BackupRefused(f"{path}: the database is damaged (PRAGMA integrity_check failed)")
        tables = set(db.get_tables())
        missing = [t for t in CALLDESK_TABLES if t not in tables]
        if missing:
            raise BackupRefused(f"{path}: a SQLite database but not calldesk's (no {', '.join(missing)} table)")
        with db.bind_ctx([SchemaVersion]):
            version = current_version(db)
        if not isinstance(version, int):
            raise BackupRefused(f"{path}: its schema version is {version!r}, not a number: not a backup calldesk made")
        if 1 <= version <= LATEST_VERSION and (missing := _missing_parts(db, version)):
            shown = ", ".join(missing[:MISSING_SHOWN]) + (f" and {len(missing) - MISSING_SHOWN} more"
                                                          if len(missing) > MISSING_SHOWN else "")
            raise BackupRefused(f"{path}: not a whole calldesk database of schema version {version} (no {shown})")
    except (sqlite3.DatabaseError, DatabaseError, ValueError) as exc:  # Peewee wraps sqlite3's errors in its own
        raise BackupRefused(f"{path}: not a readable SQLite database ({exc})") from None
    finally:
        db.close()
    if version < 1:
        raise BackupRefused(f"{path}: a calldesk database with no schema version: not a backup calldesk made")
    if version > LATEST_VERSION:
        raise BackupRefused(f"{path}: schema version {version} is newer than this calldesk ({LATEST_VERSION}): "
                            "upgrade calldesk first")
    return version


def _missing_parts(db: Database, version: int) -> list[str]:
    """What the schema of ``version`` has that the database lacks: tables, their columns, indexes, triggers."""
    present = _schema_of(db)
    missing = []
    for part, columns in _schema_at(version).items():
        if part not in present:
            missing.append(part)
        else:
            missing += [f"column {part.removeprefix('table ')}.{column}" for column in sorted(columns - present[part])]
    return missing


@lru_cache(maxsize=4)
def _schema_at(version: int) -> dict[str, frozenset[str]]:
    """The schema the migrations up to ``version`` make, read from a scratch database they build."""
    scratch = SqliteDatabase(":memory:")
    with scratch.bind_ctx(ALL_MODELS):
        for step_version, step in MIGRATIONS:
            if step_version <= version:
                step(scratch)
    try:
        as_of_version(scratch, version)
        return _schema_of(scratch)
    finally:
        scratch.close()


_DROP_ORDER = ("trigger", "index", "column", "table")  # what depends on a column or table goes before it


def as_of_version(db: Database, version: int) -> None:
    """Take out of a SQLite database made by this calldesk what the migrations after ``version`` added
    (migrations.ADDED_BY), newest first: the schema a database of ``version`` really has."""
    for step_version in sorted(ADDED_BY, reverse=True):
        if step_version <= version:
            break
        for part in sorted(ADDED_BY[step_version], key=lambda part: _DROP_ORDER.index(part.partition(" ")[0])):
            kind, _, name = part.partition(" ")
            if kind == "column":
                table, _, column = name.partition(".")
                db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
            else:
                db.execute_sql(f'DROP {kind.upper()} IF EXISTS "{name}"')


def _schema_of(db: Database) -> dict[str, frozenset[str]]:
    """Each table ("table NAME", with its columns), index and trigger of a SQLite database but SQLite's own."""
    rows = db.execute_sql("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') "
                          "AND name NOT LIKE 'sqlite%'").fetchall()
    quoted = {name: name.replace('"', '""') for _, name in rows}
    return {f"{kind} {name}": frozenset(column[1] for column in db.execute_sql(f'PRAGMA table_info("{quoted[name]}")'))
            if kind == "table" else frozenset() for kind, name in rows}


def restore_sqlite(source: Path, target: Path, file_group: str = "") -> int:
    """Replace the database at ``target`` with the backup at ``source``, after checking it; returns its version.

    An existing target is overwritten in one SQLite transaction (consoles see the old data or the new, never a
    mix); a new one is built beside and renamed into place. An older schema is upgraded when next opened.
    """
    version = backup_version(source)
    if target.exists() and target.resolve() == source.resolve():
        raise BackupRefused(f"{source}: that is the database itself")
    existing = target.exists()
    destination = target if existing else target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        if not existing:
            destination.unlink(missing_ok=True)  # a leftover of a crash keeps its own mode
            create_private(destination, file_group)  # as private as a database the desk creates
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
