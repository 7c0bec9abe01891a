"""Working a call-back: starting it (dossier, call-back greeting, a live outbound call), the outcomes, the tries
that run out to a team lead, and untouched overdue ones going back to the pool while the clock moves."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from calldesk.desk.callbacks.lines import callback_of_call, line_of, my_callbacks
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    PastInquiryDeadline,
    cancel_callback,
    create_callback,
    reassign_callbacks,
    record_outcome,
    release_overdue_callbacks,
    start_callback,
    suggested_next_try,
)
from calldesk.desk.calls import handling, queue
from calldesk.desk.calls.call_view import open_call
from calldesk.desk.clients import directory, dossier
from calldesk.desk.errors import DeskError
from calldesk.desk.exports import EXPORTS
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import AuditEvent, Call, CallBack, Operator

KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def team(desk):
    """Asha (support) promised Rahul a call-back in an hour; Ravi (support) and Lina (lead) are on shift."""
    asha = first_console(desk, "asha")  # the first operator of a new database is a lead: make her an operator
    Operator.update(role="operator", name="Asha Rao").where(Operator.id == asha.id).execute()
    lina = roster.add_operator(desk, "lina", "Lina Das", "support", role="lead")
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    client_id = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")],
                                      address_as="Mr Sharma")
    callback_id = create_callback(desk, asha.id, CallbackRequest(
        reason="the refund for order 4411", due_at=desk.clock.now() + timedelta(hours=1), client_id=client_id))
    return {"asha": asha, "ravi": ravi, "lina": lina, "client": client_id, "cb": callback_id}


def test_starting_a_call_back_opens_the_dossier_and_the_call_back_greeting(desk, team):
    line = line_of(desk, team["cb"])
    started = start_callback(desk, line.id, line.version, team["asha"].id)

    assert started.view.script[0].text.endswith(", Mr Sharma, this is Asha Rao from Acme Appliances Customer Support.")
    assert started.view.script_name == "call_back"  # the script engine's call-back situation
    assert started.view.script[1].text.startswith("I'm calling back about the refund for order 4411, as promised.")
    assert started.view.dossier.name == "Rahul Sharma"
    live = handling.live_call_of(desk, team["asha"].id)
    assert live.id == started.view.call.id and live.client_id == team["client"]
    assert Call.get_by_id(started.view.call.id).direction == "outbound"
    assert callback_of_call(desk, started.view.call.id).id == team["cb"]
    assert roster.get_operator(team["asha"].id).state == "on_call"
    restarted = open_call(desk, live.id, roster.get_operator(team["asha"].id))
    assert restarted.script == started.view.script  # a restarted console says the same


def test_a_reason_with_braces_is_said_as_typed(desk, team):
    callback_id = create_callback(desk, team["asha"].id, CallbackRequest(
        reason="error {code} on {address_as}", due_at=desk.clock.now() + timedelta(hours=1),
        client_id=team["client"]))
    started = start_callback(desk, callback_id, 1, team["asha"].id)
    assert "calling back about error {code} on {address_as}, as promised" in started.view.script[1].text


def test_reached_closes_it_ends_the_call_and_shows_in_the_clients_history(desk, team):
    started = start_callback(desk, team["cb"], 1, team["asha"].id)
    desk.clock.advance(minutes=4)
    result = record_outcome(desk, team["cb"], started.callback.version, team["asha"].id, "reached",
                            note="Refund approved, arrives Monday")
    assert (result.callback.status, result.callback.outcome) == ("done", "reached")
    assert Call.get_by_id(started.view.call.id).status == "completed"
    assert roster.get_operator(team["asha"].id).state == "wrap_up"
    seen = dossier.build_dossier(desk, team["client"])
    assert seen.callbacks == ()
    assert seen.history[0].text == "Refund approved, arrives Monday"
    assert my_callbacks(desk, team["asha"].id) == []


def test_no_answer_offers_the_next_try_and_after_three_tries_a_lead_takes_over(desk, team):
    version = 1
    for attempt in (1, 2):
        started = start_callback(desk, team["cb"], version, team["asha"].id)
        offered = suggested_next_try(desk, started.callback.client_zone)
        assert offered == desk.clock.now() + timedelta(hours=1)
        result = record_outcome(desk, team["cb"], started.callback.version, team["asha"].id, "no_answer")
        assert (result.callback.attempts, result.callback.due_at, result.callback.owner_login) == (
            attempt, offered, "asha")
        assert result.escalated_to == ""
        version = result.callback.version
        handling.wrap_up(desk, started.view.call.id, team["asha"].id, "Call-back promised")
        desk.clock.advance(hours=1)
    started = start_callback(desk, team["cb"], version, team["asha"].id)
    result = record_outcome(desk, team["cb"], started.callback.version, team["asha"].id, "no_answer")
    assert result.escalated_to == "Lina Das"
    assert (result.callback.owner_login, result.callback.attempts, result.callback.status) == ("lina", 3, "open")
    assert AuditEvent.select().where(AuditEvent.action == "escalate").count() == 1


def test_the_next_try_offered_late_in_the_evening_waits_for_the_morning(desk, team):
    desk.clock.advance(hours=5, minutes=15)  # 19:45 in Kolkata: an hour on would be 20:45
    offered = suggested_next_try(desk, "Asia/Calcutta")
    assert f"{offered.astimezone(KOLKATA):%d %H:%M}" == "28 09:00"


def test_rescheduling_moves_the_due_time_and_keeps_from_and_to(desk, team):
    new_time = desk.clock.now() + timedelta(hours=3)
    result = record_outcome(desk, team["cb"], 1, team["asha"].id, "rescheduled", next_due=new_time)
    assert result.callback.due_at == new_time and result.callback.status == "open"
    event = AuditEvent.select().where(AuditEvent.action == "outcome").get()
    assert "10:00:00" in event.before and "12:00:00" in event.after
    with pytest.raises(PastInquiryDeadline):
        record_outcome(desk, team["cb"], result.callback.version, team["asha"].id, "rescheduled",
                       next_due=desk.clock.now() + timedelta(hours=23))


def test_wrong_number_closes_it_and_cancel_needs_a_reason_but_nothing_disappears(desk, team):
    record_outcome(desk, team["cb"], 1, team["asha"].id, "wrong_number")
    other = create_callback(desk, team["asha"].id, CallbackRequest(
        reason="Brochure", due_at=desk.clock.now() + timedelta(hours=2), client_id=team["client"]))
    with pytest.raises(DeskError, match="needs a reason"):
        cancel_callback(desk, other, 1, team["asha"].id, " ")
    cancel_callback(desk, other, 1, team["asha"].id, "client bought in the shop")
    exported = {row["id"]: row for row in EXPORTS["callbacks"].rows()}
    assert exported[team["cb"]]["status"] == "done"
    assert exported[other]["status"] == "cancelled"
    assert exported[other]["outcome"] == "cancelled: client bought in the shop"


def test_an_untouched_overdue_call_back_goes_back_to_the_pool(desk, team):
    due = CallBack.get_by_id(team["cb"]).due_at
    desk.clock.advance(seconds=(due - desk.clock.now()).total_seconds() + 29 * 60)
    assert release_overdue_callbacks(desk) == []
    desk.clock.advance(minutes=2)
    assert release_overdue_callbacks(desk) == [team["cb"]]
    assert release_overdue_callbacks(desk) == []  # once only
    line = line_of(desk, team["cb"])
    assert (line.owner_login, line.pool, line.released_from) == ("", "support", "asha")
    assert [c.id for c in my_callbacks(desk, team["ravi"].id)] == [team["cb"]]  # anyone in support may take it
    event = AuditEvent.select().where(AuditEvent.action == "release").get()
    assert (event.actor, event.before, event.after) == ("system", '{"owner": "asha"}', '{"owner": "pool:support"}')


def test_a_call_back_being_worked_or_just_handed_over_is_not_released(desk, team):
    started = start_callback(desk, team["cb"], 1, team["asha"].id)
    desk.clock.advance(hours=2)
    assert release_overdue_callbacks(desk) == []  # on the line right now
    result = record_outcome(desk, team["cb"], started.callback.version, team["asha"].id, "no_answer",
                            next_due=desk.clock.now() + timedelta(minutes=5))
    desk.clock.advance(minutes=50)
    reassign_callbacks(desk, team["lina"].id, [(team["cb"], result.callback.version)], "ravi")
    desk.clock.advance(minutes=20)
    assert release_overdue_callbacks(desk) == []  # Ravi got it 20 minutes ago: he has his own grace
    desk.clock.advance(minutes=11)
    assert release_overdue_callbacks(desk) == [team["cb"]]
    assert line_of(desk, team["cb"]).released_from == "ravi"


def test_an_abandoned_caller_is_called_back_from_the_pool(desk, team):
    call_id = queue.ring_call(desk, "+91 90000 11111", "support")
    queue.abandon_call(desk, call_id)
    pooled = [c for c in my_callbacks(desk, team["ravi"].id) if c.assignee_id is None]
    assert [c.number for c in pooled] == ["090000 11111"]
    started = start_callback(desk, pooled[0].id, pooled[0].version, team["ravi"].id)
    assert started.callback.owner_login == "ravi" and started.view.dossier is None
    assert ", sir or madam, this is Ravi Kumar" in started.view.script[0].text
