"""After-call work has a limit (config.yaml's wrap_up_seconds, 120 s in the example, billing 180 s): when it runs out
the operator is available again, whoever asks first, the notes typed wait as a draft, and the wrap-up is finished
later from My recent calls."""

from __future__ import annotations

from datetime import timedelta

import pytest

from calldesk.config import load_config
from calldesk.desk.calls import handling, queue
from calldesk.desk.calls.pbx_events import answer_call_as, ring_pbx_call
from calldesk.desk.calls.recent import my_recent_calls
from calldesk.desk.calls.states import Refused
from calldesk.desk.calls.wrap_up_limit import close_wrap_ups_over, wrap_up_ends_at
from calldesk.desk.clients import notes
from calldesk.desk.context import Desk
from calldesk.desk.operators import roster, shift
from calldesk.desk.stats.team import team_snapshot
from calldesk.store.models import AuditEvent, Call, Note, OperatorStateChange


@pytest.fixture
def asha(desk):
    return roster.add_operator(desk, "asha", "Asha Verma", "support")


def _in_wrap_up(desk, clock, operator, queue_name="support", talk=60) -> int:
    """A call answered, talked through and hung up: its operator is in wrap-up."""
    call_id = queue.ring_call(desk, "+91 98765 43210", queue_name)
    queue.claim_call(desk, call_id, operator.id)
    clock.advance(talk)
    handling.end_call(desk, call_id, operator.id)
    return call_id


def test_the_wrap_up_ends_when_its_queue_says(desk, clock, asha):
    call_id = _in_wrap_up(desk, clock, asha)
    ended = Call.get_by_id(call_id).ended_at
    assert wrap_up_ends_at(desk, "support", ended) == ended + timedelta(seconds=120)
    assert wrap_up_ends_at(desk, "billing", ended) == ended + timedelta(seconds=180)
    no_limit = Desk(desk.config._replace(wrap_up_seconds=0.0, wrap_up_seconds_by_queue={}), clock)
    assert wrap_up_ends_at(no_limit, "support", ended) is None


def test_within_the_limit_the_operator_is_still_wrapping_up(desk, clock, asha):
    call_id = _in_wrap_up(desk, clock, asha)
    clock.advance(119)
    standing = shift.where_i_stand(desk, asha.id)
    assert standing.operator.state == "wrap_up" and standing.live.id == call_id


def test_when_the_time_runs_out_the_operator_is_available_and_the_draft_survives(desk, clock, asha):
    call_id = _in_wrap_up(desk, clock, asha)
    ended = Call.get_by_id(call_id).ended_at
    notes.save_draft(desk, asha.id, call_id, None, "Wants the AMC renewed; call back about the price")
    clock.advance(121)
    assert handling.live_call_of(desk, asha.id) is None  # even before anyone closed it
    standing = shift.where_i_stand(desk, asha.id)  # her console's next read
    assert standing.operator.state == "available" and standing.live is None
    call = Call.get_by_id(call_id)
    assert call.wrapped_at == ended + timedelta(seconds=120)  # the wrap-up time she had, not when it was noticed
    assert call.disposition == ""
    assert notes.load_draft(asha.id, call_id) == "Wants the AMC renewed; call back about the price"
    assert AuditEvent.get((AuditEvent.entity_id == call_id) & (AuditEvent.action == "wrap_up_time_over")).actor \
        == "system"


def test_an_operator_whose_console_closed_in_wrap_up_is_not_stuck(desk, clock, asha):
    _in_wrap_up(desk, clock, asha)
    clock.advance(300)
    snapshot = team_snapshot(desk)  # a lead looks at the team: nobody has asked for Asha since
    assert [(p.login, p.state) for p in snapshot.operators] == [("asha", "available")]
    reopened = shift.resume_shift(desk, asha.id)
    assert reopened.live is None and reopened.operator.state == "available"
    # her state history counts the 120 s of wrap-up she had, not the time nobody looked
    history = OperatorStateChange.select().where(OperatorStateChange.operator == asha.id).order_by(
        OperatorStateChange.id)
    wrap_up, available = [(change.state, change.started_at) for change in history][-2:]
    assert wrap_up[0] == "wrap_up" and available == ("available", wrap_up[1] + timedelta(seconds=120))


def test_a_console_s_periodic_check_closes_everyones_wrap_up_that_ran_out(desk, clock, asha):
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "billing")
    first = _in_wrap_up(desk, clock, asha)
    second = _in_wrap_up(desk, clock, ravi, "billing", talk=10)
    clock.advance(150)  # Asha's 120 s are over, Ravi's billing 180 s are not
    assert close_wrap_ups_over(desk) == [first]
    assert roster.get_operator(ravi.id).state == "wrap_up"
    clock.advance(60)
    assert close_wrap_ups_over(desk) == [second]
    assert roster.get_operator(ravi.id).state == "available"


