"""The service figures for a period, added up in SQL, whole or by queue, operator, day or hour.

Each source is read once per grouping: calls (one pass for the counts and sums, one for first-call resolution,
which needs each caller's next contact), reviews, call-backs and complaints. Calls count by their arrival,
call-backs by their deadline, complaints by when they were logged or resolved. Closed days' calls are read from
their sums by hour (hours.py), the other days' from the calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from peewee import JOIN, SQL, Case, Cast, Node, Select, fn

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.stats.period import (
    EPOCH_WEEKDAY,
    Period,
    day_of_index,
    hour_label,
    local_day_index,
    local_hour_index,
    modulo,
)
from calldesk.desk.stats.tally import Tally
from calldesk.store.models import Call, CallBack, CallReview, Feedback, Operator, database

Grouping = Literal["total", "queue", "operator", "day", "hour", "weekday_hour", "day_hour", "cells"]
GROUPINGS: tuple[str, ...] = ("queue", "operator", "day", "hour")  # what a person may ask for
Key = str | int | None
UNPARSED_CALLER_BASE = 10**16  # above any E.164 number (15 digits at most)


@dataclass(frozen=True)
class Scope:
    """Which calls count: a period, and optionally one queue or one operator (by id)."""

    period: Period
    queue: str | None = None
    operator_id: int | None = None


@dataclass(frozen=True)
class FigureRow:
    """One row of figures: a queue, an operator, a day or an hour (or the whole), and its sums."""

    key: Key  # the queue, the operator's id, the local day index, the hour of day; None for the whole
    label: str
    tally: Tally


def count_if(condition: Node) -> Node:
    return fn.SUM(Case(None, [(condition, 1)], 0)).coerce(False)


def _sum(expression: Node) -> Node:
    return fn.SUM(expression).coerce(False)


def keys_for(by: Grouping, period: Period, queue: Node, operator: Node, moment: Node,
             margin: timedelta = timedelta()) -> list[Node]:
    """SQL for the group a row falls in; ``moment`` is the epoch column that places it in time. "cells" is the
    finest grouping (local hour, queue, operator): what closed days are summed by."""
    match by:
        case "total":
            return []
        case "queue":
            return [queue]
        case "operator":
            return [operator]
        case "day":
            return [local_day_index(moment, period, margin)]
        case "hour":
            return [modulo(local_hour_index(moment, period, margin), 24)]
        case "weekday_hour":
            return [weekday_hour(local_hour_index(moment, period, margin))]
        case "day_hour":
            return [local_hour_index(moment, period, margin)]
        case "cells":
            return [local_hour_index(moment, period, margin), queue, operator]
    raise DeskError(f"cannot group by {by!r} (choose from {', '.join(GROUPINGS)})")


def weekday_hour(hours: Node) -> Node:
    """SQL: from local hours since 1970, the weekday (Monday 0) times 24 plus the hour of day."""
    return modulo(hours / 24 + EPOCH_WEEKDAY, 7) * 24 + modulo(hours, 24)


def grouped(query: Select, keys: list[Node], columns: list[Node]) -> Iterable[tuple]:
    """Run an aggregate query whole or grouped; rows come back as (key, *columns), the key None for the whole,
    a value for one grouping column, a tuple for several."""
    if not keys:
        for row in query.select(*columns).tuples():
            yield (None, *row)
        return
    ordinals = [SQL(str(n)) for n in range(1, len(keys) + 1)]  # by position: the same SQL twice would differ
    for row in query.select(*(k.alias(f"k{n}") for n, k in enumerate(keys)), *columns).group_by(*ordinals).tuples():
        yield (row[0] if len(keys) == 1 else tuple(row[:len(keys)]), *row[len(keys):])


def _scope_filter(scope: Scope, queue: Node, operator: Node) -> Node:
    condition = SQL("1 = 1")
    if scope.queue is not None:
        condition &= queue == scope.queue
    if scope.operator_id is not None:
        condition &= operator == scope.operator_id
    return condition


def service_counts(short: float, within: float) -> list[Node]:
    """SQL over the calls selected, the counts service level and abandonment are made of, defined once for the
    statistics, the team view and the wallboard: offered, answered, abandoned, abandoned within ``short`` seconds,
    answered within ``within`` seconds of arriving."""
    abandoned = Call.status == "abandoned"
    return [fn.COUNT(SQL("*")), fn.COUNT(Call.answered_at).coerce(False), count_if(abandoned),
            count_if(abandoned & (Call.ended_at - Call.arrived_at < short)),
            count_if(Call.answered_at - Call.arrived_at <= within)]


def _steps(column: Node) -> Node:
    """SQL: how many ids a comma-separated list holds."""
    commas = fn.LENGTH(column) - fn.LENGTH(fn.REPLACE(column, ",", ""))
    return Case(None, [(column == "", 0)], commas + 1)


def _add_calls(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally]) -> None:
    config = desk.config
    period = scope.period
    wait = Call.answered_at - Call.arrived_at
    handle = fn.COALESCE(Call.wrapped_at, Call.ended_at) - Call.answered_at
    columns = [
        *service_counts(config.short_abandon_seconds, config.answer_threshold_seconds),
        _sum(wait),
        fn.MAX(fn.COALESCE(Call.answered_at, Call.ended_at) - Call.arrived_at).coerce(False),
        fn.COUNT(handle).coerce(False),
        _sum(handle),
        _sum(_steps(Call.script_steps)),
        _sum(Call.phrase_hits),
    ]
    query = Call.select().where(
        (Call.direction == "inbound") & (Call.arrived_at >= period.start_epoch) & (Call.arrived_at < period.end_epoch)
        & _scope_filter(scope, Call.queue, Call.operator)
    )
    keys = keys_for(by, period, Call.queue, Call.operator, Call.arrived_at)
    for k, offered, answered, abandoned_n, short, in_time, wait_sum, longest, handled, handle_sum, steps, hits \
            in grouped(query, keys, columns):
        if not offered:
            continue
        t = out.setdefault(k, Tally())
        t.offered += offered
        t.answered += answered
        t.abandoned += abandoned_n or 0
        t.short_abandoned += short or 0
        t.answered_in_time += in_time or 0
        t.wait_seconds += float(wait_sum or 0)
        t.longest_wait_seconds = max(t.longest_wait_seconds, float(longest or 0))
        t.handled += handled
        t.handle_seconds += float(handle_sum or 0)
        t.script_steps += int(steps or 0)
        t.phrase_hits += int(hits or 0)


def _caller_key() -> Node:
    """SQL: one whole number per caller, cheap to sort: the client's id; for a call linked to no client, minus its
    E.164 digits; for a number that did not parse, minus a number past any phone's, unique to the call."""
    e164_digits = Cast(fn.SUBSTR(Call.number_e164, 2), "BIGINT")
    # "0 - x", not "-x": Peewee reads unary minus as a descending sort
    return Case(None, [(Call.client.is_null(False), Call.client), (Call.number_e164.is_null(False), 0 - e164_digits)],
                0 - (UNPARSED_CALLER_BASE + Call.id))


