"""Export rows: a stable, documented public format (field names never change meaning; new ones are appended)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from peewee import JOIN

from calldesk.store.models import Call, Client, Note, Operator, Phone

Row = dict[str, Any]
BATCH = 2000


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, as every exported time is."""
    return moment.isoformat() if moment else None


def _login(operator_id: int | None, logins: dict[int, str]) -> str | None:
    return logins.get(operator_id) if operator_id else None


def _logins() -> dict[int, str]:
    return {o.id: o.login for o in Operator.select(Operator.id, Operator.login)}


def export_calls() -> Iterator[Row]:
    logins = _logins()
    for c in Call.select().order_by(Call.id).iterator():
        yield {
            "id": c.id, "number_e164": c.number_e164, "number_raw": c.number_raw, "client_id": c.client_id,
            "queue": c.queue, "status": c.status, "direction": c.direction, "arrived_at": iso(c.arrived_at),
            "answered_at": iso(c.answered_at), "ended_at": iso(c.ended_at), "wrapped_at": iso(c.wrapped_at),
            "operator": _login(c.operator_id, logins), "rings": c.rings, "disposition": c.disposition,
            "script_steps": c.script_steps, "transferred_to": c.transferred_to,
        }


def export_notes() -> Iterator[Row]:
    logins = _logins()
    for n in Note.select().order_by(Note.id).iterator():
        yield {
            "id": n.id, "client_id": n.client_id, "call_id": n.call_id, "author": _login(n.author_id, logins),
            "body": n.body, "created_at": iso(n.created_at),
        }


def export_clients() -> Iterator[Row]:
    """Clients with their phones; phones are a list in JSONL and ';'-joined E.164 (or raw) in CSV."""
    query = (Client.select(Client, Phone).join(Phone, JOIN.LEFT_OUTER).order_by(Client.id, Phone.id).objects())
    current: Row | None = None
    for row in query.iterator():
        if current is None or current["id"] != row.id:
            if current is not None:
                yield current
            current = {
                "id": row.id, "name": row.name, "company": row.company, "address_as": row.address_as,
                "manner": row.manner, "stage": row.stage, "tags": row.tags, "time_zone": row.time_zone,
                "created_at": iso(row.created_at), "phones": [],
            }
        if row.raw is not None:
            current["phones"].append(
                {"raw": row.raw, "e164": row.e164, "extension": row.extension, "label": row.label,
                 "valid": row.valid}
            )
    if current is not None:
        yield current


EXPORTS: dict[str, Callable[[], Iterator[Row]]] = {
    "calls": export_calls,
    "notes": export_notes,
    "clients": export_clients,
}
