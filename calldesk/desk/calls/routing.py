"""Which caller an operator's F2 takes: the queues they answer and each one's priority (Asterisk's penalty: a lower
number is served first). F2 takes the longest waiter of the operator's priority-0 queues, then of their priority-1
queues, and so on; an operator in no queue takes from every queue, longest waiting first, as a fresh desk does.

An operator's queues are what a team lead last set (``set_queues``: `calldesk operator set-queues`, the team view),
else config.yaml's ``queue_members`` for their login, else their department's queues at priority 0. A lead's change
is planned first (``plan_queues``, ``plan_queue_move``) so the PBX's members can follow before it is kept
(telephony/ami.py's QueueAdd, QueueRemove, QueuePenalty): a PBX that refuses leaves the store as it was.
"""

from __future__ import annotations

from typing import NamedTuple

from calldesk.config import PRIORITY_MAX, Config
from calldesk.desk import audit
from calldesk.desk.calls.states import CallStatus
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.desk.operators.permissions import Action, require
from calldesk.i18n import _
from calldesk.store.models import Call, Operator, QueueMember, database
from calldesk.store.prepared import Prepared

EVERY_QUEUE = ()  # an operator in no queue: F2 takes from all of them


class Membership(NamedTuple):
    """One queue an operator answers, and its priority (0 first)."""

    queue: str
    priority: int = 0


class QueueChange(NamedTuple):
    """A lead's change to an operator's queues, planned: who, from what, to what. What the PBX must do to follow is
    ``joined``, ``left`` and ``moved``."""

    operator_id: int
    login: str
    name: str
    before: tuple[Membership, ...]
    after: tuple[Membership, ...]

    @property
    def joined(self) -> tuple[Membership, ...]:
        """Queues the operator is new in."""
        was = {m.queue for m in self.before}
        return tuple(m for m in self.after if m.queue not in was)

    @property
    def left(self) -> tuple[Membership, ...]:
        """Queues the operator no longer answers."""
        stays = {m.queue for m in self.after}
        return tuple(m for m in self.before if m.queue not in stays)

    @property
    def moved(self) -> tuple[Membership, ...]:
        """Queues the operator stays in with another priority (the new one)."""
        was = dict(self.before)
        return tuple(m for m in self.after if m.queue in was and was[m.queue] != m.priority)


def _in_order(members: object) -> tuple[Membership, ...]:
    return tuple(sorted((Membership(q, p) for q, p in members), key=lambda m: (m.priority, m.queue)))


def configured_queues(config: Config, login: str, department: str) -> tuple[Membership, ...]:
    """An operator's queues before any lead sets them: config.yaml's ``queue_members``, else the department's."""
    if login in config.queue_members:
        return _in_order(config.queue_members[login].items())
    owner = config.department(department)
    return _in_order((queue, 0) for queue in owner.queues) if owner is not None else EVERY_QUEUE


_STORED_QUEUES = Prepared(lambda operator_id: QueueMember.select(QueueMember.queue, QueueMember.priority)
                          .where(QueueMember.operator == operator_id))
_OPERATOR = Prepared(lambda operator_id: Operator.select(Operator.login, Operator.department)
                     .where(Operator.id == operator_id))


def queues_of(desk: Desk, operator_id: int) -> tuple[Membership, ...]:
    """The queues an operator answers, priority 0 first; EVERY_QUEUE (empty) when none."""
    return _login_and_queues(desk, operator_id)[1]


def _login_and_queues(desk: Desk, operator_id: int) -> tuple[str, tuple[Membership, ...]]:
    found = _OPERATOR.rows(operator_id=operator_id)
    if not found:
        raise NotFound(_("operator {operator} does not exist").format(operator=operator_id))
    [(login, department)] = found
    if rows := _STORED_QUEUES.rows(operator_id=operator_id):
        return login, _in_order(rows)
    return login, configured_queues(desk.config, login, department)


# Each read walks the ringing calls in the order of an index and stops at its limit: one ORDER BY over the
# priorities sorted every ringing call on every claim (a ring burst of 5,000: half the claims' rate). The calls
# offered by name are read on migration 10's partial index, which the ``offered_to <> ''`` lets the database use.
_OFFERED_TO = Prepared(lambda login, limit: Call.select(Call.id).where(
    (Call.offered_to != "") & (Call.offered_to == login) & (Call.status == CallStatus.RINGING))
    .order_by(Call.arrived_at, Call.id).limit(limit))
_OF_QUEUES = Prepared(lambda queues, limit: Call.select(Call.id).where(
    (Call.status == CallStatus.RINGING) & Call.queue.in_(queues)).order_by(Call.arrived_at, Call.id).limit(limit))
_ANY_QUEUE = Prepared(lambda limit: Call.select(Call.id).where(Call.status == CallStatus.RINGING)
                      .order_by(Call.arrived_at, Call.id).limit(limit))


