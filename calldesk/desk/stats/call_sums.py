"""The calls' own counts and sums for a scope, read from the calls themselves in SQL, in one grouped statement:
each answered call's first-call resolution is read from its own row (``next_contact_at``, which the database keeps),
so the period's calls are read once and nothing is looked up per call. hours.py sums closed days with these once;
kpis.py adds them up with the rest.
"""

from __future__ import annotations

from peewee import Case, Node, fn

from calldesk.desk.context import Desk
from calldesk.desk.stats.grouping import (
    Grouping,
    Key,
    Scope,
    count_if,
    grouped,
    keys_for,
    scope_filter,
    service_counts,
    sum_of,
)
from calldesk.desk.stats.tally import Tally
from calldesk.store.models import Call


def _steps(column: Node) -> Node:
    """SQL: how many ids a comma-separated list holds."""
    commas = fn.LENGTH(column) - fn.LENGTH(fn.REPLACE(column, ",", ""))
    return Case(None, [(column == "", 0)], commas + 1)


def resolved_first_time(window: float) -> Node:
    """First-call resolution, SQL for the call read: answered, and the same caller (the same client, or the same
    number when no client is linked; a number that did not parse is nobody else) made no further contact, in or out,
    within ``window`` seconds of it (one at the same moment counts when made later): their next contact, which the
    database keeps with each call (migration 8), is none or later."""
    return Call.answered_at.is_null(False) & (
        Call.next_contact_at.is_null() | (Call.next_contact_at > Call.arrived_at + window))


def add_call_sums(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally], *,
                  first_call_resolution: bool = True) -> None:
    """The calls' counts and sums for the scope, read from the calls themselves, added into ``out``."""
    config = desk.config
    period = scope.period
    wait = Call.answered_at - Call.arrived_at
    handle = fn.COALESCE(Call.wrapped_at, Call.ended_at) - Call.answered_at
    columns = [
        *service_counts(config.short_abandon_seconds, config.answer_threshold_seconds),
        sum_of(wait),
        fn.MAX(fn.COALESCE(Call.answered_at, Call.ended_at) - Call.arrived_at).coerce(False),
        fn.COUNT(handle).coerce(False),
        sum_of(handle),
        sum_of(_steps(Call.script_steps)),
        sum_of(Call.phrase_hits),
    ]
    if first_call_resolution:
        columns.append(count_if(resolved_first_time(config.fcr_window_hours * 3600)))
    query = Call.select().where(
        (Call.direction == "inbound") & (Call.arrived_at >= period.start_epoch) & (Call.arrived_at < period.end_epoch)
        & scope_filter(scope, Call.queue, Call.operator)
    )
    keys = keys_for(by, period, Call.queue, Call.operator, Call.arrived_at)
    for k, offered, answered, abandoned_n, short, in_time, wait_sum, longest, handled, handle_sum, steps, hits, \
            *resolved in grouped(query, keys, columns):
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
        t.resolved_first_time += int(resolved[0] or 0) if resolved else 0