def test_f2_and_the_handset_answer_after_the_time_ran_out_even_if_nobody_closed_it(desk, clock, asha):
    _in_wrap_up(desk, clock, asha)
    waiting = queue.ring_call(desk, "+91 99000 11111", "support")
    with pytest.raises(Refused):
        queue.claim_call(desk, waiting, asha.id)  # still wrapping up
    clock.advance(120)
    assert queue.claim_call(desk, waiting, asha.id) == waiting
    assert roster.get_operator(asha.id).state == "on_call"
    handling.end_call(desk, waiting, asha.id)
    clock.advance(120)
    pbx_call = ring_pbx_call(desk, "1700000000.1", "+91 99000 22222", "support")
    answer_call_as(desk, pbx_call, "asha")
    assert handling.live_call_of(desk, asha.id).id == pbx_call


def test_the_wrap_up_is_finished_later_from_my_recent_calls_with_its_notes(desk, clock, asha):
    call_id = _in_wrap_up(desk, clock, asha)
    notes.save_draft(desk, asha.id, call_id, None, "Refund promised")
    clock.advance(200)
    shift.where_i_stand(desk, asha.id)
    [recent] = my_recent_calls(desk, asha.id)
    assert (recent.id, recent.unfinished, recent.draft) == (call_id, True, "Refund promised")
    clock.advance(600)
    handling.wrap_up(desk, call_id, asha.id, "Resolved", note=recent.draft)
    call = Call.get_by_id(call_id)
    assert call.disposition == "Resolved"
    assert call.wrapped_at == call.ended_at + timedelta(seconds=120)  # finishing later adds no wrap-up time
    assert Note.get(Note.call == call_id).body == "Refund promised"
    assert notes.load_draft(asha.id, call_id) == ""
    audit = AuditEvent.get((AuditEvent.entity_id == call_id) & (AuditEvent.action == "finish_wrap_up"))
    assert audit.actor == "asha" and "Resolved" in audit.after
    [recent] = my_recent_calls(desk, asha.id)
    assert not recent.unfinished and recent.disposition == "Resolved"
    assert roster.get_operator(asha.id).state == "available"


def test_a_wrap_up_finished_past_its_time_before_anyone_closed_it_counts_only_its_time(desk, clock, asha):
    call_id = _in_wrap_up(desk, clock, asha)
    clock.advance(500)  # the F6 dialog stood open on a console that could not reach the database, say
    handling.wrap_up(desk, call_id, asha.id, "Resolved", note="Done")
    call = Call.get_by_id(call_id)
    assert call.wrapped_at == call.ended_at + timedelta(seconds=120) and call.disposition == "Resolved"
    assert roster.get_operator(asha.id).state == "available"


def test_my_recent_calls_says_how_each_ended(desk, clock, asha):
    done = _in_wrap_up(desk, clock, asha)
    handling.wrap_up(desk, done, asha.id, "Resolved")
    lapsed = _in_wrap_up(desk, clock, asha)
    clock.advance(130)
    live = queue.ring_call(desk, "+91 99000 11111", "support")
    queue.claim_call(desk, live, asha.id)
    recent = my_recent_calls(desk, asha.id)
    assert [(r.id, r.status, r.disposition, r.unfinished) for r in recent] == [
        (live, "answered", "", False), (lapsed, "completed", "", True), (done, "completed", "Resolved", False)]


def test_a_lead_sees_who_is_wrapping_up_and_the_time_left(desk, clock, asha):
    _in_wrap_up(desk, clock, asha)
    clock.advance(45)
    [person] = team_snapshot(desk).operators
    assert (person.state, person.in_state_seconds, person.wrap_up_left_seconds) == ("wrap_up", 45.0, 75.0)


def test_with_no_limit_the_wrap_up_waits_for_the_operator(desk, clock, asha):
    unlimited = Desk(desk.config._replace(wrap_up_seconds=0.0, wrap_up_seconds_by_queue={}), clock)
    call_id = _in_wrap_up(unlimited, clock, asha)
    clock.advance(3600)
    assert shift.where_i_stand(unlimited, asha.id).live.id == call_id
    assert close_wrap_ups_over(unlimited) == []
    assert team_snapshot(unlimited).operators[0].wrap_up_left_seconds is None


@pytest.mark.parametrize(("text", "expected"), [
    ("wrap_up_seconds: .nan\n", "1: wrap_up_seconds: expected a number, got nan"),
    ("wrap_up_seconds: -5\n", "1: wrap_up_seconds: must not be negative (0: no limit), got -5"),
    ("wrap_up_seconds: soon\n", "1: wrap_up_seconds: expected a number, got 'soon'"),
    ("wrap_up_seconds_by_queue:\n  support: .inf\n", "2: wrap_up_seconds_by_queue.support: expected a number, got inf"),
    ("wrap_up_seconds_by_queue:\n  suport: 60\n",
     "2: wrap_up_seconds_by_queue.suport: no department owns this queue (known: support)"),
    ("wrap_up_seconds_by_queue: [60]\n", "1: wrap_up_seconds_by_queue: expected a mapping of keys to values"),
])
def test_a_wrong_wrap_up_limit_is_one_line_naming_file_line_and_key(tmp_path, text, expected):
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}:{expected}"


def test_no_limit_written_means_120_seconds_and_0_means_none(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("company: Acme\n", encoding="utf-8")
    assert load_config(path).wrap_up_limit("support") == 120
    path.write_text("wrap_up_seconds: 0\nwrap_up_seconds_by_queue: {support: 30}\n", encoding="utf-8")
    assert (load_config(path).wrap_up_limit("support"), load_config(path).wrap_up_seconds) == (30, 0)
