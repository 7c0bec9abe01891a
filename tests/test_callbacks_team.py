"""The team lead's side: the board's filters and counts, reassigning and distributing, what an operator may not
do (refused by the domain, not only hidden), and two leads editing the same call-back at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from calldesk.desk.callbacks.board import BoardFilter, board_page
from calldesk.desk.callbacks.lines import line_of, my_callbacks
from calldesk.desk.callbacks.promises import (
    CallbackRequest,
    StaleCallBack,
    cancel_callback,
    create_callback,
    distribute_callbacks,
    reassign_callbacks,
    record_outcome,
    start_callback,
)
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.clients import directory
from calldesk.desk.errors import NotAllowed
from calldesk.desk.operators import roster
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import AuditEvent, CallBack, Operator


@pytest.fixture
def floor(desk):
    """Two leads, three operators (two in support, one in sales) and six call-backs."""
    lina = first_console(desk, "lina")  # first on a new database: a lead
    Operator.update(name="Lina Das").where(Operator.id == lina.id).execute()
    omar = roster.add_operator(desk, "omar", "Omar Khan", "sales", role="lead")
    asha = roster.add_operator(desk, "asha", "Asha Rao", "support")
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "support")
    sara = roster.add_operator(desk, "sara", "Sara Ali", "sales")
    people = {"lina": lina, "omar": omar, "asha": asha, "ravi": ravi, "sara": sara}
    client = directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    other = directory.create_client(desk, "Meera Iyer", [directory.NewPhone("+91 99887 76655")])
    now = desk.clock.now()
    plan = [("asha", client, "Refund 4411", 5), ("asha", other, "Invoice copy", 60), ("ravi", client, "Warranty", 90),
            ("sara", other, "Price list", 120), ("support", client, "Missed call", 30), ("sales", other, "Quote", 240)]
    ids = [
        create_callback(desk, lina.id, CallbackRequest(reason=reason, due_at=now + timedelta(minutes=minutes),
                                                       owner=owner, client_id=client_id))
        for owner, client_id, reason, minutes in plan
    ]
    return people, ids


def _seen(desk, *ids):
    return [(i, line_of(desk, i).version) for i in ids]


def test_the_lead_board_shows_everything_and_filters_by_owner_department_state_and_text(desk, floor):
    people, ids = floor
    lina = people["lina"].id
    page = board_page(desk, lina)
    assert not page.more and [line.id for line in page.lines] == ids  # same deadline: oldest first
    assert (page.counts.open, page.counts.due_soon, page.counts.unassigned, page.counts.overdue) == (6, 1, 2, 0)

    def reasons(**wanted):
        return [line.reason for line in board_page(desk, lina, BoardFilter(**wanted)).lines]

    assert reasons(owner="asha") == ["Refund 4411", "Invoice copy"]
    assert reasons(owner="support") == ["Missed call"]
    assert reasons(department="sales") == ["Price list", "Quote"]
    assert reasons(state="unassigned") == ["Missed call", "Quote"]
    assert reasons(state="due_soon") == ["Refund 4411"]
    assert reasons(text="meera") == ["Invoice copy", "Price list", "Quote"]
    assert reasons(text="ravi") == ["Warranty"]
    assert reasons(text="100%_") == []  # LIKE wildcards are taken literally
    assert reasons(sort="due")[:2] == ["Refund 4411", "Missed call"]
    assert reasons(sort="owner") == ["Refund 4411", "Invoice copy", "Warranty", "Quote", "Price list", "Missed call"]
    assert reasons(sort="department")[:2] == ["Price list", "Quote"]  # sales before support
    assert reasons(sort="newest")[0] == "Quote"
    assert reasons(text="4411") == ["Refund 4411"]  # digits find an order number in the reason
    assert reasons(text="98765 43210") == ["Refund 4411", "Warranty", "Missed call"]  # and the phone number
    desk.clock.advance(minutes=45)
    assert reasons(state="overdue") == ["Refund 4411", "Missed call"]
    assert reasons(sort="state") == ["Refund 4411", "Missed call", "Quote", "Invoice copy", "Warranty", "Price list"]
    two = board_page(desk, lina, BoardFilter(limit=2))
    assert two.more and len(two.lines) == 2 and two.counts.open == 6


def test_an_operator_sees_only_their_own_on_the_board_and_their_pool_in_their_list(desk, floor):
    people, _ = floor
    assert [line.reason for line in board_page(desk, people["asha"].id).lines] == ["Refund 4411", "Invoice copy"]
    assert board_page(desk, people["asha"].id).counts.open == 2
    assert [line.reason for line in my_callbacks(desk, people["asha"].id)] == [
        "Refund 4411", "Invoice copy", "Missed call"]  # mine first, then the support pool
    assert [line.reason for line in my_callbacks(desk, people["asha"].id, limit=2)] == ["Refund 4411", "Invoice copy"]
    assert [line.reason for line in my_callbacks(desk, people["asha"].id, limit=3)][-1] == "Missed call"
    assert [line.reason for line in my_callbacks(desk, people["asha"].id, with_pool=False)] == [
        "Refund 4411", "Invoice copy"]


def test_an_operator_may_not_move_anothers_call_back_even_bypassing_the_console(desk, floor):
    people, ids = floor
    asha, ravi = people["asha"].id, people["ravi"].id
    ravis = ids[2]
    with pytest.raises(NotAllowed, match="belongs to Ravi Kumar: only a team lead"):
        reassign_callbacks(desk, asha, _seen(desk, ravis), "asha")
    with pytest.raises(NotAllowed):
        cancel_callback(desk, ravis, 1, asha, "not needed")
    with pytest.raises(NotAllowed):
        record_outcome(desk, ravis, 1, asha, "reached")
    with pytest.raises(NotAllowed):
        start_callback(desk, ravis, 1, asha)
    with pytest.raises(NotAllowed, match="only a team lead may distribute"):
        distribute_callbacks(desk, asha, _seen(desk, ids[0]))
    with pytest.raises(NotAllowed, match="belongs to the pool"):
        reassign_callbacks(desk, asha, _seen(desk, ids[4]), "ravi")  # handing out the pool is a lead's job
    assert line_of(desk, ravis).owner_login == "ravi"

    reassign_callbacks(desk, asha, _seen(desk, ids[4]), "asha")  # taking one from the pool for herself is fine
    reassign_callbacks(desk, asha, _seen(desk, ids[1]), "support")  # and so is giving her own back
    assert line_of(desk, ids[4]).owner_login == "asha" and line_of(desk, ids[1]).pool == "support"
    assert ravi not in (line_of(desk, i).assignee_id for i in (ids[1], ids[4]))


def test_a_lead_reassigns_three_at_once_and_every_move_is_audited(desk, floor):
    people, ids = floor
    moved = reassign_callbacks(desk, people["lina"].id, _seen(desk, ids[0], ids[1], ids[4]), "ravi")
    assert moved == 3
    assert {line_of(desk, i).owner_login for i in (ids[0], ids[1], ids[4])} == {"ravi"}
    events = list(AuditEvent.select().where(AuditEvent.action == "reassign").order_by(AuditEvent.id))
    assert [(e.actor, e.before, e.after) for e in events] == [
        ("lina", '{"owner": "asha"}', '{"owner": "ravi"}'),
        ("lina", '{"owner": "asha"}', '{"owner": "ravi"}'),
        ("lina", '{"owner": "pool:support"}', '{"owner": "ravi"}'),
    ]


def test_distribute_gives_each_to_the_available_operator_with_fewest_open(desk, floor):
    people, ids = floor
    roster.move(desk, people["sara"].id, OperatorEvent.PAUSE, "Lunch")
    # open: asha 2, ravi 1, sara (paused) 1. By due time: the missed call to ravi (2), then the tie goes to asha (3),
    # then ravi (3)
    given = distribute_callbacks(desk, people["lina"].id, _seen(desk, ids[4], ids[5], ids[3]))
    assert given == {ids[4]: "ravi", ids[3]: "asha", ids[5]: "ravi"}
    only_support = distribute_callbacks(desk, people["omar"].id, _seen(desk, ids[0]), department="support")
    assert only_support == {ids[0]: "asha"}  # asha 2 besides this one, ravi 3


def test_two_leads_edit_the_same_call_back_the_second_is_told_who_and_sees_the_new_state(desk, floor):
    people, ids = floor
    target = ids[3]
    lina_saw = line_of(desk, target)
    omar_saw = line_of(desk, target)
    reassign_callbacks(desk, people["lina"].id, [(target, lina_saw.version)], "ravi")

    with pytest.raises(StaleCallBack) as told:
        reassign_callbacks(desk, people["omar"].id, [(target, omar_saw.version)], "sara")
    assert told.value.changed_by == "Lina Das"
    assert told.value.current.owner_login == "ravi"
    assert "just changed by Lina Das (now: Ravi Kumar, open)" in str(told.value)
    assert line_of(desk, target).owner_login == "ravi"  # nothing overwritten

    reassign_callbacks(desk, people["omar"].id, [(target, told.value.current.version)], "sara")
    assert line_of(desk, target).owner_login == "sara"


def test_a_stale_call_back_in_a_batch_leaves_the_whole_batch_unchanged(desk, floor):
    people, ids = floor
    seen = _seen(desk, ids[0], ids[1])
    record_outcome(desk, ids[1], seen[1][1], people["asha"].id, "reached")
    with pytest.raises(StaleCallBack, match="Asha Rao"):
        reassign_callbacks(desk, people["lina"].id, seen, "ravi")
    assert line_of(desk, ids[0]).owner_login == "asha"
    assert CallBack.get_by_id(ids[1]).status == "done"


def test_two_operators_start_the_same_pool_call_back_one_wins(desk, floor):
    people, ids = floor
    pooled = line_of(desk, ids[4])
    start_callback(desk, pooled.id, pooled.version, people["ravi"].id)
    with pytest.raises(StaleCallBack, match="Ravi Kumar"):
        start_callback(desk, pooled.id, pooled.version, people["asha"].id)
    assert line_of(desk, ids[4]).owner_login == "ravi"
