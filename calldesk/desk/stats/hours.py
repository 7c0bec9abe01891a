"""Closed days' calls, summed once by local hour, queue and answering operator: what makes a month's figures quick.

A day is closed once its end, the first-call-resolution window after it and an hour's grace have passed: the desk
no longer changes its calls, nor the further contacts that decide their first-call resolution. Each summed day
keeps the number of calls it and the days its window reaches into held; when an import (of a queue_log, say)
adds calls there, the number differs and the day is summed again. Every console sums the last three months'
closed days in the background, and `calldesk stats` sums its period's first, so reads find sums. A read never
sums: days not yet closed, and closed days nobody has summed (a month just imported, no console running), are
read from the calls in one grouped statement per unsummed stretch, which costs less than summing them would
(docs/performance.md, "The statistics' first read").
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from peewee import IntegrityError, Node, fn

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.stats.call_sums import add_call_sums
from calldesk.desk.stats.grouping import Grouping, Key, Scope, grouped, weekday_hour
from calldesk.desk.stats.period import Period, days_period, modulo, today
from calldesk.desk.stats.tally import Tally
from calldesk.store.models import Call, StatsDay, StatsHour, database

GRACE = timedelta(hours=1)  # for wrap-ups finished just after the day closes
FORMAT = 1  # bump when what is summed changes: older sums are then left aside
SUMMED = ("offered", "answered", "abandoned", "short_abandoned", "answered_in_time", "wait_seconds", "handled",
          "handle_seconds", "resolved_first_time", "script_steps", "phrase_hits")  # plus the longest wait
BATCH = 500
DAYS_PER_TRANSACTION = 7  # summing a year holds the write lock a week's worth at a time
KEEP_SUMMED_DAYS = 92  # the periods a lead looks at most: this month and the two before
EPOCH_DAY = date(1970, 1, 1)


def basis(desk: Desk, period: Period) -> str:
    """Everything the sums depend on besides the calls: the time zone and the config values of the definitions."""
    config = desk.config
    return (f"v{FORMAT} {period.zone} within={config.answer_threshold_seconds:g} "
            f"short={config.short_abandon_seconds:g} fcr={config.fcr_window_hours:g}")


def _local_midnight(day: int, period: Period) -> datetime:
    local = datetime.combine(EPOCH_DAY + timedelta(days=day), time(), period.zone)
    return local.astimezone(UTC)


def _closed_days(desk: Desk, period: Period) -> list[tuple[int, datetime, datetime]]:
    """(local day index, start, end) of the period's whole local days that are closed, in order."""
    window = timedelta(hours=desk.config.fcr_window_hours)
    now = desk.clock.now()
    first = (period.first_day - EPOCH_DAY).days
    days = []
    for day in range(first, first + period.days()):
        start, end = _local_midnight(day, period), _local_midnight(day + 1, period)
        if start < period.start or end > period.end or end + window + GRACE > now:
            continue
        days.append((day, start, end))
    return days


def _stale_days(desk: Desk, period: Period, days: list[tuple[int, datetime, datetime]]
                ) -> tuple[list[tuple[int, datetime, datetime]], dict[int, int]]:
    """Of the closed ``days``, those with no sums or sums of other calls than theirs now; and each day's count of
    calls (its own and those of the days its first-call-resolution window reaches into)."""
    if not days:
        return [], {}
    after = math.ceil(desk.config.fcr_window_hours / 24)  # days a summed call's next contact may fall on
    per_day = {day: Call.select().where((Call.arrived_at >= _local_midnight(day, period))
                                        & (Call.arrived_at < _local_midnight(day + 1, period))).count()
               for day in range(days[0][0], days[-1][0] + after + 1)}
    counts = {day: sum(per_day.get(d, 0) for d in range(day, day + after + 1)) for day, _, _ in days}
    summed = {row.day: row.calls for row in StatsDay.select(StatsDay.day, StatsDay.calls).where(
        (StatsDay.basis == basis(desk, period)) & StatsDay.day.between(days[0][0], days[-1][0]))}
    return [entry for entry in days if summed.get(entry[0]) != counts[entry[0]]], counts


def split_period(desk: Desk, period: Period) -> tuple[list[tuple[int, int]], list[Period]]:
    """The period as runs of summed days (first and last local day index) and stretches to read from the calls:
    every day whose sums are missing or stale is read from the calls, next to its unsummed neighbours."""
    days = _closed_days(desk, period)
    stale, _ = _stale_days(desk, period, days)
    summed_days = {day for day, _, _ in days} - {day for day, _, _ in stale}
    summed_runs = [(run[0][0], run[-1][0]) for run in _runs([d for d in days if d[0] in summed_days])]
    live, moment = [], period.start
    for first, last in summed_runs:
        start, end = _local_midnight(first, period), _local_midnight(last + 1, period)
        if start > moment:
            live.append(Period(moment, start, period.zone))
        moment = end
    if moment < period.end:
        live.append(Period(moment, period.end, period.zone))
    return summed_runs, live


