"""A call-back's status, as the call_back table stores it and the exports publish it."""

from __future__ import annotations

from enum import StrEnum


class CallbackStatus(StrEnum):
    OPEN = "open"  # promised and not yet kept: on a list, the board, the notices
    DONE = "done"  # the client was reached, or the number was wrong: closed with its outcome
    CANCELLED = "cancelled"  # withdrawn, with its reason
