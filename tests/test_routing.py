"""F2 takes the caller of my queues (issue 21, item 1): a billing operator no longer answers sales calls. Each
operator answers their department's queues, config.yaml's queue_members, or what a lead set, each with a priority
(0 served first, as Asterisk's penalty); an operator in no queue takes from every queue."""

from __future__ import annotations

import threading

import pytest

from calldesk.desk.calls import handling, queue, routing
from calldesk.desk.calls.routing import Membership
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotAllowed
from calldesk.desk.operators import roster
from calldesk.store.models import AuditEvent, Call, QueueMember, database


@pytest.fixture
def team(desk):
    """Bina leads; John is in billing, Ravi in sales, Meera in support (config.yaml's departments)."""
    return {login: roster.add_operator(desk, login, name, department, role=role)
            for login, name, department, role in (("bina", "Bina Boss", "support", "lead"),
                                                  ("john", "John Mathew", "billing", "operator"),
                                                  ("ravi", "Ravi Kumar", "sales", "operator"),
                                                  ("meera", "Meera Iyer", "support", "operator"))}


def ring(desk, queue_name: str, seconds_later: float = 1) -> int:
    call_id = queue.ring_call(desk, "+91 98765 43210", queue_name)
    desk.clock.advance(seconds_later)
    return call_id


def test_a_billing_operator_answers_billing_callers_not_the_sales_caller_waiting_longer(desk, team):
    sales = ring(desk, "sales")
    billing = ring(desk, "billing")
    assert routing.queues_of(desk, team["john"].id) == (Membership("billing", 0),)
    assert queue.answer_next(desk, team["john"].id) == billing
    assert queue.answer_next(desk, team["ravi"].id) == sales
    assert queue.answer_next(desk, team["meera"].id) is None  # nobody waits in support


def test_priority_zero_queues_first_longest_waiting_first_then_priority_one(desk, team):
    routing.keep_queues(desk, routing.plan_queues(
        desk, "meera", [Membership("billing", 1), Membership("support", 0), Membership("sales", 2)], by="bina"),
        by="bina")
    order = [ring(desk, q) for q in ("sales", "billing", "support", "billing", "support")]
    taken = []
    while (call_id := queue.answer_next(desk, team["meera"].id)) is not None:
        taken.append(call_id)
        handling.wrap_up(desk, call_id, team["meera"].id, desk.config.dispositions[0])
    assert taken == [order[2], order[4], order[1], order[3], order[0]]


def test_an_operator_in_no_queue_takes_from_every_queue_as_a_fresh_desk_does(desk, team, config):
    desk = Desk(config._replace(queue_members={"john": {}}), desk.clock)
    first, second = ring(desk, "sales"), ring(desk, "support")
    assert routing.queues_of(desk, team["john"].id) == routing.EVERY_QUEUE
    assert routing.next_calls(desk, team["john"].id) == [first, second]
    assert routing.describe_queues(routing.EVERY_QUEUE) == "every queue"


def test_config_yaml_gives_an_operator_queues_and_a_leads_setting_wins_over_it(desk, team, config):
    desk = Desk(config._replace(queue_members={"ravi": {"sales": 0, "support": 1}}), desk.clock)
    assert routing.queues_of(desk, team["ravi"].id) == (Membership("sales", 0), Membership("support", 1))
    routing.keep_queues(desk, routing.plan_queues(desk, "ravi", [Membership("billing", 0)], by="bina"), by="bina")
    assert routing.queues_of(desk, team["ravi"].id) == (Membership("billing", 0),)


def test_a_lead_moves_an_operator_queue_by_queue_audited(desk, team):
    john = team["john"].id
    for queue_name, priority in (("sales", 1), ("billing", 2), ("sales", None)):
        change = routing.plan_queue_move(desk, john, queue_name, priority, by="bina")
        routing.keep_queues(desk, change, by="bina")
    assert routing.queues_of(desk, john) == (Membership("billing", 2),)
    audited = AuditEvent.select().where(AuditEvent.action == "set_queues").order_by(AuditEvent.id)
    assert [(e.actor, e.entity_id, e.before, e.after) for e in audited] == [
        ("bina", john, '{"billing": 0}', '{"billing": 0, "sales": 1}'),
        ("bina", john, '{"billing": 0, "sales": 1}', '{"billing": 2, "sales": 1}'),
        ("bina", john, '{"billing": 2, "sales": 1}', '{"billing": 2}'),
    ]
    same = routing.plan_queue_move(desk, john, "billing", 2, by="bina")
    assert (same.joined, same.left, same.moved) == ((), (), ())
    routing.keep_queues(desk, same, by="bina")
    assert audited.count() == 3  # no change, no audit line


