"""`calldesk db status|upgrade|init`: which database the desk uses, its schema version, bringing it up to date, and
making a new desk's first team lead."""

from __future__ import annotations

import argparse
from pathlib import Path

from calldesk.cli.context import CommandError, config_from, database_url, desk_errors, tell_on_stderr


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("db", parents=[common], help="database status and upgrades")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    status = actions.add_parser(
        "status", parents=[common], help="backend, URL (without password), schema version and pending steps",
    )
    status.set_defaults(run=run_status)
    upgrade = actions.add_parser(
        "upgrade", parents=[common], help="apply the pending schema steps (safe while consoles run)",
    )
    upgrade.set_defaults(run=run_upgrade)
    init = actions.add_parser(
        "init", parents=[common], help="create the database (if new) and make its first team lead",
        description="Make the desk's first team lead, once: refused when the desk has a lead already.",
    )
    init.add_argument("--lead", metavar="LOGIN", required=True, help="the first team lead's login")
    init.add_argument("--name", default="", help="the lead's display name (default: the login)")
    init.add_argument("--os-user", metavar="NAME", dest="account",
                      help="SQLite: the OS user who signs in as the lead (default: yours)")
    init.add_argument("--password-file", type=Path, metavar="FILE",
                      help="PostgreSQL: the lead's password, from a file (else $CALLDESK_NEW_PASSWORD, else asked)")
    init.set_defaults(run=run_init)


def _open(args: argparse.Namespace):
    """The database, connected but not upgraded, and its URL."""
    from pathlib import Path

    from calldesk.store.database import is_sqlite, make_database, open_database

    url = database_url(args, config_from(args))
    with desk_errors():
        db = make_database(url)
        if is_sqlite(db) and db.database != ":memory:" and not Path(db.database).exists():
            raise CommandError(f"no database at {db.database} yet: `calldesk db upgrade` or the first console "
                               "creates it")
        return open_database(url, upgrade=False), url


def _backend(db) -> str:
    import sqlite3

    from calldesk.store.database import is_sqlite

    if is_sqlite(db):
        return f"SQLite {sqlite3.sqlite_version}"
    version = db.server_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"


def _pending(version: int) -> list[str]:
    from calldesk.store.migrations import MIGRATIONS

    return [f"{step}: {(apply.__doc__ or apply.__name__).strip().splitlines()[0].rstrip('.')}"
            for step, apply in MIGRATIONS if step > version]


def run_status(args: argparse.Namespace) -> int:
    from calldesk.store.database import describe
    from calldesk.store.migrations import LATEST_VERSION, current_version

    db, url = _open(args)
    with desk_errors():
        version = current_version(db)
    print(f"backend:  {_backend(db)}")
    print(f"database: {describe(url)}")
    if version > LATEST_VERSION:
        print(f"schema:   version {version}, newer than this calldesk ({LATEST_VERSION}): upgrade calldesk")
        return 0
    pending = _pending(version)
    state = "up to date" if not pending else f"{len(pending)} step(s) pending: run `calldesk db upgrade`"
    print(f"schema:   version {version} of {LATEST_VERSION}, {state}")
    for step in pending:
        print(f"  pending {step}")
    return 0


def run_upgrade(args: argparse.Namespace) -> int:
    from calldesk.store.database import open_database
    from calldesk.store.migrations import current_version

    config = config_from(args)
    url = database_url(args, config)
    with desk_errors():
        before = current_version(open_database(url, upgrade=False, file_group=config.file_group))
        # migrates under the lock: consoles starting meanwhile wait, then find it done
        db = open_database(url, announce=tell_on_stderr)
        after = current_version(db)
    if after == before:
        print(f"schema already at version {after}: nothing to do")
    else:
        print(f"schema upgraded from version {before} to {after}")
    return 0


def run_init(args: argparse.Namespace) -> int:
    from calldesk.cli.context import open_desk
    from calldesk.cli.new_password import new_password
    from calldesk.desk.operators.identity import make_first_lead
    from calldesk.store.accounts import account_kind, database_logins, session_account

    desk = open_desk(args)
    with desk_errors():
        # SQLite: the lead is an OS user; PostgreSQL: a login of their own, which this makes
        account = args.lead if database_logins() else (args.account or session_account())
    password = new_password(args.lead, args.password_file) if database_logins() else None
    with desk_errors():
        lead = make_first_lead(desk, args.lead, account, name=args.name, password=password)
    print(f"{lead.login} is the desk's team lead, signing in as {account_kind()} {account}")
    return 0
