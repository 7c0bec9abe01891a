"""The calls' own counts and sums for a scope, read from the calls themselves in SQL (one pass for the counts
and sums, one for first-call resolution, which needs each caller's next contact). hours.py sums closed days with
these once; kpis.py adds them up with the rest.
"""

from __future__ import annotations

from datetime import timedelta

from peewee import Case, Cast, Node, Select, fn

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
from calldesk.store.models import Call, database

UNPARSED_CALLER_BASE = 10**16  # above any E.164 number (15 digits at most)


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
        sum_of(wait),
        fn.MAX(fn.COALESCE(Call.answered_at, Call.ended_at) - Call.arrived_at).coerce(False),
        fn.COUNT(handle).coerce(False),
        sum_of(handle),
        sum_of(_steps(Call.script_steps)),
        sum_of(Call.phrase_hits),
    ]
    query = Call.select().where(
        (Call.direction == "inbound") & (Call.arrived_at >= period.start_epoch) & (Call.arrived_at < period.end_epoch)
        & scope_filter(scope, Call.queue, Call.operator)
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
        & scope_filter(scope, c.queue, c.operator_id)
    )
    for k, count in grouped(query, [getattr(c, f"k{n}") for n in range(len(keys))], [resolved]):
        if count:
            out.setdefault(k, Tally()).resolved_first_time += count


def add_call_sums(desk: Desk, scope: Scope, by: Grouping, out: dict[Key, Tally], *,
                  first_call_resolution: bool = True) -> None:
    """The calls' counts and sums for the scope, read from the calls themselves, added into ``out``."""
    _add_calls(desk, scope, by, out)
    if first_call_resolution:
        _add_first_call_resolution(desk, scope, by, out)
