"""Complaints and suggestions: logged for the client on the line, owned, answered within `inquiry_sla_hours`.

Each moves open -> in progress -> resolved (resolving needs a note saying what was done). The owner or a team lead
moves it; leads see and filter every one, operators their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.desk import audit
from calldesk.desk.callbacks.lateness import is_past_deadline, past_deadline_condition
from calldesk.desk.clients.directory import fold
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.desk.feedback.status import NEXT_STATUSES, FeedbackStatus
from calldesk.desk.operators.permissions import Action, may, require
from calldesk.i18n import N_, _
from calldesk.store.models import Call, Client, Feedback, Operator, database

KINDS = ("complaint", "suggestion")
KIND_NAMES = {"complaint": N_("complaint"), "suggestion": N_("suggestion")}  # shown through _()
STATUS_NAMES = {FeedbackStatus.OPEN: N_("open"), FeedbackStatus.IN_PROGRESS: N_("in progress"),
                FeedbackStatus.RESOLVED: N_("resolved")}  # through _()
MAX_TEXT = 5_000
LIST_LIMIT = 500


@dataclass(frozen=True)
class FeedbackView:
    """A complaint or suggestion as the desk lists it for its owner and the team leads."""

    id: int
    kind: str
    category: str
    text: str
    status: str
    client_id: int | None
    client_name: str
    call_id: int | None
    owner: str  # login; "" when nobody owns it
    owner_name: str
    created_by: str
    created_at: datetime
    deadline: datetime
    resolution: str
    resolved_at: datetime | None
    past_deadline: bool  # past its 10-hour deadline and not resolved, at the time it was read


def _view(desk: Desk, row: Feedback, logins: dict[int, tuple[str, str]]) -> FeedbackView:
    owner = logins.get(row.owner_id, ("", ""))
    return FeedbackView(
        id=row.id, kind=row.kind, category=row.category, text=row.body, status=row.status,
        client_id=row.client_id, client_name=row.client.name if row.client_id and row.client else "",
        call_id=row.call_id, owner=owner[0], owner_name=owner[1],
        created_by=logins.get(row.created_by_id, ("", ""))[0], created_at=row.created_at, deadline=row.deadline,
        resolution=row.resolution, resolved_at=row.resolved_at,
        past_deadline=row.status != FeedbackStatus.RESOLVED and is_past_deadline(row.deadline, desk.clock.now()),
    )


def _operators() -> dict[int, tuple[str, str]]:
    return {o.id: (o.login, o.name) for o in Operator.select(Operator.id, Operator.login, Operator.name)}


def _actor(operator_id: int) -> Operator:
    actor = Operator.get_or_none(Operator.id == operator_id)
    if actor is None:
        raise NotFound(_("operator {operator} does not exist").format(operator=operator_id))
    return actor


def _category(desk: Desk, category: str) -> str:
    wanted = fold(category)
    for known in desk.config.feedback_categories:
        if fold(known) == wanted:
            return known
    raise DeskError(_("category {category} is not one of {categories}").format(
        category=repr(category), categories=", ".join(desk.config.feedback_categories)))


def log_feedback(desk: Desk, operator_id: int, kind: str, category: str, text: str, *,
                 client_id: int | None = None, call_id: int | None = None, owner_id: int | None = None) -> int:
    """Log a complaint or suggestion; it is owned by whoever logged it unless another owner is named."""
    if kind not in KINDS:
        raise DeskError(_("kind {kind} is not one of {kinds}").format(kind=repr(kind), kinds=", ".join(KINDS)))
    text = text.strip()
    if not text:
        raise DeskError(_("a complaint needs a text: what the client said") if kind == "complaint"
                         else _("a suggestion needs a text: what the client said"))
    if len(text) > MAX_TEXT:
        raise DeskError(_("the text is longer than {count} characters").format(count=MAX_TEXT))
    category = _category(desk, category)
    now = desk.clock.now()
    with database.atomic():
        actor = _actor(operator_id)
        if call_id is not None:
            call = Call.get_or_none(Call.id == call_id)
            if call is None:
                raise NotFound(_("call {call} does not exist").format(call=call_id))
            client_id = client_id or call.client_id
        if client_id is not None and Client.get_or_none(Client.id == client_id) is None:
            raise NotFound(_("client {client} does not exist").format(client=client_id))
        owner = _actor(owner_id) if owner_id is not None else actor
        row = Feedback.create(
            kind=kind, category=category, body=text, client=client_id, call=call_id, owner=owner.id,
            status=FeedbackStatus.OPEN, deadline=desk.inquiry_deadline(now), created_at=now,
            created_by=actor.id, updated_at=now,
        )
        audit.record(desk, actor.login, "feedback", row.id, "create",
                     after={"kind": kind, "category": category, "owner": owner.login, "client_id": client_id})
    return row.id


def get_feedback(desk: Desk, feedback_id: int) -> FeedbackView:
    row = Feedback.get_or_none(Feedback.id == feedback_id)
    if row is None:
        raise NotFound(_("feedback {feedback} does not exist").format(feedback=feedback_id))
    return _view(desk, row, _operators())


def _move(desk: Desk, actor_id: int, feedback_id: int, status: FeedbackStatus, resolution: str = "") -> None:
    now = desk.clock.now()
    with database.atomic():
        actor = _actor(actor_id)
        row = Feedback.get_or_none(Feedback.id == feedback_id)
        if row is None:
            raise NotFound(_("feedback {feedback} does not exist").format(feedback=feedback_id))
        if actor.id != row.owner_id:
            require(actor, Action.MOVE_OTHERS_FEEDBACK,
                    _("feedback {feedback} belongs to someone else").format(feedback=feedback_id))
        if status not in NEXT_STATUSES[row.status]:
            raise DeskError(_("feedback {feedback} is {status}: it cannot become {wanted}").format(
                feedback=feedback_id, status=_(STATUS_NAMES[row.status]), wanted=_(STATUS_NAMES[status])))
        changes = {"status": status, "updated_at": now}
        if status == FeedbackStatus.RESOLVED:
            changes.update(resolution=resolution, resolved_at=now)
        # The status in the WHERE makes a second console's move fail instead of overwriting this one.
        moved = Feedback.update(**changes).where((Feedback.id == feedback_id) & (Feedback.status == row.status))
        if not moved.execute():
            raise DeskError(_("feedback {feedback} was changed meanwhile: look again").format(feedback=feedback_id))
        audit.record(desk, actor.login, "feedback", feedback_id, status, before={"status": row.status},
                     after={"status": status, **({"resolution": resolution} if resolution else {})})


def start_feedback(desk: Desk, actor_id: int, feedback_id: int) -> None:
    """The owner (or a lead) starts working on it: open -> in progress."""
    _move(desk, actor_id, feedback_id, FeedbackStatus.IN_PROGRESS)


def resolve_feedback(desk: Desk, actor_id: int, feedback_id: int, resolution: str) -> None:
    """Close it with a note of what was done for the client."""
    resolution = resolution.strip()
    if not resolution:
        raise DeskError(_("resolving needs a note: what was done for the client"))
    if len(resolution) > MAX_TEXT:
        raise DeskError(_("the resolution is longer than {count} characters").format(count=MAX_TEXT))
    _move(desk, actor_id, feedback_id, FeedbackStatus.RESOLVED, resolution)


def assign_feedback(desk: Desk, actor_id: int, feedback_id: int, owner_login: str) -> None:
    """A team lead hands it to another owner."""
    with database.atomic():
        actor = _actor(actor_id)
        require(actor, Action.HAND_FEEDBACK)
        owner = Operator.get_or_none(Operator.login == owner_login)
        if owner is None:
            raise NotFound(_("operator {login} is not known").format(login=repr(owner_login)))
        row = Feedback.get_or_none(Feedback.id == feedback_id)
        if row is None:
            raise NotFound(_("feedback {feedback} does not exist").format(feedback=feedback_id))
        if row.owner_id == owner.id:
            return
        before = Operator.get_or_none(Operator.id == row.owner_id) if row.owner_id else None
        Feedback.update(owner=owner.id, updated_at=desk.clock.now()).where(Feedback.id == feedback_id).execute()
        audit.record(desk, actor.login, "feedback", feedback_id, "assign",
                     before={"owner": before.login if before else ""}, after={"owner": owner.login})


def list_feedback(desk: Desk, viewer_id: int, *, kind: str | None = None, status: str | None = None,
                  category: str | None = None, owner: str | None = None, client_id: int | None = None,
                  past_deadline: bool = False, text: str = "", limit: int = LIST_LIMIT) -> list[FeedbackView]:
    """The register, filtered; unresolved ones by deadline first. Leads see all, operators what they own or logged.

    ``status`` is a FeedbackStatus or "unresolved"; ``owner`` a login; ``text`` words to find in text or resolution.
    """
    viewer = _actor(viewer_id)
    query = Feedback.select(Feedback, Client).join(Client, JOIN.LEFT_OUTER, on=(Feedback.client == Client.id))
    if not may(viewer, Action.SEE_EVERY_FEEDBACK):
        query = query.where((Feedback.owner == viewer.id) | (Feedback.created_by == viewer.id))
    if kind:
        query = query.where(Feedback.kind == kind)
    if status == "unresolved":
        query = query.where(Feedback.status != FeedbackStatus.RESOLVED)
    elif status:
        query = query.where(Feedback.status == status)
    if category:
        query = query.where(Feedback.category == _category(desk, category))
    if owner:
        owner_row = Operator.get_or_none(Operator.login == owner)
        query = query.where(Feedback.owner == (owner_row.id if owner_row else -1))
    if client_id is not None:
        query = query.where(Feedback.client == client_id)
    if past_deadline:
        query = query.where((Feedback.status != FeedbackStatus.RESOLVED)
                            & past_deadline_condition(desk.clock.now(), Feedback.deadline))
    rows = query.order_by(Feedback.status == FeedbackStatus.RESOLVED, Feedback.deadline, Feedback.id)
    logins = _operators()
    words = fold(text).split()
    views = []
    for row in rows.limit(limit if not words else LIST_LIMIT * 20):
        if words and not all(w in fold(f"{row.body} {row.resolution} {row.category}") for w in words):
            continue  # text filtering in Python: the register is small next to calls and clients
        views.append(_view(desk, row, logins))
        if len(views) >= limit:
            break
    return views
