"""The incoming-call queue: ringing in, waiting (in rings, the handbook's unit), and the atomic claim."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from peewee import JOIN

from calldesk.desk.calls.badges import NO_BADGES, CallerBadges, badge_columns, badge_moments, badges_of
from calldesk.desk.calls.routing import next_calls
from calldesk.desk.calls.states import CallEvent, CallState, CallStatus, OperatorEvent, call_move, call_state
from calldesk.desk.calls.wrap_up_limit import move_to_answer
from calldesk.desk.context import Desk
from calldesk.desk.errors import CallGone, CallTaken, DeskError, NotFound
from calldesk.desk.operators import roster
from calldesk.i18n import _
from calldesk.phones import format_phone, parse_phone
from calldesk.store.bulk import insert_rows
from calldesk.store.models import Call, Client, Operator, database
from calldesk.store.prepared import Prepared


class WaitingCall(NamedTuple):
    """A caller waiting in the queue, as the queue pane shows it."""

    id: int
    queue: str
    number: str  # formatted for the operator's region
    client_id: int | None
    client_name: str  # "" for an unknown caller
    caller_name: str  # the name the PBX or hook gave, if any
    arrived_at: datetime
    offered_to: str
    badges: CallerBadges = NO_BADGES  # read only for the desk's queue (``waiting_calls(..., badges=True)``)


class IncomingCall(NamedTuple):
    """A caller ringing in: the number as sent, the queue (None: the first one), the name the PBX or hook gave."""

    number: str
    queue: str | None = None
    caller_name: str = ""
    external_id: str | None = None  # the PBX's id for the call


# What a ringing call is stored with; the other columns take the model's defaults, which Peewee keeps in Python
# (the tables have none), so an insert without Peewee names them too.
_GIVEN = (Call.number_raw, Call.number_e164, Call.caller_name, Call.client, Call.queue, Call.status,
          Call.arrived_at, Call.external_id)
_DEFAULTED = tuple(f for f in Call._meta.sorted_fields
                   if f.default is not None and f.name not in {g.name for g in _GIVEN})


WITHHELD = "withheld"  # what a PBX sends for a caller who hid their number: the call is kept with none


def check_caller_number(number: str) -> None:
    """A ringing call needs the number it comes from, or the PBX's word that the caller withheld it: a blank one is
    a broken report (a dialplan's empty variable), and would sit in the queue as a caller nobody can call back."""
    if not number.strip():
        raise DeskError(_("a call needs the caller's number: give it, or {withheld} for a caller who hid it").format(
            withheld=repr(WITHHELD)))


def rings_heard(wait_seconds: float, ring_cycle_seconds: float) -> int:
    """Rings a caller has heard after waiting this long: the first ring starts at once."""
    return int(max(wait_seconds, 0) // ring_cycle_seconds) + 1


def is_late(wait_seconds: float, desk: Desk) -> bool:
    """A waiting caller is late: the one rule the queue pane's red rows, the status bar's count, the team view and the
    wallboard all ask.

    The handbook's "answer before the third ring" is read as the desk has always measured its service level: within
    ``answer_within_rings`` whole rings of ``ring_cycle_seconds`` (3 x 6 s = 18 s, docs/statistics.md). Late is
    strictly past that: at 17.9 s and at exactly 18 s a call is not late (answered then it counts in time,
    stats/grouping.py's ``service_counts``), at 18.1 s it is, so a red row is always a call that would miss the
    service level.
    """
    return wait_seconds > desk.config.answer_threshold_seconds


def ring_call(desk: Desk, number: str, queue: str | None = None, caller_name: str = "",
              external_id: str | None = None) -> int:
    """Put an incoming call in the shared queue; returns its id. The number is kept even if it does not parse."""
    return ring_calls(desk, [IncomingCall(number, queue, caller_name, external_id)])[0]


def ring_calls(desk: Desk, incoming: Sequence[IncomingCall]) -> list[int]:
    """Put incoming calls in the shared queue, in order, each matched to its client; returns their ids.

    One insert for them all: a PBX's burst of callers is stored in a few statements, not a few per caller.
    """
    queues = [call.queue or desk.config.queues[0] for call in incoming]
    for queue in queues:
        if queue not in desk.config.queues:
            raise DeskError(_("queue {queue} is not in the config (known: {queues})").format(
                queue=repr(queue), queues=", ".join(desk.config.queues)))
    from calldesk.desk.clients.directory import (
        match_phones,  # here, not above: a console's start reads the queue, rings none
    )

    for call in incoming:
        check_caller_number(call.number)
    phones = [parse_phone("" if call.number.strip().lower() == WITHHELD else call.number, desk.region)
              for call in incoming]
    arrived_at = Call.arrived_at.db_value(desk.clock.now())
    defaults = [f.db_value(f.default() if callable(f.default) else f.default) for f in _DEFAULTED]
    with database.atomic():
        clients = match_phones(desk, phones)
        return insert_rows(Call, (*_GIVEN, *_DEFAULTED), [
            (phone.raw, phone.e164, caller_name_shown(call.caller_name), client_id, queue, CallStatus.RINGING,
             arrived_at, call.external_id, *defaults)
            for call, phone, client_id, queue in zip(incoming, phones, clients, queues, strict=True)
        ], return_ids=True)


def caller_name_shown(name: str) -> str:
    """The PBX's caller name as the desk keeps it: control characters and broken UTF-16 are garbage on the line, not
    a reason to lose the caller, so they go; the rest is kept up to the column's length."""
    if not name.isprintable():
        name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cs"))
    return name.strip()[:Call.caller_name.max_length]


# Consoles read up to 500 waiting calls every time the queue changes: the statement is built once (store.prepared)
# and the driver's rows are used as they come, as Peewee's per-column conversion would cost three times the query.
_COLUMNS = (Call.id, Call.queue, Call.number_raw, Call.number_e164, Call.client, Call.caller_name, Call.arrived_at,
            Call.offered_to, Client.name)


def _waiting(*columns):
    return (Call.select(*_COLUMNS, *columns)
            .join(Client, JOIN.LEFT_OUTER, on=(Call.client == Client.id))
            .where(Call.status == CallStatus.RINGING)
            .order_by(Call.arrived_at, Call.id))


_WAITING = Prepared(lambda limit: _waiting().limit(limit))
# The desk's queue also shows each caller's badges: read in the same statement, from the client row it joins anyway
# (a second query by client id cost more than the badges' own index walks: the 500 clients' rows read again)
_WAITING_BADGED = Prepared(lambda limit, day_start, now: _waiting(*badge_columns(day_start, now)).limit(limit))


def waiting_calls(desk: Desk, limit: int = 1000, badges: bool = False) -> list[WaitingCall]:
    """Every ringing call, longest waiting first; with ``badges``, each caller's badges (desk.badges) too."""
    return list(_read_waiting(desk, limit, badges, {}).values())


class QueueReader:
    """One reader of the queue (a console's queue pane) and the calls of its last read: a caller still waiting with
    nothing changed comes back as the same object, so a re-read costs the query and a lookup per call, and the
    table's diff skips them by identity. Each reader keeps its own (docs/performance.md, "The queue pane")."""

    def __init__(self) -> None:
        self._last_read: dict[tuple, WaitingCall] = {}

    def waiting_calls(self, desk: Desk, limit: int = 1000, badges: bool = False) -> list[WaitingCall]:
        self._last_read = _read_waiting(desk, limit, badges, self._last_read)
        return list(self._last_read.values())


def _read_waiting(desk: Desk, limit: int, badges: bool, seen: dict[tuple, WaitingCall]) -> dict[tuple, WaitingCall]:
    """The waiting calls by their stored row, those unchanged since ``seen`` taken from it."""
    moment, region = Call.arrived_at.python_value, desk.region
    read: dict[tuple, WaitingCall] = {}
    rows = _WAITING_BADGED.rows(limit=limit, **badge_moments(desk)) if badges else _WAITING.rows(limit=limit)
    for row in rows:
        key = (region, desk.config.vip_tag, *row) if badges else (region, *row)
        call = seen.get(key)
        if call is None:
            call_id, queue_name, raw, e164, client_id, caller_name, arrived_at, offered_to, name, *figures = row
            call = WaitingCall(
                id=call_id, queue=queue_name, number=format_phone(e164, raw, region), client_id=client_id,
                client_name=name or "", caller_name=caller_name, arrived_at=moment(arrived_at),
                offered_to=offered_to, badges=badges_of(desk, *figures) if figures else NO_BADGES,
            )
        read[key] = call
    return read


# Every F2 runs these: built once (store.prepared)
_CALL_TO_CLAIM = Prepared(lambda call_id: Call.select(Call.arrived_at, Call.offered_to).where(Call.id == call_id))
_CLAIM = Prepared(lambda call_id, operator_id, now, rings: Call.update(
    status=CallStatus.ANSWERED, operator=operator_id, answered_at=now, rings=rings, offered_to=""
).where((Call.id == call_id) & (Call.status == CallStatus.RINGING)))


def claim_call(desk: Desk, call_id: int, operator_id: int) -> int:
    """Answer a ringing call. The operator must be free to (desk/calls/states.py: not on another call, not paused, not
    disabled), and one UPDATE decides between consoles: of two only one wins; the other gets CallTaken."""
    now = desk.clock.now()
    found = _CALL_TO_CLAIM.rows(call_id=call_id)
    if not found:
        raise NotFound(_("call {call} does not exist").format(call=call_id))
    arrived_at, offered_to = found[0]
    waited = now - Call.arrived_at.python_value(arrived_at)
    rings = rings_heard(waited.total_seconds(), desk.config.ring_cycle_seconds)
    with database.atomic():  # a refusal below takes the operator's move back with it
        me = move_to_answer(desk, operator_id)
        won = _CLAIM.execute(call_id=call_id, operator_id=operator_id, now=Call.answered_at.db_value(now),
                             rings=rings)
        if not won:
            call = Call.get_by_id(call_id)
            if call_state(call.status) == CallState.ABANDONED:
                raise CallGone(_("call {call}: the caller hung up before the answer").format(call=call_id))
            taker = Operator.get_or_none(Operator.id == call.operator_id)
            raise CallTaken(call_id, taker.name if taker else _("another console"))
        if offered_to and offered_to != me.login:  # the phone the PBX was ringing for it stops
            stop_ringing(desk, offered_to)
    return call_id


def answer_next(desk: Desk, operator_id: int) -> int | None:
    """F2: claim the next call of the operator's queues by priority, longest waiting first (desk/calls/routing.py),
    skipping any another console takes first; None when nobody waits in them."""
    for call_id in next_calls(desk, operator_id):
        try:
            return claim_call(desk, call_id, operator_id)
        except CallGone:
            continue
    return None


def abandon_call(desk: Desk, call_id: int) -> None:
    """The caller hung up before anyone answered; they become a call-back in the queue's pool, in one transaction.
    A call already answered or abandoned has moved on: nothing changes."""
    from calldesk.desk.callbacks.promises import (
        callback_for_abandoned_call,  # the call-back rules: not for reading the queue
    )

    with database.atomic():
        call = Call.get_or_none(Call.id == call_id)
        if call is None:
            raise NotFound(_("call {call} does not exist").format(call=call_id))
        if call_move(CallEvent.ABANDON, call_state(call.status, call.offered_to, call.wrapped_at), call_id) is None:
            return
        updated = (
            Call.update(status=CallStatus.ABANDONED, ended_at=desk.clock.now(), offered_to="")
            .where((Call.id == call_id) & (Call.status == CallStatus.RINGING))
            .execute()
        )
        if updated:
            callback_for_abandoned_call(desk, call_id)
            if call.offered_to:  # the phone it was ringing at stops
                stop_ringing(desk, call.offered_to)


def stop_ringing(desk: Desk, login: str) -> None:
    """The PBX no longer rings this operator's phone for a caller (answered elsewhere, or the caller left)."""
    operator = Operator.get_or_none(Operator.login == login)
    if operator is not None:
        roster.move(desk, operator.id, OperatorEvent.STOP_RINGING)
