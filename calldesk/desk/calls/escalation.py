"""Escalation: the operator flags the live call for a team lead with a one-line reason; a lead acknowledges it.

The handbook lets staff decide, but also asks them to know when to turn to a supervisor. Every escalation stays on
record with its call; leads' consoles poll `open_escalations` to show the waiting ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.desk import audit
from calldesk.desk.calls.states import CallStatus
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotAllowed, NotFound
from calldesk.desk.operators.notices import NoticeKind, post_notice
from calldesk.desk.operators.permissions import Action, require
from calldesk.i18n import N_, _
from calldesk.phones import format_phone
from calldesk.store.models import Call, Client, Escalation, Operator, database

MAX_REASON = 200


@dataclass(frozen=True, slots=True)
class EscalationView:
    """An operator's flag on a call for a team lead, as the leads' consoles show it."""

    id: int
    call_id: int
    reason: str
    raised_at: datetime
    operator: str  # the name of who raised it
    operator_login: str
    client_id: int | None
    client_name: str  # "" for an unknown caller
    number: str  # the caller's number, formatted for the desk's region
    call_live: bool  # the caller is still on the line
    acknowledged_by: str  # the lead's name; "" while it waits
    acknowledged_at: datetime | None


def _one_line(reason: str) -> str:
    return " ".join(reason.split())


def escalate_call(desk: Desk, operator_id: int, call_id: int, reason: str) -> int:
    """Flag the operator's live call for the team leads; returns the escalation's id."""
    reason = _one_line(reason)
    if not reason:
        raise DeskError(_("say in a line why a team lead is needed"))
    if len(reason) > MAX_REASON:
        raise DeskError(_("keep the reason to one line ({count} characters at most)").format(count=MAX_REASON))
    with database.atomic():
        operator = Operator.get_or_none(Operator.id == operator_id)
        call = Call.get_or_none(Call.id == call_id)
        if operator is None or call is None:
            raise NotFound(_("call {call} does not exist").format(call=call_id) if call is None
                           else _("operator {operator} does not exist").format(operator=operator_id))
        if call.operator_id != operator_id or call.status != CallStatus.ANSWERED:
            raise NotAllowed(_("call {call} is not your live call").format(call=call_id))
        waiting = Escalation.get_or_none((Escalation.call == call_id) & Escalation.acknowledged_at.is_null())
        if waiting is not None:
            raise DeskError(_("this call is already flagged: a team lead has not acknowledged it yet"))
        escalation = Escalation.create(call=call_id, client=call.client_id, raised_by=operator_id, reason=reason,
                                       raised_at=desk.clock.now())
        audit.record(desk, operator.login, "call", call_id, "escalate", after={"reason": reason})
    return escalation.id


def acknowledge_escalation(desk: Desk, lead_id: int, escalation_id: int) -> None:
    """A team lead takes the escalation on; a second lead is told who already did."""
    with database.atomic():
        lead = Operator.get_or_none(Operator.id == lead_id)
        require(lead, Action.ACKNOWLEDGE_ESCALATION)
        now = desk.clock.now()
        taken = (
            Escalation.update(acknowledged_by=lead_id, acknowledged_at=now)
            .where((Escalation.id == escalation_id) & Escalation.acknowledged_at.is_null())
            .execute()
        )
        if not taken:
            row = Escalation.get_or_none(Escalation.id == escalation_id)
            if row is None:
                raise NotFound(_("escalation {escalation} does not exist").format(escalation=escalation_id))
            by = Operator.get_or_none(Operator.id == row.acknowledged_by_id)
            raise DeskError(_("already acknowledged by {lead}").format(lead=by.name if by else _("another lead")))
        row = Escalation.get_by_id(escalation_id)
        if row.raised_by_id is not None:
            post_notice(desk, row.raised_by_id, NoticeKind.ESCALATION_ACKNOWLEDGED,
                        N_("{lead} is joining your call {call} ({reason})"), by=lead.login,
                        lead=lead.name, call=row.call_id, reason=row.reason)
        audit.record(desk, lead.login, "call", row.call_id, "acknowledge_escalation",
                     after={"escalation": escalation_id})


def _views(desk: Desk, query) -> list[EscalationView]:
    names = {o.id: (o.name, o.login) for o in Operator.select(Operator.id, Operator.name, Operator.login)}
    return [
        EscalationView(
            id=row.id, call_id=row.call_id, reason=row.reason, raised_at=row.raised_at,
            operator=names.get(row.raised_by_id, ("", ""))[0], operator_login=names.get(row.raised_by_id, ("", ""))[1],
            client_id=row.client_id, client_name=row.client.name if row.client_id and row.client else "",
            number=format_phone(row.call.number_e164, row.call.number_raw, desk.region),
            call_live=row.call.status == CallStatus.ANSWERED,
            acknowledged_by=names.get(row.acknowledged_by_id, ("", ""))[0], acknowledged_at=row.acknowledged_at,
        )
        for row in query
    ]


def open_escalations(desk: Desk) -> list[EscalationView]:
    """Escalations no lead has acknowledged yet, oldest first: what every lead's console shows."""
    query = (
        Escalation.select(Escalation, Call, Client)
        .join(Call, on=(Escalation.call == Call.id))
        .switch(Escalation)
        .join(Client, JOIN.LEFT_OUTER, on=(Escalation.client == Client.id))
        .where(Escalation.acknowledged_at.is_null())
        .order_by(Escalation.raised_at, Escalation.id)
    )
    return _views(desk, query)


def escalations_of_call(desk: Desk, call_id: int) -> list[EscalationView]:
    """A call's escalations, acknowledged or not, in the order they were raised."""
    query = (
        Escalation.select(Escalation, Call, Client)
        .join(Call, on=(Escalation.call == Call.id))
        .switch(Escalation)
        .join(Client, JOIN.LEFT_OUTER, on=(Escalation.client == Client.id))
        .where(Escalation.call == call_id)
        .order_by(Escalation.raised_at, Escalation.id)
    )
    return _views(desk, query)
