"""Refusals of the desk's rules, each worded for the person at the console, in its language (``_()``)."""

from calldesk.i18n import _


class DeskError(Exception):
    """A rule said no; ``str(error)`` is the one-line message to show."""


class CallGone(DeskError):
    """The call left the queue before this answer: another console took it, or the caller hung up."""


class CallTaken(CallGone):
    def __init__(self, call_id: int, by: str) -> None:
        super().__init__(_("call {call} was taken by {who}").format(call=call_id, who=by))
        self.call_id = call_id
        self.by = by


class NotFound(DeskError):
    pass


class NotAllowed(DeskError):
    pass


class UnknownOperator(DeskError):
    pass
