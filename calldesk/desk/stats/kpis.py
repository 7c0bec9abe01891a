"""The service figures for a period, added up in SQL, whole or by queue, operator, day or hour.

Each source is read once per grouping: calls (one pass for the counts and sums, one for first-call resolution,
which needs each caller's next contact), reviews, call-backs and complaints. Calls count by their arrival,
call-backs by their deadline, complaints by when they were logged or resolved. Closed days' calls are read from
their sums by hour (hours.py), the other days' from the calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from peewee import JOIN, SQL, fn

from calldesk.desk.callbacks.lateness import past_deadline_condition
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.context import Desk
from calldesk.desk.stats import hours
from calldesk.desk.stats.call_sums import add_call_sums
from calldesk.desk.stats.grouping import Grouping, Key, Scope, count_if, grouped, keys_for, scope_filter, sum_of
from calldesk.desk.stats.period import day_of_index, hour_label
from calldesk.desk.stats.tally import Tally
from calldesk.store.models import Call, CallBack, CallReview, Feedback, Operator


@dataclass(frozen=True)
class FigureRow:
    """One row of figures: a queue, an operator, a day or an hour (or the whole), and its sums."""

    key: Key  # the queue, the operator's id, the local day index, the hour of day; None for the whole
    label: str
    tally: Tally


def _add_reviews(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally]) -> None:
    period = scope.period
    query = CallReview.select().join(Call, on=(CallReview.call == Call.id)).where(
        (Call.arrived_at >= period.start_epoch) & (Call.arrived_at < period.end_epoch)
        & scope_filter(scope, Call.queue, Call.operator)
    )
    keys = keys_for(by, period, Call.queue, Call.operator, Call.arrived_at)
    for k, count, points in grouped(query, keys, [fn.COUNT(SQL("*")), sum_of(CallReview.score)]):
        if count:
            t = out.setdefault(k, Tally())
            t.reviews += count
            t.review_points += int(points)


def _add_callbacks(desk: Desk, scope: Scope, by: Grouping, now: datetime, out: dict[Key, Tally]) -> None:
    period = scope.period
    done = CallBack.status == CallbackStatus.DONE
    late_open = (CallBack.status == CallbackStatus.OPEN) & past_deadline_condition(now.timestamp())
    kept = done & (fn.COALESCE(CallBack.closed_at, CallBack.updated_at) <= CallBack.sla_deadline)
    query = CallBack.select().join(Call, JOIN.LEFT_OUTER, on=(CallBack.call == Call.id)).where(
        (CallBack.sla_deadline >= period.start_epoch) & (CallBack.sla_deadline < period.end_epoch)
        & (done | late_open) & scope_filter(scope, Call.queue, CallBack.assignee)
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
            & scope_filter(scope, Call.queue, Feedback.owner)
        )
        keys = keys_for(by, period, Call.queue, Feedback.owner, moment)
        columns = [fn.COUNT(SQL("*")), sum_of(Feedback.resolved_at - Feedback.created_at)]
        for k, count, seconds in grouped(query, keys, columns):
            if not count:
                continue
            t = out.setdefault(k, Tally())
            if resolved:
                t.complaints_resolved += count
                t.resolve_seconds += float(seconds or 0)
            else:
                t.complaints_opened += count


def _add_call_figures(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally], *,
                      first_call_resolution: bool = True) -> None:
    """Summed closed days from their sums, the rest from the calls (a read sums nothing: hours.py)."""
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
