"""Who may sit at a console, and as what: the first one on a new desk leads, leads manage the others, every refusal
says why, every change is audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.calls import queue
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotAllowed, NotFound, UnknownOperator
from calldesk.desk.operators import roster, shift
from calldesk.desk.operators.identity import first_console, who_acts
from calldesk.store.accounts import account_kind, database_logins, session_account
from calldesk.store.models import AuditEvent, CallBack, Operator, database

pytestmark = pytest.mark.database_logins  # on PostgreSQL: one at a time (tests/conftest.py)

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"


def _audit(action: str) -> list[tuple[str, dict, dict]]:
    rows = AuditEvent.select().where((AuditEvent.entity == "operator") & (AuditEvent.action == action))
    return [(r.actor, json.loads(r.before or "{}"), json.loads(r.after or "{}")) for r in rows.order_by(AuditEvent.id)]


def test_the_first_console_on_a_new_desk_makes_its_lead_and_strangers_are_turned_away(desk):
    first = first_console(desk, "meera")
    assert first.is_lead
    assert Operator.get(Operator.login == "meera").account == session_account()  # she signs in as who she is
    assert first_console(desk, "ravi") is None  # a desk with people in it: the usual sign-in, no second lead
    with pytest.raises(UnknownOperator, match="operator 'ravi' is not known here: a lead adds them with "
                                              "`calldesk operator add ravi`"):
        roster.sign_in(desk, "ravi")
    assert who_acts(desk) == first  # the same person again, not a new lead
    assert [o.login for o in roster.list_operators()] == ["meera"]


def test_a_disabled_operator_cannot_sign_in_until_enabled_again(desk):
    meera = first_console(desk, "meera")
    roster.add_operator(desk, "ravi", "Ravi Kumar", by="meera")
    ravi = roster.disable_operator(desk, "ravi", by="meera")
    assert (ravi.enabled, ravi.state) == (False, "disabled")
    with pytest.raises(UnknownOperator, match="operator 'ravi' is disabled: a team lead can run "
                                              "`calldesk operator enable ravi`"):
        roster.sign_in(desk, "ravi")
    assert [o.login for o in roster.list_operators()] == ["meera"]  # gone from the owner pickers
    assert [o.login for o in roster.list_operators(with_disabled=True)] == ["meera", "ravi"]
    shift.enable_operator(desk, "ravi", by="meera")
    assert roster.sign_in(desk, "ravi").enabled
    assert _audit("disable") == [("meera", {"enabled": True}, {"enabled": False})]
    assert _audit("enable") == [("meera", {"enabled": False}, {"enabled": True})]
    assert meera.is_lead


def test_a_lead_promotes_an_operator_and_the_change_is_audited(desk, clock):
    first_console(desk, "meera")
    roster.add_operator(desk, "ravi", "Ravi Kumar")
    clock.advance(minutes=5)
    assert roster.set_role(desk, "ravi", "lead", by="meera").is_lead
    assert roster.set_role(desk, "ravi", "lead", by="meera").is_lead  # no change, no second audit line
    assert _audit("set_role") == [("meera", {"role": "operator"}, {"role": "lead"})]
    assert AuditEvent.get(AuditEvent.action == "set_role").at == clock.now()


def test_an_operator_may_not_manage_others(desk):
    first_console(desk, "meera")
    roster.add_operator(desk, "ravi", "Ravi Kumar")
    roster.add_operator(desk, "asha", "Asha Verma")
    refusal = "Ravi Kumar is not a team lead: only a team lead may manage operators"
    with pytest.raises(NotAllowed, match=refusal):
        roster.set_role(desk, "ravi", "lead", by="ravi")
    with pytest.raises(NotAllowed, match=refusal):
        roster.disable_operator(desk, "asha", by="ravi")
    with pytest.raises(NotAllowed, match=refusal):
        roster.add_operator(desk, "john", by="ravi")
    with pytest.raises(NotAllowed, match="operator 'ghost' is not an enabled operator here"):
        shift.enable_operator(desk, "asha", by="ghost")
    assert Operator.get(Operator.login == "ravi").role == "operator"
    assert Operator.get(Operator.login == "asha").enabled
    assert _audit("set_role") == _audit("disable") == []


def test_the_desk_always_keeps_one_enabled_lead(desk):
    first_console(desk, "meera")
    roster.add_operator(desk, "ravi", "Ravi Kumar")
    with pytest.raises(NotAllowed, match="meera is the only team lead: make someone else a lead before you make "
                                         "meera an operator"):
        roster.set_role(desk, "meera", "operator")
    with pytest.raises(NotAllowed, match="meera is the only team lead: make someone else a lead before you "
                                         "disable meera"):
        roster.disable_operator(desk, "meera")
    with pytest.raises(NotAllowed, match="you cannot disable yourself"):
        roster.disable_operator(desk, "meera", by="meera")
    roster.set_role(desk, "ravi", "lead", by="meera")
    assert not roster.disable_operator(desk, "meera", by="ravi").enabled
    with pytest.raises(NotFound, match="operator 'nobody' is not known here"):
        roster.set_role(desk, "nobody", "lead")
    with pytest.raises(DeskError, match="role 'boss' is not one of operator, lead"):
        roster.set_role(desk, "ravi", "boss")


@pytest.fixture
def command(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str):
    """`calldesk --db URL ARGV` run inside this process: (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--config", str(CONFIG), "--db", db_url, *argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    yield run
    if database.obj is not None and not database.is_closed():
        database.close()


def test_a_lead_manages_the_team_from_the_command_line(command, config, clock):
    status, out, _ = command("db", "init", "--lead", "meera", "--name", "Meera Iyer")
    account = "meera" if database_logins() else session_account()  # a login of her own on PostgreSQL, else this OS user
    assert (status, out) == (0, f"meera is the desk's team lead, signing in as {account_kind()} {account}\n")
    assert command("operator", "add", "ravi", "--name", "Ravi Kumar", "--department", "sales",
                   "--operator", "meera")[1] == "added ravi (operator, sales)\n"
    assert command("operator", "set-role", "ravi", "lead", "--operator", "meera")[1] == "ravi is now a team lead\n"
    assert command("operator", "set-role", "ravi", "operator")[1] == "ravi is now an operator\n"

    desk = Desk(config, clock)
    ravi = Operator.get(Operator.login == "ravi")
    call_id = queue.ring_call(desk, "+91 98765 43210", "sales")
    queue.abandon_call(desk, call_id)  # a missed call becomes a pool call-back...
    CallBack.update(assignee=ravi.id, pool="").execute()  # ...that ravi owns
    status, out, _ = command("operator", "disable", "ravi", "--operator", "meera")
    assert status == 0
    assert out == ("ravi is disabled: they cannot sign in until `calldesk operator enable ravi`\n"
                   "1 open call-back(s) still name ravi: reassign them on the call-back board (F9)\n")
    listing = command("operator", "list")[1].splitlines()[1:]  # under the header
    assert listing[0].split() == ["meera", "Meera", "Iyer", "support", "lead", "available"]
    assert listing[1].split() == ["ravi", "Ravi", "Kumar", "sales", "operator", "disabled"]
    assert command("operator", "enable", "ravi")[1] == "ravi may sign in again\n"


def test_refusals_on_the_command_line_are_one_line(command):
    command("db", "init", "--lead", "meera")
    command("operator", "add", "ravi")
    assert command("operator", "set-role", "meera", "operator", "--operator", "ravi") == (
        1, "", "calldesk: ravi is not a team lead: only a team lead may manage operators\n")
    assert command("operator", "disable", "ghost") == (
        1, "", "calldesk: operator 'ghost' is not known here (see `calldesk operator list`)\n")
    assert command("operator", "set-role", "ravi", "boss") == (
        1, "", "calldesk: role 'boss' is not one of operator, lead\n")
