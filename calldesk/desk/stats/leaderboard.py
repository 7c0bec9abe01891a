"""The leaderboard: per operator for a period, the clear indicators a lead rewards by; sortable, exportable."""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from typing import TextIO

from calldesk.desk.context import Desk
from calldesk.desk.errors import DeskError
from calldesk.desk.stats.definitions import script_length
from calldesk.desk.stats.grouping import Key, Scope
from calldesk.desk.stats.kpis import tallies
from calldesk.desk.stats.tally import Tally
from calldesk.i18n import N_, _
from calldesk.store.models import Operator


@dataclass(frozen=True, slots=True)
class LeaderboardRow:
    """One operator's line on the leaderboard: the indicators a lead rewards by, for the period."""

    operator_id: int
    login: str
    name: str
    calls_handled: int  # calls answered
    average_handle_time: float | None
    first_call_resolution: float | None
    callbacks_on_time: float | None
    quality_score: float | None
    reviews: int


@dataclass(frozen=True, slots=True)
class LeaderboardColumn:
    """A column of the leaderboard, on screen and in CSV, and which way sorts it best first."""

    name: str  # a LeaderboardRow field, and the CSV column
    label: str  # English, shown through _()
    kind: str  # text | count | seconds | share | number
    best_high: bool  # what "best first" means when sorting


LEADERBOARD_COLUMNS = (
    LeaderboardColumn("login", N_("Operator"), "text", False),
    LeaderboardColumn("calls_handled", N_("Calls"), "count", True),
    LeaderboardColumn("average_handle_time", N_("AHT"), "seconds", False),
    LeaderboardColumn("first_call_resolution", N_("FCR"), "share", True),
    LeaderboardColumn("callbacks_on_time", N_("Call-backs on time"), "share", True),
    LeaderboardColumn("quality_score", N_("Quality"), "number", True),
    LeaderboardColumn("reviews", N_("Reviews"), "count", True),
)
COLUMNS_BY_NAME = {c.name: c for c in LEADERBOARD_COLUMNS}


def leaderboard_from(desk: Desk, by_operator: dict[Key, Tally]) -> list[LeaderboardRow]:
    """Rows for every enabled operator and anyone else with figures in the period, most calls first."""
    steps = script_length(desk.config)
    operators = Operator.select(Operator.id, Operator.login, Operator.name, Operator.enabled)
    rows = []
    for operator in operators:
        tally = by_operator.get(operator.id)
        if tally is None and not operator.enabled:
            continue
        tally = tally or Tally()
        rows.append(LeaderboardRow(
            operator_id=operator.id, login=operator.login, name=operator.name, calls_handled=tally.answered,
            average_handle_time=tally.average_handle_time, first_call_resolution=tally.first_call_resolution,
            callbacks_on_time=tally.callbacks_on_time, quality_score=tally.quality_score(steps),
            reviews=tally.reviews,
        ))
    return sort_leaderboard(rows, "calls_handled")


def leaderboard(desk: Desk, scope: Scope) -> list[LeaderboardRow]:
    return leaderboard_from(desk, tallies(desk, scope, "operator"))


def sort_leaderboard(rows: list[LeaderboardRow], column: str, best_first: bool = True) -> list[LeaderboardRow]:
    """Sorted by a column, best first (or worst first); operators with nothing to measure go last either way."""
    spec = COLUMNS_BY_NAME.get(column)
    if spec is None:
        raise DeskError(_("cannot sort the leaderboard by {column} (choose from {columns})").format(
            column=repr(column), columns=", ".join(COLUMNS_BY_NAME)))
    present = [r for r in rows if getattr(r, column) is not None]
    missing = [r for r in rows if getattr(r, column) is None]
    descending = spec.best_high == best_first
    present.sort(key=lambda r: r.login)  # ties read in login order
    present.sort(key=lambda r: getattr(r, column), reverse=descending)
    return present + sorted(missing, key=lambda r: r.login)


def write_leaderboard_csv(rows: list[LeaderboardRow], out: TextIO) -> int:
    """The leaderboard as CSV (shares from 0 to 1, times in seconds); returns the rows written."""
    writer = csv.DictWriter(out, fieldnames=["login", "name", *(c.name for c in LEADERBOARD_COLUMNS[1:])])
    writer.writeheader()
    for row in rows:
        values = asdict(row)
        values.pop("operator_id")
        writer.writerow({k: "" if v is None else round(v, 4) if isinstance(v, float) else v
                         for k, v in values.items()})
    return len(rows)
