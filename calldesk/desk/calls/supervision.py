"""A team lead listens to a live call, whispers to the operator, or joins it (barge), as supervisors do on every
desk with a PBX (Asterisk's ChanSpy). Only a lead may; the operator must be on a call; every use is audited, and
the operator is told when the lead will be heard (whisper, barge), not when they only listen.

The PBX's part (ringing the lead's phone into the call) is the call source's (telephony/ami.py): a console asks
``supervised_call`` first, then the PBX, then ``record_supervision``, so a PBX that refuses leaves no trace here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from calldesk.desk import audit
from calldesk.desk.calls.states import CallStatus, OperatorState
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.desk.operators.notices import NoticeKind, post_notice
from calldesk.desk.operators.permissions import Action, require
from calldesk.i18n import N_, _
from calldesk.store.models import Call, Operator, database


class Supervision(StrEnum):
    LISTEN = "listen"  # the lead hears the call; nobody hears the lead
    WHISPER = "whisper"  # the operator hears the lead too; the caller does not
    BARGE = "barge"  # the lead joins the call: all three talk


# What the operator reads when the lead will be heard; listening alone is not announced.
_TOLD: dict[Supervision, str] = {
    Supervision.WHISPER: N_("{lead} is whispering on your call {call}: only you hear them"),
    Supervision.BARGE: N_("{lead} has joined your call {call}: the caller hears them too"),
}


@dataclass(frozen=True, slots=True)
class SupervisedCall:
    """The call a lead is about to supervise, and whose it is."""

    call_id: int
    operator_id: int
    operator_login: str
    operator_name: str


def supervised_call(desk: Desk, lead_id: int, operator_id: int, mode: Supervision) -> SupervisedCall:
    """The live call of ``operator_id`` that the lead may supervise in ``mode``; refused in one line otherwise."""
    lead = Operator.get_or_none(Operator.id == lead_id)
    require(lead, Action.SUPERVISE_CALL)
    operator = Operator.get_or_none(Operator.id == operator_id)
    if operator is None:
        raise NotFound(_("operator {operator} does not exist").format(operator=operator_id))
    if operator.id == lead.id:
        raise DeskError(_("that is your own call"))
    call = (Call.select(Call.id).where((Call.operator == operator.id) & (Call.status == CallStatus.ANSWERED)
                                      & Call.ended_at.is_null())
            .order_by(Call.answered_at.desc()).first())
    if operator.state != OperatorState.ON_CALL or call is None:
        raise DeskError(_("{name} is not on a call").format(name=operator.name))
    return SupervisedCall(call.id, operator.id, operator.login, operator.name)


def record_supervision(desk: Desk, lead_id: int, call: SupervisedCall, mode: Supervision) -> None:
    """Keep the lead's use of the call in the audit; tell the operator when the lead will be heard."""
    lead = Operator.get_by_id(lead_id)
    with database.atomic():
        audit.record(desk, lead.login, "call", call.call_id, mode.value, after={"operator": call.operator_login})
        if mode in _TOLD:
            post_notice(desk, call.operator_id, NoticeKind.CALL_SUPERVISED, _TOLD[mode], by=lead.login,
                        lead=lead.name, call=call.call_id)