def test_what_the_pbx_must_do_to_follow_a_change(desk, team):
    routing.keep_queues(desk, routing.plan_queues(
        desk, "meera", [Membership("support", 0), Membership("sales", 1)], by="bina"), by="bina")
    change = routing.plan_queues(desk, "meera", [Membership("support", 1), Membership("billing", 0)], by="bina")
    assert change.joined == (Membership("billing", 0),)
    assert change.left == (Membership("sales", 1),)
    assert change.moved == (Membership("support", 1),)


@pytest.mark.parametrize(("words", "refusal"), [
    (["marketing:0"], r"^queue 'marketing' is not in the config \(known: support, sales, billing\)$"),
    (["sales:0", "sales:1"], r"^queue 'sales' is named twice$"),
    (["sales:100"], r"^a priority is 0 \(served first\) to 99, not 100$"),
    ([], r"^John Mathew needs at least one queue to answer$"),
])
def test_a_change_outside_the_rules_is_refused_in_one_line_and_changes_nothing(desk, team, words, refusal):
    with pytest.raises(DeskError, match=refusal):
        routing.plan_queues(desk, "john", routing.parse_memberships(words), by="bina")
    assert not QueueMember.select().exists()


def test_only_a_lead_changes_queues_and_a_typed_priority_must_be_a_number(desk, team):
    with pytest.raises(NotAllowed, match=r"^only a team lead may change the queues an operator answers$"):
        routing.plan_queues(desk, "john", [Membership("sales", 0)], by="ravi")
    with pytest.raises(NotAllowed):
        routing.plan_queue_move(desk, team["john"].id, "sales", 0, by="ravi")
    with pytest.raises(DeskError, match=r"^sales:first: a priority is a whole number"):
        routing.parse_memberships(["sales:first"])
    assert routing.parse_memberships(["sales", "billing:3"]) == [Membership("sales", 0), Membership("billing", 3)]
    with pytest.raises(DeskError, match=r"^John Mathew does not answer sales$"):
        routing.plan_queue_move(desk, team["john"].id, "sales", None, by="bina")


def test_consoles_pressing_f2_together_each_get_a_caller_of_their_own_queues_once(desk, team):
    """Four consoles race over twenty callers in two queues: every caller is answered once, by a member."""
    billing_too = [Membership("support", 0), Membership("billing", 1)]
    routing.keep_queues(desk, routing.plan_queues(desk, "bina", billing_too, by="bina"), by="bina")
    calls = {ring(desk, q): q for q in ("support", "billing") * 10}
    members = {"bina": {"support", "billing"}, "john": {"billing"}, "meera": {"support"}, "ravi": set()}
    barrier = threading.Barrier(len(members))
    answered: dict[str, list[int]] = {login: [] for login in members}

    def console(login: str) -> None:
        me = team[login].id
        try:
            barrier.wait()
            while (call_id := queue.answer_next(desk, me)) is not None:
                answered[login].append(call_id)
                handling.wrap_up(desk, call_id, me, desk.config.dispositions[0])
        finally:
            database.close()

    threads = [threading.Thread(target=console, args=(login,)) for login in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(c for taken in answered.values() for c in taken) == sorted(calls)
    for login, taken in answered.items():
        assert {calls[c] for c in taken} <= members[login], login
    assert {c.operator.login for c in Call.select()} <= {"bina", "john", "meera"}


def test_a_call_transferred_to_me_comes_first_whatever_its_queue(desk, team):
    waiting = ring(desk, "sales")
    transferred = ring(desk, "support")
    queue.claim_call(desk, transferred, team["meera"].id)
    onward = handling.transfer_call(desk, transferred, team["meera"].id, "ravi", "wants the premium brochure")
    assert routing.next_calls(desk, team["ravi"].id) == [onward, waiting]
    assert routing.next_calls(desk, team["john"].id) == []  # offered to Ravi, in support: not John's
