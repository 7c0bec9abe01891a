"""Consult first (attended transfer): the operator calls a colleague while the caller holds, talks to them, then
completes (the caller goes on to the colleague, live, with the dossier and the operator's note, as a transfer) or
returns (the consult is cancelled and the caller stays with the operator).

Who may consult whom: the call's own operator, on the live call, a colleague who is enabled, available and has a
phone (an extension). The call is "consulting" while ``Call.consult_with`` names the colleague (the state machine,
desk/calls/states.py). Every consult and its outcome is audited.

The PBX's part (Asterisk's Atxfer, or the consult hook) is the call source's (telephony/consult.py): a console asks
here first (``consult_to_start``, ``consult_going_on``), then the PBX, then records the step, so a PBX that refuses
leaves no trace here.
"""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.desk import audit
from calldesk.desk.calls.handling import hand_over, own_call, state_of
from calldesk.desk.calls.states import (
    CallEvent,
    CallStatus,
    OperatorEvent,
    OperatorState,
    call_move,
    operator_move,
)
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.operators import roster
from calldesk.i18n import _
from calldesk.store.models import Call, Operator, database


@dataclass(frozen=True, slots=True)
class Consult:
    """A consult about to start or going on: the call, its operator and the colleague, with what the PBX needs."""

    call_id: int
    pbx_id: str  # the PBX's id of the call ("" for a call the PBX did not report)
    operator_login: str
    operator_extension: str
    colleague_login: str
    colleague_name: str
    colleague_extension: str


def _consult(call: Call, colleague: Operator) -> Consult:
    return Consult(call.id, (call.external_id or "").partition("#")[0], call.operator.login, call.operator.extension,
                   colleague.login, colleague.name, colleague.extension)


def _may_take_the_caller(colleague: Operator) -> None:
    """The colleague can be handed the caller now: the same rule as answering (desk/calls/states.py)."""
    if colleague.state != OperatorState.AVAILABLE:
        operator_move(OperatorEvent.ANSWER, colleague.state, colleague.name)  # on a call, paused...: the reason why
        raise DeskError(_("{name} is not available").format(name=colleague.name))  # ringing for a caller, signed out


def consult_to_start(desk: Desk, call_id: int, operator_id: int, colleague_login: str) -> Consult:
    """The consult the operator may start on their live call; refused in one line otherwise. Changes nothing."""
    call = own_call(call_id, operator_id)
    call_move(CallEvent.CONSULT, state_of(call), call_id)
    colleague = Operator.get_or_none(Operator.login == colleague_login)
    if colleague is None:
        raise DeskError(_("no operator called {target}").format(target=repr(colleague_login)))
    if colleague.id == operator_id:
        raise DeskError(_("you cannot consult yourself"))
    if not colleague.extension:
        raise DeskError(_("{name} has no phone extension to call").format(name=colleague.name))
    _may_take_the_caller(colleague)
    return _consult(call, colleague)


def start_consult(desk: Desk, consult: Consult, note: str = "") -> None:
    """The PBX is calling the colleague: the call is consulting, audited; ``note``, typed for the colleague, is kept
    with the call until the caller is handed over."""
    with database.atomic():
        call = Call.get_by_id(consult.call_id)
        call_move(CallEvent.CONSULT, state_of(call), call.id)
        Call.update(consult_with=consult.colleague_login, consult_note=note).where(Call.id == call.id).execute()
        audit.record(desk, consult.operator_login, "call", call.id, "consult",
                     after={"with": consult.colleague_login})


def consult_going_on(desk: Desk, call_id: int, operator_id: int) -> Consult | None:
    """The consult on the operator's call, None if there is none."""
    call = own_call(call_id, operator_id)
    colleague = Operator.get_or_none(Operator.login == call.consult_with) if call.consult_with else None
    return _consult(call, colleague) if colleague is not None else None


def _going_on(call_id: int, operator_id: int) -> tuple[Call, Operator]:
    call = own_call(call_id, operator_id)
    colleague = Operator.get_or_none(Operator.login == call.consult_with) if call.consult_with else None
    if colleague is None:
        raise DeskError(_("call {call}: you are not consulting anyone").format(call=call_id))
    return call, colleague


def consult_to_complete(desk: Desk, call_id: int, operator_id: int) -> Consult:
    """The consult the operator may complete now (the colleague can take the caller); refused otherwise."""
    call, colleague = _going_on(call_id, operator_id)
    call_move(CallEvent.CONSULT_COMPLETE, state_of(call), call_id)
    _may_take_the_caller(colleague)
    return _consult(call, colleague)


def complete_consult(desk: Desk, call_id: int, operator_id: int) -> int:
    """The caller went on to the colleague: the call is transferred to them (the consult's note on the dossier),
    their new call live with them, so their console pops the dossier; the operator goes to wrap-up. Returns the new
    call."""
    with database.atomic():
        call, colleague = _going_on(call_id, operator_id)
        # the PBX may report the hand-over first (AgentComplete, reason transfer: transferred, to nobody named)
        if not (call.status == CallStatus.TRANSFERRED and call.wrapped_at is None and not call.transferred_to):
            call_move(CallEvent.CONSULT_COMPLETE, state_of(call), call_id)
        roster.move(desk, colleague.id, OperatorEvent.ANSWER)
        onward = hand_over(desk, call, call.operator, colleague.login, call.consult_note, consulted=True)
        audit.record(desk, call.operator.login, "call", call_id, "consult_complete",
                     after={"with": colleague.login, "new_call": onward})
        roster.move(desk, operator_id, OperatorEvent.CALL_ENDED)
    return onward


def return_from_consult(desk: Desk, call_id: int, operator_id: int) -> None:
    """The consult is cancelled: the operator is back with the caller (or, if the caller hung up meanwhile, with the
    wrap-up), audited."""
    with database.atomic():
        call, colleague = _going_on(call_id, operator_id)
        call_move(CallEvent.CONSULT_RETURN, state_of(call), call_id)
        Call.update(consult_with="", consult_note="").where(Call.id == call_id).execute()
        audit.record(desk, call.operator.login, "call", call_id, "consult_return", before={"with": colleague.login})
