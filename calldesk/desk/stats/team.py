"""The team right now, for the lead's live view: every operator's state and live call, the callers waiting
longest, and today's service level, abandoned calls and open call-backs. Cheap enough to take every second."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN, SQL, Node, Select, fn

from calldesk.desk.callbacks.lateness import overdue_condition
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.calls.queue import QueueReader, is_late, rings_heard, waiting_calls
from calldesk.desk.calls.states import CallStatus, OperatorState
from calldesk.desk.calls.wrap_up_limit import close_wrap_ups_over, wrap_up_ends_at
from calldesk.desk.context import Desk
from calldesk.desk.stats.grouping import count_if, service_counts
from calldesk.desk.stats.period import days_period, today
from calldesk.desk.stats.tally import Tally
from calldesk.phones import format_phone
from calldesk.store.models import Call, CallBack, Client, Operator
from calldesk.store.prepared import Prepared

WAITING_LIMIT = 1000
WRAP_UP_LOOKBACK = timedelta(days=1)


@dataclass(frozen=True)
class OperatorNow:
    """One operator right now, as the lead's live view shows them: their state and the call they are on."""

    id: int
    login: str
    name: str
    department: str
    role: str
    state: str
    reason: str  # the pause reason
    in_state_seconds: float | None
    call_id: int | None  # the call on the line, or being wrapped up
    caller: str  # that call's client name, else the name the PBX gave, else the number
    call_seconds: float | None  # talk so far (or the talk it had, in wrap-up)
    wrap_up_left_seconds: float | None = None  # in wrap-up: what its queue's limit leaves (None: no limit)


@dataclass(frozen=True)
class WaitingNow:
    """A caller waiting right now, as the lead's live view shows them."""

    id: int
    queue: str
    caller: str
    waited_seconds: float
    rings: int
    late: bool  # past answer_within_rings


@dataclass(frozen=True)
class TeamSnapshot:
    """The team right now, for the lead's live view: cheap enough to take every second."""

    taken_at: datetime
    operators: tuple[OperatorNow, ...]  # by login
    waiting: tuple[WaitingNow, ...]  # longest wait first
    today: Tally  # today's calls: offered, answered, abandoned, in time
    open_callbacks: int
    overdue_callbacks: int  # open and past the time promised (callbacks/lateness.py)

    @property
    def longest_wait(self) -> float | None:
        return self.waiting[0].waited_seconds if self.waiting else None


def _caller(desk: Desk, client_name: str | None, caller_name: str, number_e164: str | None, raw: str) -> str:
    return client_name or caller_name or format_phone(number_e164, raw, desk.region)


# A lead's console takes this every second: each statement is built once per database (store.prepared) and its
# rows are used as the driver gives them, times as epoch seconds.
LIVE_COLUMNS = (Call.id, Call.operator, Call.answered_at, Call.ended_at, Call.caller_name, Call.number_e164,
                Call.number_raw, Client.name, Call.queue)


def _live_select(condition: Node) -> Select:
    return (Call.select(*LIVE_COLUMNS).join(Client, JOIN.LEFT_OUTER, on=(Call.client == Client.id))
            .where(condition).order_by(Call.answered_at))


_ON_THE_LINE = Prepared(lambda: _live_select((Call.status == CallStatus.ANSWERED) & Call.operator.is_null(False)))
_WRAPPING_UP = Prepared(lambda operators, since: _live_select(
    Call.operator.in_(operators) & (Call.answered_at >= since) & Call.wrapped_at.is_null()
    & Call.ended_at.is_null(False)))
_OPERATORS = Prepared(lambda: Operator.select(
    Operator.id, Operator.login, Operator.name, Operator.department, Operator.role, Operator.state,
    Operator.state_reason, Operator.state_since).where(Operator.enabled).order_by(Operator.login))
_CALLBACKS = Prepared(lambda now: CallBack.select(fn.COUNT(SQL("*")), count_if(overdue_condition(now)))
                      .where(CallBack.status == CallbackStatus.OPEN))


