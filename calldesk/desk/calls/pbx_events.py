"""What a phone system reports about a call's life, as desk rules: answered by an operator, hung up, transferred,
and the queue made equal to the PBX's after the link to it was away.

The PBX is the authority on what happened on the line, so these rules accept its word where a console's action
would be refused (an answer reported for a call the desk thought abandoned, say).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from peewee import IntegrityError

from calldesk.desk.calls.handling import transfer_call
from calldesk.desk.calls.queue import IncomingCall, abandon_call, ring_calls, rings_heard, stop_ringing
from calldesk.desk.calls.states import CallEvent, CallState, CallStatus, OperatorEvent, call_move, call_state
from calldesk.desk.calls.wrap_up_limit import move_to_answer
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound, UnknownOperator
from calldesk.desk.operators import roster
from calldesk.store.models import Call, Operator, database
from calldesk.store.prepared import Prepared

PBX_ID_LENGTH = Call.external_id.max_length


@dataclass(frozen=True)
class PbxWaitingCall:
    """A caller the PBX says is waiting in a queue right now."""

    external_id: str
    number: str
    queue: str
    caller_name: str = ""
    waited_seconds: float = 0.0


@dataclass(frozen=True)
class QueueResync:
    """What making the desk's queue equal to the PBX's changed, after the link to it was away."""

    added: tuple[int, ...]  # calls the desk had missed
    dropped: tuple[int, ...]  # calls the desk showed as waiting that the PBX no longer has


# A PBX reports calls by the thousand: the statements of each report are built once (see store.prepared).
_CALL_BY_PBX_ID = Prepared(lambda external_id: Call.select(Call.id).where(Call.external_id == external_id))
_CALLS_BY_PBX_IDS = Prepared(lambda external_ids: Call.select(Call.external_id, Call.id, Call.status).where(
    Call.external_id.in_(external_ids)
))
_OPERATOR_BY_LOGIN = Prepared(lambda login: Operator.select(Operator.id).where(Operator.login == login))
_CALL_TO_ANSWER = Prepared(lambda call_id: Call.select(Call.status, Call.arrived_at, Call.offered_to,
                                                         Call.wrapped_at).where(Call.id == call_id))
_ANSWER = Prepared(lambda call_id, operator_id, now, rings: Call.update(
    status=CallStatus.ANSWERED, operator=operator_id, answered_at=now, rings=rings, ended_at=None, offered_to=""
).where((Call.id == call_id) & (Call.status == CallStatus.RINGING)))
_CALL_AS_STORED = Prepared(lambda call_id: Call.select(Call.status, Call.answered_at, Call.operator, Call.offered_to,
                                                          Call.wrapped_at).where(Call.id == call_id))
_HANG_UP = Prepared(lambda call_id, status, ended_at: Call.update(status=status, ended_at=ended_at).where(
    (Call.id == call_id) & (Call.status == CallStatus.ANSWERED)
))
_OFFER = Prepared(lambda call_id, login: Call.update(offered_to=login).where(
    (Call.id == call_id) & (Call.status == CallStatus.RINGING)
))


def check_pbx_id(external_id: str) -> None:
    """The one rule for a PBX's id of a call, from the hook and AMI alike: text the desk can keep and name it by."""
    if not external_id:
        raise DeskError("the PBX's id for the call is empty")
    if len(external_id) > PBX_ID_LENGTH:
        raise DeskError(f"the PBX's id for the call is {len(external_id):,} characters long "
                        f"(the desk keeps at most {PBX_ID_LENGTH})")
    if not external_id.isprintable():
        raise DeskError(f"the PBX's id for the call {external_id!r} holds a control character or a NUL")


def is_pbx_id(external_id: str) -> bool:
    try:
        check_pbx_id(external_id)
    except DeskError:
        return False
    return True


def call_id_for(external_id: str) -> int | None:
    """The desk's call for the PBX's id of it (Asterisk's Uniqueid), if any."""
    rows = _CALL_BY_PBX_ID.rows(external_id=external_id)
    return rows[0][0] if rows else None


def operator_id_for(login: str) -> int:
    rows = _OPERATOR_BY_LOGIN.rows(login=login)
    if not rows:
        raise UnknownOperator(f"operator {login!r} is not known here")
    return rows[0][0]


