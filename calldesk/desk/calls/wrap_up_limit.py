"""After-call work has a limit, as Asterisk's wrapuptime: config.yaml's ``wrap_up_seconds`` (a queue may have its own
in ``wrap_up_seconds_by_queue``; 0 for none). When it runs out the operator is available again, the notes typed wait
as the call's draft, and the wrap-up is finished later from My recent calls (desk/calls/recent.py).

A rule of the clock, enforced by whoever asks next: the operator's console (its countdown, its reads of where the
operator stands), another console of theirs, F2 and the PBX's answer, a lead's team view and every console's periodic
check. An operator whose console closed during wrap-up is not held in it.

A wrap-up the limit closed is stored as wrapped up at the moment its time ran out, without a disposition: the
statistics count the wrap-up time the operator really had, and the call shows as "wrap-up not finished".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from calldesk.desk import audit
from calldesk.desk.calls.states import (
    CallEvent,
    CallStatus,
    OperatorEvent,
    OperatorState,
    Refused,
    call_move,
    call_state,
)
from calldesk.desk.context import Desk
from calldesk.desk.operators import roster
from calldesk.store.models import Call, Operator, database
from calldesk.store.prepared import Prepared

CLOSED_BY = "system"  # the audit's actor when the limit closes a wrap-up: the desk's rule, not a person


def wrap_up_ends_at(desk: Desk, queue: str, ended_at: datetime | None) -> datetime | None:
    """When the wrap-up of a call of ``queue`` whose line went down at ``ended_at`` runs out; None while the call is
    live or when the queue sets no limit."""
    limit = desk.config.wrap_up_limit(queue)
    if not limit or ended_at is None:
        return None
    return ended_at + timedelta(seconds=limit)


def wrap_up_is_over(desk: Desk, queue: str, ended_at: datetime | None) -> bool:
    """The call's wrap-up time has run out, by the desk's clock."""
    ends = wrap_up_ends_at(desk, queue, ended_at)
    return ends is not None and ends <= desk.clock.now()


def left_unfinished(disposition: str, ended_at: datetime | None, wrapped_at: datetime | None) -> bool:
    """A wrap-up the limit closed: wrapped up after the line went down, with no disposition. (A call read in from
    Asterisk's queue_log has none either, but its paperwork counts as done when it ended: desk/calls/queue_log.py.)"""
    return not disposition and ended_at is not None and wrapped_at is not None and wrapped_at > ended_at


# The operator's unwrapped call, newest first, as handling.live_call_of reads it (by the operator's calls' index)
_UNWRAPPED = Prepared(lambda operator_id: Call.select(Call.id, Call.queue, Call.status, Call.ended_at).where(
    (Call.operator == operator_id) & Call.wrapped_at.is_null()
    & Call.status.in_((CallStatus.COMPLETED, CallStatus.TRANSFERRED))
).order_by(Call.answered_at.desc()).limit(1))
_IN_WRAP_UP_SINCE = Prepared(lambda since: Operator.select(Operator.id).where(
    (Operator.state == OperatorState.WRAP_UP) & (Operator.state_since <= since)))


def close_wrap_up_if_over(desk: Desk, operator_id: int) -> list[int]:
    """Close the operator's wrap-ups whose time has run out: each call is stored as wrapped up when its time ran out
    (no disposition; its draft stays), audited, and the operator, if still in wrap-up, is available again. Returns
    the calls closed; none when the wrap-up still has time, or there is none."""
    closed: list[int] = []
    with database.atomic():
        while rows := _UNWRAPPED.rows(operator_id=operator_id):
            call_id, queue, status, ended = rows[0]
            ends = wrap_up_ends_at(desk, queue, Call.ended_at.python_value(ended))
            if ends is None or ends > desk.clock.now():
                break
            call_move(CallEvent.WRAP_UP_TIME_OVER, call_state(status), call_id)
            if not Call.update(wrapped_at=ends).where((Call.id == call_id) & Call.wrapped_at.is_null()).execute():
                break  # closed meanwhile by another path: that one moved the operator
            audit.record(desk, CLOSED_BY, "call", call_id, "wrap_up_time_over", after={"wrapped_at": ends.isoformat()})
            closed.append(call_id)
            ran_out = ends
        if closed:  # available from when the time ran out: the state figures count no wrap-up time beyond it
            roster.move(desk, operator_id, OperatorEvent.WRAP_UP_TIME_OVER, at=ran_out)
    return closed


def _shortest_limit(desk: Desk) -> float | None:
    """The shortest wrap-up any queue allows: an operator in wrap-up for less has time left whatever the call."""
    limits = [s for s in (desk.config.wrap_up_seconds, *desk.config.wrap_up_seconds_by_queue.values()) if s]
    return min(limits) if limits else None


def close_wrap_ups_over(desk: Desk) -> list[int]:
    """Every operator's wrap-up whose time has run out, closed: a console's periodic check, for the operators whose
    console is closed. Only operators in wrap-up for longer than the shortest limit are looked at."""
    shortest = _shortest_limit(desk)
    if shortest is None:
        return []
    since = Operator.state_since.db_value(desk.clock.now() - timedelta(seconds=shortest))
    return [call_id for (operator_id,) in _IN_WRAP_UP_SINCE.rows(since=since)
            for call_id in close_wrap_up_if_over(desk, operator_id)]


def move_to_answer(desk: Desk, operator_id: int) -> roster.OperatorView:
    """The operator picks up a call (F2, the handset): one whose wrap-up time has run out is free to, whether or not
    anyone had closed it yet. Raises Refused as ``roster.move`` does."""
    try:
        return roster.move(desk, operator_id, OperatorEvent.ANSWER)
    except Refused:
        if not close_wrap_up_if_over(desk, operator_id):
            raise
    return roster.move(desk, operator_id, OperatorEvent.ANSWER)
