"""PostgreSQL keeps queue membership a lead's (issue 21, item 1): op1 in psql reads who answers which queue but cannot
change it, his own included; the lead changes it through calldesk under her own role, audited with her login."""

from __future__ import annotations

from peewee import fn

# floor: the fixture these tests use; pytestmark: one worker at a time, as the logins are the server's
from test_pg_roles import calldesk_as, floor, psql_as, pytestmark, refused  # noqa: F401

from calldesk.desk.calls import routing
from calldesk.desk.calls.routing import Membership
from calldesk.store.models import AuditEvent, QueueMember


def test_an_operator_reads_the_queue_members_but_cannot_change_them(floor):  # noqa: F811
    desk, ids = floor.desk, floor.ids
    routing.keep_queues(desk, routing.plan_queues(desk, "op1", [Membership("support", 1)]))  # the administrator
    with psql_as(floor, "op1") as op1:
        assert op1.execute("SELECT queue, priority FROM queue_member").fetchall() == [("support", 1)]
        refused(op1, "INSERT INTO queue_member (operator_id, queue, priority) VALUES (%s, 'sales', 0)", ids["op1"])
        refused(op1, "UPDATE queue_member SET priority = 5")
        refused(op1, "DELETE FROM queue_member")
    assert [(m.queue, m.priority) for m in QueueMember.select()] == [("support", 1)]


def test_the_lead_moves_an_operator_between_queues_under_her_own_role(floor):  # noqa: F811
    desk, ids = floor.desk, floor.ids
    calldesk_as(floor, "boss")
    audited_before = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar()
    change = routing.plan_queue_move(desk, ids["op2"], "billing", 1, by="boss")
    routing.keep_queues(desk, change, by="boss")
    assert routing.queues_of(desk, ids["op2"]) == (Membership("support", 0), Membership("billing", 1))
    audited = AuditEvent.select().where(AuditEvent.id > audited_before)
    assert [(e.actor, e.action, e.entity_id) for e in audited] == [("boss", "set_queues", ids["op2"])]
