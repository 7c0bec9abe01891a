"""A call once answered: the live call of an operator, transfer, end, wrap-up and the script steps done."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from calldesk.desk import audit
from calldesk.desk.calls.states import CallEvent, CallState, CallStatus, OperatorEvent, call_move, call_state
from calldesk.desk.calls.wrap_up_limit import left_unfinished, wrap_up_ends_at, wrap_up_is_over
from calldesk.desk.clients.notes import add_note, discard_draft
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotAllowed, NotFound
from calldesk.desk.operators import roster
from calldesk.desk.operators.notices import NoticeKind, post_notice
from calldesk.i18n import N_, _
from calldesk.phones import format_phone
from calldesk.store.models import Call, Note, Operator, database
from calldesk.store.prepared import Prepared

TRANSFER_NOTE = "Transferred to"  # how the note a transfer leaves on the dossier begins


class LiveCall(NamedTuple):
    """A call once answered, as its operator's console holds it while talking and in wrap-up."""

    id: int
    number: str
    client_id: int | None
    caller_name: str
    queue: str
    status: str  # answered while talking; completed or transferred while in wrap-up
    arrived_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    rings: int | None
    script_steps: frozenset[str]
    transferred_from: int | None = None  # the earlier leg, for a call transferred here

    @property
    def in_wrap_up(self) -> bool:
        return self.status != CallStatus.ANSWERED


# What a LiveCall is made of; read on every screen pop, so the statement is built once (store.prepared) and its row
# used as the driver gives it
_LIVE_COLUMNS = (Call.id, Call.number_e164, Call.number_raw, Call.client, Call.caller_name, Call.queue, Call.status,
                 Call.arrived_at, Call.answered_at, Call.ended_at, Call.rings, Call.script_steps, Call.transferred_from)
_LIVE_CALL = Prepared(lambda call_id: Call.select(*_LIVE_COLUMNS).where(Call.id == call_id))


def _live_of_row(desk: Desk, row: tuple) -> LiveCall:
    call_id, e164, raw, client_id, caller_name, queue, status, arrived, answered, ended, rings, steps, earlier = row
    moment = Call.arrived_at.python_value
    return LiveCall(
        id=call_id, number=format_phone(e164, raw, desk.region), client_id=client_id, caller_name=caller_name,
        queue=queue, status=status, arrived_at=moment(arrived), answered_at=moment(answered),
        ended_at=moment(ended), rings=rings, script_steps=frozenset(s for s in steps.split(",") if s),
        transferred_from=earlier,
    )


def get_call(desk: Desk, call_id: int) -> LiveCall:
    rows = _LIVE_CALL.rows(call_id=call_id)
    if not rows:
        raise NotFound(_("call {call} does not exist").format(call=call_id))
    return _live_of_row(desk, rows[0])


_LIVE_CALL_OF = Prepared(lambda operator_id: Call.select(*_LIVE_COLUMNS).where(
    (Call.operator == operator_id) & Call.wrapped_at.is_null()
    & Call.status.in_((CallStatus.ANSWERED, CallStatus.COMPLETED, CallStatus.TRANSFERRED))
).order_by(Call.answered_at.desc()).limit(1))


def live_call_of(desk: Desk, operator_id: int) -> LiveCall | None:
    """The call an operator is on or wrapping up: what a restarted console puts back on screen. A wrap-up whose
    time has run out is not (desk/calls/wrap_up_limit.py): it waits in My recent calls."""
    rows = _LIVE_CALL_OF.rows(operator_id=operator_id)
    live = _live_of_row(desk, rows[0]) if rows else None
    if live is not None and live.in_wrap_up and wrap_up_is_over(desk, live.queue, live.ended_at):
        return None
    return live


def own_call(call_id: int, operator_id: int) -> Call:
    """The operator's own call: refused in one line if there is no such call, or it is someone else's."""
    call = Call.get_or_none(Call.id == call_id)
    if call is None:
        raise NotFound(_("call {call} does not exist").format(call=call_id))
    if call.operator_id != operator_id:
        raise NotAllowed(_("call {call} is not yours").format(call=call_id))
    return call


def attach_client(desk: Desk, call_id: int, client_id: int) -> None:
    """Link a call to the client just created or found for it."""
    Call.update(client=client_id).where(Call.id == call_id).execute()


def record_script_steps(call_id: int, steps: frozenset[str] | set[str]) -> None:
    Call.update(script_steps=",".join(sorted(steps))).where(Call.id == call_id).execute()


def state_of(call: Call) -> CallState:
    """Where a stored call stands in the state machine (desk/calls/states.py)."""
    return call_state(call.status, call.offered_to, call.wrapped_at, call.consult_with)


def end_call(desk: Desk, call_id: int, operator_id: int) -> None:
    """Hang up; the operator goes to wrap-up. A call already ended has moved on: nothing changes."""
    with database.atomic():
        call = own_call(call_id, operator_id)
        if call_move(CallEvent.HANG_UP, state_of(call), call_id) is None:
            return
        Call.update(status=CallStatus.COMPLETED, ended_at=desk.clock.now()).where(Call.id == call_id).execute()
        roster.move(desk, operator_id, OperatorEvent.CALL_ENDED)


