"""Caller badges: before answering, the operator sees that a caller is a VIP, called earlier today, has a call-back
open (late or not) or a complaint open; the dossier adds the last contact and how it ended."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from calldesk.config import ConfigError, load_config
from calldesk.desk.callbacks.lines import line_of
from calldesk.desk.callbacks.promises import CallbackRequest, cancel_callback, create_callback
from calldesk.desk.calls import handling, queue
from calldesk.desk.calls.badges import NO_BADGES, CallerBadges, caller_badges, has_tag, shown
from calldesk.desk.clients import directory
from calldesk.desk.clients.dossier import build_dossier
from calldesk.desk.feedback.complaints import log_feedback, resolve_feedback
from calldesk.desk.operators.identity import first_console
from calldesk.store.models import database

SHARMA = "+91 98765 43210"


@pytest.fixture
def asha(desk):
    return first_console(desk, "asha")


@pytest.fixture
def sharma(desk) -> int:
    return directory.create_client(desk, "Rahul Sharma", [directory.NewPhone(SHARMA)])


def _a_call_handled(desk, operator, number: str, disposition: str = "Resolved") -> int:
    call_id = queue.ring_call(desk, number, "support")
    desk.clock.advance(6)
    queue.claim_call(desk, call_id, operator.id)
    desk.clock.advance(120)
    handling.end_call(desk, call_id, operator.id)
    handling.wrap_up(desk, call_id, operator.id, disposition)
    return call_id


def _badges_in_the_queue(desk) -> dict[int, CallerBadges]:
    """What the desk's queue reads: the waiting calls with their callers' badges."""
    return {call.id: call.badges for call in queue.waiting_calls(desk, badges=True)}


def test_a_vip_who_called_this_morning_with_a_late_promise_and_a_complaint_rings_again(desk, asha, sharma):
    directory.update_client(desk, sharma, "asha", tags="wholesale, vip")  # the config's VIP tag, in any case
    first = _a_call_handled(desk, asha, SHARMA, "Call-back promised")
    create_callback(desk, asha.id, CallbackRequest(reason="Refund for order 4411", due_at=desk.clock.now()
                                                   + timedelta(hours=1), call_id=first))
    log_feedback(desk, asha.id, "complaint", "Delivery", "The parcel came broken", client_id=sharma)
    desk.clock.advance(3 * 3600)  # the promised hour has passed: the call-back is late

    again = queue.ring_call(desk, SHARMA, "support")
    stranger = queue.ring_call(desk, "+91 91234 56789", "sales")

    seen = _badges_in_the_queue(desk)
    assert seen[again] == CallerBadges(vip=True, calls_today=1, callback="late", complaint=True)
    assert seen[stranger] == NO_BADGES  # an unknown caller has no record to flag
    assert [(b.kind, b.mark) for b in shown(seen[again])] == [
        ("vip", "★"), ("today", "1×"), ("late_callback", "↻"), ("complaint", "!")]


def test_a_promise_not_yet_due_is_open_but_not_late(desk, asha, sharma):
    first = _a_call_handled(desk, asha, SHARMA)
    create_callback(desk, asha.id, CallbackRequest(reason="Send the quote", due_at=desk.clock.now()
                                                   + timedelta(hours=2), call_id=first))
    queue.ring_call(desk, SHARMA, "support")
    [badges] = _badges_in_the_queue(desk).values()
    assert badges.callback == "open"
    assert [b.kind for b in shown(badges)] == ["today", "callback"]


def test_what_is_over_leaves_no_badge(desk, asha, sharma):
    """Yesterday's calls, a cancelled call-back and a resolved complaint are history, not badges."""
    first = _a_call_handled(desk, asha, SHARMA)
    promise = create_callback(desk, asha.id, CallbackRequest(reason="Quote", due_at=desk.clock.now()
                                                             + timedelta(hours=1), call_id=first))
    cancel_callback(desk, promise, line_of(desk, promise).version, asha.id, "sent by email instead")
    complaint = log_feedback(desk, asha.id, "complaint", "Billing", "Charged twice", client_id=sharma)
    resolve_feedback(desk, asha.id, complaint, "Refunded the second charge")
    log_feedback(desk, asha.id, "suggestion", "Website", "A dark theme", client_id=sharma)  # not a complaint
    desk.clock.advance(12 * 3600)  # 14:30 in Kolkata becomes 02:30 the next day

    queue.ring_call(desk, SHARMA, "support")
    assert _badges_in_the_queue(desk) == {queue.waiting_calls(desk)[0].id: NO_BADGES}


