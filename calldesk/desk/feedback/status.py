"""A complaint's or suggestion's status, as the feedback table stores it, and the moves between them."""

from __future__ import annotations

from enum import StrEnum


class FeedbackStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"  # its owner is working on it
    RESOLVED = "resolved"  # closed with a note of what was done for the client


NEXT_STATUSES: dict[FeedbackStatus, tuple[FeedbackStatus, ...]] = {
    FeedbackStatus.OPEN: (FeedbackStatus.IN_PROGRESS, FeedbackStatus.RESOLVED),
    FeedbackStatus.IN_PROGRESS: (FeedbackStatus.RESOLVED,),
    FeedbackStatus.RESOLVED: (),
}
