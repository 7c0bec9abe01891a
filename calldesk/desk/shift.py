"""A console opening on an operator: the call left on it comes back with its screen pop, or the notes typed without
a call come back as a draft; a new shift (or a call that ended while the console was away) makes them available.

All of it is one trip to the database thread, made before the desk's first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from calldesk.desk import calls, notes, operators
from calldesk.desk.calls import LiveCall
from calldesk.desk.context import Desk
from calldesk.desk.operators import OperatorView

if TYPE_CHECKING:
    from calldesk.desk.call_view import CallView

AWAY_STATES = ("offline", "on_call", "wrap_up")  # a console that closed, or a call that is over without it


class Resumed(NamedTuple):
    """What a console finds as it opens on an operator."""

    operator: OperatorView  # as they stand now
    live: LiveCall | None = None  # the call they are on or wrapping up
    view: CallView | None = None  # that call's screen pop
    draft: str = ""  # notes typed without a call and not yet kept


def resume_shift(desk: Desk, operator_id: int) -> Resumed:
    """Put the operator back where they were, or make them available for a new shift."""
    live = calls.live_call_of(desk, operator_id)
    me = operators.get_operator(operator_id)
    if live is not None:
        from calldesk.desk.call_view import open_call  # the screen pop's modules: only for a call left open

        return Resumed(me, live, open_call(desk, live.id, me))
    if me.state in AWAY_STATES:
        me = operators.set_state(desk, me.id, "available")
    return Resumed(me, draft=notes.load_draft(operator_id, None))
