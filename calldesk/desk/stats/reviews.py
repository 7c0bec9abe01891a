"""A team lead's review of a call: a score from 1 to 5 and a comment, one per call (a new review replaces it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.desk import audit
from calldesk.desk.calls.states import CallStatus
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotFound
from calldesk.desk.operators.permissions import Action, require
from calldesk.desk.stats.definitions import format_duration
from calldesk.i18n import _, desk_word
from calldesk.store.models import Call, CallReview, Operator, database

SCORES = range(1, 6)
MAX_COMMENT = 2_000
REVIEWABLE_LENGTH = 30


@dataclass(frozen=True, slots=True)
class CallReviewView:
    """A team lead's review of a call, as saved."""

    call_id: int
    score: int
    comment: str
    reviewer: str  # login
    reviewed_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewableCall:
    """A call a lead may score: one line of the client's answered calls."""

    call_id: int
    at: datetime  # when it arrived, as the dossier's history shows it
    summary: str  # "support · Information given · talk 4:05"
    operator: str  # who handled it (display name)
    score: int | None  # the lead's review, if there is one


def review_call(desk: Desk, call_id: int, reviewer_id: int, score: int, comment: str = "") -> CallReviewView:
    """Score an answered call from 1 to 5 with a comment; only team leads may, and the change is audited."""
    reviewer = Operator.get_or_none(Operator.id == reviewer_id)
    if reviewer is None:
        raise NotFound(_("operator {operator} does not exist").format(operator=reviewer_id))
    require(reviewer, Action.REVIEW_CALL)
    if isinstance(score, bool) or score not in SCORES:
        raise DeskError(_("a review score is a whole number from 1 to 5, not {score}").format(score=repr(score)))
    comment = comment.strip()[:MAX_COMMENT]
    now = desk.clock.now()
    with database.atomic():
        call = Call.get_or_none(Call.id == call_id)
        if call is None:
            raise NotFound(_("call {call} does not exist").format(call=call_id))
        if call.answered_at is None:
            raise DeskError(_("call {call} was never answered: there is no handling to review").format(call=call_id))
        earlier = CallReview.get_or_none(CallReview.call == call_id)
        before = {"score": earlier.score, "comment": earlier.comment} if earlier else None
        if earlier is None:
            CallReview.create(call=call_id, reviewer=reviewer_id, score=score, comment=comment, reviewed_at=now)
        else:
            CallReview.update(reviewer=reviewer_id, score=score, comment=comment, reviewed_at=now).where(
                CallReview.id == earlier.id).execute()
        audit.record(desk, reviewer.login, "call", call_id, "review", before=before,
                     after={"score": score, "comment": comment})
    return CallReviewView(call_id, score, comment, reviewer.login, now)


def review_of(call_id: int) -> CallReviewView | None:
    """The call's review, if a lead gave one."""
    row = (CallReview.select(CallReview, Operator.login)
           .join(Operator, JOIN.LEFT_OUTER, on=(CallReview.reviewer == Operator.id))
           .where(CallReview.call == call_id).objects().first())
    if row is None:
        return None
    return CallReviewView(call_id, row.score, row.comment, row.login or "", row.reviewed_at)


def reviewable_calls(desk: Desk, client_id: int, limit: int = REVIEWABLE_LENGTH) -> list[ReviewableCall]:
    """The client's answered calls, newest first, with who handled each and its review score: one indexed query."""
    rows = (Call.select(Call.id, Call.arrived_at, Call.answered_at, Call.ended_at, Call.queue, Call.status,
                        Call.disposition, Call.transferred_to, Operator.name, CallReview.score)
            .join(Operator, JOIN.LEFT_OUTER, on=(Call.operator == Operator.id))
            .switch(Call).join(CallReview, JOIN.LEFT_OUTER, on=(CallReview.call == Call.id))
            .where((Call.client == client_id) & Call.answered_at.is_null(False))
            .order_by(Call.arrived_at.desc())  # the (client, arrived_at) index gives the order
            .limit(limit).objects())
    return [ReviewableCall(row.id, row.arrived_at, _handling(row), row.name or "", row.score) for row in rows]


def _handling(call: Call) -> str:
    """Queue, how it ended and the talk time, in one line."""
    unwrapped = {CallStatus.ANSWERED: _("on the line"), CallStatus.COMPLETED: _("not wrapped up"),
                 CallStatus.TRANSFERRED: _("transferred to {target}").format(target=call.transferred_to)}
    outcome = desk_word(call.disposition) if call.disposition else unwrapped.get(call.status, call.status)
    parts = [call.queue, outcome]
    if call.ended_at is not None:
        parts.append(_("talk {duration}").format(
            duration=format_duration((call.ended_at - call.answered_at).total_seconds())))
    return " · ".join(parts)
