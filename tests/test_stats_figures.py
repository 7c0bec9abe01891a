"""A team lead reads the day's figures and each one matches what a person works out by hand from the calls.

The day (tests/stats_data.py), in India's time: nine inbound calls arrive today, five are answered (waits 10, 30,
5, 18 and 2 s), three abandon (after 3 s, a minute and 10 s), one still rings. The threshold is 3 rings of 6 s.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from stats_data import add_call, at, build_day

from calldesk.desk.stats.grouping import Scope
from calldesk.desk.stats.hours import KEEP_SUMMED_DAYS, keep_recent_days_summed, sum_closed_days
from calldesk.desk.stats.kpis import figure_rows
from calldesk.desk.stats.period import days_period
from calldesk.store.models import StatsDay, StatsHour

TODAY = date(2026, 11, 27)


@pytest.fixture
def day(desk):
    return build_day(desk)


def whole(desk, **scope):
    [row] = figure_rows(desk, Scope(days_period(desk, TODAY, TODAY), **scope))
    return row.tally


def test_calls_offered_answered_and_abandoned_count_by_arrival_in_local_time(desk, day):
    t = whole(desk)
    assert t.offered == 9  # the ringing call counts; yesterday's 23:59:59 does not, today's 00:00:00 does
    assert t.answered == 5
    assert t.abandoned == 3
    assert t.short_abandoned == 1  # the caller who hung up after 3 s


def test_service_level_counts_answers_within_three_rings_over_answered_and_counted_abandons(desk, day):
    t = whole(desk)
    assert t.answered_in_time == 4  # 10, 5, 18 (exactly at the threshold) and 2 s; not 30 s
    assert t.service_level == pytest.approx(4 / 7)  # 5 answered + 3 abandoned - 1 short
    assert t.abandonment_rate == pytest.approx(2 / 7)


def test_speed_of_answer_and_longest_wait(desk, day):
    t = whole(desk)
    assert t.average_speed_of_answer == pytest.approx((10 + 30 + 5 + 18 + 2) / 5)
    assert t.longest_wait == pytest.approx(60)  # the caller who gave up after a minute waited longest


def test_handle_time_is_talk_plus_wrap_up_and_talk_alone_before_wrap_up(desk, day):
    t = whole(desk)
    assert t.handled == 5
    assert t.average_handle_time == pytest.approx((150 + 90 + 205 + 60 + 45) / 5)


def test_first_call_resolution_looks_for_any_further_contact_within_a_day(desk, day):
    # call 1: Rahul rang again; call 5: the same unknown number rang again; call 10: we called Sunita back
    t = whole(desk)
    assert t.resolved_first_time == 2
    assert t.first_call_resolution == pytest.approx(2 / 5)


def test_quality_script_steps_phrase_hits_and_review_score(desk, day):
    t = whole(desk)
    assert t.script_steps_per_call == pytest.approx(4 / 5)
    assert t.phrase_hits_per_call == pytest.approx(3 / 5)
    assert (t.reviews, t.review_score) == (2, pytest.approx(3.0))
    # script 0.8 of 8 steps, free of phrases 1 - 0.6, reviews (3 - 1) / 4: the mean of the three
    assert t.quality_score(8) == pytest.approx(100 * (0.1 + 0.4 + 0.5) / 3)


def test_callbacks_kept_on_time_of_those_that_fell_due(desk, day):
    t = whole(desk)
    assert (t.callbacks_due, t.callbacks_kept, t.callbacks_overdue) == (4, 2, 1)
    assert t.callbacks_on_time == pytest.approx(0.5)


def test_complaints_opened_resolved_and_mean_time_to_resolve(desk, day):
    t = whole(desk)
    assert (t.complaints_opened, t.complaints_resolved) == (2, 2)
    assert t.mean_time_to_resolve == pytest.approx((3600 + 18 * 3600) / 2)


def test_by_queue(desk, day):
    rows = {r.label: r.tally for r in figure_rows(desk, Scope(days_period(desk, TODAY, TODAY)), "queue")}
    support, sales = rows["support"], rows["sales"]
    assert (support.offered, support.answered, support.abandoned) == (5, 3, 1)
    assert support.service_level == pytest.approx(2 / 4)
    assert support.average_speed_of_answer == pytest.approx(14)
    assert support.first_call_resolution == pytest.approx(1 / 3)
    assert (sales.offered, sales.answered, sales.abandoned, sales.short_abandoned) == (4, 2, 2, 1)
    assert sales.service_level == pytest.approx(2 / 3)
    assert sales.first_call_resolution == pytest.approx(1 / 2)
    assert (support.callbacks_due, support.callbacks_kept, sales.callbacks_due, sales.callbacks_kept) == (2, 2, 1, 0)
    assert (support.complaints_opened, support.complaints_resolved, sales.complaints_opened) == (1, 1, 1)
    assert rows["(none)"].callbacks_overdue == 1 and rows["(none)"].complaints_resolved == 1


def test_by_operator(desk, day):
    rows = {r.label: r.tally for r in figure_rows(desk, Scope(days_period(desk, TODAY, TODAY)), "operator")}
    assert (rows["asha"].answered, rows["ravi"].answered) == (3, 2)
    assert rows["asha"].average_handle_time == pytest.approx((150 + 90 + 45) / 3)
    assert rows["ravi"].first_call_resolution == pytest.approx(1 / 2)
    assert (rows["asha"].review_score, rows["ravi"].review_score) == (4, 2)
    assert (rows["(none)"].offered, rows["(none)"].abandoned) == (4, 3)  # unanswered calls have no operator


def test_by_hour_and_by_day_in_the_desks_time_zone(desk, day):
    scope = Scope(days_period(desk, TODAY, TODAY))
    hours = {r.label: r.tally.offered for r in figure_rows(desk, scope, "hour") if r.tally.offered}
    assert hours == {"00:00": 1, "09:00": 5, "10:00": 1, "11:00": 1, "14:00": 1}
    days = figure_rows(desk, Scope(days_period(desk, date(2026, 11, 26), TODAY)), "day")
    assert [(r.label, r.tally.offered) for r in days if r.tally.offered] == [("2026-11-26", 1), ("2026-11-27", 9)]


def test_one_queue_or_one_operator_only(desk, day):
    assert whole(desk, queue="sales").offered == 4
    ravi = whole(desk, operator_id=day.ravi)
    assert (ravi.answered, ravi.callbacks_due, ravi.complaints_opened, ravi.complaints_resolved) == (2, 1, 1, 1)


def test_an_empty_period_has_nothing_to_measure(desk, day):
    [row] = figure_rows(desk, Scope(days_period(desk, date(2026, 10, 1), date(2026, 10, 2))))
    assert row.tally.offered == 0
    assert row.tally.service_level is None and row.tally.average_handle_time is None


def test_a_closed_day_reads_the_same_from_its_sums_and_is_summed_again_when_calls_arrive_late(desk, day, clock):
    live = whole(desk)
    clock.advance(days=3)  # the day, its first-call window and the grace hour are over: the day may be summed
    unsummed = whole(desk)
    assert StatsDay.select().count() == 0  # a read sums nothing
    assert sum_closed_days(desk, TODAY, TODAY) == 1  # what a console does in the background
    summed = whole(desk)
    assert StatsDay.select().count() == 1 and StatsHour.select().count() > 0
    for name in ("offered", "answered", "abandoned", "short_abandoned", "answered_in_time", "handled",
                 "resolved_first_time", "script_steps", "phrase_hits", "reviews", "complaints_opened",
                 "wait_seconds", "handle_seconds", "longest_wait"):
        assert getattr(summed, name) == getattr(live, name) == getattr(unsummed, name), name
    assert (summed.wait_seconds, summed.handle_seconds, summed.longest_wait) == (live.wait_seconds,
                                                                                 live.handle_seconds, 60)
    by_hour = {r.label: r.tally.offered for r in figure_rows(desk, Scope(days_period(desk, TODAY, TODAY)), "hour")}
    assert by_hour["09:00"] == 5
    add_call("billing", at(7200), number="+919800000099", abandon_after=40)  # an imported history call
    assert whole(desk).offered == 10 and whole(desk, queue="billing").abandoned == 1


def test_a_long_stretch_reads_the_same_unsummed_half_summed_and_summed(desk, clock):
    first = date(2026, 11, 1)
    for n in range(12):  # one answered and one abandoned call a day, at 10:00 in India
        arrived = datetime.combine(first + timedelta(days=n), time(4, 30), UTC)
        add_call("support", arrived, number=f"+91980000{n:04d}", wait=n, talk=60)
        add_call("sales", arrived + timedelta(minutes=5), number="+919811111111", abandon_after=30)
    scope = Scope(days_period(desk, first, first + timedelta(days=11)))
    readings = []
    for summed in (0, 4, 12):  # nothing summed, the days 4 to 7 (unsummed on both sides), all of them
        if summed == 4:
            sum_closed_days(desk, first + timedelta(days=4), first + timedelta(days=7))
        elif summed:
            sum_closed_days(desk, first, first + timedelta(days=11))
        [row] = figure_rows(desk, scope)
        readings.append(row.tally)
        assert StatsDay.select().count() == summed  # reading summed nothing
    assert readings[0] == readings[1] == readings[2]
    assert (readings[0].offered, readings[0].answered_in_time, readings[0].resolved_first_time) == (24, 12, 12)


def test_a_console_keeps_the_recent_closed_days_summed_so_a_month_is_read_from_its_sums(desk, clock):
    first = date(2026, 11, 1)
    for n in range(20):  # one answered call a day at 10:00 in India; the last days are not closed yet
        add_call("support", datetime.combine(first + timedelta(days=n), time(4, 30), UTC),
                 number=f"+91980000{n:04d}", wait=n, talk=60)
    scope = Scope(days_period(desk, first, first + timedelta(days=19)))
    [from_calls] = figure_rows(desk, Scope(days_period(desk, first, first + timedelta(days=19))))
    StatsHour.delete().execute()
    StatsDay.delete().execute()

    summed = keep_recent_days_summed(desk)

    epoch = date(1970, 1, 1)
    days = {row.day for row in StatsDay.select()}
    assert summed == len(days) == KEEP_SUMMED_DAYS - 1  # today and yesterday are still inside the first-call window
    assert (TODAY - epoch).days - 2 in days and (TODAY - epoch).days - 1 not in days
    assert keep_recent_days_summed(desk) == 0  # nothing changed: nothing to do
    [from_sums] = figure_rows(desk, scope)
    assert StatsDay.select().count() == summed  # the read found every closed day summed
    assert from_sums.tally == from_calls.tally
    add_call("support", datetime.combine(first + timedelta(days=3), time(6), UTC), number="+919811111111", wait=2,
             talk=30)  # a late import into a summed day: summed again on the next round
    assert keep_recent_days_summed(desk) == 2  # that day, and the day before whose first-call window reaches it
    assert figure_rows(desk, scope)[0].tally.offered == 21


def test_summing_a_stretch_reports_its_progress_newest_week_first(desk, clock):
    first = date(2026, 11, 1)
    for n in range(16):
        add_call("support", datetime.combine(first + timedelta(days=n), time(4, 30), UTC),
                 number=f"+91980000{n:04d}", wait=5, talk=60)
    heard: list[tuple[int, int]] = []
    assert sum_closed_days(desk, first, first + timedelta(days=15), lambda done, total: heard.append((done, total)))
    assert heard == [(0, 16), (7, 16), (14, 16), (16, 16)]
    newest = (first - date(1970, 1, 1)).days + 15
    assert StatsDay.get(StatsDay.day == newest).summed_at <= clock.now()