def transfer_call(desk: Desk, call_id: int, operator_id: int, target: str, note: str = "") -> int:
    """Hand the caller to a department or an operator; a new ringing call waits for them. Returns its id."""
    department = desk.config.department(target)
    target_operator = None if department else Operator.get_or_none(Operator.login == target)
    if department is None and target_operator is None:
        raise DeskError(_("no department or operator called {target}").format(target=repr(target)))
    with database.atomic():
        call = own_call(call_id, operator_id)
        call_move(CallEvent.TRANSFER, state_of(call), call_id)
        onward = hand_over(desk, call, Operator.get_by_id(operator_id), target, note)
        roster.move(desk, operator_id, OperatorEvent.CALL_ENDED)
    return onward


def hand_over(desk: Desk, call: Call, actor: Operator, target: str, note: str, consulted: bool = False) -> int:
    """What a transfer leaves, inside its transaction: the call marked transferred, a new call where it went (ringing
    for the department or the operator; ``consulted``: already live with the colleague, who has just talked to the
    operator), the note on the dossier, the audit, and the colleague told. Returns the new call's id."""
    department = desk.config.department(target)
    target_operator = None if department else Operator.get(Operator.login == target)
    now = desk.clock.now()
    queue = department.queues[0] if department else call.queue
    Call.update(status=CallStatus.TRANSFERRED, ended_at=now, transferred_to=target, consult_with="",
                consult_note="").where(
        Call.id == call.id).execute()
    live = {"status": CallStatus.ANSWERED, "operator": target_operator, "answered_at": now, "rings": 0} if consulted \
        else {"status": CallStatus.RINGING, "offered_to": target_operator.login if target_operator else ""}
    onward = Call.create(number_raw=call.number_raw, number_e164=call.number_e164, caller_name=call.caller_name,
                         client=call.client_id, queue=queue, arrived_at=now, transferred_from=call.id, **live)
    body = f"{TRANSFER_NOTE} {department.name if department else target_operator.name}"
    add_note(desk, actor.id, call.client_id, call.id, f"{body}: {note}" if note.strip() else body)
    audit.record(desk, actor.login, "call", call.id, "transfer", after={"to": target, "new_call": onward.id})
    if target_operator is not None and not consulted:  # a consulted colleague's console pops the call itself
        caller = call.client.name if call.client_id else format_phone(call.number_e164, call.number_raw, desk.region)
        said = note.strip()
        post_notice(desk, target_operator.id, NoticeKind.CALL_TRANSFERRED,
                    N_("{caller} is waiting for you (call {call}): {note}") if said
                    else N_("{caller} is waiting for you (call {call})"),
                    by=actor.login, caller=caller, call=onward.id, note=said)
    return onward.id


def transfer_note(call: LiveCall) -> str:
    """What the colleague who transferred this call here said with it ("Transferred by Asha: ..."), "" if none."""
    if call.transferred_from is None:
        return ""  # most calls: no query
    note = (Note.select(Note.body, Operator.name).join(Operator, on=(Note.author == Operator.id))
            .where((Note.call == call.transferred_from) & Note.body.startswith(TRANSFER_NOTE))
            .order_by(Note.id.desc()).tuples().first())
    if note is None:
        return ""
    body, author = note
    said = body.partition(": ")[2]
    return (_("Transferred by {author}: {said}") if said else _("Transferred by {author}")).format(
        author=author, said=said)


def wrap_up(desk: Desk, call_id: int, operator_id: int, disposition: str, note: str = "") -> None:
    """Close the call's paperwork: a disposition from the config and the call's notes; the operator is free.
    A call wrapped up already keeps its first wrap-up, and the note is still kept. One whose wrap-up time ran out
    (desk/calls/wrap_up_limit.py) is finished now, from My recent calls: it takes the disposition, audited, and its
    wrap-up time stays what the limit allowed."""
    if disposition not in desk.config.dispositions:
        raise DeskError(_("disposition {disposition} is not in the config").format(disposition=repr(disposition)))
    with database.atomic():
        call = own_call(call_id, operator_id)
        if call_move(CallEvent.WRAP_UP, state_of(call), call_id) is not None:
            now = desk.clock.now()
            ends = wrap_up_ends_at(desk, call.queue, call.ended_at)
            late = ends is not None and ends < now  # its time ran out before anyone closed it
            changes = {"disposition": disposition, "wrapped_at": ends if late else now}
            if call.status == CallStatus.ANSWERED:
                changes.update(status=CallStatus.COMPLETED, ended_at=now)
            Call.update(**changes).where(Call.id == call_id).execute()
            if late:  # they may be on another call by now: only a wrap-up still running frees them, as of its end
                roster.move(desk, operator_id, OperatorEvent.WRAP_UP_TIME_OVER, at=ends)
                _audit_late_wrap_up(desk, call, disposition)
            else:
                roster.move(desk, operator_id, OperatorEvent.WRAP_UP)
        elif left_unfinished(call.disposition, call.ended_at, call.wrapped_at):
            Call.update(disposition=disposition).where((Call.id == call_id) & (Call.disposition == "")).execute()
            _audit_late_wrap_up(desk, call, disposition)
        add_note(desk, operator_id, call.client_id, call_id, note)
        discard_draft(operator_id, call_id)  # the call is closed: a draft left empty or unsaved has no home now


def _audit_late_wrap_up(desk: Desk, call: Call, disposition: str) -> None:
    """A wrap-up finished after its time ran out is kept in the audit, with who finished it."""
    audit.record(desk, call.operator.login, "call", call.id, "finish_wrap_up", before={"disposition": ""},
                 after={"disposition": disposition})
