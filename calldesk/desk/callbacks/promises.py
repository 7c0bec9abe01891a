"""Call-backs: the promise made instead of leaving a caller on hold. Who calls, when (inside the client's call-back
window), and by which deadline (``inquiry_sla_hours`` from the call's arrival).

Every change checks the version the person saw: a stale edit raises ``StaleCallBack`` naming who changed it, and
nothing is overwritten silently. Every change is audited with its from and to. A call-back never disappears: it is
open, done or cancelled.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from peewee import fn

from calldesk.desk import audit
from calldesk.desk.callbacks.lateness import overdue_condition
from calldesk.desk.callbacks.lines import STATUS_NAMES, CallbackLine, line_of
from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.callbacks.times import describe_moment, inside_window, next_inside_window, seen_in
from calldesk.desk.calls.handling import end_call
from calldesk.desk.calls.states import CallStatus, OperatorEvent, OperatorState
from calldesk.desk.clients.notes import add_note
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotAllowed, NotFound
from calldesk.desk.operators import roster
from calldesk.desk.operators.notices import NoticeKind, post_notice
from calldesk.desk.operators.permissions import Action, lead_role_condition, require
from calldesk.i18n import N_, WEEKDAY_TIME, _, format_moment, translate_to
from calldesk.phones import client_local_time, digits_of, format_phone, parse_phone
from calldesk.store.models import Call, CallBack, Client, Operator, Phone, database
from calldesk.time_zones import current_name, region_zones, time_zones_for, zone_named

if TYPE_CHECKING:
    from calldesk.desk.calls.call_view import CallView

UNKNOWN_ZONE = N_("(zone unknown: the desk's clock)")  # shown through _()
OUTCOMES = ("reached", "no_answer", "wrong_number", "rescheduled")
PAST_SLACK = timedelta(minutes=1)  # a due time this little in the past is "now", not a mistake
SYSTEM = "system"


class ZoneChoiceNeeded(DeskError):
    """The number is spread over several time zones: the caller must say which is theirs."""

    def __init__(self, zones: tuple[str, ...]) -> None:
        super().__init__(_("the number may be in any of {count} time zones: ask the caller which ({zones})").format(
            count=len(zones), zones=", ".join(zones)))
        self.zones = zones


class DueOutsideWindow(DeskError):
    pass


class PastInquiryDeadline(DeskError):
    """Due after the inquiry deadline: allowed only with an explicit confirmation."""

    def __init__(self, due_at: datetime, deadline: datetime, message: str) -> None:
        super().__init__(message)
        self.due_at = due_at
        self.deadline = deadline


class StaleCallBack(DeskError):
    """Someone changed the call-back after this person looked at it; ``current`` is its state now."""

    def __init__(self, current: CallbackLine, changed_by: str) -> None:
        super().__init__(
            _("call-back {callback} was just changed by {who} (now: {owner}, {status}); your change was not saved")
            .format(callback=current.id, who=changed_by, owner=current.owner, status=_(STATUS_NAMES[current.status])))
        self.current = current
        self.changed_by = changed_by


@dataclass(frozen=True)
class OwnerChoice:
    """Someone a call-back can be given to, as the F5 dialog offers them: me, another operator or a pool."""

    key: str  # an operator's login or a department id
    label: str
    kind: str  # me | operator | pool


@dataclass(frozen=True)
class OfferContext:
    """What the F5 dialog needs to offer a call-back without asking the database again."""

    call_id: int | None
    client_id: int | None
    caller: str  # the client's name, or the number
    number: str
    client_zones: tuple[str, ...]  # several: the caller must pick one; empty: the desk's zone is assumed
    deadline: datetime  # the inquiry deadline: later due times need a confirmation
    owners: tuple[OwnerChoice, ...]  # me first, then the other operators, then the departments' pools

    @property
    def needs_zone_choice(self) -> bool:
        return len(self.client_zones) > 1


@dataclass(frozen=True)
class DuePreview:
    """How a proposed call-back time reads on both clocks, and whether it may be offered (for the F5 dialog)."""

    due_at: datetime
    operator_time: str  # on the operator's clock
    client_time: str  # on the client's clock, with the zone
    problem: str  # why it cannot be offered (outside the client's window); "" when it can
    past_deadline: bool  # later than the inquiry deadline: needs a confirmation


@dataclass(frozen=True)
class CallbackRequest:
    """A call-back as the operator offers it (the F5 dialog's result)."""

    reason: str
    due_at: datetime
    owner: str = ""  # "" for me, another operator's login, or a department id for its pool
    call_id: int | None = None
    client_id: int | None = None
    number: str = ""  # when there is neither a call nor a client with a phone
    client_zone: str = ""  # required when the number is spread over several zones
    confirm_past_deadline: bool = False


@dataclass(frozen=True)
class CallbackStart:
    """What the desk shows when an operator starts a call-back: the call-back, and the live outbound call as any
    answered call is shown (dossier, draft notes, and the script of the call_back situation, which names the
    reason: calldesk.desk.coach.script picks it for a call we make)."""

    callback: CallbackLine
    view: CallView


@dataclass(frozen=True)
class OutcomeResult:
    """The call-back after a try's outcome was recorded, and the lead it went to if its tries ran out."""

    callback: CallbackLine
    escalated_to: str  # the lead's name when the tries ran out, else ""


# --- time zones, window and deadline ---------------------------------------------------------------------------


def client_zones(desk: Desk, client_id: int | None, number_e164: str | None) -> tuple[str, ...]:
    """Where the client's clock is: their own setting, else their number's zones, else the desk region's one zone."""
    if client_id is not None:
        client = Client.get_or_none(Client.id == client_id)
        if client is not None and client.time_zone:
            return (current_name(client.time_zone),)
    zones = time_zones_for(number_e164) if number_e164 else ()
    if zones:
        return zones
    own = region_zones(desk.region)
    return own if len(own) == 1 else ()


def _pick_zone(desk: Desk, zones: tuple[str, ...], chosen: str) -> tuple[str, tzinfo]:
    """The client's zone by name and as a clock; a client whose zone nothing tells is taken on the desk's clock."""
    if chosen:
        if zones and chosen not in zones:
            raise DeskError(_("{zone} is not one of the number's time zones ({zones})").format(
                zone=chosen, zones=", ".join(zones)))
        zone = zone_named(chosen)
        if zone is None:
            raise DeskError(_("{zone} is not a time zone this machine knows").format(zone=repr(chosen)))
        return chosen, zone
    if len(zones) > 1:
        raise ZoneChoiceNeeded(zones)
    return (zones[0], zone_named(zones[0]) or desk.zone) if zones else ("", desk.zone)


def inquiry_deadline(desk: Desk, call_id: int | None) -> datetime:
    """The handbook's deadline: ``inquiry_sla_hours`` from the call's arrival (from now without a call)."""
    call = Call.get_or_none(Call.id == call_id) if call_id is not None else None
    return desk.inquiry_deadline(call.arrived_at if call is not None else desk.clock.now())


def preview_due(desk: Desk, offer: OfferContext, due_at: datetime, client_zone: str = "",
                operator_zone: tzinfo | None = None) -> DuePreview:
    """How a due time reads for both people and whether it can be offered; pure, for the dialog's every keystroke."""
    now = desk.clock.now()
    operator_time = describe_moment(due_at, operator_zone or desk.zone, now, weekday=True)
    if offer.needs_zone_choice and not client_zone:  # no one clock to check yet: show the spread, ask
        spread = client_local_time(offer.client_zones, due_at)
        return DuePreview(due_at, operator_time, _("{spread}: ask which zone").format(spread=spread), "",
                          due_at > offer.deadline)
    zone_name = client_zone or (offer.client_zones[0] if offer.client_zones else "")
    zone = zone_named(zone_name) or desk.zone
    problem = ""
    if due_at < now - PAST_SLACK:
        problem = _("that time has passed")
    elif not inside_window(due_at, zone, desk.config.callback_window):
        problem = _outside_window(due_at, zone, zone_name, desk)
    return DuePreview(
        due_at=due_at,
        operator_time=operator_time,
        client_time=f"{describe_moment(due_at, zone, now, weekday=True)} {zone_name or _(UNKNOWN_ZONE)}",
        problem=problem,
        past_deadline=due_at > offer.deadline,
    )


def _outside_window(due_at: datetime, zone: tzinfo, zone_name: str, desk: Desk) -> str:
    window = desk.config.callback_window
    return _("{moment} is outside the client's call-back hours ({start}–{end} {zone})").format(
        moment=format_moment(seen_in(due_at, zone), WEEKDAY_TIME), start=f"{window.start:%H:%M}",
        end=f"{window.end:%H:%M}", zone=zone_name or _(UNKNOWN_ZONE))


def _check_due(desk: Desk, due_at: datetime, zone: tzinfo, zone_name: str, deadline: datetime,
               confirmed: bool) -> None:
    now = desk.clock.now()
    if due_at.tzinfo is None:
        raise DeskError(_("a due time needs a time zone"))
    if due_at < now - PAST_SLACK:
        raise DeskError(_("the due time has passed: pick a time ahead"))
    if not inside_window(due_at, zone, desk.config.callback_window):
        raise DueOutsideWindow(_outside_window(due_at, zone, zone_name, desk))
    if due_at > deadline and not confirmed:
        raise PastInquiryDeadline(
            due_at, deadline,
            _("due after the {hours}-hour inquiry deadline ({deadline} client time): confirm to promise it anyway")
            .format(hours=f"{desk.config.inquiry_sla_hours:g}", deadline=describe_moment(deadline, zone, now)),
        )


# --- offering ----------------------------------------------------------------------------------------------------


def offer_context(desk: Desk, operator_id: int, call_id: int | None = None,
                  client_id: int | None = None) -> OfferContext:
    """Everything the F5 dialog shows: the caller, their time zones, the deadline and who may own the call-back."""
    me = _operator(operator_id)
    call = Call.get_or_none(Call.id == call_id) if call_id is not None else None
    if call_id is not None and call is None:
        raise NotFound(_("call {call} does not exist").format(call=call_id))
    client_id = client_id if client_id is not None else (call.client_id if call else None)
    e164, raw = _number_of(call, client_id, "")
    client = Client.get_or_none(Client.id == client_id) if client_id is not None else None
    number = format_phone(e164, raw, desk.region) if raw else ""
    others = Operator.select().where(Operator.enabled & (Operator.id != me.id)).order_by(Operator.name)
    owners = (
        OwnerChoice(me.login, _("me ({name})").format(name=me.name), "me"),
        *(OwnerChoice(o.login, f"{o.name} ({o.department})", "operator") for o in others),
        *(OwnerChoice(d.id, _("{department} pool").format(department=d.name), "pool")
          for d in desk.config.departments),
    )
    return OfferContext(
        call_id=call.id if call else None, client_id=client_id, caller=client.name if client else number,
        number=number, client_zones=client_zones(desk, client_id, e164),
        deadline=inquiry_deadline(desk, call.id if call else None), owners=owners,
    )


def _number_of(call: Call | None, client_id: int | None, typed: str) -> tuple[str | None, str]:
    if call is not None:
        return call.number_e164, call.number_raw
    if client_id is not None:
        phone = Phone.select().where(Phone.client == client_id).order_by(Phone.id).first()
        if phone is not None:
            return phone.e164, phone.raw
    return None, typed


def create_callback(desk: Desk, operator_id: int, request: CallbackRequest) -> int:
    """Promise a call-back; returns its id. The reason is required; the due time must fall inside the client's
    window; past the inquiry deadline it needs ``confirm_past_deadline``."""
    me = _operator(operator_id)
    reason = request.reason.strip()
    if not reason:
        raise DeskError(_("a call-back needs a reason: what will you call back about?"))
    call = Call.get_or_none(Call.id == request.call_id) if request.call_id is not None else None
    if request.call_id is not None and call is None:
        raise NotFound(_("call {call} does not exist").format(call=request.call_id))
    client_id = request.client_id if request.client_id is not None else (call.client_id if call else None)
    if client_id is not None and Client.get_or_none(Client.id == client_id) is None:
        raise NotFound(_("client {client} does not exist").format(client=client_id))
    e164, raw = _number_of(call, client_id, request.number)
    if request.number and call is None:
        parsed = parse_phone(request.number, desk.region)
        e164, raw = parsed.e164, parsed.raw
    if not digits_of(raw):
        raise DeskError(_("a call-back needs a number to call"))
    zone_name, zone = _pick_zone(desk, client_zones(desk, client_id, e164), request.client_zone)
    deadline = inquiry_deadline(desk, call.id if call else None)
    _check_due(desk, request.due_at, zone, zone_name, deadline, request.confirm_past_deadline)
    assignee, pool = _owner(desk, me, request.owner)
    now = desk.clock.now()
    with database.atomic():
        callback = CallBack.create(
            client=client_id, call=call.id if call else None, number_e164=e164, number_raw=raw, reason=reason,
            due_at=request.due_at, sla_deadline=deadline, assignee=assignee.id if assignee else None, pool=pool,
            created_by=me.id, created_at=now, updated_at=now, client_zone=zone_name, assigned_at=now,
            assigned_by=me.login, changed_by=me.login,
        )
        audit.record(desk, me.login, "callback", callback.id, "create", after={
            "owner": assignee.login if assignee else f"pool:{pool}", "due_at": request.due_at,
            "sla_deadline": deadline, "reason": reason, "past_deadline_confirmed": request.due_at > deadline,
        })
    return callback.id


def _owner(desk: Desk, me: Operator, owner: str) -> tuple[Operator | None, str]:
    """(operator, "") for a person, (None, department id) for a pool."""
    if not owner or owner == me.login:
        return me, ""
    operator = Operator.get_or_none(Operator.login == owner)
    if operator is not None:
        if not operator.enabled:
            raise DeskError(_("operator {login} is disabled").format(login=repr(owner)))
        return operator, ""
    if desk.config.department(owner) is not None:
        return None, owner
    raise DeskError(_("no operator or department called {owner}").format(owner=repr(owner)))


def callback_for_abandoned_call(desk: Desk, call_id: int) -> int | None:
    """A caller who hung up while waiting becomes a call-back in the queue's pool, its deadline counted from the
    call's arrival. A number already waiting for a call-back gets no second one. None when there is no number."""
    call = Call.get_by_id(call_id)
    if not digits_of(call.number_raw):
        return None
    same_number = (CallBack.number_e164 == call.number_e164) if call.number_e164 else (
        CallBack.number_raw == call.number_raw)
    existing = (CallBack.select().where((CallBack.status == CallbackStatus.OPEN) & same_number)
                .order_by(CallBack.id).first())
    if existing is not None:
        audit.record(desk, SYSTEM, "callback", existing.id, "abandoned_again", after={"call": call_id})
        return existing.id
    department = desk.config.department_of_queue(call.queue) or desk.config.departments[0]
    now = desk.clock.now()
    zones = client_zones(desk, call.client_id, call.number_e164)
    zone = zone_named(zones[0]) if len(zones) == 1 else None
    due = now + timedelta(minutes=desk.config.callbacks.abandoned_within_minutes)
    if len(zones) == 1:
        due = next_inside_window(due, zone, desk.config.callback_window)
    waited = int(((call.ended_at or now) - call.arrived_at).total_seconds())
    callback = CallBack.create(
        client=call.client_id, call=call.id, number_e164=call.number_e164, number_raw=call.number_raw,
        # stored once for whoever calls back: in the desk's language, as the pool's operators read it
        reason=translate_to(desk.config.language, N_("Missed call: hung up after waiting {wait} in {queue}")).format(
            wait=f"{waited // 60}:{waited % 60:02d}", queue=call.queue),
        due_at=due, sla_deadline=desk.inquiry_deadline(call.arrived_at),
        pool=department.id, created_at=now, updated_at=now, client_zone=zones[0] if len(zones) == 1 else "",
        assigned_at=now, assigned_by=SYSTEM, changed_by=SYSTEM,
    )
    audit.record(desk, SYSTEM, "callback", callback.id, "create", after={"owner": f"pool:{department.id}",
                                                                        "due_at": due, "abandoned_call": call_id})
    return callback.id


# --- changing one: the version check, permissions and the audit ----------------------------------------------------


def _operator(operator_id: int) -> Operator:
    operator = Operator.get_or_none(Operator.id == operator_id)
    if operator is None:
        raise NotFound(_("operator {operator} does not exist").format(operator=operator_id))
    if not operator.enabled:
        raise NotAllowed(_("operator {login} is disabled").format(login=operator.login))
    return operator


def _load(callback_id: int) -> CallBack:
    callback = CallBack.get_or_none(CallBack.id == callback_id)
    if callback is None:
        raise NotFound(_("call-back {callback} does not exist").format(callback=callback_id))
    return callback


def _stale(desk: Desk, callback_id: int) -> StaleCallBack:
    current = line_of(desk, callback_id)
    changed_by = CallBack.get_by_id(callback_id).changed_by
    who = Operator.get_or_none(Operator.login == changed_by)
    return StaleCallBack(current, who.name if who else changed_by or _("someone"))


def _seen(desk: Desk, callback_id: int, version: int) -> CallBack:
    """The call-back, provided nobody changed it since the person saw ``version``; open ones only."""
    callback = _load(callback_id)
    if callback.version != version:
        raise _stale(desk, callback_id)
    if callback.status != CallbackStatus.OPEN:
        raise DeskError(_("call-back {callback} is {status} already").format(
            callback=callback_id, status=_(STATUS_NAMES[callback.status])))
    return callback


def _owner_label(callback: CallBack) -> str:
    if callback.assignee_id is None:
        return f"pool:{callback.pool}"
    owner = Operator.get_or_none(Operator.id == callback.assignee_id)
    return owner.login if owner else "?"


def _save(desk: Desk, callback: CallBack, actor: str, action: str, before: dict[str, Any],
          after: dict[str, Any], **changes: Any) -> None:
    """Write the change if the row still has the version read, and audit it; else raise ``StaleCallBack``."""
    changes.update(version=callback.version + 1, updated_at=desk.clock.now(), changed_by=actor)
    won = CallBack.update(**changes).where(
        (CallBack.id == callback.id) & (CallBack.version == callback.version)).execute()
    if not won:
        raise _stale(desk, callback.id)
    audit.record(desk, actor, "callback", callback.id, action, before=before, after=after)


def _whose(callback: CallBack, actor: Operator) -> str:
    """Whose the call-back is, as a refusal names it."""
    if callback.assignee_id == actor.id:
        return _("call-back {callback} is yours").format(callback=callback.id)
    if callback.assignee_id is None:
        return _("call-back {callback} belongs to the pool").format(callback=callback.id)
    return _("call-back {callback} belongs to {owner}").format(
        callback=callback.id, owner=Operator.get_by_id(callback.assignee_id).name)


def _may_change(actor: Operator, callback: CallBack) -> None:
    """Its owner works a call-back (starts it, records a try, reschedules, cancels); anyone else's is a lead's."""
    if callback.assignee_id != actor.id:
        require(actor, Action.CHANGE_OTHERS_CALLBACK, _whose(callback, actor))


def _may_hand(actor: Operator, callback: CallBack, assignee: Operator | None, pool: str) -> None:
    """Handing a call-back to someone else is a lead's; anyone takes one from a pool for themselves, and an owner
    gives their own back to their department's pool."""
    to_me = assignee is not None and assignee.id == actor.id
    mine = callback.assignee_id == actor.id
    if (to_me and (mine or callback.assignee_id is None)) or (mine and pool == actor.department):
        return
    require(actor, Action.REASSIGN_CALLBACK, _whose(callback, actor))


# --- working one: start, outcomes, cancel --------------------------------------------------------------------------


def start_callback(desk: Desk, callback_id: int, version: int, operator_id: int) -> CallbackStart:
    """Dial a call-back: it becomes mine (one of two consoles wins a pool one), an outbound call goes live, and the
    desk gets it on screen as any answered call. A restarted console finds it again with ``live_call_of``."""
    me = _operator(operator_id)
    now = desk.clock.now()
    with database.atomic():
        operator = roster.move(desk, me.id, OperatorEvent.ANSWER)  # free to dial: no other call, no pause
        callback = _seen(desk, callback_id, version)
        if callback.assignee_id not in (None, me.id):
            _may_change(me, callback)
        department = desk.config.department(callback.pool or me.department)
        queue = department.queues[0] if department else desk.config.queues[0]
        call = Call.create(
            direction="outbound", number_raw=callback.number_raw, number_e164=callback.number_e164,
            client=callback.client_id, queue=queue, status=CallStatus.ANSWERED, arrived_at=now, answered_at=now,
            operator=me.id,
        )
        before = {"owner": _owner_label(callback)}
        _save(desk, callback, me.login, "start", before, {"owner": me.login, "call": call.id},
              assignee=me.id, pool="", touched_at=now, current_call=call.id, released_from="",
              **({} if callback.assignee_id == me.id else {"assigned_at": now, "assigned_by": me.login}))
    from calldesk.desk.calls.call_view import open_call  # the screen pop's modules: not loaded for the desk to start

    return CallbackStart(callback=line_of(desk, callback_id), view=open_call(desk, call.id, operator))


def suggested_next_try(desk: Desk, client_zone: str) -> datetime:
    """The next try offered after no answer: ``retry_after_minutes`` on, moved into the client's window."""
    due = desk.clock.now() + timedelta(minutes=desk.config.callbacks.retry_after_minutes)
    return next_inside_window(due, zone_named(client_zone) or desk.zone, desk.config.callback_window)


def record_outcome(desk: Desk, callback_id: int, version: int, operator_id: int, outcome: str, *,
                   next_due: datetime | None = None, confirm_past_deadline: bool = False,
                   note: str = "") -> OutcomeResult:
    """What came of a try: reached (done), no_answer (one more attempt; the next try at ``next_due`` or the one
    suggested; after ``max_attempts`` a team lead gets it), wrong_number (done), rescheduled (to ``next_due``).
    A try on the line is ended, and its operator goes to wrap-up."""
    if outcome not in OUTCOMES:
        raise DeskError(_("outcome {outcome} is not one of {outcomes}").format(
            outcome=repr(outcome), outcomes=", ".join(OUTCOMES)))
    me = _operator(operator_id)
    now = desk.clock.now()
    escalated_to = ""
    with database.atomic():
        callback = _seen(desk, callback_id, version)
        _may_change(me, callback)
        before = {"status": CallbackStatus.OPEN, "due_at": callback.due_at, "attempts": callback.attempts,
                  "owner": _owner_label(callback)}
        changes: dict[str, Any] = {"touched_at": now, "current_call": None}
        match outcome:
            case "reached" | "wrong_number":
                changes.update(status=CallbackStatus.DONE, outcome=outcome, closed_at=now)
            case "rescheduled":
                if next_due is None:
                    raise DeskError(_("rescheduling needs the new time"))
                _check_due(desk, next_due, zone_named(callback.client_zone) or desk.zone, callback.client_zone,
                           callback.sla_deadline, confirm_past_deadline)
                changes.update(due_at=next_due, outcome="rescheduled")
            case "no_answer":
                attempts = callback.attempts + 1
                changes.update(attempts=attempts, outcome=f"no answer ({attempts})")
                if attempts >= desk.config.callbacks.max_attempts:
                    lead = _lead_for(callback, me)
                    if lead is not None and lead.id != callback.assignee_id:
                        changes.update(assignee=lead.id, pool="", assigned_at=now, assigned_by=me.login)
                        escalated_to = lead.name
                due = next_due or suggested_next_try(desk, callback.client_zone)
                if next_due is not None:
                    _check_due(desk, next_due, zone_named(callback.client_zone) or desk.zone, callback.client_zone,
                               callback.sla_deadline, confirm_past_deadline)
                changes["due_at"] = due
        after = {key: changes[key] for key in ("status", "due_at", "attempts") if key in changes}
        after["outcome"] = outcome
        if "assignee" in changes:
            after["owner"] = Operator.get_by_id(changes["assignee"]).login
        _save(desk, callback, me.login, "escalate" if escalated_to else "outcome", before, after, **changes)
        add_note(desk, me.id, callback.client_id, callback.current_call_id, note)
    if callback.current_call_id is not None:
        call = Call.get_or_none(Call.id == callback.current_call_id)
        if call is not None and call.operator_id == me.id:
            end_call(desk, call.id, me.id)
    return OutcomeResult(callback=line_of(desk, callback_id), escalated_to=escalated_to)


def _lead_for(callback: CallBack, me: Operator) -> Operator | None:
    """The team lead who takes a call-back whose tries ran out: one of the owner's department, fewest open first."""
    department = me.department
    if callback.assignee_id is not None:
        department = Operator.get_by_id(callback.assignee_id).department
    leads = list(Operator.select().where(lead_role_condition() & Operator.enabled))
    if not leads:
        return None
    load = _open_counts([lead.id for lead in leads])
    return min(leads, key=lambda lead: (lead.department != department, load.get(lead.id, 0), lead.login))


def cancel_callback(desk: Desk, callback_id: int, version: int, operator_id: int, reason: str) -> None:
    """Cancel with a reason: the owner or a team lead. The call-back stays on record as cancelled."""
    reason = reason.strip()
    if not reason:
        raise DeskError(_("cancelling a call-back needs a reason"))
    me = _operator(operator_id)
    with database.atomic():
        callback = _seen(desk, callback_id, version)
        _may_change(me, callback)
        _save(desk, callback, me.login, "cancel", {"status": CallbackStatus.OPEN},
              {"status": CallbackStatus.CANCELLED, "reason": reason}, status=CallbackStatus.CANCELLED,
              outcome=f"cancelled: {reason}"[:200], closed_at=desk.clock.now())


# --- handing out: reassign, distribute, release ----------------------------------------------------------------------


def reassign_callbacks(desk: Desk, operator_id: int, seen: Sequence[tuple[int, int]], target: str) -> int:
    """Give call-backs (id, version seen) to an operator (login) or a department's pool, all or none.

    A lead may move any; an operator takes one from a pool for themselves or gives their own back to their pool."""
    me = _operator(operator_id)
    assignee, pool = _owner(desk, me, target)
    now = desk.clock.now()
    with database.atomic():
        for callback_id, version in seen:
            callback = _seen(desk, callback_id, version)
            _may_hand(me, callback, assignee, pool)
            _move(desk, callback, me, assignee, pool, now)
    return len(seen)


def _move(desk: Desk, callback: CallBack, actor: Operator, assignee: Operator | None, pool: str,
          now: datetime) -> None:
    before = _owner_label(callback)
    after = assignee.login if assignee else f"pool:{pool}"
    if before == after:
        return
    previous = callback.assignee_id
    _save(desk, callback, actor.login, "reassign", {"owner": before}, {"owner": after},
          assignee=assignee.id if assignee else None, pool=pool, assigned_at=now, assigned_by=actor.login,
          released_from="")
    _tell_owners(desk, callback, actor.login, previous, assignee, after)


def _tell_owners(desk: Desk, callback: CallBack, by: str, previous: int | None, assignee: Operator | None,
                 now_with: str) -> None:
    """The owner who lost a call-back and the one who got it hear of it, unless they did it themselves."""
    client = Client.get_or_none(Client.id == callback.client_id) if callback.client_id else None
    caller = client.name if client else callback.number_raw or callback.number_e164
    if assignee is not None and assignee.login != by:
        post_notice(desk, assignee.id, NoticeKind.CALLBACK_GIVEN, N_("call-back {callback} for {caller} is yours now"),
                    by=by, callback=callback.id, caller=caller)
    lost = previous is not None and (assignee is None or previous != assignee.id)
    if lost and Operator.get_by_id(previous).login != by:
        post_notice(desk, previous, NoticeKind.CALLBACK_TAKEN, N_("call-back {callback} for {caller} was handed to "
                    "{owner}"), by=by, callback=callback.id, caller=caller, owner=now_with)


def _open_counts(operator_ids: list[int]) -> dict[int, int]:
    rows = (CallBack.select(CallBack.assignee, fn.COUNT(CallBack.id).alias("n"))
            .where((CallBack.status == CallbackStatus.OPEN) & CallBack.assignee.in_(operator_ids))
            .group_by(CallBack.assignee).tuples())
    return dict(rows)


def distribute_callbacks(desk: Desk, operator_id: int, seen: Sequence[tuple[int, int]],
                         department: str = "") -> dict[int, str]:
    """Spread call-backs over the available operators (of ``department`` if given), fewest open first; leads only.
    Returns each call-back's new owner login."""
    me = _operator(operator_id)
    require(me, Action.DISTRIBUTE_CALLBACKS)
    candidates = Operator.select().where(Operator.enabled & (Operator.state == OperatorState.AVAILABLE)
                                         & ~lead_role_condition())
    if department:
        candidates = candidates.where(Operator.department == department)
    people = {o.id: o for o in candidates}
    if not people:
        raise DeskError(_("nobody is available to take call-backs right now"))
    now = desk.clock.now()
    given: dict[int, str] = {}
    with database.atomic():
        rows = [_seen(desk, callback_id, version) for callback_id, version in seen]
        counts = _open_counts(list(people))
        for callback in rows:  # what is being handed out counts for nobody yet
            if callback.assignee_id in counts:
                counts[callback.assignee_id] -= 1
        heap = [(counts.get(o.id, 0), o.login, o.id) for o in people.values()]
        heapq.heapify(heap)
        for callback in sorted(rows, key=lambda c: (c.due_at, c.id)):
            load, login, person_id = heapq.heappop(heap)
            _move(desk, callback, me, people[person_id], "", now)
            given[callback.id] = login
            heapq.heappush(heap, (load + 1, login, person_id))
    return given


def release_overdue_callbacks(desk: Desk) -> list[int]:
    """Send back to their department's pool the call-backs nobody touched ``release_after_minutes`` after they fell
    due (or after they were handed over, if later), so nobody's absence strands a client. Safe to run from every
    console: the version check makes each release happen once."""
    now = desk.clock.now()
    grace = timedelta(minutes=desk.config.callbacks.release_after_minutes)
    late = now - grace
    candidates = CallBack.select().where(
        (CallBack.status == CallbackStatus.OPEN) & CallBack.assignee.is_null(False) & CallBack.current_call.is_null()
        & overdue_condition(late) & (CallBack.assigned_at.is_null() | (CallBack.assigned_at <= late))
    )
    released = []
    with database.atomic():
        for callback in candidates:
            since = max(callback.due_at, callback.assigned_at or callback.due_at)
            if callback.touched_at is not None and callback.touched_at >= since:
                continue
            owner = Operator.get_by_id(callback.assignee_id)
            try:
                _save(desk, callback, SYSTEM, "release", {"owner": owner.login}, {"owner": f"pool:{owner.department}"},
                      assignee=None, pool=owner.department, assigned_at=now, assigned_by=SYSTEM,
                      released_from=owner.login)
            except StaleCallBack:
                continue  # another console released or changed it a moment ago
            released.append(callback.id)
    return released

