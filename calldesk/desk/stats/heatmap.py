"""Peak hours: calls offered and service level for each weekday and hour of the period, in local time."""

from __future__ import annotations

from dataclasses import dataclass

from calldesk.desk.context import Desk
from calldesk.desk.stats.grouping import Key, Scope
from calldesk.desk.stats.kpis import call_tallies
from calldesk.desk.stats.period import weekday_of_index
from calldesk.desk.stats.tally import Tally


@dataclass(frozen=True, slots=True)
class HeatMap:
    """``tallies[weekday][hour]``, Monday 0 and midnight 0; each cell's calls over every such hour of the period."""

    tallies: tuple[tuple[Tally, ...], ...]

    def offered(self, weekday: int, hour: int) -> int:
        return self.tallies[weekday][hour].offered

    def service_level(self, weekday: int, hour: int) -> float | None:
        return self.tallies[weekday][hour].service_level

    @property
    def busiest(self) -> int:
        return max((t.offered for day in self.tallies for t in day), default=0)


def heat_map_from(day_hours: dict[Key, Tally]) -> HeatMap:
    """Fold tallies by local hour since 1970 (grouping "day_hour") into weekday x hour cells."""
    cells = [[Tally() for _ in range(24)] for _ in range(7)]
    for index, tally in day_hours.items():
        if index is None:
            continue
        day, hour = divmod(int(index), 24)
        cells[weekday_of_index(day)][hour].add(tally)
    return HeatMap(tuple(tuple(day) for day in cells))


def heat_map(desk: Desk, scope: Scope) -> HeatMap:
    """Calls offered and service level by weekday and hour for the scope."""
    return heat_map_from(call_tallies(desk, scope, "day_hour"))
