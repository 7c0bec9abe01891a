"""F2: answering a call and its screen pop, in one trip to the database."""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.desk.calls.call_view import CallView, open_call
from calldesk.desk.calls.queue import answer_next, claim_call
from calldesk.desk.context import Desk
from calldesk.desk.operators.roster import OperatorView, get_operator


@dataclass(frozen=True, slots=True)
class Answered:
    """What F2 gives back: the answered call's screen pop, and the operator as the answer left them."""

    view: CallView
    me: OperatorView  # the operator as the answer left them (on a call), for the status bar


def answer_call(desk: Desk, operator: OperatorView, call_id: int | None) -> Answered | None:
    """Answer the chosen call, or the longest-waiting one when None, and build its screen pop in the same trip to
    the database; None when nobody waits. Raises what ``claim_call`` raises when another console was quicker."""
    answered = claim_call(desk, call_id, operator.id) if call_id is not None else answer_next(desk, operator.id)
    if answered is None:
        return None
    return Answered(open_call(desk, answered, operator), get_operator(operator.id))
