"""The one state machine of calls and operators: which event may move what, from where to where.

Every path asks it: F2 and the other keys, the PBX's hook commands and AMI, the simulator, the journal's replay, the
command line and a lead's actions. A move the table does not allow is refused with a reason the person can read
(``Refused``); an event for a call that has already moved on (a late hang-up, an answer told twice by a retrying
PBX) is a no-op (``None``), never an error.

The calls table keeps its public status values (ringing, answered, completed, transferred, abandoned: the export
format); the finer states here are read from them with the call's ``offered_to``, ``wrapped_at`` and
``consult_with``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from calldesk.desk.errors import DeskError
from calldesk.i18n import N_, _


class CallStatus(StrEnum):
    """What the calls table stores and the exports publish."""

    RINGING = "ringing"
    ANSWERED = "answered"
    COMPLETED = "completed"
    TRANSFERRED = "transferred"
    ABANDONED = "abandoned"


CALL_STATUS_NAMES = {  # a call's status in words, shown through _()
    CallStatus.RINGING: N_("ringing"), CallStatus.ANSWERED: N_("answered"), CallStatus.COMPLETED: N_("completed"),
    CallStatus.TRANSFERRED: N_("transferred"), CallStatus.ABANDONED: N_("abandoned"),
}


class CallState(StrEnum):
    RINGING = "ringing"  # waiting in the queue
    OFFERED = "offered"  # waiting, its phone ringing at one operator (or reserved for them by a transfer)
    ANSWERED = "answered"  # live on the line
    CONSULTING = "consulting"  # live, the caller holding while its operator talks to a colleague (consult first)
    ENDED = "ended"  # the line is down; its operator is wrapping up
    TRANSFERRED = "transferred"  # handed on (a new call waits where it went); its operator is wrapping up
    WRAPPED_UP = "wrapped_up"  # the paperwork is done
    ABANDONED = "abandoned"  # the caller hung up before anyone answered


class CallEvent(StrEnum):
    OFFER = "offer"  # the PBX rings an operator's phone for it
    ANSWER = "answer"
    HANG_UP = "hang_up"  # the line went down: ends a live call, abandons a waiting one
    ABANDON = "abandon"  # the caller left the queue
    TRANSFER = "transfer"
    CONSULT = "consult"  # the operator calls a colleague while the caller holds (desk/calls/consult.py)
    CONSULT_COMPLETE = "consult_complete"  # the caller goes on to the colleague consulted
    CONSULT_RETURN = "consult_return"  # the consult is cancelled: the operator is back with the caller
    WRAP_UP = "wrap_up"
    WRAP_UP_TIME_OVER = "wrap_up_time_over"  # the queue's wrap-up time ran out: finished later, from My recent calls


class OperatorState(StrEnum):
    OFFLINE = "offline"  # no console open, not staffing the desk
    AVAILABLE = "available"
    RINGING = "ringing"  # the PBX rings their phone for a caller
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"  # with a reason
    DISABLED = "disabled"  # a lead took their access away


class OperatorEvent(StrEnum):
    SIGN_IN = "sign_in"  # a console opens on them with no call left on it
    SIGN_OUT = "sign_out"  # their console closes
    RING = "ring"  # the PBX rings their phone
    STOP_RINGING = "stop_ringing"
    ANSWER = "answer"
    CALL_ENDED = "call_ended"  # hung up or transferred: wrap-up begins
    WRAP_UP = "wrap_up"  # the paperwork is done
    WRAP_UP_TIME_OVER = "wrap_up_time_over"  # the wrap-up time ran out: available again, the notes kept as a draft
    PAUSE = "pause"
    RESUME = "resume"  # available again after a pause
    DISABLE = "disable"
    ENABLE = "enable"


class Refused(DeskError):
    """The state machine said no; ``str()`` is the reason to show."""


_C, _O = CallState, OperatorState
_WAITING = frozenset({_C.RINGING, _C.OFFERED})
_AFTER_ANSWER = frozenset({_C.ANSWERED, _C.CONSULTING, _C.ENDED, _C.TRANSFERRED, _C.WRAPPED_UP})
_MOVED_ON = frozenset({_C.ENDED, _C.TRANSFERRED, _C.WRAPPED_UP, _C.ABANDONED})

# event: (the states it moves a call from, the state it moves it to, the states where it is a no-op)
CALL_MOVES: dict[CallEvent, tuple[frozenset[CallState], CallState | None, frozenset[CallState]]] = {
    CallEvent.OFFER: (_WAITING, _C.OFFERED, _AFTER_ANSWER | {_C.ABANDONED}),
    CallEvent.ANSWER: (_WAITING, _C.ANSWERED, _AFTER_ANSWER),
    CallEvent.HANG_UP: (frozenset({_C.ANSWERED, _C.CONSULTING}), _C.ENDED, _MOVED_ON),  # waiting: see ABANDON
    CallEvent.ABANDON: (_WAITING, _C.ABANDONED, _AFTER_ANSWER | {_C.ABANDONED}),
    CallEvent.TRANSFER: (frozenset({_C.ANSWERED}), _C.TRANSFERRED, frozenset()),
    CallEvent.CONSULT: (frozenset({_C.ANSWERED}), _C.CONSULTING, frozenset()),
    CallEvent.CONSULT_COMPLETE: (frozenset({_C.CONSULTING}), _C.TRANSFERRED, frozenset()),
    # the caller hung up while holding: there is nobody to go back to, and nothing to refuse
    CallEvent.CONSULT_RETURN: (frozenset({_C.CONSULTING}), _C.ANSWERED, frozenset({_C.ENDED})),
    CallEvent.WRAP_UP: (frozenset({_C.ANSWERED, _C.ENDED, _C.TRANSFERRED}), _C.WRAPPED_UP,
                        frozenset({_C.WRAPPED_UP})),
    # only a wrap-up runs out; a live call, or one already closed, has nothing to run out
    CallEvent.WRAP_UP_TIME_OVER: (frozenset({_C.ENDED, _C.TRANSFERRED}), _C.WRAPPED_UP,
                                  frozenset(CallState) - {_C.ENDED, _C.TRANSFERRED}),
}

_CALL_REFUSALS: dict[CallState, str] = {  # shown through _(), with {call}
    _C.RINGING: N_("call {call} is still waiting in the queue: nobody has answered it"),
    _C.OFFERED: N_("call {call} is still waiting in the queue: nobody has answered it"),
    _C.ANSWERED: N_("call {call} is live on the line"),
    _C.CONSULTING: N_("call {call} is holding while you consult a colleague: complete or return first (F4)"),
    _C.ENDED: N_("call {call} is not live any more"),
    _C.TRANSFERRED: N_("call {call} was transferred already"),
    _C.WRAPPED_UP: N_("call {call} is over and wrapped up"),
    _C.ABANDONED: N_("call {call} was abandoned: the caller hung up before the answer"),
}

_BUSY = frozenset({_O.ON_CALL, _O.WRAP_UP})
_NOT_DISABLED = frozenset(OperatorState) - {_O.DISABLED}
OPERATOR_MOVES: dict[OperatorEvent, tuple[frozenset[OperatorState], OperatorState, frozenset[OperatorState]]] = {
    # a console reopening after the call it left ended elsewhere (its wrap-up done by the journal, say) starts afresh
    OperatorEvent.SIGN_IN: (frozenset({_O.OFFLINE, _O.RINGING, _O.ON_CALL, _O.WRAP_UP}), _O.AVAILABLE,
                            frozenset({_O.AVAILABLE, _O.PAUSED})),
    OperatorEvent.SIGN_OUT: (frozenset({_O.AVAILABLE, _O.PAUSED, _O.RINGING}), _O.OFFLINE, frozenset({_O.OFFLINE})),
    OperatorEvent.RING: (frozenset({_O.AVAILABLE}), _O.RINGING, _NOT_DISABLED - {_O.AVAILABLE}),
    # the line and the paperwork move on even for an operator disabled meanwhile; they stay disabled
    OperatorEvent.STOP_RINGING: (frozenset({_O.RINGING}), _O.AVAILABLE, frozenset(OperatorState) - {_O.RINGING}),
    # OFFLINE: a phone picked up while its console is closed; the PBX is the authority on the line
    OperatorEvent.ANSWER: (frozenset({_O.AVAILABLE, _O.RINGING, _O.OFFLINE}), _O.ON_CALL, frozenset()),
    OperatorEvent.CALL_ENDED: (frozenset({_O.ON_CALL}), _O.WRAP_UP, frozenset(OperatorState) - {_O.ON_CALL}),
    OperatorEvent.WRAP_UP: (_BUSY, _O.AVAILABLE, frozenset(OperatorState) - _BUSY),
    # whatever else they are now (disabled, paused, on a call picked up at the handset) stays as it is
    OperatorEvent.WRAP_UP_TIME_OVER: (frozenset({_O.WRAP_UP}), _O.AVAILABLE, frozenset(OperatorState) - {_O.WRAP_UP}),
    OperatorEvent.PAUSE: (frozenset({_O.AVAILABLE, _O.RINGING, _O.PAUSED}), _O.PAUSED, frozenset()),
    OperatorEvent.RESUME: (frozenset({_O.PAUSED, _O.AVAILABLE, _O.RINGING}), _O.AVAILABLE, frozenset()),
    OperatorEvent.DISABLE: (_NOT_DISABLED, _O.DISABLED, frozenset({_O.DISABLED})),
    OperatorEvent.ENABLE: (frozenset({_O.DISABLED}), _O.OFFLINE, _NOT_DISABLED),
}

_OPERATOR_REFUSALS: dict[OperatorState, str] = {  # shown through _(), with {who}
    _O.OFFLINE: N_("{who} is signed out"),
    _O.AVAILABLE: N_("{who} is available, on no call"),
    _O.RINGING: N_("{who} has a call ringing"),
    _O.ON_CALL: N_("{who} is on a call: finish it first (F6)"),
    _O.WRAP_UP: N_("{who} is wrapping up a call: finish the wrap-up first (F6)"),
    _O.PAUSED: N_("{who} is paused: be available again first (ctrl+o)"),
    _O.DISABLED: N_("{who} is disabled: a team lead can enable them again"),
}


def call_state(status: str, offered_to: str = "", wrapped_at: datetime | float | None = None,
               consult_with: str = "") -> CallState:
    """A call's state, from what the calls table keeps of it."""
    if status == CallStatus.RINGING:
        return _C.OFFERED if offered_to else _C.RINGING
    if status == CallStatus.ANSWERED:
        return _C.CONSULTING if consult_with else _C.ANSWERED
    if status == CallStatus.ABANDONED:
        return _C.ABANDONED
    if wrapped_at is not None:
        return _C.WRAPPED_UP
    return _C.TRANSFERRED if status == CallStatus.TRANSFERRED else _C.ENDED


def call_move(event: CallEvent, state: CallState, call_id: int) -> CallState | None:
    """The state ``event`` moves a call to; None when the call has moved on already. Raises Refused."""
    sources, target, no_ops = CALL_MOVES[event]
    if state in sources:
        return target
    if state in no_ops:
        return None
    raise Refused(_(_CALL_REFUSALS[state]).format(call=call_id))


def operator_move(event: OperatorEvent, state: str, who: str) -> OperatorState | None:
    """The state ``event`` moves an operator to; None when it changes nothing. Raises Refused naming ``who``."""
    sources, target, no_ops = OPERATOR_MOVES[event]
    current = OperatorState(state)
    if current in sources:
        return target
    if current in no_ops:
        return None
    raise Refused(_(_OPERATOR_REFUSALS[current]).format(who=who))


def sources_of(event: OperatorEvent) -> tuple[str, ...]:
    """The operator states ``event`` may move from, as stored: for an update that checks and moves in one step."""
    return tuple(sorted(OPERATOR_MOVES[event][0]))
