"""Opening the database from one URL: a SQLite file for one machine, PostgreSQL for a team."""

from __future__ import annotations

import grp
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import ParseResult, parse_qs, parse_qsl, unquote, urlparse

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase

from calldesk.paths import expand_user
from calldesk.store.driver import load_psycopg
from calldesk.store.errors import StoreError
from calldesk.store.failures import failure_of, problem
from calldesk.store.migrations import migrate
from calldesk.store.models import database

PASSWORD_ENV = "CALLDESK_DATABASE_PASSWORD"
PASSWORD_FILE_ENV = "CALLDESK_DATABASE_PASSWORD_FILE"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 10_000,  # ms: consoles and the ring hook write to one file
    "foreign_keys": 1,
    "synchronous": "normal",  # safe with WAL; a power cut may lose the last commit, never corrupt
    "cache_size": -32_000,
}


class DatabaseUrlRefused(StoreError):
    """A URL that names no database calldesk could open: a mistake in --db or the config, refused before anything
    connects or is created."""


def describe(url: str) -> str:
    """The URL without its password (in the address or as ?password=), fit for messages and logs."""
    url = re.sub(r"([?&]password=)[^&]*", r"\1***", url)
    return re.sub(r"^([^:/?#]+://[^/?#@:]*):[^/?#]*@", r"\1:***@", url)


def check_url(url: str) -> None:
    """Refuse in one line a URL that cannot name a database: a broken address, a SQLite URL naming no file, a
    PostgreSQL option libpq does not know, a control character (urllib drops some unseen; no file name takes NUL)."""
    shown = describe(url) if url.isprintable() else repr(describe(url))
    if not url.isprintable() or "\x00" in unquote(url):
        raise DatabaseUrlRefused(f"database {shown}: the URL holds a control character or a NUL")
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018 -- reading it is the check: urllib refuses a port past 65535 only when asked
    except ValueError as exc:  # a port out of range, a broken [IPv6] address
        raise DatabaseUrlRefused(f"database {shown}: not a valid URL ({exc})") from None
    if parsed.scheme == "sqlite":
        file = sqlite_file(url)
        try:
            folder = file is not None and (not file.name or url.endswith("/") or file.is_dir())
        except OSError as exc:  # a name too long for the file system
            raise DatabaseUrlRefused(f"database {shown}: {exc.strerror}") from None
        if folder:
            raise DatabaseUrlRefused(f"database {shown}: names no SQLite file (give sqlite:///PATH/FILE.db or a path)")
    elif parsed.scheme in ("postgres", "postgresql"):
        try:
            load_psycopg()
            from psycopg.conninfo import make_conninfo
        except ImportError:
            return  # said by make_database, which needs the driver
        try:
            make_conninfo(**_postgres_options(parsed, password=None))
        except Exception as exc:  # psycopg.ProgrammingError: an option libpq does not know
            raise DatabaseUrlRefused(f"database {shown}: {str(exc).strip().splitlines()[0]}") from None
    else:
        raise DatabaseUrlRefused(f"database {shown}: unsupported kind (use a file path, sqlite:///PATH or "
                                 "postgresql://...)")


def _postgres_options(parsed: ParseResult, password: str | None) -> dict[str, object]:
    """libpq's connection options from a URL; the query's (sslmode, options=-csearch_path=...) override the rest."""
    options: dict[str, object] = {
        "dbname": unquote(parsed.path.lstrip("/")) or "postgres",
        "user": unquote(parsed.username) if parsed.username else None,
        "password": unquote(parsed.password) if parsed.password else password,
        "host": parsed.hostname or None,
        "port": parsed.port,
        "connect_timeout": 5,
    }
    return options | dict(parse_qsl(parsed.query))


