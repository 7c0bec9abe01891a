"""A team starts its consoles together on a fresh database: the schema is built once; `calldesk db status|upgrade`
tell and do the rest."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.store.backup import as_of_version
from calldesk.store.database import make_database, open_database
from calldesk.store.errors import StoreError
from calldesk.store.migrations import LATEST_VERSION, MIGRATIONS, current_version
from calldesk.store.models import Call, SchemaVersion, database

CONSOLES = 8


def _console_starting(url: str, start: object, results: object) -> None:
    """A console process opening the database: it migrates if it must."""
    try:
        start.wait()
        db = open_database(url)
        results.put(("ok", current_version(db)))
    except Exception as exc:
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def test_consoles_starting_together_on_a_fresh_database_build_the_schema_once(db_url):
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(CONSOLES), ctx.Queue()
    consoles = [ctx.Process(target=_console_starting, args=(db_url, start, results)) for _ in range(CONSOLES)]
    for console in consoles:
        console.start()
    outcomes = [results.get(timeout=120) for _ in consoles]
    for console in consoles:
        console.join(timeout=30)
    assert outcomes == [("ok", LATEST_VERSION)] * CONSOLES
    open_database(db_url, upgrade=False)
    assert [row.version for row in SchemaVersion.select()] == list(range(1, LATEST_VERSION + 1))
    assert Call.select().count() == 0
    database.close()


@pytest.fixture
def command(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`calldesk ARGV` run inside this process: (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    config = Path(__file__).resolve().parent.parent / "config.yaml"

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--config", str(config), *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    if database.obj is not None and not database.is_closed():
        database.close()


def test_a_lead_checks_the_schema_then_upgrades_it(command, db_url):
    if db_url.startswith("sqlite:///"):
        Path(db_url.removeprefix("sqlite:///")).touch()  # created empty, as `createdb` makes an empty PostgreSQL one
    status, out, _ = command("--db", db_url, "db", "status")
    assert status == 0
    assert f"version 0 of {LATEST_VERSION}, {len(MIGRATIONS)} step(s) pending: run `calldesk db upgrade`" in out
    assert "pending 1: The first release" in out
    assert [line.split(":")[0].strip() for line in out.splitlines() if line.startswith("  pending ")] == [
        f"pending {step}" for step, _ in MIGRATIONS]
    status, out, _ = command("--db", db_url, "db", "upgrade")
    assert (status, out) == (0, f"schema upgraded from version 0 to {LATEST_VERSION}\n")
    status, out, _ = command("--db", db_url, "db", "status")
    assert f"schema:   version {LATEST_VERSION} of {LATEST_VERSION}, up to date" in out
    assert "pending" not in out
    assert out.splitlines()[0].startswith("backend:  " + ("SQLite" if "sqlite" in db_url else "PostgreSQL"))
    status, out, _ = command("--db", db_url, "db", "upgrade")
    assert out == f"schema already at version {LATEST_VERSION}: nothing to do\n"


def test_status_never_prints_the_password(command, db_url, monkeypatch):
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite has no password")
    with_password = db_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@")
    status, out, _ = command("--db", with_password, "db", "status")  # trust auth: any password is let in
    assert status == 0
    assert "s3cret-pw" not in out
    assert "postgres:***@" in out


def test_the_password_comes_from_the_environment_or_a_file_never_from_the_config(monkeypatch, tmp_path):
    url = "postgresql://desk@db.example.com/desk?sslmode=require"
    monkeypatch.delenv("CALLDESK_DATABASE_PASSWORD_FILE", raising=False)
    monkeypatch.setenv("CALLDESK_DATABASE_PASSWORD", "from-env")
    assert make_database(url).connect_params["password"] == "from-env"
    secret = tmp_path / "db-password"
    secret.write_text("from-file\n", encoding="utf-8")
    monkeypatch.setenv("CALLDESK_DATABASE_PASSWORD_FILE", str(secret))
    params = make_database(url).connect_params
    assert (params["password"], params["sslmode"], params["user"]) == ("from-file", "require", "desk")


def test_the_database_url_may_come_from_the_environment(command, db_url, monkeypatch):
    monkeypatch.setenv("CALLDESK_DATABASE_URL", db_url)
    status, out, _ = command("db", "upgrade")
    assert status == 0 and f"to {LATEST_VERSION}" in out
    assert f"database: {db_url}" in command("db", "status")[1]


def test_an_unreadable_password_file_is_one_line_naming_it(command, monkeypatch, tmp_path):
    monkeypatch.setenv("CALLDESK_DATABASE_PASSWORD_FILE", str(tmp_path / "missing-secret"))
    status, _, err = command("--db", "postgresql://desk@127.0.0.1/desk", "db", "status")
    assert status == 1
    assert err == (f"calldesk: CALLDESK_DATABASE_PASSWORD_FILE={tmp_path / 'missing-secret'}: cannot read the "
                   "password file (No such file or directory)\n")


def test_status_of_a_missing_sqlite_file_says_how_to_create_it(command, tmp_path):
    status, _, err = command("--db", str(tmp_path / "nowhere.db"), "db", "status")
    assert status == 1
    assert "`calldesk db upgrade` or the first console creates it" in err
    assert not (tmp_path / "nowhere.db").exists()


def test_a_database_newer_than_this_calldesk_is_refused_with_a_clear_message(desk, db_url, command):
    SchemaVersion.create(version=LATEST_VERSION + 1, applied_at=desk.clock.now())
    database.close()
    with pytest.raises(StoreError, match=f"newer than this calldesk \\({LATEST_VERSION}\\): upgrade calldesk"):
        open_database(db_url)
    _, out, _ = command("--db", db_url, "db", "status")
    assert f"version {LATEST_VERSION + 1}, newer than this calldesk" in out


def test_a_command_on_an_older_database_says_in_one_line_that_it_upgrades_it_first(command, tmp_path):
    path = tmp_path / "older.db"
    db = open_database(f"sqlite:///{path}")
    as_of_version(db, 7)  # as a calldesk of schema version 7 left it
    SchemaVersion.delete().where(SchemaVersion.version > 7).execute()
    db.close()

    status, out, err = command("--db", str(path), "db", "upgrade")

    assert status == 0 and out == f"schema upgraded from version 7 to {LATEST_VERSION}\n"
    assert err == (f"calldesk: upgrading the database from schema version 7 to {LATEST_VERSION}: on a desk with "
                   "millions of calls this takes minutes; consoles starting meanwhile wait for it\n")
    assert command("--db", str(path), "db", "status")[2] == ""  # up to date: nothing more to say
