"""A team lead's review of a call: a score from 1 to 5 and a comment, one per call (a new review replaces it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from calldesk.desk import audit
from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError, NotAllowed, NotFound
from calldesk.store.models import Call, CallReview, Operator, database

SCORES = range(1, 6)
MAX_COMMENT = 2_000


@dataclass(frozen=True)
class CallReviewView:
    call_id: int
    score: int
    comment: str
    reviewer: str  # login
    reviewed_at: datetime


def review_call(desk: Desk, call_id: int, reviewer_id: int, score: int, comment: str = "") -> CallReviewView:
    """Score an answered call from 1 to 5 with a comment; only team leads may, and the change is audited."""
    reviewer = Operator.get_or_none(Operator.id == reviewer_id)
    if reviewer is None:
        raise NotFound(f"operator {reviewer_id} does not exist")
    if reviewer.role != "lead":
        raise NotAllowed("only a team lead can review a call")
    if isinstance(score, bool) or score not in SCORES:
        raise DeskError(f"a review score is a whole number from 1 to 5, not {score!r}")
    comment = comment.strip()[:MAX_COMMENT]
    now = desk.clock.now()
    with database.atomic():
        call = Call.get_or_none(Call.id == call_id)
        if call is None:
            raise NotFound(f"call {call_id} does not exist")
        if call.answered_at is None:
            raise DeskError(f"call {call_id} was never answered: there is no handling to review")
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
