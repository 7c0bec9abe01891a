"""How the figures are grouped and added up in SQL: which calls count (the scope: a period, a queue, an operator),
the groupings and the key each row falls under, and the few SQL pieces every source of figures uses. The one
definition of "answered in time" is here (``service_counts``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from peewee import SQL, Case, Node, Select, fn

from calldesk.desk.calls.states import CallStatus
from calldesk.desk.errors import DeskError
from calldesk.desk.stats.period import EPOCH_WEEKDAY, Period, local_day_index, local_hour_index, modulo
from calldesk.store.models import Call

Grouping = Literal["total", "queue", "operator", "day", "hour", "weekday_hour", "day_hour", "cells"]
GROUPINGS: tuple[str, ...] = ("queue", "operator", "day", "hour")  # what a person may ask for
Key = str | int | None


@dataclass(frozen=True, slots=True)
class Scope:
    """Which calls count: a period, and optionally one queue or one operator (by id)."""

    period: Period
    queue: str | None = None
    operator_id: int | None = None


def count_if(condition: Node) -> Node:
    """SQL: how many rows meet ``condition``."""
    return fn.SUM(Case(None, [(condition, 1)], 0)).coerce(False)


def sum_of(expression: Node) -> Node:
    """SQL: the sum, as a plain number."""
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


def scope_filter(scope: Scope, queue: Node, operator: Node) -> Node:
    """SQL: the rows of the scope's queue and operator, when it names them."""
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
    abandoned = Call.status == CallStatus.ABANDONED
    return [fn.COUNT(SQL("*")), fn.COUNT(Call.answered_at).coerce(False), count_if(abandoned),
            count_if(abandoned & (Call.ended_at - Call.arrived_at < short)),
            count_if(Call.answered_at - Call.arrived_at <= within)]
