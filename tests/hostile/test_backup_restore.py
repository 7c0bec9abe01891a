"""A lead's backup never replaces what it must not (a device, a pipe, an older backup unasked), and a restore puts
back only a whole calldesk database: a file that merely looks like one is refused in one line, exit 2, with the live
database untouched and every command still working."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.clients import directory
from calldesk.desk.context import Desk
from calldesk.store import backup
from calldesk.store.backup import as_of_version
from calldesk.store.database import open_database
from calldesk.store.migrations import ADDED_BY, LATEST_VERSION, MIGRATIONS
from calldesk.store.models import ALL_MODELS, SchemaVersion, database

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def run(capsys, db: Path, *argv: str) -> tuple[int, str, str]:
    status = main(["--config", str(CONFIG), "--db", str(db), *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def live(tmp_path, config, clock, capsys):
    """The desk's database file with two clients, and a good backup of it."""
    path = tmp_path / "desk.db"
    db = open_database(f"sqlite:///{path}")
    desk = Desk(config, clock)
    for n in range(2):
        directory.create_client(desk, f"Client {n}", [directory.NewPhone(f"98450 1000{n}")])
    main(["--config", str(CONFIG), "--db", str(path), "backup", str(tmp_path / "good.db")])
    capsys.readouterr()
    yield path
    db.close()
    database.close()


# --- backup: where it may write (item 6) -----------------------------------------------------------------------

def test_a_backup_never_replaces_a_pipe_or_what_a_link_points_to(capsys, live, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    link = tmp_path / "link.db"
    link.symlink_to(pipe)
    for target in (pipe, link):
        status, out, err = run(capsys, live, "backup", str(target), "--force")
        assert (status, out) == (2, "")
        assert err == (f"calldesk: {target}: not a regular file (a device, a pipe or a broken link): give a file's "
                       "or a folder's path\n")
    assert stat.S_ISFIFO(pipe.stat().st_mode) and link.is_symlink()


def test_a_backup_over_an_older_one_needs_force(capsys, live, tmp_path):
    older = tmp_path / "good.db"
    before = older.read_bytes()
    status, _, err = run(capsys, live, "backup", str(older))
    assert (status, err) == (2, f"calldesk: {older}: a file is there already: add --force to replace it\n")
    assert older.read_bytes() == before

    status, out, _ = run(capsys, live, "backup", str(older), "--force")
    assert (status, out) == (0, f"backed up {live} to {older}\n")


def test_a_backup_onto_the_database_itself_is_refused(capsys, live):
    status, _, err = run(capsys, live, "backup", str(live), "--force")
    assert (status, err) == (2, f"calldesk: {live}: that is the database itself; give another path\n")


@pytest.mark.parametrize("name", ["a" * 300, "x/" * 3 + "b" * 300])
def test_a_backup_name_too_long_for_the_file_system_is_one_line(capsys, live, tmp_path, name):
    status, out, err = run(capsys, live, "backup", str(tmp_path / name))
    assert (status, out) == (2, "")
    assert err.startswith("calldesk: ") and len(err.splitlines()) == 1 and "Traceback" not in err
    assert "(File name too long)" in err or f"there is no folder {tmp_path / 'x/x/x'}" in err


# --- restore: only a whole calldesk database (item 3) ----------------------------------------------------------

def _look_alike(path: Path) -> None:
    """Tables named like calldesk's and the right schema version, and nothing else."""
    with sqlite3.connect(path) as conn:
        conn.executescript("CREATE TABLE schema_version (version INTEGER, applied_at REAL);"
                           f"INSERT INTO schema_version VALUES ({MIGRATIONS[-1][0]}, 0);"
                           "CREATE TABLE client (id INTEGER); CREATE TABLE phone (id INTEGER);"
                           "CREATE TABLE call (id INTEGER);")


def _without_a_column(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executescript('DROP INDEX call_external_id; ALTER TABLE "call" DROP COLUMN external_id;')


def _without_a_trigger(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TRIGGER client_search_ai")


def _damaged(path: Path) -> None:
    """An index that no longer matches its table: what a torn write leaves, found only by integrity_check."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX \"phone_e164\" ON \"phone\" (\"raw\")' "
                     "WHERE name = 'phone_e164'")


def _version_not_a_number(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE schema_version SET version = 'two'")


NOT_WHOLE = f"not a whole calldesk database of schema version {LATEST_VERSION}"


@pytest.mark.parametrize(("spoil", "says"), [
    (_look_alike, f"{NOT_WHOLE} (no table audit_event, index audit_event_at, index audit_event_entity_entity_id and "),
    (_without_a_column, f"{NOT_WHOLE} (no column call.external_id, index call_external_id)"),
    (_without_a_trigger, f"{NOT_WHOLE} (no trigger client_search_ai)"),
    (_damaged, "the database is damaged (PRAGMA integrity_check failed)"),
    (_version_not_a_number, "its schema version is 'two', not a number: not a backup calldesk made"),
])
def test_a_restore_refuses_what_is_not_a_whole_calldesk_database_and_keeps_the_desk(capsys, live, tmp_path, spoil,
                                                                                    says):
    candidate = tmp_path / "candidate.db"
    if spoil is _look_alike:
        _look_alike(candidate)
    else:
        candidate.write_bytes((tmp_path / "good.db").read_bytes())
        spoil(candidate)
    before = live.read_bytes()

    status, out, err = run(capsys, live, "restore", str(candidate), "--yes")

    assert (status, out) == (2, "")
    assert err.startswith(f"calldesk: {candidate}: {says}") and len(err.splitlines()) == 1, err
    assert live.read_bytes() == before
    status, out, _ = run(capsys, live, "export", "clients")
    assert status == 0 and len(out.splitlines()) == 2  # every command still works on the desk as it was


@pytest.mark.parametrize("make", [lambda p: p.mkdir(), lambda p: None])
def test_a_restore_from_a_folder_or_nothing_is_one_line(capsys, live, tmp_path, make):
    candidate = tmp_path / "candidate"
    make(candidate)
    status, _, err = run(capsys, live, "restore", str(candidate), "--yes")
    assert status == 2
    assert err.startswith(f"calldesk: {candidate}: not a file") and len(err.splitlines()) == 1


@pytest.mark.parametrize("version", [version for version, _ in MIGRATIONS[:-1]])
def test_a_backup_of_any_earlier_schema_version_is_restored_and_upgraded(capsys, live, tmp_path, version):
    old = tmp_path / f"v{version}.db"  # as that calldesk made it: without what later migrations added
    db = open_database(f"sqlite:///{old}", upgrade=False)
    with db.bind_ctx(ALL_MODELS):
        for _, step in MIGRATIONS:
            step(db)
        as_of_version(db, version)
        SchemaVersion.create(version=version, applied_at=0)
    db.close()

    status, out, err = run(capsys, live, "restore", str(old), "--yes")

    assert (status, err) == (0, "")
    assert out == f"restored {old} (schema version {version}) into {live}\n"
    upgraded = open_database(f"sqlite:///{live}")  # opening upgrades it: every later migration's part is back
    try:
        assert upgraded.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()[0] == LATEST_VERSION
        assert backup.backup_version(live) == LATEST_VERSION  # a whole database of the latest version
    finally:
        upgraded.close()


def test_every_migration_says_what_it_adds_so_older_backups_stay_restorable():
    assert set(ADDED_BY) == {version for version, _ in MIGRATIONS[1:]}