def next_calls(desk: Desk, operator_id: int, limit: int = 20) -> list[int]:
    """The ringing calls F2 tries for this operator, in turn: any call offered to them by name first (a colleague's
    transfer, the PBX ringing their phone), then their queues by priority, longest waiting first within each; every
    queue, longest waiting first, for an operator in none."""
    login, members = _login_and_queues(desk, operator_id)
    found = [call_id for (call_id,) in _OFFERED_TO.rows(login=login, limit=limit)]
    levels = sorted({m.priority for m in members})
    reads = [_ANY_QUEUE.rows(limit=limit)] if not members else (
        _OF_QUEUES.rows(queues=[m.queue for m in members if m.priority == level], limit=limit) for level in levels)
    for rows in reads:
        found += [call_id for (call_id,) in rows if call_id not in found]
        if len(found) >= limit:
            break
    return found[:limit]


def parse_memberships(words: list[str]) -> list[Membership]:
    """``support:0 billing:1`` as typed on the command line (a queue alone is priority 0)."""
    members = []
    for word in words:
        queue, _sep, priority = word.partition(":")
        if not priority.strip():
            priority = "0"
        if not priority.strip().isdigit():
            raise DeskError(_("{word}: a priority is a whole number, 0 served first (support:0 billing:1)").format(
                word=word))
        members.append(Membership(queue.strip(), int(priority)))
    return members


def _lead(by: str | None) -> str | None:
    """The lead making the change (who must be one); None for the desk's administrator at the command line."""
    if by is None:
        return None
    lead = Operator.get_or_none(Operator.login == by)
    require(lead, Action.SET_QUEUES)
    return lead.login


def plan_queues(desk: Desk, login: str, members: list[Membership], *, by: str | None = None) -> QueueChange:
    """A lead's new set of queues for ``login``, checked: only a lead, only the config's queues, each once, at
    least one, priorities 0 to PRIORITY_MAX. Nothing is kept yet: ``keep_queues`` does, once the PBX has followed."""
    _lead(by)
    operator = Operator.get_or_none(Operator.login == login)
    if operator is None:
        raise NotFound(_("operator {login} is not known here").format(login=repr(login)))
    if not members:
        raise DeskError(_("{name} needs at least one queue to answer").format(name=operator.name))
    known = desk.config.queues
    seen: set[str] = set()
    for member in members:
        if member.queue not in known:
            raise DeskError(_("queue {queue} is not in the config (known: {queues})").format(
                queue=repr(member.queue), queues=", ".join(known)))
        if member.queue in seen:
            raise DeskError(_("queue {queue} is named twice").format(queue=repr(member.queue)))
        if not 0 <= member.priority <= PRIORITY_MAX:
            raise DeskError(_("a priority is 0 (served first) to {most}, not {priority}").format(
                most=PRIORITY_MAX, priority=member.priority))
        seen.add(member.queue)
    return QueueChange(operator.id, operator.login, operator.name, queues_of(desk, operator.id), _in_order(members))


def plan_queue_move(desk: Desk, operator_id: int, queue: str, priority: int | None, *,
                    by: str | None = None) -> QueueChange:
    """The team view's change: ``operator_id`` joins ``queue`` (or takes a new priority in it), or leaves it when
    ``priority`` is None; the operator's other queues stay as they are."""
    _lead(by)
    operator = Operator.get_or_none(Operator.id == operator_id)
    if operator is None:
        raise NotFound(_("operator {operator} does not exist").format(operator=operator_id))
    members = [m for m in queues_of(desk, operator_id) if m.queue != queue]
    if priority is not None:
        members.append(Membership(queue, priority))
    elif len(members) == len(queues_of(desk, operator_id)):
        raise DeskError(_("{name} does not answer {queue}").format(name=operator.name, queue=queue))
    return plan_queues(desk, operator.login, members, by=by)


def keep_queues(desk: Desk, change: QueueChange, *, by: str | None = None) -> None:
    """Keep the planned queues as the operator's, audited, in one transaction (the lead is checked again)."""
    actor = _lead(by) or "system"
    if change.after == change.before:
        return  # nothing changes, and nothing is audited
    with database.atomic():
        QueueMember.delete().where(QueueMember.operator == change.operator_id).execute()
        QueueMember.insert_many([{"operator": change.operator_id, "queue": m.queue, "priority": m.priority}
                                 for m in change.after]).execute()
        audit.record(desk, actor, "operator", change.operator_id, "set_queues",
                     before={m.queue: m.priority for m in change.before},
                     after={m.queue: m.priority for m in change.after})


def describe_queues(members: tuple[Membership, ...]) -> str:
    """``support:0 billing:1`` as the command line and the team view show it; "every queue" for none."""
    return " ".join(f"{m.queue}:{m.priority}" for m in members) if members else _("every queue")
