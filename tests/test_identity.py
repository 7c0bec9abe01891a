"""Who sits at the console is who the system says, not what is typed: on one machine the OS user mapped to an
operator; --operator, $CALLDESK_OPERATOR and the config's default_operator only choose whom a team lead works as.
(On PostgreSQL the database login is the identity: tests/test_pg_roles.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.calls import queue
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import who_acts
from calldesk.store.accounts import session_account
from calldesk.store.models import AuditEvent, CallBack, Operator

pytestmark = pytest.mark.database_logins  # on PostgreSQL: one at a time (tests/conftest.py)

CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
NUMBER = "+91 98765 43210"


@pytest.fixture
def sqlite_desk(tmp_path, config, clock):
    """A desk on a SQLite file: boss leads, op1 works calls, and op1's call-back waits for him."""
    from calldesk.desk.context import Desk
    from calldesk.store.database import open_database

    url = f"sqlite:///{tmp_path / 'desk.db'}"
    db = open_database(url)
    desk = Desk(config, clock)
    roster.add_operator(desk, "boss", "Bina Boss", role="lead", account="boss-os-user")
    roster.add_operator(desk, "op1", "Omar One", account="op1-os-user")
    roster.add_operator(desk, "op2", "Priya Two", account="op2-os-user")
    queue.abandon_call(desk, queue.ring_call(desk, NUMBER, "support"))  # a missed call: a call-back...
    CallBack.update(assignee=Operator.get(Operator.login == "op1").id, pool="").execute()  # ...that op1 owns
    yield desk, url
    db.close()


def sits_here(login: str) -> None:
    """Map the OS user running the tests to ``login``, as `operator add --os-user` does."""
    Operator.update(account=session_account()).where(Operator.login == login).execute()


def calldesk(capsys, url: str, *argv: str) -> tuple[int, str, str]:
    status = main(["--config", str(CONFIG), "--db", url, *argv])
    out, err = capsys.readouterr()
    return status, out, err


def nothing_changed() -> None:
    assert Operator.get(Operator.login == "op1").role == "operator"
    assert CallBack.get().assignee.login == "op1"
    assert not AuditEvent.select().where(AuditEvent.action.in_(("set_role", "reassign"))).exists()


def test_an_operator_typing_the_leads_login_is_still_the_operator(sqlite_desk, capsys, monkeypatch):
    _, url = sqlite_desk
    sits_here("op1")
    callback = str(CallBack.get().id)

    assert calldesk(capsys, url, "operator", "set-role", "op1", "lead", "--operator", "boss") == (
        1, "", f"calldesk: you are op1 (OS user {session_account()}): only a team lead may work as another operator "
               "(--operator)\n")
    assert calldesk(capsys, url, "callbacks", "assign", callback, "op2", "--operator", "boss")[0] == 1
    monkeypatch.setenv("CALLDESK_OPERATOR", "boss")
    assert calldesk(capsys, url, "operator", "set-role", "op1", "lead")[0] == 1
    monkeypatch.setenv("CALLDESK_OPERATOR", "op1")  # himself: still no lead
    assert calldesk(capsys, url, "operator", "set-role", "op1", "lead") == (
        1, "", "calldesk: Omar One is not a team lead: only a team lead may manage operators\n")
    assert calldesk(capsys, url, "callbacks", "assign", callback, "op2") == (
        1, "", f"calldesk: call-back {callback} is yours: only a team lead may give a call-back to someone else\n")
    nothing_changed()


def test_with_no_identity_at_all_nobody_is_made_a_lead(sqlite_desk, capsys, monkeypatch):
    _, url = sqlite_desk  # nobody here signs in as the OS user running the tests
    refused = (1, "", f"calldesk: OS user {session_account()!r} is not an operator here: a team lead maps it with "
                      f"`calldesk operator add LOGIN --os-user {session_account()}`\n")

    assert calldesk(capsys, url, "operator", "set-role", "op1", "lead") == refused
    assert calldesk(capsys, url, "operator", "set-role", "op1", "lead", "--operator", "boss") == refused
    assert calldesk(capsys, url, "operator", "add", "intruder", "--role", "lead") == refused
    monkeypatch.setenv("CALLDESK_OPERATOR", "boss")
    assert calldesk(capsys, url, "callbacks", "assign", str(CallBack.get().id), "op2") == refused
    assert calldesk(capsys, url, "db", "init", "--lead", "intruder") == (
        1, "", "calldesk: this desk has a team lead already (boss): a lead adds operators with "
               "`calldesk operator add`\n")
    nothing_changed()
    assert not Operator.select().where(Operator.login == "intruder").exists()


def test_the_lead_acts_as_herself_or_works_as_whom_she_chooses(sqlite_desk, capsys):
    _, url = sqlite_desk
    sits_here("boss")

    assert calldesk(capsys, url, "callbacks", "list", "--operator", "op1", "--format", "csv")[1].count("\n") == 2
    assert calldesk(capsys, url, "operator", "set-role", "op2", "lead") == (0, "op2 is now a team lead\n", "")
    assert AuditEvent.get(AuditEvent.action == "set_role").actor == "boss"
    assert calldesk(capsys, url, "operator", "add", "op3", "--os-user", "op3-os-user") == (
        0, "added op3 (operator, support)\n", "")
    assert Operator.get(Operator.login == "op3").account == "op3-os-user"


def test_one_os_user_signs_in_as_one_operator(sqlite_desk, capsys):
    _, url = sqlite_desk
    sits_here("boss")
    assert calldesk(capsys, url, "operator", "add", "op3", "--os-user", "op1-os-user") == (
        1, "", "calldesk: 'op1-os-user' signs in as op1 already: one account, one operator\n")


def test_a_disabled_operator_is_no_way_in_even_for_the_os_user_mapped_to_them(sqlite_desk, capsys):
    desk, url = sqlite_desk
    roster.disable_operator(desk, "op1", by="boss")
    sits_here("op1")
    assert calldesk(capsys, url, "callbacks", "list") == (
        1, "", "calldesk: operator 'op1' is disabled: a team lead can run `calldesk operator enable op1`\n")


def test_the_demo_and_training_let_anyone_choose_whom_to_play(sqlite_desk):
    desk, _ = sqlite_desk
    assert who_acts(desk, "op2", anyone_may_choose=True).login == "op2"
    with pytest.raises(Exception, match="is not an operator here"):
        who_acts(desk, "op2")
