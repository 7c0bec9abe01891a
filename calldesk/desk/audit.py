"""The audit trail: every change made by a person, with who, when, from what and to what."""

from __future__ import annotations

import json
from typing import Any

from calldesk.desk.context import Desk
from calldesk.store.models import AuditEvent


def _as_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def record(desk: Desk, actor: str, entity: str, entity_id: int, action: str, before: Any = None,
           after: Any = None) -> None:
    """Keep one change; call it inside the transaction that makes the change."""
    AuditEvent.create(
        actor=actor, entity=entity, entity_id=entity_id, action=action,
        before=_as_text(before), after=_as_text(after), at=desk.clock.now(),
    )