def _add_first_call_resolution(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally]) -> None:
    """Each answered call's next contact (any call of the same client, or same number when no client is linked,
    in or out) comes from a window over the period plus the FCR window, so a call near the end still sees it."""
    period = scope.period
    window = desk.config.fcr_window_hours * 3600
    margin = timedelta(seconds=window)
    following = fn.LEAD(Call.arrived_at).over(partition_by=[_caller_key()], order_by=[Call.arrived_at, Call.id])
    keys = keys_for(by, period, Call.queue, Call.operator, Call.arrived_at, margin)
    inner_columns = [Call.arrived_at, Call.answered_at, Call.direction, Call.queue, Call.operator,
                     following.coerce(False).alias("next_at"), *(k.alias(f"k{n}") for n, k in enumerate(keys))]
    contacts = Call.select(*inner_columns).where(
        (Call.arrived_at >= period.start_epoch) & (Call.arrived_at < period.end_epoch + window)
    ).alias("contacts")
    c = contacts.c
    resolved = count_if(c.next_at.is_null() | (c.next_at > c.arrived_at + window))
    query = Select(from_list=[contacts]).bind(database).where(
        c.answered_at.is_null(False) & (c.direction == "inbound") & (c.arrived_at < period.end_epoch)
        & _scope_filter(scope, c.queue, c.operator_id)
    )
    for k, count in grouped(query, [getattr(c, f"k{n}") for n in range(len(keys))], [resolved]):
        if count:
            out.setdefault(k, Tally()).resolved_first_time += count


def _add_reviews(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally]) -> None:
    period = scope.period
    query = CallReview.select().join(Call, on=(CallReview.call == Call.id)).where(
        (Call.arrived_at >= period.start_epoch) & (Call.arrived_at < period.end_epoch)
        & _scope_filter(scope, Call.queue, Call.operator)
    )
    keys = keys_for(by, period, Call.queue, Call.operator, Call.arrived_at)
    for k, count, points in grouped(query, keys, [fn.COUNT(SQL("*")), _sum(CallReview.score)]):
        if count:
            t = out.setdefault(k, Tally())
            t.reviews += count
            t.review_points += int(points)


