"""An operator promises a call-back during a call: reason, owner, due time inside the client's hours, the 10-hour
deadline; and a caller who hangs up in the queue becomes a call-back in the pool by themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from calldesk.desk.callbacks.lines import my_callbacks
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    DueOutsideWindow,
    PastInquiryDeadline,
    ZoneChoiceNeeded,
    create_callback,
    offer_context,
    preview_due,
)
from calldesk.desk.callbacks.times import parse_due_text, quick_choice_time
from calldesk.desk.calls import queue
from calldesk.desk.clients import directory, dossier
from calldesk.desk.errors import DeskError
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import AuditEvent, CallBack

KOLKATA = ZoneInfo("Asia/Kolkata")


def _on_a_call(desk, number="+91 98765 43210", name="Rahul Sharma"):
    asha = first_console(desk, "asha")
    client_id = directory.create_client(desk, name, [directory.NewPhone(number)]) if name else None
    call_id = queue.ring_call(desk, number, "support")
    desk.clock.advance(6)
    queue.claim_call(desk, call_id, asha.id)
    return asha, client_id, call_id


def test_operator_promises_a_call_back_in_two_hours_and_sees_it_in_both_lists(desk):
    asha, client_id, call_id = _on_a_call(desk)
    offer = offer_context(desk, asha.id, call_id=call_id)
    assert offer.caller == "Rahul Sharma"
    assert offer.client_zones == ("Asia/Kolkata",)  # the current name, not the tables' old "Asia/Calcutta"
    assert offer.deadline == datetime(2026, 11, 27, 19, 0, tzinfo=UTC)  # arrival + 10 h
    assert [o.kind for o in offer.owners] == ["me", "pool", "pool", "pool"]
    due = quick_choice_time("in_2_hours", desk.clock.now(), KOLKATA, desk.config.callback_window)
    preview = preview_due(desk, offer, due, operator_zone=KOLKATA)
    assert (preview.operator_time, preview.problem, preview.past_deadline) == ("today Fri 16:30", "", False)
    assert preview.client_time == "today Fri 16:30 Asia/Kolkata"

    callback_id = create_callback(desk, asha.id, CallbackRequest(
        reason="Refund status for order 4411", due_at=due, call_id=call_id))

    [mine] = my_callbacks(desk, asha.id)
    assert (mine.id, mine.owner_login, mine.caller, mine.reason) == (
        callback_id, "asha", "Rahul Sharma", "Refund status for order 4411")
    assert mine.seconds_left(desk.clock.now()) == pytest.approx(2 * 3600)  # to the time promised, not the 10 h SLA
    [promise] = dossier.build_dossier(desk, client_id).callbacks
    assert (promise.reason, promise.owner) == ("Refund status for order 4411", "asha")
    event = AuditEvent.get((AuditEvent.entity == "callback") & (AuditEvent.entity_id == callback_id))
    assert (event.actor, event.action) == ("asha", "create")
    assert '"owner": "asha"' in event.after


def test_a_call_back_needs_a_reason(desk):
    asha, _, call_id = _on_a_call(desk)
    with pytest.raises(DeskError, match="needs a reason"):
        create_callback(desk, asha.id, CallbackRequest(reason="  ", due_at=desk.clock.now() + timedelta(hours=1),
                                                       call_id=call_id))
    assert CallBack.select().count() == 0


def test_a_time_outside_the_clients_hours_is_refused_with_the_hours(desk):
    asha, _, call_id = _on_a_call(desk)
    too_early = parse_due_text("tomorrow 07:30", desk.clock.now(), KOLKATA)
    with pytest.raises(DueOutsideWindow, match="09:00–20:00"):
        create_callback(desk, asha.id, CallbackRequest(reason="Quote", due_at=too_early, call_id=call_id))
    offer = offer_context(desk, asha.id, call_id=call_id)
    assert "outside the client's call-back hours" in preview_due(desk, offer, too_early, operator_zone=KOLKATA).problem


def test_past_the_inquiry_deadline_needs_a_confirmation_and_keeps_the_deadline(desk):
    asha, _, call_id = _on_a_call(desk)
    tomorrow = quick_choice_time("tomorrow_morning", desk.clock.now(), KOLKATA, desk.config.callback_window)
    assert tomorrow == datetime(2026, 11, 28, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata
    request = CallbackRequest(reason="Needs the engineer's report", due_at=tomorrow, call_id=call_id)
    with pytest.raises(PastInquiryDeadline) as refused:
        create_callback(desk, asha.id, request)
    assert refused.value.deadline == datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    callback_id = create_callback(desk, asha.id, CallbackRequest(
        reason="Needs the engineer's report", due_at=tomorrow, call_id=call_id, confirm_past_deadline=True))
    callback = CallBack.get_by_id(callback_id)
    assert callback.sla_deadline == datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    assert callback.due_at == tomorrow


def test_a_number_spread_over_several_zones_asks_which_one(desk):
    asha, _, call_id = _on_a_call(desk, number="+61 491 570 156", name="Olivia Brown")
    offer = offer_context(desk, asha.id, call_id=call_id)
    assert offer.needs_zone_choice and "Australia/Perth" in offer.client_zones
    due = desk.clock.now() + timedelta(minutes=30)  # 17:30 in Perth, 20:30 in Sydney: it depends on the zone
    with pytest.raises(ZoneChoiceNeeded) as asked:
        create_callback(desk, asha.id, CallbackRequest(reason="Delivery date", due_at=due, call_id=call_id))
    assert asked.value.zones == offer.client_zones
    undecided = preview_due(desk, offer, due)
    assert (undecided.client_time, undecided.problem) == ("16:00–20:30 (8 zones): ask which zone", "")
    assert preview_due(desk, offer, due, "Australia/Perth").client_time == "today Fri 17:30 Australia/Perth"
    late_in_sydney = desk.clock.now() + timedelta(hours=1)  # 21:00 in Sydney, 18:00 in Perth
    with pytest.raises(DueOutsideWindow):
        create_callback(desk, asha.id, CallbackRequest(reason="Delivery date", due_at=late_in_sydney,
                                                       call_id=call_id, client_zone="Australia/Sydney"))
    callback_id = create_callback(desk, asha.id, CallbackRequest(
        reason="Delivery date", due_at=late_in_sydney, call_id=call_id, client_zone="Australia/Perth"))
    assert CallBack.get_by_id(callback_id).client_zone == "Australia/Perth"


def test_owner_may_be_another_operator_or_a_department_pool(desk):
    asha, _, call_id = _on_a_call(desk)
    roster.add_operator(desk, "ravi", "Ravi Kumar", "sales")
    due = desk.clock.now() + timedelta(hours=1)
    for_ravi = create_callback(desk, asha.id, CallbackRequest(reason="Price list", due_at=due, owner="ravi",
                                                             call_id=call_id))
    for_billing = create_callback(desk, asha.id, CallbackRequest(reason="Invoice copy", due_at=due, owner="billing",
                                                                call_id=call_id))
    assert CallBack.get_by_id(for_ravi).assignee.login == "ravi"
    pooled = CallBack.get_by_id(for_billing)
    assert (pooled.assignee_id, pooled.pool) == (None, "billing")
    with pytest.raises(DeskError, match="no operator or department called 'nobody'"):
        create_callback(desk, asha.id, CallbackRequest(reason="x", due_at=due, owner="nobody", call_id=call_id))


def test_a_caller_who_hangs_up_waiting_becomes_a_pool_call_back_with_the_deadline_from_arrival(desk):
    client_id = directory.create_client(desk, "Meera Iyer", [directory.NewPhone("+91 99887 76655")])
    arrived = desk.clock.now()
    call_id = queue.ring_call(desk, "099887 76655", "sales")
    desk.clock.advance(83)
    queue.abandon_call(desk, call_id)

    [callback] = CallBack.select()
    assert (callback.client_id, callback.pool, callback.assignee_id) == (client_id, "sales", None)
    assert callback.sla_deadline == arrived + timedelta(hours=10)
    assert callback.due_at == desk.clock.now() + timedelta(minutes=15)
    assert callback.reason == "Missed call: hung up after waiting 1:23 in sales"
    assert AuditEvent.get(AuditEvent.entity == "callback").actor == "system"

    again = queue.ring_call(desk, "+91 99887 76655", "sales")
    queue.abandon_call(desk, again)
    assert CallBack.select().count() == 1  # the same number already waits for a call-back


def test_an_abandoned_call_at_night_is_called_back_when_the_client_s_hours_open(desk):
    desk.clock.advance(hours=14)  # 23:00 UTC: 04:30 in Kolkata
    call_id = queue.ring_call(desk, "+91 99887 76655", "support")
    queue.abandon_call(desk, call_id)
    callback = CallBack.get()
    assert callback.due_at.astimezone(KOLKATA).strftime("%d %H:%M") == "28 09:00"


def test_an_anonymous_caller_who_hangs_up_leaves_no_call_back(desk):
    call_id = queue.ring_call(desk, "anonymous", "support")
    queue.abandon_call(desk, call_id)
    assert CallBack.select().count() == 0
