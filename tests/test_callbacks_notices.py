"""Notices on every console: a call-back assigned to me, mine due in 10 minutes, mine overdue; a lead also sees
every overdue one and every one that went back to the pool. Each stays (same key) until it is dealt with."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from calldesk.desk.callbacks.lines import line_of, notice_snapshot
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    create_callback,
    reassign_callbacks,
    release_overdue_callbacks,
    start_callback,
)
from calldesk.desk.callbacks.reminders import Viewer, describe_notice, most_severe, notices_for, summarize_notices
from calldesk.desk.clients import directory
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console

KOLKATA = ZoneInfo("Asia/Kolkata")


@pytest.fixture
def consoles(desk):
    lina = first_console(desk, "lina")
    asha = roster.add_operator(desk, "asha", "Asha Rao", "support")
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    client = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    return {o.login: o for o in (lina, asha, ravi)}, client


def _tick(desk, operator):
    viewer = Viewer(operator.id, operator.login, operator.is_lead)
    due_soon = timedelta(minutes=desk.config.callbacks.due_soon_minutes)
    return notices_for(notice_snapshot(desk, operator.id), viewer, desk.clock.now(), due_soon)


def _kinds(notices):
    return [(n.kind, n.line.reason) for n in notices]


def test_an_operator_is_told_when_given_one_when_it_is_due_soon_and_when_it_is_late(desk, consoles):
    people, client = consoles
    asha, lina = people["asha"], people["lina"]
    callback_id = create_callback(desk, lina.id, CallbackRequest(
        reason="Refund 4411", due_at=desk.clock.now() + timedelta(minutes=30), owner="asha", client_id=client))

    first = _tick(desk, asha)
    assert _kinds(first) == [("assigned", "Refund 4411")]
    assert first[0].severity == "information"
    assert describe_notice(first[0], desk.clock.now(), KOLKATA) == (
        "Call-back assigned to you by lina, due 15:00. Rahul Sharma: Refund 4411")
    assert _tick(desk, people["ravi"]) == []  # nothing of Ravi's

    desk.clock.advance(minutes=21)
    second = _tick(desk, asha)
    assert _kinds(second) == [("assigned", "Refund 4411"), ("due_soon", "Refund 4411")]
    assert second[0].key == first[0].key  # the same notice: the console toasts it once

    line = line_of(desk, callback_id)
    start_callback(desk, callback_id, line.version, asha.id)  # dealing with it clears "assigned"
    desk.clock.advance(minutes=10)
    late = _tick(desk, asha)
    assert _kinds(late) == [("overdue", "Refund 4411")]
    assert late[0].severity == "error"


def test_a_lead_sees_every_overdue_one_and_every_one_returned_to_the_pool(desk, consoles):
    people, client = consoles
    lina, asha = people["lina"], people["asha"]
    ravis = create_callback(desk, asha.id, CallbackRequest(
        reason="Warranty", due_at=desk.clock.now() + timedelta(minutes=20), owner="ravi", client_id=client))
    create_callback(desk, asha.id, CallbackRequest(
        reason="Quote", due_at=desk.clock.now() + timedelta(hours=3), owner="asha", client_id=client))
    assert _tick(desk, lina) == []

    desk.clock.advance(minutes=25)
    assert _kinds(_tick(desk, lina)) == [("overdue", "Warranty")]
    assert _kinds(_tick(desk, asha)) == []  # an operator is not told of others' late ones

    desk.clock.advance(minutes=31)
    assert release_overdue_callbacks(desk) == [ravis]
    notices = _tick(desk, lina)
    assert _kinds(notices) == [("overdue", "Warranty"), ("returned", "Warranty")]
    assert describe_notice(notices[1], desk.clock.now(), KOLKATA).startswith(
        "Back in the support pool from ravi, due 14:50.")

    reassign_callbacks(desk, lina.id, [(ravis, line_of(desk, ravis).version)], "asha")
    assert _kinds(_tick(desk, lina)) == [("overdue", "Warranty")]  # taken from the pool: "returned" is dealt with
    assert [n.kind for n in _tick(desk, asha)] == ["assigned", "overdue"]


def test_a_call_back_i_gave_myself_brings_no_assigned_notice(desk, consoles):
    people, client = consoles
    create_callback(desk, people["asha"].id, CallbackRequest(
        reason="Brochure", due_at=desk.clock.now() + timedelta(hours=1), client_id=client))
    assert _tick(desk, people["asha"]) == []


def test_a_reassignment_to_me_again_is_a_new_notice(desk, consoles):
    people, client = consoles
    lina = people["lina"]
    callback_id = create_callback(desk, lina.id, CallbackRequest(
        reason="Warranty", due_at=desk.clock.now() + timedelta(hours=2), owner="asha", client_id=client))
    [before] = _tick(desk, people["asha"])
    desk.clock.advance(minutes=1)
    reassign_callbacks(desk, lina.id, [(callback_id, 1)], "ravi")
    reassign_callbacks(desk, lina.id, [(callback_id, 2)], "asha")
    [after] = _tick(desk, people["asha"])
    assert after.kind == "assigned" and after.key != before.key


def test_a_lead_starting_on_a_backlog_gets_one_summary_not_a_wall_of_toasts(desk, consoles):
    people, client = consoles
    lina, asha = people["lina"], people["asha"]
    for n in range(5):
        create_callback(desk, asha.id, CallbackRequest(
            reason=f"Order {n}", due_at=desk.clock.now() + timedelta(minutes=20), owner="ravi", client_id=client))
    create_callback(desk, asha.id, CallbackRequest(
        reason="Quote", due_at=desk.clock.now() + timedelta(minutes=5), owner="lina", client_id=client))
    desk.clock.advance(minutes=25)

    notices = _tick(desk, lina)  # her own late one (given by Asha), and the five late ones a lead sees
    assert summarize_notices(notices) == "7 call-back notices: 1 newly assigned to you, 6 overdue. F9 opens the board."
    assert most_severe(notices) == "error"
    assert most_severe([]) == "information"
