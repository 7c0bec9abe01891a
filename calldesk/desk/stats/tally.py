"""The sums every figure is made of, and the figures themselves (shares, means) computed from them.

A ``Tally`` holds only counts, sums and a maximum, so tallies of hours add up to days and days to months.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


@dataclass
class Tally:
    """The counts and sums the figures are computed from; tallies of hours add up to days, days to months."""

    offered: int = 0  # inbound calls that arrived
    answered: int = 0
    abandoned: int = 0  # unanswered calls that left the queue, short ones included
    short_abandoned: int = 0  # of those, callers who hung up within short_abandon_seconds
    answered_in_time: int = 0  # answered within answer_within_rings x ring_cycle_seconds
    wait_seconds: float = 0.0  # sum of the answered calls' waits
    longest_wait_seconds: float = 0.0  # the longest wait of an answered or abandoned call
    handled: int = 0  # answered calls that have ended
    handle_seconds: float = 0.0  # their talk plus wrap-up
    resolved_first_time: int = 0  # answered calls with no further contact within fcr_window_hours
    script_steps: int = 0  # steps ticked on answered calls
    phrase_hits: int = 0
    reviews: int = 0
    review_points: int = 0
    callbacks_due: int = 0  # call-backs whose deadline fell in the period: done, or open past it
    callbacks_kept: int = 0  # of those, done by their deadline
    callbacks_overdue: int = 0  # of those, still open now
    complaints_opened: int = 0
    complaints_resolved: int = 0
    resolve_seconds: float = 0.0  # sum of the resolved complaints' time to resolve

    def add(self, other: Tally) -> Tally:
        """Take another tally in (its calls are different calls): sums add up, the longest wait is the larger."""
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            setattr(self, f.name, max(mine, theirs) if f.name == "longest_wait_seconds" else mine + theirs)
        return self

    # --- the figures -------------------------------------------------------------------------------------------

    @property
    def counted_abandoned(self) -> int:
        """Abandoned calls that count against the desk: short abandons left out."""
        return self.abandoned - self.short_abandoned

    @property
    def service_level(self) -> float | None:
        return _share(self.answered_in_time, self.answered + self.counted_abandoned)

    @property
    def abandonment_rate(self) -> float | None:
        return _share(self.counted_abandoned, self.answered + self.counted_abandoned)

    @property
    def average_speed_of_answer(self) -> float | None:
        return _share(self.wait_seconds, self.answered)

    @property
    def longest_wait(self) -> float | None:
        return self.longest_wait_seconds if self.answered or self.abandoned else None

    @property
    def average_handle_time(self) -> float | None:
        return _share(self.handle_seconds, self.handled)

    @property
    def first_call_resolution(self) -> float | None:
        return _share(self.resolved_first_time, self.answered)

    @property
    def callbacks_on_time(self) -> float | None:
        return _share(self.callbacks_kept, self.callbacks_due)

    @property
    def mean_time_to_resolve(self) -> float | None:
        return _share(self.resolve_seconds, self.complaints_resolved)

    @property
    def script_steps_per_call(self) -> float | None:
        return _share(self.script_steps, self.answered)

    @property
    def phrase_hits_per_call(self) -> float | None:
        return _share(self.phrase_hits, self.answered)

    @property
    def review_score(self) -> float | None:
        return _share(self.review_points, self.reviews)

    def quality_score(self, script_length: int) -> float | None:
        """0 to 100: the mean of the parts known: script steps done (of the script's length), calls free of
        negative phrases (1 - hits per call, not below 0), and the leads' review score read from 1..5 as 0..1."""
        parts = []
        if self.answered and script_length:
            parts.append(min(1.0, self.script_steps / self.answered / script_length))
        if self.answered:
            parts.append(max(0.0, 1.0 - self.phrase_hits / self.answered))
        if self.reviews:
            parts.append((self.review_points / self.reviews - 1) / 4)
        return 100 * sum(parts) / len(parts) if parts else None
