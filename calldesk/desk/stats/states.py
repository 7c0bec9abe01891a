"""Time each operator spent in each state (available, on call, wrap-up, paused by reason, offline), from the
state history every change is kept in. A state lasts until the operator's next change, or until now."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from calldesk.desk.calls.states import OperatorState
from calldesk.desk.context import Desk
from calldesk.desk.operators.roster import STATES
from calldesk.desk.stats.period import HOUR_SECONDS, Period
from calldesk.store.models import Operator, OperatorStateChange, database

STAFFED_STATES = (OperatorState.AVAILABLE, OperatorState.ON_CALL, OperatorState.WRAP_UP)  # taking calls
# a phone ringing for a caller is an operator free to take them
REPORTED_AS = {OperatorState.RINGING: OperatorState.AVAILABLE}


@dataclass(frozen=True, slots=True)
class StateSpan:
    """A stretch of time one operator spent in one state, clipped to the period."""

    operator_id: int
    state: str
    reason: str
    start: float  # epoch seconds, clipped to the period
    end: float


@dataclass
class StateTime:
    """One operator's time in each state over the period, the pauses split by reason."""

    operator_id: int
    login: str
    name: str
    seconds: dict[str, float] = field(default_factory=dict)  # state -> seconds in the period
    paused: dict[str, float] = field(default_factory=dict)  # pause reason -> seconds

    @property
    def staffed_seconds(self) -> float:
        return sum(self.seconds.get(s, 0.0) for s in STAFFED_STATES)


def state_spans(desk: Desk, period: Period, operator_id: int | None = None) -> list[StateSpan]:
    """Every stretch of a state that overlaps the period, cut to the period and to now: the changes in the period,
    and before them each operator's last change from earlier (a state that began before the period)."""
    until = min(period.end_epoch, desk.clock.now().timestamp())
    c = OperatorStateChange
    changes: dict[int, list[tuple[str, str, float]]] = {}
    operators = [operator_id] if operator_id is not None else [o.id for o in Operator.select(Operator.id)]
    for operator in operators:
        earlier = (c.select(c.state, c.reason, c.started_at)
                   .where((c.operator == operator) & (c.started_at < period.start_epoch))
                   .order_by(c.started_at.desc(), c.id.desc()).limit(1))
        changes[operator] = list(database.execute(earlier))  # raw rows: epoch seconds
    during = c.select(c.operator, c.state, c.reason, c.started_at).where(
        (c.started_at >= period.start_epoch) & (c.started_at < until))
    if operator_id is not None:
        during = during.where(c.operator == operator_id)
    for operator, state, reason, started in database.execute(during.order_by(c.operator, c.started_at, c.id)):
        changes.setdefault(operator, []).append((state, reason, started))
    spans = []
    for operator, history in changes.items():
        if not history:
            continue
        for (state, reason, started), following in zip(history, [*history[1:], None], strict=True):
            start = max(float(started), period.start_epoch)
            end = min(float(following[2]) if following else until, until)
            if end > start:
                spans.append(StateSpan(operator, REPORTED_AS.get(state, state), reason, start, end))
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
        if span.state == OperatorState.PAUSED:
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