def login_for_extension(extension: str) -> str:
    """The operator whose phone is this extension (or PBX interface)."""
    operator = Operator.select(Operator.login).where(Operator.extension == extension.strip()).first()
    if operator is None:
        raise UnknownOperator(f"no operator has extension {extension!r}: set it with `calldesk operator add`")
    return operator.login


def ring_pbx_call(desk: Desk, external_id: str, number: str, queue: str, caller_name: str = "") -> int | None:
    """A caller joined a PBX queue: ring it in the desk, once. None when the desk already shows them waiting."""
    return ring_pbx_calls(desk, [PbxWaitingCall(external_id, number, queue, caller_name)])[0]


def ring_pbx_calls(desk: Desk, callers: Sequence[PbxWaitingCall]) -> list[int | None]:
    """Callers who joined PBX queues, in the order they did: each rung in the desk once (None for one the desk
    already shows waiting), with one lookup and one insert for them all, as a burst from the PBX needs.

    A PBX keeps a caller's id when a transfer puts them in another queue: the finished call then lets go of it.
    An id the desk cannot keep (``check_pbx_id``) is refused (DeskError), on SQLite as on PostgreSQL.
    """
    for caller in callers:
        check_pbx_id(caller.external_id)
    try:
        return _ring_unknown_callers(desk, callers)
    except IntegrityError:  # a report of the same caller (a retried hook, the hook and AMI) stored it meanwhile
        return _ring_unknown_callers(desk, callers)  # read again: it is known now, and rings no second call


def _ring_unknown_callers(desk: Desk, callers: Sequence[PbxWaitingCall]) -> list[int | None]:
    with database.atomic():
        wanted = sorted({c.external_id for c in callers})
        earlier = {external_id: (call_id, status) for external_id, call_id, status
                   in _CALLS_BY_PBX_IDS.rows_in_batches("external_ids", wanted)}
        fresh: dict[str, PbxWaitingCall] = {}
        for caller in callers:
            known = earlier.get(caller.external_id)
            if caller.external_id in fresh or (known is not None and known[1] == CallStatus.RINGING):
                continue  # told twice: the caller waits already
            if known is not None:
                _let_go_of_pbx_id(known[0], caller.external_id)
            fresh[caller.external_id] = caller
        ids = ring_calls(desk, [IncomingCall(c.number, c.queue, c.caller_name, c.external_id)
                                for c in fresh.values()])
    rung = dict(zip(fresh, ids, strict=True))
    return [rung.pop(c.external_id, None) for c in callers]


def _let_go_of_pbx_id(call_id: int, external_id: str) -> None:
    """A finished call gives its PBX id up to the caller's next call: it keeps it marked with its own id."""
    mark = f"#{call_id}"
    Call.update(external_id=external_id[:PBX_ID_LENGTH - len(mark)] + mark).where(Call.id == call_id).execute()


def offer_call(desk: Desk, call_id: int, login: str) -> None:
    """The PBX is ringing this operator's phone for the call ("" when it stopped ringing there)."""
    with database.atomic():
        rows = _CALL_AS_STORED.rows(call_id=call_id)
        if not rows:
            raise NotFound(f"call {call_id} does not exist")
        status, _, _, offered_to, wrapped_at = rows[0]
        if call_move(CallEvent.OFFER, call_state(status, offered_to, wrapped_at), call_id) is None:
            return  # answered or gone already: the ringing is over
        if offered_to and offered_to != login:
            stop_ringing(desk, offered_to)
        _OFFER.execute(call_id=call_id, login=login)
        if login:
            roster.move(desk, operator_id_for(login), OperatorEvent.RING)


def answer_call_as(desk: Desk, call_id: int, login: str | None) -> None:
    """The PBX connected the caller to an operator (None: to a phone no operator is mapped to). The same rules as
    F2 (desk/calls/states.py): an operator on another call, paused or disabled is refused; an answer told twice is
    one answer."""
    operator_id = operator_id_for(login) if login else None
    now = desk.clock.now()
    with database.atomic():
        rows = _CALL_TO_ANSWER.rows(call_id=call_id)
        if not rows:
            raise NotFound(f"call {call_id} does not exist")
        status, arrived_at, offered_to, wrapped_at = rows[0]
        if call_move(CallEvent.ANSWER, call_state(status, offered_to, wrapped_at), call_id) is None:
            return  # told twice: the first report stands
        if offered_to and offered_to != login:
            stop_ringing(desk, offered_to)
        if operator_id is not None:
            move_to_answer(desk, operator_id)
        waited = now - Call.arrived_at.python_value(arrived_at)
        rings = rings_heard(waited.total_seconds(), desk.config.ring_cycle_seconds)
        _ANSWER.execute(call_id=call_id, operator_id=operator_id, now=Call.answered_at.db_value(now), rings=rings)