def sum_closed_days(desk: Desk, first: date, last: date, progress: Callable[[int, int], None] | None = None) -> int:
    """Sum every closed day from ``first`` to ``last`` whose sums are missing or stale, newest first, a week at
    most per transaction; returns how many were summed. Consoles run this in the background, so a lead's month is
    read from its sums; ``progress`` hears (days done, days to do)."""
    period = days_period(desk, first, last)
    stale, counts = _stale_days(desk, period, _closed_days(desk, period))
    weeks = [run[max(0, end - DAYS_PER_TRANSACTION):end] for run in reversed(_runs(stale))
             for end in range(len(run), 0, -DAYS_PER_TRANSACTION)]
    key, done, seen = basis(desk, period), 0, 0
    for week in weeks:
        if progress is not None:
            progress(seen, len(stale))
        if _sum_days(desk, period, key, week, counts):
            done += len(week)
        seen += len(week)
    if progress is not None and stale:
        progress(len(stale), len(stale))
    return done


def keep_recent_days_summed(desk: Desk) -> int:
    """What a console does now and then: sum the closed days of this month and the last two that need it."""
    last = today(desk)
    return sum_closed_days(desk, last - timedelta(days=KEEP_SUMMED_DAYS), last)


def _runs(days: list[tuple[int, datetime, datetime]]) -> list[list[tuple[int, datetime, datetime]]]:
    """Consecutive days grouped together."""
    runs: list[list[tuple[int, datetime, datetime]]] = []
    for entry in days:
        if runs and entry[0] == runs[-1][-1][0] + 1:
            runs[-1].append(entry)
        else:
            runs.append([entry])
    return runs


def _sum_days(desk: Desk, period: Period, key: str, run: list[tuple[int, datetime, datetime]],
              counts: dict[int, int]) -> bool:
    """Sum a stretch of consecutive closed days from their calls and keep the sums, replacing older ones; False
    when another console was summing the same days at the same moment (theirs stand, but are not seen yet)."""
    stretch = Period(run[0][1], run[-1][2], period.zone)
    cells: dict[Key, Tally] = {}
    add_call_sums(desk, Scope(stretch), "cells", cells)
    rows = [{"basis": key, "hour": hour, "queue": queue, "operator": operator or 0,
             "longest_wait_seconds": tally.longest_wait_seconds, **{name: getattr(tally, name) for name in SUMMED}}
            for (hour, queue, operator), tally in cells.items()]
    first_hour, last_hour = run[0][0] * 24, (run[-1][0] + 1) * 24  # local hours: days are 24 of them
    now = desk.clock.now()
    try:
        with database.atomic():
            StatsHour.delete().where((StatsHour.basis == key) & (StatsHour.hour >= first_hour)
                                     & (StatsHour.hour < last_hour)).execute()
            StatsDay.delete().where((StatsDay.basis == key)
                                    & StatsDay.day.between(run[0][0], run[-1][0])).execute()
            for start in range(0, len(rows), BATCH):
                StatsHour.insert_many(rows[start:start + BATCH]).execute()
            StatsDay.insert_many([{"basis": key, "day": day, "calls": counts[day], "summed_at": now}
                                  for day, _, _ in run]).execute()
    except IntegrityError:
        return False
    return True


def _cell_keys(by: Grouping) -> list[Node]:
    h = StatsHour
    match by:
        case "total":
            return []
        case "queue":
            return [h.queue]
        case "operator":
            return [h.operator]
        case "day":
            return [h.hour / 24]
        case "hour":
            return [modulo(h.hour, 24)]
        case "weekday_hour":
            return [weekday_hour(h.hour)]
        case "day_hour":
            return [h.hour]
    raise DeskError(f"cannot group summed hours by {by!r}")


def add_summed(desk: Desk, scope: Scope, by: Grouping, runs: list[tuple[int, int]], out: dict[Key, Tally], *,
               first_call_resolution: bool = True) -> None:
    """The summed figures of the scope's days in ``runs`` (first and last local day index), by group, into ``out``."""
    h = StatsHour
    days = None
    for first, last in runs:
        run = (h.hour >= first * 24) & (h.hour < (last + 1) * 24)
        days = run if days is None else days | run
    condition = (h.basis == basis(desk, scope.period)) & days
    if scope.queue is not None:
        condition &= h.queue == scope.queue
    if scope.operator_id is not None:
        condition &= h.operator == scope.operator_id
    columns = [fn.SUM(getattr(h, name)).coerce(False) for name in SUMMED]
    columns.append(fn.MAX(h.longest_wait_seconds).coerce(False))
    for k, *sums in grouped(h.select().where(condition), _cell_keys(by), columns):
        if k == 0 and by == "operator":
            k = None  # nobody answered
        values = dict(zip(SUMMED, sums[:-1], strict=True))
        if not values["offered"] and not values["answered"]:
            continue
        if not first_call_resolution:
            values["resolved_first_time"] = 0
        tally = Tally(**{name: (float if name.endswith("seconds") else int)(value or 0)
                         for name, value in values.items()}, longest_wait_seconds=float(sums[-1] or 0))
        out.setdefault(k, Tally()).add(tally)
