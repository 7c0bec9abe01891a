"""What every sub-command needs: the config, the database and the operator, with errors turned into one line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from calldesk.config import Config, ConfigError, load_config, resolve_database

if TYPE_CHECKING:
    import argparse

OPERATOR_ENV = "CALLDESK_OPERATOR"
# What every command takes, before or after it: option -> (metavar, help). The console's command line is read with
# these alone (calldesk/cli/__init__.py); calldesk/cli/parser.py gives them to every parser.
GLOBAL_OPTIONS = {
    "--config": ("PATH", "config file (default: $CALLDESK_CONFIG or ./config.yaml)"),
    "--db": ("PATH-or-URL", "database: a SQLite file path or postgresql://... (default: from the config)"),
    "--operator": ("LOGIN", "whom a team lead works as (default: the operator mapped to your OS user or database "
                            "login; $CALLDESK_OPERATOR)"),
}


class CommandError(Exception):
    """A user's mistake or an outside failure, worded for the terminal, with the exit status to use."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def fail(message: str, status: int = 1) -> int:
    print(f"calldesk: {message}", file=sys.stderr)
    return status


def config_from(args: argparse.Namespace) -> Config:
    try:
        return load_config(getattr(args, "config", None), language=getattr(args, "desk_language", None))
    except ConfigError as exc:
        raise CommandError(str(exc), status=2) from None


def database_url(args: argparse.Namespace, config: Config) -> str:
    """The database's URL from --db or the config, refused here (exit 2) when it can name no database."""
    from pathlib import Path

    from calldesk.store.database import DatabaseUrlRefused, check_url

    db = getattr(args, "db", None)
    if db is not None and not db.strip():
        raise CommandError("--db is empty: give a SQLite file's path or a postgresql:// URL", status=2)
    url = config.database_url() if db is None else resolve_database(db, Path.cwd())
    try:
        check_url(url)
    except DatabaseUrlRefused as exc:
        raise CommandError(str(exc), status=2) from None
    return url


def chosen_login(args: argparse.Namespace, config: Config) -> str | None:
    """The login typed for this run (--operator, $CALLDESK_OPERATOR, the config's default_operator), if any: whom to
    work as, which only a team lead, the administrator, the demo and training may choose
    (desk/operators/identity.py)."""
    return getattr(args, "operator", None) or os.environ.get(OPERATOR_ENV) or config.default_operator or None


def acting_operator(args: argparse.Namespace, desk, *, anyone_may_choose: bool = False):
    """The operator this command acts as (desk/operators/identity.py): the one mapped to the OS user or database
    role, or whom a lead chose; refused in one line otherwise. Never None: the administrator must choose someone."""
    from calldesk.desk.operators.identity import who_acts
    from calldesk.store.accounts import account_kind, session_account

    chosen = chosen_login(args, desk.config)
    with desk_errors():
        operator = who_acts(desk, chosen, anyone_may_choose=anyone_may_choose)
    if operator is None:
        raise CommandError(f"{account_kind()} {session_account()!r} owns the database but is no operator: choose "
                           "whom to work as with --operator LOGIN")
    return operator


@contextmanager
def desk_errors() -> Iterator[None]:
    """Turn the desk's refusals and store failures into one-line messages."""
    from calldesk.desk.errors import DeskError
    from calldesk.store.errors import StoreError

    try:
        yield
    except (DeskError, StoreError) as exc:
        raise CommandError(str(exc)) from None


def open_desk(args: argparse.Namespace, url: str | None = None, *, existing: bool = False):
    """Load the config, open (and upgrade) the database and return the Desk. ``existing``: a PBX hook reports to a
    desk that exists; a mistyped path must fail, not make a new, empty desk that swallows the calls."""
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database, sqlite_file

    config = config_from(args)
    url = url or database_url(args, config)
    file = sqlite_file(url)
    if existing and file is not None and not file.exists():
        raise CommandError(f"no database at {file}: check --db (the console or `calldesk db upgrade` makes one)")
    with desk_errors():
        open_database(url, file_group=config.file_group, announce=tell_on_stderr)
    return Desk(config)


def tell_on_stderr(line: str) -> None:
    """A word about long work before it starts, where the user reads the command's messages."""
    print(f"calldesk: {line}", file=sys.stderr, flush=True)


BAR_WIDTH = 30


def progress_bar(unit: str) -> Callable[[int, int], None] | None:
    """A bar on standard error for long work, redrawn in place; None when standard error is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def draw(done: int, total: int) -> None:
        filled = BAR_WIDTH * done // total if total else BAR_WIDTH
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{total:,} {unit}{end}")
        sys.stderr.flush()

    return draw
