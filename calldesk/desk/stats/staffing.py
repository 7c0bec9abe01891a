"""Staffing by hour of day: the operators Erlang C says the calls needed to meet the service level target,
beside the operators who were actually staffed (available, on a call or in wrap-up) in that hour.

Both are means over the period's open days (days on which calls were offered), so a month's figures read as
"a typical day". The handle time is the hour's own mean, or the period's when the hour has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.desk.context import Desk
from calldesk.desk.stats.erlang import operators_needed
from calldesk.desk.stats.grouping import Key, Scope
from calldesk.desk.stats.kpis import call_tallies
from calldesk.desk.stats.period import HOUR_SECONDS, offset_finder
from calldesk.desk.stats.states import staffed_seconds_by_hour, state_spans
from calldesk.desk.stats.tally import Tally


@dataclass(frozen=True, slots=True)
class StaffingHour:
    """One hour of a typical day: the operators Erlang C says were needed, beside those staffed."""

    hour: int  # local hour of day, 0 to 23
    calls_per_hour: float  # calls offered in this hour on an open day, on average
    handle_seconds: float | None
    needed: int  # operators needed for the target service level (0 with no calls)
    staffed: float  # operators staffed in this hour on an open day, on average
    service_level: float | None  # what the calls of this hour actually got

    @property
    def short(self) -> float:
        """How many operators were missing (negative: to spare)."""
        return self.needed - self.staffed


def staffing_from(desk: Desk, scope: Scope, day_hours: dict[Key, Tally]) -> list[StaffingHour]:
    """Staffing from call tallies by local hour since 1970 (grouping "day_hour")."""
    config = desk.config
    open_days = {int(k) // 24 for k, t in day_hours.items() if k is not None and t.offered}
    days = len(open_days) or scope.period.days()
    by_hour = [Tally() for _ in range(24)]
    whole = Tally()
    for index, tally in day_hours.items():
        if index is not None:
            by_hour[int(index) % 24].add(tally)
            whole.add(tally)
    staffed = [0.0] * 24
    spans = state_spans(desk, scope.period, scope.operator_id)
    for local_hour, seconds in staffed_seconds_by_hour(spans, offset_finder(scope.period)).items():
        if not open_days or local_hour // 24 in open_days:
            staffed[local_hour % 24] += seconds
    rows = []
    for hour, tally in enumerate(by_hour):
        calls_per_hour = tally.offered / days
        handle = tally.average_handle_time or whole.average_handle_time
        needed = operators_needed(calls_per_hour, handle or 0.0, config.answer_threshold_seconds,
                                  config.service_level_target)
        rows.append(StaffingHour(hour, calls_per_hour, handle, needed, staffed[hour] / HOUR_SECONDS / days,
                                 tally.service_level))
    return rows


def staffing(desk: Desk, scope: Scope) -> list[StaffingHour]:
    """For each hour of the day: operators needed (Erlang C) and operators staffed, for the scope."""
    return staffing_from(desk, scope, call_tallies(desk, scope, "day_hour"))
