"""The client dossier: the screen pop an operator reads while saying hello, in the console's words (stage, history,
statuses through ``_()``; notes and names as they were written)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.desk.callbacks.status import CallbackStatus
from calldesk.desk.calls.badges import NO_BADGES, CallerBadges, caller_badges
from calldesk.desk.calls.states import CALL_STATUS_NAMES, CallStatus
from calldesk.desk.clients.directory import PHONE_LABELS, STAGE_NAMES
from calldesk.desk.context import Desk
from calldesk.desk.errors import NotFound
from calldesk.desk.feedback.complaints import KIND_NAMES, STATUS_NAMES
from calldesk.desk.feedback.status import FeedbackStatus
from calldesk.i18n import _, desk_word
from calldesk.phones import client_local_time, format_phone
from calldesk.store.models import Call, CallBack, CallReview, Client, Feedback, Note, Operator, Phone
from calldesk.store.prepared import Prepared
from calldesk.time_zones import time_zones_for

HISTORY_LENGTH = 8


@dataclass(frozen=True)
class DossierPhone:
    """One of the client's phones as the dossier shows it, with the time it is there now."""

    number: str
    label: str
    valid: bool
    local_time: str  # "14:05 Asia/Kolkata", a range for a number spread over zones, "" when unknown


@dataclass(frozen=True)
class Interaction:
    """One entry of the client's history in the dossier: a call or a note."""

    at: datetime
    kind: str  # call | note
    text: str
    who: str
    score: int | None = None  # a lead's review of the call (1 to 5)


@dataclass(frozen=True)
class OpenPromise:
    """A call-back still open for the client: a promise not yet kept, as the dossier lists it."""

    due_at: datetime
    reason: str
    owner: str


@dataclass(frozen=True)
class OpenFeedback:
    """A complaint or suggestion of the client's not yet resolved, as the dossier lists it."""

    created_at: datetime
    kind: str  # in words: "complaint", "शिकायत"
    category: str
    status: str  # in words: "in progress"
    text: str


@dataclass(frozen=True)
class Dossier:
    """Everything the desk knows about a client, as the screen pop shows it while the operator says hello."""

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
    badges: CallerBadges = NO_BADGES  # what the header flags, as the queue row did
    last_contact: Interaction | None = None  # the newest call that is over (not the one on the line)


# The screen pop reads these for every answered call: each is built once per database (store.prepared), as
# Peewee spent more time writing their SQL than SQLite spent running it. Rows come as stored: times in epoch seconds.
_CLIENT = Prepared(lambda client_id: Client.select(
    Client.id, Client.name, Client.company, Client.address_as, Client.manner, Client.stage, Client.tags,
    Client.time_zone).where(Client.id == client_id))
_PHONES = Prepared(lambda client_id: Phone.select(Phone.e164, Phone.raw, Phone.extension, Phone.label, Phone.valid)
                   .where(Phone.client == client_id).order_by(Phone.id))
_CALLS = Prepared(lambda client_id, limit: Call.select(
    Call.arrived_at, Call.direction, Call.disposition, Call.status, Call.transferred_to, Call.queue, Call.operator,
    CallReview.score, Call.ended_at)
    .join(CallReview, JOIN.LEFT_OUTER, on=(CallReview.call == Call.id))  # unique on the call: one row each
    .where(Call.client == client_id).order_by(Call.arrived_at.desc()).limit(limit))
_NOTES = Prepared(lambda client_id, limit: Note.select(Note.created_at, Note.body, Note.author)
                  .where(Note.client == client_id).order_by(Note.created_at.desc()).limit(limit))
_OPEN_PROMISES = Prepared(lambda client_id: CallBack.select(
    CallBack.due_at, CallBack.reason, CallBack.assignee, CallBack.pool)
    .where((CallBack.client == client_id) & (CallBack.status == CallbackStatus.OPEN)).order_by(CallBack.due_at))
_OPEN_FEEDBACK = Prepared(lambda client_id: Feedback.select(
    Feedback.created_at, Feedback.kind, Feedback.category, Feedback.status, Feedback.body)
    .where((Feedback.client == client_id) & (Feedback.status != FeedbackStatus.RESOLVED))
    .order_by(Feedback.created_at.desc()))
_OPERATOR_NAMES = Prepared(lambda: Operator.select(Operator.id, Operator.name))
_moment = Call.arrived_at.python_value


def build_dossier(desk: Desk, client_id: int, history_length: int = HISTORY_LENGTH) -> Dossier:
    """Everything the desk knows about a client, newest first, in a handful of indexed queries."""
    found = _CLIENT.rows(client_id=client_id)
    if not found:
        raise NotFound(_("client {client} does not exist").format(client=client_id))
    [(_id, name, company, address_as, manner, stage, tags, time_zone)] = found
    now = desk.clock.now()
    names = dict(_OPERATOR_NAMES.rows())
    phones = tuple(
        DossierPhone(
            number=format_phone(e164, raw, desk.region) + (
                " " + _("ext. {extension}").format(extension=extension) if extension else ""),
            label=_(PHONE_LABELS[label]) if label in PHONE_LABELS else label, valid=bool(valid),
            local_time=client_local_time((time_zone,) if time_zone else time_zones_for(e164) if e164 else (), now),
        )
        for e164, raw, extension, label, valid in _PHONES.rows(client_id=client_id)
    )
    calls = _CALLS.rows(client_id=client_id, limit=history_length)
    history = [
        Interaction(_moment(arrived), "call", _call_summary(direction, disposition, status, transferred_to, queue),
                    names.get(operator, ""), score)
        for arrived, direction, disposition, status, transferred_to, queue, operator, score, _ended in calls
    ]
    # newest first, as the history: the first call whose line is down (the calls-today badge's "over" too)
    last_contact = next((call for call, row in zip(history, calls, strict=True) if row[-1] is not None), None)
    history += [Interaction(_moment(created), "note", body, names.get(author, ""))
                for created, body, author in _NOTES.rows(client_id=client_id, limit=history_length)]
    history.sort(key=lambda i: i.at, reverse=True)
    callbacks = tuple(OpenPromise(_moment(due), reason, names.get(assignee, "") or pool)
                      for due, reason, assignee, pool in _OPEN_PROMISES.rows(client_id=client_id))
    feedback = tuple(
        OpenFeedback(_moment(created), _(KIND_NAMES[kind]), desk_word(category), _(STATUS_NAMES[status]), body)
        for created, kind, category, status, body in _OPEN_FEEDBACK.rows(client_id=client_id))
    return Dossier(
        client_id=client_id, name=name, company=company, address_as=address_as, manner=manner, stage=stage,
        stage_name=_(STAGE_NAMES[stage]) if stage in STAGE_NAMES else stage, tags=tags, phones=phones,
        history=tuple(history[:history_length]), callbacks=callbacks, feedback=feedback,
        badges=caller_badges(desk, [client_id]).get(client_id, NO_BADGES), last_contact=last_contact,
    )


def _call_summary(direction: str, disposition: str, status: str, transferred_to: str, queue: str) -> str:
    if disposition:
        outcome = desk_word(disposition)  # config.yaml's word, as the operator chose it
    elif status == CallStatus.TRANSFERRED:
        outcome = _("transferred to {target}").format(target=transferred_to)
    else:
        outcome = _(CALL_STATUS_NAMES[status])
    line = _("Incoming call, {queue}: {outcome}") if direction == "inbound" else _("Outgoing call, {queue}: {outcome}")
    return line.format(queue=queue, outcome=outcome)