def test_the_call_on_the_line_is_not_counted_as_an_earlier_call(desk, asha, sharma):
    call_id = queue.ring_call(desk, SHARMA, "support")
    assert caller_badges(desk, [sharma]) == {}  # ringing: nothing earlier today
    queue.claim_call(desk, call_id, asha.id)
    assert caller_badges(desk, [sharma]) == {}  # on the line: still nothing earlier
    handling.end_call(desk, call_id, asha.id)
    assert caller_badges(desk, [sharma])[sharma].calls_today == 1  # over: the next call will show it


def test_the_vip_tag_is_the_configs(desk, sharma):
    directory.update_client(desk, sharma, "asha", tags="Gold; wholesale")
    assert caller_badges(desk, [sharma]) == {}
    gold = replace(desk, config=desk.config._replace(vip_tag="gold"))  # a desk whose config says `vip_tag: gold`
    assert caller_badges(gold, [sharma])[sharma].vip
    assert not has_tag("Gold; wholesale", "")  # `vip_tag: ""` turns the VIP badge off
    assert not has_tag("Golden", "gold")  # a whole tag, not part of one


def test_500_waiting_callers_and_their_badges_are_one_query(desk, asha, monkeypatch):
    numbers = [f"+91 90000 {n:05d}" for n in range(500)]
    ids = [directory.create_client(desk, f"Client {n}", [directory.NewPhone(number)])
           for n, number in enumerate(numbers)]
    for client_id in ids[::50]:
        directory.update_client(desk, client_id, "asha", tags="VIP")
    queue.ring_calls(desk, [queue.IncomingCall(number) for number in numbers])
    statements = []
    real = database.obj.execute_sql
    monkeypatch.setattr(database.obj, "execute_sql", lambda sql, *a, **k: statements.append(sql) or real(sql, *a, **k))
    waiting = queue.waiting_calls(desk, badges=True)
    assert len(statements) == 1 and len(waiting) == 500
    assert [call.client_id for call in waiting if call.badges.vip] == ids[::50]
    assert caller_badges(desk, ids[:100]) == {client_id: CallerBadges(vip=True) for client_id in ids[:100:50]}


def test_a_call_back_gone_late_while_its_caller_waits_changes_the_row(desk, asha, sharma):
    """The queue table redraws a row only when its call changed: the badge turning red is such a change."""
    first = _a_call_handled(desk, asha, SHARMA)
    create_callback(desk, asha.id, CallbackRequest(reason="Quote", due_at=desk.clock.now() + timedelta(minutes=30),
                                                   call_id=first))
    queue.ring_call(desk, SHARMA, "support")
    [before] = queue.waiting_calls(desk, badges=True)
    desk.clock.advance(31 * 60)
    [after] = queue.waiting_calls(desk, badges=True)
    assert (before.badges.callback, after.badges.callback) == ("open", "late") and before != after


def test_the_dossier_header_has_the_badges_and_the_last_contact(desk, asha, sharma):
    directory.update_client(desk, sharma, "asha", tags="VIP")
    _a_call_handled(desk, asha, SHARMA, "Information given")
    desk.clock.advance(600)
    call_id = queue.ring_call(desk, SHARMA, "support")
    queue.claim_call(desk, call_id, asha.id)

    file = build_dossier(desk, sharma)
    assert file.badges == CallerBadges(vip=True, calls_today=1)
    assert file.last_contact is not None  # the earlier call, not the one on the line
    assert file.last_contact.at == desk.clock.now() - timedelta(seconds=600 + 120 + 6)
    assert file.last_contact.text == "Incoming call, support: Information given"


def test_a_first_caller_has_no_last_contact(desk, asha, sharma):
    call_id = queue.ring_call(desk, SHARMA, "support")
    queue.claim_call(desk, call_id, asha.id)
    file = build_dossier(desk, sharma)
    assert (file.badges, file.last_contact) == (NO_BADGES, None)


@pytest.mark.parametrize(("value", "problem"), [
    ("VIP, Gold", "one tag, without ',', ';' or ':::', got 'VIP, Gold'"),
    ("[VIP]", "expected a single value"),
])
def test_a_vip_tag_that_could_never_match_is_refused_with_its_line(tmp_path, value, problem):
    path = tmp_path / "config.yaml"
    path.write_text(f"company: Acme\nvip_tag: {value}\n")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value) == f"{path}:2: vip_tag: {problem}"


def test_the_vip_tag_is_read_from_the_config(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("vip_tag: Platinum\n")
    assert load_config(path).vip_tag == "Platinum"
    path.write_text('vip_tag: ""\n')
    assert load_config(path).vip_tag == ""
