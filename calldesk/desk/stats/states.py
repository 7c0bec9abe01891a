"""Time each operator spent in each state (available, on call, wrap-up, paused by reason, offline), from the
state history every change is kept in. A state lasts until the operator's next change, or until now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import SQL, Select, fn

from calldesk.desk.context import Desk
from calldesk.desk.operators import STATES
from calldesk.desk.stats.period import HOUR_SECONDS, Period
from calldesk.store.models import Operator, OperatorStateChange, database

STAFFED_STATES = ("available", "on_call", "wrap_up")  # at the desk and taking calls


@dataclass(frozen=True)
class StateSpan:
    operator_id: int
    state: str
    reason: str
    start: float  # epoch seconds, clipped to the period
    end: float


@dataclass
class StateTime:
    operator_id: int
    login: str
    name: str
    seconds: dict[str, float] = field(default_factory=dict)  # state -> seconds in the period
    paused: dict[str, float] = field(default_factory=dict)  # pause reason -> seconds

    @property
    def staffed_seconds(self) -> float:
        return sum(self.seconds.get(s, 0.0) for s in STAFFED_STATES)


def state_spans(desk: Desk, period: Period, operator_id: int | None = None) -> list[StateSpan]:
    """Every stretch of a state that overlaps the period, cut to the period and to now."""
    until = min(period.end_epoch, desk.clock.now().timestamp())
    changes = OperatorStateChange
    ended = fn.LEAD(changes.started_at).over(partition_by=[changes.operator],
                                             order_by=[changes.started_at, changes.id])
    history = changes.select(changes.operator, changes.state, changes.reason,
                             changes.started_at.alias("started"), ended.coerce(False).alias("ended"))
    if operator_id is not None:
        history = history.where(changes.operator == operator_id)
    history = history.where(changes.started_at < until).alias("history")
    h = history.c
    query = Select(from_list=[history], columns=[h.operator_id, h.state, h.reason, h.started, h.ended]).bind(
        database).where(h.ended.is_null() | (h.ended > period.start_epoch)).order_by(SQL("1"), SQL("4"))
    spans = []
    for operator, state, reason, started, ended_at in query.tuples():
        start = max(float(started), period.start_epoch)
        end = min(float(ended_at) if ended_at is not None else until, until)
        if end > start:
            spans.append(StateSpan(operator, state, reason, start, end))
    return spans


def time_in_states(desk: Desk, period: Period, operator_id: int | None = None) -> list[StateTime]:
    """Per operator (by login), the seconds spent in each state during the period; paused time also by reason."""
    operators = {o.id: o for o in Operator.select(Operator.id, Operator.login, Operator.name)}
    times: dict[int, StateTime] = {}
    for span in state_spans(desk, period, operator_id):
        operator = operators.get(span.operator_id)
        if operator is None:
            continue
        row = times.setdefault(span.operator_id, StateTime(span.operator_id, operator.login, operator.name,
                                                           dict.fromkeys(STATES, 0.0)))
        seconds = span.end - span.start
        row.seconds[span.state] = row.seconds.get(span.state, 0.0) + seconds
        if span.state == "paused":
            reason = span.reason or "(no reason)"
            row.paused[reason] = row.paused.get(reason, 0.0) + seconds
    return sorted(times.values(), key=lambda r: r.login)


def staffed_seconds_by_hour(spans: list[StateSpan], offset_of: Callable[[float], int]) -> dict[int, float]:
    """Seconds of staffed operator time in each local hour (local hours since 1970), from the spans."""
    per_hour: dict[int, float] = defaultdict(float)
    for span in spans:
        if span.state not in STAFFED_STATES:
            continue
        moment = span.start
        while moment < span.end:
            offset = offset_of(moment)
            local_hour = (moment + offset) // HOUR_SECONDS
            step_end = min(span.end, (local_hour + 1) * HOUR_SECONDS - offset)
            per_hour[int(local_hour)] += step_end - moment
            moment = step_end
    return per_hour
