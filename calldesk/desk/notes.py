"""Notes on a client, and the draft being typed: saved every few seconds so a killed console loses nothing."""

from __future__ import annotations

from calldesk.desk.context import Desk
from calldesk.store.models import Note, NoteDraft, database
from calldesk.store.prepared import Prepared

MAX_NOTE_LENGTH = 200_000


def _draft_query(operator_id: int, call_id: int | None):
    call_match = NoteDraft.call.is_null() if call_id is None else NoteDraft.call == call_id
    return NoteDraft.select().where((NoteDraft.operator == operator_id) & call_match)


def save_draft(desk: Desk, operator_id: int, call_id: int | None, client_id: int | None, body: str) -> None:
    """Keep what is typed so far; an empty body removes the draft."""
    with database.atomic():
        draft = _draft_query(operator_id, call_id).first()
        if not body.strip():
            if draft is not None:
                draft.delete_instance()
            return
        if draft is None:
            NoteDraft.create(operator=operator_id, call=call_id, client=client_id,
                             body=body[:MAX_NOTE_LENGTH], updated_at=desk.clock.now())
        else:
            draft.body, draft.client, draft.updated_at = body[:MAX_NOTE_LENGTH], client_id, desk.clock.now()
            draft.save()


# Read on every screen pop: built once (store.prepared)
_DRAFT_OF_CALL = Prepared(lambda operator_id, call_id: NoteDraft.select(NoteDraft.body).where(
    (NoteDraft.operator == operator_id) & (NoteDraft.call == call_id)).limit(1))


def load_draft(operator_id: int, call_id: int | None) -> str:
    if call_id is None:
        draft = _draft_query(operator_id, call_id).first()
        return draft.body if draft else ""
    rows = _DRAFT_OF_CALL.rows(operator_id=operator_id, call_id=call_id)
    return rows[0][0] if rows else ""


def add_note(desk: Desk, operator_id: int, client_id: int | None, call_id: int | None, body: str) -> int | None:
    """Keep a note on the client's dossier; the draft it came from is cleared. Empty text keeps nothing."""
    if not body.strip():
        return None
    with database.atomic():
        note = Note.create(client=client_id, call=call_id, author=operator_id, body=body[:MAX_NOTE_LENGTH],
                           created_at=desk.clock.now())
        discard_draft(operator_id, call_id)
    return note.id


def discard_draft(operator_id: int, call_id: int | None) -> None:
    """Forget the draft once its text is kept (or the call's paperwork is closed)."""
    NoteDraft.delete().where((NoteDraft.operator == operator_id)
                             & (NoteDraft.call == call_id if call_id else NoteDraft.call.is_null())).execute()