def _password() -> str | None:
    if path := os.environ.get(PASSWORD_FILE_ENV):
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StoreError(f"{PASSWORD_FILE_ENV}={path}: cannot read the password file ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            raise StoreError(f"{PASSWORD_FILE_ENV}={path}: the password file is not UTF-8 text (byte "
                             f"{exc.start + 1})") from None
    return os.environ.get(PASSWORD_ENV)


def sqlite_file(url: str) -> Path | None:
    """The file a sqlite:// URL names; None for another database or an in-memory one."""
    parsed = urlparse(url)
    if parsed.scheme != "sqlite":
        return None
    path = unquote(parsed.path)
    if path.startswith("/") and parsed.netloc == "" and url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
    return None if path == ":memory:" else expand_user(path)


def make_database(url: str) -> Database:
    """A Peewee database for the URL, not yet connected."""
    check_url(url)
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        file = sqlite_file(url)
        if file is not None:
            try:
                file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"database {url}: cannot make its folder ({exc.strerror})") from None
        path = str(file) if file is not None else ":memory:"
        # IMMEDIATE: a transaction takes the write lock up front, so it waits its turn (busy_timeout) instead of
        # failing with "database is locked" when it reads first and another console wrote meanwhile.
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10, lock_type="IMMEDIATE")
    try:  # PostgreSQL: check_url refused every other kind
        load_psycopg()
    except ImportError as exc:
        raise StoreError(f"database {describe(url)}: PostgreSQL needs the psycopg package ({exc})") from None
    options = _postgres_options(parsed, _password() if "password" not in parse_qs(parsed.query) else None)
    return PostgresqlDatabase(options.pop("dbname"), **options)


def create_private(path: Path, group: str = "") -> None:
    """Create ``path`` empty and readable by its owner alone (0600), or by ``group`` too (0660: a desk whose operators
    are OS users of one group, config.yaml's ``file_group``), unless it exists. SQLite then gives its -wal and -shm
    the same mode (a new file would otherwise take the umask's, often world-readable)."""
    with suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o660 if group else 0o600)
        try:
            if group:
                os.fchown(fd, -1, grp.getgrnam(group).gr_gid)
                os.fchmod(fd, 0o660)  # the umask may have taken the group's bits
        except (KeyError, PermissionError):
            os.close(fd)
            path.unlink(missing_ok=True)
            raise StoreError(f"{path}: cannot share it with group {group!r}: no such group, or you are not in it "
                             "(file_group in config.yaml)") from None
        os.close(fd)


def open_database(url: str, *, upgrade: bool = True, file_group: str = "",
                  announce: Callable[[str], None] | None = None) -> Database:
    """Connect, bind the models to the database and bring the schema up to date (``announce``: told in one line
    before an existing schema is upgraded). A new SQLite file is its owner's alone, or shared with ``file_group``."""
    db = make_database(url)
    database.initialize(db)
    try:
        if is_sqlite(db) and db.database != ":memory:":
            create_private(Path(db.database), file_group)
        _connect(db)
        if upgrade:
            migrate(db, announce)
    except OSError as exc:  # creating the SQLite file: a folder not writable, a name too long
        raise StoreError(f"database {describe(url)}: cannot create the file ({exc.strerror})") from None
    except Exception as exc:
        if isinstance(exc, StoreError) or failure_of(exc) is None:  # worded already, or not the database's
            raise
        raise StoreError(f"database {describe(url)}: {problem(exc)}") from None
    return db


def _connect(db: Database) -> None:
    """Connect; consoles starting together on a new SQLite file race to switch it to WAL, and SQLite answers the
    losers "database is locked" at once, busy timeout or not: they try again until the switch is made."""
    deadline = time.monotonic() + SQLITE_PRAGMAS["busy_timeout"] / 1000
    while True:
        try:
            db.connect(reuse_if_open=True)
            return
        except OperationalError as exc:
            if not is_sqlite(db) or "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def is_sqlite(db: Database) -> bool:
    return isinstance(db, SqliteDatabase)


@contextmanager
def one_at_a_time(lock_id: int) -> Iterator[None]:
    """A transaction only one connection holds at once, for a read-then-write no other console may interleave:
    SQLite's IMMEDIATE write lock (how every transaction begins here), or a PostgreSQL advisory lock on ``lock_id``
    held until commit."""
    db = database.obj
    with db.atomic():
        if not is_sqlite(db):
            db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (lock_id,))
        yield
