"""Everything the statistics tab shows for a period, from as few passes over the calls as it takes: the tallies
by local hour give the whole, the peak hours and the staffing; one more pass by operator gives the leaderboard."""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.desk.context import Desk
from calldesk.desk.stats.grouping import Scope
from calldesk.desk.stats.heatmap import HeatMap, heat_map_from
from calldesk.desk.stats.kpis import tallies
from calldesk.desk.stats.leaderboard import LeaderboardRow, leaderboard
from calldesk.desk.stats.staffing import StaffingHour, staffing_from
from calldesk.desk.stats.states import StateTime, time_in_states
from calldesk.desk.stats.tally import Tally


@dataclass(frozen=True, slots=True)
class StatisticsReport:
    """Everything the statistics tab shows for a period."""

    scope: Scope
    whole: Tally
    heat_map: HeatMap
    staffing: tuple[StaffingHour, ...]
    leaderboard: tuple[LeaderboardRow, ...]
    states: tuple[StateTime, ...]


def statistics_report(desk: Desk, scope: Scope) -> StatisticsReport:
    """The period's figures, heat map, staffing by hour, leaderboard and time in states."""
    by_hour = tallies(desk, scope, "day_hour")
    whole = Tally()
    for tally in by_hour.values():
        whole.add(tally)
    return StatisticsReport(
        scope=scope, whole=whole, heat_map=heat_map_from(by_hour),
        staffing=tuple(staffing_from(desk, scope, by_hour)), leaderboard=tuple(leaderboard(desk, scope)),
        states=tuple(time_in_states(desk, scope.period, scope.operator_id)),
    )
