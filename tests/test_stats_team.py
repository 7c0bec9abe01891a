"""The team lead's live view, time in states, staffing, peak hours, the leaderboard and reviews of calls."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from stats_data import build_day

from calldesk.desk.calls import handling, queue
from calldesk.desk.calls.states import OperatorEvent
from calldesk.desk.clients import directory
from calldesk.desk.errors import DeskError, NotAllowed
from calldesk.desk.operators import roster
from calldesk.desk.stats.erlang import operators_needed
from calldesk.desk.stats.grouping import Scope
from calldesk.desk.stats.heatmap import heat_map
from calldesk.desk.stats.leaderboard import leaderboard, sort_leaderboard, write_leaderboard_csv
from calldesk.desk.stats.period import days_period, preset_days
from calldesk.desk.stats.reviews import review_call, review_of
from calldesk.desk.stats.staffing import staffing
from calldesk.desk.stats.states import time_in_states
from calldesk.desk.stats.team import team_snapshot
from calldesk.store.models import AuditEvent, Call, OperatorStateChange

TODAY = date(2026, 11, 27)


def today(desk) -> Scope:
    return Scope(days_period(desk, TODAY, TODAY))


def test_the_lead_sees_who_is_on_which_call_who_waits_longest_and_todays_service(desk, clock):
    ravi = roster.add_operator(desk, "ravi", "Ravi Kumar", "sales")
    asha = roster.add_operator(desk, "asha", "Asha Verma", role="lead")
    kiran = roster.add_operator(desk, "kiran", "Kiran Das")
    gone = roster.add_operator(desk, "old", "Left Last Year")
    roster.Operator.update(enabled=False).where(roster.Operator.id == gone.id).execute()
    directory.create_client(desk, "Rahul Sharma", [directory.NewPhone("+91 98765 43210")])
    roster.move(desk, kiran.id, OperatorEvent.PAUSE, "Lunch")
    rahul_call = queue.ring_call(desk, "+91 98765 43210", "support")
    clock.advance(8)
    queue.claim_call(desk, rahul_call, ravi.id)
    other = queue.ring_call(desk, "+91 98111 22233", "support")
    clock.advance(4)
    queue.claim_call(desk, other, asha.id)
    clock.advance(30)
    handling.end_call(desk, other, asha.id)
    first = queue.ring_call(desk, "+91 99000 11111", "sales", caller_name="Priya (PBX)")
    clock.advance(25)
    queue.ring_call(desk, "+91 99000 22222", "billing")
    clock.advance(5)

    snapshot = team_snapshot(desk)
    people = {p.login: p for p in snapshot.operators}
    assert list(people) == ["asha", "kiran", "ravi"]  # by login; a disabled operator is not on the team
    assert (people["ravi"].state, people["ravi"].caller, people["ravi"].call_seconds) == ("on_call", "Rahul Sharma",
                                                                                         64)
    assert (people["asha"].state, people["asha"].call_seconds, people["asha"].in_state_seconds) == ("wrap_up", 30, 30)
    assert (people["kiran"].state, people["kiran"].reason, people["kiran"].caller) == ("paused", "Lunch", "")
    assert [(w.caller, w.waited_seconds, w.rings, w.late) for w in snapshot.waiting] == [
        ("Priya (PBX)", 30, 6, True), ("099000 22222", 5, 1, False)]
    assert snapshot.longest_wait == 30
    assert (snapshot.today.offered, snapshot.today.answered, snapshot.today.service_level) == (4, 2, 1.0)

    queue.abandon_call(desk, first)  # the caller gives up: the desk promises a call-back
    clock.advance(minutes=20)
    snapshot = team_snapshot(desk)
    assert (snapshot.today.abandoned, snapshot.open_callbacks, snapshot.overdue_callbacks) == (1, 1, 1)


def test_time_in_each_state_is_cut_to_the_period_and_to_now(desk, clock):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    clock._now = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # yesterday, 22:30 in India
    roster.move(desk, asha.id, OperatorEvent.SIGN_OUT)  # a new operator starts available, with no history yet:
    roster.move(desk, asha.id, OperatorEvent.SIGN_IN)  # her console opens, and her available time is kept
    clock.advance(hours=1)
    roster.move(desk, asha.id, OperatorEvent.SIGN_OUT)
    clock._now = datetime(2026, 11, 27, 3, 30, tzinfo=UTC)  # 09:00 in India
    # ringing (the PBX rings her phone for two minutes before she picks up) counts as available
    for event, reason, minutes in ((OperatorEvent.SIGN_IN, "", 8), (OperatorEvent.RING, "", 2),
                                   (OperatorEvent.ANSWER, "", 5),
                                   (OperatorEvent.CALL_ENDED, "", 1), (OperatorEvent.WRAP_UP, "", 14),
                                   (OperatorEvent.PAUSE, "Lunch", 30), (OperatorEvent.RESUME, "", 30)):
        roster.move(desk, asha.id, event, reason)
        clock.advance(minutes=minutes)
    [row] = time_in_states(desk, today(desk).period)
    minutes = {state: seconds / 60 for state, seconds in row.seconds.items()}
    assert minutes == {"available": 54, "on_call": 5, "wrap_up": 1, "paused": 30, "offline": 9 * 60}
    assert row.paused == {"Lunch": 30 * 60}
    assert row.staffed_seconds == 60 * 60


def test_staffing_sets_erlang_beside_the_operators_who_were_there(desk, clock):
    asha = roster.add_operator(desk, "asha", "Asha Verma")
    clock._now = datetime(2026, 11, 27, 3, 30, tzinfo=UTC)  # 09:00 in India
    roster.move(desk, asha.id, OperatorEvent.SIGN_OUT)  # a new operator starts available, with no history yet:
    roster.move(desk, asha.id, OperatorEvent.SIGN_IN)  # her console opens, and her available time is kept
    for minute in range(0, 60, 6):  # ten calls in the hour, three minutes each
        arrived = clock.now() + timedelta(minutes=minute)
        Call.create(number_raw="1", queue="support", status="completed", arrived_at=arrived,
                    answered_at=arrived + timedelta(seconds=5), ended_at=arrived + timedelta(seconds=185),
                    operator=asha.id)
    clock.advance(minutes=90)
    roster.move(desk, asha.id, OperatorEvent.SIGN_OUT)
    hours = {h.hour: h for h in staffing(desk, today(desk))}
    assert hours[9].calls_per_hour == 10 and hours[9].handle_seconds == 180
    assert hours[9].needed == operators_needed(10, 180, desk.config.answer_threshold_seconds, 0.8) == 2
    assert (hours[9].staffed, hours[10].staffed, hours[11].staffed) == (1.0, 0.5, 0.0)
    assert (hours[10].needed, hours[9].service_level) == (0, 1.0)


def test_the_heat_map_puts_calls_on_their_local_weekday_and_hour(desk):
    build_day(desk)
    cells = heat_map(desk, today(desk))
    friday = 4
    assert cells.offered(friday, 9) == 5  # 04:00 UTC on Friday is 09:30 in India
    assert cells.service_level(friday, 9) == pytest.approx(3 / 4)  # three in time, one counted abandon
    assert cells.offered(friday, 4) == 0 and cells.service_level(friday, 4) is None
    assert cells.busiest == 5


def test_the_leaderboard_sorts_best_first_and_exports_csv(desk):
    build_day(desk)
    rows = leaderboard(desk, today(desk))
    assert [(r.login, r.calls_handled) for r in rows] == [("asha", 3), ("ravi", 2), ("meena", 0)]
    by_handle_time = sort_leaderboard(rows, "average_handle_time")
    assert [r.login for r in by_handle_time] == ["asha", "ravi", "meena"]  # shortest first; nothing to measure last
    assert [r.login for r in sort_leaderboard(rows, "average_handle_time", best_first=False)] == [
        "ravi", "asha", "meena"]
    assert [r.login for r in sort_leaderboard(rows, "first_call_resolution")][:2] == ["ravi", "asha"]
    with pytest.raises(DeskError, match="cannot sort"):
        sort_leaderboard(rows, "salary")
    out = io.StringIO()
    assert write_leaderboard_csv(by_handle_time, out) == 3
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert table[0] == {"login": "asha", "name": "Asha Verma", "calls_handled": "3", "average_handle_time": "95.0",
                        "first_call_resolution": "0.3333", "callbacks_on_time": "0.6667",
                        "quality_score": table[0]["quality_score"], "reviews": "1"}
    assert table[2]["average_handle_time"] == ""


def test_a_lead_reviews_a_call_and_an_operator_may_not(desk, clock):
    day = build_day(desk)
    call = day.calls["2"]
    with pytest.raises(NotAllowed):
        review_call(desk, call, day.asha, 5)
    review_call(desk, call, day.meena, 3, "Kept the caller waiting 30 s")
    clock.advance(60)
    review_call(desk, call, day.meena, 4, "On second listen: fine")
    review = review_of(call)
    assert (review.score, review.comment, review.reviewer) == (4, "On second listen: fine", "meena")
    events = list(AuditEvent.select().where((AuditEvent.entity == "call") & (AuditEvent.entity_id == call)
                                            & (AuditEvent.action == "review")).order_by(AuditEvent.id))
    assert [(e.actor, e.before != "", '"score": 4' in e.after) for e in events] == [
        ("meena", False, False), ("meena", True, True)]
    for bad in (0, 6, True):
        with pytest.raises(DeskError, match="1 to 5"):
            review_call(desk, call, day.meena, bad)
    with pytest.raises(DeskError, match="never answered"):
        review_call(desk, day.calls["3"], day.meena, 2)
    assert review_of(day.calls["3"]) is None


def test_named_periods_count_back_from_today(desk):
    assert preset_days(desk, "today") == (TODAY, TODAY)
    assert preset_days(desk, "7days") == (date(2026, 11, 21), TODAY)
    assert preset_days(desk, "month") == (date(2026, 11, 1), TODAY)
    assert preset_days(desk, "last_month") == (date(2026, 10, 1), date(2026, 10, 31))
    assert OperatorStateChange.select().count() == 0
