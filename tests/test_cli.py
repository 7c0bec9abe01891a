"""The `calldesk` command from another shell: ring a call in, export the records, manage operators."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from calldesk.cli import _console_arguments, main
from calldesk.cli.console import run_console
from calldesk.config import load_config
from calldesk.desk.calls import handling, queue
from calldesk.desk.clients import directory
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.context import Desk
from calldesk.desk.exports import CALL_FIELDS, CLIENT_FIELDS, NOTE_FIELDS
from calldesk.desk.operators import roster
from calldesk.store.database import open_database
from calldesk.store.models import database

pytestmark = pytest.mark.database_logins  # on PostgreSQL: one at a time (tests/conftest.py)

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
DOCUMENTED = {  # the command line is a public interface (README, docs/export-format.md)
    "calls": {"id", "number_e164", "client_id", "queue", "status", "arrived_at", "answered_at", "ended_at",
              "operator", "rings", "disposition"},
    "notes": {"id", "client_id", "call_id", "author", "body", "created_at"},
    "clients": {"id", "name", "company", "phones"},
}
FIELDS = {"calls": CALL_FIELDS, "notes": NOTE_FIELDS, "clients": CLIENT_FIELDS}
TIMES = {"calls": ("arrived_at", "answered_at", "ended_at", "wrapped_at"), "notes": ("created_at",),
         "clients": ("created_at",)}


def calldesk(*argv: str, cwd: Path, module: str = "calldesk.cli") -> subprocess.CompletedProcess:
    """`calldesk ARGV` run from another shell."""
    return subprocess.run([sys.executable, "-m", module, *argv], capture_output=True, text=True, timeout=60,
                          cwd=cwd)


@pytest.fixture
def command(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`calldesk ARGV` run inside this process (quicker than a new interpreter): (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    database.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "desk.db"


@pytest.fixture
def shop(db: Path) -> Iterator[Desk]:
    """The same database seen from this process, as a console on the desk would see it."""
    open_database(f"sqlite:///{db}")
    yield Desk(load_config(CONFIG))
    database.close()


def test_ring_puts_a_call_in_the_queue_that_every_console_sees(tmp_path, db, shop):
    rahul = directory.create_client(shop, "Rahul Sharma", [NewPhone("098765 43210")])
    first = calldesk("--config", str(CONFIG), "--db", str(db), "ring", "+91 98765 43210", "--queue", "sales",
                     "--name", "RAHUL S", cwd=tmp_path)
    assert (first.returncode, first.stderr) == (0, "")
    second = calldesk("ring", "022-2765-4321", "--db", str(db), "--config", str(CONFIG), cwd=tmp_path,
                      module="calldesk")
    assert (second.returncode, second.stderr) == (0, "")

    waiting = queue.waiting_calls(shop)
    assert [(w.id, w.queue, w.number, w.client_id, w.caller_name) for w in waiting] == [
        (int(first.stdout), "sales", "098765 43210", rahul, "RAHUL S"),
        (int(second.stdout), "support", "022 2765 4321", None, ""),  # no --queue: the config's first queue
    ]


def test_ring_to_an_unknown_queue_says_so_in_one_line(tmp_path, db, shop):
    result = calldesk("--config", str(CONFIG), "--db", str(db), "ring", "98765 43210", "--queue", "accounts",
                      cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "calldesk: queue 'accounts' is not in the config (known: support, sales, billing)"]
    assert result.stdout == ""


def test_export_gives_the_documented_fields_with_times_carrying_their_offset(tmp_path, db, shop, command):
    asha = roster.add_operator(shop, "asha", "Asha Verma")
    rahul = directory.create_client(shop, "Rahul Sharma", [NewPhone("098765 43210"), NewPhone("abc")],
                                  company='Sharma "Electronics", Pune')
    answered = queue.ring_call(shop, "+91 98765 43210", "support")
    queue.claim_call(shop, answered, asha.id)
    handling.wrap_up(shop, answered, asha.id, "Resolved", note="Line one\nline two, with a comma")
    missed = queue.ring_call(shop, "+44 20 7946 0958", "sales")
    queue.abandon_call(shop, missed)

    common = ("--config", str(CONFIG), "--db", str(db))
    exported = {}
    for entity, count in (("calls", 2), ("notes", 1), ("clients", 1)):
        status, out, err = command("export", entity, *common)
        assert (status, err) == (0, "")
        rows = exported[entity] = [json.loads(line) for line in out.splitlines()]
        assert len(rows) == count
        for row in rows:
            assert tuple(row) == FIELDS[entity] and DOCUMENTED[entity] <= set(row)
            for key in TIMES[entity]:
                assert row[key] is None or datetime.fromisoformat(row[key]).utcoffset() is not None, (entity, key)

        status, out, _ = command("export", entity, "--format", "csv", *common)
        table = list(csv.reader(io.StringIO(out)))
        assert tuple(table[0]) == FIELDS[entity]
        assert [dict(zip(table[0], line, strict=True))["id"] for line in table[1:]] == [str(r["id"]) for r in rows]

    [answered_row, missed_row] = exported["calls"]
    assert (answered_row["client_id"], answered_row["operator"], answered_row["rings"]) == (rahul, "asha", 1)
    assert (answered_row["number_e164"], answered_row["disposition"]) == ("+919876543210", "Resolved")
    assert (missed_row["status"], missed_row["operator"], missed_row["answered_at"]) == ("abandoned", None, None)
    assert exported["notes"][0]["body"] == "Line one\nline two, with a comma"
    _, client_csv, _ = command("export", "clients", "--format", "csv", *common)
    [client] = csv.DictReader(io.StringIO(client_csv))
    assert (client["company"], client["phones"]) == ('Sharma "Electronics", Pune', "+919876543210;abc")

    from_shell = calldesk("export", "notes", *common, cwd=tmp_path)  # what a cron job or a pipe gets
    assert (from_shell.returncode, from_shell.stderr) == (0, "")
    assert [json.loads(line) for line in from_shell.stdout.splitlines()] == exported["notes"]


def test_an_empty_csv_export_still_has_its_header_and_output_can_go_to_a_file(tmp_path, db, command):
    common = ("--config", str(CONFIG), "--db", str(db))
    for entity in ("calls", "notes", "clients"):
        assert command(*common, "export", entity, "--format", "csv") == (0, ",".join(FIELDS[entity]) + "\r\n", "")
    out = tmp_path / "notes.csv"
    assert command(*common, "export", "notes", "--format", "csv", "-o", str(out)) == (
        0, "", f"exported 0 notes to {out}\n")
    assert out.read_text(encoding="utf-8").splitlines() == [",".join(NOTE_FIELDS)]


def test_a_lead_adds_and_lists_operators(db, command):
    common = ("--config", str(CONFIG), "--db", str(db))
    assert command("db", "init", "--lead", "boss", *common)[0] == 0
    assert command("operator", "add", "ravi", "--name", "Ravi Kumar", "--department", "sales", "--role", "lead",
                   *common) == (0, "added ravi (lead, sales)\n", "")
    assert command(*common, "operator", "add", "meera", "--name", "Meera Iyer")[0] == 0
    assert command(*common, "operator", "add", "ravi") == (1, "", "calldesk: operator 'ravi' exists already\n")
    assert command(*common, "operator", "add", "john", "--department", "accounts") == (
        1, "", "calldesk: department 'accounts' is not in the config (known: support, sales, billing)\n")
    status, listing, _ = command("operator", "list", *common)
    assert status == 0
    assert [line.split()[:4] for line in listing.splitlines()] == [
        ["LOGIN", "NAME", "DEPARTMENT", "ROLE"], ["boss", "boss", "support", "lead"],
        ["meera", "Meera", "Iyer", "support"], ["ravi", "Ravi", "Kumar", "sales"]]


@pytest.mark.parametrize(("argv", "says"), [
    (["--db"], "argument --db: expected one argument"),
    (["--operator", "asha", "--colour"], "unrecognized arguments: --colour"),
    (["exprot", "calls"], "invalid choice: 'exprot'"),
])
def test_a_mistyped_command_line_gets_the_full_usage_and_status_2(argv, says, capsys):
    """Global options alone open the console on a short path; anything else still gets argparse's own answer."""
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert says in err and "COMMAND" in err.splitlines()[0] + err.splitlines()[1]


@pytest.mark.parametrize(("argv", "read"), [
    ([], {}),
    (["--db", "desk.db", "--operator", "asha"], {"db": "desk.db", "operator": "asha"}),
    (["--config=/etc/calldesk.yaml", "--db=postgresql://desk@pg/calls", "--db", "last.db"],
     {"config": "/etc/calldesk.yaml", "db": "last.db"}),  # as argparse: the last one given counts
])
def test_global_options_alone_open_the_console_in_either_form(argv, read):
    args = _console_arguments(argv)
    assert args.run is run_console and args.command is None
    assert {name: getattr(args, name) for name in ("config", "db", "operator") if hasattr(args, name)} == read


@pytest.mark.parametrize("argv", [
    ["demo"], ["--db", "desk.db", "ring", "+91 98765 43210"], ["--help"], ["--oper", "asha"], ["--db"],
    ["--db", "--operator", "asha"], ["--", "--db", "x"],
])
def test_anything_but_global_options_goes_to_the_full_parser(argv):
    assert _console_arguments(argv) is None
