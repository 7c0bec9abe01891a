"""Export rows: a stable, documented public format (field names never change meaning; new ones are appended)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import JOIN

from calldesk.store.models import AuditEvent, Call, CallBack, Client, Feedback, Note, Operator, Phone

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Export:
    """One entity: its field names in order (the CSV header, written even with no rows) and its rows.

    ``rows(since)`` keeps the records whose ``moment`` field is at or after ``since``; no moment: no --since.
    """

    fields: tuple[str, ...]
    rows: Callable[[datetime | None], Iterator[Row]]
    moment: str = ""


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, as every exported time is."""
    return moment.isoformat() if moment else None


def _login(operator_id: int | None, logins: dict[int, str]) -> str | None:
    return logins.get(operator_id) if operator_id else None


def _logins() -> dict[int, str]:
    return {o.id: o.login for o in Operator.select(Operator.id, Operator.login)}


def _since(query: Any, field: Any, since: datetime | None) -> Any:
    """The query narrowed to records whose time ``field`` is at or after ``since`` (--since)."""
    return query if since is None else query.where(field >= since)


CALL_FIELDS = (
    "id", "number_e164", "number_raw", "client_id", "queue", "status", "direction", "arrived_at", "answered_at",
    "ended_at", "wrapped_at", "operator", "rings", "disposition", "script_steps", "transferred_to",
)


def export_calls(since: datetime | None = None) -> Iterator[Row]:
    logins = _logins()
    for c in _since(Call.select(), Call.arrived_at, since).order_by(Call.id).iterator():
        yield dict(zip(CALL_FIELDS, (
            c.id, c.number_e164, c.number_raw, c.client_id, c.queue, c.status, c.direction, iso(c.arrived_at),
            iso(c.answered_at), iso(c.ended_at), iso(c.wrapped_at), _login(c.operator_id, logins), c.rings,
            c.disposition, c.script_steps, c.transferred_to,
        ), strict=True))


NOTE_FIELDS = ("id", "client_id", "call_id", "author", "body", "created_at")


def export_notes(since: datetime | None = None) -> Iterator[Row]:
    logins = _logins()
    for n in _since(Note.select(), Note.created_at, since).order_by(Note.id).iterator():
        yield dict(zip(NOTE_FIELDS, (
            n.id, n.client_id, n.call_id, _login(n.author_id, logins), n.body, iso(n.created_at),
        ), strict=True))


CLIENT_FIELDS = (
    "id", "name", "company", "address_as", "manner", "stage", "tags", "time_zone", "created_at", "phones",
)


def export_clients(since: datetime | None = None) -> Iterator[Row]:
    """Clients with their phones (changed since ``since``); phones are a list in JSONL, ';'-joined in CSV."""
    query = _since(Client.select(Client, Phone).join(Phone, JOIN.LEFT_OUTER), Client.updated_at, since)
    query = query.order_by(Client.id, Phone.id).objects()
    current: Row | None = None
    for row in query.iterator():
        if current is None or current["id"] != row.id:
            if current is not None:
                yield current
            current = dict(zip(CLIENT_FIELDS, (
                row.id, row.name, row.company, row.address_as, row.manner, row.stage, row.tags, row.time_zone,
                iso(row.created_at), [],
            ), strict=True))
        if row.raw is not None:
            current["phones"].append(
                {"raw": row.raw, "e164": row.e164, "extension": row.extension, "label": row.label,
                 "valid": row.valid}
            )
    if current is not None:
        yield current


FEEDBACK_FIELDS = (
    "id", "kind", "category", "text", "status", "client_id", "call_id", "owner", "created_by", "created_at",
    "deadline", "resolution", "resolved_at",
)


def export_feedback(since: datetime | None = None) -> Iterator[Row]:
    """Complaints and suggestions; owner and created_by are operator logins."""
    logins = _logins()
    for f in _since(Feedback.select(), Feedback.created_at, since).order_by(Feedback.id).iterator():
        yield dict(zip(FEEDBACK_FIELDS, (
            f.id, f.kind, f.category, f.body, f.status, f.client_id, f.call_id, _login(f.owner_id, logins),
            _login(f.created_by_id, logins), iso(f.created_at), iso(f.deadline), f.resolution, iso(f.resolved_at),
        ), strict=True))


CALLBACK_FIELDS = (
    "id", "client_id", "number_e164", "reason", "due_at", "sla_deadline", "assignee", "status", "attempts",
    "pool", "outcome", "number_raw", "call_id", "created_by", "created_at", "closed_at",
)


def export_callbacks(since: datetime | None = None) -> Iterator[Row]:
    """Call-backs, open and closed; assignee and created_by are operator logins, pool a department id."""
    logins = _logins()
    for c in _since(CallBack.select(), CallBack.updated_at, since).order_by(CallBack.id).iterator():
        yield dict(zip(CALLBACK_FIELDS, (
            c.id, c.client_id, c.number_e164, c.reason, iso(c.due_at), iso(c.sla_deadline),
            _login(c.assignee_id, logins), c.status, c.attempts, c.pool, c.outcome, c.number_raw, c.call_id,
            _login(c.created_by_id, logins), iso(c.created_at), iso(c.closed_at),
        ), strict=True))


OPERATOR_FIELDS = (
    "id", "login", "name", "department", "role", "extension", "enabled", "state", "state_reason", "state_since",
)


def export_operators(since: datetime | None = None) -> Iterator[Row]:
    """Everyone who may sit at a console, disabled ones included; they have no time to filter on."""
    for o in Operator.select().order_by(Operator.id).iterator():
        yield dict(zip(OPERATOR_FIELDS, (
            o.id, o.login, o.name, o.department, o.role, o.extension, o.enabled, o.state, o.state_reason,
            iso(o.state_since),
        ), strict=True))


AUDIT_FIELDS = ("id", "at", "actor", "entity", "entity_id", "action", "before", "after")


def export_audit(since: datetime | None = None) -> Iterator[Row]:
    """The audit trail, oldest first; before and after are the stored text (JSON for structured values)."""
    for a in _since(AuditEvent.select(), AuditEvent.at, since).order_by(AuditEvent.id).iterator():
        yield dict(zip(AUDIT_FIELDS, (
            a.id, iso(a.at), a.actor, a.entity, a.entity_id, a.action, a.before, a.after,
        ), strict=True))


EXPORTS: dict[str, Export] = {
    "calls": Export(CALL_FIELDS, export_calls, "arrived_at"),
    "notes": Export(NOTE_FIELDS, export_notes, "created_at"),
    "clients": Export(CLIENT_FIELDS, export_clients, "updated_at"),
    "feedback": Export(FEEDBACK_FIELDS, export_feedback, "created_at"),
    "callbacks": Export(CALLBACK_FIELDS, export_callbacks, "updated_at"),
    "operators": Export(OPERATOR_FIELDS, export_operators),
    "audit": Export(AUDIT_FIELDS, export_audit, "at"),
}