def _today_query(start: float, end: float, short: float, within: float) -> Select:
    return (Call.select(*service_counts(short, within))
            .where((Call.direction == "inbound") & (Call.arrived_at >= start) & (Call.arrived_at < end)))


_TODAY = Prepared(_today_query)


def _live_calls(desk: Desk, operators: list[tuple]) -> dict[int, tuple[int, str, datetime, datetime | None, str]]:
    """operator id -> (call id, caller, answered at, ended at, queue) for calls on the line or being wrapped up."""
    rows = _ON_THE_LINE.rows()
    wrapping = [(operator_id, since) for operator_id, *_, state, _, since in operators
                if state == OperatorState.WRAP_UP and since is not None]
    if wrapping:  # the call being wrapped up ended when the wrap-up began: look no further back than a day
        since = min(started for _, started in wrapping) - WRAP_UP_LOOKBACK.total_seconds()
        rows += _WRAPPING_UP.rows(operators=[operator for operator, _ in wrapping], since=since)
    moment = Call.answered_at.python_value
    return {operator: (call_id, _caller(desk, name, caller, e164, raw), moment(answered), moment(ended), queue)
            for call_id, operator, answered, ended, caller, e164, raw, name, queue in rows}


def _waiting(desk: Desk, now: datetime, limit: int, reader: QueueReader | None) -> list[WaitingNow]:
    cycle = desk.config.ring_cycle_seconds
    waiting = []
    # the queue's own read: the lead sees what the operators see
    for call in reader.waiting_calls(desk, limit) if reader is not None else waiting_calls(desk, limit):
        waited = max(0.0, (now - call.arrived_at).total_seconds())
        waiting.append(WaitingNow(call.id, call.queue, call.client_name or call.caller_name or call.number, waited,
                                  rings_heard(waited, cycle), is_late(waited, desk)))
    return waiting


def _today(desk: Desk) -> Tally:
    """Today's calls so far: what service level and the abandoned count need, nothing more."""
    config = desk.config
    day = today(desk)
    period = days_period(desk, day, day)
    [(offered, answered, abandoned, short, in_time)] = _TODAY.rows(
        start=period.start_epoch, end=period.end_epoch, short=config.short_abandon_seconds,
        within=config.answer_threshold_seconds)
    return Tally(offered=offered, answered=answered or 0, abandoned=abandoned or 0, short_abandoned=short or 0,
                 answered_in_time=in_time or 0)


def team_snapshot(desk: Desk, waiting_limit: int = WAITING_LIMIT, reader: QueueReader | None = None) -> TeamSnapshot:
    """The whole team at this moment. A wrap-up whose time has run out is closed first
    (desk/calls/wrap_up_limit.py): the lead sees that operator available, not stuck in wrap-up. ``reader``: the
    team view's own reader of the queue, which reuses the callers unchanged since its last tick."""
    now = desk.clock.now()
    moment = now.timestamp()
    close_wrap_ups_over(desk)  # before the read: the lead sees those whose time ran out available
    operators = _OPERATORS.rows()
    live = _live_calls(desk, operators)
    people = []
    for operator_id, login, name, department, role, state, reason, since in operators:
        call = live.get(operator_id) if state in (OperatorState.ON_CALL, OperatorState.WRAP_UP) else None
        ends = wrap_up_ends_at(desk, call[4], call[3]) if call and state == OperatorState.WRAP_UP else None
        people.append(OperatorNow(
            id=operator_id, login=login, name=name, department=department, role=role, state=state, reason=reason,
            in_state_seconds=moment - since if since is not None else None,
            call_id=call[0] if call else None, caller=call[1] if call else "",
            call_seconds=((call[3] or now) - call[2]).total_seconds() if call else None,
            wrap_up_left_seconds=max((ends - now).total_seconds(), 0.0) if ends else None,
        ))
    [(open_count, overdue_count)] = _CALLBACKS.rows(now=moment)
    return TeamSnapshot(now, tuple(people), tuple(_waiting(desk, now, waiting_limit, reader)), _today(desk),
                        open_count or 0, int(overdue_count or 0))
