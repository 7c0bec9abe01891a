"""A team lead takes every record out again: clients with phones, operators, the audit trail, calls since a date;
and the clients come back into an empty database the same."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.calls import queue
from calldesk.desk.clients import directory
from calldesk.desk.clients.directory import NewPhone
from calldesk.desk.clients.importing import import_clients
from calldesk.desk.exports import AUDIT_FIELDS, OPERATOR_FIELDS, export_clients
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.store.accounts import account_kind, session_account
from calldesk.store.database import open_database

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
KEPT = ("name", "company", "address_as", "manner", "stage", "tags", "time_zone")


def run(capsys, db_url: str, *argv: str) -> tuple[int, str, str]:
    status = main(["--config", str(CONFIG), "--db", db_url, *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def book(desk) -> None:
    """Clients as a desk has them after a while: labels, an extension, an unverified number, Devanagari."""
    rahul = directory.create_client(desk, "Rahul Sharma", [NewPhone("098765 43210", "mobile"),
                                                         NewPhone("022 2345 6789 ext. 12", "office")],
                                  company="Sharma Traders, Pune", address_as="Mr Sharma", manner="formal",
                                  stage="negotiation")
    directory.update_client(desk, rahul, "lina", tags="VIP, Wholesale", time_zone="Asia/Kolkata")
    directory.create_client(desk, "सुनीता वर्मा", [NewPhone("+91 98123 45678"), NewPhone("12345", "old")],
                          address_as="वर्मा जी")
    directory.create_client(desk, "Sarah \"Sal\" Thompson", [NewPhone("+44 20 7946 0321", "london")],
                          company="Thompson Logistics (UK)")
    directory.create_client(desk, "Walk-in, no phone", [])


def comparable(rows: list[dict], phone_keys: tuple[str, ...]) -> list[tuple]:
    return [(tuple(r[k] for k in KEPT), [tuple(p[k] for k in phone_keys) for p in r["phones"]]) for r in rows]


@pytest.mark.parametrize(("fmt", "phone_keys"), [
    ("jsonl", ("raw", "e164", "extension", "label", "valid")),
    ("csv", ("e164", "extension", "valid")),  # CSV keeps each number as E.164 (with its extension), not as typed
])
def test_clients_exported_then_imported_into_an_empty_database_are_the_same(capsys, desk, db_url, book, tmp_path,
                                                                            fmt, phone_keys):
    exported = tmp_path / f"clients.{fmt}"
    status, _, err = run(capsys, db_url, "export", "clients", "--format", fmt, "--output", str(exported))
    assert (status, err) == (0, f"exported 4 clients to {exported}\n")
    before = list(export_clients())

    open_database(f"sqlite:///{tmp_path / 'empty.db'}")
    summary = import_clients(desk, exported)

    assert (summary.created, summary.rejected) == (4, [])
    assert comparable(list(export_clients()), phone_keys) == comparable(before, phone_keys)


def test_operators_and_the_audit_trail_are_exported(capsys, desk, db_url):
    first_console(desk, "lina")
    roster.add_operator(desk, "asha", "Asha Rao", "support", extension="201", actor="lina")
    directory.create_client(desk, "Rahul Sharma", [NewPhone("098765 43210")], actor="asha")

    status, out, _ = run(capsys, db_url, "export", "operators", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert tuple(rows[0]) == OPERATOR_FIELDS
    assert [(r["login"], r["role"], r["extension"], r["enabled"]) for r in rows] == [
        ("lina", "lead", "", "True"), ("asha", "operator", "201", "True")]

    status, out, _ = run(capsys, db_url, "export", "audit")
    events = [json.loads(line) for line in out.splitlines()]
    assert tuple(events[0]) == AUDIT_FIELDS
    assert [(e["actor"], e["entity"], e["action"]) for e in events] == [
        (f"{account_kind()} {session_account()}", "operator", "create"), ("lina", "operator", "create"),
        ("asha", "client", "create")]
    assert json.loads(events[2]["after"]) == {"company": "", "name": "Rahul Sharma"}
    assert events[0]["at"] == "2026-11-27T09:00:00+00:00"


def test_since_keeps_the_records_from_that_moment_on(capsys, desk, db_url):
    early = queue.ring_call(desk, "+91 98765 43210", "support")
    desk.clock.advance(days=3)  # 2026-11-30 09:00 UTC
    late = queue.ring_call(desk, "+91 98765 43211", "support")

    for since in ("2026-11-29", "2026-11-30T09:00:00+00:00", "2026-11-30T14:30+05:30"):
        status, out, _ = run(capsys, db_url, "export", "calls", "--since", since)
        assert (status, [json.loads(line)["id"] for line in out.splitlines()]) == (0, [late]), since
    _, out, _ = run(capsys, db_url, "export", "calls", "--since", "2026-11-27T09:00Z", "--format", "csv")
    assert [int(r["id"]) for r in csv.DictReader(io.StringIO(out))] == [early, late]


def test_since_is_refused_where_there_is_no_time_and_when_it_is_not_a_date(capsys, db_url, desk):
    status, _, err = run(capsys, db_url, "export", "operators", "--since", "2026-11-01")
    assert (status, err) == (1, "calldesk: operators have no time to filter on: leave out --since\n")

    with pytest.raises(SystemExit) as exit_status:
        run(capsys, db_url, "export", "calls", "--since", "last week")
    assert exit_status.value.code == 2
    assert "'last week' is not an ISO date or date-time" in capsys.readouterr().err
