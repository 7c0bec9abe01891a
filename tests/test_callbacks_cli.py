"""A lead's morning report and a script's hand-out from the command line, under the console's permissions:
`calldesk callbacks list|assign` and `calldesk export callbacks`."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.callbacks.promises import CallbackRequest, create_callback
from calldesk.desk.clients import directory
from calldesk.desk.exports import CALLBACK_FIELDS
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"

LONG_AGO = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)  # 14:30 in Kolkata; the command line runs on the real clock
FAR_AHEAD = datetime(2099, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def promised(desk, db_url):
    """Lina (lead) and Asha; one call-back of Asha's long overdue, one of Ravi's due in 2099, one in the pool."""
    desk.clock.advance(seconds=(LONG_AGO - desk.clock.now()).total_seconds())
    lina = first_console(desk, "lina")
    asha = roster.add_operator(desk, "asha", "Asha Rao", "support")
    roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    client = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    late = create_callback(desk, lina.id, CallbackRequest(reason="Refund 4411", owner="asha", client_id=client,
                                                          due_at=desk.clock.now() + timedelta(hours=1)))
    desk.clock.advance(seconds=(FAR_AHEAD - desk.clock.now()).total_seconds())
    ahead = create_callback(desk, asha.id, CallbackRequest(reason="Warranty, \"urgent\"", owner="ravi",
                                                           client_id=client,
                                                           due_at=desk.clock.now() + timedelta(hours=1)))
    pooled = create_callback(desk, asha.id, CallbackRequest(reason="Quote", owner="sales", client_id=client,
                                                            due_at=desk.clock.now() + timedelta(hours=2)))
    return {"late": late, "ahead": ahead, "pooled": pooled}


def _run(capsys, db_url, *argv):
    status = main(["--config", str(CONFIG), "--db", db_url, *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_lead_lists_everything_and_filters_mine_overdue_and_by_owner(capsys, db_url, promised):
    status, out, _ = _run(capsys, db_url, "callbacks", "list", "--operator", "lina", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [r["id"] for r in rows] == [promised["late"], promised["ahead"], promised["pooled"]]
    assert [r["assignee"] for r in rows] == ["asha", "ravi", ""]  # the export's own word for it
    assert rows[2]["pool"] == "sales" and rows[0]["urgency"] == "overdue" and rows[0]["seconds_left"] < 0
    assert rows[1]["reason"] == "Warranty, \"urgent\""

    _, out, _ = _run(capsys, db_url, "callbacks", "list", "--operator", "lina", "--overdue", "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["id"], row["assignee"], row["client"]) == (str(promised["late"]), "asha", "Rahul Sharma")

    _, out, _ = _run(capsys, db_url, "callbacks", "list", "--operator", "lina", "--assignee", "sales",
                     "--format", "jsonl")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [promised["pooled"]]


def test_an_operator_lists_only_their_own_in_a_table(capsys, db_url, promised):
    status, out, err = _run(capsys, db_url, "callbacks", "list", "--operator", "asha")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "DUE", "LEFT", "OWNER", "CALLER", "TRIES", "REASON"]
    assert len(lines) == 2 and "Refund 4411" in lines[1] and "Asha Rao" in lines[1]
    assert err.strip() == "1 open call-back"
    _, out, _ = _run(capsys, db_url, "callbacks", "list", "--operator", "asha", "--mine", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [promised["late"]]


def test_assign_is_allowed_to_a_lead_and_refused_to_an_operator_in_one_line(capsys, db_url, promised):
    status, _, err = _run(capsys, db_url, "callbacks", "assign", str(promised["ahead"]), "asha", "--operator", "asha")
    assert status == 1
    assert err == (f"calldesk: call-back {promised['ahead']} belongs to Ravi Kumar: only a team lead may give a "
                   "call-back to someone else\n")

    status, out, _ = _run(capsys, db_url, "callbacks", "assign", str(promised["pooled"]), "ravi", "--operator", "lina")
    assert status == 0
    assert out == f"call-back {promised['pooled']} (Rahul Sharma): sales pool -> Ravi Kumar\n"

    status, _, err = _run(capsys, db_url, "callbacks", "assign", "999", "ravi", "--operator", "lina")
    assert (status, err) == (1, "calldesk: call-back 999 does not exist\n")
    status, _, err = _run(capsys, db_url, "callbacks", "assign", str(promised["late"]), "nobody", "--operator", "lina")
    assert (status, err) == (1, "calldesk: no operator or department called 'nobody'\n")


def test_an_unknown_operator_is_told_how_to_be_added(capsys, db_url, promised):
    status, _, err = _run(capsys, db_url, "callbacks", "list", "--operator", "ghost")
    assert status == 1 and "calldesk operator add ghost" in err


def test_export_callbacks_gives_the_documented_fields(capsys, db_url, promised):
    status, out, _ = _run(capsys, db_url, "export", "callbacks", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert tuple(rows[0]) == CALLBACK_FIELDS
    assert CALLBACK_FIELDS[:9] == ("id", "client_id", "number_e164", "reason", "due_at", "sla_deadline", "assignee",
                                   "status", "attempts")
    assert (rows[0]["assignee"], rows[0]["number_e164"], rows[0]["status"]) == ("asha", "+919876543210", "open")
    assert rows[0]["due_at"] == "2020-01-06T10:00:00+00:00"
    assert rows[0]["sla_deadline"] == "2020-01-06T19:00:00+00:00"
    assert rows[2]["assignee"] == "" and rows[2]["pool"] == "sales"
