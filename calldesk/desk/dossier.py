"""The client dossier: the screen pop an operator reads while saying hello."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.desk.clients import STAGE_NAMES
from calldesk.desk.context import Desk
from calldesk.desk.errors import NotFound
from calldesk.phones import format_phone, local_time, time_zones_for
from calldesk.store.models import Call, CallBack, CallReview, Client, Feedback, Note, Operator, Phone

HISTORY_LENGTH = 8


@dataclass(frozen=True)
class DossierPhone:
    number: str
    label: str
    valid: bool
    local_time: str  # "14:05 Asia/Kolkata", a range for a number spread over zones, "" when unknown


@dataclass(frozen=True)
class Interaction:
    at: datetime
    kind: str  # call | note
    text: str
    who: str
    score: int | None = None  # a lead's review of the call (1 to 5)


@dataclass(frozen=True)
class OpenPromise:
    due_at: datetime
    reason: str
    owner: str


@dataclass(frozen=True)
class PastPromise:
    """A call-back that is over: done (reached, wrong number) or cancelled."""

    closed_at: datetime | None
    reason: str
    status: str
    outcome: str
    attempts: int
    owner: str


@dataclass(frozen=True)
class OpenFeedback:
    created_at: datetime
    kind: str
    category: str
    status: str
    text: str


@dataclass(frozen=True)
class Dossier:
    client_id: int
    name: str
    company: str
    address_as: str
    manner: str
    stage: str
    stage_name: str
    tags: str
    phones: tuple[DossierPhone, ...]
    history: tuple[Interaction, ...]
    callbacks: tuple[OpenPromise, ...]
    feedback: tuple[OpenFeedback, ...]
    callback_history: tuple[PastPromise, ...] = ()


def client_local_time(zones: tuple[str, ...], now: datetime) -> str:
    """The client's wall clock: one zone shows the time and zone, several show the earliest to the latest."""
    times = [t for t in (local_time(z, now) for z in zones) if t is not None]
    if not times:
        return ""
    if len(times) == 1:
        return f"{times[0]:%H:%M} {zones[0]}"
    ordered = sorted(times, key=lambda t: t.replace(tzinfo=None))
    return f"{ordered[0]:%H:%M}–{ordered[-1]:%H:%M} ({len(times)} zones)"


def build_dossier(desk: Desk, client_id: int, history_length: int = HISTORY_LENGTH) -> Dossier:
    """Everything the desk knows about a client, newest first, in a handful of indexed queries."""
    client = Client.get_or_none(Client.id == client_id)
    if client is None:
        raise NotFound(f"client {client_id} does not exist")
    now = desk.clock.now()
    names = _operator_names()
    phones = tuple(
        DossierPhone(
            number=format_phone(p.e164 or p.raw, desk.region) + (f" ext. {p.extension}" if p.extension else ""),
            label=p.label, valid=p.valid,
            local_time=client_local_time(
                (client.time_zone,) if client.time_zone else time_zones_for(p.e164) if p.e164 else (), now
            ),
        )
        for p in Phone.select().where(Phone.client == client_id).order_by(Phone.id)
    )
    calls = (
        Call.select(Call, CallReview.score)
        .join(CallReview, JOIN.LEFT_OUTER, on=(CallReview.call == Call.id))  # unique on the call: one row each
        .where(Call.client == client_id).order_by(Call.arrived_at.desc()).limit(history_length).objects()
    )
    notes = Note.select().where(Note.client == client_id).order_by(Note.created_at.desc()).limit(history_length)
    history = [
        Interaction(c.arrived_at, "call", _call_summary(c), names.get(c.operator_id, ""), c.score) for c in calls
    ] + [Interaction(n.created_at, "note", n.body, names.get(n.author_id, "")) for n in notes]
    history.sort(key=lambda i: i.at, reverse=True)
    callbacks = tuple(
        OpenPromise(cb.due_at, cb.reason, names.get(cb.assignee_id, "") or cb.pool)
        for cb in CallBack.select()
        .where((CallBack.client == client_id) & (CallBack.status == "open"))
        .order_by(CallBack.due_at)
    )
    callback_history = tuple(
        PastPromise(cb.closed_at, cb.reason, cb.status, cb.outcome, cb.attempts,
                    names.get(cb.assignee_id, "") or cb.pool)
        for cb in CallBack.select()
        .where((CallBack.client == client_id) & (CallBack.status != "open"))
        .order_by(CallBack.closed_at.desc(), CallBack.id.desc())
        .limit(history_length)
    )
    feedback = tuple(
        OpenFeedback(f.created_at, f.kind, f.category, f.status, f.body)
        for f in Feedback.select()
        .where((Feedback.client == client_id) & (Feedback.status != "resolved"))
        .order_by(Feedback.created_at.desc())
    )
    return Dossier(
        client_id=client.id, name=client.name, company=client.company, address_as=client.address_as,
        manner=client.manner, stage=client.stage, stage_name=STAGE_NAMES.get(client.stage, client.stage),
        tags=client.tags, phones=phones, history=tuple(history[:history_length]), callbacks=callbacks,
        feedback=feedback, callback_history=callback_history,
    )


def _call_summary(call: Call) -> str:
    direction = "Incoming" if call.direction == "inbound" else "Outgoing"
    outcome = call.disposition or {"transferred": f"transferred to {call.transferred_to}"}.get(call.status, call.status)
    return f"{direction} call, {call.queue}: {outcome}"


def _operator_names() -> dict[int, str]:
    return {o.id: o.name for o in Operator.select(Operator.id, Operator.name)}