def _add_callbacks(desk: Desk, scope: Scope, by: Grouping, now: datetime, out: dict[Key, Tally]) -> None:
    period = scope.period
    done = CallBack.status == "done"
    late_open = (CallBack.status == "open") & (CallBack.sla_deadline <= now.timestamp())
    kept = done & (fn.COALESCE(CallBack.closed_at, CallBack.updated_at) <= CallBack.sla_deadline)
    query = CallBack.select().join(Call, JOIN.LEFT_OUTER, on=(CallBack.call == Call.id)).where(
        (CallBack.sla_deadline >= period.start_epoch) & (CallBack.sla_deadline < period.end_epoch)
        & (done | late_open) & _scope_filter(scope, Call.queue, CallBack.assignee)
    )
    keys = keys_for(by, period, Call.queue, CallBack.assignee, CallBack.sla_deadline)
    for k, due, kept_n, overdue in grouped(query, keys, [fn.COUNT(SQL("*")), count_if(kept), count_if(late_open)]):
        if due:
            t = out.setdefault(k, Tally())
            t.callbacks_due += due
            t.callbacks_kept += kept_n
            t.callbacks_overdue += overdue


def _add_complaints(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally]) -> None:
    period = scope.period
    for moment, resolved in ((Feedback.created_at, False), (Feedback.resolved_at, True)):
        query = Feedback.select().join(Call, JOIN.LEFT_OUTER, on=(Feedback.call == Call.id)).where(
            (Feedback.kind == "complaint") & (moment >= period.start_epoch) & (moment < period.end_epoch)
            & _scope_filter(scope, Call.queue, Feedback.owner)
        )
        keys = keys_for(by, period, Call.queue, Feedback.owner, moment)
        columns = [fn.COUNT(SQL("*")), _sum(Feedback.resolved_at - Feedback.created_at)]
        for k, count, seconds in grouped(query, keys, columns):
            if not count:
                continue
            t = out.setdefault(k, Tally())
            if resolved:
                t.complaints_resolved += count
                t.resolve_seconds += float(seconds or 0)
            else:
                t.complaints_opened += count


def add_call_sums(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally], *,
                  first_call_resolution: bool = True) -> None:
    """The calls' counts and sums for the scope, read from the calls themselves, added into ``out``."""
    _add_calls(desk, scope, by, out)
    if first_call_resolution:
        _add_first_call_resolution(desk, scope, by, out)


def _add_call_figures(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally], *,
                      first_call_resolution: bool = True) -> None:
    """Closed days from their sums (summed now if they are not yet), the rest from the calls."""
    from calldesk.desk.stats import hours  # hours builds on this module

    summed, live = hours.split_period(desk, scope.period)
    if summed:
        hours.add_summed(desk, scope, by, summed, out, first_call_resolution=first_call_resolution)
    for stretch in live:
        add_call_sums(desk, replace(scope, period=stretch), by, out, first_call_resolution=first_call_resolution)


def tallies(desk: Desk, scope: Scope, by: Grouping = "total") -> dict[Key, Tally]:
    """Every figure's sums for the scope, by group (the key None holds the whole when ``by`` is "total")."""
    out: dict[Key, Tally] = {}
    _add_call_figures(desk, scope, by, out)
    _add_reviews(desk, scope, by, out)
    _add_callbacks(desk, scope, by, desk.clock.now(), out)
    _add_complaints(desk, scope, by, out)
    return out


def call_tallies(desk: Desk, scope: Scope, by: Grouping = "total") -> dict[Key, Tally]:
    """Only the calls' counts and sums (no reviews, call-backs or complaints): what peak hours, staffing and the
    team's day need."""
    out: dict[Key, Tally] = {}
    _add_call_figures(desk, scope, by, out, first_call_resolution=False)
    return out


def key_label(by: Grouping, key: Key, logins: dict[int, str]) -> str:
    if key is None:
        return "all" if by == "total" else "(none)"
    match by:
        case "operator":
            return logins.get(int(key), f"#{key}")
        case "day":
            return day_of_index(int(key)).isoformat()
        case "hour":
            return hour_label(int(key))
    return str(key)


def figure_rows(desk: Desk, scope: Scope, by: Grouping = "total") -> list[FigureRow]:
    """The figures for the scope, one row for the whole or one per group in order (days and hours in time,
    queues and operators by name, calls with no queue or operator last)."""
    groups = tallies(desk, scope, by)
    if by == "total":
        return [FigureRow(None, "all", groups.get(None, Tally()))]
    logins = {o.id: o.login for o in Operator.select(Operator.id, Operator.login)} if by == "operator" else {}
    rows = [FigureRow(k, key_label(by, k, logins), t) for k, t in groups.items()]
    numeric = by in ("day", "hour", "weekday_hour", "day_hour")
    return sorted(rows, key=lambda r: (r.key is None, r.key if numeric and r.key is not None else r.label))
