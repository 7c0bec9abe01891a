"""What the desk writes on one machine is its owner's alone: the SQLite file and its -wal and -shm, a backup, a
restored database and the offline journal (before and after it is pruned) are 0600, whatever the umask lets
others read. Before, each was 0644 on a machine with the usual umask of 022."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk import journal
from calldesk.desk.journal import Journal
from calldesk.desk.operators.identity import first_console
from calldesk.store.database import open_database

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most machines run with: new files are readable by everyone unless the desk says otherwise."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path: Path) -> str:
    return oct(stat.S_IMODE(path.stat().st_mode))


def test_a_new_database_and_its_wal_and_shm_are_the_owners_alone(tmp_path):
    file = tmp_path / "desk" / "calldesk.db"
    db = open_database(f"sqlite:///{file}")
    try:
        db.execute_sql("SELECT COUNT(*) FROM operator")  # the schema is written; WAL mode keeps both companions
        companions = [file, file.with_name("calldesk.db-wal"), file.with_name("calldesk.db-shm")]
        assert [mode(path) for path in companions] == ["0o600"] * 3
    finally:
        db.close()


def test_the_first_command_on_a_new_file_creates_it_private(tmp_path, capsys):
    file = tmp_path / "calldesk.db"
    assert main(["--config", str(CONFIG), "--db", str(file), "db", "init", "--lead", "meera"]) == 0
    assert mode(file) == "0o600"


def test_a_backup_and_a_restored_database_are_the_owners_alone(tmp_path, capsys):
    live = tmp_path / "calldesk.db"
    common = ["--config", str(CONFIG), "--db", str(live)]
    assert main([*common, "db", "init", "--lead", "meera"]) == 0
    assert main([*common, "backup", str(tmp_path / "monday.db")]) == 0
    assert mode(tmp_path / "monday.db") == "0o600"
    assert main([*common, "backup", str(tmp_path / "monday.db"), "--force"]) == 0  # replaced, not loosened
    assert mode(tmp_path / "monday.db") == "0o600"
    fresh = tmp_path / "elsewhere.db"
    assert main(["--config", str(CONFIG), "--db", str(fresh), "restore", str(tmp_path / "monday.db")]) == 0
    assert mode(fresh) == "0o600"


def test_the_journal_stays_the_operators_alone_when_it_is_pruned(desk, monkeypatch):
    first_console(desk, "asha")
    monkeypatch.setattr(journal, "PRUNE_AFTER", 3)
    book = Journal.for_operator("asha", clock=desk.clock)
    for n in range(3):
        book.record("note", body=f"asked about order {n}")
    assert mode(book.path) == "0o600"
    book.replay(desk)  # three finished entries: the file is rewritten without them
    assert book.path.read_text(encoding="utf-8") == ""
    assert mode(book.path) == "0o600"


def test_a_desk_shared_by_an_os_group_keeps_its_files_to_that_group(tmp_path, capsys):
    """Several operators on one machine, each an OS user of one group: config.yaml's file_group gives the group the
    database, its companions and its backups (0660), and nobody else."""
    import grp

    group = grp.getgrgid(os.getgid()).gr_name  # a group this test's user is in
    config = tmp_path / "config.yaml"
    config.write_text(f"company: Acme\nfile_group: {group}\n", encoding="utf-8")
    live = tmp_path / "calldesk.db"
    common = ["--config", str(config), "--db", str(live)]
    assert main([*common, "db", "init", "--lead", "meera"]) == 0
    assert main([*common, "backup", str(tmp_path / "monday.db")]) == 0
    assert main([*common, "restore", str(tmp_path / "monday.db"), "--db", str(tmp_path / "elsewhere.db")]) == 0
    for file in (live, tmp_path / "monday.db", tmp_path / "elsewhere.db"):
        assert (mode(file), file.stat().st_gid) == ("0o660", os.getgid()), file
    config.write_text("company: Acme\nfile_group: no-such-group-here\n", encoding="utf-8")
    assert main([*common, "operator", "list"]) == 2
    assert capsys.readouterr().err == (f"calldesk: {config}:2: file_group: no group 'no-such-group-here' on this "
                                       "machine (see `getent group`)\n")