def hang_up_call(desk: Desk, call_id: int, talk_seconds: float | None = None, transferred: bool = False) -> str:
    """The line went down: a waiting caller abandoned, a live call ended (its operator goes to wrap-up); a call
    that has moved on already stays as it is.

    ``talk_seconds`` is the PBX's own count, which places the end exactly. Returns the call's status after.
    """
    rows = _CALL_AS_STORED.rows(call_id=call_id)
    if not rows:
        raise NotFound(f"call {call_id} does not exist")
    status, answered_at, operator_id, offered_to, wrapped_at = rows[0]
    state = call_state(status, offered_to, wrapped_at)
    if state in (CallState.RINGING, CallState.OFFERED):
        abandon_call(desk, call_id)
        return CallStatus.ABANDONED
    if call_move(CallEvent.HANG_UP, state, call_id) is None:
        return status
    ended_at = desk.clock.now()
    if talk_seconds is not None and answered_at is not None:
        ended_at = min(ended_at, Call.answered_at.python_value(answered_at) + timedelta(seconds=talk_seconds))
    status = CallStatus.TRANSFERRED if transferred else CallStatus.COMPLETED
    with database.atomic():
        updated = _HANG_UP.execute(call_id=call_id, status=status, ended_at=Call.ended_at.db_value(ended_at))
        if updated and operator_id is not None:
            roster.move(desk, operator_id, OperatorEvent.CALL_ENDED)
    return status


def transfer_pbx_call(desk: Desk, call_id: int, target: str, note: str = "") -> int:
    """The PBX moved a live call to a department or operator; a new ringing call waits there. Returns its id."""
    call = Call.get_or_none(Call.id == call_id)
    if call is None:
        raise NotFound(f"call {call_id} does not exist")
    if call.operator_id is None:
        raise DeskError(f"call {call_id} has no operator yet: report it answered first")
    with database.atomic():
        onward = transfer_call(desk, call_id, call.operator_id, target, note)
        if call.external_id:  # the PBX goes on naming the caller by the same id: later reports are the onward call's
            _let_go_of_pbx_id(call_id, call.external_id)
            Call.update(external_id=call.external_id).where(Call.id == onward).execute()
    return onward


def resync_queue(desk: Desk, waiting: list[PbxWaitingCall], pending: Collection[str] = ()) -> QueueResync:
    """Make the desk's waiting PBX calls equal the PBX's list, after the link was away.

    A call the PBX no longer holds left the queue unseen: it is marked abandoned, so a call-back is offered rather
    than a caller lost. Calls named in ``pending`` (reports already received, not yet applied) are left to those.
    """
    now = desk.clock.now()
    present = {w.external_id for w in waiting}
    added, dropped = [], []
    for entry in waiting:
        if not is_pbx_id(entry.external_id):
            continue  # a call the desk cannot keep (see ring_pbx_calls)
        call_id = ring_pbx_call(desk, entry.external_id, entry.number, entry.queue, entry.caller_name)
        if call_id is not None:
            arrived = now - timedelta(seconds=max(entry.waited_seconds, 0))
            Call.update(arrived_at=arrived).where(Call.id == call_id).execute()
            added.append(call_id)
    stale = Call.select(Call.id, Call.external_id).where(
        (Call.status == CallStatus.RINGING) & Call.external_id.is_null(False)
    )
    for row in list(stale):
        if row.external_id not in present and row.external_id not in pending:
            abandon_call(desk, row.id)
            dropped.append(row.id)
    return QueueResync(tuple(added), tuple(dropped))


def end_calls_of_idle_operators(desk: Desk, logins: set[str]) -> list[int]:
    """The PBX says these operators are on no call: a PBX call still live for them ended while the link was away."""
    if not logins:
        return []
    rows = (
        Call.select(Call.id)
        .join(Operator, on=(Call.operator == Operator.id))
        .where((Call.status == CallStatus.ANSWERED) & Call.external_id.is_null(False)
               & Operator.login.in_(list(logins)))
    )
    ended = [row.id for row in rows]
    for call_id in ended:
        hang_up_call(desk, call_id)
    return ended
