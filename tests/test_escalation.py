"""An operator flags the live call for a team lead; every lead sees it until one acknowledges it."""

from __future__ import annotations

import pytest
from keyboard import type_text
from modal_host import ModalHost, settle

from calldesk.desk.calls import handling, queue
from calldesk.desk.calls.escalation import acknowledge_escalation, escalate_call, escalations_of_call, open_escalations
from calldesk.desk.clients import directory
from calldesk.desk.errors import DeskError, NotAllowed
from calldesk.desk.operators import roster
from calldesk.store.models import AuditEvent
from calldesk.tui.modals.escalate import EscalateModal


@pytest.fixture
def on_a_call(desk):
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    directory.create_client(desk, "Vikram Singh", [directory.NewPhone("+91 99300 44556")])
    call_id = queue.ring_call(desk, "+91 99300 44556", "support")
    queue.claim_call(desk, call_id, ravi.id)
    return ravi, call_id


@pytest.fixture
def leads(desk):
    return (roster.add_operator(desk, "meera", "Meera Iyer", "support", role="lead"),
            roster.add_operator(desk, "john", "John Mathew", "sales", role="lead"))


def test_an_escalated_call_shows_on_every_leads_list_with_client_and_operator(desk, on_a_call, leads):
    ravi, call_id = on_a_call
    escalation_id = escalate_call(desk, ravi.id, call_id, "  Wants a refund\nabove my limit  ")
    [waiting] = open_escalations(desk)
    assert waiting.id == escalation_id
    assert waiting.reason == "Wants a refund above my limit"  # one line
    assert (waiting.client_name, waiting.operator, waiting.call_live) == ("Vikram Singh", "Ravi Kumar", True)
    assert waiting.number == "099300 44556"
    with pytest.raises(DeskError, match="already flagged"):
        escalate_call(desk, ravi.id, call_id, "Still waiting")


def test_a_lead_acknowledges_it_once_and_it_stays_on_the_calls_record(desk, on_a_call, leads):
    ravi, call_id = on_a_call
    meera, john = leads
    escalation_id = escalate_call(desk, ravi.id, call_id, "Threatens to cancel the contract")
    with pytest.raises(NotAllowed):
        acknowledge_escalation(desk, ravi.id, escalation_id)
    acknowledge_escalation(desk, meera.id, escalation_id)
    with pytest.raises(DeskError, match="already acknowledged by Meera Iyer"):
        acknowledge_escalation(desk, john.id, escalation_id)
    assert open_escalations(desk) == []
    [record] = escalations_of_call(desk, call_id)
    assert record.acknowledged_by == "Meera Iyer" and record.acknowledged_at is not None
    actions = {e.action for e in AuditEvent.select().where(AuditEvent.entity_id == call_id)}
    assert {"escalate", "acknowledge_escalation"} <= actions


def test_only_the_live_call_of_the_operator_can_be_escalated(desk, on_a_call, leads):
    ravi, call_id = on_a_call
    meera = leads[0]
    with pytest.raises(NotAllowed):
        escalate_call(desk, meera.id, call_id, "not mine")
    with pytest.raises(DeskError, match="why a team lead is needed"):
        escalate_call(desk, ravi.id, call_id, "   ")
    handling.end_call(desk, call_id, ravi.id)
    with pytest.raises(NotAllowed, match="not your live call"):
        escalate_call(desk, ravi.id, call_id, "too late")


async def test_ctrl_e_dialog_flags_the_call_with_the_typed_reason(desk, on_a_call, leads):
    ravi, call_id = on_a_call
    app = ModalHost(EscalateModal(desk, ravi.id, call_id, "Vikram Singh"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # no reason: refused, the dialog stays
        await settle(pilot)
        assert "why a team lead is needed" in str(app.screen.query_one("#escalate-error").content)
        await type_text(pilot, "Asks for the manager")
        await pilot.press("enter")
        await settle(pilot)
    [waiting] = open_escalations(desk)
    assert app.result == waiting.id and waiting.reason == "Asks for the manager"
