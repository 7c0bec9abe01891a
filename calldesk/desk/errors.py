"""Refusals of the desk's rules, each worded for the person at the console."""


class DeskError(Exception):
    """A rule said no; ``str(error)`` is the one-line message to show."""


class CallGone(DeskError):
    """The call left the queue before this answer: another console took it, or the caller hung up."""


class CallTaken(CallGone):
    def __init__(self, call_id: int, by: str) -> None:
        super().__init__(f"call {call_id} was taken by {by}")
        self.call_id = call_id
        self.by = by


class NotFound(DeskError):
    pass


class NotAllowed(DeskError):
    pass


class UnknownOperator(DeskError):
    pass
