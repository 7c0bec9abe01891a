"""A console opening on an operator: the call left on it comes back with its screen pop, or the notes typed without
a call come back as a draft; a new shift (or a call that ended while the console was away) makes them available.
All of it is one trip to the database thread, made before the desk's first paint.

Then, on every change to the store, where the operator stands (``where_i_stand``): the console is a view of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from calldesk.desk.calls import handling
from calldesk.desk.calls.handling import LiveCall
from calldesk.desk.calls.states import OperatorEvent, OperatorState
from calldesk.desk.calls.wrap_up_limit import close_wrap_up_if_over
from calldesk.desk.clients import notes
from calldesk.desk.context import Desk
from calldesk.desk.operators import roster
from calldesk.desk.operators.notices import NoticeView, unread_notices
from calldesk.desk.operators.roster import OperatorView
from calldesk.store.models import database

if TYPE_CHECKING:
    from calldesk.desk.calls.call_view import CallView


class Resumed(NamedTuple):
    """What a console finds as it opens on an operator."""

    operator: OperatorView  # as they stand now
    live: LiveCall | None = None  # the call they are on or wrapping up
    view: CallView | None = None  # that call's screen pop
    draft: str = ""  # notes typed without a call and not yet kept


def resume_shift(desk: Desk, operator_id: int) -> Resumed:
    """Put the operator back where they were, or make them available for a new shift. A wrap-up whose time ran out
    while the console was closed is closed now: its notes wait as a draft in My recent calls."""
    close_wrap_up_if_over(desk, operator_id)
    live = handling.live_call_of(desk, operator_id)
    if live is not None:
        me = roster.get_operator(operator_id)
        from calldesk.desk.calls.call_view import open_call  # the screen pop's modules: only for a call left open

        return Resumed(me, live, open_call(desk, live.id, me))
    me = roster.move(desk, operator_id, OperatorEvent.SIGN_IN)  # a paused operator stays paused
    return Resumed(me, draft=notes.load_draft(operator_id, None))


class Standing(NamedTuple):
    """Where the operator stands in the store, whoever moved them: what the console shows on every change."""

    operator: OperatorView
    live: LiveCall | None  # the call they are on or wrapping up
    unread: list[NoticeView]  # notices not read yet, oldest first


def where_i_stand(desk: Desk, operator_id: int) -> Standing:
    """The operator's state, call and unread notices as the store holds them: a call answered at the handset, a
    hang-up from the PBX or a lead's change reaches the console through this; so does the end of the wrap-up
    time, whichever console or path asks first."""
    me = roster.get_operator(operator_id)
    if me.state == OperatorState.WRAP_UP and close_wrap_up_if_over(desk, operator_id):
        me = roster.get_operator(operator_id)
    return Standing(me, handling.live_call_of(desk, operator_id), unread_notices(operator_id))


def enable_operator(desk: Desk, login: str, *, by: str | None = None) -> OperatorView:
    """Let a disabled operator sign in again (audited). One disabled mid-call is back on that call, or wrapping it
    up, never free for a second one."""
    with database.atomic():
        me = roster.enable_login(desk, login, by=by)
        if me.state == OperatorState.OFFLINE:  # just enabled: offline until they sign in, unless a call is theirs
            _back_on_the_call_left_open(desk, me.id)
    return roster.get_operator(me.id)


def _back_on_the_call_left_open(desk: Desk, operator_id: int) -> None:
    """Enabled again after being disabled mid-call: the call is still theirs, so they are on it (or wrapping it up),
    never free for a second one."""
    close_wrap_up_if_over(desk, operator_id)  # a wrap-up whose time ran out meanwhile waits in My recent calls
    live = handling.live_call_of(desk, operator_id)
    if live is not None:
        roster.move(desk, operator_id, OperatorEvent.ANSWER)
        if live.in_wrap_up:
            roster.move(desk, operator_id, OperatorEvent.CALL_ENDED)
