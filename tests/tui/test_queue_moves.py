"""A lead moves people between queues (issue 21, item 1): on the team view (F10) ctrl+u on an operator opens a small
dialog to pick a queue and its priority; with Asterisk the PBX's queue members follow (QueueAdd, QueuePenalty,
QueueRemove, checked against the in-suite AMI server), and a PBX that refuses is one line and changes nothing.
At the desk, F2 takes the next caller of my queues by priority; enter on a queue row takes that very call."""

from __future__ import annotations

import pytest
from test_ami import Line, server  # noqa: F401 (server: the fixture Line's tests run against)
from test_desk_flows import settle
from test_supervision import _on_the_team_view_at, eventually_async

from calldesk.desk.calls import queue, routing
from calldesk.desk.calls.routing import Membership
from calldesk.desk.operators.roster import add_operator
from calldesk.store.models import AuditEvent, QueueMember
from calldesk.telephony.ami import TelephonyError


@pytest.fixture
def floor(desk, server):  # noqa: F811
    """Bina leads from extension 100; John (billing) sits at 104; the AMI line names Asterisk's billing queue
    "billing-q"."""
    bina = add_operator(desk, "bina", "Bina Boss", role="lead", extension="100")
    john = add_operator(desk, "john", "John Mathew", "billing", extension="104")
    line = Line(desk, server)
    line.source.settings = line.source.settings._replace(queues={"billing-q": "billing"})
    yield bina, john, line
    if line._thread.is_alive():
        line.stop()


def queue_actions(server) -> list[dict[str, str]]:  # noqa: F811
    return [{k: v for k, v in a.items() if k != "ActionID"} for a in server.actions
            if a.get("Action", "").startswith("Queue") and a.get("Action") != "QueueStatus"]


def test_the_pbx_members_follow_a_join_a_new_priority_and_a_leave(desk, server, floor):  # noqa: F811
    _, john, line = floor
    line.start()
    for queue_name, priority in (("sales", 1), ("billing", 2), ("sales", None)):
        change = routing.plan_queue_move(desk, john.id, queue_name, priority, by="bina")
        line.source.follow_queues(change)
        routing.keep_queues(desk, change, by="bina")
    assert queue_actions(server) == [
        {"Action": "QueueAdd", "Queue": "sales", "Interface": "PJSIP/104", "Penalty": "1", "MemberName": "john"},
        {"Action": "QueuePenalty", "Interface": "PJSIP/104", "Penalty": "2", "Queue": "billing-q"},
        {"Action": "QueueRemove", "Queue": "sales", "Interface": "PJSIP/104"},
    ]
    assert routing.queues_of(desk, john.id) == (Membership("billing", 2),)


def test_a_pbx_that_refuses_is_one_line_and_changes_nothing(desk, server, floor):  # noqa: F811
    _, john, line = floor
    line.start()
    server.refusing["queueadd"] = "Unable to add interface: Already there"
    change = routing.plan_queue_move(desk, john.id, "sales", 0, by="bina")
    with pytest.raises(TelephonyError, match=r"^the PBX refused to add john to sales: Unable to add interface: "
                                             r"Already there$"):
        line.source.follow_queues(change)
    assert not QueueMember.select().exists()
    assert routing.queues_of(desk, john.id) == (Membership("billing", 0),)


# --- at the console ------------------------------------------------------------------------------------------------


async def test_ctrl_u_on_the_team_view_puts_john_in_sales_and_asterisk_follows(desk, server, floor):  # noqa: F811
    from calldesk.tui.app import CalldeskApp

    bina, john, line = floor
    app = CalldeskApp(desk, bina, source=line.source)
    async with app.run_test(size=(120, 36)) as pilot:
        await eventually_async(pilot, lambda: app.link_text.startswith("connected"))
        await _on_the_team_view_at(pilot, "John Mathew")
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert type(app.screen).__name__ == "QueueMemberModal"
        await pilot.press("down", "tab", "backspace", "1", "enter")  # support, then sales; priority 1
        await eventually_async(pilot, lambda: QueueMember.select().exists())
        await settle(pilot)
    assert queue_actions(server) == [
        {"Action": "QueueAdd", "Queue": "sales", "Interface": "PJSIP/104", "Penalty": "1", "MemberName": "john"}]
    assert routing.queues_of(desk, john.id) == (Membership("billing", 0), Membership("sales", 1))
    assert any(n.message == "John Mathew answers billing:0 sales:1" for n in app._notifications)
    assert AuditEvent.get(AuditEvent.action == "set_queues").actor == "bina"


async def test_a_refusing_pbx_on_the_team_view_is_one_line_and_john_stays_where_he_was(desk, server, floor):  # noqa: F811
    from calldesk.tui.app import CalldeskApp

    bina, john, line = floor
    server.refusing["queueremove"] = "Unable to remove interface from queue: No such queue"
    app = CalldeskApp(desk, bina, source=line.source)
    async with app.run_test(size=(120, 36)) as pilot:
        await eventually_async(pilot, lambda: app.link_text.startswith("connected"))
        await _on_the_team_view_at(pilot, "John Mathew")
        await pilot.press("ctrl+u")
        await settle(pilot)
        await pilot.press("down", "down", "ctrl+d")  # billing: leave it (his only queue)
        await settle(pilot)
        await pilot.press("ctrl+u")
        await settle(pilot)
        await pilot.press("down", "tab", "enter")  # sales at priority 0
        await eventually_async(pilot, lambda: QueueMember.select().exists())
        await settle(pilot)
        await pilot.press("ctrl+u")
        await settle(pilot)
        await pilot.press("down", "down", "ctrl+d")  # now billing can go: the PBX refuses
        await eventually_async(pilot, lambda: "refused" in " ".join(n.message for n in app._notifications))
    messages = [n.message for n in app._notifications]
    assert "John Mathew needs at least one queue to answer" in messages
    assert messages[-1] == ("the PBX refused to take john out of billing: Unable to remove interface from queue: "
                            "No such queue")
    assert routing.queues_of(desk, john.id) == (Membership("billing", 0), Membership("sales", 0))


async def test_f2_takes_my_queues_caller_and_enter_takes_the_one_i_pick(desk, floor, run_app):
    from textual.widgets import DataTable

    _, john, _ = floor
    sales = queue.ring_call(desk, "+91 98765 43210", "sales")
    desk.clock.advance(5)
    billing = queue.ring_call(desk, "+91 91234 56789", "billing")
    app = run_app(desk, john)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#queue", DataTable).row_count == 2
        await pilot.press("f2")  # the sales caller waits longer: not John's queue
        await settle(pilot)
        assert app.screen.live.id == billing
    assert queue.waiting_calls(desk)[0].id == sales


async def test_f2_with_only_other_queues_waiting_says_so(desk, floor, run_app):
    _, john, _ = floor
    sales = queue.ring_call(desk, "+91 98765 43210", "sales")
    app = run_app(desk, john)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen.live is None
        assert app._notifications and list(app._notifications)[-1].message == (
            "Nobody is waiting in your queues: enter on a call in the queue takes it.")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.live.id == sales
