"""A team lead backs up the desk's SQLite database while consoles keep writing, and restores it; a file that is not
a calldesk database, or one from a newer calldesk, is refused."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.clients import directory
from calldesk.desk.context import Desk
from calldesk.store.database import open_database
from calldesk.store.migrations import LATEST_VERSION
from calldesk.store.models import Client, database

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


def run(capsys, db: Path | str, *argv: str) -> tuple[int, str, str]:
    status = main(["--config", str(CONFIG), "--db", str(db), *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def live(tmp_path, config, clock):
    """The desk's database file, with a few clients, open as a console has it."""
    path = tmp_path / "desk.db"
    db = open_database(f"sqlite:///{path}")
    desk = Desk(config, clock)
    for n in range(3):
        directory.create_client(desk, f"Client {n}", [directory.NewPhone(f"98450 1000{n}")])
    yield path, desk
    db.close()


def counts(path: Path) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return tuple(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                     for table in ("client", "phone", "audit_event"))


def test_a_backup_taken_while_a_console_writes_is_one_consistent_snapshot(capsys, live, tmp_path):
    path, desk = live
    stop, written, failures = threading.Event(), [], []

    def console() -> None:  # another console: each client, phone and audit event in one transaction
        try:
            while not stop.is_set() or len(written) < 40:
                written.append(directory.create_client(desk, f"Caller {len(written)}",
                                                     [directory.NewPhone(f"98451 {len(written):05d}")]))
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)
        finally:
            database.close()

    writer = threading.Thread(target=console)
    writer.start()
    while len(written) < 20 and writer.is_alive():
        threading.Event().wait(0.01)
    status, out, _ = run(capsys, path, "backup", str(tmp_path / "copy.db"))
    stop.set()
    writer.join()

    assert (status, failures) == (0, [])
    assert out == f"backed up {path} to {tmp_path / 'copy.db'}\n"
    clients_kept, phones_kept, events_kept = counts(tmp_path / "copy.db")
    assert clients_kept == phones_kept == events_kept >= 3 + 20  # never a client without its phone or its audit
    assert counts(path)[0] == 3 + len(written)  # the console was never stopped by the backup
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file, no -wal beside it


def test_a_backup_into_a_folder_gets_a_dated_name(capsys, live, tmp_path):
    path, _ = live
    folder = tmp_path / "backups"
    folder.mkdir()

    status, out, _ = run(capsys, path, "backup", str(folder))

    [copy] = folder.iterdir()
    assert out == f"backed up {path} to {copy}\n"
    assert status == 0 and copy.name.startswith("calldesk-") and copy.suffix == ".db"
    assert counts(copy) == counts(path)


def test_a_restore_brings_the_backup_back_after_asking(capsys, live, tmp_path):
    path, desk = live
    run(capsys, path, "backup", str(tmp_path / "monday.db"))
    directory.create_client(desk, "Added after the backup", [])

    status, _, err = run(capsys, path, "restore", str(tmp_path / "monday.db"))
    assert status == 2
    assert err == (f"calldesk: restoring replaces every record in {path} with {tmp_path / 'monday.db'} "
                   f"(schema version {LATEST_VERSION}): add --yes to go ahead\n")
    assert counts(path)[0] == 4

    status, out, _ = run(capsys, path, "restore", str(tmp_path / "monday.db"), "--yes")

    assert (status, out) == (0, f"restored {tmp_path / 'monday.db'} (schema version {LATEST_VERSION}) into {path}\n")
    assert counts(path)[0] == 3
    open_database(f"sqlite:///{path}")  # a console reopening the database finds the backup's clients
    assert sorted(c.name for c in Client.select()) == ["Client 0", "Client 1", "Client 2"]


def test_a_restore_into_a_new_place_needs_no_yes(capsys, live, tmp_path):
    path, _ = live
    run(capsys, path, "backup", str(tmp_path / "copy.db"))

    status, _, _ = run(capsys, tmp_path / "elsewhere" / "new.db", "restore", str(tmp_path / "copy.db"))

    assert status == 0
    assert counts(tmp_path / "elsewhere" / "new.db") == counts(path)


def _plain_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")


def _newer_calldesk(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"INSERT INTO schema_version (version, applied_at) VALUES ({LATEST_VERSION + 1}, 0)")


@pytest.mark.parametrize(("prepare", "message"), [
    (lambda p: p.write_text("name,phone\nAsha,98450 11111\n"), "not a SQLite database, so not a calldesk backup"),
    (_plain_sqlite, "a SQLite database but not calldesk's (no schema_version, client, phone, call table)"),
    (_newer_calldesk, f"schema version {LATEST_VERSION + 1} is newer than this calldesk ({LATEST_VERSION}): "
                      "upgrade calldesk first"),
])
def test_a_restore_refuses_what_is_not_a_calldesk_database_it_knows(capsys, live, tmp_path, prepare, message):
    path, _ = live
    candidate = tmp_path / "candidate.db"
    if prepare is _newer_calldesk:
        run(capsys, path, "backup", str(candidate))
    prepare(candidate)
    before = counts(path)

    status, _, err = run(capsys, path, "restore", str(candidate), "--yes")

    assert (status, err) == (2, f"calldesk: {candidate}: {message}\n")
    assert counts(path) == before


def test_on_postgresql_backup_and_restore_point_to_pg_dump(capsys, tmp_path):
    url = "postgresql://desk:secret@db.example.com/calldesk"
    for command in ("backup", "restore"):
        status, _, err = run(capsys, url, command, str(tmp_path / "x.db"))
        assert status == 1
        assert "postgresql://desk:***@db.example.com/calldesk is PostgreSQL: back it up with `pg_dump" in err
        assert "pg_restore" in err and "secret" not in err
