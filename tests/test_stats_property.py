"""On any log of calls, the figures SQL adds up equal a slow, obvious recomputation in Python, and the groups of a
grouping add up to the whole."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calldesk.desk.stats.grouping import Scope
from calldesk.desk.stats.hours import sum_closed_days
from calldesk.desk.stats.kpis import figure_rows
from calldesk.desk.stats.period import days_period
from calldesk.desk.stats.tally import Tally
from calldesk.store.models import Call, Client, Operator, StatsDay, StatsHour

DAY = date(2026, 11, 27)
DAY_START = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)  # midnight in India, the desk's zone
NUMBERS = ("+919800000001", "+919800000002", None)  # None: a number that did not parse
QUEUES = ("support", "sales")


@dataclass(frozen=True)
class LoggedCall:
    offset: float  # seconds from the day's start; some fall the day before or after
    queue: str
    client: int | None  # index into the clients made for the example
    number: str | None
    outcome: str  # answered | abandoned | ringing | live
    wait: float
    talk: float
    wrap: float | None
    operator: int | None
    direction: str
    steps: int
    hits: int


calls_strategy = st.lists(st.builds(
    LoggedCall,
    offset=st.floats(-30_000, 86_400 + 100_000, allow_nan=False).map(lambda x: round(x, 1)),
    queue=st.sampled_from(QUEUES),
    client=st.one_of(st.none(), st.integers(0, 2)),
    number=st.sampled_from(NUMBERS),
    outcome=st.sampled_from(("answered", "answered", "abandoned", "ringing", "live")),
    wait=st.sampled_from((0.0, 4.9, 5.0, 17.9, 18.0, 18.1, 45.0, 300.0)),
    talk=st.floats(1, 900).map(lambda x: round(x, 1)),
    wrap=st.one_of(st.none(), st.floats(0, 120).map(lambda x: round(x, 1))),
    operator=st.one_of(st.none(), st.integers(0, 1)),
    direction=st.sampled_from(("inbound", "inbound", "inbound", "outbound")),
    steps=st.integers(0, 4),
    hits=st.integers(0, 3),
), max_size=25)


def _store(log: list[LoggedCall], clients: list[int], operators: list[int]) -> list[Call]:
    Call.delete().execute()
    StatsHour.delete().execute()  # sums of an earlier example's calls: gone with them
    StatsDay.delete().execute()
    stored = []
    for c in log:
        arrived = DAY_START + timedelta(seconds=c.offset)
        answered = arrived + timedelta(seconds=c.wait) if c.outcome in ("answered", "live") else None
        ended = (answered + timedelta(seconds=c.talk) if c.outcome == "answered"
                 else arrived + timedelta(seconds=c.wait) if c.outcome == "abandoned" else None)
        wrapped = ended + timedelta(seconds=c.wrap) if c.outcome == "answered" and c.wrap is not None else None
        stored.append(Call.create(
            direction=c.direction, number_raw=c.number or "12345", number_e164=c.number,
            client=clients[c.client] if c.client is not None else None, queue=c.queue,
            status={"answered": "completed", "abandoned": "abandoned", "ringing": "ringing", "live": "answered"}[
                c.outcome],
            arrived_at=arrived, answered_at=answered, ended_at=ended, wrapped_at=wrapped,
            operator=operators[c.operator] if c.operator is not None and answered else None,
            # only an operator on the line ticks script steps or trips the phrase guard
            script_steps=",".join(f"1.{i}" for i in range(1, c.steps + 1)) if answered else "",
            phrase_hits=c.hits if answered else 0,
        ))
    return stored


def _expected(calls: list[Call], threshold: float, short: float, window: float) -> Tally:
    """The figures the long way: one call at a time, comparing each with every other for the next contact."""
    start, end = DAY_START, DAY_START + timedelta(days=1)
    t = Tally()
    for c in calls:
        if c.direction != "inbound" or not start <= c.arrived_at < end:
            continue
        t.offered += 1
        if c.answered_at is not None:
            wait = (c.answered_at - c.arrived_at).total_seconds()
            t.answered += 1
            t.wait_seconds += wait
            t.answered_in_time += wait <= threshold
            t.longest_wait_seconds = max(t.longest_wait_seconds, wait)
            t.script_steps += len([s for s in c.script_steps.split(",") if s])
            t.phrase_hits += c.phrase_hits
            if c.ended_at is not None:
                t.handled += 1
                t.handle_seconds += ((c.wrapped_at or c.ended_at) - c.answered_at).total_seconds()
            me = (c.client_id, c.number_e164 if c.client_id is None else None)
            if c.client_id is None and c.number_e164 is None:
                me = ("alone", c.id)
            followed = any(
                (o.client_id, o.number_e164 if o.client_id is None else None) == me
                and (o.arrived_at, o.id) > (c.arrived_at, c.id)
                and (o.arrived_at - c.arrived_at).total_seconds() <= window
                for o in calls if o.id != c.id
            )
            t.resolved_first_time += not followed
        elif c.status == "abandoned":
            waited = (c.ended_at - c.arrived_at).total_seconds()
            t.abandoned += 1
            t.short_abandoned += waited < short
            t.longest_wait_seconds = max(t.longest_wait_seconds, waited)
    return t


def _call_figures(t: Tally) -> tuple:
    return (t.offered, t.answered, t.abandoned, t.short_abandoned, t.answered_in_time, t.handled,
            t.resolved_first_time, t.script_steps, t.phrase_hits, pytest.approx(t.wait_seconds),
            pytest.approx(t.handle_seconds), pytest.approx(t.longest_wait_seconds))


@pytest.fixture
def people(desk):
    clients = [Client.create(name=f"Client {i}", created_at=DAY_START, updated_at=DAY_START).id for i in range(3)]
    operators = [Operator.create(login=f"op{i}", name=f"Op {i}", department="support").id for i in range(2)]
    return clients, operators


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(log=calls_strategy)
def test_sql_figures_equal_a_slow_recomputation(desk, clock, people, log):
    """Read on the day (from the calls), three days later (the closed day, nobody summed it: from the calls) and
    once it is summed (from its sums)."""
    stored = _store(log, *people)
    config = desk.config
    scope = Scope(days_period(desk, DAY, DAY))
    expected = _call_figures(_expected(stored, config.answer_threshold_seconds, config.short_abandon_seconds,
                                       config.fcr_window_hours * 3600))
    later = timedelta()
    try:
        for moment in ("on the day", "closed, not summed", "closed and summed"):
            if moment == "closed, not summed":
                clock.advance(days=3)
                later = timedelta(days=3)
            elif moment == "closed and summed":
                assert sum_closed_days(desk, DAY, DAY) == 1
            [row] = figure_rows(desk, scope)
            assert _call_figures(row.tally) == expected, moment
            for by in ("queue", "operator", "hour", "day"):
                total = Tally()
                for group in figure_rows(desk, scope, by):
                    total.add(group.tally)
                assert _call_figures(total) == expected, (moment, by)
        assert StatsDay.select().count() == 1
    finally:
        clock.advance(seconds=-later.total_seconds())
