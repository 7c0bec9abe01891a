"""Notes on a client, and the draft being typed: saved every few seconds so a killed console loses nothing."""

from __future__ import annotations

from calldesk.desk.context import Desk
from calldesk.store.models import Note, NoteDraft, database
from calldesk.store.prepared import Prepared

MAX_NOTE_LENGTH = 200_000


def _draft_of(operator_id: int, call_id: int | None):
    return (NoteDraft.operator == operator_id) & (
        NoteDraft.call.is_null() if call_id is None else NoteDraft.call == call_id)


def _draft_query(operator_id: int, call_id: int | None):
    return NoteDraft.select().where(_draft_of(operator_id, call_id))


def save_draft(desk: Desk, operator_id: int, call_id: int | None, client_id: int | None, body: str) -> bool:
    """Keep what is typed so far, as of the desk's clock (the journal replays a draft as of when it was typed).
    A text from before the draft kept never replaces it, whichever way it comes (a replay, an autosave, another
    console): False then. An empty body clears the draft but keeps its moment, so an older text cannot come back."""
    typed_at = desk.clock.now()
    body = body[:MAX_NOTE_LENGTH] if body.strip() else ""
    with database.atomic():
        # one statement compares and writes, so two consoles saving at once cannot both win
        if NoteDraft.update(body=body, client=client_id, updated_at=typed_at).where(
                _draft_of(operator_id, call_id) & (NoteDraft.updated_at <= typed_at)).execute():
            return True
        if _draft_query(operator_id, call_id).exists():
            return False
        NoteDraft.create(operator=operator_id, call=call_id, client=client_id, body=body, updated_at=typed_at)
    return True


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
        save_draft(desk, operator_id, call_id, client_id, "")  # kept now: an older draft replayed later stays out
    return note.id


def discard_draft(operator_id: int, call_id: int | None) -> None:
    """Forget the call's draft once its paperwork is closed: no text of it is wanted any more."""
    NoteDraft.delete().where(_draft_of(operator_id, call_id)).execute()
