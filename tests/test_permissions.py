"""Who may do what: the lead-only actions are one table and one check, and every path asks it. The story of
issue 17: op1 gave his own call-back to a colleague from the F9 board, though F1 says leads reassign."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from calldesk.cli import main
from calldesk.desk.callbacks.lines import line_of
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    create_callback,
    distribute_callbacks,
    reassign_callbacks,
    record_outcome,
    start_callback,
)
from calldesk.desk.clients import directory
from calldesk.desk.errors import NotAllowed
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.desk.operators.permissions import WHO_MAY, Action, Role, may, require
from calldesk.store.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config.yaml"


@pytest.fixture
def floor(desk):
    """Boss leads support; op1 and op2 answer support calls, op3 sales. op1 has promised Rahul a call-back."""
    boss = first_console(desk, "boss")  # the first on a new desk: its lead
    op1 = roster.add_operator(desk, "op1", "Omar One", "support")
    op2 = roster.add_operator(desk, "op2", "Priya Two", "support")
    roster.add_operator(desk, "op3", "Sara Three", "sales")
    client = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    promise = create_callback(desk, op1.id, CallbackRequest(reason="Refund 4411", client_id=client,
                                                            due_at=desk.clock.now() + timedelta(hours=1)))
    return {"boss": boss, "op1": op1, "op2": op2, "promise": promise}


def _seen(desk, callback_id):
    return [(callback_id, line_of(desk, callback_id).version)]


def test_every_lead_only_action_is_a_leads_and_refused_to_anyone_else_in_one_wording(desk, floor):
    boss, op1 = floor["boss"], floor["op1"]
    disabled_lead = boss._replace(enabled=False)
    for action in Action:
        assert WHO_MAY[action] == {Role.LEAD}
        assert may(boss, action)
        assert not may(op1, action) and not may(disabled_lead, action) and not may(None, action)
    require(boss, Action.CHANGE_FAQ)
    with pytest.raises(NotAllowed) as refused:
        require(op1, Action.CHANGE_FAQ)
    assert str(refused.value) == "only a team lead may change the FAQ"
    with pytest.raises(NotAllowed) as refused:
        require(op1, Action.REVIEW_CALL, "call 7 was Asha's")
    assert str(refused.value) == "call 7 was Asha's: only a team lead may review a call"


def test_an_operator_cannot_hand_his_own_call_back_to_a_colleague(desk, floor):
    op1, promise = floor["op1"], floor["promise"]
    with pytest.raises(NotAllowed) as refused:
        reassign_callbacks(desk, op1.id, _seen(desk, promise), "op2")  # the board's ctrl+r, enter
    assert str(refused.value) == (f"call-back {promise} is yours: only a team lead may give a call-back to "
                                  "someone else")
    with pytest.raises(NotAllowed, match="only a team lead may give a call-back to someone else"):
        reassign_callbacks(desk, op1.id, _seen(desk, promise), "sales")  # another department's pool is someone else
    with pytest.raises(NotAllowed, match="only a team lead may distribute call-backs"):
        distribute_callbacks(desk, op1.id, _seen(desk, promise))
    assert line_of(desk, promise).owner_login == "op1"
    assert not AuditEvent.select().where(AuditEvent.action == "reassign").exists()


def test_the_owner_still_works_his_call_back_and_gives_it_back_to_his_pool(desk, floor):
    op1, promise = floor["op1"], floor["promise"]
    later = desk.clock.now() + timedelta(hours=2)
    rescheduled = record_outcome(desk, promise, line_of(desk, promise).version, op1.id, "rescheduled",
                                 next_due=later)
    assert rescheduled.callback.due_at == later
    reassign_callbacks(desk, op1.id, _seen(desk, promise), "support")  # back to his own department's pool
    assert line_of(desk, promise).pool == "support"
    reassign_callbacks(desk, op1.id, _seen(desk, promise), "op1")  # and taken from it again
    started = start_callback(desk, promise, line_of(desk, promise).version, op1.id)
    assert started.callback.owner_login == "op1"


def test_a_lead_hands_it_on_and_the_audit_names_the_lead(desk, floor):
    boss, promise = floor["boss"], floor["promise"]
    assert reassign_callbacks(desk, boss.id, _seen(desk, promise), "op2") == 1
    assert line_of(desk, promise).owner_login == "op2"
    [moved] = AuditEvent.select().where(AuditEvent.action == "reassign")
    assert (moved.actor, moved.before, moved.after) == ("boss", '{"owner": "op1"}', '{"owner": "op2"}')


def test_callbacks_assign_refuses_the_owner_in_one_line_and_lets_the_lead(capsys, desk, db_url, floor):
    promise = floor["promise"]
    argv = ["--config", str(CONFIG), "--db", db_url, "callbacks", "assign", str(promise), "op2"]
    assert main([*argv, "--operator", "op1"]) != 0
    err = capsys.readouterr().err
    assert err == (f"calldesk: call-back {promise} is yours: only a team lead may give a call-back to someone "
                   "else\n")
    assert main([*argv, "--operator", "boss"]) == 0
    assert capsys.readouterr().out == f"call-back {promise} (Rahul Sharma): Omar One -> Priya Two\n"
    assert AuditEvent.select().where(AuditEvent.action == "reassign").get().actor == "boss"


def test_docs_security_lists_every_lead_only_action():
    table = [line.split("|")[1].strip() for line in (ROOT / "docs" / "security.md").read_text().splitlines()
             if line.startswith("| ") and line.split("|")[2].strip() == "lead"]
    assert table == [action.value for action in Action]
