"""`calldesk backup PATH` and `calldesk restore PATH`: a safe copy of the SQLite database, and bringing one back."""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from calldesk.cli import values
from calldesk.cli.context import CommandError, config_from, database_url, desk_errors

if TYPE_CHECKING:
    from collections.abc import Iterator


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    backup = subparsers.add_parser(
        "backup", parents=[common], help="copy the SQLite database safely, even while consoles run",
        description="Copy the database to PATH (a new file, or a folder for a dated copy) as one consistent "
                    "snapshot, with SQLite's online backup: consoles keep working. On PostgreSQL, use pg_dump.",
    )
    backup.add_argument("path", metavar="PATH", type=values.file_path)
    backup.add_argument("--force", action="store_true", help="replace the file at PATH, an older backup")
    backup.set_defaults(run=run_backup)
    restore = subparsers.add_parser(
        "restore", parents=[common], help="replace the SQLite database with a backup",
        description="Check that PATH is a calldesk database of a schema version this calldesk knows, then replace "
                    "the configured database with it (an older version is upgraded). On PostgreSQL, use pg_restore.",
    )
    restore.add_argument("path", metavar="PATH", type=values.file_path)
    restore.add_argument("--yes", action="store_true", help="replace an existing database without asking")
    restore.set_defaults(run=run_restore)


@contextmanager
def _refusals() -> Iterator[None]:
    """A path or a file the user gave that is refused is theirs to change: exit 2 (inside desk_errors, which would
    make it exit 1 as any other store failure)."""
    from calldesk.store.backup import BackupRefused

    try:
        yield
    except BackupRefused as exc:
        raise CommandError(str(exc), status=2) from None


def _sqlite_database(args: argparse.Namespace):
    """The configured database, unconnected, and the group its files are shared with; a PostgreSQL one is told to
    use its own tools."""
    from calldesk.store.backup import postgres_backup_hint
    from calldesk.store.database import describe, is_sqlite, make_database

    config = config_from(args)
    url = database_url(args, config)
    with desk_errors():
        db = make_database(url)
    if not is_sqlite(db):
        raise CommandError(postgres_backup_hint(describe(url)))
    return url, db, config.file_group


def run_backup(args: argparse.Namespace) -> int:
    from calldesk.store.backup import backup_sqlite, backup_target

    _, db, file_group = _sqlite_database(args)
    if not Path(db.database).exists():
        raise CommandError(f"{db.database}: no database there to back up")
    with desk_errors(), _refusals():
        target = backup_sqlite(db, backup_target(args.path, Path(db.database), replace=args.force), file_group)
    db.close()
    print(f"backed up {db.database} to {target}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from calldesk.store.backup import backup_version, restore_sqlite
    from calldesk.store.database import open_database

    url, db, file_group = _sqlite_database(args)
    target = Path(db.database)
    with desk_errors(), _refusals():
        version = backup_version(args.path)
    if target.exists() and not args.yes:
        raise CommandError(f"restoring replaces every record in {target} with {args.path} (schema version "
                           f"{version}): add --yes to go ahead", status=2)
    with desk_errors(), _refusals():
        restore_sqlite(args.path, target, file_group)
        open_database(url, file_group=file_group).close()  # an older backup is upgraded now, not by a console
    print(f"restored {args.path} (schema version {version}) into {target}")
    return 0
